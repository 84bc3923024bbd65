// Retrieval quality on a public evaluation (bench/retrievalEval.json: questions over this
// repository's src/, each with the file that answers it): MRR@10 and recall@5 for keyword-only,
// vector-only and hybrid search, ranked by file. The embedding model is the fixture BERT (a
// bag-of-words toy, so vector figures are a floor) unless HEARTH_BENCH_EMBED_MODEL names a real
// one (e.g. bge-m3). Figures, not pass/fail.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { IndexSearchMode } from "../src/common/engine/engineProtocol";
import { llamaEmbeddingBackend } from "../src/engine/index/llamaEmbeddingBackend";
import { WorkspaceIndexes } from "../src/engine/index/workspaceIndexes";
import { LlamaEngine } from "../src/engine/llama/llamaEngine";
import { ensureFixtureModels } from "../test/fixtures/fixtureModels";

interface Evaluation {
  corpus: string;
  queries: Array<{ query: string; expected: string }>;
}

async function main(): Promise<void> {
  const repoRoot = path.resolve(__dirname, "..");
  const evaluation = JSON.parse(fs.readFileSync(path.join(__dirname, "retrievalEval.json"), "utf8")) as Evaluation;
  const fixtures = await ensureFixtureModels();
  const embedModel = process.env.HEARTH_BENCH_EMBED_MODEL ?? fixtures.embedding;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-bench-quality-"));
  const engine = new LlamaEngine({ defaultThreads: Number(process.env.HEARTH_THREADS) || 1, gpu: false, storeRoot: path.join(tmp, "store") });
  try {
    const corpus = path.join(repoRoot, evaluation.corpus);
    const indexes = new WorkspaceIndexes(llamaEmbeddingBackend(engine));
    const storeDir = path.join(tmp, "index");
    const built = await indexes.build({ roots: [corpus], storeDir, embeddingModel: embedModel }, () => undefined);
    console.log(`${evaluation.queries.length} questions over ${evaluation.corpus}/ (${built.status.files} files, ${built.status.chunks} chunks), embeddings by ${path.basename(embedModel)}`);
    for (const mode of ["keyword", "vector", "hybrid"] as IndexSearchMode[]) {
      let reciprocal = 0;
      let recalled = 0;
      const misses: string[] = [];
      for (const { query, expected } of evaluation.queries) {
        const { results } = await indexes.search({ storeDir, query, k: 50, mode });
        const files = [...new Set(results.map((hit) => hit.path))];
        const rank = files.indexOf(expected) + 1;
        if (rank >= 1 && rank <= 10) reciprocal += 1 / rank;
        if (rank >= 1 && rank <= 5) recalled++;
        else misses.push(`${query} → ${files.slice(0, 3).join(", ")}`);
      }
      const n = evaluation.queries.length;
      console.log(`  ${mode.padEnd(7)} MRR@10 ${(reciprocal / n).toFixed(3)}  recall@5 ${(recalled / n).toFixed(3)}`);
      if (process.env.HEARTH_BENCH_VERBOSE === "1") for (const miss of misses) console.log(`      missed: ${miss}`);
    }
  } finally {
    await engine.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
