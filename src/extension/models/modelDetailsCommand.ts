// "Hearth: Show Model Details…": an installed model's page — GGUF metadata, chat template and
// the fit estimate (renderInspection), plus what the store knows: source, sha256, file, manifest.
import * as vscode from "vscode";
import { showReadOnlyPage } from "../readOnlyPages";
import { isEngineError } from "../../common/engine/engineError";
import type { StoreShowResult } from "../../common/engine/engineProtocol";
import { formatBytes } from "../../common/formatBytes";
import { shownModelfile } from "../../common/modelfile/shownModelfile";
import type { EngineService } from "../engineHost/engineService";
import { isModelPath } from "../../common/models/modelName";
import { showEngineError } from "../errorMessages";
import { markdownCell, renderInspection, showInspection } from "./modelInspection";
import { modelNameOf, purposeLabel } from "./modelsTreeView";

export function renderModelDetails(result: StoreShowResult): string {
  const { model, inspection } = result;
  const manifest = model.manifest;
  const head = inspection
    ? renderInspection(inspection)
    : [
        `# ${model.name}`,
        "",
        `**⚠ ${model.problem ?? model.status}**`,
        "",
        vscode.l10n.t("Run \"Hearth: Repair Model Store\" to remove this entry, then pull the model again."),
        "",
      ].join("\n");
  const rows: Array<[string, string]> = [[vscode.l10n.t("Name"), model.name]];
  if (manifest) {
    rows.push(
      [vscode.l10n.t("Purpose"), purposeLabel(manifest.purpose)],
      [vscode.l10n.t("Source"), `${manifest.source.kind}: ${manifest.source.uri}`],
    );
    if (manifest.source.url) rows.push([vscode.l10n.t("Downloaded from"), manifest.source.url]);
    rows.push(
      [vscode.l10n.t("Size"), `${formatBytes(manifest.sizeBytes)} (${manifest.sizeBytes.toLocaleString()} bytes)`],
      ["sha256", manifest.sha256],
      [vscode.l10n.t("Stored as"), manifest.storage],
      [vscode.l10n.t("Added"), new Date(Date.parse(manifest.createdAt)).toLocaleString(vscode.env.language)],
    );
  }
  rows.push([vscode.l10n.t("Model file"), model.blobPath ?? "—"], [vscode.l10n.t("Manifest"), model.manifestPath]);
  return [
    head.trimEnd(),
    "",
    `## ${vscode.l10n.t("In the model store")}`,
    "",
    "| | |",
    "|---|---|",
    ...rows.map(([key, value]) => `| ${markdownCell(key)} | ${markdownCell(value)} |`),
    "",
    ...(manifest?.profile ? profileSection(model) : []),
  ].join("\n");
}

/** A profile's Modelfile, in a fence longer than any run of backticks inside it. */
function profileSection(model: StoreShowResult["model"]): string[] {
  const text = shownModelfile(model).trimEnd();
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  return [
    `## ${vscode.l10n.t("Modelfile")}`,
    "",
    vscode.l10n.t("\"Hearth: Show Modelfile\" opens it in an editor, to change it and create a new model from it."),
    "",
    `${fence}modelfile`,
    text,
    fence,
    "",
  ];
}

/** `argument`: an installed model's name or a Models view node; without one, asks which model. */
export async function showModelDetailsCommand(engine: EngineService, argument?: unknown): Promise<StoreShowResult | undefined> {
  let name = modelNameOf(argument);
  if (name && isModelPath(name)) {
    // A model loaded from a file, not installed: its GGUF page.
    await showInspection(engine, vscode.Uri.file(name).fsPath);
    return undefined;
  }
  if (!name) {
    const { models } = await engine.storeList();
    if (models.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t("No model is installed yet. Pull one (\"Hearth: Pull Model…\") or import a GGUF file to see its details."),
      );
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      models.map((model) => ({
        label: model.name,
        description: model.manifest ? formatBytes(model.manifest.sizeBytes) : (model.problem ?? ""),
      })),
      { title: vscode.l10n.t("Hearth: Show Model Details"), placeHolder: vscode.l10n.t("Choose an installed model") },
    );
    name = picked?.label;
  }
  if (!name) return undefined;
  const target = name;
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t("Reading {0}…", target) },
      () => engine.storeShow(target),
    );
    await showReadOnlyPage(`${target}.md`, renderModelDetails(result));
    return result;
  } catch (error) {
    if (!isEngineError(error, "cancelled")) void showEngineError(error);
    return undefined;
  }
}
