// First run: with no model installed, Hearth offers the catalogue model that fits this machine
// ("Download Recommended Model") instead of an error — from the walkthrough, the Models view's
// welcome, Run Prompt and the chat.
import * as os from "node:os";
import * as vscode from "vscode";
import { formatBytes } from "../../common/formatBytes";
import type { PullResult } from "../../common/models/modelManifest";
import type { EngineService } from "../engineHost/engineService";
import { loadModelFromFile } from "./modelLoading";
import { pullWithProgress } from "./modelPulling";
import type { PullTracker } from "./pullTracker";
import { noModelInstalledText, recommendedCodeModel } from "./recommendedModel";

/** The context key the views' welcome content picks its "Download NAME (SIZE)" link by. */
export function setRecommendedModelContext(): void {
  const { entry } = recommendedCodeModel();
  void vscode.commands.executeCommand("setContext", "hearth.recommendedModel", entry.name);
}

/** "Hearth: Download Recommended Model": pulls the code model that fits this machine. */
export async function pullRecommendedCommand(engine: EngineService, pulls: PullTracker): Promise<PullResult | undefined> {
  const { entry, fits } = recommendedCodeModel();
  if (!fits) {
    const download = vscode.l10n.t("Download Anyway");
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        "This machine has {0} of memory; even the smallest recommended model, {1}, wants {2}. It may run slowly or fail to load. Download it anyway?",
        formatBytes(os.totalmem()),
        entry.name,
        formatBytes(entry.minMemoryBytes),
      ),
      { modal: true },
      download,
    );
    if (choice !== download) return undefined;
  }
  const result = await pullWithProgress(engine, pulls, entry.name, undefined, { announce: false });
  if (result && !result.alreadyInstalled) {
    // With nothing chosen before, the next prompt or chat loads it.
    const tryPrompt = vscode.l10n.t("Try a Prompt");
    const openChat = vscode.l10n.t("Open Chat");
    const load = vscode.l10n.t("Load Now");
    const actions = !engine.activeModel && !engine.preferredModelPath() ? [tryPrompt, openChat] : [load];
    void vscode.window
      .showInformationMessage(
        vscode.l10n.t(
          "{0} is downloaded and verified ({1}). Try it: Run Prompt answers in an editor, the chat keeps a conversation.",
          entry.name,
          formatBytes(result.manifest.sizeBytes),
        ),
        ...actions,
      )
      .then((choice) => {
        if (choice === tryPrompt) void vscode.commands.executeCommand("hearth.runPrompt");
        if (choice === openChat) void vscode.commands.executeCommand("hearth.openChat");
        if (choice === load) void vscode.commands.executeCommand("hearth.loadModel", entry.name);
      });
  }
  return result;
}

/**
 * Nothing is installed or loaded: offer the recommended download or a GGUF file. Answers true
 * when a model is now there to use.
 */
export async function offerFirstModel(engine: EngineService, pulls: PullTracker): Promise<boolean> {
  const download = vscode.l10n.t("Download Recommended Model");
  const load = vscode.l10n.t("Load Model from File…");
  const choice = await vscode.window.showInformationMessage(noModelInstalledText(), download, load);
  if (choice === download) return (await pullRecommendedCommand(engine, pulls)) !== undefined;
  if (choice === load) return (await loadModelFromFile(engine)) !== undefined;
  return false;
}
