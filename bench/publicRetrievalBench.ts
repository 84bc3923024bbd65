// Public retrieval benchmark (issue 16): retrieval over code nobody on Hearth wrote, ten pinned
// repositories in five languages (bench/retrieval/corpusManifest.json). Each query is the first
// sentence of a function's doc comment (blanked in the indexed copy) or a hand-written question; a
// hit is a result whose line range overlaps the answer. Prints MRR@10 and recall@1/5/10 per language
// for Hearth keyword-only (its real chunker, tokenizer and BM25 index), beside a naive BM25 over
// fixed 40-line windows measured in the same run; then vector-only and hybrid on a slice of each
// repository (embedding every chunk is slow on a CPU). Builds the corpus first when it is missing
// or stale (network: the Debian archive and the npm registry). Figures, not pass/fail.
// Env: HEARTH_RETRIEVAL_CORPUS (corpus folder), HEARTH_BENCH_REPOS (ids, comma-separated),
// HEARTH_BENCH_VECTOR_LINES (lines per repository in the vector slice; 0 skips it),
// HEARTH_BENCH_EMBED_MODEL (a real .gguf embedder instead of the fixture), HEARTH_BENCH_VERBOSE=1,
// HEARTH_BENCH_CLI=0 (skip the CLI timings: the built CLI's search against its bare start-up, and
// batch queries per second).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { IndexSearchMode } from "../src/common/engine/engineProtocol";
import { llamaEmbeddingBackend } from "../src/engine/index/llamaEmbeddingBackend";
import { WorkspaceIndexes } from "../src/engine/index/workspaceIndexes";
import type { EmbeddingBackend } from "../src/engine/index/workspaceIndexes";
import type { VectorCheck } from "../src/engine/index/indexStore";
import { LlamaEngine } from "../src/engine/llama/llamaEngine";
import { ensureFixtureModels } from "../test/fixtures/fixtureModels";
import { NaiveBm25 } from "./retrieval/naiveBm25";
import type { BenchQuery, BuiltCorpus, BuiltRepository } from "./retrieval/publicCorpus";
import { builtCorpusPath, corpusRoot, corpusSignature, repositoryDir } from "./retrieval/publicCorpus";
import { firstHitRank, scoreRanks } from "./retrieval/retrievalMetrics";
import type { RetrievalScores } from "./retrieval/retrievalMetrics";

type System = "bm25-40" | IndexSearchMode;
const languages = ["typescript", "python", "java", "go", "rust"] as const;

function loadCorpus(): BuiltCorpus | null {
  const root = corpusRoot();
  const read = (): BuiltCorpus | null => {
    try {
      const corpus = JSON.parse(fs.readFileSync(builtCorpusPath(root), "utf8")) as BuiltCorpus;
      return corpus.signature === corpusSignature() ? corpus : null;
    } catch {
      return null;
    }
  };
  const current = read();
  if (current) return current;
  console.log(`The corpus in ${root} is missing or stale: building it (bench/retrieval/buildCorpus.ts).`);
  const built = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "retrieval", "buildCorpus.ts")], { stdio: "inherit" });
  return built.status === 0 ? read() : null;
}

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, base));
    else out.push(path.relative(base, full).split(path.sep).join("/"));
  }
  return out.sort();
}

