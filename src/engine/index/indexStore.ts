// A workspace index on disk and in memory. Files are spread over 64 shards by a hash of their
// path; each shard is a vectra LocalIndex in its own folder (`shard-07/index.hidx`, see
// vectraShard.ts), written and read through vectra's API with a compact binary codec (a JSON header
// and little-endian float32 vectors, shardCodec.ts) so no single file nears V8's string limit
// however large the repository, and a change to one file rewrites one shard. vectra's storage is
// wrapped so that every write goes to a temporary file that is then renamed over the old one
// (atomicFileStorage.ts): a crash at any moment leaves each shard either old or new, never half
// written. `index.json` (the embedding model, the roots, the time of the last update) is written
// last. A shard that does not read back (damaged on disk, another embedding model) is dropped, and
// its files are indexed again by the next build; an index in the first format (one binary file per
// shard) is removed and rebuilt. Only the holder of `write.lock` writes (see fileLock.ts).
//
// Searches do not go through vectra: a loaded index keeps each chunk's vector as a Float32Array
// slice (no number[] copies) and ranks them with its own scan, and the keyword index (BM25 over
// each chunk's saved term counts, keywordIndex.ts) is Hearth's, not vectra's.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { secretRulesVersion } from "../../common/index/secretRules";
import { localize } from "../../common/localize";
import { temporaryMarker, writeFileAtomic } from "./atomicFileStorage";
import { KeywordIndex } from "./keywordIndex";
import { readShard, writeShard } from "./vectraShard";
import type { ShardChunk, ShardFile } from "./vectraShard";

export const shardCount = 64;
const manifestName = "index.json";
/** The keyword snapshot's folder (keywordSnapshot.ts), removed with the index. */
export const snapshotFolderName = "keyword-snapshot";
// 3: chunks merge small neighbours and terms are stemmed (issue 16); an older index is rebuilt.
// 4: term counts per field (name, path, doc, body) for BM25F (issue 16, item 3).
const formatVersion = 4;
/** Retired vectors kept for a branch switched back to: 8,192 × 384-d is 12 MB. */
const retiredCapacity = 8192;

export interface ChunkEntry extends ShardChunk {
  /** In-memory id (not saved): the keyword index and search results refer to chunks by it. */
  doc: number;
  /** Where a chunk loaded from disk sits: its shard and its place among the shard's chunks (keywordSnapshot.ts). */
  location?: { shard: number; ordinal: number };
}

export interface FileEntry extends ShardFile {
  chunks: ChunkEntry[];
}

/** How well the index's vectors retrieve on its own doc comments (vectorCheck.ts), and the fusion weight that follows. */
export interface VectorCheck {
  /** The embedding model measured, and the index's chunks then. */
  model: string;
  chunks: number;
  measuredAt: number;
  /** Doc-comment probes asked (fewer than 8: not measured, the weight is a middle one). */
  probes: number;
  /** The vector ranking's weight in hybrid fusion (the keyword ranking's is 1). */
  weight: number;
  /** MRR@10 of the probes by keywords, by vectors, and fused at `weight`. */
  keywordMrr: number;
  vectorMrr: number;
  hybridMrr: number;
}

export interface IndexManifest {
  format: number;
  roots: string[];
  embeddingModel: string | null;
  dimensions: number;
  updatedAt: number;
  /** Bumped by every save: a reader that holds an older one loads again. */
  generation: string;
  files: number;
  chunks: number;
  /** The secret rules the files were read under (secretRulesVersion); absent: before there was one. */
  secretRules?: number;
  /** Absent: not measured (a keyword-only index, or one not built since). */
  vectorCheck?: VectorCheck;
}

export function fileKey(root: string, relativePath: string): string {
  return `${root}\u0000${relativePath}`;
}

export function shardOf(key: string): number {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619);
  return (hash >>> 0) % shardCount;
}

export function shardFolderName(shard: number): string {
  return `shard-${String(shard).padStart(2, "0")}`;
}

