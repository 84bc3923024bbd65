// The engine's workspace indexes: builds and updates them (walk, read, chunk, embed in batches
// at background priority, save), and searches them (BM25 keyword ranking fused with a vector
// ranking by reciprocal rank fusion, then an optional reranker). One writer per index at a time
// (write.lock, also across processes: the extension's engine and a `hearth index`); searches read
// the in-memory copy, loading it again when another process saved a newer one.
// Over ~600 lines on purpose: building and searching share the in-memory index, its lock and its
// reload rules; the pieces that stand alone already live beside it (keywordIndex, keywordSnapshot,
// vectorCheck, vectraShard, indexStore, workspaceWalker).
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { chunkDocument, chunkPdfPages } from "../../common/index/codeChunker";
import type { ChunkDraft } from "../../common/index/codeChunker";
import { EngineError } from "../../common/engine/engineError";
import type { IndexMatchExplanation, IndexBuildParams, IndexBuildResult, IndexProgress, IndexSearchHit, IndexSearchMode, IndexSearchParams, IndexSearchResult, IndexSkipCounts, IndexStatusResult, IndexUpdateFilesParams, JobPriority } from "../../common/engine/engineProtocol";
import { languageForPath, looksBinary, looksMinified } from "../../common/index/fileFilters";
import { secretInContent, secretRulesVersion } from "../../common/index/secretRules";
import { queryTerms } from "../../common/index/keywordTokenizer";
import { chunkFieldTerms, keywordFields, unpackFields } from "../../common/index/chunkFields";
import { localize } from "../../common/localize";
import { reciprocalRankFusion, unmeasuredVectorWeight } from "../../common/index/rankFusion";
import { acquireLock } from "../../node/fileLock";
import { cancelledError } from "../scheduler";
import { IndexData, deleteIndexFiles, fileKey, loadIndex, readManifest, removeTemporaryFiles } from "./indexStore";
import type { ChunkEntry, FileEntry } from "./indexStore";
import { pdfPages } from "./pdfText";
import { checkVectors, normalise } from "./vectorCheck";
import { searchKeywordSnapshot, writeKeywordSnapshot } from "./keywordSnapshot";
import { defaultRanking } from "./keywordIndex";
import { fileAllowed, walkFolder } from "./workspaceWalker";
import type { SkipReason, WalkedFile } from "./workspaceWalker";

/** What the indexer needs from the engine's models. */
export interface EmbeddingBackend {
  /** Unit-free vectors for `texts`, in order (texts longer than the model's context are cut). */
  embed(model: string, texts: string[], priority: JobPriority, signal?: AbortSignal): Promise<number[][]>;
  /** Relevance of each document to `query` by a reranker. */
  rank?(model: string, query: string, documents: string[], signal?: AbortSignal): Promise<number[]>;
}

export const defaultMaxFileBytes = 1024 * 1024;
/** Chunks per embedding request (the engine queues a background request one text at a time, so a chat turn waits behind one text, not the batch). */
export const embedBatchSize = 16;
/** Candidates each ranking contributes to the fusion. */
const candidateCount = 50;
/** Fused results a reranker reorders. */
const rerankCount = 20;
/** Save what is done every so many files, so an interrupted build keeps most of its work. */
const saveEveryFiles = 2000;

function emptySkips(): IndexSkipCounts {
  return { ignored: 0, secret: 0, tooLarge: 0, binary: 0, minified: 0, unreadable: 0 };
}


function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The text a chunk is embedded as: where it is, then what it says. */
function chunkContext(relativePath: string, symbol: string | undefined, text: string): string {
  return `${relativePath}${symbol ? ` ${symbol}` : ""}\n${text}`;
}

interface PendingFile {
  walked: WalkedFile;
  hash: string;
  drafts: ChunkDraft[];
  vectors: Array<Float32Array | null>;
}

interface RunState {
  data: IndexData;
  model: string | null;
  signal: AbortSignal | undefined;
  onProgress: (progress: IndexProgress) => void;
  progress: IndexProgress;
  result: Omit<IndexBuildResult, "status">;
  /** Vectors of the index's chunks by content hash, to keep rather than embed again. */
  known: Map<string, Float32Array>;
  queue: PendingFile[];
  sinceSave: number;
  lastReport: number;
}

