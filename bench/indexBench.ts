// Workspace index benchmarks, printed as ratios against baselines measured in the same run:
//  1. indexing throughput over a real folder (this repository's src/, or HEARTH_BENCH_INDEX_DIR)
//     vs raw embedding throughput of the same chunks (engine.embed in the same batch size);
//  2. re-index after a one-file change vs the full index;
//  3. query latency at 10k chunks (and 100k with HEARTH_BENCH_100K=1; HEARTH_BENCH_ONLY=query runs
//     this part alone) vs a plain Float32Array
//     dot-product scan of the same vectors, for the vector ranking alone and for a whole hybrid
//     search (keyword + vector + fusion); with the index's save and load times, its size on disk
//     and the RSS a load adds (the vectors are its floor);
//  4. peak RSS while indexing;
//  5. chat time-to-first-token while indexing vs idle (same engine, same model): from a client with
//     no warning that sends its next request as the last answer ends (an agent's loop), one that
//     arrives at a random moment (an API client at a person's pace), and Hearth's chat view, whose
//     composer holds indexing while the user types.
// The models are the ones HEARTH_BENCH_SIZE picks (bench/support/benchSupport.ts: the fixture BERT, or
// the bge-small shape at the physical cores), unless HEARTH_BENCH_EMBED_MODEL names a .gguf. With
// realistic shapes the folder is, by default, Go's cobra from the public retrieval corpus (built by
// bench/retrieval; 19 files), since embedding all of a large folder takes many minutes on a CPU.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { keywordTerms } from "../src/common/index/keywordTokenizer";
import { IndexData, loadIndex } from "../src/engine/index/indexStore";
import { llamaEmbeddingBackend } from "../src/engine/index/llamaEmbeddingBackend";
import { WorkspaceIndexes, embedBatchSize, vectorSearch } from "../src/engine/index/workspaceIndexes";
import type { EmbeddingBackend } from "../src/engine/index/workspaceIndexes";
import { readShard } from "../src/engine/index/vectraShard";
import { LlamaEngine } from "../src/engine/llama/llamaEngine";
import { ensureFixtureModels } from "../test/fixtures/fixtureModels";
import { composingHoldMs } from "../src/common/webviewProtocol";
import { followUpHoldMs } from "../src/engine/scheduler";
import { benchModels, median } from "./support/benchSupport";

const repoRoot = path.resolve(__dirname, "..");
const corpusRoot = process.env.HEARTH_RETRIEVAL_CORPUS || path.join(os.homedir(), ".cache", "hearth-retrieval-corpus");
const publicFolder = path.join(corpusRoot, "repos", "cobra");
const sourceDir =
  process.env.HEARTH_BENCH_INDEX_DIR ??
  (process.env.HEARTH_BENCH_SIZE === "realistic" && fs.existsSync(publicFolder) ? publicFolder : path.join(repoRoot, "src"));
const queries = Number(process.env.HEARTH_BENCH_QUERIES) || 30;
/** How long the bench's user types a chat message after the first keystroke's hint (ms). */
const typingMs = Number(process.env.HEARTH_BENCH_TYPING_MS) || 1000;

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

function unitVector(random: () => number, dimensions: number): Float32Array {
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let d = 0; d < dimensions; d++) {
    vector[d] = random();
    norm += vector[d]! * vector[d]!;
  }
  norm = Math.sqrt(norm);
  for (let d = 0; d < dimensions; d++) vector[d]! /= norm;
  return vector;
}

