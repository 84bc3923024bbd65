// Hearth in VS Code's language-model API (vscode.lm): its installed models as a chat provider
// (VS Code 1.104 and later, found at run time) and its workspace search as a tool (1.95 and later).
// One call at activation registers what the running VS Code supports (and returns the provider,
// for tests); the rest of Hearth works the same without either.
import * as vscode from "vscode";
import { errorText } from "../../common/engine/engineError";
import { hearthVendor } from "../../common/languageModels/chatModelInformation";
import type { EngineService } from "../engineHost/engineService";
import type { WorkspaceIndexController } from "../index/workspaceIndex";
import { chatProviderRegistration } from "./chatProviderApi";
import { HearthChatModelProvider } from "./chatModelProvider";
import { registerSearchWorkspaceTool } from "./searchWorkspaceTool";

export function registerLanguageModels(
  context: vscode.ExtensionContext,
  engine: EngineService,
  index: WorkspaceIndexController,
  log: vscode.LogOutputChannel,
): HearthChatModelProvider | undefined {
  try {
    const tool = registerSearchWorkspaceTool(index);
    if (tool) context.subscriptions.push(tool);
    else log.info("This VS Code has no language-model tools API (vscode.lm.registerTool); Hearth's search tool is not offered.");
  } catch (error) {
    log.warn(`Hearth's search tool could not be registered: ${errorText(error)}`);
  }
  const register = chatProviderRegistration();
  if (!register) {
    log.info(`VS Code ${vscode.version} has no language model chat provider API (1.104 and later): Hearth's models are not in its model picker.`);
    return undefined;
  }
  try {
    const provider = new HearthChatModelProvider(engine, log);
    context.subscriptions.push(provider, register(hearthVendor, provider));
    return provider;
  } catch (error) {
    log.warn(`Hearth's models could not be added to VS Code's model picker: ${errorText(error)}`);
    return undefined;
  }
}