export class WorkspaceIndexes {
  private readonly loaded = new Map<string, IndexData>();

  /**
   * @param options.searchOnly this process loads indexes only to search them (`hearth search`):
   *   "once" — one query: it is answered from the index's keyword snapshot when there is one
   *   (keywordSnapshot.ts), else the index loads with its chunks' terms undecoded (indexStore.ts
   *   `deferKeywords`) and `leaveKeywordSnapshots` can write a snapshot for the next process;
   *   "many" — a batch: the whole index loads once, as in the engine.
   */
  constructor(
    private readonly backend: EmbeddingBackend,
    private readonly options: { searchOnly?: "once" | "many" } = {},
  ) {}

  // ── Writing ───────────────────────────────────────────────────────────────────────────────

  async build(params: IndexBuildParams, onProgress: (progress: IndexProgress) => void, signal?: AbortSignal): Promise<IndexBuildResult> {
    const storeDir = path.resolve(params.storeDir);
    const roots = params.roots.map((root) => path.resolve(root));
    for (const root of roots) {
      const stat = await fs.promises.stat(root).catch(() => null);
      if (!stat?.isDirectory()) {
        throw new EngineError("badRequest", localize("{0} is not a folder Hearth can index. Check the path and try again.", root));
      }
    }
    return this.withWriter(storeDir, signal, async (data) => {
      const state = this.startRun(data, params.embeddingModel, params.rebuild === true, onProgress, signal);
      data.roots = roots;
      const skipped = state.result.skipped;
      const walked: WalkedFile[] = [];
      for (const root of roots) {
        walked.push(
          ...(await walkFolder(root, {
            excludes: params.excludes ?? [],
            maxFileBytes: params.maxFileBytes ?? defaultMaxFileBytes,
            skipFolders: [storeDir],
            ...(signal ? { signal } : {}),
            onSkip: (_file, reason) => skipped[reason]++,
          })),
        );
      }
      const present = new Set(walked.map((file) => fileKey(file.root, file.path)));
      for (const key of [...data.files.keys()]) {
        if (!present.has(key) && data.removeFile(key)) state.result.filesRemoved++;
      }
      state.result.filesScanned = walked.length;
      state.progress.filesTotal = walked.length;
      await this.indexFiles(state, walked);
      if (this.checkDue(state)) await this.measureVectors(state);
      return state;
    });
  }

