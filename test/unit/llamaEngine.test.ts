// The engine in-process (as the CLI runs it): exact cancellation, completion mode, LoRA, a trained model.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { LlamaEngine } from "../../src/engine/llama/llamaEngine";
import { resolveContextSize } from "../../src/engine/llama/modelInspection";
import type { FixtureModels } from "../fixtures/fixtureModels";
import { ensureFixtureModels } from "../fixtures/fixtureModels";
import { sharedStoriesModel } from "../support/engineHarness";

describe("LlamaEngine in-process", function () {
  let fixtures: FixtureModels;
  let engine: LlamaEngine;

  before(async () => {
    fixtures = await ensureFixtureModels();
    engine = new LlamaEngine({ defaultThreads: 1, gpu: false });
  });

  after(async () => {
    await engine.dispose();
  });

  it("names a model loaded from a file by the file, not by its GGUF's general.name", async () => {
    const info = await engine.loadModel({ model: fixtures.llama });
    assert.equal(info.name, path.basename(fixtures.llama, ".gguf"));
    assert.equal(info.storeName, null);
  });

  it("stops within one token of the cancel", async () => {
    const info = await engine.loadModel({ model: fixtures.llama });
    const controller = new AbortController();
    let tokensAtAbort = 0;
    let chunks = 0;
    const result = await engine.generate(
      { modelId: info.modelId, prompt: "A long story", mode: "completion", options: { maxTokens: 1000, temperature: 0.7, seed: 5 } },
      () => {
        chunks++;
        if (chunks === 5) {
          controller.abort();
          tokensAtAbort = chunks;
        }
      },
      controller.signal,
    );
    assert.equal(result.stopReason, "cancelled");
    assert.ok(result.usage.outputTokens <= tokensAtAbort + 2, `${result.usage.outputTokens} tokens, aborted at ${tokensAtAbort}`);
  });

  it("lets a chat turn in between the texts of a background embedding batch, and embeds them as one by one", async () => {
    const embedder = await engine.loadModel({ model: fixtures.embedding });
    const llama = await engine.loadModel({ model: fixtures.llama });
    const texts = Array.from({ length: 48 }, (_, i) => `function number${i}() { return ${i}; }`);
    const order: string[] = [];
    const batch = engine.embed({ modelId: embedder.modelId, texts, priority: "background" }).then((result) => {
      order.push("batch");
      return result;
    });
    await new Promise((resolve) => setImmediate(resolve)); // the batch's first text has started
    const turn = engine
      .generate({ modelId: llama.modelId, prompt: "Hello", mode: "completion", options: { maxTokens: 2, temperature: 0 } }, () => undefined, undefined)
      .then(() => order.push("chat"));
    const [result] = await Promise.all([batch, turn]);
    assert.deepEqual(order, ["chat", "batch"], "the chat turn waited for the whole batch");
    assert.equal(result.vectors.length, texts.length);
    const single = await engine.embed({ modelId: embedder.modelId, texts: [texts[7]!], priority: "interactive" });
    assert.deepEqual(result.vectors[7], single.vectors[0]);
  });

  it("continues raw text in completion mode and reports figures", async () => {
    const info = await engine.loadModel({ model: fixtures.llama });
    const result = await engine.generate(
      { modelId: info.modelId, prompt: "The quick brown fox", mode: "completion", options: { maxTokens: 12, temperature: 0 } },
      () => undefined,
    );
    assert.equal(result.mode, "completion");
    assert.equal(result.stopReason === "maxTokens" || result.stopReason === "endOfText", true);
    assert.ok(result.usage.promptTokens >= 4);
    assert.equal(result.usage.evaluatedPromptTokens + result.usage.reusedPromptTokens, result.usage.promptTokens);
    assert.ok(result.usage.tokensPerSecond > 0);
  });

  it("honours stop sequences", async () => {
    const info = await engine.loadModel({ model: fixtures.llama });
    const free = await engine.generate(
      { modelId: info.modelId, prompt: "Count", mode: "completion", options: { maxTokens: 40, temperature: 0 } },
      () => undefined,
    );
    const words = free.text.trim().split(/\s+/);
    assert.ok(words.length >= 5, `the fixture produced too little text to test stops: ${JSON.stringify(free.text)}`);
    // A stop string that begins with a space: node-llama-cpp 3.21.1's own triggers miss these.
    const stopAt = ` ${words[3]!}`;
    let streamed = "";
    const stopped = await engine.generate(
      { modelId: info.modelId, prompt: "Count", mode: "completion", options: { maxTokens: 40, temperature: 0, stop: [stopAt] } },
      (text) => (streamed += text),
    );
    assert.equal(streamed, stopped.text, "what streamed is what the result says");
    assert.ok(free.text.startsWith(stopped.text), "the text up to the stop is unchanged");
    assert.equal(stopped.stopReason, "stopSequence");
    assert.ok(!stopped.text.includes(stopAt));
    assert.ok(stopped.text.length < free.text.length);
  });

  it("applies a LoRA adapter, which changes the output", async () => {
    const plain = await engine.loadModel({ model: fixtures.llama });
    const adapted = await engine.loadModel({ model: fixtures.llama, loraAdapters: [{ path: fixtures.lora, scale: 1 }] });
    assert.notEqual(plain.modelId, adapted.modelId);
    const params = { prompt: "Once", mode: "completion" as const, options: { maxTokens: 24, temperature: 0 } };
    const a = await engine.generate({ ...params, modelId: plain.modelId }, () => undefined);
    const b = await engine.generate({ ...params, modelId: adapted.modelId }, () => undefined);
    assert.notEqual(a.text, b.text);
    await engine.unloadModel(adapted.modelId);
  });

  it("reuses an already loaded model for the same file and settings", async () => {
    const a = await engine.loadModel({ model: fixtures.llama });
    const b = await engine.loadModel({ model: fixtures.llama });
    assert.equal(a.modelId, b.modelId);
  });

  it("picks the context size from the setting or the model", () => {
    assert.equal(resolveContextSize(0, 2048), 2048);
    assert.equal(resolveContextSize(undefined, 32768), 4096);
    assert.equal(resolveContextSize(8192, 32768), 8192);
    assert.equal(resolveContextSize(0, null), 4096);
  });

  const storiesIt = fs.existsSync(sharedStoriesModel) ? it : it.skip;
  storiesIt("writes a story with the trained stories260K model (../shared/models)", async () => {
    const info = await engine.loadModel({ model: sharedStoriesModel });
    assert.equal(info.hasChatTemplate, false);
    // Named by its file, not by its GGUF's general.name ("llama"), which many files share.
    assert.equal(info.name, "stories260K");
    let streamed = "";
    const result = await engine.generate(
      { modelId: info.modelId, prompt: "Once upon a time", options: { maxTokens: 60, temperature: 0 } },
      (text) => (streamed += text),
    );
    assert.equal(result.mode, "completion");
    assert.equal(streamed, result.text);
    const words = result.text.split(/\s+/).filter((word) => /^[A-Za-z]+[.,!?"]*$/.test(word));
    assert.ok(words.length >= 10, `expected English words, got ${JSON.stringify(result.text)}`);
  });
});
