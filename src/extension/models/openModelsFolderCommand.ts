// "Hearth: Open Models Folder": shows the model store's folder in the system's file manager, or,
// where VS Code cannot reach one (a browser or remote window), says where it is.
import * as fs from "node:fs";
import * as vscode from "vscode";
import type { EngineService } from "../engineHost/engineService";
import { configuredStoreRoot } from "../engineHost/storeLocation";

/** Answers the folder's path; `{ reveal: false }` (from code) answers without any UI. */
export async function openModelsFolderCommand(engine: EngineService, argument?: unknown): Promise<string> {
  const root = engine.engineRunning ? await engine.storeRoot() : configuredStoreRoot();
  if (typeof argument === "object" && argument !== null && (argument as { reveal?: unknown }).reveal === false) return root;
  await fs.promises.mkdir(root, { recursive: true });
  const local = vscode.env.remoteName === undefined && vscode.env.uiKind === vscode.UIKind.Desktop;
  if (local) {
    await vscode.commands.executeCommand("revealFileInOS", vscode.Uri.file(root));
    return root;
  }
  const copy = vscode.l10n.t("Copy Path");
  const open = vscode.l10n.t("Open in New Window");
  void vscode.window
    .showInformationMessage(
      vscode.l10n.t("Hearth's models are in {0} (this window cannot open the system's file manager).", root),
      copy,
      open,
    )
    .then(async (choice) => {
      if (choice === copy) await vscode.env.clipboard.writeText(root);
      if (choice === open) await vscode.commands.executeCommand("vscode.openFolder", vscode.Uri.file(root), { forceNewWindow: true });
    });
  return root;
}
