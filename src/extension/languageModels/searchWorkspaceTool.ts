// Hearth's workspace search as a language-model tool (`hearth_searchWorkspace`, `#hearthSearch` in
// a prompt; declared under contributes.languageModelTools): VS Code's agent, and any extension
// through vscode.lm.invokeTool, searches the local index the way @workspace does and gets passages
// with their paths and line ranges. Reading the index changes nothing, so no confirmation is asked.
import * as vscode from "vscode";
import { errorText } from "../../common/engine/engineError";
import { searchToolInput, SearchToolInputError, searchToolName, searchToolText } from "../../common/languageModels/searchTool";
import type { WorkspaceIndexController } from "../index/workspaceIndex";

interface SearchInput {
  query?: unknown;
  k?: unknown;
}

export class SearchWorkspaceTool implements vscode.LanguageModelTool<SearchInput> {
  constructor(private readonly index: WorkspaceIndexController) {}

  prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<SearchInput>): vscode.PreparedToolInvocation {
    const query = typeof options.input.query === "string" ? options.input.query.trim() : "";
    return { invocationMessage: vscode.l10n.t("Searching the Hearth index for \"{0}\"", query) };
  }

  async invoke(options: vscode.LanguageModelToolInvocationOptions<SearchInput>, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
    let input;
    try {
      input = searchToolInput(options.input);
    } catch (error) {
      if (error instanceof SearchToolInputError) return textResult(error.message);
      throw error;
    }
    let passages;
    try {
      passages = await this.index.passages(input.query, input.k, token);
    } catch (error) {
      // Said to the model as the result, so the agent can tell the user what to do.
      return textResult(vscode.l10n.t("Hearth could not search the workspace index: {0}", errorText(error)));
    }
    if (passages === null) {
      return textResult(
        vscode.l10n.t(
          "This workspace has no Hearth index yet, so there is nothing to search. Run \"Hearth: Index Workspace\" (the command palette) to build it, then search again.",
        ),
      );
    }
    return textResult(searchToolText(input.query, passages));
  }
}

function textResult(text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}

/** Registers the tool (vscode.lm.registerTool, VS Code 1.95 and later); undefined where the host lacks it. */
export function registerSearchWorkspaceTool(index: WorkspaceIndexController): vscode.Disposable | undefined {
  if (typeof vscode.lm?.registerTool !== "function") return undefined;
  return vscode.lm.registerTool(searchToolName, new SearchWorkspaceTool(index));
}
