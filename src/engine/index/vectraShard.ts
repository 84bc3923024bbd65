// One shard of a workspace index as a vectra LocalIndex: a folder holding `index.hidx` (written by
// ShardCodec through AtomicFileStorage, so a crash never leaves it half written). A shard holds
// three kinds of items, told apart by `metadata.kind`:
//   - "shard": one per index — the embedding model and dimensions the vectors belong to;
//   - "file": one per indexed file (files with no chunks too: an empty file is still known, so the
//     next build can skip it) — root, path, hash, size, mtimeMs, language; its vector is empty;
//   - "chunk": one per chunk — its file's item id, lines (or page), symbol, content hash, text and
//     term counts (what the keyword index is rebuilt from); its vector is the chunk's embedding
//     (empty in a keyword-only index).
// vectra is loaded on first use (it is a separate bundle, dist/vectra.js, shared by the engine and
// the CLI), so starting the engine does not pay for it.
import type * as Vectra from "vectra";
import type { IndexItem, LocalIndex, MetadataTypes } from "vectra";
import type { ChunkLanguage } from "../../common/index/fileFilters";
import { AtomicFileStorage } from "./atomicFileStorage";
import { decodeTerms, encodeTerms } from "./keywordIndex";
import type { TermCounts } from "./keywordIndex";
import { ShardCodec, numberArray, storedVector } from "./shardCodec";

export const shardFormat = 2;
const shardItemId = "shard";

let vectraModule: typeof Vectra | undefined;

function vectra(): typeof Vectra {
  vectraModule ??= require("vectra") as typeof Vectra;
  return vectraModule;
}

/** The LocalIndex of the shard in `folder` (nothing is read until it is used). */
export function openShard(folder: string): LocalIndex {
  const { LocalIndex, LocalFileStorage } = vectra();
  return new LocalIndex(folder, undefined, new AtomicFileStorage(new LocalFileStorage()), new ShardCodec());
}

export interface ShardChunk {
  startLine: number;
  endLine: number;
  page?: number;
  symbol?: string;
  contentHash: string;
  text: string;
  terms: TermCounts;
  /** The terms as saved (`encodeTerms`), on a chunk read from a shard: `terms` is decoded from it when first read. */
  readonly encodedTerms?: string;
  /** Unit length; null in a keyword-only index. */
  vector: Float32Array | null;
}

export interface ShardFile {
  root: string;
  /** Relative to `root`, `/`-separated. */
  path: string;
  /** SHA-256 of the file's bytes. */
  hash: string;
  size: number;
  mtimeMs: number;
  language: ChunkLanguage;
  chunks: readonly ShardChunk[];
}

export type ShardReadResult =
  | { state: "missing" }
  | { state: "damaged"; reason: string }
  | { state: "ok"; embeddingModel: string | null; dimensions: number; files: ShardFile[] };

/** Replaces the shard's content with `files` (one vectra update, saved in one atomic write). */
export async function writeShard(folder: string, embeddingModel: string | null, dimensions: number, files: readonly ShardFile[]): Promise<void> {
  const index = openShard(folder);
  let previous: string[] | null = null;
  if (await index.isIndexCreated()) {
    previous = await index.listItems().then(
      (items) => items.map((item) => item.id),
      () => null,
    );
    // A shard that does not read back is replaced whole.
    if (previous === null) await index.createIndex({ version: 1, deleteIfExists: true });
  } else {
    await index.createIndex({ version: 1 });
  }
  await index.beginUpdate();
  try {
    if (previous) await index.deleteItems(previous);
    await index.insertItem({
      id: shardItemId,
      metadata: { kind: "shard", format: shardFormat, embeddingModel: embeddingModel ?? "", dimensions },
      vector: [],
    });
    for (const [fileNumber, file] of files.entries()) {
      const fileId = `f${fileNumber}`;
      await index.insertItem({
        id: fileId,
        metadata: {
          kind: "file",
          root: file.root,
          path: file.path,
          hash: file.hash,
          size: file.size,
          mtimeMs: file.mtimeMs,
          language: file.language,
        },
        vector: [],
      });
      for (const [chunkNumber, chunk] of file.chunks.entries()) {
        if (dimensions > 0 && chunk.vector?.length !== dimensions) throw new Error(`a chunk of ${file.path} has no ${dimensions}-d vector`);
        const metadata: Record<string, MetadataTypes> = {
          kind: "chunk",
          file: fileId,
          startLine: chunk.startLine,
          endLine: chunk.endLine,
          contentHash: chunk.contentHash,
          text: chunk.text,
          terms: encodeTerms(chunk.terms),
        };
        if (chunk.page !== undefined) metadata.page = chunk.page;
        if (chunk.symbol !== undefined) metadata.symbol = chunk.symbol;
        await index.insertItem({ id: `${fileId}c${chunkNumber}`, metadata, vector: dimensions > 0 && chunk.vector ? numberArray(chunk.vector) : [] });
      }
    }
    await index.endUpdate();
  } catch (error) {
    index.cancelUpdate();
    throw error;
  }
}

