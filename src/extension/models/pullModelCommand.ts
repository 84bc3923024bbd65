// "Hearth: Pull Model…": a catalogue model (quick pick with sizes and what fits this machine) or
// any name or URI (hf:, ms:, https:) downloaded into the store (modelPulling.ts shows the progress
// and the outcome). Cancelling keeps the part downloaded so far; pulling again continues from there.
import * as vscode from "vscode";
import { thisMachine } from "../../node/machine";
import { errorText } from "../../common/engine/engineError";
import { formatBytes } from "../../common/formatBytes";
import type { PullResult } from "../../common/models/modelManifest";
import { modelCatalogue, recommendationReason } from "../../common/models/modelCatalogue";
import { suggestedModels } from "../../common/models/modelsOverview";
import { parseModelReference } from "../../common/models/modelName";
import type { EngineService } from "../engineHost/engineService";
import { pullWithProgress } from "./modelPulling";
import { isModelsNode, modelNameOf, purposeLabel } from "./modelsTreeView";
import type { PullTracker } from "./pullTracker";

/** What a caller (a test, the walkthrough, another command) may pass instead of answering pickers. */
export interface PullArguments {
  reference: string;
  /** The store name to install it as. */
  name?: string;
}

interface PullPick extends vscode.QuickPickItem {
  reference?: string;
  enterReference?: boolean;
}

function pullArguments(argument: unknown): PullArguments | undefined {
  if (typeof argument === "string" && argument.trim()) return { reference: argument.trim() };
  if (isModelsNode(argument)) {
    const reference = modelNameOf(argument);
    return reference ? { reference } : undefined;
  }
  if (typeof argument === "object" && argument !== null) {
    const value = argument as { reference?: unknown; name?: unknown };
    if (typeof value.reference === "string" && value.reference.trim()) {
      return {
        reference: value.reference.trim(),
        ...(typeof value.name === "string" && value.name.trim() ? { name: value.name.trim() } : {}),
      };
    }
  }
  return undefined;
}

export async function pullModelCommand(
  engine: EngineService,
  pulls: PullTracker,
  argument?: unknown,
): Promise<PullResult | undefined> {
  const given = pullArguments(argument);
  const reference = given?.reference ?? (await pickReference(engine));
  if (!reference) return undefined;
  return pullWithProgress(engine, pulls, reference, given?.name);
}

/** The catalogue, each model with its size and whether it fits, then "Enter a name or URI…". */
async function pickReference(engine: EngineService): Promise<string | undefined> {
  const machine = thisMachine();
  const totalMemory = machine.totalMemoryBytes;
  const suggested = suggestedModels(machine);
  let installed = new Set<string>();
  try {
    installed = new Set((await engine.storeList()).models.filter((m) => m.status === "ok").map((m) => m.name));
  } catch {
    // The list still works without knowing what is installed.
  }
  const items: PullPick[] = [];
  let lastPurpose: string | null = null;
  for (const entry of modelCatalogue) {
    if (entry.purpose !== lastPurpose) {
      items.push({ label: purposeLabel(entry.purpose), kind: vscode.QuickPickItemKind.Separator });
      lastPurpose = entry.purpose;
    }
    const isSuggested = suggested.get(entry.purpose)?.name === entry.name;
    const fits = entry.minMemoryBytes <= totalMemory;
    const notes = [formatBytes(entry.approxSizeBytes)];
    if (installed.has(entry.name)) notes.push(vscode.l10n.t("installed"));
    if (isSuggested) notes.push(vscode.l10n.t("suggested for this machine"));
    else if (!fits) notes.push(vscode.l10n.t("needs {0} of memory, this machine has {1}", formatBytes(entry.minMemoryBytes), formatBytes(totalMemory)));
    items.push({
      label: `${isSuggested ? "$(star-full)" : fits ? "$(cloud-download)" : "$(warning)"} ${entry.name}`,
      description: notes.join(" · "),
      detail: isSuggested ? `${entry.description} ${recommendationReason(entry, machine)}` : entry.description,
      reference: entry.name,
    });
  }
  items.push({ label: "", kind: vscode.QuickPickItemKind.Separator });
  items.push({
    label: `$(edit) ${vscode.l10n.t("Enter a name or URI…")}`,
    detail: vscode.l10n.t("hf:owner/repository/file.gguf, ms:owner/repository/file.gguf, or an https:// address of a .gguf file"),
    enterReference: true,
    alwaysShow: true,
  });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t("Hearth: Pull Model"),
    placeHolder: vscode.l10n.t("Choose a model to download; ★ marks the one that fits this machine best"),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked) return undefined;
  if (picked.reference) return picked.reference;
  if (!picked.enterReference) return undefined;
  const typed = await vscode.window.showInputBox({
    title: vscode.l10n.t("Hearth: Pull Model"),
    prompt: vscode.l10n.t(
      "A catalogue name (qwen2.5-coder:1.5b), a Hugging Face file (hf:owner/repository/file.gguf), a ModelScope file (ms:…), or an https:// address of a .gguf file.",
    ),
    placeHolder: "hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    ignoreFocusOut: true,
    validateInput: (value) => validateReference(value),
  });
  return typed?.trim() || undefined;
}

function validateReference(value: string): string | undefined {
  if (!value.trim()) return undefined;
  try {
    const reference = parseModelReference(value);
    if (reference.kind === "path") {
      return vscode.l10n.t("That is a file on this computer: use \"Hearth: Import Model from File…\" for it.");
    }
    return undefined;
  } catch (error) {
    return errorText(error);
  }
}