  async updateFiles(params: IndexUpdateFilesParams, onProgress: (progress: IndexProgress) => void, signal?: AbortSignal): Promise<IndexBuildResult> {
    const storeDir = path.resolve(params.storeDir);
    return this.withWriter(storeDir, signal, async (data) => {
      const state = this.startRun(data, undefined, false, onProgress, signal);
      const roots = params.roots?.map((root) => path.resolve(root)) ?? data.roots;
      if (params.roots) data.roots = roots;
      const excludes = params.excludes ?? [];
      const maxFileBytes = params.maxFileBytes ?? defaultMaxFileBytes;
      const rootOf = (file: string): string | undefined =>
        roots.filter((root) => file === root || file.startsWith(root + path.sep)).sort((a, b) => b.length - a.length)[0];
      for (const deleted of params.deleted.map((file) => path.resolve(file))) {
        const root = rootOf(deleted);
        if (!root) continue;
        const relative = path.relative(root, deleted).split(path.sep).join("/");
        for (const [key, entry] of [...data.files]) {
          if (entry.root === root && (entry.path === relative || entry.path.startsWith(`${relative}/`) || relative === "")) {
            if (data.removeFile(key)) state.result.filesRemoved++;
          }
        }
      }
      const candidates: WalkedFile[] = [];
      for (const changed of params.changed.map((file) => path.resolve(file))) {
        const root = rootOf(changed);
        if (!root) continue;
        const stat = await fs.promises.lstat(changed).catch(() => null);
        const relative = path.relative(root, changed).split(path.sep).join("/");
        if (!stat) {
          for (const [key, entry] of [...data.files]) {
            if (entry.root === root && (entry.path === relative || entry.path.startsWith(`${relative}/`)) && data.removeFile(key)) state.result.filesRemoved++;
          }
          continue;
        }
        if (stat.isDirectory()) {
          if (relative && !fileAllowed(root, `${relative}/x`, excludes)) continue;
          const inside = await walkFolder(changed, { excludes, maxFileBytes, skipFolders: [storeDir], ...(signal ? { signal } : {}) });
          for (const file of inside) {
            const full = relative ? `${relative}/${file.path}` : file.path;
            if (fileAllowed(root, full, excludes)) candidates.push({ ...file, root, path: full });
          }
          continue;
        }
        if (!stat.isFile()) continue;
        const key = fileKey(root, relative);
        if (!fileAllowed(root, relative, excludes)) {
          if (data.removeFile(key)) state.result.filesRemoved++;
          state.result.skipped.ignored++;
          continue;
        }
        if (stat.size > maxFileBytes) {
          if (data.removeFile(key)) state.result.filesRemoved++;
          state.result.skipped.tooLarge++;
          continue;
        }
        candidates.push({ root, absolutePath: changed, path: relative, size: stat.size, mtimeMs: stat.mtimeMs });
      }
      state.result.filesScanned = candidates.length;
      state.progress.filesTotal = candidates.length;
      await this.indexFiles(state, candidates);
      if (this.checkDue(state)) await this.measureVectors(state);
      return state;
    });
  }

  async clear(storeDir: string): Promise<{ cleared: boolean }> {
    const dir = path.resolve(storeDir);
    const exists = (await readManifest(dir)) !== null || fs.existsSync(dir);
    if (!exists) return { cleared: false };
    const lock = await acquireLock(path.join(dir, "write.lock"), { purpose: "clear the workspace index" });
    try {
      await deleteIndexFiles(dir);
      this.loaded.delete(dir);
    } finally {
      await lock.release();
    }
    return { cleared: true };
  }

  private startRun(
    data: IndexData,
    requestedModel: string | undefined,
    rebuild: boolean,
    onProgress: (progress: IndexProgress) => void,
    signal: AbortSignal | undefined,
  ): RunState {
    const model = requestedModel === undefined ? data.embeddingModel : requestedModel === "none" || requestedModel === "" ? null : requestedModel;
    if (model !== data.embeddingModel || rebuild) data.resetEmbedding(model);
    const known = new Map<string, Float32Array>(data.retired);
    for (const { chunk } of data.docs.values()) if (chunk.vector) known.set(chunk.contentHash, chunk.vector);
    return {
      data,
      model,
      signal,
      onProgress,
      progress: { kind: "index", phase: "scanning", filesTotal: 0, filesDone: 0, chunksEmbedded: 0 },
      result: {
        filesScanned: 0,
        filesIndexed: 0,
        filesUnchanged: 0,
        filesRemoved: 0,
        chunksEmbedded: 0,
        chunksReused: 0,
        skipped: emptySkips(),
      },
      known,
      queue: [],
      sinceSave: 0,
      lastReport: 0,
    };
  }

  private report(state: RunState, force = false): void {
    const now = Date.now();
    if (!force && now - state.lastReport < 100) return;
    state.lastReport = now;
    state.onProgress({ ...state.progress });
  }

