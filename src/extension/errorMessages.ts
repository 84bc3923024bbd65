import * as vscode from "vscode";
import { isEngineError, errorText } from "../common/engine/engineError";

/** Shows an error from the engine with the actions that help: the log, loading another model. */
export async function showEngineError(error: unknown): Promise<void> {
  const showLog = vscode.l10n.t("Show Log");
  const loadModel = vscode.l10n.t("Load Model from File…");
  const selectModel = vscode.l10n.t("Select Model…");
  const actions = isEngineError(error, "modelNotFound")
    ? [selectModel, loadModel]
    : isEngineError(error, "invalidModel") || isEngineError(error, "outOfMemory")
      ? [selectModel, loadModel, showLog]
      : [showLog];
  const choice = await vscode.window.showErrorMessage(errorText(error), ...actions);
  if (choice === showLog) await vscode.commands.executeCommand("hearth.showLog");
  if (choice === loadModel) await vscode.commands.executeCommand("hearth.loadModelFromFile");
  if (choice === selectModel) await vscode.commands.executeCommand("hearth.selectModel");
}
