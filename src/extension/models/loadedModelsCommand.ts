// "Hearth: Show Loaded Models" (ollama ps): what the engine holds, its memory and since when;
// choosing one offers to unload it or show its details.
import * as vscode from "vscode";
import type { LoadedModelInfo } from "../../common/engine/engineProtocol";
import { formatBytes } from "../../common/formatBytes";
import type { EngineService } from "../engineHost/engineService";

interface LoadedPick extends vscode.QuickPickItem {
  model: LoadedModelInfo;
}

/** Answers what is loaded; `{ show: false }` (from code) answers without any UI. */
export async function showLoadedModelsCommand(engine: EngineService, argument?: unknown): Promise<LoadedModelInfo[]> {
  const models = await engine.loadedModels();
  if (typeof argument === "object" && argument !== null && (argument as { show?: unknown }).show === false) return models;
  if (models.length === 0) {
    const select = vscode.l10n.t("Select Model…");
    const choice = await vscode.window.showInformationMessage(
      engine.engineRunning
        ? vscode.l10n.t("No model is loaded: the engine (process {0}) holds no model, so it uses little memory.", engine.enginePid ?? "?")
        : vscode.l10n.t("No model is loaded: the engine is not running. It starts when a prompt, the chat or a load needs it."),
      select,
    );
    if (choice === select) await vscode.commands.executeCommand("hearth.selectModel");
    return models;
  }
  const items: LoadedPick[] = models.map((model) => {
    const memory = model.memory.cpuRam + model.memory.gpuVram;
    return {
      label: `$(flame) ${model.storeName ?? model.name}`,
      description: vscode.l10n.t(
        "{0} of memory · since {1}",
        formatBytes(memory),
        new Date(model.loadedAt).toLocaleTimeString(vscode.env.language, { hour: "2-digit", minute: "2-digit" }),
      ),
      detail: vscode.l10n.t(
        "context {0} tokens · threads: {1} · GPU layers: {2} · {3}",
        model.contextSize,
        model.threads,
        model.gpuLayers,
        model.modelPath,
      ),
      model,
    };
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t("Hearth: Loaded Models (engine process {0})", engine.enginePid ?? "?"),
    placeHolder: vscode.l10n.t("Choose a model to unload it or see its details"),
  });
  if (!picked) return models;
  const unload = vscode.l10n.t("Unload");
  const details = vscode.l10n.t("Show Details");
  const action = await vscode.window.showQuickPick([unload, details], {
    title: picked.model.storeName ?? picked.model.name,
  });
  if (action === unload) await engine.unloadModelById(picked.model.modelId);
  if (action === details) {
    await vscode.commands.executeCommand(
      picked.model.storeName ? "hearth.showModel" : "hearth.showModelInfo",
      picked.model.storeName ?? vscode.Uri.file(picked.model.modelPath),
    );
  }
  return models;
}
