// "Hearth: Import Model from File…": a local .gguf becomes an installed model (copied into the
// store, or linked so it takes no extra space), named as the user chooses.
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { isEngineError } from "../../common/engine/engineError";
import type { StoreImportParams } from "../../common/engine/engineProtocol";
import { formatBytes } from "../../common/formatBytes";
import type { ModelManifest } from "../../common/models/modelManifest";
import { formatModelName, modelNameFromFileName, tryParseModelName } from "../../common/models/modelName";
import type { EngineService } from "../engineHost/engineService";
import { showEngineError } from "../errorMessages";

interface ModePick extends vscode.QuickPickItem {
  mode: "copy" | "link";
}

function importArguments(argument: unknown): StoreImportParams | undefined {
  if (argument instanceof vscode.Uri) return { path: argument.fsPath };
  if (typeof argument === "string" && argument.trim()) return { path: argument.trim() };
  if (typeof argument === "object" && argument !== null) {
    const value = argument as { path?: unknown; name?: unknown; mode?: unknown };
    if (typeof value.path === "string" && value.path.trim()) {
      return {
        path: value.path.trim(),
        ...(typeof value.name === "string" && value.name.trim() ? { name: value.name.trim() } : {}),
        ...(value.mode === "link" || value.mode === "copy" ? { mode: value.mode } : {}),
      };
    }
  }
  return undefined;
}

/** `argument`: a Uri or path, or `{ path, name?, mode? }`; without one, asks for the file, name and mode. */
export async function importModelCommand(engine: EngineService, argument?: unknown): Promise<ModelManifest | undefined> {
  const params = importArguments(argument) ?? (await askForImport());
  if (!params) return undefined;
  try {
    const manifest = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t("Hearth: importing {0}…", path.basename(params.path)),
        cancellable: true,
      },
      (_progress, token) => engine.importModel(params, token),
    );
    const load = vscode.l10n.t("Load Now");
    void vscode.window
      .showInformationMessage(
        manifest.storage === "copy"
          ? vscode.l10n.t("Imported {0} as {1} ({2}, copied into the model store).", path.basename(params.path), manifest.name, formatBytes(manifest.sizeBytes))
          : vscode.l10n.t("Imported {0} as {1} ({2}, linked: keep the original file where it is).", path.basename(params.path), manifest.name, formatBytes(manifest.sizeBytes)),
        load,
      )
      .then((choice) => {
        if (choice === load) void vscode.commands.executeCommand("hearth.loadModel", manifest.name);
      });
    return manifest;
  } catch (error) {
    if (!isEngineError(error, "cancelled")) void showEngineError(error);
    return undefined;
  }
}

async function askForImport(): Promise<StoreImportParams | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: vscode.l10n.t("Import a GGUF model into the model store"),
    openLabel: vscode.l10n.t("Import"),
    canSelectMany: false,
    canSelectFolders: false,
    filters: { [vscode.l10n.t("GGUF models")]: ["gguf"] },
  });
  const file = picked?.[0]?.fsPath;
  if (!file) return undefined;
  const suggested = formatModelName(modelNameFromFileName(path.basename(file)));
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t("Hearth: Import Model"),
    prompt: vscode.l10n.t("The name to install it as: family:tag, lower case (for example my-model:q4_k_m)."),
    value: suggested,
    ignoreFocusOut: true,
    validateInput: (value) =>
      tryParseModelName(value)
        ? undefined
        : vscode.l10n.t("Use lower-case letters, digits, '.', '-' and '_', with an optional :tag (for example my-model:q4_k_m)."),
  });
  if (!name) return undefined;
  let size = "";
  try {
    size = formatBytes((await fs.promises.stat(file)).size);
  } catch {
    size = "?";
  }
  const modes: ModePick[] = [
    {
      label: `$(files) ${vscode.l10n.t("Copy into the model store")}`,
      detail: vscode.l10n.t("Uses {0} more disk space; the original can be moved or deleted afterwards.", size),
      mode: "copy",
    },
    {
      label: `$(link) ${vscode.l10n.t("Link to the file")}`,
      detail: vscode.l10n.t("Takes no extra space when the file is on the same disk as the store; keep the original where it is."),
      mode: "link",
    },
  ];
  const mode = await vscode.window.showQuickPick(modes, { title: vscode.l10n.t("Hearth: Import Model") });
  if (!mode) return undefined;
  return { path: file, name: name.trim(), mode: mode.mode };
}