  /** Holds the index's write lock around `run`, with the index loaded fresh and saved after. */
  private async withWriter(storeDir: string, signal: AbortSignal | undefined, run: (data: IndexData) => Promise<RunState>): Promise<IndexBuildResult> {
    await fs.promises.mkdir(storeDir, { recursive: true });
    const lock = await acquireLock(path.join(storeDir, "write.lock"), {
      purpose: "write the workspace index",
      timeoutMs: 10 * 60_000,
      ...(signal ? { signal } : {}),
    }).catch((error: unknown) => {
      if (signal?.aborted) throw cancelledError();
      throw error;
    });
    try {
      // The copy in memory when no one else saved since (a one-file update then reads nothing
      // but that file); otherwise the index as it is on disk.
      const manifest = await readManifest(storeDir);
      const cached = this.loaded.get(storeDir);
      let data: IndexData;
      if (cached && manifest && cached.generation === manifest.generation) {
        data = cached;
        await removeTemporaryFiles(storeDir);
      } else {
        data = (await loadIndex(storeDir, true)).data;
        this.loaded.set(storeDir, data);
      }
      let state: RunState | null = null;
      let failure: unknown = null;
      try {
        state = await run(data);
      } catch (error) {
        failure = error;
      }
      // Whatever finished (all of it, or what was done before a cancel or an error) is kept.
      if (data.hasChanges || data.generation === null) await data.save();
      if (failure) {
        if (signal?.aborted) throw cancelledError();
        throw failure;
      }
      return { ...state!.result, status: await this.statusOf(storeDir, data) };
    } finally {
      await lock.release();
    }
  }

  private async indexFiles(state: RunState, files: readonly WalkedFile[]): Promise<void> {
    const { data } = state;
    state.progress.phase = "indexing";
    this.report(state, true);
    // Built under older secret rules: every file is read again once (an unchanged file keeps its
    // vectors), so what the new rules call a secret leaves the index.
    const rulesChanged = data.secretRules !== secretRulesVersion;
    for (const walked of files) {
      if (state.signal?.aborted) throw cancelledError();
      state.progress.currentFile = walked.path;
      const key = fileKey(walked.root, walked.path);
      const existing = data.files.get(key);
      if (!rulesChanged && existing && existing.size === walked.size && existing.mtimeMs === walked.mtimeMs) {
        state.result.filesUnchanged++;
        state.progress.filesDone++;
        this.report(state);
        continue;
      }
      const read = await this.readFile(walked, state);
      if (read === null) {
        if (data.removeFile(key)) state.result.filesRemoved++;
        state.progress.filesDone++;
        continue;
      }
      if (existing && existing.hash === read.hash) {
        data.touchFile(key, walked.mtimeMs);
        state.result.filesUnchanged++;
        state.progress.filesDone++;
        continue;
      }
      const vectors = read.drafts.map((draft) => {
        if (!state.model) return null;
        const vector = state.known.get(draft.contentHash);
        if (vector) state.result.chunksReused++;
        return vector ?? null;
      });
      state.queue.push({ walked, hash: read.hash, drafts: read.drafts, vectors });
      await this.drain(state, false);
      await yieldToEventLoop();
    }
    await this.drain(state, true);
    data.secretRules = secretRulesVersion;
    state.progress.phase = "saving";
    state.progress.currentFile = undefined;
    this.report(state, true);
  }

  /**
   * Whether to measure the vectors again: there is no check for this model, or this run changed a
   * quarter of the index's files, or the index grew or shrank by a quarter since the check. A
   * one-file edit of a measured index never does.
   */
  private checkDue(state: RunState): boolean {
    const { data, result } = state;
    const check = data.vectorCheck;
    if (!state.model) return check !== null;
    if (!check || check.model !== state.model) return true;
    const changed = result.filesIndexed + result.filesRemoved;
    return changed > 0 && (changed >= data.files.size / 4 || Math.abs(data.chunkCount - check.chunks) > check.chunks / 4);
  }

  /**
   * Saves what was indexed first (the index is whole and searchable while its vectors are measured;
   * a cancel during the measure keeps it), then measures them.
   */
  private async measureVectors(state: RunState): Promise<void> {
    const { data } = state;
    if (data.hasChanges || data.generation === null) await data.save();
    state.progress.phase = "measuring";
    this.report(state, true);
    await this.checkVectors(state);
  }

