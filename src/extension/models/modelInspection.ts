// A GGUF model file's page, read without loading the model: metadata, the chat
// template and whether it fits this machine's memory, opened as a Markdown document. "Hearth: Show
// GGUF Model Info…" shows it for a file; "Hearth: Show Model Details…" builds on it for the store.
import * as path from "node:path";
import * as vscode from "vscode";
import { showReadOnlyPage } from "../readOnlyPages";
import type { ModelInspection } from "../../common/engine/engineProtocol";
import { formatBytes } from "../../common/formatBytes";
import { isEngineError } from "../../common/engine/engineError";
import type { EngineService } from "../engineHost/engineService";
import { showEngineError } from "../errorMessages";

/** Reads `modelPath`'s GGUF header and opens its page; undefined (the error shown) when it cannot be read. */
export async function showInspection(engine: EngineService, modelPath: string): Promise<ModelInspection | undefined> {
  try {
    const inspection = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t("Reading {0}…", path.basename(modelPath)) },
      () => engine.inspect(modelPath),
    );
    await showReadOnlyPage(`${path.basename(modelPath)}.md`, renderInspection(inspection));
    return inspection;
  } catch (error) {
    if (!isEngineError(error, "cancelled")) void showEngineError(error);
    return undefined;
  }
}

/** `value` as one cell of a Markdown table: its pipes escaped, on one line. */
export function markdownCell(value: string): string {
  return value.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** The page, as Markdown. */
export function renderInspection(inspection: ModelInspection): string {
  const rows: Array<[string, string]> = [
    [vscode.l10n.t("File"), inspection.modelPath],
    [vscode.l10n.t("Size"), formatBytes(inspection.sizeBytes)],
    [vscode.l10n.t("Architecture"), inspection.architecture],
    [vscode.l10n.t("Parameters"), inspection.parameters.toLocaleString()],
    [vscode.l10n.t("Quantization"), inspection.quantization],
    [vscode.l10n.t("Training context"), inspection.trainContextSize?.toString() ?? "—"],
    [vscode.l10n.t("Embedding length"), inspection.embeddingLength?.toString() ?? "—"],
    [vscode.l10n.t("Layers"), String(inspection.layers)],
    [vscode.l10n.t("Reranker"), inspection.supportsRanking ? vscode.l10n.t("yes") : vscode.l10n.t("no")],
    [vscode.l10n.t("Licence"), inspection.license ?? "—"],
  ];
  const lines = [
    `# ${inspection.name}`,
    "",
    `**${inspection.fit.fits ? "✓" : "⚠"} ${inspection.fit.summary}**`,
    "",
    `| | |`,
    `|---|---|`,
    ...rows.map(([key, value]) => `| ${markdownCell(key)} | ${markdownCell(value)} |`),
    "",
    `## ${vscode.l10n.t("Chat template")}`,
    "",
    inspection.chatTemplate
      ? ["```jinja", inspection.chatTemplate, "```"].join("\n")
      : vscode.l10n.t("None: Hearth continues the prompt as plain text (completion mode)."),
    "",
    `## ${vscode.l10n.t("Metadata")}`,
    "",
    `| ${vscode.l10n.t("Key")} | ${vscode.l10n.t("Value")} |`,
    `|---|---|`,
    ...Object.entries(inspection.metadata)
      .filter(([key]) => key !== "tokenizer.chat_template")
      .map(([key, value]) => `| ${markdownCell(key)} | ${markdownCell(String(value))} |`),
    "",
  ];
  return lines.join("\n");
}