const shardFolderPattern = /^shard-(\d+)$/;
/** A shard of the first format: one binary file. */
const formatOneShardPattern = /^shard-\d+\.bin$/;

/** A whole index in memory: its files and chunks, the keyword index over them, their vectors. */
export class IndexData {
  readonly files = new Map<string, FileEntry>();
  readonly docs = new Map<number, { file: FileEntry; chunk: ChunkEntry }>();
  readonly keywords = new KeywordIndex();
  embeddingModel: string | null = null;
  dimensions = 0;
  roots: string[] = [];
  updatedAt: number | null = null;
  generation: string | null = null;
  /** The secret rules its files were read under; a fresh index is read under the current ones. */
  secretRules = secretRulesVersion;
  /**
   * Vectors of chunks that left the index in this process (a file edited, deleted, or replaced by
   * a branch switch), by content hash, oldest first: switching back to a branch finds them here
   * instead of embedding them again. Memory only, capped at `retiredCapacity` chunks.
   */
  readonly retired = new Map<string, Float32Array>();
  /** The last check of the vectors (null: none for this embedding model). */
  vectorCheck: VectorCheck | null = null;
  private readonly dirty = new Set<number>();
  private manifestChanged = false;
  private nextDoc = 1;

  /**
   * @param deferKeywords keep chunks read from shards as their saved terms until a query asks for
   *   a term (KeywordIndex.addEncoded): for a process that loads the index to search it, not to write.
   */
  constructor(
    readonly storeDir: string,
    readonly deferKeywords = false,
  ) {}

  get chunkCount(): number {
    return this.docs.size;
  }

  newDoc(): number {
    return this.nextDoc++;
  }

  /** Adds or replaces a file's entry (its chunks' `doc` ids must come from `newDoc`). */
  putFile(entry: FileEntry): void {
    const key = fileKey(entry.root, entry.path);
    this.removeFile(key);
    this.files.set(key, entry);
    for (const chunk of entry.chunks) {
      this.docs.set(chunk.doc, { file: entry, chunk });
      if (this.deferKeywords && chunk.encodedTerms !== undefined) this.keywords.addEncoded(chunk.doc, chunk.encodedTerms);
      else this.keywords.add(chunk.doc, chunk.terms);
    }
    this.dirty.add(shardOf(key));
  }

  removeFile(key: string): boolean {
    const entry = this.files.get(key);
    if (!entry) return false;
    for (const chunk of entry.chunks) {
      this.keywords.remove(chunk.doc, chunk.terms);
      this.docs.delete(chunk.doc);
      if (chunk.vector) this.retire(chunk.contentHash, chunk.vector);
    }
    this.files.delete(key);
    this.dirty.add(shardOf(key));
    return true;
  }

  private retire(contentHash: string, vector: Float32Array): void {
    this.retired.delete(contentHash);
    this.retired.set(contentHash, vector);
    if (this.retired.size > retiredCapacity) this.retired.delete(this.retired.keys().next().value!);
  }

  /** A changed modification time on an unchanged file: saved so the next build can skip reading it. */
  touchFile(key: string, mtimeMs: number): void {
    const entry = this.files.get(key);
    if (!entry || entry.mtimeMs === mtimeMs) return;
    entry.mtimeMs = mtimeMs;
    this.dirty.add(shardOf(key));
  }

  /** Forgets every vector (another embedding model): every file is embedded again. */
  resetEmbedding(model: string | null): void {
    for (const key of [...this.files.keys()]) this.removeFile(key);
    this.retired.clear();
    this.embeddingModel = model;
    this.dimensions = 0;
    this.vectorCheck = null;
  }

  /** Stores a new check of the vectors (saved with the manifest). */
  setVectorCheck(check: VectorCheck | null): void {
    this.vectorCheck = check;
    this.manifestChanged = true;
  }

  /** Forgets which shards changed (they match the disk). */
  markSaved(): void {
    this.dirty.clear();
    this.manifestChanged = false;
  }

  get hasChanges(): boolean {
    return this.dirty.size > 0 || this.manifestChanged;
  }

