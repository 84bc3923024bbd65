// Code completion (fill-in-the-middle, issue 18) on realistic-shape models (Qwen2.5-Coder 0.5B and
// 1.5B dimensions, Qwen's vocabulary with its FIM tokens, random Q8_0 weights): a line typed one
// character at a time into a TypeScript file, a completion requested at every keystroke. Ratios
// against baselines measured in the same run:
//  1. keystroke-to-suggestion latency through the engine process / node-llama-cpp called directly
//     in this process on the same prompt tokens and model (target ≤ 1.2×); p50/p95 in ms;
//  2. prompt tokens evaluated per keystroke, mean, against the tokens that changed (target ≤ changed
//     + 2); and node-llama-cpp's own generateInfillCompletion on the same keystrokes, for scale;
//  3. a keystroke (a newer request) stops the generation in flight: tokens produced after the abort
//     (target ≤ 1, one decode step);
//  4. the same keystrokes through POST /infill (HTTP, in-process engine): p50/p95 in ms.
// HEARTH_BENCH_SHAPES picks the shapes (comma-separated ids; default the 0.5B and 1.5B Q8_0 shapes).
// The machine may be shared with other work: compare the ratios, which are measured side by side.
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import type { Token } from "node-llama-cpp";
import { physicalCoreCount } from "../src/node/machine";
import { ApiServer } from "../src/engine/api/apiServer";
import { LlamaEngine } from "../src/engine/llama/llamaEngine";
import { buildInfillPrompt, fimTokensOf, infillOrderFor } from "../src/engine/llama/infillPrompt";
import { createTestClient } from "../test/support/engineHarness";
import { ensureRealisticModel, realisticModelSpec } from "./models/realisticModels";
import { directLlama, median } from "./support/benchSupport";

const maxTokens = Number(process.env.HEARTH_BENCH_TOKENS) || 8;
const cores = physicalCoreCount();
const budgets = { prefixTokens: 1024, suffixTokens: 256, extraTokens: 1024 };

function chosenShapes(): string[] {
  const wanted = process.env.HEARTH_BENCH_SHAPES;
  if (wanted) return wanted.split(",").map((id) => realisticModelSpec(id.trim()).id);
  return ["qwen2.5-coder-0.5b-shape-q8_0", "qwen2.5-coder-1.5b-shape-q8_0"];
}

const line = (name: string, value: string, target: string, ok: boolean | null): string =>
  `${name.padEnd(70)} ${value.padStart(10)}   ${target ? `target ${target.padEnd(9)} ${ok === null ? "" : ok ? "ok" : "MISSED"}` : ""}`;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A TypeScript file: what comes before the line being typed, and after it. */
function codeFile(): { before: string; after: string; typed: string; extra: Array<{ path: string; text: string }> } {
  const functions = Array.from(
    { length: 12 },
    (_, i) => `export function measure${i}(values: number[]): number {\n  let total = 0;\n  for (const value of values) total += value * ${i + 1};\n  return total / Math.max(1, values.length);\n}\n`,
  ).join("\n");
  const before = `import { readFileSync } from "node:fs";\n\n${functions}\nexport function sum(values: number[]): number {\n`;
  const after = `\n}\n\nexport function mean(values: number[]): number {\n  return sum(values) / values.length;\n}\n`;
  const extra = [{ path: "src/stats.ts", text: `export interface Stats {\n  count: number;\n  total: number;\n  mean: number;\n}\n\nexport function emptyStats(): Stats {\n  return { count: 0, total: 0, mean: 0 };\n}\n` }];
  return { before, after, typed: "  return values.reduce((a, b) => a + b, 0);", extra };
}

function commonStart(a: readonly Token[], b: readonly Token[]): number {
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) index++;
  return index;
}

function post(url: string, route: string, body: unknown): Promise<string> {
  const target = new URL(url);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, method: "POST", path: route, headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks).toString("utf8")) : reject(new Error(`${res.statusCode}: ${Buffer.concat(chunks).toString("utf8")}`))));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

