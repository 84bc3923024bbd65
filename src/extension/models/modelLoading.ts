// Loading a model in the engine with a cancellable progress notification, then saying what was
// loaded: by name or path (the model picker, "Load Model from File…", first run), or from a .gguf
// file the user picks.
import * as path from "node:path";
import * as vscode from "vscode";
import type { LoadedModelInfo } from "../../common/engine/engineProtocol";
import { isEngineError } from "../../common/engine/engineError";
import { formatBytes } from "../../common/formatBytes";
import type { EngineService } from "../engineHost/engineService";
import { isModelPath } from "../../common/models/modelName";
import { showEngineError } from "../errorMessages";

/** Asks for a .gguf file (starting in the folder of the model used last) and loads it; undefined when none was picked. */
export async function loadModelFromFile(engine: EngineService): Promise<LoadedModelInfo | undefined> {
  const preferred = engine.preferredModelPath();
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t("Load a GGUF model"),
    openLabel: vscode.l10n.t("Load Model"),
    canSelectMany: false,
    canSelectFolders: false,
    filters: { [vscode.l10n.t("GGUF models")]: ["gguf"], [vscode.l10n.t("All files")]: ["*"] },
    ...(preferred && isModelPath(preferred) ? { defaultUri: vscode.Uri.file(path.dirname(preferred)) } : {}),
  });
  const modelPath = picked?.[0]?.fsPath;
  if (!modelPath) return undefined;
  return loadWithProgress(engine, modelPath);
}

/**
 * Loads a `.gguf` path or an installed model's name with a cancellable progress notification,
 * and says what was loaded. Errors are shown (with their actions) and answer undefined.
 */
export async function loadWithProgress(engine: EngineService, modelPath: string): Promise<LoadedModelInfo | undefined> {
  const fileName = isModelPath(modelPath) ? path.basename(modelPath) : modelPath;
  try {
    const info = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t("Hearth: loading {0}…", fileName),
        cancellable: true,
      },
      (_progress, token) => engine.loadModel(modelPath, token),
    );
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        "Loaded {0} ({1}, {2}): context {3} tokens, threads: {4}.",
        info.name,
        info.architecture,
        formatBytes(info.sizeBytes),
        info.contextSize,
        info.threads,
      ),
    );
    return info;
  } catch (error) {
    if (!isEngineError(error, "cancelled")) void showEngineError(error);
    return undefined;
  }
}
