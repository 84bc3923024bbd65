// Code completion (fill-in-the-middle) in the engine, in-process on the tiny code fixture (the tiny
// llama with Qwen2.5-Coder's FIM tokens marked): text back, the refusal without FIM tokens, KV reuse
// while typing, budgets, cancellation (by the caller and by a newer request), stop sequences, and a
// chat answer streaming on the same model that does not hold a completion back.
import * as assert from "node:assert/strict";
import { EngineError } from "../../src/common/engine/engineError";
import type { LoadedModelInfo } from "../../src/common/engine/engineProtocol";
import { LlamaEngine } from "../../src/engine/llama/llamaEngine";
import type { FixtureModels } from "../fixtures/fixtureModels";
import { ensureFixtureModels } from "../fixtures/fixtureModels";

const prefix = "import { readFile } from \"node:fs\";\n\nexport function add(a: number, b: number): number {\n  return a";
const suffix = ";\n}\n\nexport function sub(a: number, b: number): number {\n  return a - b;\n}\n";

describe("engine infill (code completion)", function () {
  let fixtures: FixtureModels;
  let engine: LlamaEngine;
  let code: LoadedModelInfo;

  before(async () => {
    fixtures = await ensureFixtureModels();
    engine = new LlamaEngine({ defaultThreads: 1, gpu: false });
    code = await engine.loadModel({ model: fixtures.code });
  });

  after(async () => {
    await engine.dispose();
  });

  it("says which models can complete code, loaded and inspected", async () => {
    assert.equal(code.supportsInfill, true);
    assert.equal((await engine.inspect({ modelPath: fixtures.code })).supportsInfill, true);
    assert.equal((await engine.inspect({ modelPath: fixtures.llama })).supportsInfill, false);
  });

  it("completes code on a model with FIM tokens", async () => {
    const chunks: string[] = [];
    const result = await engine.infill({ modelId: code.modelId, prefix, suffix, options: { maxTokens: 12 } }, (text) => chunks.push(text));
    assert.ok(result.text.trim().length > 0, JSON.stringify(result.text));
    assert.equal(chunks.join(""), result.text);
    assert.equal(result.stopReason, "maxTokens");
    assert.equal(result.usage.outputTokens, 12);
    assert.ok(result.usage.promptTokens > 40, `${result.usage.promptTokens} prompt tokens`);
  });

  it("refuses a model without FIM tokens, naming a code model to pull", async () => {
    const llama = await engine.loadModel({ model: fixtures.llama });
    assert.equal(llama.supportsInfill, false);
    await assert.rejects(engine.infill({ modelId: llama.modelId, prefix, suffix }, () => undefined), (error: unknown) => {
      assert.ok(error instanceof EngineError);
      assert.equal(error.code, "notSupported");
      assert.match(error.message, /cannot complete code/);
      assert.match(error.message, /qwen2\.5-coder:1\.5b/);
      return true;
    });
  });

  it("re-evaluates only what a keystroke changed: the extra context and the rest come from the KV cache", async () => {
    const extra = [{ path: "src/math.ts", text: "export const zero = 0;\nexport function neg(x: number): number {\n  return -x;\n}\n" }];
    const options = { maxTokens: 4 };
    const first = await engine.infill({ modelId: code.modelId, prefix: `${prefix} + b`, suffix, extra, path: "src/add.ts", options }, () => undefined);
    const typed = [" ", "+", " ", "c"];
    let text = `${prefix} + b`;
    for (const character of typed) {
      text += character;
      const next = await engine.infill({ modelId: code.modelId, prefix: text, suffix, extra, path: "src/add.ts", options }, () => undefined);
      // One character typed changes at most the last two tokens of the line; one more is evaluated for its logits.
      assert.ok(next.usage.evaluatedPromptTokens <= 3, `${JSON.stringify(character)}: ${next.usage.evaluatedPromptTokens} evaluated`);
      assert.ok(next.usage.reusedPromptTokens >= first.usage.promptTokens - 3, `${next.usage.reusedPromptTokens} reused of ${next.usage.promptTokens}`);
    }
    // The first request had nothing in its cache that matches the extra context.
    assert.ok(first.usage.evaluatedPromptTokens > 60, `${first.usage.evaluatedPromptTokens} evaluated first`);
  });

  it("keeps the end of the prefix and the start of the suffix within the token budgets", async () => {
    const longPrefix = Array.from({ length: 200 }, (_, i) => `const value${i} = ${i};\n`).join("") + "const total = value1";
    const longSuffix = ";\n" + Array.from({ length: 200 }, (_, i) => `console.log(value${i});\n`).join("");
    const wide = await engine.infill({ modelId: code.modelId, prefix: longPrefix, suffix: longSuffix, options: { maxTokens: 1 } }, () => undefined);
    const narrow = await engine.infill(
      { modelId: code.modelId, prefix: longPrefix, suffix: longSuffix, options: { maxTokens: 1, prefixTokens: 64, suffixTokens: 32 } },
      () => undefined,
    );
    assert.equal(narrow.truncated, true);
    assert.ok(narrow.usage.promptTokens <= 64 + 32 + 4, `${narrow.usage.promptTokens} prompt tokens`);
    assert.ok(wide.usage.promptTokens > narrow.usage.promptTokens * 4, `${wide.usage.promptTokens} against ${narrow.usage.promptTokens}`);
  });

  it("stops within one token of the caller's cancel", async () => {
    const controller = new AbortController();
    let tokensAtAbort = 0;
    let chunks = 0;
    const result = await engine.infill(
      { modelId: code.modelId, prefix, suffix: "", options: { maxTokens: 1000, timeoutMs: 600_000 } },
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
    assert.ok(result.usage.outputTokens <= tokensAtAbort + 1, `${result.usage.outputTokens} tokens, aborted at ${tokensAtAbort}`);
  });

  it("cancels the completion in flight when a newer one arrives for the same model", async () => {
    let newer: Promise<unknown> | undefined;
    const older = await engine.infill(
      { modelId: code.modelId, prefix, suffix, options: { maxTokens: 1000, timeoutMs: 600_000 } },
      () => {
        newer ??= engine.infill({ modelId: code.modelId, prefix: `${prefix} `, suffix, options: { maxTokens: 3 } }, () => undefined);
      },
    );
    assert.equal(older.stopReason, "cancelled");
    assert.ok(older.usage.outputTokens <= 2, `${older.usage.outputTokens} tokens after the newer request`);
    const result = (await newer) as { stopReason: string; usage: { outputTokens: number } };
    assert.equal(result.stopReason, "maxTokens");
    assert.equal(result.usage.outputTokens, 3);
  });

  it("caps the time: a completion past timeoutMs ends with what it has", async () => {
    const result = await engine.infill({ modelId: code.modelId, prefix, suffix, options: { maxTokens: 100_000, timeoutMs: 1 } }, () => undefined);
    assert.equal(result.stopReason, "maxTokens");
    assert.ok(result.usage.outputTokens < 100_000);
  });

  it("ends at a stop sequence, which never reaches the caller", async () => {
    const request = { modelId: code.modelId, prefix, suffix, options: { maxTokens: 24 } };
    const free = await engine.infill(request, () => undefined);
    const words = free.text.trim().split(/\s+/);
    assert.ok(words.length >= 4, JSON.stringify(free.text));
    const stop = ` ${words[3]!}`;
    const cut = free.text.slice(0, free.text.indexOf(stop));
    const stopped = await engine.infill({ ...request, options: { ...request.options, stop: [stop] } }, () => undefined);
    assert.equal(stopped.stopReason, "stopSequence");
    assert.equal(stopped.text, cut);
  });

  it("warms the cache without generating (maxTokens 0), so the next request evaluates one token", async () => {
    const warmPrefix = `${prefix} * 2`;
    const warm = await engine.infill({ modelId: code.modelId, prefix: warmPrefix, suffix, options: { maxTokens: 0 } }, () => undefined);
    assert.equal(warm.text, "");
    assert.equal(warm.usage.outputTokens, 0);
    const next = await engine.infill({ modelId: code.modelId, prefix: warmPrefix, suffix, options: { maxTokens: 2 } }, () => undefined);
    assert.equal(next.usage.evaluatedPromptTokens, 1);
  });

  it("is not held back by a chat answer streaming on the same model", async () => {
    const chatController = new AbortController();
    let chatChunks = 0;
    let chatDone = false;
    let firstChunk!: () => void;
    const started = new Promise<void>((resolve) => (firstChunk = resolve));
    const chat = engine
      .generate(
        { modelId: code.modelId, prompt: "Tell a long story", mode: "completion", options: { maxTokens: 1800 } },
        () => {
          chatChunks++;
          if (chatChunks === 1) firstChunk();
        },
        chatController.signal,
      )
      .finally(() => (chatDone = true));
    await started;
    const completion = await engine.infill({ modelId: code.modelId, prefix, suffix, options: { maxTokens: 8 } }, () => undefined);
    const chunksAtCompletion = chatChunks;
    assert.equal(completion.usage.outputTokens, 8);
    assert.equal(chatDone, false, "the completion waited for the whole chat answer");
    chatController.abort();
    const answer = await chat;
    assert.equal(answer.stopReason, "cancelled");
    assert.ok(chunksAtCompletion < 1800);
  });
});
