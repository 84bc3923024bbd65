// Pulls a model into the store: resolves the reference, checks free space, downloads to
// models/blobs/partial-<key> beside a .json sidecar (URL, validators, size), resumes an interrupted
// download with Range + If-Range, hashes while writing, verifies size and sha256, and only then
// renames the file to sha256-<hex> and writes the manifest. Nothing that looks complete exists
// before verification. Two pulls of the same file share one download: in one process through a
// map of downloads in flight, across processes through a lock file beside the partial download.
// The transfer itself (probe, ranged GET, resume, hashing, progress) is downloadJob.ts.
import type { PullResult, PartialDownload } from "../../common/models/modelManifest";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { EngineError } from "../../common/engine/engineError";
import type { ResolvedDownload } from "../../common/models/modelCatalogue";
import { resolveDownload } from "../../common/models/modelCatalogue";
import type { ModelManifest, PullPhase } from "../../common/models/modelManifest";
import type { ModelReference } from "../../common/models/modelName";
import { formatModelReference, normalizeModelName } from "../../common/models/modelName";
import { localize } from "../../common/localize";
import { downloadCancelledError } from "../../common/models/downloadErrors";
import { acquireLock } from "../../node/fileLock";
import { publicOnlyFetch } from "../../node/publicFetch";
import { DownloadJob, ProgressReporter, fileSize, partialLockStaleMs, readSidecar, retryable, sleep } from "./downloadJob";
import type { DownloadOutcome, ProgressSnapshot, PullOptions } from "./downloadJob";
import type { ModelStore } from "./modelStore";
import { freeDiskBytes } from "./modelStore";

interface SharedDownload {
  promise: Promise<DownloadOutcome>;
  settled: Promise<void>;
  controller: AbortController;
  listeners: Set<(progress: ProgressSnapshot) => void>;
  subscribers: number;
  last: ProgressSnapshot | null;
}

/** Downloads in flight in this process, by blob folder and download key. */
const inFlight = new Map<string, SharedDownload>();

/** The model already installed under `name` from the same file, when a pull can skip the download. */
async function installedMatch(store: ModelStore, name: string, resolved: ResolvedDownload, expectedSha256: string | null): Promise<ModelManifest | null> {
  const existing = await store.get(name);
  if (!existing || existing.status !== "ok" || !existing.manifest) return null;
  const manifest = existing.manifest;
  if (existing.name !== name) return null; // an alias: pull the name asked for
  if (expectedSha256 !== null) return manifest.sha256 === expectedSha256 ? manifest : null;
  return manifest.source.url === resolved.url || manifest.source.uri === resolved.source.uri ? manifest : null;
}

/** Records `name` for a blob already in the store (another name's, or another process's download). */
async function commitExistingBlob(
  store: ModelStore,
  name: string,
  resolved: ResolvedDownload,
  sha256: string,
): Promise<ModelManifest | null> {
  const blobPath = store.blobPath(sha256);
  const size = await fileSize(blobPath);
  if (size === null || (resolved.expectedSizeBytes !== undefined && size !== resolved.expectedSizeBytes)) return null;
  const gguf = await store.readGguf(blobPath);
  return store.commit({
    name,
    sha256,
    sizeBytes: size,
    source: { ...resolved.source, url: resolved.url },
    storage: "download",
    gguf,
    ...(resolved.catalogueEntry ? { purpose: resolved.catalogueEntry.purpose } : {}),
    place: async () => {
      throw new EngineError(
        "internal",
        localize("The downloaded file of {0} disappeared before it could be recorded (another program removed it). Pull it again.", name),
      );
    },
  });
}

/** The hash of an installed model downloaded from `url`, when there is one. */
async function installedSha256ForUrl(store: ModelStore, url: string): Promise<string | null> {
  const match = (await store.list()).find((model) => model.status === "ok" && model.manifest?.source.url === url);
  return match?.manifest?.sha256 ?? null;
}

function downloadKey(url: string, expectedSha256: string | null): string {
  return createHash("sha256").update(expectedSha256 ?? url).digest("hex").slice(0, 32);
}

/**
 * Where the unfinished download of `url` lives (`.json` sidecar and `.lock` beside it). Keyed by
 * the expected sha256 when known, so a download started on one mirror continues on another.
 */
export function partialDownloadPath(store: ModelStore, url: string, expectedSha256: string | null = null): string {
  return path.join(store.blobsDir, `partial-${downloadKey(url, expectedSha256?.toLowerCase() ?? null)}`);
}


