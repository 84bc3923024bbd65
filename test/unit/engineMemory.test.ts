// Memory, through the engine process as the extension and the CLI use it: a model that cannot fit
// is refused before it is loaded, with the estimate and a smaller option; the memory a model took
// comes back when it is unloaded or replaced (the engine's own RSS, measured).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeRealisticModel } from "../../bench/models/realisticModels";
import type { RealisticModelSpec } from "../../bench/models/realisticModels";
import { ensureFixtureModels } from "../fixtures/fixtureModels";
import type { FixtureModels } from "../fixtures/fixtureModels";
import { createTestClient } from "../support/engineHarness";

const MiB = 2 ** 20;

/** A llama.cpp model of ~50 MiB (Q8_0, 4 layers 512 wide, 32k vocabulary): big enough that its pages show in RSS. */
const mediumSpec: RealisticModelSpec = {
  id: "medium-test-shape",
  shapedLike: "a small test model",
  purpose: "chat",
  quantization: "Q8_0",
  shape: { kind: "decoder", layers: 4, embd: 512, ff: 2048, heads: 8, kvHeads: 2, context: 4096, vocab: 32768 },
};

describe("engine memory", function () {
  this.timeout(180_000);
  let fixtures: FixtureModels;
  let dir: string;
  let medium: string;

  before(async () => {
    fixtures = await ensureFixtureModels();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-memory-"));
    medium = path.join(dir, "medium.gguf");
    await writeRealisticModel(mediumSpec, medium);
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a model that cannot fit before loading it, with the estimate and a context that fits", async () => {
    // 15 MiB: the tiny llama's weights (~0.8 MiB) fit with a 1,024-token context (~13 MiB), not with 2,048 (~24 MiB).
    const { client } = createTestClient({ env: { HEARTH_TEST_MEMORY_BYTES: String(15 * MiB) } });
    try {
      await assert.rejects(client.request("loadModel", { model: fixtures.llama, contextSize: 2048 }), (error: Error & { code?: string }) => {
        assert.equal(error.code, "outOfMemory");
        assert.match(error.message, /tiny-llama\.gguf needs about [\d.]+ MB of memory for a 2048-token context, but this machine has 15\.7 MB free of 15\.7 MB/);
        assert.match(error.message, /Hearth did not load it/);
        assert.match(error.message, /load it with a context of 1024 tokens/);
        return true;
      });
      const status = await client.request("status", {});
      assert.equal(status.models.length, 0, "nothing was loaded");
      // The context it suggested does load.
      const info = await client.request("loadModel", { model: fixtures.llama, contextSize: 1024 });
      assert.equal(info.contextSize, 1024);
    } finally {
      await client.dispose();
    }
  });

  it("names a file with fewer bits when not even the weights fit, and loads as usual with enough memory", async () => {
    const { client } = createTestClient({ env: { HEARTH_TEST_MEMORY_BYTES: String(MiB) } });
    try {
      await assert.rejects(client.request("loadModel", { model: medium, contextSize: 512 }), (error: Error & { code?: string }) => {
        assert.equal(error.code, "outOfMemory");
        assert.doesNotMatch(error.message, /context of \d+ tokens/);
        assert.match(error.message, /fewer bits per weight/);
        return true;
      });
    } finally {
      await client.dispose();
    }
  });

  it("gives back the memory of a model when it is unloaded or replaced, and does not grow over loads", async () => {
    const { client } = createTestClient();
    const rss = async (): Promise<number> => (await client.request("status", {})).rssBytes;
    const weights = fs.statSync(medium).size;
    const generate = (modelId: string) =>
      client.request("generate", { modelId, prompt: "The weights are read", mode: "completion", options: { maxTokens: 4, temperature: 0 } });
    try {
      const afterUnload: number[] = [];
      for (let cycle = 0; cycle < 6; cycle++) {
        const info = await client.request("loadModel", { model: medium, contextSize: 1024 });
        await generate(info.modelId);
        const loaded = await rss();
        await client.request("unloadModel", { modelId: info.modelId });
        const unloaded = await rss();
        // The weights' pages and the context's buffers go when the model goes.
        assert.ok(loaded - unloaded > weights * 0.7, `unloading gave back ${((loaded - unloaded) / MiB).toFixed(1)} MiB of a ${(weights / MiB).toFixed(0)} MiB model`);
        afterUnload.push(unloaded);
      }
      // What stays after the first loads (llama.cpp's pools, the JavaScript heap, which the collector
      // empties when it likes) stays level over further loads: measured here it moves by 5-20 MiB
      // either way with no trend, where leaking the weights or a context each time would add 50 or
      // ~10 MiB per load (200 or ~40 over these four).
      const growth = Math.max(...afterUnload.slice(2)) - afterUnload[1]!;
      assert.ok(growth < weights * 0.5, `RSS after unloading grew by ${(growth / MiB).toFixed(1)} MiB over four more loads`);

      // A switch: the medium model replaced by the tiny one.
      const medium2 = await client.request("loadModel", { model: medium, contextSize: 1024 });
      await generate(medium2.modelId);
      const withMedium = await rss();
      await client.request("unloadModel", { modelId: medium2.modelId });
      const tiny = await client.request("loadModel", { model: fixtures.llama, contextSize: 512 });
      await generate(tiny.modelId);
      const withTiny = await rss();
      assert.ok(withMedium - withTiny > weights * 0.6, `switching to the tiny model gave back ${((withMedium - withTiny) / MiB).toFixed(1)} MiB`);
    } finally {
      await client.dispose();
    }
  });
});