  /** The shards the last `save` wrote or removed (a one-file update writes one). */
  lastSavedShards: number[] = [];

  /** Writes the changed shards, then the manifest. */
  async save(): Promise<void> {
    await fs.promises.mkdir(this.storeDir, { recursive: true });
    const byShard = new Map<number, FileEntry[]>();
    for (const shard of this.dirty) byShard.set(shard, []);
    for (const [key, entry] of this.files) byShard.get(shardOf(key))?.push(entry);
    for (const [shard, files] of byShard) {
      const folder = path.join(this.storeDir, shardFolderName(shard));
      if (files.length === 0) await fs.promises.rm(folder, { recursive: true, force: true });
      else {
        files.sort((a, b) => (a.root + a.path < b.root + b.path ? -1 : 1));
        await writeShard(folder, this.embeddingModel, this.dimensions, files);
      }
    }
    this.lastSavedShards = [...byShard.keys()].sort((a, b) => a - b);
    this.dirty.clear();
    this.manifestChanged = false;
    this.updatedAt = Date.now();
    this.generation = `${this.updatedAt}-${randomBytes(6).toString("hex")}`;
    const manifest: IndexManifest = {
      format: formatVersion,
      roots: this.roots,
      embeddingModel: this.embeddingModel,
      dimensions: this.dimensions,
      updatedAt: this.updatedAt,
      generation: this.generation,
      files: this.files.size,
      chunks: this.docs.size,
      secretRules: secretRulesVersion,
      ...(this.vectorCheck && this.vectorCheck.model === this.embeddingModel ? { vectorCheck: this.vectorCheck } : {}),
    };
    await writeFileAtomic(path.join(this.storeDir, manifestName), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  /** Bytes the index takes on disk. */
  async diskSize(): Promise<number> {
    return sizeOf(this.storeDir);
  }
}

async function sizeOf(target: string): Promise<number> {
  const stat = await fs.promises.stat(target).catch(() => null);
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const name of await fs.promises.readdir(target).catch(() => [] as string[])) total += await sizeOf(path.join(target, name));
  return total;
}

export async function readManifest(storeDir: string): Promise<IndexManifest | null> {
  try {
    const manifest = JSON.parse(await fs.promises.readFile(path.join(storeDir, manifestName), "utf8")) as IndexManifest;
    return manifest.format === formatVersion && typeof manifest.generation === "string" ? manifest : null;
  } catch {
    return null;
  }
}

export interface LoadReport {
  data: IndexData;
  /** Shards dropped because they did not read back or belong to another embedding model. */
  droppedShards: number;
  /** The folder held an index in an earlier format (the first: one binary file per shard; or an older manifest), not read. */
  outdatedFormat: boolean;
}

/**
 * Whether `storeDir` holds an index in an earlier format: the first (its shards were single `.bin`
 * files), or a manifest of an older version (its shards read, but their chunks and terms are not
 * what this version builds, and unchanged files would never be read again).
 */
async function isOutdatedFormat(storeDir: string, names: readonly string[]): Promise<boolean> {
  if (names.some((name) => formatOneShardPattern.test(name))) return true;
  try {
    const manifest = JSON.parse(await fs.promises.readFile(path.join(storeDir, manifestName), "utf8")) as { format?: unknown };
    return typeof manifest.format === "number" && manifest.format < formatVersion;
  } catch {
    return false;
  }
}

/**
 * Loads the index in `storeDir` (an empty one when there is none). With `repair` (the caller
 * holds the write lock), shards that do not read back, leftover temporary files and an index in
 * an earlier format are removed.
 */
export async function loadIndex(storeDir: string, repair: boolean, options?: { deferKeywords?: boolean }): Promise<LoadReport> {
  const data = new IndexData(storeDir, options?.deferKeywords === true && !repair);
  let names: string[] = [];
  try {
    names = await fs.promises.readdir(storeDir);
  } catch {
    return { data, droppedShards: 0, outdatedFormat: false };
  }
  if (await isOutdatedFormat(storeDir, names)) {
    if (repair) {
      process.stderr.write(
        `${localize(
          "The workspace index in {0} was written by an earlier version of Hearth, in a format this version does not read. It has been removed, and this run indexes the workspace again from the start.",
          storeDir,
        )}\n`,
      );
      await deleteIndexFiles(storeDir);
    }
    return { data, droppedShards: 0, outdatedFormat: true };
  }
  const manifest = await readManifest(storeDir);
  if (manifest) {
    data.embeddingModel = manifest.embeddingModel;
    data.dimensions = manifest.dimensions;
    data.roots = manifest.roots;
    data.updatedAt = manifest.updatedAt;
    data.generation = manifest.generation;
    data.secretRules = manifest.secretRules ?? 0;
    data.vectorCheck = manifest.vectorCheck && manifest.vectorCheck.model === manifest.embeddingModel ? manifest.vectorCheck : null;
  }
  if (repair) await removeTemporaryFiles(storeDir);
  let droppedShards = 0;
  let modelKnown = manifest !== null;
  for (const name of names.sort()) {
    const match = shardFolderPattern.exec(name);
    if (!match) continue;
    const folder = path.join(storeDir, name);
    const shard = await readShard(folder);
    if (shard.state === "missing") {
      // A folder whose index was never saved (a crash while vectra created it): nothing to lose.
      if (repair) await fs.promises.rm(folder, { recursive: true, force: true });
      continue;
    }
    if (shard.state === "ok" && !modelKnown && shard.files.length > 0) {
      // No manifest (lost before its first write): the shards say which model they hold.
      data.embeddingModel = shard.embeddingModel;
      data.dimensions = shard.dimensions;
      modelKnown = true;
    }
    const fits =
      shard.state === "ok" &&
      Number(match[1]) < shardCount &&
      (shard.files.length === 0 ||
        (shard.embeddingModel === data.embeddingModel && (data.embeddingModel === null || shard.dimensions === data.dimensions)));
    if (!fits || shard.state !== "ok") {
      droppedShards++;
      if (repair) await fs.promises.rm(folder, { recursive: true, force: true });
      continue;
    }
    let ordinal = 0;
    for (const stored of shard.files) {
      // The chunks read are this load's own: each gets its id in place (a copy would decode its terms).
      const chunks = stored.chunks.map((chunk) => Object.assign(chunk, { doc: data.newDoc(), location: { shard: Number(match[1]), ordinal: ordinal++ } }) as ChunkEntry);
      data.putFile({ ...stored, chunks });
    }
  }
  // Loading marks every shard dirty; nothing needs writing yet.
  data.markSaved();
  if (droppedShards > 0 && repair) {
    // The dropped shards' files are gone from the index: the next build indexes them again.
    data.generation = null;
  }
  return { data, droppedShards, outdatedFormat: false };
}

/** Removes temporary files a crashed writer left, in the index folder and its shards' folders (call only while holding the write lock). */
export async function removeTemporaryFiles(storeDir: string): Promise<void> {
  for (const name of await fs.promises.readdir(storeDir).catch(() => [] as string[])) {
    const full = path.join(storeDir, name);
    if (name.includes(temporaryMarker)) await fs.promises.rm(full, { recursive: true, force: true });
    else if (shardFolderPattern.test(name)) {
      for (const inner of await fs.promises.readdir(full).catch(() => [] as string[])) {
        if (inner.includes(temporaryMarker)) await fs.promises.rm(path.join(full, inner), { force: true });
      }
    }
  }
}

/** Removes the index's files, in either format (not the folder's other content, nor the lock). */
export async function deleteIndexFiles(storeDir: string): Promise<void> {
  let names: string[] = [];
  try {
    names = await fs.promises.readdir(storeDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name === manifestName || name === snapshotFolderName || shardFolderPattern.test(name) || formatOneShardPattern.test(name) || name.includes(temporaryMarker)) {
      await fs.promises.rm(path.join(storeDir, name), { recursive: true, force: true });
    }
  }
}
