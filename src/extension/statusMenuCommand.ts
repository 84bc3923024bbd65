// "Hearth: Engine Status and Actions": what is loaded and what the engine is doing, with the
// actions that apply now. The status-bar item opens it.
import * as vscode from "vscode";
import { formatBytes } from "../common/formatBytes";
import type { EngineService } from "./engineHost/engineService";

interface MenuItem extends vscode.QuickPickItem {
  command?: string;
}

export async function statusMenuCommand(engine: EngineService): Promise<void> {
  const model = engine.activeModel;
  const state = engine.engineState;
  const items: MenuItem[] = [];
  if (model) {
    items.push({
      label: `$(flame) ${model.name}`,
      description: vscode.l10n.t("loaded"),
      detail: vscode.l10n.t(
        "{0} · {1} · context {2} · threads: {3} · about {4} of memory",
        model.architecture,
        formatBytes(model.sizeBytes),
        model.contextSize,
        model.threads,
        formatBytes(model.memory.cpuRam + model.memory.gpuVram),
      ),
      kind: vscode.QuickPickItemKind.Default,
    });
  } else if (state.kind === "crashed") {
    items.push({
      label: `$(warning) ${vscode.l10n.t("The engine stopped unexpectedly ({0}).", state.reason)}`,
      detail: vscode.l10n.t("It restarts on your next request. The log has the cause."),
    });
  } else {
    items.push({ label: `$(circle-slash) ${vscode.l10n.t("No model loaded")}` });
  }
  items.push({ label: "", kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: `$(comment-discussion) ${vscode.l10n.t("Open Chat")}`, command: "hearth.openChat" });
  items.push({ label: `$(comment) ${vscode.l10n.t("Run Prompt")}`, command: "hearth.runPrompt" });
  items.push({ label: `$(list-selection) ${vscode.l10n.t("Select Model…")}`, command: "hearth.selectModel" });
  items.push({ label: `$(folder-opened) ${vscode.l10n.t("Load Model from File…")}`, command: "hearth.loadModelFromFile" });
  items.push({ label: `$(cloud-download) ${vscode.l10n.t("Pull a Model…")}`, command: "hearth.pullModel" });
  items.push({ label: `$(layers) ${vscode.l10n.t("Show Loaded Models")}`, command: "hearth.showLoadedModels" });
  if (model) {
    items.push({ label: `$(info) ${vscode.l10n.t("Show GGUF Model Info…")}`, command: "hearth.showModelInfo" });
    items.push({ label: `$(debug-disconnect) ${vscode.l10n.t("Unload Model")}`, command: "hearth.unloadModel" });
  }
  items.push({ label: `$(debug-restart) ${vscode.l10n.t("Restart Engine")}`, command: "hearth.restartEngine" });
  items.push({ label: `$(output) ${vscode.l10n.t("Show Log")}`, command: "hearth.showLog" });
  items.push({ label: `$(rocket) ${vscode.l10n.t("Get Started with Hearth")}`, command: "hearth.openWalkthrough" });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t("Hearth"),
    placeHolder: engine.enginePid
      ? vscode.l10n.t("Engine process {0}", engine.enginePid)
      : vscode.l10n.t("The engine starts on first use."),
  });
  if (picked?.command) await vscode.commands.executeCommand(picked.command);
}
