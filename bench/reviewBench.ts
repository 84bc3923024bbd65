// Benchmarks of code review through the engine process, each printed against a baseline measured
// in the same run:
//  1. review latency per 100 changed lines (a diff of 100 and of 400 changed lines in 10-line
//     hunks of a 2,000-line file, reviewed chunk by chunk with the findings grammar) vs one naive
//     unconstrained generation of as many tokens as one review answer may take, over the raw
//     diff (cut to fit the context; its figure counts the lines kept);
//  2. prompt tokens per reviewed line: Hearth's prompts (instructions, line numbers, context lines,
//     fences) vs the raw unified diff under a one-line instruction, and how many of Hearth's the
//     model evaluated (the instructions every chunk shares come from the KV cache).
// On the fixture llama (byte-level vocabulary: a token per character, the worst case) and on
// llama-2-tiny-random (the real Llama-2 vocabulary, for realistic token counts) when
// ../shared/models has it. Runs alternate between the two sides and report medians.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseUnifiedDiff } from "../src/common/review/diffParsing";
import type { ReviewResult } from "../src/common/engine/engineProtocol";
import { ensureFixtureModels } from "../test/fixtures/fixtureModels";
import { createTestClient, repoRoot } from "../test/support/engineHarness";
import { benchModels, median } from "./support/benchSupport";

const realistic = process.env.HEARTH_BENCH_SIZE === "realistic";
const rounds = Number(process.env.HEARTH_BENCH_ROUNDS) || (realistic ? 1 : 3);
let threads = 1;
const contextSize = 4096;
const maxTokens = 512;
const sharedTinyLlama2 = path.resolve(repoRoot, "..", "shared", "models", "llama-2-tiny-random.gguf");

const fileLines = 2000;

function original(n: number): string {
  return `  total += items[${n}].price * items[${n}].quantity; // line ${n}`;
}

function changed(n: number): string {
  return `  total += (items[${n}]?.price ?? 0) * items[${n}].quantity; // line ${n}`;
}

/** A 2,000-line file with `changedLines` lines changed in hunks of ten, spread through the file; its diff. */
function scenario(changedLines: number): { content: string; diff: string } {
  const hunks = changedLines / 10;
  const gap = Math.floor(fileLines / hunks);
  const changedSet = new Set<number>();
  for (let h = 0; h < hunks; h++) for (let i = 0; i < 10; i++) changedSet.add(h * gap + 20 + i);
  const after: string[] = [];
  for (let n = 1; n <= fileLines; n++) after.push(changedSet.has(n) ? changed(n) : original(n));
  const rows = ["diff --git a/src/cart.ts b/src/cart.ts", "--- a/src/cart.ts", "+++ b/src/cart.ts"];
  for (let h = 0; h < hunks; h++) {
    const start = h * gap + 20;
    rows.push(`@@ -${start - 3},16 +${start - 3},16 @@`);
    for (let n = start - 3; n < start; n++) rows.push(` ${original(n)}`);
    for (let n = start; n < start + 10; n++) rows.push(`-${original(n)}`);
    for (let n = start; n < start + 10; n++) rows.push(`+${changed(n)}`);
    for (let n = start + 10; n < start + 13; n++) rows.push(` ${original(n)}`);
  }
  return { content: `${after.join("\n")}\n`, diff: `${rows.join("\n")}\n` };
}

interface Figures {
  model: string;
  changedLines: number;
  reviewMsPer100: number;
  naiveMsPer100: number;
  promptTokensPerLine: number;
  evaluatedTokensPerLine: number;
  naivePromptTokensPerLine: number;
  chunks: number;
  findings: number;
  dropped: number;
  unreadableChunks: number;
}

