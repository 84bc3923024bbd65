// "Hearth: Pull Model…": a catalogue model (quick pick with sizes and what fits this machine) or
// any name or URI (hf:, ms:, https:) downloaded into the store, with a cancellable progress
// notification (bytes, speed, time left) mirrored in the Models view's Downloads group.
// Cancelling keeps the part downloaded so far; pulling again continues from there.
import * as os from "node:os";
import * as vscode from "vscode";
import { errorText, isEngineError } from "../../common/engine/engineError";
import { formatBytes } from "../../common/formatBytes";
import type { PullProgress, PullResult } from "../../common/models/modelManifest";
import { modelCatalogue, recommendModel } from "../../common/models/modelCatalogue";
import type { DownloadRow } from "../../common/models/modelsOverview";
import { downloadPercent, huggingFacePageFor, suggestedModels } from "../../common/models/modelsOverview";
import { parseModelReference } from "../../common/models/modelName";
import type { EngineService } from "../engineHost/engineService";
import { describeDownload, isModelsNode, modelNameOf, purposeLabel } from "./modelsTreeView";
import type { PullTracker } from "./pullTracker";
import { downloadEndpoints } from "../settingsAccess";

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
  const totalMemory = os.totalmem();
  const suggested = suggestedModels(totalMemory);
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
      detail: entry.description,
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

/** A pull's progress as a Downloads row, so the notification and the view say the same thing. */
function progressRow(reference: string, progress: PullProgress): DownloadRow {
  return {
    id: reference,
    label: progress.name,
    reference,
    completedBytes: progress.completedBytes,
    totalBytes: progress.totalBytes,
    percent: downloadPercent(progress.completedBytes, progress.totalBytes),
    bytesPerSecond: progress.bytesPerSecond,
    etaSeconds: progress.etaSeconds,
    phase: progress.phase,
    state: "pulling",
  };
}

/** Pulls `reference` with a cancellable progress notification; shows the outcome and answers the result. */
export async function pullWithProgress(
  engine: EngineService,
  pulls: PullTracker,
  reference: string,
  name?: string,
  options: { announce?: boolean } = {},
): Promise<PullResult | undefined> {
  if (pulls.find(reference)) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t("{0} is already downloading: its progress is in the notification and in the Models view.", reference),
    );
    return undefined;
  }
  const tracked = pulls.start(reference);
  let last: PullProgress | null = null;
  try {
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t("Hearth: pulling {0}", reference),
        cancellable: true,
      },
      async (progress, token) => {
        const subscription = token.onCancellationRequested(() => tracked.cancellation.cancel());
        let reported = 0;
        try {
          return await engine.pull(
            reference,
            (update) => {
              last = update;
              pulls.update(tracked, update);
              const percent = downloadPercent(update.completedBytes, update.totalBytes) ?? 0;
              const increment = update.phase === "downloading" ? Math.max(0, percent - reported) : 0;
              reported += increment;
              progress.report({ message: describeDownload(progressRow(reference, update)), increment });
            },
            tracked.cancellation.token,
            name,
          );
        } finally {
          subscription.dispose();
        }
      },
    );
    if (options.announce !== false || result.alreadyInstalled) void announcePulled(result);
    return result;
  } catch (error) {
    if (isEngineError(error, "cancelled")) {
      const kept = (last as PullProgress | null)?.completedBytes ?? 0;
      void announceCancelled(engine, pulls, reference, name, kept);
    } else {
      void showPullError(error, reference);
    }
    return undefined;
  } finally {
    pulls.finish(tracked);
  }
}

