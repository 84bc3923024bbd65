// The model store, shared by the extension's engine and the `hearth` CLI, laid out like Ollama's:
//
//   <root>/models/blobs/sha256-<hex>                 GGUF files, named by content hash
//   <root>/models/blobs/partial-<key>[.json|.lock]   downloads in progress (see modelDownloader.ts)
//   <root>/models/manifests/<family path>/<tag>.json one manifest per model name
//   <root>/models/.lock                              held around changes that must not interleave
//
// Manifests are written to a temp file and renamed into place; a blob appears under its hash
// only once complete and verified. Reading (list/get/resolvePath) takes no lock; changes that
// decide whether a blob is still referenced (remove, repair, committing a pull or an import)
// hold models/.lock. A damaged entry is reported with a problem, never thrown from list().
// Over 600 lines on purpose: every operation that changes the store takes the same lock and keeps
// the same blob/manifest invariants, which are easier to check in one file.
import type { ModelProfile } from "../../common/models/modelProfile";
import type { RemoveResult } from "../../common/models/modelManifest";
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import type { TransformCallback } from "node:stream";
import { EngineError, errorText } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import { findCatalogueEntry, catalogueAliases } from "../../common/models/modelCatalogue";
import type {
  BlobStorage,
  GgufSummary,
  ModelManifest,
  ModelPurpose,
  ModelSource,
  RepairReport,
  StoreDiskUsage,
  StoredModel,
} from "../../common/models/modelManifest";
import { guessPurpose, manifestSchemaVersion, parseManifest } from "../../common/models/modelManifest";
import type { ModelName } from "../../common/models/modelName";
import {
  formatModelName,
  modelNameFromFileName,
  parseModelName,
  parseModelReference,
  storeNameForReference,
  tryParseModelName,
} from "../../common/models/modelName";
import { acquireLock } from "../../node/fileLock";
import { expandHome } from "../../node/storeRoot";
import type { GgufSummaryReader } from "./ggufSummary";
import { readGgufSummary } from "./ggufSummary";
import { checkModelFile } from "./modelFileCheck";

export interface ModelStoreOptions {
  /** Reads a GGUF header into a summary; node-llama-cpp's reader by default. */
  readGguf?: GgufSummaryReader;
  /** How long a change waits for models/.lock (default 60 s). */
  lockTimeoutMs?: number;
  /** A store lock not refreshed for this long is stale (default 2 minutes; a held lock refreshes itself). */
  lockStaleMs?: number;
}

export interface ImportOptions {
  /** "copy" (default) copies the file into the store; "link" hard-links it, else symlinks it, else copies. */
  mode?: "copy" | "link";
  signal?: AbortSignal;
}


export interface RepairOptions {
  /** Re-hash every blob and drop the models whose file no longer matches (slow: reads every byte). */
  verify?: boolean;
  /** Temp files older than this are removed (default one day). */
  tempMaxAgeMs?: number;
  /** Unfinished downloads untouched for this long are removed (default seven days). */
  partialMaxAgeMs?: number;
}

/** What a caller commits into the store: a complete, verified file and what to record about it. */
export interface BlobCommit {
  name: string;
  sha256: string;
  sizeBytes: number;
  source: ModelSource;
  storage: BlobStorage;
  gguf: GgufSummary | null;
  purpose?: ModelPurpose;
  /**
   * Puts the file at `blobPath` (rename, link, copy). Called under the store lock, and only when
   * no blob with this hash exists yet; otherwise `discard` is called.
   */
  place: (blobPath: string) => Promise<BlobStorage | void>;
  discard?: () => Promise<void>;
  /** Place the file even when a blob with this hash exists (a forced pull: the old file may be damaged). */
  replace?: boolean;
}

const dayMs = 24 * 60 * 60_000;

/** Changes from this process queue here first, so they do not poll the lock file against each other. */
const inProcessQueues = new Map<string, Promise<void>>();
const blobPrefix = "sha256-";
const partialPrefix = "partial-";

function isErrno(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as NodeJS.ErrnoException | null)?.code ?? "");
}

class HashingStream extends Transform {
  readonly hash = createHash("sha256");
  bytes = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }
}