async function benchShape(shape: string): Promise<void> {
  const modelPath = await ensureRealisticModel(shape);
  const { before, after, typed, extra } = codeFile();
  const keystrokes = Array.from({ length: typed.length }, (_, i) => typed.slice(0, i + 1));
  console.log(`\n${shape}: ${cores} cores, ${keystrokes.length} keystrokes, ${maxTokens} tokens per suggestion, greedy`);

  // 1, 2: the engine process.
  const { client } = createTestClient({ settings: { threads: 0, contextSize: 4096 } });
  const engineMs: number[] = [];
  const evaluated: number[] = [];
  try {
    const info = await client.request("loadModel", { model: modelPath });
    // The first request evaluates the whole prompt (extra context, prefix, suffix): not a keystroke.
    await client.request("infill", { modelId: info.modelId, prefix: before, suffix: after, extra, path: "src/sum.ts", options: { maxTokens, timeoutMs: 600_000 } });
    for (const text of keystrokes) {
      const started = performance.now();
      const result = await client.request("infill", { modelId: info.modelId, prefix: before + text, suffix: after, extra, path: "src/sum.ts", options: { maxTokens, timeoutMs: 600_000 } });
      engineMs.push(performance.now() - started);
      evaluated.push(result.usage.evaluatedPromptTokens);
    }
  } finally {
    await client.dispose();
  }

  // 1: node-llama-cpp directly, the same prompt tokens; 2: what changed, and its own infill call.
  const { LlamaCompletion } = await import("node-llama-cpp");
  const llama = await directLlama();
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  const fim = fimTokensOf(model)!;
  const order = infillOrderFor(fim);
  const directMs: number[] = [];
  const changed: number[] = [];
  const naiveEvaluated: number[] = [];
  {
    const context = await model.createContext({ contextSize: 4096, threads: cores, sequences: 1 });
    const sequence = context.getSequence();
    const completion = new LlamaCompletion({ contextSequence: sequence });
    const promptOf = (text: string): Token[] => buildInfillPrompt(model, fim, order, { prefix: before + text, suffix: after, extra, path: "src/sum.ts" }, budgets).tokens;
    let previous = promptOf("");
    await completion.generateCompletionWithMeta(previous, { maxTokens, temperature: 0 });
    for (const text of keystrokes) {
      const tokens = promptOf(text);
      changed.push(tokens.length - commonStart(previous, tokens));
      previous = tokens;
      const started = performance.now();
      await completion.generateCompletionWithMeta(tokens, { maxTokens, temperature: 0 });
      directMs.push(performance.now() - started);
    }
    // node-llama-cpp's own infill (PSM, the whole prefix before the suffix): what it evaluates per keystroke.
    await sequence.clearHistory();
    await completion.generateInfillCompletionWithMeta(before, after, { maxTokens, temperature: 0 });
    for (const text of keystrokes.slice(0, 8)) {
      const inputBefore = sequence.tokenMeter.usedInputTokens;
      await completion.generateInfillCompletionWithMeta(before + text, after, { maxTokens, temperature: 0 });
      // The meter counts prompt tokens without logits as input; the last one (with logits) as output.
      naiveEvaluated.push(sequence.tokenMeter.usedInputTokens - inputBefore + 1);
    }
    completion.dispose();
    await context.dispose();
  }
  await model.dispose();

  // 3, 4: an in-process engine behind the HTTP API.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-completion-bench-"));
  const engine = new LlamaEngine({ gpu: false, storeRoot: home, defaultThreads: 0 });
  const apiMs: number[] = [];
  let afterAbort: number[] = [];
  try {
    await engine.store.importFile(modelPath, "bench-code", { mode: "link" });
    const info = await engine.loadModel({ model: "bench-code" });
    for (let round = 0; round < 5; round++) {
      let chunks = 0;
      let newer: Promise<unknown> | null = null;
      const older = await engine.infill(
        { modelId: info.modelId, prefix: before + keystrokes[round]!, suffix: after, extra, options: { maxTokens: 200, timeoutMs: 600_000 } },
        () => {
          chunks++;
          if (chunks === 4) {
            newer = engine.infill({ modelId: info.modelId, prefix: before + keystrokes[round + 1]!, suffix: after, extra, options: { maxTokens: 1 } }, () => undefined);
          }
        },
      );
      await newer;
      afterAbort.push(older.usage.outputTokens - 4);
    }
    const server = new ApiServer({ engine, endpoints: () => ({}), address: { host: "127.0.0.1", port: 0 }, version: "bench" });
    const url = await server.start();
    try {
      const request = (text: string): Record<string, unknown> => ({
        model: "bench-code",
        input_prefix: before,
        input_suffix: after,
        input_extra: extra.map((chunk) => ({ filename: chunk.path, text: chunk.text })),
        prompt: text,
        n_predict: maxTokens,
        t_max_predict_ms: 600_000,
        cache_prompt: true,
        samplers: ["top_k", "top_p", "infill"],
      });
      await post(url, "/infill", request(""));
      for (const text of keystrokes) {
        const started = performance.now();
        await post(url, "/infill", request(text));
        apiMs.push(performance.now() - started);
      }
    } finally {
      await server.stop();
    }
  } finally {
    await engine.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  }

  const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  const latencyRatio = median(engineMs) / median(directMs);
  console.log(line("keystroke-to-suggestion, engine / node-llama-cpp direct (p50)", `${latencyRatio.toFixed(2)}x`, "<= 1.2x", latencyRatio <= 1.2));
  console.log(line("  engine p50 / p95 ms", `${median(engineMs).toFixed(0)} / ${percentile(engineMs, 95).toFixed(0)}`, "", null));
  console.log(line("  direct p50 / p95 ms", `${median(directMs).toFixed(0)} / ${percentile(directMs, 95).toFixed(0)}`, "", null));
  console.log(line("  POST /infill p50 / p95 ms", `${median(apiMs).toFixed(0)} / ${percentile(apiMs, 95).toFixed(0)}`, "", null));
  const evaluatedMean = mean(evaluated);
  const changedMean = mean(changed);
  console.log(line(`prompt tokens evaluated per keystroke, mean (${order.toUpperCase()} order)`, evaluatedMean.toFixed(2), `<= ${(changedMean + 2).toFixed(2)}`, evaluatedMean <= changedMean + 2));
  console.log(line("  tokens that changed per keystroke, mean", changedMean.toFixed(2), "", null));
  console.log(line("  node-llama-cpp's generateInfillCompletion per keystroke, mean", mean(naiveEvaluated).toFixed(2), "", null));
  const worst = Math.max(...afterAbort);
  console.log(line("tokens produced after a keystroke's abort, worst of 5", String(worst), "<= 1", worst <= 1));
}

async function main(): Promise<void> {
  for (const shape of chosenShapes()) await benchShape(shape);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
