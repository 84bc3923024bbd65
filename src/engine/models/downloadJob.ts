// One download of a model file into the store's blobs folder, by the rules modelDownloader.ts
// describes: a probe (HEAD, or a ranged GET), then the transfer into partial-<key> beside its .json
// sidecar, resumed with Range + If-Range after a broken connection, hashed while written, progress
// reported with speed and time left. Split from modelDownloader.ts, which decides what to pull,
// shares downloads between callers and commits the verified file.
import { createHash } from "node:crypto";
import type { Hash } from "node:crypto";
import * as fs from "node:fs";
import { errorText, isEngineError } from "../../common/engine/engineError";
import type { DownloadEndpoints, ResolvedDownload } from "../../common/models/modelCatalogue";
import type { GgufSummary, ModelManifest, PullPhase, PullProgress } from "../../common/models/modelManifest";
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
import type { AddressPolicy } from "../../node/publicFetch";
import { RefusedAddressError } from "../../node/publicFetch";
import type { ModelStore } from "./modelStore";
import { writeFileAtomic } from "./modelStore";


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


export interface DownloadOutcome {
  manifest: ModelManifest;
  sha256: string;
  sizeBytes: number;
  gguf: GgufSummary | null;
  downloadedBytes: number;
  resumedFromBytes: number;
}

export type ProgressSnapshot = Omit<PullProgress, "name">;


export const partialLockStaleMs = 2 * 60_000;
const speedWindowMs = 3000;
const ggufMagic = Buffer.from("GGUF", "ascii");

/** Computes speed and ETA and throttles events: phase changes always go out, updates at most every `intervalMs`. */
export class ProgressReporter {
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

export interface Sidecar {
  url: string;
  etag: string | null;
  lastModified: string | null;
  totalBytes: number | null;
  expectedSha256: string | null;
  startedAt: string;
}

export async function readSidecar(file: string): Promise<Sidecar | null> {
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

export async function fileSize(file: string): Promise<number | null> {
  try {
    return (await fs.promises.stat(file)).size;
  } catch {
    return null;
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
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

export function isAbortError(error: unknown): boolean {
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
export const retryable = new WeakSet<object>();

function markRetryable<E extends object>(error: E): E {
  retryable.add(error);
  return error;
}

export class DownloadJob {
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