  /** Measures how well the index's vectors retrieve and stores the fusion weight that follows (vectorCheck.ts). */
  private async checkVectors(state: RunState): Promise<void> {
    const { data, model } = state;
    if (!model || data.dimensions === 0 || data.chunkCount === 0) {
      if (data.vectorCheck) data.setVectorCheck(null);
      return;
    }
    const embed = async (texts: string[]): Promise<number[][]> => {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += embedBatchSize) {
        out.push(...(await this.backend.embed(model, texts.slice(i, i + embedBatchSize), "background", state.signal)));
        await yieldToEventLoop();
      }
      return out;
    };
    data.setVectorCheck(await checkVectors(data, embed, chunkContext));
  }

  /** Reads, checks and chunks one file; null when it must not be indexed. */
  private async readFile(walked: WalkedFile, state: RunState): Promise<{ hash: string; drafts: ChunkDraft[] } | null> {
    const skip = (reason: SkipReason): null => {
      state.result.skipped[reason]++;
      return null;
    };
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(walked.absolutePath);
    } catch {
      return skip("unreadable");
    }
    const hash = createHash("sha256").update(bytes).digest("hex");
    const language = languageForPath(walked.path);
    if (language === "pdf") {
      if (!bytes.subarray(0, 5).equals(Buffer.from("%PDF-"))) return skip("binary");
      try {
        const pages = await pdfPages(bytes, state.signal);
        if (pages.some((page) => secretInContent(page) !== null)) return skip("secret");
        return { hash, drafts: chunkPdfPages(walked.path, pages) };
      } catch {
        if (state.signal?.aborted) throw cancelledError();
        return skip("unreadable");
      }
    }
    if (looksBinary(bytes)) return skip("binary");
    const text = bytes.toString("utf8");
    // A private key or a token under an innocent name is a secret all the same.
    if (secretInContent(text) !== null) return skip("secret");
    if (looksMinified(walked.path, text)) return skip("minified");
    return { hash, drafts: chunkDocument(walked.path, text) };
  }

  /** Embeds queued chunks a batch at a time; files whose chunks all have vectors join the index. */
  private async drain(state: RunState, all: boolean): Promise<void> {
    const { data } = state;
    for (;;) {
      const missing: Array<{ file: PendingFile; index: number }> = [];
      if (state.model) {
        for (const file of state.queue) {
          file.vectors.forEach((vector, index) => {
            if (vector === null) missing.push({ file, index });
          });
        }
      }
      const embedNow = missing.length > 0 && (all || missing.length >= embedBatchSize);
      if (embedNow) {
        const batch = missing.slice(0, embedBatchSize);
        const texts = batch.map(({ file, index }) => chunkContext(file.walked.path, file.drafts[index]!.symbol, file.drafts[index]!.text));
        const vectors = await this.backend.embed(state.model!, texts, "background", state.signal);
        batch.forEach(({ file, index }, k) => {
          const vector = normalise(vectors[k] ?? []);
          if (data.dimensions === 0) data.dimensions = vector.length;
          if (vector.length !== data.dimensions) {
            throw new EngineError(
              "internal",
              localize("The embedding model returned vectors of {0} dimensions where the index holds {1}. Re-index the workspace.", vector.length, data.dimensions),
            );
          }
          file.vectors[index] = vector;
          state.known.set(file.drafts[index]!.contentHash, vector);
        });
        state.result.chunksEmbedded += batch.length;
        state.progress.chunksEmbedded += batch.length;
        this.report(state);
        // Between batches: anything queued meanwhile (a chat turn, a search) runs first.
        await yieldToEventLoop();
      }
      const ready = state.queue.filter((file) => file.vectors.every((vector) => vector !== null) || !state.model);
      if (ready.length > 0) {
        state.queue = state.queue.filter((file) => !ready.includes(file));
        for (const file of ready) this.commitFile(state, file);
        if (state.sinceSave >= saveEveryFiles) {
          state.sinceSave = 0;
          await data.save();
        }
      }
      if (!embedNow) return;
    }
  }

  private commitFile(state: RunState, pending: PendingFile): void {
    const { data } = state;
    const { walked } = pending;
    const language = languageForPath(walked.path);
    const chunks: ChunkEntry[] = pending.drafts.map((draft, index) => ({
      doc: data.newDoc(),
      startLine: draft.startLine,
      endLine: draft.endLine,
      ...(draft.page !== undefined ? { page: draft.page } : {}),
      ...(draft.symbol !== undefined ? { symbol: draft.symbol } : {}),
      contentHash: draft.contentHash,
      text: draft.text,
      terms: chunkFieldTerms(walked.path, draft.symbol, draft.text, language),
      vector: pending.vectors[index] ?? null,
    }));
    const entry: FileEntry = {
      root: walked.root,
      path: walked.path,
      hash: pending.hash,
      size: walked.size,
      mtimeMs: walked.mtimeMs,
      language,
      chunks,
    };
    data.putFile(entry);
    state.result.filesIndexed++;
    state.progress.filesDone++;
    state.sinceSave++;
    this.report(state);
  }

  // ── Reading ───────────────────────────────────────────────────────────────────────────────

  /** The index in memory, loaded again when another writer saved since. */
  private async current(storeDir: string): Promise<IndexData> {
    const dir = path.resolve(storeDir);
    const manifest = await readManifest(dir);
    const cached = this.loaded.get(dir);
    if (cached && manifest && cached.generation === manifest.generation) return cached;
    const { data } = await loadIndex(dir, false, { deferKeywords: this.options.searchOnly === "once" });
    this.loaded.set(dir, data);
    return data;
  }

  async status(storeDir: string): Promise<IndexStatusResult> {
    const dir = path.resolve(storeDir);
    return this.statusOf(dir, await this.current(dir));
  }

  private async statusOf(storeDir: string, data: IndexData): Promise<IndexStatusResult> {
    return {
      storeDir,
      exists: data.generation !== null,
      roots: data.roots,
      files: data.files.size,
      chunks: data.chunkCount,
      sizeBytes: data.generation !== null ? await data.diskSize() : 0,
      updatedAt: data.updatedAt,
      embeddingModel: data.embeddingModel,
      dimensions: data.dimensions,
    };
  }

  /**
   * The files the index holds as it last read them (size, modification time, content hash), for a
   * caller that compares them with the disk (`hearth mcp`'s index_status); the copy in memory
   * when it is current, as searches use.
   */
  async indexedFiles(storeDir: string): Promise<Array<Pick<FileEntry, "root" | "path" | "size" | "mtimeMs" | "hash">>> {
    const data = await this.current(storeDir);
    return [...data.files.values()].map(({ root, path: relativePath, size, mtimeMs, hash }) => ({ root, path: relativePath, size, mtimeMs, hash }));
  }

  async search(params: IndexSearchParams, signal?: AbortSignal): Promise<IndexSearchResult> {
    if (this.options.searchOnly === "once") {
      const fromSnapshot = await this.searchSnapshot(params);
      if (fromSnapshot) return fromSnapshot;
    }
    return this.searchLoaded(await this.current(params.storeDir), params, signal);
  }

  /**
   * Writes a keyword snapshot of each index this search-only process loaded whole, for the next
   * process's searches (best effort; call it after the results are out: it takes about as long as
   * the load did).
   */
  async leaveKeywordSnapshots(): Promise<void> {
    for (const data of this.loaded.values()) await writeKeywordSnapshot(data);
  }

  /**
   * A keyword search from the index's keyword snapshot (keywordSnapshot.ts), reading only the
   * query's terms and the shards of the best chunks; null when it does not apply (vectors are
   * wanted, a reranker, a path filter, the index is already in memory) or there is no snapshot.
   */
  private async searchSnapshot(params: IndexSearchParams): Promise<IndexSearchResult | null> {
    const dir = path.resolve(params.storeDir);
    if (this.loaded.has(dir) || params.rerankModel || (params.paths && params.paths.length > 0)) return null;
    const manifest = await readManifest(dir);
    if (!manifest) return null;
    const hasVectors = manifest.embeddingModel !== null && manifest.dimensions > 0;
    if (hasVectors && (params.mode ?? "hybrid") !== "keyword") return null;
    const k = Math.max(1, Math.min(params.k ?? 10, 200));
    const terms = queryTerms(params.query);
    const hits = await searchKeywordSnapshot(dir, manifest.generation, terms, k, defaultRanking);
    if (!hits) return null;
    const results = hits.map(({ file, chunk, score, matched }, index): IndexSearchHit => {
      const hit = hitFor(file, chunk, score, index + 1, null);
      if (params.explain) hit.explain = { terms: explainFromSnapshot(matched), keywordScore: score, vectorScore: null, vectorWeight: null };
      return hit;
    });
    return { results, mode: "keyword", reranked: false };
  }

  private async searchLoaded(data: IndexData, params: IndexSearchParams, signal?: AbortSignal): Promise<IndexSearchResult> {
    const k = Math.max(1, Math.min(params.k ?? 10, 200));
    const accept = pathFilter(data, params.paths);
    const hasVectors = data.embeddingModel !== null && data.dimensions > 0;
    let mode: IndexSearchMode = !hasVectors ? "keyword" : (params.mode ?? "hybrid");
    const wanted = Math.max(k, candidateCount);
    const terms = queryTerms(params.query);
    const keywordHits = mode === "vector" ? [] : data.keywords.search(terms, wanted, accept);
    let vectorHits: Array<{ doc: number; score: number }> = [];
    if (mode !== "keyword" && params.query.trim()) {
      try {
        const [raw] = await this.backend.embed(data.embeddingModel!, [params.query], "interactive", signal);
        vectorHits = vectorSearch(data, normalise(raw ?? []), wanted, accept);
      } catch (error) {
        // The index's embedding model is gone (removed, moved): a hybrid search still answers by
        // keywords (the result says so); an explicit vector search cannot.
        if (signal?.aborted || mode === "vector") throw error;
        mode = "keyword";
      }
    }
    let ranked: Array<{ doc: number; score: number; keywordRank: number | null; vectorRank: number | null }>;
    const vectorWeight = data.vectorCheck?.weight ?? unmeasuredVectorWeight;
    if (mode === "hybrid") {
      ranked = reciprocalRankFusion([keywordHits.map((hit) => hit.doc), vectorHits.map((hit) => hit.doc)], 60, [1, vectorWeight]).map((item) => ({
        doc: item.key,
        score: item.score,
        keywordRank: item.ranks[0] ?? null,
        vectorRank: item.ranks[1] ?? null,
      }));
    } else if (mode === "keyword") {
      ranked = keywordHits.map((hit, index) => ({ ...hit, keywordRank: index + 1, vectorRank: null }));
    } else {
      ranked = vectorHits.map((hit, index) => ({ ...hit, keywordRank: null, vectorRank: index + 1 }));
    }
    let reranked = false;
    if (params.rerankModel && this.backend.rank && ranked.length > 1) {
      const head = ranked.slice(0, Math.max(k, rerankCount)).filter(({ doc }) => data.docs.has(doc));
      const scores = await this.backend.rank(
        params.rerankModel,
        params.query,
        head.map(({ doc }) => data.docs.get(doc)!.chunk.text),
        signal,
      );
      const rescored = head.map((item, index) => ({ ...item, score: scores[index] ?? 0 }));
      rescored.sort((a, b) => b.score - a.score);
      ranked = [...rescored, ...ranked.slice(head.length)];
      reranked = true;
    }
    // A build in this process may have replaced a file while the query was embedded or reranked.
    ranked = ranked.filter(({ doc }) => data.docs.has(doc));
    const results = ranked.slice(0, k).map(({ doc, score, keywordRank, vectorRank }) => {
      const hit = hitOf(data, doc, score, keywordRank, vectorRank);
      if (params.explain) {
        hit.explain = {
          terms: data.keywords.explain(doc, terms),
          keywordScore: keywordRank !== null ? keywordHits[keywordRank - 1]!.score : null,
          vectorScore: vectorRank !== null ? vectorHits[vectorRank - 1]!.score : null,
          vectorWeight: mode === "hybrid" ? vectorWeight : null,
        };
      }
      return hit;
    });
    return { results, mode, reranked, ...(mode === "hybrid" ? { vectorWeight } : {}) };
  }

  /** The `k` chunks nearest `vector` (a vector from the index's embedding model), best first. */
  async searchByVector(storeDir: string, vector: readonly number[], k: number, paths?: readonly string[]): Promise<IndexSearchHit[]> {
    const data = await this.current(storeDir);
    if (data.dimensions === 0) return [];
    if (vector.length !== data.dimensions) {
      throw new EngineError(
        "badRequest",
        localize("The embedding model returned vectors of {0} dimensions where the index holds {1}. Re-index the workspace.", vector.length, data.dimensions),
      );
    }
    return vectorSearch(data, normalise(vector), k, pathFilter(data, paths)).map(({ doc, score }, index) => hitOf(data, doc, score, null, index + 1));
  }
}