/** Ranks of each query's first hit for each system over the folder `dir`. */
async function measure(
  indexes: WorkspaceIndexes,
  dir: string,
  queries: readonly BenchQuery[],
  modes: readonly IndexSearchMode[],
  embeddingModel: string,
  tmp: string,
  verbose: string,
): Promise<{ ranks: Map<System, Array<number | null>>; chunks: number; indexMs: number; check: VectorCheck | null }> {
  const ranks = new Map<System, Array<number | null>>();
  const bm25 = new NaiveBm25();
  for (const file of listFiles(dir)) bm25.addFile(file, fs.readFileSync(path.join(dir, file), "utf8"));
  ranks.set("bm25-40", queries.map((q) => firstHitRank(bm25.search(q.query, 10), q)));
  const storeDir = fs.mkdtempSync(path.join(tmp, "index-"));
  const started = Date.now();
  const built = await indexes.build({ roots: [dir], storeDir, embeddingModel }, () => undefined);
  const indexMs = Date.now() - started;
  const check = (JSON.parse(fs.readFileSync(path.join(storeDir, "index.json"), "utf8")) as { vectorCheck?: VectorCheck }).vectorCheck ?? null;
  for (const mode of modes) {
    const list: Array<number | null> = [];
    for (const q of queries) {
      const { results } = await indexes.search({ storeDir, query: q.query, k: 10, mode });
      const rank = firstHitRank(results, q);
      list.push(rank);
      if (verbose && mode === "keyword" && rank === null) {
        console.log(`      miss ${verbose}: "${q.query}" → ${q.path}:${q.startLine}-${q.endLine}; got ${results.slice(0, 3).map((r) => `${r.path}:${r.startLine}-${r.endLine}${r.symbol ? ` (${r.symbol})` : ""}`).join(", ")}`);
      }
    }
    ranks.set(mode, list);
  }
  fs.rmSync(storeDir, { recursive: true, force: true });
  return { ranks, chunks: built.status.chunks, indexMs, check };
}

function row(label: string, scores: RetrievalScores, baseline?: RetrievalScores): string {
  const ratio = baseline && baseline.mrr10 > 0 ? `${(scores.mrr10 / baseline.mrr10).toFixed(2)}×` : "";
  return `  ${label.padEnd(22)} ${String(scores.queries).padStart(5)}  MRR@10 ${scores.mrr10.toFixed(3)}  R@1 ${scores.recall1.toFixed(3)}  R@5 ${scores.recall5.toFixed(3)}  R@10 ${scores.recall10.toFixed(3)}  ${ratio}`;
}

