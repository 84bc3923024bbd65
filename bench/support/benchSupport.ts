// What the benchmarks share: medians, node-llama-cpp called directly in the bench's own process (the
// baseline Hearth's engine is compared with), and a CPU-bound neighbour process.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// A bench run alone (node --import tsx bench/xBench.ts) keeps out of the user's ~/.hearth too: the
// engines it starts register under a temporary HEARTH_HOME, removed when it exits.
if (!process.env.HEARTH_HOME) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-bench-home-"));
  process.env.HEARTH_HOME = home;
  process.on("exit", () => fs.rmSync(home, { recursive: true, force: true }));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface DirectModel {
  /** Tokens/s of one completion of `maxTokens` from a cleared sequence, timed from its first text. */
  generate(prompt: string, maxTokens: number): Promise<number>;
  /** Milliseconds to evaluate `prompt` and produce one token, from a cleared sequence. */
  promptMs(prompt: string): Promise<{ ms: number; tokens: number }>;
  /** One chat turn on a reused session; `systemPrompt` starts a new conversation. Milliseconds to the first text. */
  chatTurn(message: string, systemPrompt?: string, maxTokens?: number): Promise<number>;
  tokenCount(text: string): number;
  dispose(): Promise<void>;
}

let llamaInstance: Promise<import("node-llama-cpp").Llama> | undefined;

/** One llama.cpp binding for the whole bench (each getLlama adds an exit hook to the process). */
export function directLlama(): Promise<import("node-llama-cpp").Llama> {
  llamaInstance ??= import("node-llama-cpp").then(({ getLlama }) => getLlama({ gpu: false, build: "never", logLevel: "error" as never }));
  return llamaInstance;
}

/**
 * node-llama-cpp in this process, as an application would call it: `threads` undefined leaves the
 * choice to node-llama-cpp (its default), a number fixes it.
 */
export async function directModel(modelPath: string, options: { threads: number | undefined; contextSize: number; batchSize?: number }): Promise<DirectModel> {
  const { LlamaChatSession, LlamaCompletion } = await import("node-llama-cpp");
  const llama = await directLlama();
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  const context = await model.createContext({
    sequences: 2,
    contextSize: options.contextSize,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
  });
  const completionSequence = context.getSequence();
  const completion = new LlamaCompletion({ contextSequence: completionSequence });
  const session = new LlamaChatSession({ contextSequence: context.getSequence() });
  return {
    async generate(prompt, maxTokens) {
      await completionSequence.clearHistory();
      let first = 0;
      let tokens = 0;
      await completion.generateCompletionWithMeta(prompt, {
        maxTokens,
        temperature: 0,
        onTextChunk: () => {
          if (first === 0) first = performance.now();
        },
        onToken: (chunk) => {
          if (first !== 0) tokens += chunk.length;
        },
      });
      return tokens / ((performance.now() - first) / 1000);
    },
    async promptMs(prompt) {
      await completionSequence.clearHistory();
      const started = performance.now();
      await completion.generateCompletionWithMeta(prompt, { maxTokens: 1, temperature: 0 });
      return { ms: performance.now() - started, tokens: model.tokenize(prompt).length };
    },
    async chatTurn(message, systemPrompt, maxTokens = 24) {
      if (systemPrompt !== undefined) session.setChatHistory(session.chatWrapper.generateInitialChatHistory({ systemPrompt }));
      const started = performance.now();
      let first = 0;
      await session.prompt(message, {
        maxTokens,
        temperature: 0,
        onTextChunk: (text) => {
          if (first === 0 && text) first = performance.now();
        },
      });
      return (first || performance.now()) - started;
    },
    tokenCount: (text) => model.tokenize(text).length,
    async dispose() {
      session.dispose();
      completion.dispose();
      await context.dispose();
      await model.dispose();
    },
  };
}

/** A process that keeps one core busy (what a laptop's other work, or a build, does). */
export function busyNeighbour(): { stop: () => Promise<void> } {
  const child: ChildProcess = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
  return {
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}

/** A prompt of about `tokens` tokens of code-like English. */
export function longPrompt(tokens: number, countTokens: (text: string) => number): string {
  const lines = [
    "export function parseConfig(path: string): Config {",
    "  const text = readFileSync(path, 'utf8'); // the user's settings file",
    "  if (!text.trim()) throw new Error(`the file ${path} is empty: write a JSON object in it`);",
    "  return validate(JSON.parse(text), { strict: true, defaults: defaultConfig });",
    "}",
    "Review this code for bugs, missing error handling and unclear names, and explain each finding.",
  ];
  let prompt = "";
  let index = 0;
  while (countTokens(prompt) < tokens) {
    for (let i = 0; i < 20; i++) prompt += `${lines[index++ % lines.length]!.replace("parseConfig", `parseConfig${index}`)}\n`;
  }
  return prompt;
}

/** The models a benchmark runs on: today's tiny ones (CI speed, overhead) or realistic shapes. */
export interface BenchModels {
  readonly size: "tiny" | "realistic";
  /** For the output: which models these are. */
  readonly label: string;
  readonly chat: string;
  readonly embedding: string;
  readonly threads: number;
}

/**
 * HEARTH_BENCH_SIZE picks the set: "tiny" (default; stories260K or the fixture llama, the fixture
 * BERT, 1 thread) or "realistic" (the Qwen2.5-Coder-0.5B shape, or HEARTH_BENCH_CHAT_SHAPE, and the
 * bge-small shape, at the physical cores). `npm run bench` runs every benchmark on both.
 */
export async function benchModels(): Promise<BenchModels> {
  const { ensureFixtureModels } = await import("../../test/fixtures/fixtureModels");
  const { sharedStoriesModel } = await import("../../test/support/engineHarness");
  const { ensureRealisticModel } = await import("../models/realisticModels");
  const { physicalCoreCount } = await import("../../src/node/machine");
  const fs = await import("node:fs");
  if (process.env.HEARTH_BENCH_SIZE === "realistic") {
    const chatShape = process.env.HEARTH_BENCH_CHAT_SHAPE || "qwen2.5-coder-0.5b-shape-q8_0";
    const chat = await ensureRealisticModel(chatShape);
    const embedding = await ensureRealisticModel("bge-small-shape-q8_0");
    const threads = physicalCoreCount();
    return { size: "realistic", label: `realistic shapes (${chatShape}, bge-small-shape-q8_0), ${threads} threads`, chat, embedding, threads };
  }
  const fixtures = await ensureFixtureModels();
  const chat = fs.existsSync(sharedStoriesModel) ? sharedStoriesModel : fixtures.llama;
  return { size: "tiny", label: "tiny models (overhead, not inference), 1 thread", chat, embedding: fixtures.embedding, threads: 1 };
}