async function measure(modelPath: string): Promise<Figures[]> {
  const { client } = createTestClient({ settings: { threads } });
  try {
    const info = await client.request("loadModel", { model: modelPath, threads, contextSize });
    const figures: Figures[] = [];
    // On a realistic shape a review of 400 lines takes many minutes on 2 cores: 100 lines tell the same ratios.
    for (const changedLines of realistic ? [100] : [100, 400]) {
      const { content, diff } = scenario(changedLines);
      const target = { path: "src/cart.ts", language: "typescript", content, diff: parseUnifiedDiff(diff)[0]! };
      const naivePrompt = `Review this diff and list the problems you find:\n\n${diff}`;
      const review = (): Promise<ReviewResult> =>
        client.request("review", { modelId: info.modelId, targets: [target], maxTokens, temperature: 0, seed: 1 });
      const naiveTokens = maxTokens;
      // The naive prompt must fit the context too: an over-long diff is cut, and its figures count the lines kept.
      const [naiveCount] = (await client.request("countTokens", { modelId: info.modelId, texts: [naivePrompt] })).counts;
      const room = contextSize - naiveTokens - 64;
      const naiveShare = Math.min(1, room / naiveCount!);
      const naiveText = naiveShare < 1 ? naivePrompt.slice(0, Math.floor(naivePrompt.length * naiveShare)) : naivePrompt;
      const naive = async (): Promise<number> => {
        const started = performance.now();
        await client.request("generate", {
          modelId: info.modelId,
          prompt: naiveText,
          mode: "completion",
          options: { maxTokens: naiveTokens, temperature: 0, seed: 1 },
          priority: "review",
        });
        return performance.now() - started;
      };
      const reviewTimes: number[] = [];
      const naiveTimes: number[] = [];
      let last: ReviewResult | null = null;
      for (let round = 0; round < rounds; round++) {
        const started = performance.now();
        last = await review();
        reviewTimes.push(performance.now() - started);
        naiveTimes.push(await naive());
      }
      if (!last) throw new Error("no rounds");
      figures.push({
        model: path.basename(modelPath, ".gguf"),
        changedLines,
        reviewMsPer100: (median(reviewTimes) / last.reviewedLines) * 100,
        naiveMsPer100: (median(naiveTimes) / (changedLines * naiveShare)) * 100,
        promptTokensPerLine: last.promptTokens / last.reviewedLines,
        evaluatedTokensPerLine: last.evaluatedPromptTokens / last.reviewedLines,
        naivePromptTokensPerLine: naiveCount! / changedLines,
        chunks: last.chunks,
        findings: last.findings.length,
        dropped: last.dropped,
        unreadableChunks: last.unreadableChunks,
      });
    }
    return figures;
  } finally {
    await client.dispose();
  }
}

async function main(): Promise<void> {
  const chosen = await benchModels();
  threads = chosen.threads;
  const fixtures = await ensureFixtureModels();
  const models = chosen.size === "realistic" ? [chosen.chat] : [fixtures.llama, ...(fs.existsSync(sharedTinyLlama2) ? [sharedTinyLlama2] : [])];
  console.log(`Hearth review benchmark — ${chosen.label}, context ${contextSize}, answers up to ${maxTokens} tokens, ${rounds} rounds`);
  const all: Figures[] = [];
  for (const model of models) all.push(...(await measure(model)));
  console.log("");
  for (const f of all) {
    const label = `${f.model}, ${f.changedLines} changed lines`;
    console.log(`review latency per 100 changed lines (${label})`.padEnd(72) + `${f.reviewMsPer100.toFixed(0).padStart(7)} ms   naive ${f.naiveMsPer100.toFixed(0)} ms (${(f.reviewMsPer100 / f.naiveMsPer100).toFixed(2)}×)`);
    console.log(`prompt tokens per reviewed line (${label})`.padEnd(72) + `${f.promptTokensPerLine.toFixed(1).padStart(7)}      naive ${f.naivePromptTokensPerLine.toFixed(1)} (${(f.promptTokensPerLine / f.naivePromptTokensPerLine).toFixed(2)}×)`);
    const evaluatedRatio = f.evaluatedTokensPerLine / f.naivePromptTokensPerLine;
    console.log(`prompt tokens evaluated per reviewed line (${label})`.padEnd(72) + `${f.evaluatedTokensPerLine.toFixed(1).padStart(7)}      naive ${f.naivePromptTokensPerLine.toFixed(1)} (${evaluatedRatio.toFixed(2)}×, target ≤ 1.3× ${evaluatedRatio <= 1.3 ? "ok" : "MISSED"})`);
    console.log(`    (the rest came from the KV cache; ${f.chunks} chunks, ${f.findings} findings kept, ${f.dropped} dropped, ${f.unreadableChunks} answers cut off at ${maxTokens} tokens)`);
  }
  const outDir = path.join(repoRoot, ".bench-results");
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, `review-${chosen.size}.json`), JSON.stringify(all, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
