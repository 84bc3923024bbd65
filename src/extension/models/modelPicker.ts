// "Hearth: Select Model…", the status-bar item's picker: the installed models, then the profiles
// made from Modelfiles in their own section (the loaded one marked), then "Load from File…",
// "Pull a Model…" and the engine's status menu. With nothing installed, the recommended download
// comes first.
import * as vscode from "vscode";
import { errorText } from "../../common/engine/engineError";
import type { LoadedModelInfo } from "../../common/engine/engineProtocol";
import { formatBytes } from "../../common/formatBytes";
import type { StoreListResult } from "../../common/engine/engineProtocol";
import { formatParameterCount } from "../../common/models/modelsOverview";
import { profileBaseLabel, profileParametersSummary } from "../../common/models/profileSummary";
import type { EngineService } from "../engineHost/engineService";
import { loadWithProgress } from "./modelLoading";
import { modelNameOf } from "./modelsTreeView";
import { recommendedCodeModel } from "./recommendedModel";

interface ModelPick extends vscode.QuickPickItem {
  model?: string;
  command?: string;
}

/** Loads the model named by `argument` (a name, a path, a Models view node), or asks which one. */
export async function selectModelCommand(engine: EngineService, argument?: unknown): Promise<LoadedModelInfo | undefined> {
  // A remote engine answers: say so rather than list local models as if they would.
  const remote = argument === undefined ? (engine.remote?.label() ?? null) : null;
  if (remote !== null && !(await engine.remote!.pickWhileRemote(remote))) return undefined;
  const given = modelNameOf(argument);
  if (given) return loadWithProgress(engine, given);

  let store: StoreListResult | null = null;
  let storeError: string | null = null;
  try {
    store = await engine.storeList();
  } catch (error) {
    storeError = errorText(error);
  }
  const active = engine.activeModel;
  const items: ModelPick[] = [];
  const installed = (store?.models ?? []).filter((model) => model.status === "ok" && model.manifest);
  // A profile shares its base's file, so it is the active one only when loaded under its own name.
  const isActiveModel = (model: (typeof installed)[number]): boolean =>
    active !== null &&
    (active.storeName === model.name || (model.manifest!.profile === undefined && active.storeName === null && active.modelPath === model.blobPath));
  const plain = installed.filter((model) => model.manifest!.profile === undefined);
  const profiles = installed.filter((model) => model.manifest!.profile !== undefined);
  if (plain.length > 0) {
    items.push({ label: vscode.l10n.t("Installed"), kind: vscode.QuickPickItemKind.Separator });
    for (const model of plain) {
      const manifest = model.manifest!;
      const isActive = isActiveModel(model);
      const facts = [formatBytes(manifest.sizeBytes)];
      if (manifest.gguf) facts.push(manifest.gguf.quantization, formatParameterCount(manifest.gguf.parameters));
      if (isActive) facts.unshift(vscode.l10n.t("loaded"));
      items.push({
        label: `${isActive ? "$(check)" : "$(package)"} ${model.name}`,
        description: facts.join(" · "),
        detail: manifest.source.uri,
        model: model.name,
      });
    }
  }
  if (profiles.length > 0) {
    items.push({ label: vscode.l10n.t("Profiles (from Modelfiles)"), kind: vscode.QuickPickItemKind.Separator });
    for (const model of profiles) {
      const profile = model.manifest!.profile!;
      const isActive = isActiveModel(model);
      const facts = [vscode.l10n.t("profile of {0}", profileBaseLabel(profile))];
      const parameters = profileParametersSummary(profile);
      if (parameters) facts.push(parameters);
      if (isActive) facts.unshift(vscode.l10n.t("loaded"));
      items.push({
        label: `${isActive ? "$(check)" : "$(file-code)"} ${model.name}`,
        description: facts.join(" · "),
        detail: profile.system === undefined ? undefined : profile.system.replace(/\s+/g, " ").slice(0, 120),
        model: model.name,
      });
    }
  }
  if (installed.length === 0) {
    const { entry } = recommendedCodeModel();
    items.push({
      label: `$(star-full) ${vscode.l10n.t("Download Recommended Model ({0}, {1})", entry.name, formatBytes(entry.approxSizeBytes))}`,
      detail: storeError
        ? vscode.l10n.t("The model store could not be read: {0}", storeError)
        : vscode.l10n.t("No model is installed yet. This one fits this machine."),
      command: "hearth.pullRecommended",
    });
  }
  if (active && !installed.some((model) => model.name === active.storeName || model.blobPath === active.modelPath)) {
    items.unshift({
      label: `$(check) ${active.name}`,
      description: vscode.l10n.t("loaded from a file"),
      detail: active.modelPath,
    });
  }
  items.push({ label: "", kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: `$(folder-opened) ${vscode.l10n.t("Load from File…")}`, command: "hearth.loadModelFromFile" });
  items.push({ label: `$(cloud-download) ${vscode.l10n.t("Pull a Model…")}`, command: "hearth.pullModel" });
  if (active) items.push({ label: `$(debug-disconnect) ${vscode.l10n.t("Unload Model")}`, command: "hearth.unloadModel" });
  items.push({ label: `$(flame) ${vscode.l10n.t("Engine Status and Actions…")}`, command: "hearth.showMenu" });

  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t("Hearth: Select Model"),
    placeHolder: active
      ? vscode.l10n.t("{0} is loaded. Choose a model to load instead.", active.name)
      : vscode.l10n.t("Choose a model to load"),
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (picked.model) return loadWithProgress(engine, picked.model);
  if (picked.command) await vscode.commands.executeCommand(picked.command);
  return undefined;
}
