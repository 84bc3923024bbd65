// Benchmarks of the engine, each printed as a ratio against a baseline measured in the same run:
//  1. generation tokens/s through Hearth's engine process vs node-llama-cpp called directly in
//     this process, same model, threads, prompt and sampling (target ≥ 0.95);
//  2. first-token latency of turn 10 vs turn 1 of a chat through the engine (target ≤ 1.5×, from
//     KV-cache reuse);
//  3. first-token latency of a chat turn through the engine process (chatCreate/chatSend, timed in
//     this process from the request to the first streamed chunk, so IPC and queueing count) vs a
//     LlamaChatSession on the same model in this process, same threads, system prompt and message
//     (target ≤ 1.2×), for turn 1 and turn 10 of the same conversation.
// Runs alternate between the two sides and report medians, so a noisy neighbour hurts both.
// On the models HEARTH_BENCH_SIZE picks (bench/support/benchSupport.ts: tiny or realistic shapes).
import * as fs from "node:fs";
import * as path from "node:path";
import { ensureFixtureModels } from "../test/fixtures/fixtureModels";
import { createTestClient, repoRoot, sharedStoriesModel } from "../test/support/engineHarness";
import { benchModels, directLlama, median } from "./support/benchSupport";

const realistic = process.env.HEARTH_BENCH_SIZE === "realistic";
const rounds = Number(process.env.HEARTH_BENCH_ROUNDS) || (realistic ? 3 : 5);
const maxTokens = Number(process.env.HEARTH_BENCH_TOKENS) || (realistic ? 128 : 256);
let threads = 1;

