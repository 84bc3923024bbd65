// "Hearth: Create Model from Modelfile" and "Chat with This Model", also as CodeLens at the top of
// every Modelfile: the editor's text (saved or not) becomes a model in the store, as
// `ollama create NAME -f Modelfile` does, and can be chatted with at once.
import * as path from "node:path";
import * as vscode from "vscode";
import { requireTrust } from "../workspaceTrust";
import { isEngineError } from "../../common/engine/engineError";
import { formatBytes } from "../../common/formatBytes";
import type { ModelManifest } from "../../common/models/modelManifest";
import { tryParseModelName, formatModelName } from "../../common/models/modelName";
import type { EngineService } from "../engineHost/engineService";
import { showEngineError } from "../errorMessages";

async function modelfileDocument(target: unknown): Promise<vscode.TextDocument | undefined> {
  if (target instanceof vscode.Uri) return vscode.workspace.openTextDocument(target);
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === "modelfile") return active;
  void vscode.window.showInformationMessage(
    vscode.l10n.t("Open a Modelfile (a file named Modelfile or ending in .modelfile) first, then run this command again."),
  );
  return undefined;
}

/** A name from the Modelfile's folder: `my-assistant/Modelfile` → `my-assistant:latest`. */
function suggestedName(document: vscode.TextDocument): string {
  const base = path.basename(document.uri.fsPath);
  const stem = /^modelfile$/i.test(base) ? path.basename(path.dirname(document.uri.fsPath)) : base.replace(/\.modelfile$/i, "").replace(/^Modelfile\./i, "");
  const cleaned = stem.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "my-model";
  return `${cleaned}:latest`;
}

export async function createModelCommand(
  engine: EngineService,
  target?: unknown,
  nameArgument?: unknown,
): Promise<ModelManifest | undefined> {
  if (
    !requireTrust(
      vscode.l10n.t(
        "This workspace is in Restricted Mode, so Hearth does not create models from its Modelfiles: FROM and ADAPTER lines read files anywhere on this computer. Trust the workspace to create and chat with its models.",
      ),
    )
  ) {
    return undefined;
  }
  const document = await modelfileDocument(target);
  if (!document) return undefined;
  const name =
    typeof nameArgument === "string" && nameArgument.trim()
      ? nameArgument.trim()
      : await vscode.window.showInputBox({
          title: vscode.l10n.t("Hearth: Create Model from Modelfile"),
          prompt: vscode.l10n.t("Name of the new model (family:tag)"),
          value: suggestedName(document),
          ignoreFocusOut: true,
          validateInput: (value) =>
            tryParseModelName(value.trim()) ? null : vscode.l10n.t("Use a name like my-assistant:latest (letters, digits, . _ -)."),
        });
  if (!name) return undefined;
  const canonical = formatModelName(tryParseModelName(name) ?? { family: name, tag: "latest" });
  try {
    const manifest = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Hearth: creating {0}…", canonical), cancellable: true },
      (progress, token) =>
        engine.createFromModelfile(
          canonical,
          document.getText(),
          document.uri.scheme === "file" ? path.dirname(document.uri.fsPath) : (vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd()),
          (update) =>
            progress.report({
              message: update.totalBytes
                ? vscode.l10n.t("pulling the base model: {0} of {1}", formatBytes(update.completedBytes), formatBytes(update.totalBytes))
                : update.phase,
            }),
          token,
        ),
    );
    const chat = vscode.l10n.t("Chat with It");
    void vscode.window
      .showInformationMessage(vscode.l10n.t("Created {0} from the Modelfile. It is in the Models view.", manifest.name), chat)
      .then(async (choice) => {
        if (choice === chat) await chatWithModel(engine, manifest.name);
      });
    return manifest;
  } catch (error) {
    if (!isEngineError(error, "cancelled")) void showEngineError(error);
    return undefined;
  }
}

async function chatWithModel(engine: EngineService, name: string): Promise<void> {
  try {
    await engine.loadModel(name);
    await vscode.commands.executeCommand("hearth.openChat");
  } catch (error) {
    // Declining the model's LICENSE cancels the load: nothing to report.
    if (!isEngineError(error, "cancelled")) void showEngineError(error);
  }
}

/** Creates the model (under its suggested name, or the one given) and opens the chat with it. */
export async function chatWithModelfileCommand(engine: EngineService, target?: unknown, nameArgument?: unknown): Promise<ModelManifest | undefined> {
  const document = await modelfileDocument(target);
  if (!document) return undefined;
  const name = typeof nameArgument === "string" && nameArgument.trim() ? nameArgument : suggestedName(document);
  const manifest = await createModelCommand(engine, document.uri, name);
  if (manifest) await chatWithModel(engine, manifest.name);
  return manifest;
}

/** "Create Model" and "Chat with This Model" above the first line of every Modelfile. */
export class ModelfileCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, {
        title: `$(package) ${vscode.l10n.t("Create Model")}`,
        command: "hearth.createModelFromModelfile",
        arguments: [document.uri],
      }),
      new vscode.CodeLens(top, {
        title: `$(comment-discussion) ${vscode.l10n.t("Chat with This Model")}`,
        command: "hearth.chatWithModelfile",
        arguments: [document.uri],
      }),
    ];
  }
}