async function announcePulled(result: PullResult): Promise<void> {
  const load = vscode.l10n.t("Load Now");
  const show = vscode.l10n.t("Show Details");
  const size = formatBytes(result.manifest.sizeBytes);
  const message = result.alreadyInstalled
    ? vscode.l10n.t("{0} is already installed ({1}); nothing was downloaded.", result.name, size)
    : result.resumedFromBytes > 0
      ? vscode.l10n.t(
          "Pulled {0} ({1}), continuing the {2} an earlier download had left. Its checksum is verified and it is ready to load.",
          result.name,
          size,
          formatBytes(result.resumedFromBytes),
        )
      : vscode.l10n.t("Pulled {0} ({1}). Its checksum is verified and it is ready to load.", result.name, size);
  const choice = await vscode.window.showInformationMessage(message, load, show);
  if (choice === load) await vscode.commands.executeCommand("hearth.loadModel", result.name);
  if (choice === show) await vscode.commands.executeCommand("hearth.showModel", result.name);
}

async function announceCancelled(
  engine: EngineService,
  pulls: PullTracker,
  reference: string,
  name: string | undefined,
  keptBytes: number,
): Promise<void> {
  const resume = vscode.l10n.t("Resume");
  const choice = await vscode.window.showInformationMessage(
    keptBytes > 0
      ? vscode.l10n.t(
          "Stopped downloading {0}. The {1} downloaded so far are kept: pull it again (or Resume in the Models view) to continue where it stopped.",
          reference,
          formatBytes(keptBytes),
        )
      : vscode.l10n.t("Stopped downloading {0} before any of it arrived.", reference),
    resume,
  );
  if (choice === resume) await pullWithProgress(engine, pulls, reference, name);
}

/** A failed pull, with the action that helps: another endpoint, the model's page, disk space, retry. */
export async function showPullError(error: unknown, reference: string): Promise<void> {
  const retry = vscode.l10n.t("Retry");
  const setEndpoint = vscode.l10n.t("Set Download Endpoint");
  const openPage = vscode.l10n.t("Open Model Page");
  const chooseAnother = vscode.l10n.t("Choose Another Model");
  const setFolder = vscode.l10n.t("Set Models Folder");
  const openFolder = vscode.l10n.t("Open Models Folder");
  const showLog = vscode.l10n.t("Show Log");
  const page = huggingFacePageFor(reference, downloadEndpoints());
  let actions: string[];
  if (isEngineError(error, "network")) actions = [retry, setEndpoint];
  else if (isEngineError(error, "unauthorized")) actions = page ? [openPage, chooseAnother] : [chooseAnother];
  else if (isEngineError(error, "modelNotFound") || isEngineError(error, "badRequest")) actions = [chooseAnother];
  else if (isEngineError(error, "diskFull")) actions = [openFolder, setFolder];
  else if (isEngineError(error, "checksumMismatch") || isEngineError(error, "invalidModel")) actions = [retry, setEndpoint];
  else actions = [retry, showLog];
  const choice = await vscode.window.showErrorMessage(errorText(error), ...actions);
  switch (choice) {
    case retry:
      await vscode.commands.executeCommand("hearth.pullModel", reference);
      break;
    case setEndpoint:
      await vscode.commands.executeCommand("workbench.action.openSettings", "hearth.downloadEndpoint");
      break;
    case openPage:
      if (page) await vscode.env.openExternal(vscode.Uri.parse(page));
      break;
    case chooseAnother:
      await vscode.commands.executeCommand("hearth.pullModel");
      break;
    case setFolder:
      await vscode.commands.executeCommand("workbench.action.openSettings", "hearth.modelsPath");
      break;
    case openFolder:
      await vscode.commands.executeCommand("hearth.openModelsFolder");
      break;
    case showLog:
      await vscode.commands.executeCommand("hearth.showLog");
      break;
  }
}

/** The code model that fits this machine best (the smallest one when none fits). */
export function recommendedCodeModel(): { entry: (typeof modelCatalogue)[number]; fits: boolean } {
  const fitting = recommendModel("code", os.totalmem());
  if (fitting) return { entry: fitting, fits: true };
  const smallest = [...modelCatalogue]
    .filter((entry) => entry.purpose === "code")
    .sort((a, b) => a.approxSizeBytes - b.approxSizeBytes)[0]!;
  return { entry: smallest, fits: false };
}