/** Unfinished downloads in the store, from any process: for a "downloads" list and for resuming. */
export async function partialDownloads(store: ModelStore): Promise<PartialDownload[]> {
  let entries: string[];
  try {
    entries = await fs.promises.readdir(store.blobsDir);
  } catch {
    return [];
  }
  const found: PartialDownload[] = [];
  for (const entry of entries.filter((name) => /^partial-[0-9a-f]+$/.test(name))) {
    const file = path.join(store.blobsDir, entry);
    const sidecar = await readSidecar(`${file}.json`);
    if (!sidecar) continue;
    let active = false;
    try {
      active = Date.now() - (await fs.promises.stat(`${file}.lock`)).mtimeMs < partialLockStaleMs;
    } catch {
      active = false;
    }
    found.push({
      path: file,
      url: sidecar.url,
      completedBytes: (await fileSize(file)) ?? 0,
      totalBytes: sidecar.totalBytes,
      active,
      startedAt: sidecar.startedAt,
    });
  }
  return found;
}

async function runDownload(
  store: ModelStore,
  resolved: ResolvedDownload,
  name: string,
  expectedSha256: string | null,
  key: string,
  options: PullOptions,
  signal: AbortSignal,
  reporter: ProgressReporter,
): Promise<DownloadOutcome> {
  await store.ensureLayout();
  const partialPath = path.join(store.blobsDir, `partial-${key}`);

  const lock = await acquireLock(`${partialPath}.lock`, {
    purpose: `download ${resolved.url}`,
    staleMs: partialLockStaleMs,
    timeoutMs: options.waitTimeoutMs ?? 6 * 60 * 60_000,
    pollMs: 250,
    signal,
  }).catch((error: unknown) => {
    if (signal.aborted) throw downloadCancelledError(name);
    throw error;
  });
  try {
    // Another process may have finished this file while we waited for its lock.
    if (!options.force) {
      const sha256 = expectedSha256 ?? (await installedSha256ForUrl(store, resolved.url));
      const manifest = sha256 === null ? null : await commitExistingBlob(store, name, resolved, sha256);
      if (manifest) {
        return { manifest, sha256: manifest.sha256, sizeBytes: manifest.sizeBytes, gguf: manifest.gguf, downloadedBytes: 0, resumedFromBytes: 0 };
      }
    }
    const job = new DownloadJob({
      store,
      resolved,
      name,
      expectedSha256,
      headers: { "User-Agent": "hearth", ...options.headers },
      fetchImpl: options.addressPolicy
        ? publicOnlyFetch(options.addressPolicy)
        : (options.fetchImpl ?? ((input, init) => fetch(input, init))),
      freeSpace: options.freeSpace ?? freeDiskBytes,
      signal,
      reporter,
      partialPath,
      sidecarPath: `${partialPath}.json`,
      force: options.force === true,
    });
    const retries = options.retries ?? 3;
    const retryDelayMs = options.retryDelayMs ?? 1000;
    for (let attempt = 0; ; attempt++) {
      try {
        return await job.run();
      } catch (error) {
        if (signal.aborted) throw downloadCancelledError(name);
        if (!retryable.has(error as object) || attempt >= retries) throw error;
        await sleep(retryDelayMs * (attempt + 1), signal).catch(() => {
          throw downloadCancelledError(name);
        });
      }
    }
  } finally {
    await lock.release();
  }
}

function startShared(
  mapKey: string,
  store: ModelStore,
  resolved: ResolvedDownload,
  name: string,
  expectedSha256: string | null,
  key: string,
  options: PullOptions,
): SharedDownload {
  const controller = new AbortController();
  const listeners = new Set<(progress: ProgressSnapshot) => void>();
  const shared: SharedDownload = {
    promise: Promise.resolve() as unknown as Promise<DownloadOutcome>,
    settled: Promise.resolve(),
    controller,
    listeners,
    subscribers: 0,
    last: null,
  };
  const reporter = new ProgressReporter((progress) => {
    shared.last = progress;
    for (const listener of listeners) listener(progress);
  }, options.progressIntervalMs ?? 100);
  shared.promise = runDownload(store, resolved, name, expectedSha256, key, options, controller.signal, reporter);
  shared.settled = shared.promise.then(
    () => undefined,
    () => undefined,
  );
  void shared.settled.then(() => {
    if (inFlight.get(mapKey) === shared) inFlight.delete(mapKey);
  });
  inFlight.set(mapKey, shared);
  return shared;
}

