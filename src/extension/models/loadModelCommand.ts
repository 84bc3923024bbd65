// "Hearth: Load Model from File…": the .gguf a caller names, or one the user picks, loaded in the
// engine with progress (modelLoading.ts).
import * as vscode from "vscode";
import type { LoadedModelInfo } from "../../common/engine/engineProtocol";
import type { EngineService } from "../engineHost/engineService";
import { loadModelFromFile, loadWithProgress } from "./modelLoading";

/** Loads `target` (a Uri or path, e.g. from a test or another command) or asks the user for a file. */
export async function pickAndLoadModel(
  engine: EngineService,
  target?: unknown,
): Promise<LoadedModelInfo | undefined> {
  if (target instanceof vscode.Uri) return loadWithProgress(engine, target.fsPath);
  if (typeof target === "string" && target.trim()) return loadWithProgress(engine, target);
  return loadModelFromFile(engine);
}
