// "Hearth: Remove Model…": asks (a modal that says how much disk space comes back and whether
// the model is loaded), then removes it; the engine unloads it first.
import * as vscode from "vscode";
import { formatBytes } from "../../common/formatBytes";
import type { RemoveResult, StoredModel } from "../../common/models/modelManifest";
import type { EngineService } from "../engineHost/engineService";
import { modelNameOf } from "./modelsTreeView";

interface RemovePick extends vscode.QuickPickItem {
  name: string;
}

/**
 * `argument`: a name, a Models view node, or `{ name, confirm: false }` — the last only from code
 * (tests, other extensions): the palette and the view never pass it, so people always confirm.
 */
export async function removeModelCommand(engine: EngineService, argument?: unknown): Promise<RemoveResult | undefined> {
  const skipConfirmation =
    typeof argument === "object" && argument !== null && (argument as { confirm?: unknown }).confirm === false;
  const list = await engine.storeList();
  const name = modelNameOf(argument) ?? (await pickInstalled(list.models));
  if (!name) return undefined;
  const stored = list.models.find((model) => model.name === name);
  if (!stored) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t("{0} is not installed in {1}, so there is nothing to remove. The Models view lists what is installed.", name, list.root),
    );
    return undefined;
  }
  if (!skipConfirmation && !(await confirmRemoval(engine, stored, list.models))) return undefined;

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t("Removing {0}…", name) },
    () => engine.removeModel(name),
  );
  const message = result.blobRemoved
    ? vscode.l10n.t("Removed {0}; {1} of disk space is free again.", name, formatBytes(result.freedBytes))
    : result.problem
      ? vscode.l10n.t("Removed {0} from the list, but its file could not be deleted: {1}", name, result.problem)
      : vscode.l10n.t("Removed {0}. Its file stays on disk because another installed model uses it.", name);
  void vscode.window.showInformationMessage(message);
  return result;
}

async function pickInstalled(models: readonly StoredModel[]): Promise<string | undefined> {
  if (models.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t("No model is installed, so there is nothing to remove."));
    return undefined;
  }
  const items: RemovePick[] = models.map((model) => ({
    label: model.name,
    description: model.manifest ? formatBytes(model.manifest.sizeBytes) : vscode.l10n.t("damaged"),
    ...(model.problem ? { detail: model.problem } : {}),
    name: model.name,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t("Hearth: Remove Model"),
    placeHolder: vscode.l10n.t("Choose the model to remove from the store"),
  });
  return picked?.name;
}

async function confirmRemoval(engine: EngineService, stored: StoredModel, all: readonly StoredModel[]): Promise<boolean> {
  const loaded = (await engine.loadedModels()).some(
    (model) => model.storeName === stored.name || (stored.blobPath !== null && model.modelPath === stored.blobPath),
  );
  const sharing = all
    .filter((other) => other.name !== stored.name && other.manifest && other.manifest.sha256 === stored.manifest?.sha256)
    .map((other) => other.name);
  const details: string[] = [];
  if (!stored.manifest) details.push(vscode.l10n.t("The entry is damaged; removing it deletes what is left of it."));
  else if (sharing.length > 0) {
    details.push(vscode.l10n.t("Its file stays on disk because {0} uses it too, so no space is freed.", sharing.join(", ")));
  } else {
    details.push(vscode.l10n.t("This deletes its file and frees {0} of disk space.", formatBytes(stored.manifest.sizeBytes)));
  }
  if (loaded) details.push(vscode.l10n.t("It is loaded now: Hearth unloads it first."));
  details.push(vscode.l10n.t("To use it again, pull or import it again."));
  const remove = vscode.l10n.t("Remove");
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t("Remove {0} from the model store?", stored.name),
    { modal: true, detail: details.join(" ") },
    remove,
  );
  return choice === remove;
}
