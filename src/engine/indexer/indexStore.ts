// A workspace index on disk and in memory. Files are spread over shards by a hash of their path;
// each shard is one binary file — a JSON header (its files, their chunks, each chunk's text and
// term counts) followed by the chunks' vectors as little-endian float32 — so no single file nears
// V8's string limit however large the repository, and a change to one file rewrites one shard.
// Every write goes to a temporary file that is then renamed over the old one, so a crash at any
// moment leaves each shard either old or new, never half written; `index.json` (the embedding
// model, the roots, the time of the last update) is written last. A shard that does not read back
// (damaged on disk, another embedding model) is dropped, and its files are indexed again by the
// next build. Only the holder of `write.lock` writes (see fileLock.ts).
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ChunkLanguage } from "../../common/fileFilters";
import { KeywordIndex, decodeTerms, encodeTerms } from "./keywordIndex";
import type { TermCounts } from "./keywordIndex";

export const shardCount = 64;
const shardMagic = Buffer.from("HRTHIDX1", "latin1");
const manifestName = "index.json";
const formatVersion = 1;

export interface ChunkEntry {
  /** In-memory id (not saved): the keyword index and search results refer to chunks by it. */
  doc: number;
  startLine: number;
  endLine: number;
  page?: number;
  symbol?: string;
  contentHash: string;
  text: string;
  terms: TermCounts;
  /** Unit length; null in a keyword-only index. */
  vector: Float32Array | null;
}

export interface FileEntry {
  root: string;
  /** Relative to `root`, `/`-separated. */
  path: string;
  /** SHA-256 of the file's bytes. */
  hash: string;
  size: number;
  mtimeMs: number;
  language: ChunkLanguage;
  chunks: ChunkEntry[];
}

interface StoredChunk {
  startLine: number;
  endLine: number;
  page?: number;
  symbol?: string;
  contentHash: string;
  text: string;
  terms: string;
}

interface StoredFile extends Omit<FileEntry, "chunks"> {
  chunks: StoredChunk[];
}

interface ShardHeader {
  format: number;
  embeddingModel: string | null;
  dimensions: number;
  files: StoredFile[];
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
}

export function fileKey(root: string, relativePath: string): string {
  return `${root}\u0000${relativePath}`;
}

function shardOf(key: string): number {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619);
  return (hash >>> 0) % shardCount;
}

function shardFileName(shard: number): string {
  return `shard-${String(shard).padStart(2, "0")}.bin`;
}

/** Writes `data` to `file` through a temporary file in the same folder, flushed, then renamed. */
export async function writeFileAtomic(file: string, data: Buffer | string): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const handle = await fs.promises.open(temporary, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.promises.rename(temporary, file);
  } catch (error) {
    await fs.promises.rm(temporary, { force: true });
    throw error;
  }
}