/**
 * A chunk read from a shard. Its terms stay as saved until first read (a search-only load never
 * decodes most of them); one class, so every chunk has the same shape for the scans over them.
 */
class StoredChunk implements ShardChunk {
  /** Set by the index that loads it (indexStore.ts ChunkEntry), here so the shape never changes. */
  doc = 0;
  location: { shard: number; ordinal: number } | undefined = undefined;
  private decoded: TermCounts | undefined = undefined;

  constructor(
    readonly startLine: number,
    readonly endLine: number,
    readonly page: number | undefined,
    readonly symbol: string | undefined,
    readonly contentHash: string,
    readonly text: string,
    readonly encodedTerms: string,
    readonly vector: Float32Array | null,
  ) {}

  get terms(): TermCounts {
    return (this.decoded ??= decodeTerms(this.encodedTerms));
  }

  set terms(value: TermCounts) {
    this.decoded = value;
  }
}

/** The shard's files with their chunks; vectors are slices of one Float32Array per shard. */
export async function readShard(folder: string): Promise<ShardReadResult> {
  const index = openShard(folder);
  if (!(await index.isIndexCreated())) return { state: "missing" };
  let items: IndexItem[];
  try {
    items = await index.listItems();
  } catch (error) {
    return { state: "damaged", reason: error instanceof Error ? error.message : String(error) };
  }
  const shard = items.find((item) => item.id === shardItemId);
  // An index created but not yet filled (a crash between vectra's createIndex and the first save).
  if (!shard) return items.length === 0 ? { state: "ok", embeddingModel: null, dimensions: 0, files: [] } : { state: "damaged", reason: "no shard item" };
  if (shard.metadata.format !== shardFormat) return { state: "damaged", reason: `format ${String(shard.metadata.format)}` };
  const embeddingModel = typeof shard.metadata.embeddingModel === "string" && shard.metadata.embeddingModel !== "" ? shard.metadata.embeddingModel : null;
  const dimensions = Number(shard.metadata.dimensions) || 0;
  const files = new Map<string, ShardFile & { chunks: ShardChunk[] }>();
  for (const item of items) {
    const m = item.metadata;
    if (m.kind === "file") {
      files.set(item.id, {
        root: String(m.root),
        path: String(m.path),
        hash: String(m.hash),
        size: Number(m.size),
        mtimeMs: Number(m.mtimeMs),
        language: String(m.language) as ChunkLanguage,
        chunks: [],
      });
    } else if (m.kind === "chunk") {
      const file = files.get(String(m.file));
      if (!file) return { state: "damaged", reason: `chunk ${item.id} before its file` };
      const vector = dimensions > 0 ? storedVector(item) : null;
      if (vector && vector.length !== dimensions) return { state: "damaged", reason: `chunk ${item.id} has ${vector.length} dimensions` };
      file.chunks.push(
        new StoredChunk(
          Number(m.startLine),
          Number(m.endLine),
          m.page !== undefined ? Number(m.page) : undefined,
          m.symbol !== undefined ? String(m.symbol) : undefined,
          String(m.contentHash),
          String(m.text),
          String(m.terms),
          vector,
        ),
      );
    }
  }
  return { state: "ok", embeddingModel, dimensions, files: [...files.values()] };
}