/** Which fields each matched term is in (from its packed counts) and its share of the score, best first. */
function explainFromSnapshot(matched: ReadonlyArray<readonly [string, number, number]>): IndexMatchExplanation["terms"] {
  return [...matched].sort((a, b) => b[2] - a[2]).map(([term, packed, score]) => {
    const fields: IndexMatchExplanation["terms"][number]["fields"] = {};
    unpackFields(packed).forEach((count, f) => {
      if (count > 0) fields[keywordFields[f]!] = count;
    });
    return { term, fields, score };
  });
}

function hitOf(data: IndexData, doc: number, score: number, keywordRank: number | null, vectorRank: number | null): IndexSearchHit {
  const { file, chunk } = data.docs.get(doc)!;
  return hitFor(file, chunk, score, keywordRank, vectorRank);
}

/** A search result for one chunk of one file. */
function hitFor(
  file: { root: string; path: string; language: string },
  chunk: { startLine: number; endLine: number; page?: number; symbol?: string; text: string },
  score: number,
  keywordRank: number | null,
  vectorRank: number | null,
): IndexSearchHit {
  return {
    root: file.root,
    path: file.path,
    absolutePath: path.join(file.root, ...file.path.split("/")),
    startLine: chunk.startLine,
    endLine: chunk.endLine,
    ...(chunk.page !== undefined ? { page: chunk.page } : {}),
    language: file.language,
    ...(chunk.symbol !== undefined ? { symbol: chunk.symbol } : {}),
    score,
    text: chunk.text,
    keywordRank,
    vectorRank,
  };
}