/** Waits for the shared download as one subscriber; its own cancel leaves the others downloading. */
function subscribe(shared: SharedDownload, name: string, options: PullOptions): Promise<DownloadOutcome> {
  const signal = options.signal;
  const listener = (progress: ProgressSnapshot): void => {
    try {
      options.onProgress?.({ ...progress, name });
    } catch {
      // a broken progress callback must not break the download
    }
  };
  shared.listeners.add(listener);
  shared.subscribers++;
  if (shared.last && shared.last.phase !== "resolving") listener(shared.last);
  return new Promise<DownloadOutcome>((resolve, reject) => {
    let done = false;
    const finish = (): void => {
      done = true;
      shared.listeners.delete(listener);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = (): void => {
      if (done) return;
      finish();
      shared.subscribers--;
      if (shared.subscribers > 0) {
        reject(downloadCancelledError(name));
        return;
      }
      // The last one out stops the download, and answers once nothing writes any more.
      shared.controller.abort(signal?.reason);
      void shared.settled.then(() => reject(downloadCancelledError(name)));
    };
    shared.promise.then(
      (outcome) => {
        if (done) return;
        finish();
        shared.subscribers--;
        resolve(outcome);
      },
      (error: unknown) => {
        if (done) return;
        finish();
        shared.subscribers--;
        reject(error);
      },
    );
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Pulls a catalogue name, `hf:`/`ms:` reference or URL into the store. Progress goes to
 * `onProgress`; errors are EngineErrors written for the user (DownloadError with a `reason` for
 * network, HTTP, disk and verification failures; code "cancelled" when the signal aborts, with
 * the partial download kept for a resume).
 */
export async function pull(reference: string | ModelReference, store: ModelStore, options: PullOptions = {}): Promise<PullResult> {
  const label = typeof reference === "string" ? reference : formatModelReference(reference);
  const signal = options.signal;
  if (signal?.aborted) throw downloadCancelledError(label);
  const resolved = resolveDownload(reference, options.endpoints ?? {});
  const name = normalizeModelName(options.name ?? resolved.suggestedName);
  const expectedSha256 = (options.expectedSha256 ?? resolved.expectedSha256)?.toLowerCase() ?? null;
  const emit = (phase: PullPhase, completed: number, total: number | null): void => {
    try {
      options.onProgress?.({ phase, name, completedBytes: completed, totalBytes: total, bytesPerSecond: 0, etaSeconds: phase === "done" ? 0 : null });
    } catch {
      // ignored, as for download progress
    }
  };
  emit("resolving", 0, resolved.expectedSizeBytes ?? null);

  if (!options.force) {
    const installed = await installedMatch(store, name, resolved, expectedSha256);
    if (installed) {
      emit("done", installed.sizeBytes, installed.sizeBytes);
      return { name, manifest: installed, alreadyInstalled: true, downloadedBytes: 0, resumedFromBytes: 0 };
    }
    if (expectedSha256 !== null) {
      // Another model already has this very file: only a manifest is missing.
      const manifest = await commitExistingBlob(store, name, resolved, expectedSha256);
      if (manifest) {
        emit("done", manifest.sizeBytes, manifest.sizeBytes);
        return { name, manifest, alreadyInstalled: false, downloadedBytes: 0, resumedFromBytes: 0 };
      }
    }
  }

  const key = downloadKey(resolved.url, expectedSha256);
  // A download restricted to public addresses never joins an unrestricted one (nor the reverse).
  const mapKey = `${store.blobsDir}\u0000${key}${options.addressPolicy ? "\u0000public" : ""}`;
  let shared = inFlight.get(mapKey);
  while (shared && shared.controller.signal.aborted) {
    await shared.settled; // a cancelled download is still closing its file
    shared = inFlight.get(mapKey);
  }
  const joined = shared !== undefined;
  shared ??= startShared(mapKey, store, resolved, name, expectedSha256, key, options);
  const outcome = await subscribe(shared, name, options);

  let manifest = outcome.manifest;
  if (manifest.name !== name) {
    const recorded = await commitExistingBlob(store, name, resolved, outcome.sha256);
    if (!recorded) {
      throw new EngineError(
        "internal",
        localize("The downloaded file of {0} disappeared before it could be recorded (another program removed it). Pull it again.", name),
      );
    }
    manifest = recorded;
  }
  emit("done", manifest.sizeBytes, manifest.sizeBytes);
  return {
    name,
    manifest,
    alreadyInstalled: false,
    downloadedBytes: joined ? 0 : outcome.downloadedBytes,
    resumedFromBytes: joined ? 0 : outcome.resumedFromBytes,
  };
}

export type { PullResult, PartialDownload };
