// "Hearth: Show GGUF Model Info…": metadata, chat template and a memory-fit estimate for a file,
// read without loading the model.
import * as path from "node:path";
import * as vscode from "vscode";
import type { ModelInspection } from "../../common/engine/engineProtocol";
import { formatBytes } from "../../common/formatBytes";
import { isEngineError } from "../../common/engine/engineError";
import type { EngineService } from "../engineHost/engineService";
import { showEngineError } from "../errorMessages";

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
  try {
    const inspection = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: vscode.l10n.t("Reading {0}…", path.basename(modelPath)) },
      () => engine.inspect(modelPath),
    );
    const document = await vscode.workspace.openTextDocument({
      language: "markdown",
      content: renderInspection(inspection),
    });
    await vscode.window.showTextDocument(document, { preview: true });
    return inspection;
  } catch (error) {
    if (!isEngineError(error, "cancelled")) void showEngineError(error);
    return undefined;
  }
}

function escapeCell(value: string): string {
  return value.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

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
    ...rows.map(([key, value]) => `| ${escapeCell(key)} | ${escapeCell(value)} |`),
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
      .map(([key, value]) => `| ${escapeCell(key)} | ${escapeCell(String(value))} |`),
    "",
  ];
  return lines.join("\n");
}
