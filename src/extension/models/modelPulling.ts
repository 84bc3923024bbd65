// Downloading a model into the store with a cancellable progress notification (bytes, speed, time
// left) mirrored in the Models view's Downloads group, then saying how it went: loaded next with
// one click, resumable after a cancel (the part downloaded so far is kept), and a failure with the
// action that helps. "Hearth: Pull Model…" and first run's "Download Recommended Model" both pull here.
import * as vscode from "vscode";
import { openSetting } from "../openSetting";
import { errorText, isEngineError } from "../../common/engine/engineError";
import { formatBytes } from "../../common/formatBytes";
import type { PullProgress, PullResult } from "../../common/models/modelManifest";
import type { DownloadRow } from "../../common/models/modelsOverview";
import { downloadPercent, huggingFacePageFor } from "../../common/models/modelsOverview";
import type { EngineService } from "../engineHost/engineService";
import { describeDownload } from "./modelsTreeView";
import type { PullTracker } from "./pullTracker";
import { downloadEndpoints } from "../settingsAccess";

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
      await openSetting("downloadEndpoint");
      break;
    case openPage:
      if (page) await vscode.env.openExternal(vscode.Uri.parse(page));
      break;
    case chooseAnother:
      await vscode.commands.executeCommand("hearth.pullModel");
      break;
    case setFolder:
      await openSetting("modelsPath");
      break;
    case openFolder:
      await vscode.commands.executeCommand("hearth.openModelsFolder");
      break;
    case showLog:
      await vscode.commands.executeCommand("hearth.showLog");
      break;
  }
}
