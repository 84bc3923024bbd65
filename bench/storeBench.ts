// Model store benchmarks, printed as ratios against baselines measured in the same run:
//  1. download throughput of `pull` from a loopback server vs a raw stream copy of the same bytes
//     from the same server (what hashing, resume bookkeeping, verification and the manifest cost);
//  2. switching between two loaded models: the first token after switching model vs the first
//     token on the model used last.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { GgufSummary } from "../src/common/models/modelManifest";
import { pull } from "../src/engine/models/modelDownloader";
import { ModelStore } from "../src/engine/models/modelStore";
import { ensureFixtureModels } from "../test/fixtures/fixtureModels";
import { createTestClient, sharedStoriesModel } from "../test/support/engineHarness";
import { FixtureModelServer } from "../test/support/fixtureModelServer";
import { median } from "./support/benchSupport";

const rounds = Number(process.env.HEARTH_BENCH_ROUNDS) || 5;
const downloadBytes = (Number(process.env.HEARTH_BENCH_DOWNLOAD_MB) || 128) * 1024 * 1024;

const summary: GgufSummary = {
  name: null,
  architecture: "llama",
  parameters: 0,
  quantization: "F32",
  contextLength: 0,
  license: null,
  hasChatTemplate: false,
  embeddingLength: null,
  poolingType: null,
  supportsRanking: false,
};

async function downloadBench(): Promise<{ ratio: number; pullMBps: number; rawMBps: number }> {
  // A GGUF signature followed by pseudo-random bytes: the size of a small real model.
  const bytes = Buffer.alloc(downloadBytes);
  let seed = 12345;
  for (let i = 0; i < bytes.length; i += 4) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    bytes.writeUInt32LE(seed, i);
  }
  bytes.write("GGUF", 0, "ascii");
  const server = await FixtureModelServer.start();
  const served = server.serve("/files/bench-model.gguf", bytes);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-bench-store-"));
  const pullRates: number[] = [];
  const rawRates: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const rawFile = path.join(dir, `raw-${round}.bin`);
      const rawStart = performance.now();
      const response = await fetch(served.url);
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), fs.createWriteStream(rawFile));
      rawRates.push(bytes.length / ((performance.now() - rawStart) / 1000));
      fs.rmSync(rawFile);

      const store = new ModelStore(path.join(dir, `store-${round}`), { readGguf: async () => summary });
      const pullStart = performance.now();
      await pull(served.url, store, { name: `bench:r${round}` });
      pullRates.push(bytes.length / ((performance.now() - pullStart) / 1000));
      fs.rmSync(store.root, { recursive: true, force: true });
    }
  } finally {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const pullMBps = median(pullRates) / 1e6;
  const rawMBps = median(rawRates) / 1e6;
  return { ratio: pullMBps / rawMBps, pullMBps, rawMBps };
}

async function switchBench(): Promise<{ ratio: number; switchMs: number; sameMs: number }> {
  const fixtures = await ensureFixtureModels();
  const second = fs.existsSync(sharedStoriesModel) ? sharedStoriesModel : fixtures.llama;
  const { client } = createTestClient();
  const a = await client.request("loadModel", { model: fixtures.llama, contextSize: 1024 });
  const b =
    second === fixtures.llama
      ? await client.request("loadModel", { model: fixtures.llama, contextSize: 512 })
      : await client.request("loadModel", { model: second, contextSize: 1024 });
  const firstToken = async (modelId: string): Promise<number> => {
    const started = performance.now();
    let first: number | null = null;
    await client.request(
      "generate",
      { modelId, prompt: "Hello", mode: "completion", options: { maxTokens: 2, temperature: 0 } },
      { onChunk: () => (first ??= performance.now()) },
    );
    return (first ?? performance.now()) - started;
  };
  await firstToken(a.modelId);
  await firstToken(b.modelId);
  const switches: number[] = [];
  const same: number[] = [];
  for (let round = 0; round < rounds * 2; round++) {
    switches.push(await firstToken(round % 2 ? b.modelId : a.modelId));
    same.push(await firstToken(round % 2 ? b.modelId : a.modelId));
  }
  await client.dispose();
  return { ratio: median(switches) / median(same), switchMs: median(switches), sameMs: median(same) };
}

async function main(): Promise<void> {
  console.log(`Hearth model store benchmark — ${downloadBytes / 1024 / 1024} MB over loopback, ${rounds} rounds`);
  const download = await downloadBench();
  const switching = await switchBench();
  console.log("");
  console.log(`${"download throughput: pull / raw stream copy".padEnd(58)} ${download.ratio.toFixed(3).padStart(8)}`);
  console.log(`    (medians: pull ${download.pullMBps.toFixed(0)} MB/s, raw copy ${download.rawMBps.toFixed(0)} MB/s; pull also hashes, verifies and records)`);
  console.log(`${"first token after switching model / on the same model".padEnd(58)} ${`${switching.ratio.toFixed(2)}×`.padStart(8)}`);
  console.log(`    (medians: switch ${switching.switchMs.toFixed(1)} ms, same model ${switching.sameMs.toFixed(1)} ms; both models stay loaded)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