function encodeShard(embeddingModel: string | null, dimensions: number, files: readonly FileEntry[]): Buffer {
  const header: ShardHeader = {
    format: formatVersion,
    embeddingModel,
    dimensions,
    files: files.map((file) => ({
      root: file.root,
      path: file.path,
      hash: file.hash,
      size: file.size,
      mtimeMs: file.mtimeMs,
      language: file.language,
      chunks: file.chunks.map((chunk) => ({
        startLine: chunk.startLine,
        endLine: chunk.endLine,
        ...(chunk.page !== undefined ? { page: chunk.page } : {}),
        ...(chunk.symbol !== undefined ? { symbol: chunk.symbol } : {}),
        contentHash: chunk.contentHash,
        text: chunk.text,
        terms: encodeTerms(chunk.terms),
      })),
    })),
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const padding = (4 - ((shardMagic.length + 4 + json.length) % 4)) % 4;
  const chunkCount = files.reduce((sum, file) => sum + file.chunks.length, 0);
  const vectorBytes = dimensions > 0 ? chunkCount * dimensions * 4 : 0;
  const buffer = Buffer.alloc(shardMagic.length + 4 + json.length + padding + vectorBytes);
  shardMagic.copy(buffer, 0);
  buffer.writeUInt32LE(json.length, shardMagic.length);
  json.copy(buffer, shardMagic.length + 4);
  let offset = shardMagic.length + 4 + json.length + padding;
  if (dimensions > 0) {
    for (const file of files) {
      for (const chunk of file.chunks) {
        const vector = chunk.vector;
        if (!vector || vector.length !== dimensions) throw new Error(`chunk of ${file.path} has no ${dimensions}-d vector`);
        for (let d = 0; d < dimensions; d++, offset += 4) buffer.writeFloatLE(vector[d]!, offset);
      }
    }
  }
  return buffer;
}

/** The shard's header and vectors, or null when the bytes are not a whole shard. */
function decodeShard(buffer: Buffer): { header: ShardHeader; vectors: Float32Array } | null {
  if (buffer.length < shardMagic.length + 4 || !buffer.subarray(0, shardMagic.length).equals(shardMagic)) return null;
  const jsonLength = buffer.readUInt32LE(shardMagic.length);
  const jsonEnd = shardMagic.length + 4 + jsonLength;
  if (jsonEnd > buffer.length) return null;
  let header: ShardHeader;
  try {
    header = JSON.parse(buffer.subarray(shardMagic.length + 4, jsonEnd).toString("utf8")) as ShardHeader;
  } catch {
    return null;
  }
  if (header.format !== formatVersion || !Array.isArray(header.files) || typeof header.dimensions !== "number") return null;
  const padding = (4 - (jsonEnd % 4)) % 4;
  const chunkCount = header.files.reduce((sum, file) => sum + (Array.isArray(file.chunks) ? file.chunks.length : 0), 0);
  const vectorBytes = header.dimensions > 0 ? chunkCount * header.dimensions * 4 : 0;
  if (buffer.length !== jsonEnd + padding + vectorBytes) return null;
  const vectors = new Float32Array(vectorBytes / 4);
  Buffer.from(vectors.buffer).set(buffer.subarray(jsonEnd + padding));
  return { header, vectors };
}

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
  private readonly dirty = new Set<number>();
  private nextDoc = 1;

  constructor(readonly storeDir: string) {}

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
      this.keywords.add(chunk.doc, chunk.terms);
    }
    this.dirty.add(shardOf(key));
  }

  removeFile(key: string): boolean {
    const entry = this.files.get(key);
    if (!entry) return false;
    for (const chunk of entry.chunks) {
      this.keywords.remove(chunk.doc, chunk.terms);
      this.docs.delete(chunk.doc);
    }
    this.files.delete(key);
    this.dirty.add(shardOf(key));
    return true;
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
    this.embeddingModel = model;
    this.dimensions = 0;
  }

  /** Forgets which shards changed (they match the disk). */
  markSaved(): void {
    this.dirty.clear();
  }

  get hasChanges(): boolean {
    return this.dirty.size > 0;
  }

  /** Writes the changed shards, then the manifest. */
  async save(): Promise<void> {
    await fs.promises.mkdir(this.storeDir, { recursive: true });
    const byShard = new Map<number, FileEntry[]>();
    for (const shard of this.dirty) byShard.set(shard, []);
    for (const [key, entry] of this.files) byShard.get(shardOf(key))?.push(entry);
    for (const [shard, files] of byShard) {
      const file = path.join(this.storeDir, shardFileName(shard));
      if (files.length === 0) await fs.promises.rm(file, { force: true });
      else {
        files.sort((a, b) => (a.root + a.path < b.root + b.path ? -1 : 1));
        await writeFileAtomic(file, encodeShard(this.embeddingModel, this.dimensions, files));
      }
    }
    this.dirty.clear();
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
    };
    await writeFileAtomic(path.join(this.storeDir, manifestName), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  /** Bytes the index takes on disk. */
  async diskSize(): Promise<number> {
    let total = 0;
    for (const name of await fs.promises.readdir(this.storeDir).catch(() => [] as string[])) {
      total += (await fs.promises.stat(path.join(this.storeDir, name)).catch(() => null))?.size ?? 0;
    }
    return total;
  }
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
}

