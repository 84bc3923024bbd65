// Benchmarks of the local HTTP API, each a ratio against a baseline measured in the same run:
//  1. generation tokens/s through `hearth serve` (a separate process; streamed /api/generate read
//     by a client in this process) vs the engine called in this process, same model, threads,
//     prompt and sampling (target ≥ 0.9); both timed from the first streamed text to the end;
//  2. embedding requests per second through /api/embed (one text per request, one after another)
//     vs engine.embed in this process (target ≥ 0.5: each request pays HTTP, JSON and a token count);
//     and the same requests sent 8 at a time (information: they queue in the engine's scheduler), and
//     a bare HTTP round trip (GET /api/version) for what loopback HTTP costs by itself;
//  3. texts per second through /api/embed with a batch of 16 per request vs engine.embed in this
//     process with the same batches (target ≥ 0.9: a batch pays HTTP once).
// On the models HEARTH_BENCH_SIZE picks (bench/support/benchSupport.ts: tiny or realistic shapes).
// Runs alternate between the two sides and report medians, so a noisy neighbour hurts both.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LlamaEngine } from "../src/engine/llama/llamaEngine";
import { cliPath, ensureBuilt, repoRoot, servedUrl } from "../test/support/engineHarness";
import { benchModels, median } from "./support/benchSupport";

const rounds = Number(process.env.HEARTH_BENCH_ROUNDS) || 5;
const maxTokens = Number(process.env.HEARTH_BENCH_TOKENS) || 256;
const embedRequests = Number(process.env.HEARTH_BENCH_EMBEDS) || 60;
let threads = 1;

async function startServer(home: string): Promise<{ url: string; stop: () => Promise<void> }> {
  ensureBuilt();
  const child = spawn(process.execPath, [cliPath, "serve", "--host", "127.0.0.1:0", "--threads", String(threads), "--ctx", "2048"], {
    env: { ...process.env, HEARTH_MODELS_PATH: home, HEARTH_GPU: "off", HEARTH_LOCALE: "en" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await servedUrl(child);
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.on("exit", () => resolve());
        child.kill("SIGINT");
      }),
  };
}

async function post(url: string, body: unknown): Promise<Response> {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response;
}

/** The rates `hearth serve` reported itself (eval_count / eval_duration), for the log. */
const serverRates: number[] = [];

/** Tokens per second of a streamed /api/generate, from the first text to the last line. */
async function apiTokensPerSecond(url: string, prompt: string): Promise<number> {
  const response = await post(`${url}/api/generate`, {
    model: "bench",
    prompt,
    raw: true,
    stream: true,
    options: { temperature: 0, num_predict: maxTokens },
  });
  const decoder = new TextDecoder();
  let buffer = "";
  let first = 0;
  let tokens = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    const lines = buffer.split("\n");
    buffer = lines.pop() ?? "";
    for (const line of lines) {
      if (!line) continue;
      const part = JSON.parse(line) as { response?: string; done: boolean; eval_count?: number; eval_duration?: number };
      if (!part.done && part.response && first === 0) first = performance.now();
      if (part.done) {
        tokens = part.eval_count ?? 0;
        serverRates.push(tokens / ((part.eval_duration ?? 1) / 1e9));
      }
    }
  }
  return tokens / ((performance.now() - first) / 1000);
}