/** Accepts documents of files under one of `paths` (absolute, or relative to a root). */
function pathFilter(data: IndexData, paths: readonly string[] | undefined): ((doc: number) => boolean) | undefined {
  if (!paths || paths.length === 0) return undefined;
  const prefixes = paths.map((p) => p.replace(/\\/g, "/").replace(/\/+$/, ""));
  const matches = (file: FileEntry): boolean => {
    const absolute = path.join(file.root, file.path).replace(/\\/g, "/");
    return prefixes.some(
      (prefix) =>
        prefix === "" ||
        prefix === "." ||
        file.path === prefix ||
        file.path.startsWith(`${prefix}/`) ||
        absolute === prefix ||
        absolute.startsWith(`${prefix}/`),
    );
  };
  const cache = new Map<FileEntry, boolean>();
  return (doc) => {
    const file = data.docs.get(doc)?.file;
    if (!file) return false;
    let ok = cache.get(file);
    if (ok === undefined) {
      ok = matches(file);
      cache.set(file, ok);
    }
    return ok;
  };
}

/** The `limit` chunks nearest `query` (unit vectors: the dot product is the cosine), best first. */
export function vectorSearch(data: IndexData, query: Float32Array, limit: number, accept?: (doc: number) => boolean): Array<{ doc: number; score: number }> {
  const top: Array<{ doc: number; score: number }> = [];
  const dimensions = query.length;
  for (const [doc, { chunk }] of data.docs) {
    const vector = chunk.vector;
    if (!vector || vector.length !== dimensions) continue;
    let score = 0;
    for (let d = 0; d < dimensions; d++) score += vector[d]! * query[d]!;
    if (top.length === limit && score <= top[top.length - 1]!.score) continue;
    if (accept && !accept(doc)) continue;
    let at = top.length;
    while (at > 0 && top[at - 1]!.score < score) at--;
    top.splice(at, 0, { doc, score });
    if (top.length > limit) top.pop();
  }
  return top;
}
