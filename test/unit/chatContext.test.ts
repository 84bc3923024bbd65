// Grammar-constrained output, token counting and the chat context window, on the real tiny llama
// fixture (llama.cpp through node-llama-cpp, no mocks).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ChatTurnResult, LoadedModelInfo } from "../../src/common/engine/engineProtocol";
import type { ChatTurn } from "../../src/common/chat/chatTypes";
import { EngineError } from "../../src/common/engine/engineError";
import { LlamaEngine } from "../../src/engine/llama/llamaEngine";
import type { FixtureModels } from "../fixtures/fixtureModels";
import { ensureFixtureModels } from "../fixtures/fixtureModels";
import { createModel, engineStoreScope } from "../../src/engine/models/storeOperations";

/** A code block the fixture's byte-level vocabulary can spell (newlines are byte tokens). */
const codeBlock = "```js\nconsole.log(1)\n```";
const codeBlockGrammar = 'root ::= "```js\\nconsole.log(1)\\n```"';
/** A grammar that never completes, so the answer runs until something stops it. */
const endlessGrammar = 'root ::= "the cat " root';
const longLine = "the cat sat on the mat and the dog ran to the garden ";

const answerSchema = {
  type: "object",
  properties: {
    answer: { type: "string" },
    count: { type: "integer" },
    ok: { type: "boolean" },
    tags: { type: "array", items: { type: "string" } },
  },
  required: ["answer", "count", "ok", "tags"],
};

async function rejectsWith(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EngineError, String(error));
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return error;
  }
  assert.fail("expected the request to fail");
}