async function main(): Promise<void> {
  const models = await benchModels();
  threads = models.threads;
  const modelPath = models.chat;
  const prompt = "Once upon a time";
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-api-bench-"));
  const engine = new LlamaEngine({ defaultThreads: threads, gpu: false, storeRoot: home });
  await engine.store.importFile(modelPath, "bench", { mode: "link" });
  await engine.store.importFile(models.embedding, "bench-embed", { mode: "link" });
  console.log(
    `Hearth local API benchmark — ${models.label}: model ${path.basename(modelPath)}, ${maxTokens} tokens, ${rounds} rounds; ` +
      `${embedRequests} embedding requests per round`,
  );
  const server = await startServer(home);
  try {
    // 1. Generation throughput.
    const info = await engine.loadModel({ model: "bench", threads, contextSize: 2048 });
    const inProcess = async (): Promise<number> => {
      let first = 0;
      const result = await engine.generate(
        { modelId: info.modelId, prompt, mode: "completion", options: { maxTokens, temperature: 0 } },
        () => {
          if (first === 0) first = performance.now();
        },
      );
      return result.usage.outputTokens / ((performance.now() - first) / 1000);
    };
    await inProcess();
    await apiTokensPerSecond(server.url, prompt);
    const apiRates: number[] = [];
    const directRates: number[] = [];
    for (let round = 0; round < rounds; round++) {
      directRates.push(await inProcess());
      apiRates.push(await apiTokensPerSecond(server.url, prompt));
    }
    await engine.unloadModel(info.modelId);

    // 2. Embedding requests per second.
    const embedInfo = await engine.loadModel({ model: "bench-embed", threads });
    const texts = Array.from({ length: embedRequests }, (_, index) => `the ${index}th line of a small file about cats and mats`);
    const embedDirect = async (): Promise<number> => {
      const started = performance.now();
      for (const text of texts) await engine.embed({ modelId: embedInfo.modelId, texts: [text] });
      return texts.length / ((performance.now() - started) / 1000);
    };
    const embedApi = async (concurrency: number): Promise<number> => {
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < texts.length) {
            const text = texts[next++]!;
            await (await post(`${server.url}/api/embed`, { model: "bench-embed", input: text })).json();
          }
        }),
      );
      return texts.length / ((performance.now() - started) / 1000);
    };
    /** Requests per second of GET /api/version: what HTTP on loopback costs by itself. */
    const versionRate = async (): Promise<number> => {
      const started = performance.now();
      for (let i = 0; i < texts.length; i++) await (await fetch(`${server.url}/api/version`)).json();
      return texts.length / ((performance.now() - started) / 1000);
    };
    const batch = 16;
    const embedDirectBatched = async (): Promise<number> => {
      const started = performance.now();
      for (let i = 0; i < texts.length; i += batch) await engine.embed({ modelId: embedInfo.modelId, texts: texts.slice(i, i + batch), priority: "interactive" });
      return texts.length / ((performance.now() - started) / 1000);
    };
    const embedApiBatched = async (): Promise<number> => {
      const started = performance.now();
      for (let i = 0; i < texts.length; i += batch) await (await post(`${server.url}/api/embed`, { model: "bench-embed", input: texts.slice(i, i + batch) })).json();
      return texts.length / ((performance.now() - started) / 1000);
    };
    await embedDirect();
    await embedApi(1);
    await embedApiBatched();
    const versionRates: number[] = [];
    const embedDirectRates: number[] = [];
    const embedApiRates: number[] = [];
    const embedApiConcurrentRates: number[] = [];
    const batchDirectRates: number[] = [];
    const batchApiRates: number[] = [];
    for (let round = 0; round < rounds; round++) {
      batchDirectRates.push(await embedDirectBatched());
      batchApiRates.push(await embedApiBatched());
      embedDirectRates.push(await embedDirect());
      embedApiRates.push(await embedApi(1));
      embedApiConcurrentRates.push(await embedApi(8));
      versionRates.push(await versionRate());
    }

    const throughputRatio = median(apiRates) / median(directRates);
    const embedRatio = median(embedApiRates) / median(embedDirectRates);
    const line = (name: string, value: string, target: string, ok: boolean): string =>
      `${name.padEnd(58)} ${value.padStart(8)}   target ${target.padEnd(7)} ${ok ? "ok" : "MISSED"}`;
    console.log("");
    console.log(line("generation tok/s: HTTP API (streamed) / engine in-process", throughputRatio.toFixed(3), "≥ 0.9", throughputRatio >= 0.9));
    console.log(
      `    (medians: API ${median(apiRates).toFixed(0)} tok/s as the client reads them, ${median(serverRates).toFixed(0)} tok/s as the server reports; ` +
        `in-process ${median(directRates).toFixed(0)} tok/s)`,
    );
    console.log(line("embedding requests/s: /api/embed / engine.embed in-process", embedRatio.toFixed(3), "≥ 0.5", embedRatio >= 0.5));
    console.log(
      `    (medians: API ${median(embedApiRates).toFixed(0)} req/s one at a time, ${median(embedApiConcurrentRates).toFixed(0)} req/s 8 at a time; ` +
        `in-process ${median(embedDirectRates).toFixed(0)} embeds/s; ` +
        `HTTP adds ${(1000 / median(embedApiRates) - 1000 / median(embedDirectRates)).toFixed(2)} ms per request, ` +
        `of which a bare round trip (GET /api/version) takes ${(1000 / median(versionRates)).toFixed(2)} ms)`,
    );
    const batchRatio = median(batchApiRates) / median(batchDirectRates);
    console.log(line(`embedded texts/s, batches of ${batch}: /api/embed / in-process`, batchRatio.toFixed(3), "≥ 0.9", batchRatio >= 0.9));
    console.log(`    (medians: API ${median(batchApiRates).toFixed(1)} texts/s, in-process ${median(batchDirectRates).toFixed(1)} texts/s)`);
    const outDir = path.join(repoRoot, ".bench-results");
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(
      path.join(outDir, `api-${models.size}.json`),
      JSON.stringify({ throughputRatio, apiRates, serverRates, directRates, embedRatio, embedApiRates, embedApiConcurrentRates, embedDirectRates, versionRates, batchRatio, batchApiRates, batchDirectRates }, null, 2),
    );
  } finally {
    await server.stop();
    await engine.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