async function main(): Promise<void> {
  const sizes = process.env.HEARTH_BENCH_100K === "1" ? [10_000, 100_000] : [10_000];
  if (process.env.HEARTH_BENCH_ONLY === "query") {
    for (const size of sizes) await queryBench(size);
    return;
  }
  if (process.env.HEARTH_BENCH_SIZE === "realistic" && !process.env.HEARTH_BENCH_INDEX_DIR && sourceDir !== publicFolder) {
    console.log(
      `note: ${publicFolder} is missing, so this run indexes Hearth's own src/, which is not public data; ` +
        "build the public corpus first (npx tsx bench/retrieval/buildCorpus.ts, about a minute) to measure on Go's cobra",
    );
  }
  const models = await benchModels();
  const embedModel = process.env.HEARTH_BENCH_EMBED_MODEL ?? models.embedding;
  console.log(`Hearth index benchmark — ${models.label}; embedding model ${path.basename(embedModel)}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-bench-index-"));
  const engine = new LlamaEngine({ defaultThreads: Number(process.env.HEARTH_THREADS) || models.threads, gpu: false, storeRoot: path.join(tmp, "store") });
  try {
    // A copy of the folder, so the one-file change does not touch the real one.
    const workspace = path.join(tmp, "workspace");
    fs.cpSync(sourceDir, workspace, { recursive: true });
    const storeDir = path.join(tmp, "index");
    const backend = llamaEmbeddingBackend(engine);
    await backend.embed(embedModel, ["warm up"], "background"); // load the model outside the timings
    const indexes = new WorkspaceIndexes(backend);

    // 1 and 4: full index, with peak RSS sampled.
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    const fullStart = performance.now();
    // The index is saved and searchable when the vector check (a few dozen probe embeddings, once
    // per index) starts: the "measuring" phase.
    let searchableMs = 0;
    const full = await indexes.build({ roots: [workspace], storeDir, embeddingModel: embedModel }, (progress) => {
      if (progress.phase === "measuring" && searchableMs === 0) searchableMs = performance.now() - fullStart;
    });
    const fullMs = performance.now() - fullStart;
    if (searchableMs === 0) searchableMs = fullMs;
    clearInterval(sampler);
    const chunks = full.status.chunks;

    // The same chunks, embedded raw in the same batch size.
    const { data: loaded } = await loadIndex(storeDir, false);
    const texts = [...loaded.docs.values()].map(({ file, chunk }) => `${file.path}${chunk.symbol ? ` ${chunk.symbol}` : ""}\n${chunk.text}`);
    const rawStart = performance.now();
    for (let i = 0; i < texts.length; i += embedBatchSize) await backend.embed(embedModel, texts.slice(i, i + embedBatchSize), "background");
    const rawMs = performance.now() - rawStart;
    const indexChunksPerSecond = chunks / (fullMs / 1000);
    const rawChunksPerSecond = texts.length / (rawMs / 1000);
    console.log(
      `index ${full.filesIndexed} files / ${chunks} chunks of ${path.relative(repoRoot, sourceDir) || sourceDir} in ${(fullMs / 1000).toFixed(1)} s: ` +
        `${(full.filesIndexed / (fullMs / 1000)).toFixed(1)} files/s, ${indexChunksPerSecond.toFixed(1)} chunks/s; raw embedding ${rawChunksPerSecond.toFixed(1)} chunks/s`,
    );
    const searchableChunksPerSecond = chunks / (searchableMs / 1000);
    console.log(
      `  ratio indexing/raw embedding throughput, until the index is saved and searchable (${(searchableMs / 1000).toFixed(1)} s): ${(searchableChunksPerSecond / rawChunksPerSecond).toFixed(2)} (target >= 0.9)`,
    );
    console.log(
      `  ratio indexing/raw embedding throughput, with the vector check after it (${((fullMs - searchableMs) / 1000).toFixed(1)} s, ${loaded.vectorCheck?.probes ?? 0} probes): ${(indexChunksPerSecond / rawChunksPerSecond).toFixed(2)}`,
    );
    console.log(`  peak RSS while indexing: ${(peakRss / 1024 / 1024).toFixed(0)} MB`);

    // 2: one file changed.
    const victim = [...loaded.files.values()].sort((a, b) => b.chunks.length - a.chunks.length)[0]!;
    fs.appendFileSync(path.join(workspace, ...victim.path.split("/")), "\n// changed for the benchmark\n");
    const incStart = performance.now();
    const incremental = await indexes.build({ roots: [workspace], storeDir }, () => undefined);
    const incMs = performance.now() - incStart;
    console.log(
      `re-index after changing ${victim.path}: ${incMs.toFixed(0)} ms (${incremental.filesIndexed} file read, ${incremental.chunksEmbedded} chunks embedded) vs full ${fullMs.toFixed(0)} ms`,
    );
    console.log(`  ratio one-file re-index/full index: ${((incMs / fullMs) * 100).toFixed(2)}% (target <= 2%)`);

    // 5: chat first token, idle vs while a (re-)index runs in the same engine; before the query
    // part, whose synthetic indexes leave hundreds of MB for the collector to sweep during the turns.
    await chatWhileIndexing(engine, models.size === "realistic" ? models.chat : (await ensureFixtureModels()).llama, indexes, workspace, storeDir, embedModel, rawMs / texts.length);

    // 3: query latency on synthetic vectors at 10k (and 100k) chunks.
    for (const size of sizes) await queryBench(size);
  } finally {
    await engine.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function queryBench(size: number): Promise<void> {
  const dimensions = 384;
  const random = seeded(size);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-bench-query-"));
  const data = new IndexData(dir);
  data.embeddingModel = "bench";
  data.dimensions = dimensions;
  const flat = new Float32Array(size * dimensions);
  const words = ["parse", "config", "server", "index", "query", "token", "render", "model", "chat", "file", "path", "cache"];
  const filesCount = Math.ceil(size / 10);
  let n = 0;
  for (let f = 0; f < filesCount && n < size; f++) {
    const chunks = [];
    for (let c = 0; c < 10 && n < size; c++, n++) {
      const vector = unitVector(random, dimensions);
      flat.set(vector, n * dimensions);
      const text = `function ${words[n % words.length]}${words[(n * 7) % words.length]}${n}() { return ${words[(n * 3) % words.length]}; }`;
      const terms = new Map<string, number>();
      for (const term of keywordTerms(text)) terms.set(term, (terms.get(term) ?? 0) + 1);
      chunks.push({ doc: data.newDoc(), startLine: c * 3 + 1, endLine: c * 3 + 3, contentHash: String(n), text, terms: [...terms], vector });
    }
    data.putFile({ root: "/bench", path: `src/file${f}.ts`, hash: String(f), size: 1, mtimeMs: 0, language: "typescript", chunks });
  }
  const queryVectors = Array.from({ length: queries }, () => unitVector(random, dimensions));
  const k = 50;
  const scanMs: number[] = [];
  const indexMs: number[] = [];
  const hybridMs: number[] = [];
  // The floor: one pass over a flat Float32Array keeping the top k.
  const plainScan = (query: Float32Array): number[] => {
    const top: Array<{ i: number; s: number }> = [];
    for (let i = 0; i < size; i++) {
      let s = 0;
      const base = i * dimensions;
      for (let d = 0; d < dimensions; d++) s += flat[base + d]! * query[d]!;
      if (top.length === k && s <= top[k - 1]!.s) continue;
      let at = top.length;
      while (at > 0 && top[at - 1]!.s < s) at--;
      top.splice(at, 0, { i, s });
      if (top.length > k) top.pop();
    }
    return top.map((t) => t.i);
  };
  let vectorAt = 0;
  const fakeBackend: EmbeddingBackend = { embed: async () => [[...queryVectors[vectorAt % queries]!]] };
  // Saved, loaded and searched as the engine would.
  await readShard(path.join(dir, "warm-up")); // vectra's module loads outside the timings
  const saveStart = performance.now();
  await data.save();
  const saveMs = performance.now() - saveStart;
  const diskBytes = await data.diskSize();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
  const loadStart = performance.now();
  const loaded = await loadIndex(dir, false);
  const loadMs = performance.now() - loadStart;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if (loaded.data.chunkCount !== size) throw new Error(`loaded ${loaded.data.chunkCount} of ${size} chunks`);
  console.log(
    `index of ${size} chunks × ${dimensions}-d: save ${saveMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms, ${(diskBytes / 1e6).toFixed(1)} MB on disk ` +
      `(vectors alone ${((size * dimensions * 4) / 1e6).toFixed(1)} MB), load peak RSS +${((peakRss - rssBefore) / 1048576).toFixed(0)} MB (peak ${(peakRss / 1048576).toFixed(0)} MB)`,
  );
  const indexes = new WorkspaceIndexes(fakeBackend);
  for (let round = 0; round < 2; round++) {
    for (let q = 0; q < queries; q++) {
      const query = queryVectors[q]!;
      let start = performance.now();
      const floor = plainScan(query);
      const scan = performance.now() - start;
      start = performance.now();
      const ours = vectorSearch(loaded.data, query, k);
      const mine = performance.now() - start;
      vectorAt = q;
      start = performance.now();
      await indexes.search({ storeDir: data.storeDir, query: `${words[q % words.length]} ${words[(q + 5) % words.length]}`, k: 10 });
      const hybrid = performance.now() - start;
      if (round === 1) {
        scanMs.push(scan);
        indexMs.push(mine);
        hybridMs.push(hybrid);
        if (ours[0]?.score === undefined || floor.length !== ours.length) throw new Error("vector search disagrees with the scan");
      }
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const floor = median(scanMs);
  console.log(
    `query at ${size} chunks × ${dimensions}-d (median of ${queries}): plain Float32Array scan ${floor.toFixed(2)} ms, index vector ranking ${median(indexMs).toFixed(2)} ms, whole hybrid search ${median(hybridMs).toFixed(2)} ms`,
  );
  console.log(`  ratio vector ranking/plain scan: ${(median(indexMs) / floor).toFixed(2)}; hybrid search/plain scan: ${(median(hybridMs) / floor).toFixed(2)} (target <= 2)`);
}

async function chatWhileIndexing(
  engine: LlamaEngine,
  llamaPath: string,
  indexes: WorkspaceIndexes,
  workspace: string,
  storeDir: string,
  embedModel: string,
  perTextEmbedMs: number,
): Promise<void> {
  const info = await engine.loadModel({ model: llamaPath });
  // Each turn is a new question (its number first), so its prompt is evaluated as a chat turn's
  // would be rather than answered from the KV cache of the turn before.
  let turn = 0;
  const question = " Where does the indexer decide which files to skip, and why does it read the ignore files first?".repeat(3);
  const firstToken = async (): Promise<number> => {
    const start = performance.now();
    let first = -1;
    turn++;
    await engine.generate({ modelId: info.modelId, prompt: `Question ${turn}:${question}`, mode: "completion", options: { maxTokens: 4, temperature: 0, seed: 1 } }, () => {
      if (first < 0) first = performance.now() - start;
    });
    return first;
  };
  await firstToken();
  const idle: number[] = [];
  for (let i = 0; i < 5; i++) idle.push(await firstToken());
  const busy: number[] = [];
  const atRandom: number[] = [];
  const fromView: number[] = [];
  const build = indexes.build({ roots: [workspace], storeDir, embeddingModel: embedModel, rebuild: true }, () => undefined);
  let building = true;
  void build.finally(() => (building = false));
  await new Promise((resolve) => setTimeout(resolve, 200));
  // A client with no warning that sends its next request as the last answer ends (an agent's tool
  // loop, the next step of a plan): the engine holds background work for followUpHoldMs after an
  // interactive job, so from the second turn on no embedding is in the way.
  while (building && busy.length < 5) busy.push(await firstToken());
  // A client with no warning at a person's pace (the HTTP API from another editor, @hearth): the
  // follow-up hold has ended and the indexer is embedding; the request arrives at a random moment
  // of an embedding, so it waits for what is left of it (half an embedding on average).
  while (building && atRandom.length < 5) {
    await new Promise((resolve) => setTimeout(resolve, followUpHoldMs + Math.random() * 2 * perTextEmbedMs));
    if (!building) break;
    atRandom.push(await firstToken());
  }
  // Hearth's chat view: the composer tells the engine the user is typing (on the first keystroke,
  // then every composingHintMs), and no embedding starts until the message is sent. Each turn: the
  // indexer is embedding (the hold ended, 300 ms ago), the user starts typing, sends after a second
  // (any message takes longer to type), and the first token is timed from the send.
  while (building && fromView.length < 5) {
    engine.scheduler.holdBackground(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    engine.scheduler.holdBackground(composingHoldMs);
    await new Promise((resolve) => setTimeout(resolve, typingMs));
    if (!building) break;
    fromView.push(await firstToken());
  }
  engine.scheduler.holdBackground(0);
  await build;
  if (busy.length === 0) {
    console.log("chat first token while indexing: the index finished before a turn could be measured");
    return;
  }
  const report = (what: string, times: number[], target = ""): void => {
    if (times.length === 0) {
      console.log(`  ${what}: the index finished before a turn could be measured`);
      return;
    }
    const added = median(times) - median(idle);
    console.log(
      `  ratio first token while indexing/idle, ${what}: ${(median(times) / median(idle)).toFixed(2)}${target} (median of ${times.length} turns ${median(times).toFixed(1)} ms, worst ${Math.max(...times).toFixed(1)} ms; added ${added.toFixed(1)} ms = ${(added / perTextEmbedMs).toFixed(2)} × one text's embedding)`,
    );
  };
  console.log(
    `chat first token idle ${median(idle).toFixed(1)} ms (one text's embedding ${perTextEmbedMs.toFixed(1)} ms; indexing queues its embeddings one text at a time, ${embedBatchSize} per batch)`,
  );
  report(`a client with no warning, next request as the last answer ends (an agent's loop; held ${followUpHoldMs} ms after each answer)`, busy);
  report("a client with no warning at a random moment of indexing (API at a person's pace)", atRandom);
  report(`Hearth's chat view (the composer's typing hint, sent ${typingMs} ms before the message)`, fromView, " (target <= 1.2)");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
