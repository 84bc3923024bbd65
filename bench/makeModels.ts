// `npm run bench:models [id ...]`: generates the realistic-shape models (bench/models/realisticModels.ts)
// into the cache outside the repository, then checks that each loads in llama.cpp and runs at a
// plausible speed: a chat model generates finite, varied text; an embedder returns finite vectors;
// a reranker scores. Prints where the files are and how long each step took.
import * as fs from "node:fs";
import { ensureRealisticModel, parameterCount, realisticModelPath, realisticModelSpec, realisticModelSpecs, realisticModelsDir } from "./models/realisticModels";
import { physicalCoreCount } from "../src/node/machine";

async function main(): Promise<void> {
  const ids = process.argv.slice(2).filter((arg) => !arg.startsWith("--"));
  const skipCheck = process.argv.includes("--no-check");
  const chosen = ids.length > 0 ? ids.map((id) => realisticModelSpec(id)) : realisticModelSpecs;
  console.log(`Realistic-shape models in ${realisticModelsDir()}`);
  const { getLlama, LlamaChatSession } = await import("node-llama-cpp");
  const threads = physicalCoreCount();
  const llama = skipCheck ? undefined : await getLlama({ gpu: false, logLevel: "error" as never, maxThreads: threads });
  for (const spec of chosen) {
    const existed = fs.existsSync(realisticModelPath(spec.id));
    const started = Date.now();
    let lastShown = -1;
    const file = await ensureRealisticModel(spec.id, (fraction) => {
      const percent = Math.floor(fraction * 10) * 10;
      if (percent !== lastShown) {
        lastShown = percent;
        process.stdout.write(`\r  ${spec.id}: writing ${percent}%`);
      }
    });
    const size = fs.statSync(file).size;
    const made = existed ? "cached" : `made in ${((Date.now() - started) / 1000).toFixed(1)} s`;
    console.log(`\r${spec.id}: ${(parameterCount(spec) / 1e6).toFixed(0)}M parameters, ${spec.quantization}, ${(size / 2 ** 20).toFixed(0)} MiB, ${made}`);
    if (!llama) continue;
    const loadStarted = Date.now();
    const model = await llama.loadModel({ modelPath: file, gpuLayers: 0 });
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    try {
      if (spec.purpose === "chat") {
        const context = await model.createContext({ contextSize: 2048, threads });
        const session = new LlamaChatSession({ contextSequence: context.getSequence() });
        let tokens = 0;
        let firstAt = 0;
        const askedAt = Date.now();
        const answer = await session.prompt("Write a function that adds two numbers.", {
          maxTokens: 48,
          onTextChunk: () => {
            if (tokens++ === 0) firstAt = Date.now();
          },
        });
        const generation = (tokens - 1) / ((Date.now() - firstAt) / 1000);
        const words = new Set(answer.split(/\s+/)).size;
        console.log(
          `  loaded in ${loadSeconds.toFixed(1)} s; first token ${((firstAt - askedAt) / 1000).toFixed(2)} s; ${generation.toFixed(1)} tok/s at ${threads} threads; ${words} distinct words: ${JSON.stringify(answer.slice(0, 80))}…`,
        );
        await context.dispose();
      } else if (spec.purpose === "embedding") {
        const context = await model.createEmbeddingContext({ contextSize: Math.min(512, model.trainContextSize), threads });
        const text = "export function parseConfig(path: string): Config { return JSON.parse(readFileSync(path, 'utf8')); }";
        const started = Date.now();
        const runs = 5;
        let vector: readonly number[] = [];
        for (let i = 0; i < runs; i++) vector = (await context.getEmbeddingFor(text)).vector;
        const finite = vector.every((value) => Number.isFinite(value));
        const tokens = model.tokenize(text).length;
        console.log(
          `  loaded in ${loadSeconds.toFixed(1)} s; ${vector.length} dimensions, ${finite ? "finite" : "NOT FINITE"}; ${tokens} tokens embedded in ${((Date.now() - started) / runs).toFixed(0)} ms`,
        );
        await context.dispose();
      } else {
        const context = await model.createRankingContext({ contextSize: 512, threads });
        const started = Date.now();
        const scores = await context.rankAll("where is the config parsed?", ["parseConfig reads the file", "the colour of the sky", "a test of the parser"]);
        console.log(`  loaded in ${loadSeconds.toFixed(1)} s; scores ${scores.map((score) => score.toFixed(3)).join(", ")} in ${Date.now() - started} ms`);
        await context.dispose();
      }
    } finally {
      await model.dispose();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