/** sha256 and size of a file, read as a stream. */
export async function hashFile(filePath: string, signal?: AbortSignal): Promise<{ sha256: string; sizeBytes: number }> {
  const hash = createHash("sha256");
  let sizeBytes = 0;
  const stream = fs.createReadStream(filePath, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream) {
      if (signal?.aborted) throw signal.reason;
      hash.update(chunk as Buffer);
      sizeBytes += (chunk as Buffer).length;
    }
  } finally {
    stream.destroy();
  }
  return { sha256: hash.digest("hex"), sizeBytes };
}

/** Writes to a unique temp name beside `file`, then renames over it (atomic on one file system). */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await fs.promises.writeFile(temp, data);
    for (let attempt = 0; ; attempt++) {
      try {
        await fs.promises.rename(temp, file);
        return;
      } catch (error) {
        // Windows refuses to replace a file another process is reading at this moment: retry briefly.
        if (attempt >= 5 || !isErrno(error, "EPERM", "EACCES", "EBUSY")) throw error;
        await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
      }
    }
  } finally {
    await fs.promises.rm(temp, { force: true });
  }
}

export class ModelStore {
  readonly root: string;
  readonly modelsDir: string;
  readonly blobsDir: string;
  readonly manifestsDir: string;
  readonly lockPath: string;
  readonly readGguf: GgufSummaryReader;
  private readonly lockTimeoutMs: number;
  private readonly lockStaleMs: number;

  constructor(root: string, options: ModelStoreOptions = {}) {
    this.root = path.resolve(root);
    this.modelsDir = path.join(this.root, "models");
    this.blobsDir = path.join(this.modelsDir, "blobs");
    this.manifestsDir = path.join(this.modelsDir, "manifests");
    this.lockPath = path.join(this.modelsDir, ".lock");
    this.readGguf = options.readGguf ?? readGgufSummary;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 60_000;
    this.lockStaleMs = options.lockStaleMs ?? 2 * 60_000;
  }

  blobPath(sha256: string): string {
    return path.join(this.blobsDir, `${blobPrefix}${sha256}`);
  }

  manifestPath(name: ModelName): string {
    return path.join(this.manifestsDir, ...name.family.split("/"), `${name.tag}.json`);
  }

  /** Creates the store's folders. */
  async ensureLayout(): Promise<void> {
    await fs.promises.mkdir(this.blobsDir, { recursive: true });
    await fs.promises.mkdir(this.manifestsDir, { recursive: true });
  }

  /** Runs `action` holding models/.lock (other processes' changes wait, and vice versa). */
  async withLock<T>(action: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const previous = inProcessQueues.get(this.lockPath) ?? Promise.resolve();
    let done!: () => void;
    const turn = previous.then(() => new Promise<void>((resolve) => (done = resolve)));
    inProcessQueues.set(this.lockPath, turn);
    try {
      await previous;
      await this.ensureLayout();
      const lock = await acquireLock(this.lockPath, {
        purpose: "model store",
        staleMs: this.lockStaleMs,
        timeoutMs: this.lockTimeoutMs,
        ...(signal ? { signal } : {}),
      });
      try {
        return await action();
      } finally {
        await lock.release();
      }
    } finally {
      // `done` is set once `previous` settled, which the await above guarantees.
      done();
      if (inProcessQueues.get(this.lockPath) === turn) inProcessQueues.delete(this.lockPath);
    }
  }

  // ── Reading ───────────────────────────────────────────────────────────────────────────────