function printTable(title: string, systems: readonly System[], perRepo: Map<string, Map<System, Array<number | null>>>, repos: readonly BuiltRepository[], kinds: ReadonlyArray<BenchQuery["kind"]>, queriesOf: (repo: BuiltRepository) => readonly BenchQuery[]): void {
  console.log(`\n${title}`);
  const languageMrr = new Map<System, number[]>();
  for (const language of languages) {
    const inLanguage = repos.filter((repo) => repo.language === language && perRepo.has(repo.id));
    if (inLanguage.length === 0) continue;
    const pooled = new Map<System, Array<number | null>>();
    for (const repo of inLanguage) {
      const queries = queriesOf(repo);
      const ranks = perRepo.get(repo.id)!;
      for (const system of systems) {
        const list = ranks.get(system) ?? [];
        pooled.set(system, [...(pooled.get(system) ?? []), ...list.filter((_, i) => kinds.includes(queries[i]!.kind))]);
      }
    }
    console.log(` ${language} (${inLanguage.map((repo) => repo.id).join(", ")})`);
    const baseline = scoreRanks(pooled.get("bm25-40")!);
    for (const system of systems) {
      const scores = scoreRanks(pooled.get(system)!);
      console.log(row(system === "bm25-40" ? "naive BM25, 40 lines" : `Hearth ${system}`, scores, system === "bm25-40" ? undefined : baseline));
      languageMrr.set(system, [...(languageMrr.get(system) ?? []), scores.mrr10]);
    }
  }
  const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const base = mean(languageMrr.get("bm25-40") ?? []);
  console.log(
    ` mean over languages: ${systems.map((system) => `${system} ${mean(languageMrr.get(system) ?? []).toFixed(3)}${system === "bm25-40" ? "" : ` (${(mean(languageMrr.get(system) ?? []) / (base || 1)).toFixed(2)}×)`}`).join(", ")}`,
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Wall-clock milliseconds of one `hearth` run (the built CLI), failing loudly. */
function runCli(cli: string, args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [cli, ...args], { env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`hearth ${args.join(" ")} failed (${run.status}): ${run.stderr}`);
  return ms;
}

/**
 * Issue 16, item 5: the built CLI over one keyword index of every repository selected (about 900
 * files with all ten): a single `hearth search` against the CLI's bare start-up (`hearth
 * --version`; target ≤ 2×), and `--queries FILE` with every doc-comment query, in queries per second.
 */
function cliTimings(root: string, repos: readonly BuiltRepository[], tmp: string): void {
  const cli = path.resolve(__dirname, "..", "dist", "cli.js");
  const esbuild = path.resolve(__dirname, "..", "esbuild.mjs");
  const built = spawnSync(process.execPath, [esbuild], { cwd: path.dirname(esbuild), encoding: "utf8" });
  if (built.status !== 0 || !fs.existsSync(cli)) {
    console.log(`\nCLI timings skipped: the CLI did not build (${built.stderr.slice(0, 200)}).`);
    return;
  }
  const folder = path.join(tmp, "cli-corpus");
  for (const repo of repos) fs.cpSync(repositoryDir(root, repo.id), path.join(folder, repo.id), { recursive: true });
  const env = { ...process.env, HEARTH_HOME: path.join(tmp, "cli-home") };
  const indexMs = runCli(cli, ["index", folder, "--embedding-model", "none", "--json"], env);
  const queries = repos.flatMap((repo) => repo.queries.filter((q) => q.kind === "doc").map((q) => q.query));
  const rounds = 7;
  runCli(cli, ["--version"], env); // warm the file cache
  const startup = median(Array.from({ length: rounds }, () => runCli(cli, ["--version"], env)));
  // The first search after an index update loads the whole index and leaves a keyword snapshot
  // (keywordSnapshot.ts); the searches after it read only their terms.
  const first = runCli(cli, ["search", queries[0]!, "--path", folder, "--k", "10"], env);
  const single = median(Array.from({ length: rounds }, (_, i) => runCli(cli, ["search", queries[(i * 37 + 1) % queries.length]!, "--path", folder, "--k", "10"], env)));
  const queriesFile = path.join(tmp, "queries.txt");
  fs.writeFileSync(queriesFile, `${queries.join("\n")}\n`);
  const batchMs = runCli(cli, ["search", "--queries", queriesFile, "--path", folder, "--k", "10"], env);
  console.log(`\nCLI (dist/cli.js) over one keyword index of ${repos.length} repositories (${repos.reduce((sum, repo) => sum + repo.files, 0)} files; built in ${(indexMs / 1000).toFixed(1)} s), median of ${rounds}:`);
  console.log(`  bare start-up (hearth --version) ${startup.toFixed(0)} ms; one search ${single.toFixed(0)} ms (the first after the index changed, which writes the keyword snapshot: ${first.toFixed(0)} ms)`);
  console.log(`  ratio one search/bare start-up: ${(single / startup).toFixed(2)} (target <= 2)`);
  console.log(`  batch: ${queries.length} queries with --queries in ${(batchMs / 1000).toFixed(2)} s = ${((queries.length * 1000) / batchMs).toFixed(1)} queries/s (${((batchMs - single) / Math.max(1, queries.length - 1)).toFixed(1)} ms a query after the first)`);
}

async function main(): Promise<void> {
  const corpus = loadCorpus();
  if (!corpus) {
    console.log("No public corpus (building it needs the Debian archive and the npm registry): skipped. Build it with `npx tsx bench/retrieval/buildCorpus.ts`.");
    return;
  }
  const only = process.env.HEARTH_BENCH_REPOS?.split(",").map((id) => id.trim());
  const repos = corpus.repositories.filter((repo) => !only || only.includes(repo.id));
  const verbose = process.env.HEARTH_BENCH_VERBOSE === "1";
  const sliceLines = process.env.HEARTH_BENCH_VECTOR_LINES === undefined ? 1500 : Number(process.env.HEARTH_BENCH_VECTOR_LINES);
  const root = corpusRoot();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-bench-public-"));
  let engine: LlamaEngine | null = null;
  try {
    // Keyword-only over each whole repository: no embedding model, so nothing loads.
    const noEmbedder: EmbeddingBackend = {
      embed: () => Promise.reject(new Error("keyword-only")),
    };
    const keywordIndexes = new WorkspaceIndexes(noEmbedder);
    const whole = new Map<string, Map<System, Array<number | null>>>();
    const total = repos.reduce((sum, repo) => sum + repo.queries.length, 0);
    console.log(`Public retrieval: ${repos.length} repositories, ${total} queries (${repos.reduce((s, r) => s + r.queries.filter((q) => q.kind === "hand").length, 0)} hand-written), corpus ${root}`);
    for (const repo of repos) {
      const { ranks, chunks, indexMs } = await measure(keywordIndexes, repositoryDir(root, repo.id), repo.queries, ["keyword"], "none", tmp, verbose ? repo.id : "");
      whole.set(repo.id, ranks);
      console.log(`  ${repo.id.padEnd(15)} ${repo.files} files, ${repo.lines} lines → ${chunks} chunks (keyword index ${indexMs} ms); MRR@10 keyword ${scoreRanks(ranks.get("keyword")!).mrr10.toFixed(3)} vs naive BM25 ${scoreRanks(ranks.get("bm25-40")!).mrr10.toFixed(3)}`);
    }
    printTable("Keyword-only over whole repositories, doc-comment queries (the figure that decides):", ["bm25-40", "keyword"], whole, repos, ["doc"], (repo) => repo.queries);
    printTable("Hand-written questions:", ["bm25-40", "keyword"], whole, repos, ["hand"], (repo) => repo.queries);
    if (process.env.HEARTH_BENCH_CLI !== "0") cliTimings(root, repos, tmp);

    if (sliceLines > 0) {
      const fixtures = await ensureFixtureModels();
      const embedModel = process.env.HEARTH_BENCH_EMBED_MODEL ?? fixtures.embedding;
      engine = new LlamaEngine({ defaultThreads: Number(process.env.HEARTH_THREADS) || os.availableParallelism(), gpu: false, storeRoot: path.join(tmp, "store") });
      const indexes = new WorkspaceIndexes(llamaEmbeddingBackend(engine));
      const sliced = new Map<string, Map<System, Array<number | null>>>();
      const sliceQueries = new Map<string, BenchQuery[]>();
      console.log(`\nVector and hybrid on a slice of each repository (the files of the first queries, up to ${sliceLines} lines each), embeddings by ${path.basename(embedModel)}:`);
      if (!process.env.HEARTH_BENCH_EMBED_MODEL) console.log("  (the fixture embedder has random weights: its vector figures measure the plumbing, not retrieval quality)");
      for (const repo of repos) {
        const source = repositoryDir(root, repo.id);
        const files = new Set<string>();
        let lines = 0;
        for (const q of repo.queries) {
          if (files.has(q.path)) continue;
          const count = fs.readFileSync(path.join(source, q.path), "utf8").split("\n").length;
          if (lines > 0 && lines + count > sliceLines) continue;
          files.add(q.path);
          lines += count;
        }
        const slice = path.join(tmp, "slices", repo.id);
        for (const file of files) {
          fs.mkdirSync(path.dirname(path.join(slice, file)), { recursive: true });
          fs.copyFileSync(path.join(source, file), path.join(slice, file));
        }
        const queries = repo.queries.filter((q) => files.has(q.path));
        sliceQueries.set(repo.id, queries);
        const { ranks, chunks, indexMs, check } = await measure(indexes, slice, queries, ["keyword", "vector", "hybrid"], embedModel, tmp, "");
        sliced.set(repo.id, ranks);
        const checked = check
          ? `vector check: ${check.probes} probes, MRR@10 keyword ${check.keywordMrr.toFixed(3)}, vector ${check.vectorMrr.toFixed(3)} → vector weight ${check.weight}`
          : "no vector check";
        console.log(`  ${repo.id.padEnd(15)} ${files.size} files, ${lines} lines → ${chunks} chunks, ${queries.length} queries (index with embeddings ${(indexMs / 1000).toFixed(1)} s); ${checked}`);
      }
      printTable("Slices, all queries (keyword vs vector vs hybrid on the same files):", ["bm25-40", "keyword", "vector", "hybrid"], sliced, repos, ["doc", "hand"], (repo) => sliceQueries.get(repo.id) ?? []);
    }
  } finally {
    await engine?.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