describe("chat context, grammars and token counts", function () {
  let fixtures: FixtureModels;
  let engine: LlamaEngine;
  let wide: LoadedModelInfo;
  let small: LoadedModelInfo;
  const logs: string[] = [];

  before(async () => {
    fixtures = await ensureFixtureModels();
    engine = new LlamaEngine({ defaultThreads: 1, gpu: false, log: (_level, message) => logs.push(message) });
    wide = await engine.loadModel({ model: fixtures.llama });
    small = await engine.loadModel({ model: fixtures.llama, contextSize: 256 });
    assert.notEqual(wide.modelId, small.modelId);
    assert.equal(small.contextSize, 256);
  });

  after(async () => {
    await engine.dispose();
  });

  describe("grammar-constrained output", () => {
    it("forces the output of a GBNF grammar in chat and completion modes", async () => {
      for (const mode of ["chat", "completion"] as const) {
        let streamed = "";
        const result = await engine.generate(
          { modelId: wide.modelId, prompt: "Write some code.", mode, options: { grammar: codeBlockGrammar, maxTokens: 60, temperature: 0.8, seed: 3 } },
          (text) => (streamed += text),
        );
        assert.equal(result.mode, mode);
        assert.equal(result.text, codeBlock, mode);
        assert.equal(streamed, result.text);
        assert.equal(result.stopReason, "endOfText", `${mode}: the grammar completes, so the answer ends by itself`);
      }
    });

    it("forces it in a chat session too, where the next turn is free again", async () => {
      const { sessionId } = await engine.chats.create({ modelId: wide.modelId });
      const constrained = await engine.chats.send({ sessionId, message: "Code please.", options: { grammar: codeBlockGrammar, maxTokens: 60 } }, () => undefined);
      assert.equal(constrained.text, codeBlock);
      const free = await engine.chats.send({ sessionId, message: "And now in words?", options: { maxTokens: 12, temperature: 0 } }, () => undefined);
      assert.notEqual(free.text, codeBlock);
      assert.equal(free.turns, 2);
      engine.chats.dispose(sessionId);
    });

    it("answers in JSON that parses and matches a JSON schema", async () => {
      const runs: Array<{ mode: "chat" | "completion"; text: string }> = [];
      for (const mode of ["chat", "completion"] as const) {
        const result = await engine.generate(
          { modelId: wide.modelId, prompt: "Reply in JSON.", mode, options: { jsonSchema: answerSchema, maxTokens: 300, seed: 7 } },
          () => undefined,
        );
        assert.notEqual(result.stopReason, "maxTokens", `${mode}: ${result.text}`);
        runs.push({ mode, text: result.text });
      }
      const { sessionId } = await engine.chats.create({ modelId: wide.modelId });
      const turn = await engine.chats.send({ sessionId, message: "Reply in JSON.", options: { jsonSchema: answerSchema, maxTokens: 300 } }, () => undefined);
      engine.chats.dispose(sessionId);
      runs.push({ mode: "chat", text: turn.text });
      for (const { mode, text } of runs) {
        const parsed = JSON.parse(text) as Record<string, unknown>;
        assert.deepEqual(Object.keys(parsed).sort(), ["answer", "count", "ok", "tags"], `${mode}: ${text}`);
        assert.equal(typeof parsed.answer, "string");
        assert.ok(Number.isInteger(parsed.count));
        assert.equal(typeof parsed.ok, "boolean");
        assert.ok(Array.isArray(parsed.tags) && parsed.tags.every((tag) => typeof tag === "string"));
      }
    });

    it("compiles a grammar once per model and text", async () => {
      const grammars = (engine as unknown as { models: Map<string, { grammars: Map<string, unknown> }> }).models.get(wide.modelId)!.grammars;
      const before = grammars.size;
      const params = { modelId: wide.modelId, prompt: "x", mode: "completion" as const, options: { grammar: 'root ::= "yes" | "no"' } };
      await engine.generate(params, () => undefined);
      await engine.generate(params, () => undefined);
      assert.equal(grammars.size, before + 1);
    });

    it("refuses a grammar or schema it cannot follow, in plain words, and the next request works", async () => {
      const ask = (options: Record<string, unknown>): Promise<unknown> =>
        engine.generate({ modelId: wide.modelId, prompt: "Hi", mode: "chat", options }, () => undefined);
      const unparsable = await rejectsWith(ask({ grammar: 'root ::= "yes" | maybe' }), "badRequest", /could not parse the grammar.*GBNF.*Fix the grammar/);
      assert.ok(unparsable.detail, "the technical message is kept for the log");
      await rejectsWith(ask({ grammar: 'answer ::= "yes"' }), "badRequest", /no "root" rule.*root ::=/);
      await rejectsWith(ask({ jsonSchema: { type: "object", properties: { when: { type: "date" } } } }), "badRequest", /#\/properties\/when.*"date".*Fix the schema/);
      await rejectsWith(ask({ jsonSchema: { anyOf: [{ type: "string" }] } }), "badRequest", /"anyOf" is not supported \(use "oneOf"\)/);
      await rejectsWith(ask({ grammar: codeBlockGrammar, jsonSchema: answerSchema }), "badRequest", /both a grammar and a JSON schema/);
      const next = await engine.generate({ modelId: wide.modelId, prompt: "Hi", mode: "chat", options: { maxTokens: 8, temperature: 0 } }, () => undefined);
      assert.ok(next.usage.outputTokens > 0);

      // A session is untouched by a refused turn.
      const { sessionId } = await engine.chats.create({ modelId: wide.modelId });
      await engine.chats.send({ sessionId, message: "One", options: { maxTokens: 6, temperature: 0 } }, () => undefined);
      await rejectsWith(
        engine.chats.send({ sessionId, message: "Two", options: { grammar: "root ::= (" } }, () => undefined),
        "badRequest",
        /could not parse the grammar/,
      );
      const after = await engine.chats.send({ sessionId, message: "Three", options: { maxTokens: 6, temperature: 0 } }, () => undefined);
      assert.equal(after.turns, 2);
      engine.chats.dispose(sessionId);
    });

    it("takes the constraint from options over defaults, never a mix of both", async () => {
      const result = await engine.generate(
        {
          modelId: wide.modelId,
          prompt: "Code?",
          mode: "completion",
          options: { grammar: codeBlockGrammar },
          defaults: { jsonSchema: answerSchema, maxTokens: 60 },
        },
        () => undefined,
      );
      assert.equal(result.text, codeBlock);
    });
  });

  describe("token counting", () => {
    it("counts with the model's own tokenizer, without BOS", async () => {
      const texts = ["", "hello", "hello world", longLine, longLine.repeat(4), "<s>naïve 中文 ```js"];
      const { counts, contextSize } = engine.countTokens({ modelId: wide.modelId, texts });
      assert.equal(contextSize, wide.contextSize);
      assert.equal(counts.length, texts.length);
      assert.equal(counts[0], 0);
      for (const count of counts.slice(1)) assert.ok(count > 0);
      assert.ok(counts[1]! < counts[2]! && counts[2]! < counts[3]! && counts[3]! < counts[4]!, counts.join());
      const llama = await engine.llama();
      const model = await llama.loadModel({ modelPath: fixtures.llama, gpuLayers: 0 });
      try {
        assert.deepEqual(counts, texts.map((text) => model.tokenize(text).length));
      } finally {
        await model.dispose();
      }
    });

    it("refuses more than it counts at once, and an unknown model", async () => {
      await assert.rejects(
        async () => engine.countTokens({ modelId: wide.modelId, texts: ["x".repeat(2_000_001)] }),
        (error: unknown) => error instanceof EngineError && error.code === "badRequest" && /smaller batches/.test(error.message),
      );
      assert.throws(() => engine.countTokens({ modelId: "m999", texts: ["x"] }), (error: unknown) => error instanceof EngineError && error.code === "modelNotLoaded");
    });
  });

  describe("the chat context window", () => {
    it("reuses the KV cache on ordinary turns", async () => {
      const { sessionId } = await engine.chats.create({ modelId: wide.modelId, systemPrompt: "You are a helpful assistant." });
      const first = await engine.chats.send({ sessionId, message: longLine, options: { maxTokens: 16, temperature: 0 } }, () => undefined);
      const second = await engine.chats.send({ sessionId, message: "And then?", options: { maxTokens: 16, temperature: 0 } }, () => undefined);
      engine.chats.dispose(sessionId);
      assert.equal(first.droppedTurns, 0);
      assert.equal(second.droppedTurns, 0);
      assert.equal(second.contextSize, wide.contextSize);
      assert.ok(second.usage.promptTokens > first.usage.promptTokens);
      assert.ok(
        second.usage.evaluatedPromptTokens * 2 < second.usage.promptTokens,
        `turn 2 evaluated ${second.usage.evaluatedPromptTokens} of ${second.usage.promptTokens} prompt tokens`,
      );
      assert.ok(second.contextTokens >= second.usage.promptTokens);
    });

    it("keeps a long conversation going on a small context by dropping the oldest turns", async () => {
      const maxTokens = 30;
      const reserve = maxTokens; // under a quarter of 256
      const { sessionId } = await engine.chats.create({ modelId: small.modelId, systemPrompt: "You are a helpful cat." });
      const results: ChatTurnResult[] = [];
      for (let i = 0; i < 14; i++) {
        const message = `${i} ${longLine}`;
        const result = await engine.chats.send({ sessionId, message, options: { maxTokens, temperature: 0 } }, () => undefined);
        const previous = results[results.length - 1];
        const messageTokens = engine.countTokens({ modelId: small.modelId, texts: [message] }).counts[0]!;
        assert.ok(result.usage.outputTokens > 0, `turn ${i} gave no answer`);
        assert.equal(result.contextSize, 256);
        assert.ok(result.contextTokens <= 256, `turn ${i}: ${result.contextTokens} tokens in a 256-token context`);
        assert.equal(result.turns, i + 1);
        if (result.droppedTurns === 0) {
          assert.ok(result.usage.promptTokens + reserve <= 256, `turn ${i} kept everything but has no room: ${result.usage.promptTokens}`);
        } else {
          assert.ok(previous, "nothing to drop on the first turn");
          // It dropped because the whole history, the message and the reserve would not fit.
          assert.ok(previous.contextTokens + messageTokens + reserve + 8 > 256, `turn ${i} dropped turns too early`);
          // The turns kept were reused from the KV cache, shifted into place.
          assert.ok(
            result.usage.evaluatedPromptTokens * 2 < result.usage.promptTokens,
            `turn ${i} evaluated ${result.usage.evaluatedPromptTokens} of ${result.usage.promptTokens} prompt tokens`,
          );
        }
        results.push(result);
      }
      engine.chats.dispose(sessionId);
      const dropped = results.map((result) => result.droppedTurns);
      const firstDrop = dropped.findIndex((count) => count > 0);
      assert.ok(firstDrop >= 2, `dropped too early: ${dropped.join()}`);
      assert.ok(dropped.slice(0, firstDrop).every((count) => count === 0));
      // Dropped turns stay dropped: each later turn drops about one pair, not the whole past again.
      assert.ok(dropped.slice(firstDrop).every((count) => count >= 0 && count <= 2), dropped.join());
      assert.ok(dropped.filter((count) => count > 0).length >= 5, dropped.join());
      assert.ok(logs.some((line) => /dropped the 1 oldest turn\(s\)/.test(line)));
    });

    it("refuses a message that cannot fit even alone, saying how big it is, and the session goes on", async () => {
      const { sessionId } = await engine.chats.create({ modelId: small.modelId, systemPrompt: "You are a helpful cat." });
      await engine.chats.send({ sessionId, message: "Hello", options: { maxTokens: 8, temperature: 0 } }, () => undefined);
      const huge = longLine.repeat(20);
      const messageTokens = engine.countTokens({ modelId: small.modelId, texts: [huge] }).counts[0]!;
      const error = await rejectsWith(
        engine.chats.send({ sessionId, message: huge }, () => undefined),
        "badRequest",
        /does not fit in the model's context window/,
      );
      assert.match(error.message, new RegExp(`it is ${messageTokens} tokens long`));
      assert.match(error.message, /the context holds 256/);
      assert.match(error.message, /Shorten the message.*hearth\.contextSize/);
      const next = await engine.chats.send({ sessionId, message: "Still there?", options: { maxTokens: 8, temperature: 0 } }, () => undefined);
      assert.equal(next.turns, 2);
      assert.equal(next.droppedTurns, 0);
      assert.ok(next.usage.outputTokens > 0);
      engine.chats.dispose(sessionId);
    });

    it("trims restored history that does not fit at the first send", async () => {
      const history: ChatTurn[] = [];
      for (let i = 0; i < 12; i++) {
        history.push({ role: "user", text: `${i} ${longLine}` }, { role: "assistant", text: `answer ${i} ${longLine}` });
      }
      const { sessionId } = await engine.chats.create({ modelId: small.modelId, systemPrompt: "You are a helpful cat.", history });
      const first = await engine.chats.send({ sessionId, message: "Where were we?", options: { maxTokens: 20, temperature: 0 } }, () => undefined);
      assert.ok(first.droppedTurns >= 8 && first.droppedTurns < 12, `dropped ${first.droppedTurns} of 12 restored turns`);
      assert.ok(first.contextTokens <= 256);
      assert.equal(first.turns, 13);
      const second = await engine.chats.send({ sessionId, message: "Go on.", options: { maxTokens: 20, temperature: 0 } }, () => undefined);
      assert.ok(second.droppedTurns <= 1, `the restored turns were dropped again: ${second.droppedTurns}`);
      engine.chats.dispose(sessionId);
    });

    it("ends an answer cleanly at the end of the context", async () => {
      const { sessionId } = await engine.chats.create({ modelId: small.modelId, systemPrompt: "You are a cat." });
      const endless = await engine.chats.send({ sessionId, message: "Talk forever.", options: { grammar: endlessGrammar } }, () => undefined);
      assert.equal(endless.stopReason, "maxTokens");
      assert.ok(endless.contextTokens <= 256 && endless.contextTokens > 200, `${endless.contextTokens}`);
      assert.ok(endless.text.startsWith("the cat the cat"));
      // No context shift happened in the middle of the turn: prompt and answer fit side by side.
      assert.ok(endless.usage.evaluatedPromptTokens <= endless.usage.promptTokens);
      assert.ok(endless.usage.promptTokens + endless.usage.outputTokens <= 256, JSON.stringify(endless.usage));
      const next = await engine.chats.send({ sessionId, message: "Stop.", options: { maxTokens: 8, temperature: 0 } }, () => undefined);
      assert.ok(next.usage.outputTokens > 0);
      assert.ok(next.contextTokens <= 256);
      engine.chats.dispose(sessionId);

      // A one-off generation past the end of the context goes on with node-llama-cpp's context shift.
      for (const mode of ["chat", "completion"] as const) {
        const result = await engine.generate(
          { modelId: small.modelId, prompt: "Talk forever.", mode, options: { grammar: endlessGrammar, maxTokens: 400 } },
          () => undefined,
        );
        assert.equal(result.stopReason, "maxTokens", mode);
        assert.equal(result.usage.outputTokens, 400, mode);
      }
    });

    it("keeps the profile's seeded MESSAGEs while older turns can go", async () => {
      const storeRoot = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-chat-context-"));
      const profiled = new LlamaEngine({ defaultThreads: 1, gpu: false, storeRoot });
      try {
        const seededQuestion = "What is the capital of france?";
        await createModel(
          engineStoreScope(profiled),
          {
            name: "seeded:test",
            modelfile: [
              `FROM ${fixtures.llama}`,
              "PARAMETER num_ctx 256",
              "PARAMETER temperature 0",
              'SYSTEM "You are a helpful cat."',
              `MESSAGE user "${seededQuestion}"`,
              'MESSAGE assistant "paris"',
            ].join("\n"),
            baseDir: storeRoot,
          },
          () => undefined,
          undefined,
        );
        const info = await profiled.loadModel({ model: "seeded:test" });
        assert.equal(info.contextSize, 256);
        const { sessionId } = await profiled.chats.create({ modelId: info.modelId });
        let droppedAny = false;
        for (let i = 0; i < 8; i++) {
          const result = await profiled.chats.send({ sessionId, message: `${i} ${longLine}`, options: { maxTokens: 30 } }, () => undefined);
          droppedAny ||= result.droppedTurns > 0;
        }
        assert.ok(droppedAny, "the conversation never had to drop turns");
        const record = (profiled.chats as unknown as { sessions: Map<string, { history: Array<{ type: string; text?: string }> }> }).sessions.get(sessionId)!;
        const texts = record.history.map((item) => `${item.type}:${item.text ?? ""}`);
        assert.equal(record.history[0]!.type, "system");
        assert.equal(texts[1], `user:${seededQuestion}`, texts.join(" | "));
        assert.equal(record.history[2]!.type, "model");
        assert.ok(!texts.includes(`user:0 ${longLine}`), "the oldest turn is gone");
      } finally {
        await profiled.dispose();
        fs.rmSync(storeRoot, { recursive: true, force: true });
      }
    });
  });
});
