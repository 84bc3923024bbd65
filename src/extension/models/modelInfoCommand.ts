// "Hearth: Show GGUF Model Info…": metadata, chat template and a memory-fit estimate for a file,
// read without loading the model.
import * as vscode from "vscode";
import type { ModelInspection } from "../../common/engine/engineProtocol";
import type { EngineService } from "../engineHost/engineService";
import { showInspection } from "./modelInspection";

export async function showModelInfoCommand(engine: EngineService, target?: unknown): Promise<ModelInspection | undefined> {
  let modelPath: string | undefined;
  if (target instanceof vscode.Uri) modelPath = target.fsPath;
  else if (typeof target === "string" && target.trim()) modelPath = target;
  else modelPath = engine.activeModel?.modelPath;
  if (!modelPath) {
    const picked = await vscode.window.showOpenDialog({
      title: vscode.l10n.t("Inspect a GGUF model"),
      openLabel: vscode.l10n.t("Inspect"),
      canSelectMany: false,
      filters: { [vscode.l10n.t("GGUF models")]: ["gguf"] },
    });
    modelPath = picked?.[0]?.fsPath;
  }
  if (!modelPath) return undefined;
  return showInspection(engine, modelPath);
}
