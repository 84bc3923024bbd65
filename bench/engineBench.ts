// Benchmarks of the engine, each printed as a ratio against a baseline measured in the same run:
//  1. generation tokens/s through Hearth's engine process vs node-llama-cpp called directly in
//     this process, same model, threads, prompt and sampling (target ≥ 0.95);
//  2. first-token latency of turn 10 vs turn 1 of a chat through the engine (target ≤ 1.5×, from
//     KV-cache reuse).
// Runs alternate between the two sides and report medians, so a noisy neighbour hurts both.
import * as fs from "node:fs";
import * as path from "node:path";
import { ensureFixtureModels } from "../test/fixtures/fixtureModels";
import { createTestClient, repoRoot, sharedStoriesModel } from "../test/support/engineHarness";

const rounds = Number(process.env.HEARTH_BENCH_ROUNDS) || 5;
const maxTokens = Number(process.env.HEARTH_BENCH_TOKENS) || 256;
const threads = 1;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function directTokensPerSecond(modelPath: string, prompt: string): Promise<() => Promise<number>> {
  const { getLlama, LlamaCompletion } = await import("node-llama-cpp");
  const llama = await getLlama({ gpu: false, build: "never", logLevel: "error" as never });
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  const context = await model.createContext({ threads, sequences: 1, contextSize: 2048 });
  const sequence = context.getSequence();
  const completion = new LlamaCompletion({ contextSequence: sequence });
  return async () => {
    await sequence.clearHistory();
    let first = 0;
    let tokens = 0;
    const result = await completion.generateCompletionWithMeta(prompt, {
      maxTokens,
      temperature: 0,
      // Stream text as a real consumer does (Hearth's engine streams text too).
      onTextChunk: () => {
        if (first === 0) first = performance.now();
      },
      onToken: (chunk) => {
        tokens += chunk.length;
      },
    });
    const seconds = (performance.now() - first) / 1000;
    void result;
    return tokens / seconds;
  };
}

async function main(): Promise<void> {
  const fixtures = await ensureFixtureModels();
  const modelPath = fs.existsSync(sharedStoriesModel) ? sharedStoriesModel : fixtures.llama;
  const prompt = "Once upon a time";
  console.log(`Hearth engine benchmark — model ${path.relative(repoRoot, modelPath)}, ${threads} thread, ${maxTokens} tokens, ${rounds} rounds`);

  // 1. Throughput: engine process vs direct.
  const { client } = createTestClient({ HEARTH_THREADS: String(threads) });
  const info = await client.request("loadModel", { modelPath, threads, contextSize: 2048 });
  const direct = await directTokensPerSecond(modelPath, prompt);
  const viaEngine = async (): Promise<number> => {
    const result = await client.request("generate", {
      modelId: info.modelId,
      prompt,
      mode: "completion",
      options: { maxTokens, temperature: 0 },
    });
    return result.usage.tokensPerSecond;
  };
  await direct();
  await viaEngine();
  const directRates: number[] = [];
  const engineRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    directRates.push(await direct());
    engineRates.push(await viaEngine());
  }
  const throughputRatio = median(engineRates) / median(directRates);

  // 2. First-token latency of turn 10 vs turn 1 in one chat session.
  const chatModel = fixtures.llama;
  const chatInfo = await client.request("loadModel", { modelPath: chatModel, threads, contextSize: 4096 });
  const turnRatios: number[] = [];
  const turn1s: number[] = [];
  const turn10s: number[] = [];
  let lastTurn1: number;
  let lastTurn10: number;
  let evaluated10 = 0;
  let prompt10 = 0;
  for (let round = 0; round < rounds; round++) {
    // A system prompt unique to the round, so turn 1 starts from an empty cache every round.
    const { sessionId } = await client.request("chatCreate", {
      modelId: chatInfo.modelId,
      systemPrompt: `Session ${round}. You are a helpful assistant for developers. Keep answers short.`,
    });
    const firstTokens: number[] = [];
    for (let turn = 1; turn <= 10; turn++) {
      const result = await client.request("chatSend", {
        sessionId,
        message: `Question ${turn}: what should I check next in my code?`,
        options: { maxTokens: 24, temperature: 0 },
      });
      firstTokens.push(result.usage.firstTokenMs ?? result.usage.durationMs);
      if (turn === 10) {
        evaluated10 = result.usage.evaluatedPromptTokens;
        prompt10 = result.usage.promptTokens;
      }
    }
    lastTurn1 = firstTokens[0]!;
    lastTurn10 = firstTokens[9]!;
    turnRatios.push(lastTurn10 / lastTurn1);
    turn1s.push(lastTurn1);
    turn10s.push(lastTurn10);
    await client.request("chatDispose", { sessionId });
  }
  // Ratio of medians: one noisy round moves neither much.
  const turnRatio = median(turn10s) / median(turn1s);
  await client.dispose();

  const line = (name: string, value: string, target: string, ok: boolean): string =>
    `${name.padEnd(58)} ${value.padStart(8)}   target ${target.padEnd(7)} ${ok ? "ok" : "MISSED"}`;
  console.log("");
  console.log(line("generation tok/s: engine process / node-llama-cpp direct", throughputRatio.toFixed(3), "≥ 0.95", throughputRatio >= 0.95));
  console.log(`    (medians: engine ${median(engineRates).toFixed(0)} tok/s, direct ${median(directRates).toFixed(0)} tok/s)`);
  console.log(line("first-token latency: chat turn 10 / turn 1", `${turnRatio.toFixed(2)}×`, "≤ 1.5×", turnRatio <= 1.5));
  console.log(
    `    (medians: turn 1 ${median(turn1s).toFixed(1)} ms, turn 10 ${median(turn10s).toFixed(1)} ms; turn 10 evaluated ${evaluated10} of ${prompt10} prompt tokens)`,
  );
  const outDir = path.join(repoRoot, ".bench-results");
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(
    path.join(outDir, "engine.json"),
    JSON.stringify({ throughputRatio, turnRatio, engineRates, directRates, turnRatios, evaluated10, prompt10 }, null, 2),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