  /** Every model with a manifest, sorted by name; damaged ones have a status and a problem. */
  async list(): Promise<StoredModel[]> {
    const files = await this.manifestFiles();
    const models = await Promise.all(files.map((file) => this.readEntry(file)));
    return models.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The installed model with this name (`family[:tag]`; a catalogue alias like `qwen2.5-coder` also finds its sized name), or null. */
  async get(name: string): Promise<StoredModel | null> {
    const parsed = parseModelName(name);
    const direct = await this.readEntryIfExists(this.manifestPath(parsed));
    if (direct) return direct;
    const alias = catalogueAliases[formatModelName(parsed)];
    const aliasName = alias === undefined ? null : tryParseModelName(alias);
    return aliasName ? this.readEntryIfExists(this.manifestPath(aliasName)) : null;
  }

  /**
   * The file to load for a store name, or a `.gguf` path unchanged (made absolute). A `hf:`/URL
   * reference finds the model it was pulled as. Throws "modelNotFound" / "invalidModel" EngineErrors.
   */
  async resolvePath(nameOrPath: string): Promise<string> {
    const ref = parseModelReference(nameOrPath);
    if (ref.kind === "path") return path.resolve(expandHome(ref.path));
    const name = storeNameForReference(ref);
    const model = await this.get(name);
    if (!model) {
      throw new EngineError(
        "modelNotFound",
        localize(
          "{0} is not installed. Download it with \"hearth pull {0}\" or from the Models view; \"hearth list\" shows what is installed.",
          name,
        ),
      );
    }
    if (model.status !== "ok" || !model.blobPath) {
      throw new EngineError(
        "invalidModel",
        localize("{0} cannot be used: {1}", model.name, model.problem ?? model.status),
      );
    }
    return model.blobPath;
  }

  private async manifestFiles(): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (isErrno(error, "ENOENT", "ENOTDIR")) return;
        throw error;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.name.endsWith(".json")) found.push(full);
      }
    };
    await walk(this.manifestsDir);
    return found;
  }

  /** `manifests/a/b/tag.json` → `a/b:tag` (the path is the name; the file's content is checked against it). */
  private nameFromManifestPath(file: string): string {
    const segments = path.relative(this.manifestsDir, file).split(path.sep);
    const tag = segments.pop()!.replace(/\.json$/, "");
    return `${segments.join("/")}:${tag}`;
  }

  private async readEntryIfExists(file: string): Promise<StoredModel | null> {
    try {
      await fs.promises.access(file);
    } catch {
      return null;
    }
    return this.readEntry(file);
  }

  private async readEntry(file: string): Promise<StoredModel> {
    const name = this.nameFromManifestPath(file);
    let manifest: ModelManifest;
    try {
      manifest = parseManifest(JSON.parse(await fs.promises.readFile(file, "utf8")) as unknown);
    } catch (error) {
      const detail = error instanceof SyntaxError ? localize("The manifest is damaged ({0}).", error.message) : errorText(error);
      return {
        name,
        status: "corrupt",
        manifest: null,
        manifestPath: file,
        blobPath: null,
        problem: localize("{0} Pull or import the model again, or run repair to remove the entry.", detail),
      };
    }
    manifest = { ...manifest, name };
    const blobPath = this.blobPath(manifest.sha256);
    let size: number;
    try {
      size = (await fs.promises.stat(blobPath)).size;
    } catch {
      return {
        name,
        status: "missingFile",
        manifest,
        manifestPath: file,
        blobPath,
        problem: localize(
          "Its model file ({0}) is missing. Pull or import the model again, or run repair to remove the entry.",
          manifest.blob,
        ),
      };
    }
    if (size !== manifest.sizeBytes) {
      return {
        name,
        status: "corrupt",
        manifest,
        manifestPath: file,
        blobPath,
        problem: localize(
          "Its model file has {0} bytes, but the manifest says {1}: the file is damaged. Pull or import the model again, or run repair to remove it.",
          size,
          manifest.sizeBytes,
        ),
      };
    }
    return { name, status: "ok", manifest, manifestPath: file, blobPath, problem: null };
  }

  // ── Changing ──────────────────────────────────────────────────────────────────────────────

  /**
   * Puts a complete, verified file into the store under its hash and writes the manifest for
   * `name`, under the store lock. A blob the name used before is deleted when no other model uses it.
   */
  async commit(input: BlobCommit): Promise<ModelManifest> {
    const name = parseModelName(input.name);
    return this.withLock(async () => {
      const blobPath = this.blobPath(input.sha256);
      let storage = input.storage;
      if (!input.replace && (await this.blobUsable(blobPath, input.sizeBytes))) {
        await input.discard?.();
        if ((await fs.promises.lstat(blobPath)).isSymbolicLink()) storage = "symlink";
      } else {
        await fs.promises.rm(blobPath, { force: true }); // a dangling link or a damaged file
        storage = (await input.place(blobPath)) ?? storage;
      }
      const manifest: ModelManifest = {
        schemaVersion: manifestSchemaVersion,
        name: formatModelName(name),
        blob: `${blobPrefix}${input.sha256}`,
        sizeBytes: input.sizeBytes,
        sha256: input.sha256,
        source: input.source,
        storage,
        createdAt: new Date().toISOString(),
        gguf: input.gguf,
        purpose: input.purpose ?? findCatalogueEntry(formatModelName(name))?.purpose ?? guessPurpose(input.gguf),
      };
      await this.writeManifest(name, manifest);
      return manifest;
    });
  }

  private async blobUsable(blobPath: string, sizeBytes: number): Promise<boolean> {
    try {
      return (await fs.promises.stat(blobPath)).size === sizeBytes;
    } catch {
      return false;
    }
  }

  /** Writes the manifest and drops the blob it replaces when nothing else uses it. Call under the lock. */
  private async writeManifest(name: ModelName, manifest: ModelManifest): Promise<void> {
    const file = this.manifestPath(name);
    const previous = await this.readEntryIfExists(file);
    await writeFileAtomic(file, `${JSON.stringify(manifest, null, 2)}\n`);
    const previousBlob = previous?.manifest?.blob;
    if (previousBlob && previousBlob !== manifest.blob) await this.deleteBlobIfUnused(previousBlob);
  }

  /** Deletes a blob no manifest references; returns the bytes freed. Call under the lock. */
  private async deleteBlobIfUnused(blob: string): Promise<number> {
    const models = await this.list();
    if (models.some((model) => model.manifest?.blob === blob)) return 0;
    return this.deleteBlobFile(path.join(this.blobsDir, blob));
  }

  private async deleteBlobFile(blobPath: string): Promise<number> {
    let freed = 0;
    try {
      const stat = await fs.promises.lstat(blobPath);
      freed = stat.isSymbolicLink() || stat.nlink > 1 ? 0 : stat.size;
    } catch (error) {
      if (isErrno(error, "ENOENT")) return 0;
      throw error;
    }
    await fs.promises.rm(blobPath, { force: true });
    return freed;
  }

  /**
   * Adds a local GGUF file: checks it, reads its header, hashes it while copying (or links it),
   * then commits it. The name defaults to one made from the file name.
   */
  async importFile(filePath: string, name?: string, options: ImportOptions = {}): Promise<ModelManifest> {
    const source = path.resolve(expandHome(filePath));
    await checkModelFile(source);
    const storeName = name === undefined ? formatModelName(modelNameFromFileName(source)) : formatModelName(parseModelName(name));
    const gguf = await this.readGguf(source);
    await this.ensureLayout();
    const sourceInfo: ModelSource = { kind: "file", uri: source };
    if (options.mode === "link") {
      const { sha256, sizeBytes } = await hashFile(source, options.signal);
      return this.commit({
        name: storeName,
        sha256,
        sizeBytes,
        source: sourceInfo,
        storage: "hardLink",
        gguf,
        place: (blobPath) => linkOrCopy(source, blobPath),
      });
    }
    const temp = path.join(this.blobsDir, `tmp-${process.pid}-${randomBytes(6).toString("hex")}.tmp`);
    try {
      const hasher = new HashingStream();
      await pipeline(fs.createReadStream(source), hasher, fs.createWriteStream(temp), options.signal ? { signal: options.signal } : {});
      return await this.commit({
        name: storeName,
        sha256: hasher.hash.digest("hex"),
        sizeBytes: hasher.bytes,
        source: sourceInfo,
        storage: "copy",
        gguf,
        place: async (blobPath) => fs.promises.rename(temp, blobPath),
        discard: () => fs.promises.rm(temp, { force: true }),
      });
    } finally {
      await fs.promises.rm(temp, { force: true });
    }
  }

  /** Removes a model's manifest, and its file when no other model uses it. Throws "modelNotFound". */
  async remove(name: string): Promise<RemoveResult> {
    return this.withLock(async () => {
      const model = await this.get(name);
      if (!model) {
        throw new EngineError(
          "modelNotFound",
          localize("No model called {0} is installed; \"hearth list\" shows what is.", formatModelName(parseModelName(name))),
        );
      }
      await fs.promises.rm(model.manifestPath, { force: true });
      await this.removeEmptyFolders(path.dirname(model.manifestPath));
      if (!model.manifest) return { name: model.name, blobRemoved: false, freedBytes: 0, problem: null };
      try {
        const before = await this.blobExists(model.manifest.blob);
        const freedBytes = await this.deleteBlobIfUnused(model.manifest.blob);
        const blobRemoved = before && !(await this.blobExists(model.manifest.blob));
        return { name: model.name, blobRemoved, freedBytes, problem: null };
      } catch (error) {
        return {
          name: model.name,
          blobRemoved: false,
          freedBytes: 0,
          problem: localize(
            "The model file could not be deleted ({0}); it may still be loaded. Unload it and run repair to free the space.",
            errorText(error),
          ),
        };
      }
    });
  }

  private async blobExists(blob: string): Promise<boolean> {
    try {
      await fs.promises.lstat(path.join(this.blobsDir, blob));
      return true;
    } catch {
      return false;
    }
  }

  private async removeEmptyFolders(dir: string): Promise<void> {
    let current = dir;
    while (current.startsWith(this.manifestsDir + path.sep)) {
      try {
        await fs.promises.rmdir(current);
      } catch {
        return; // not empty (or gone)
      }
      current = path.dirname(current);
    }
  }

  /** A second name for the same file, like `ollama cp`. Throws when the source is not installed or damaged. */
  async copy(sourceName: string, targetName: string): Promise<ModelManifest> {
    const target = parseModelName(targetName);
    return this.withLock(async () => {
      const model = await this.get(sourceName);
      if (!model) {
        throw new EngineError(
          "modelNotFound",
          localize("No model called {0} is installed; \"hearth list\" shows what is.", formatModelName(parseModelName(sourceName))),
        );
      }
      if (model.status !== "ok" || !model.manifest) {
        throw new EngineError("invalidModel", localize("{0} cannot be used: {1}", model.name, model.problem ?? model.status));
      }
      const manifest: ModelManifest = { ...model.manifest, name: formatModelName(target), createdAt: new Date().toISOString() };
      if (formatModelName(target) !== model.name) await this.writeManifest(target, manifest);
      return manifest;
    });
  }

  /** Records `name` as the base model's file plus a Modelfile's profile (as `ollama create` does). */
  async writeProfile(targetName: string, base: ModelManifest, profile: ModelProfile): Promise<ModelManifest> {
    const target = parseModelName(targetName);
    return this.withLock(async () => {
      const manifest: ModelManifest = {
        ...base,
        name: formatModelName(target),
        createdAt: new Date().toISOString(),
        purpose: base.purpose === "code" ? "code" : "chat",
        profile,
      };
      await this.writeManifest(target, manifest);
      return manifest;
    });
  }

  /**
   * Drops manifests whose file is missing or damaged (and, with `verify`, whose file no longer
   * matches its hash), deletes files no manifest uses, and old temp files and abandoned downloads.
   */
  async repair(options: RepairOptions = {}): Promise<RepairReport> {
    const tempMaxAgeMs = options.tempMaxAgeMs ?? dayMs;
    const partialMaxAgeMs = options.partialMaxAgeMs ?? 7 * dayMs;
    return this.withLock(async () => {
      const report: RepairReport = { removedManifests: [], removedBlobs: [], removedTempFiles: [], freedBytes: 0 };
      const referenced = new Set<string>();
      for (const model of await this.list()) {
        let reason = model.status === "ok" ? null : model.problem ?? model.status;
        if (reason === null && options.verify && model.manifest && model.blobPath) {
          const { sha256 } = await hashFile(model.blobPath);
          if (sha256 !== model.manifest.sha256) {
            reason = localize("Its model file no longer matches its sha256 ({0}).", model.manifest.sha256);
          }
        }
        if (reason === null) {
          referenced.add(model.manifest!.blob);
          continue;
        }
        await fs.promises.rm(model.manifestPath, { force: true });
        await this.removeEmptyFolders(path.dirname(model.manifestPath));
        report.removedManifests.push({ name: model.name, reason });
      }
      const now = Date.now();
      let blobEntries: string[] = [];
      try {
        blobEntries = await fs.promises.readdir(this.blobsDir);
      } catch (error) {
        if (!isErrno(error, "ENOENT")) throw error;
      }
      for (const entry of blobEntries) {
        const full = path.join(this.blobsDir, entry);
        let stat: fs.Stats;
        try {
          stat = await fs.promises.lstat(full);
        } catch {
          continue;
        }
        const age = now - stat.mtimeMs;
        if (entry.startsWith(blobPrefix)) {
          if (referenced.has(entry)) continue;
          report.freedBytes += await this.deleteBlobFile(full);
          report.removedBlobs.push(entry);
        } else if (entry.startsWith("tmp-") || entry.endsWith(".tmp")) {
          if (age < tempMaxAgeMs) continue;
          await fs.promises.rm(full, { force: true });
          report.freedBytes += stat.size;
          report.removedTempFiles.push(entry);
        } else if (entry.startsWith(partialPrefix) && !entry.endsWith(".json") && !entry.endsWith(".lock")) {
          if (age < partialMaxAgeMs || (await this.downloadInProgress(full))) continue;
          await fs.promises.rm(full, { force: true });
          await fs.promises.rm(`${full}.json`, { force: true });
          report.freedBytes += stat.size;
          report.removedTempFiles.push(entry);
        }
      }
      for (const file of await this.manifestTempFiles()) {
        try {
          if (now - (await fs.promises.stat(file)).mtimeMs < tempMaxAgeMs) continue;
          await fs.promises.rm(file, { force: true });
          report.removedTempFiles.push(path.relative(this.modelsDir, file));
        } catch {
          // gone meanwhile
        }
      }
      return report;
    });
  }

  private async downloadInProgress(partialPath: string): Promise<boolean> {
    try {
      const stat = await fs.promises.stat(`${partialPath}.lock`);
      return Date.now() - stat.mtimeMs < this.lockStaleMs;
    } catch {
      return false;
    }
  }

  private async manifestTempFiles(): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.name.endsWith(".tmp")) found.push(full);
      }
    };
    await walk(this.manifestsDir);
    return found;
  }

  /** Bytes the store's files take and the free space on its disk. */
  async diskUsage(): Promise<StoreDiskUsage> {
    let blobBytes = 0;
    let partialBytes = 0;
    let entries: string[] = [];
    try {
      entries = await fs.promises.readdir(this.blobsDir);
    } catch (error) {
      if (!isErrno(error, "ENOENT")) throw error;
    }
    for (const entry of entries) {
      let stat: fs.Stats;
      try {
        stat = await fs.promises.lstat(path.join(this.blobsDir, entry));
      } catch {
        continue;
      }
      if (!stat.isFile()) continue;
      if (entry.startsWith(blobPrefix)) blobBytes += stat.size;
      else if (entry.startsWith(partialPrefix) && !entry.endsWith(".json") && !entry.endsWith(".lock")) partialBytes += stat.size;
    }
    return {
      root: this.root,
      blobBytes,
      partialBytes,
      models: (await this.manifestFiles()).length,
      freeBytes: await freeDiskBytes(this.root),
    };
  }
}

/** Free bytes for an unprivileged user on the disk holding `dir` (or its nearest existing parent); null when unknown. */
export async function freeDiskBytes(dir: string): Promise<number | null> {
  let current = path.resolve(dir);
  for (;;) {
    try {
      const stats = await fs.promises.statfs(current);
      return Number(stats.bavail) * Number(stats.bsize);
    } catch (error) {
      const parent = path.dirname(current);
      if (!isErrno(error, "ENOENT") || parent === current) return null;
      current = parent;
    }
  }
}

/** Hard link, else symbolic link, else copy; returns what it did. */
async function linkOrCopy(source: string, target: string): Promise<BlobStorage> {
  try {
    await fs.promises.link(source, target);
    return "hardLink";
  } catch {
    // another disk (EXDEV), or a file system without hard links
  }
  try {
    await fs.promises.symlink(source, target, "file");
    return "symlink";
  } catch {
    // Windows without the symlink privilege
  }
  await fs.promises.copyFile(source, target);
  return "copy";
}

export type { RemoveResult };