/**
 * Loads the index in `storeDir` (an empty one when there is none). With `repair` (the caller
 * holds the write lock), shards that do not read back and leftover temporary files are removed.
 */
export async function loadIndex(storeDir: string, repair: boolean): Promise<LoadReport> {
  const data = new IndexData(storeDir);
  const manifest = await readManifest(storeDir);
  let names: string[] = [];
  try {
    names = await fs.promises.readdir(storeDir);
  } catch {
    return { data, droppedShards: 0 };
  }
  if (manifest) {
    data.embeddingModel = manifest.embeddingModel;
    data.dimensions = manifest.dimensions;
    data.roots = manifest.roots;
    data.updatedAt = manifest.updatedAt;
    data.generation = manifest.generation;
  }
  let droppedShards = 0;
  let modelKnown = manifest !== null;
  for (const name of names.sort()) {
    const full = path.join(storeDir, name);
    if (name.includes(".tmp-")) {
      if (repair) await fs.promises.rm(full, { force: true });
      continue;
    }
    const match = /^shard-(\d+)\.bin$/.exec(name);
    if (!match) continue;
    const decoded = decodeShard(await fs.promises.readFile(full).catch(() => Buffer.alloc(0)));
    if (decoded && !modelKnown) {
      // No manifest (lost before its first write): the shards say which model they hold.
      data.embeddingModel = decoded.header.embeddingModel;
      data.dimensions = decoded.header.dimensions;
      modelKnown = true;
    }
    const fits =
      decoded !== null &&
      Number(match[1]) < shardCount &&
      decoded.header.embeddingModel === data.embeddingModel &&
      (data.embeddingModel === null || decoded.header.dimensions === data.dimensions);
    if (!fits || !decoded) {
      droppedShards++;
      if (repair) await fs.promises.rm(full, { force: true });
      continue;
    }
    const dimensions = decoded.header.dimensions;
    let vectorIndex = 0;
    for (const stored of decoded.header.files) {
      const chunks: ChunkEntry[] = stored.chunks.map((chunk) => {
        const vector = dimensions > 0 ? decoded.vectors.subarray(vectorIndex * dimensions, (vectorIndex + 1) * dimensions) : null;
        vectorIndex++;
        return {
          doc: data.newDoc(),
          startLine: chunk.startLine,
          endLine: chunk.endLine,
          ...(chunk.page !== undefined ? { page: chunk.page } : {}),
          ...(chunk.symbol !== undefined ? { symbol: chunk.symbol } : {}),
          contentHash: chunk.contentHash,
          text: chunk.text,
          terms: decodeTerms(chunk.terms),
          vector,
        };
      });
      data.putFile({ ...stored, chunks });
    }
  }
  // Loading marks every shard dirty; nothing needs writing yet.
  data.markSaved();
  if (droppedShards > 0 && repair) {
    // The dropped shards' files are gone from the index: the next build indexes them again.
    data.generation = null;
  }
  return { data, droppedShards };
}

/** Removes temporary files a crashed writer left (call only while holding the write lock). */
export async function removeTemporaryFiles(storeDir: string): Promise<void> {
  for (const name of await fs.promises.readdir(storeDir).catch(() => [] as string[])) {
    if (name.includes(".tmp-")) await fs.promises.rm(path.join(storeDir, name), { force: true });
  }
}

/** Removes the index's files (not the folder's other content, nor the lock). */
export async function deleteIndexFiles(storeDir: string): Promise<void> {
  let names: string[] = [];
  try {
    names = await fs.promises.readdir(storeDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name === manifestName || /^shard-\d+\.bin/.test(name) || name.includes(".tmp-")) {
      await fs.promises.rm(path.join(storeDir, name), { force: true });
    }
  }
}