async function directTokensPerSecond(modelPath: string, prompt: string): Promise<() => Promise<number>> {
  const { LlamaCompletion } = await import("node-llama-cpp");
  const llama = await directLlama();
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

interface ChatLatency {
  modelPath: string;
  ratio: number;
  turn1: number;
  turn10: number;
  turn10Cold: number;
  evaluated10: number;
  prompt10: number;
  /** Turns 1 and 10 as a client of the engine sees them (request to first chunk), and the same turns direct. */
  client1: number;
  client10: number;
  direct1: number;
  direct10: number;
}

/** A LlamaChatSession on `modelPath` in this process: node-llama-cpp prompted directly. */
async function directChat(modelPath: string): Promise<{
  /** One turn; `systemPrompt` starts a new conversation first. Answers the milliseconds to the first text. */
  turn: (message: string, systemPrompt?: string) => Promise<number>;
  dispose: () => Promise<void>;
}> {
  const { LlamaChatSession } = await import("node-llama-cpp");
  const llama = await directLlama();
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  const context = await model.createContext({ threads, sequences: 1, contextSize: 2048 });
  const session = new LlamaChatSession({ contextSequence: context.getSequence() });
  return {
    turn: async (message, systemPrompt) => {
      if (systemPrompt !== undefined) session.setChatHistory(session.chatWrapper.generateInitialChatHistory({ systemPrompt }));
      const started = performance.now();
      let first = 0;
      await session.prompt(message, {
        maxTokens: 24,
        temperature: 0,
        onTextChunk: (text) => {
          if (first === 0 && text) first = performance.now();
        },
      });
      return (first || performance.now()) - started;
    },
    dispose: async () => {
      session.dispose();
      await context.dispose();
      await model.dispose();
    },
  };
}

type Client = ReturnType<typeof createTestClient>["client"];

async function chatLatency(client: Client, modelPath: string): Promise<ChatLatency> {
  const info = await client.request("loadModel", { model: modelPath, threads, contextSize: 2048 });
  const direct = await directChat(modelPath);
  const turn1s: number[] = [];
  const turn10s: number[] = [];
  const colds: number[] = [];
  const client1s: number[] = [];
  const client10s: number[] = [];
  const direct1s: number[] = [];
  const direct10s: number[] = [];
  let evaluated10 = 0;
  let prompt10 = 0;
  const question = (turn: number): string => `Question ${turn}: what should I check next in my code?`;
  for (let round = 0; round < rounds; round++) {
    // A system prompt unique to the round, so turn 1 starts from an empty cache every round.
    const systemPrompt = `Session ${round}. You are a helpful assistant for developers. Keep answers short.`;
    // The same conversation straight through node-llama-cpp first: the baseline for the engine's.
    for (let turn = 1; turn <= 10; turn++) {
      const firstToken = await direct.turn(question(turn), turn === 1 ? systemPrompt : undefined);
      if (turn === 1) direct1s.push(firstToken);
      if (turn === 10) direct10s.push(firstToken);
    }
    const { sessionId } = await client.request("chatCreate", { modelId: info.modelId, systemPrompt });
    const history: Array<{ role: "user" | "assistant"; text: string }> = [];
    for (let turn = 1; turn <= 10; turn++) {
      const sent = performance.now();
      let firstChunk = 0;
      const result = await client.request(
        "chatSend",
        { sessionId, message: question(turn), options: { maxTokens: 24, temperature: 0 } },
        {
          onChunk: (chunk) => {
            if (firstChunk === 0 && chunk.text) firstChunk = performance.now();
          },
        },
      );
      const seen = (firstChunk || performance.now()) - sent;
      const firstToken = result.usage.firstTokenMs ?? result.usage.durationMs;
      if (turn === 1) {
        turn1s.push(firstToken);
        client1s.push(seen);
      }
      if (turn === 10) {
        client10s.push(seen);
        turn10s.push(firstToken);
        evaluated10 = result.usage.evaluatedPromptTokens;
        prompt10 = result.usage.promptTokens;
      } else {
        history.push({ role: "user", text: question(turn) }, { role: "assistant", text: result.text });
      }
    }
    await client.request("chatDispose", { sessionId });
    // The same tenth turn with nothing reusable in the cache (a different first token).
    const cold = await client.request("chatCreate", { modelId: info.modelId, systemPrompt: `Cold ${round}. ${systemPrompt}`, history });
    const coldResult = await client.request("chatSend", {
      sessionId: cold.sessionId,
      message: question(10),
      options: { maxTokens: 24, temperature: 0 },
    });
    colds.push(coldResult.usage.firstTokenMs ?? coldResult.usage.durationMs);
    await client.request("chatDispose", { sessionId: cold.sessionId });
  }
  await client.request("unloadModel", { modelId: info.modelId });
  await direct.dispose();
  // Ratio of medians: one noisy round moves neither much.
  return {
    modelPath,
    ratio: median(turn10s) / median(turn1s),
    turn1: median(turn1s),
    turn10: median(turn10s),
    turn10Cold: median(colds),
    evaluated10,
    prompt10,
    client1: median(client1s),
    client10: median(client10s),
    direct1: median(direct1s),
    direct10: median(direct10s),
  };
}

async function main(): Promise<void> {
  const models = await benchModels();
  threads = models.threads;
  const fixtures = await ensureFixtureModels();
  const modelPath = models.chat;
  const prompt = "Once upon a time";
  console.log(`Hearth engine benchmark — ${models.label}: model ${path.basename(modelPath)}, ${maxTokens} tokens, ${rounds} rounds`);

  // 1. Throughput: engine process vs direct.
  const { client } = createTestClient({ settings: { threads } });
  const info = await client.request("loadModel", { model: modelPath, threads, contextSize: 2048 });
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

  // 2. First-token latency of turn 10 vs turn 1 in one chat session, on each chat model we
  //    have; and turn 10 against the same turn with nothing in the cache (what it would cost
  //    without KV reuse).
  const chatModels = models.size === "realistic" ? [models.chat] : [fixtures.llama, ...(fs.existsSync(sharedStoriesModel) ? [sharedStoriesModel] : [])];
  const chatResults: ChatLatency[] = [];
  for (const chatModel of chatModels) chatResults.push(await chatLatency(client, chatModel));
  await client.dispose();
  const line = (name: string, value: string, target: string, ok: boolean): string =>
    `${name.padEnd(58)} ${value.padStart(8)}   target ${target.padEnd(7)} ${ok ? "ok" : "MISSED"}`;
  console.log("");
  console.log(line("generation tok/s: engine process / node-llama-cpp direct", throughputRatio.toFixed(3), "≥ 0.95", throughputRatio >= 0.95));
  console.log(`    (medians: engine ${median(engineRates).toFixed(0)} tok/s, direct ${median(directRates).toFixed(0)} tok/s)`);
  for (const chat of chatResults) {
    const name = path.basename(chat.modelPath, ".gguf");
    console.log(line(`first-token latency, chat turn 10 / turn 1 (${name})`, `${chat.ratio.toFixed(2)}×`, "≤ 1.5×", chat.ratio <= 1.5));
    console.log(
      `    (medians: turn 1 ${chat.turn1.toFixed(1)} ms, turn 10 ${chat.turn10.toFixed(1)} ms evaluating ${chat.evaluated10} of ${chat.prompt10} prompt tokens; ` +
        `turn 10 without the cache ${chat.turn10Cold.toFixed(1)} ms, ${(chat.turn10Cold / chat.turn10).toFixed(1)}× slower; ` +
        `node-llama-cpp direct: turn 10 / turn 1 ${(chat.direct10 / chat.direct1).toFixed(2)}×)`,
    );
  }
  for (const chat of chatResults) {
    const name = path.basename(chat.modelPath, ".gguf");
    for (const [turn, engine, direct] of [
      [1, chat.client1, chat.direct1],
      [10, chat.client10, chat.direct10],
    ] as const) {
      const ratio = engine / direct;
      console.log(line(`chat first token, engine / direct, turn ${turn} (${name})`, `${ratio.toFixed(2)}×`, "≤ 1.2×", ratio <= 1.2));
      console.log(`    (medians: through the engine ${engine.toFixed(1)} ms from request to first chunk, direct ${direct.toFixed(1)} ms)`);
    }
  }
  const outDir = path.join(repoRoot, ".bench-results");
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(
    path.join(outDir, `engine-${models.size}.json`),
    JSON.stringify({ throughputRatio, engineRates, directRates, chatResults }, null, 2),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
