// Pulls a model into the store: resolves the reference, checks free space, downloads to
// models/blobs/partial-<key> beside a .json sidecar (URL, validators, size), resumes an interrupted
// download with Range + If-Range, hashes while writing, verifies size and sha256, and only then
// renames the file to sha256-<hex> and writes the manifest. Nothing that looks complete exists
// before verification. Two pulls of the same file share one download: in one process through a
// map of downloads in flight, across processes through a lock file beside the partial download.
import type { PullResult, PartialDownload } from "../../common/models/modelManifest";
import { createHash } from "node:crypto";
import type { Hash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { EngineError, errorText, isEngineError } from "../../common/engine/engineError";
import type { DownloadEndpoints, ResolvedDownload } from "../../common/models/modelCatalogue";
import { resolveDownload } from "../../common/models/modelCatalogue";
import type { GgufSummary, ModelManifest, PullPhase, PullProgress } from "../../common/models/modelManifest";
import type { ModelReference } from "../../common/models/modelName";
import { formatModelReference, normalizeModelName } from "../../common/models/modelName";
import { localize } from "../../common/localize";
import {
  checksumMismatchError,
  connectionLostError,
  diskFilledError,
  diskFullError,
  downloadCancelledError,
  httpStatusError,
  notFoundError,
  notGgufError,
  offlineError,
  refusedAddressError,
  sizeMismatchError,
  unauthorizedError,
} from "../../common/models/downloadErrors";
import { acquireLock } from "../../node/fileLock";
import type { AddressPolicy } from "../../node/publicFetch";
import { publicOnlyFetch, RefusedAddressError } from "../../node/publicFetch";
import type { ModelStore } from "./modelStore";
import { freeDiskBytes, writeFileAtomic } from "./modelStore";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface PullOptions {
  /** Hugging Face endpoint (a mirror: the hearth.downloadEndpoint setting) and ModelScope endpoint. */
  endpoints?: DownloadEndpoints;
  signal?: AbortSignal;
  onProgress?: (progress: PullProgress) => void;
  /** `fetch` by default. */
  fetchImpl?: FetchLike;
  /**
   * Set for downloads a caller other than the user asked for (a URL pull through the local API):
   * every connection, redirects included, may reach only the addresses the policy allows (public
   * internet addresses by default), checked on the address connected to. Replaces `fetchImpl`.
   * Absent (the CLI, the extension): whatever address the user typed.
   */
  addressPolicy?: AddressPolicy;
  /** Store the model under this name instead of the suggested one. */
  name?: string;
  /** Overrides the catalogue's (or the server's) sha256. */
  expectedSha256?: string;
  /** Extra request headers, e.g. `Authorization: Bearer <token>` for gated repositories. */
  headers?: Readonly<Record<string, string>>;
  /** Free bytes on the disk holding `dir`; statfs by default (null = unknown, no check). */
  freeSpace?: (dir: string) => Promise<number | null>;
  /** Download again even when the model is installed. */
  force?: boolean;
  /** Automatic resumes after a broken connection (default 3). */
  retries?: number;
  /** Wait before the n-th resume: n × this (default 1000 ms). */
  retryDelayMs?: number;
  /** Least time between two progress events of one phase (default 100 ms). */
  progressIntervalMs?: number;
  /** How long to wait for another process's download of the same file (default 6 hours). */
  waitTimeoutMs?: number;
}


interface DownloadOutcome {
  manifest: ModelManifest;
  sha256: string;
  sizeBytes: number;
  gguf: GgufSummary | null;
  downloadedBytes: number;
  resumedFromBytes: number;
}

type ProgressSnapshot = Omit<PullProgress, "name">;

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

const partialLockStaleMs = 2 * 60_000;
const speedWindowMs = 3000;
const ggufMagic = Buffer.from("GGUF", "ascii");

/** Computes speed and ETA and throttles events: phase changes always go out, updates at most every `intervalMs`. */
class ProgressReporter {
  private phase: PullPhase = "resolving";
  private lastEmit = -Infinity;
  private readonly samples: Array<{ time: number; bytes: number }> = [];
  private completed = 0;
  private total: number | null = null;

  constructor(
    private readonly emit: (progress: ProgressSnapshot) => void,
    private readonly intervalMs: number,
  ) {}

  setPhase(phase: PullPhase, completed: number, total: number | null): void {
    this.phase = phase;
    this.record(completed, total);
    this.send();
  }

  update(completed: number, total: number | null, force = false): void {
    this.record(completed, total);
    if (force || performance.now() - this.lastEmit >= this.intervalMs) this.send();
  }

  private record(completed: number, total: number | null): void {
    const now = performance.now();
    if (completed < this.completed) this.samples.length = 0; // the download restarted from zero
    this.completed = completed;
    this.total = total;
    this.samples.push({ time: now, bytes: completed });
    while (this.samples.length > 2 && now - this.samples[0]!.time > speedWindowMs) this.samples.shift();
  }

  private send(): void {
    this.lastEmit = performance.now();
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const elapsedMs = first && last ? last.time - first.time : 0;
    const bytesPerSecond =
      this.phase === "downloading" && first && last && elapsedMs > 0 ? ((last.bytes - first.bytes) / elapsedMs) * 1000 : 0;
    const etaSeconds =
      this.total === null
        ? null
        : this.completed >= this.total
          ? 0
          : bytesPerSecond > 0
            ? (this.total - this.completed) / bytesPerSecond
            : null;
    this.emit({ phase: this.phase, completedBytes: this.completed, totalBytes: this.total, bytesPerSecond, etaSeconds });
  }
}

interface Sidecar {
  url: string;
  etag: string | null;
  lastModified: string | null;
  totalBytes: number | null;
  expectedSha256: string | null;
  startedAt: string;
}

async function readSidecar(file: string): Promise<Sidecar | null> {
  try {
    const value = JSON.parse(await fs.promises.readFile(file, "utf8")) as Partial<Sidecar>;
    if (typeof value.url !== "string") return null;
    return {
      url: value.url,
      etag: typeof value.etag === "string" ? value.etag : null,
      lastModified: typeof value.lastModified === "string" ? value.lastModified : null,
      totalBytes: typeof value.totalBytes === "number" ? value.totalBytes : null,
      expectedSha256: typeof value.expectedSha256 === "string" ? value.expectedSha256 : null,
      startedAt: typeof value.startedAt === "string" ? value.startedAt : new Date().toISOString(),
    };
  } catch {
    return null;
  }
}

async function fileSize(file: string): Promise<number | null> {
  try {
    return (await fs.promises.stat(file)).size;
  } catch {
    return null;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
  const causeText = cause ? (cause.code ?? cause.message ?? "") : "";
  return causeText ? `${errorText(error)} (${causeText})` : errorText(error);
}

function isAbortError(error: unknown): boolean {
  return (error as Error | null)?.name === "AbortError";
}

interface ProbeResult {
  status: number;
  contentLength: number | null;
  etag: string | null;
  lastModified: string | null;
  /** Hugging Face's X-Linked-Etag when it is a sha256 (LFS files), and X-Linked-Size. */
  linkedSha256: string | null;
  linkedSize: number | null;
}

function headerNumber(response: Response, name: string): number | null {
  const value = response.headers.get(name);
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}

function unquote(value: string): string {
  return value.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
}

/** Everything that can fail in one attempt, with what it knows for the error messages. */
interface Attempt {
  store: ModelStore;
  resolved: ResolvedDownload;
  name: string;
  expectedSha256: string | null;
  headers: Record<string, string>;
  fetchImpl: FetchLike;
  freeSpace: (dir: string) => Promise<number | null>;
  signal: AbortSignal;
  reporter: ProgressReporter;
  partialPath: string;
  sidecarPath: string;
  force: boolean;
}

/** Errors after which a new attempt continues the download (a broken connection). */
const retryable = new WeakSet<object>();

function markRetryable<E extends object>(error: E): E {
  retryable.add(error);
  return error;
}

class DownloadJob {
  /** Bytes an earlier pull had left when this one began (set by the first attempt). */
  resumedFromBytes: number | null = null;
  /** Bytes fetched over the network, all attempts together. */
  downloadedBytes = 0;

  constructor(private readonly job: Attempt) {}

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    const { fetchImpl, signal, name } = this.job;
    try {
      return await fetchImpl(url, { ...init, signal });
    } catch (error) {
      if (signal.aborted || isAbortError(error)) throw downloadCancelledError(name);
      if (error instanceof RefusedAddressError) throw refusedAddressError(name, error.hostname, error.message);
      throw offlineError(new URL(url).host, describeFetchError(error));
    }
  }

  private checkStatus(response: Response, url: string): void {
    const { name } = this.job;
    if (response.status === 404 || response.status === 410) throw notFoundError(name, url);
    if (response.status === 401 || response.status === 403) throw unauthorizedError(name, url, response.status);
  }

  /** HEAD, following redirects by hand to see Hugging Face's X-Linked-Etag on the first hop. Null when HEAD is not supported. */
  private async probe(): Promise<ProbeResult | null> {
    let url = this.job.resolved.url;
    const origin = new URL(url).origin;
    let linkedSha256: string | null = null;
    let linkedSize: number | null = null;
    for (let hop = 0; hop < 10; hop++) {
      // Like fetch's own redirects: credentials go to the origin asked, not to a CDN it points at.
      const headers =
        new URL(url).origin === origin
          ? this.job.headers
          : Object.fromEntries(Object.entries(this.job.headers).filter(([key]) => key.toLowerCase() !== "authorization"));
      const response = await this.fetch(url, { method: "HEAD", headers, redirect: "manual" });
      await response.body?.cancel().catch(() => undefined);
      const linked = response.headers.get("x-linked-etag");
      if (linked && /^[0-9a-f]{64}$/i.test(unquote(linked))) linkedSha256 = unquote(linked).toLowerCase();
      linkedSize = headerNumber(response, "x-linked-size") ?? linkedSize;
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        url = new URL(location, url).toString();
        continue;
      }
      this.checkStatus(response, this.job.resolved.url);
      if (response.status === 405 || response.status === 501) return null;
      if (!response.ok) throw httpStatusError(this.job.name, this.job.resolved.url, response.status);
      return {
        status: response.status,
        contentLength: headerNumber(response, "content-length"),
        etag: response.headers.get("etag"),
        lastModified: response.headers.get("last-modified"),
        linkedSha256,
        linkedSize,
      };
    }
    throw httpStatusError(this.job.name, this.job.resolved.url, 310);
  }

  private async discardPartial(): Promise<void> {
    await fs.promises.rm(this.job.partialPath, { force: true });
    await fs.promises.rm(this.job.sidecarPath, { force: true });
  }

  /** One attempt: probe, check space, continue or start the transfer, verify, commit. */
  async run(): Promise<DownloadOutcome> {
    const { store, resolved, name, partialPath, sidecarPath, reporter, signal } = this.job;
    const url = resolved.url;
    let sidecar = await readSidecar(sidecarPath);
    let partialSize = (await fileSize(partialPath)) ?? 0;

    const probe = await this.probe();
    const expectedSha256 = this.job.expectedSha256 ?? probe?.linkedSha256 ?? null;
    let total: number | null = probe?.contentLength ?? probe?.linkedSize ?? null;
    const etag = probe?.etag ?? null;
    const lastModified = probe?.lastModified ?? null;
    if (partialSize > 0) {
      // Continue only the same file: same URL and validators, or (from another mirror) the same
      // published sha256, which the end of the download checks anyway.
      const sameUrl = sidecar !== null && sidecar.url === url;
      const sameHash = sidecar !== null && expectedSha256 !== null && sidecar.expectedSha256 === expectedSha256;
      const changed =
        sidecar === null ||
        (!sameUrl && !sameHash) ||
        (sameUrl && sidecar.etag !== null && etag !== null && sidecar.etag !== etag) ||
        (sidecar.totalBytes !== null && total !== null && sidecar.totalBytes !== total) ||
        (sidecar.expectedSha256 !== null && expectedSha256 !== null && sidecar.expectedSha256 !== expectedSha256) ||
        (total !== null && partialSize > total);
      if (changed) {
        await this.discardPartial();
        partialSize = 0;
        sidecar = null;
      }
    }

    const sizeForSpace = total ?? resolved.expectedSizeBytes ?? null;
    if (sizeForSpace !== null) {
      const free = await this.job.freeSpace(store.blobsDir);
      const needed = sizeForSpace - partialSize;
      if (free !== null && free < needed) throw diskFullError(name, needed, free, store.blobsDir);
    }

    const record: Sidecar = {
      url,
      etag: etag ?? (partialSize > 0 && sidecar?.url === url ? sidecar.etag : null),
      lastModified: lastModified ?? (partialSize > 0 && sidecar?.url === url ? sidecar.lastModified : null),
      totalBytes: total,
      expectedSha256,
      startedAt: partialSize > 0 && sidecar ? sidecar.startedAt : new Date().toISOString(),
    };
    await writeFileAtomic(sidecarPath, `${JSON.stringify(record, null, 2)}\n`);

    let hash = createHash("sha256");
    if (partialSize > 0) {
      // The bytes already here go into the hash first; the download continues after them.
      const stream = fs.createReadStream(partialPath, { end: partialSize - 1, highWaterMark: 1 << 20 });
      try {
        for await (const chunk of stream) {
          if (signal.aborted) throw downloadCancelledError(name);
          hash.update(chunk as Buffer);
        }
      } finally {
        stream.destroy();
      }
    }
    this.resumedFromBytes ??= partialSize;
    reporter.setPhase("downloading", partialSize, total);

    let size = partialSize;
    if (total === null || size < total) {
      const transfer = await this.transfer(record, size, total, hash);
      ({ size, total, hash } = transfer);
    }
    reporter.update(size, total, true);

    reporter.setPhase("verifying", size, total);
    if (total !== null && size !== total) {
      await this.discardPartial();
      throw sizeMismatchError(name, total, size);
    }
    const sha256 = hash.digest("hex");
    if (expectedSha256 !== null && sha256 !== expectedSha256) {
      await this.discardPartial();
      throw checksumMismatchError(name, expectedSha256, sha256);
    }
    let gguf: GgufSummary;
    try {
      gguf = await store.readGguf(partialPath);
    } catch (error) {
      await this.discardPartial();
      throw error;
    }

    reporter.setPhase("writing manifest", size, size);
    const manifest = await store.commit({
      name,
      sha256,
      sizeBytes: size,
      source: { ...resolved.source, url },
      storage: "download",
      gguf,
      ...(resolved.catalogueEntry ? { purpose: resolved.catalogueEntry.purpose } : {}),
      place: async (blobPath) => fs.promises.rename(partialPath, blobPath),
      discard: () => fs.promises.rm(partialPath, { force: true }),
      // A forced pull replaces a file of the same hash: the old one may be damaged.
      replace: this.job.force,
    });
    await fs.promises.rm(sidecarPath, { force: true });
    return { manifest, sha256, sizeBytes: size, gguf, downloadedBytes: this.downloadedBytes, resumedFromBytes: this.resumedFromBytes };
  }

  /** GET (with Range when resuming), appending to the partial file and hashing as it writes. */
  private async transfer(
    record: Sidecar,
    startSize: number,
    knownTotal: number | null,
    startHash: Hash,
  ): Promise<{ size: number; total: number | null; hash: Hash }> {
    const { store, resolved, name, partialPath, reporter, signal } = this.job;
    const url = resolved.url;
    const headers: Record<string, string> = { ...this.job.headers };
    if (startSize > 0) {
      headers.Range = `bytes=${startSize}-`;
      // If-Range needs a strong validator: a weak ETag cannot be used, the date can.
      const validator = record.etag && !record.etag.startsWith("W/") ? record.etag : record.lastModified;
      if (validator) headers["If-Range"] = validator;
    }
    const response = await this.fetch(url, { method: "GET", headers, redirect: "follow" });
    try {
      this.checkStatus(response, url);
      let size = startSize;
      let total = knownTotal;
      let hash = startHash;
      if (response.status === 206) {
        const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get("content-range")?.trim() ?? "");
        if (!range || Number(range[1]) !== startSize) {
          await this.discardPartial();
          throw markRetryable(httpStatusError(name, url, 206));
        }
        if (range[3] !== "*") total = Number(range[3]);
      } else if (response.status === 200) {
        // A full answer: the server ignored the range, or the file changed since. Start over.
        if (startSize > 0) {
          size = 0;
          hash = createHash("sha256");
          reporter.setPhase("downloading", 0, total);
        }
        total = headerNumber(response, "content-length") ?? total;
        if (knownTotal === null && total !== null) {
          // HEAD did not say how big the file is; the answer does, so check the space now.
          const free = await this.job.freeSpace(store.blobsDir);
          if (free !== null && free < total) throw diskFullError(name, total, free, store.blobsDir);
        }
      } else if (response.status === 416 && startSize > 0) {
        await this.discardPartial();
        throw markRetryable(httpStatusError(name, url, 416));
      } else {
        throw httpStatusError(name, url, response.status);
      }
      if (!response.body) throw markRetryable(connectionLostError(name, size, total, "empty body"));

      const handle = await fs.promises.open(partialPath, size > 0 ? "a" : "w");
      let head = size === 0 ? Buffer.alloc(0) : null;
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          if (signal.aborted) throw downloadCancelledError(name);
          if (head !== null) {
            head = Buffer.concat([head, chunk]).subarray(0, ggufMagic.length);
            if (head.length >= ggufMagic.length) {
              if (!head.equals(ggufMagic)) {
                await handle.close().catch(() => undefined);
                await this.discardPartial();
                throw notGgufError(name, url, head.toString("hex"));
              }
              head = null;
            }
          }
          await handle.write(chunk);
          hash.update(chunk);
          size += chunk.length;
          this.downloadedBytes += chunk.length;
          if (total !== null && size > total) {
            await handle.close().catch(() => undefined);
            await this.discardPartial();
            throw sizeMismatchError(name, total, size);
          }
          reporter.update(size, total);
        }
      } catch (error) {
        if (isEngineError(error)) throw error;
        if (signal.aborted || isAbortError(error)) throw downloadCancelledError(name);
        if ((error as NodeJS.ErrnoException).code === "ENOSPC") throw diskFilledError(name, store.blobsDir, errorText(error));
        throw markRetryable(connectionLostError(name, size, total, describeFetchError(error)));
      } finally {
        await handle.close().catch(() => undefined);
      }
      if (head !== null && size > 0) {
        await this.discardPartial();
        throw notGgufError(name, url, head.toString("hex"));
      }
      if (total !== null && size < total) {
        throw markRetryable(connectionLostError(name, size, total, `the server closed the connection at ${size} of ${total} bytes`));
      }
      return { size, total, hash };
    } finally {
      await response.body?.cancel().catch(() => undefined);
    }
  }
}

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
