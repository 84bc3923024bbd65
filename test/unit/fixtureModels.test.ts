// The fixture-model generator and the models themselves, through real llama.cpp (node-llama-cpp).

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import type { Llama, LlamaContext, LlamaModel } from "node-llama-cpp";
import { buildFixtureModelBytes, ensureFixtureModels, fixtureModelsDir, generateFixtureModels } from "../fixtures/fixtureModels";
import type { FixtureModels } from "../fixtures/fixtureModels";
import {
  encodeGguf,
  ggufBool,
  ggufFloat32,
  ggufFloat32Array,
  ggufInt32,
  ggufInt32Array,
  ggufString,
  ggufStringArray,
  ggufUint32,
  ggufUint64,
} from "../fixtures/ggufWriter";

type NodeLlamaCpp = typeof import("node-llama-cpp");

const modelKeys = ["llama", "embedding", "reranker", "lora", "toolChat", "code"] as const;

async function sha256Of(file: string): Promise<string> {
  return createHash("sha256").update(await fs.readFile(file)).digest("hex");
}

async function hashesOf(models: FixtureModels): Promise<Record<keyof FixtureModels, string>> {
  return {
    llama: await sha256Of(models.llama),
    embedding: await sha256Of(models.embedding),
    reranker: await sha256Of(models.reranker),
    lora: await sha256Of(models.lora),
    toolChat: await sha256Of(models.toolChat),
    code: await sha256Of(models.code),
  };
}

/** Printable ASCII (plus newline and tab): no replacement characters, no control or byte garbage. */
function assertPrintable(text: string): void {
  assert.match(text, /^[\x20-\x7e\n\t]*$/, `not printable ASCII: ${JSON.stringify(text)}`);
}

describe("fixture models", () => {
  let tempDirs: string[] = [];

  async function makeTempDir(): Promise<string> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "hearth-fixtures-"));
    tempDirs.push(dir);
    return dir;
  }

  after(async () => {
    await Promise.all(tempDirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
    tempDirs = [];
  });

  describe("generator", () => {
    it("writes byte-identical files on every run", async () => {
      const first = await hashesOf(await generateFixtureModels(await makeTempDir()));
      const second = await hashesOf(await generateFixtureModels(await makeTempDir()));
      assert.deepEqual(second, first);
      const inMemory = buildFixtureModelBytes();
      for (const key of modelKeys) {
        assert.equal(createHash("sha256").update(inMemory[key]).digest("hex"), first[key], key);
      }
    });

    it("keeps the shared copies in test/fixtures/.generated current", async () => {
      const shared = await ensureFixtureModels();
      for (const key of modelKeys) {
        assert.ok(path.isAbsolute(shared[key]), shared[key]);
        assert.equal(path.dirname(shared[key]), fixtureModelsDir);
      }
      const fresh = await hashesOf(await generateFixtureModels(await makeTempDir()));
      assert.deepEqual(await hashesOf(shared), fresh);
    });

    it("writes small GGUF v3 files", async () => {
      const models = await ensureFixtureModels();
      for (const key of modelKeys) {
        const bytes = await fs.readFile(models[key]);
        assert.equal(bytes.subarray(0, 4).toString("latin1"), "GGUF", key);
        assert.equal(bytes.readUInt32LE(4), 3, key);
        assert.ok(bytes.length < 5 * 1024 * 1024, `${key}: ${bytes.length} bytes`);
      }
    });

    it("regenerates a missing file or a stale stamp, and leaves no temp files", async () => {
      const dir = await makeTempDir();
      const models = await ensureFixtureModels(dir);
      const expected = await hashesOf(models);

      await fs.rm(models.embedding);
      await ensureFixtureModels(dir);
      assert.equal(await sha256Of(models.embedding), expected.embedding);

      // A file changed behind the stamp's back is kept while the stamp is current...
      await fs.writeFile(models.lora, "not a model");
      const stamp = JSON.parse(await fs.readFile(path.join(dir, "version.json"), "utf8")) as { version: number; files: Record<string, number> };
      stamp.files["tiny-llama-lora.gguf"] = "not a model".length;
      await fs.writeFile(path.join(dir, "version.json"), JSON.stringify(stamp));
      await ensureFixtureModels(dir);
      assert.equal(await fs.readFile(models.lora, "utf8"), "not a model");
      // ...and replaced once the stamp's version is stale.
      await fs.writeFile(path.join(dir, "version.json"), JSON.stringify({ ...stamp, version: -1 }));
      await ensureFixtureModels(dir);
      assert.equal(await sha256Of(models.lora), expected.lora);

      assert.deepEqual((await fs.readdir(dir)).filter((name) => name.endsWith(".tmp")), []);
    });

    it("gives the same paths to concurrent callers", async () => {
      const dir = await makeTempDir();
      const [a, b, c] = await Promise.all([ensureFixtureModels(dir), ensureFixtureModels(dir), ensureFixtureModels(dir)]);
      assert.deepEqual(b, a);
      assert.deepEqual(c, a);
      assert.deepEqual(await hashesOf(a), await hashesOf(await generateFixtureModels(await makeTempDir())));
    });
  });

  describe("with llama.cpp", () => {
    let nlc: NodeLlamaCpp;
    let llama: Llama;
    let models: FixtureModels;

    before(async () => {
      models = await ensureFixtureModels();
      nlc = await import("node-llama-cpp");
      llama = await nlc.getLlama({ gpu: false });
    });

    after(async () => {
      await llama?.dispose();
    });

    it("writes every GGUF value kind and aligned tensors that node-llama-cpp reads back", async () => {
      const file = path.join(await makeTempDir(), "kinds.gguf");
      const bytes = encodeGguf({
        metadata: [
          ["general.architecture", ggufString("llama")],
          ["test.flag", ggufBool(true)],
          ["test.u32", ggufUint32(4_000_000_000)],
          ["test.i32", ggufInt32(-7)],
          ["test.u64", ggufUint64(5n)],
          ["test.f32", ggufFloat32(0.5)],
          ["test.strings", ggufStringArray(["a", "\u2581b", ""])],
          ["test.floats", ggufFloat32Array([1.5, -2])],
          ["test.ints", ggufInt32Array([3, -4])],
        ],
        tensors: [
          { name: "a.weight", dims: [3], data: new Float32Array([1, 2, 3]) },
          { name: "b.weight", dims: [2, 2], data: new Float32Array([4, 5, 6, 7]) },
        ],
      });
      assert.equal(bytes.length % 32, 0);
      await fs.writeFile(file, bytes);
      const info = await nlc.readGgufFileInfo(file, { readTensorInfo: true });
      const test = (info.metadata as unknown as { test: Record<string, unknown> }).test;
      assert.deepEqual(
        { ...test, u64: Number(test.u64) },
        { flag: true, u32: 4_000_000_000, i32: -7, u64: 5, f32: 0.5, strings: ["a", "\u2581b", ""], floats: [1.5, -2], ints: [3, -4] },
      );
      const tensors = info.fullTensorInfo ?? [];
      assert.deepEqual(tensors.map((tensor) => [tensor.name, tensor.dimensions.map(Number), Number(tensor.offset) % 32]), [
        ["a.weight", [3], 0],
        ["b.weight", [2, 2], 0],
      ]);
      // b.weight starts at the next 32-byte boundary after a.weight's 12 bytes.
      const dataStart = bytes.length - 32 - 32;
      assert.deepEqual([...new Float32Array(bytes.slice(dataStart + 32, dataStart + 48).buffer)], [4, 5, 6, 7]);
    });

    it("reads the expected metadata with node-llama-cpp's GGUF reader", async () => {
      const llamaInfo = await nlc.readGgufFileInfo(models.llama);
      assert.equal(llamaInfo.version, 3);
      assert.equal(llamaInfo.metadata.general.architecture, "llama");
      const arch = llamaInfo.architectureMetadata as {
        context_length?: number;
        embedding_length?: number;
        block_count?: number;
        attention?: { head_count?: number; head_count_kv?: number };
      };
      assert.equal(arch.context_length, 2048);
      assert.equal(arch.embedding_length, 64);
      assert.equal(arch.block_count, 2);
      assert.equal(arch.attention?.head_count, 4);
      assert.equal(arch.attention?.head_count_kv, 2);
      assert.equal(typeof llamaInfo.metadata.tokenizer.chat_template, "string");

      const embedInfo = await nlc.readGgufFileInfo(models.embedding);
      assert.equal(embedInfo.metadata.general.architecture, "bert");
      assert.equal((embedInfo.architectureMetadata as { pooling_type?: number }).pooling_type, 1);

      const rerankInfo = await nlc.readGgufFileInfo(models.reranker);
      assert.equal((rerankInfo.architectureMetadata as { pooling_type?: number }).pooling_type, 4);

      const loraInfo = await nlc.readGgufFileInfo(models.lora);
      const general = loraInfo.metadata.general as { type?: string; architecture?: string };
      assert.equal(general.type, "adapter");
      assert.equal(general.architecture, "llama");
      const loraTensors = (loraInfo.fullTensorInfo ?? []).map((tensor) => tensor.name);
      assert.equal(loraTensors.length, 10); // attn_q and attn_v of both blocks, and output: an A and a B each
      assert.ok(loraTensors.every((name) => /^(blk\.[01]\.attn_[qv]|output)\.weight\.lora_[ab]$/.test(name)), loraTensors.join(", "));

      const insights = async (file: string): Promise<boolean> =>
        (await nlc.GgufInsights.from(await nlc.readGgufFileInfo(file), llama)).supportsRanking;
      assert.equal(await insights(models.reranker), true);
      assert.equal(await insights(models.embedding), false);
      assert.equal(await insights(models.llama), false);
    });

    describe("tiny llama", () => {
      let model: LlamaModel;
      const contexts: LlamaContext[] = [];

      async function newContext(options: { lora?: boolean } = {}): Promise<LlamaContext> {
        const context = await model.createContext({
          contextSize: 1024,
          threads: 1,
          ...(options.lora === true ? { lora: { adapters: [{ filePath: models.lora }] } } : {}),
        });
        contexts.push(context);
        return context;
      }

      before(async () => {
        model = await llama.loadModel({ modelPath: models.llama });
      });

      after(async () => {
        for (const context of contexts.splice(0)) await context.dispose();
        await model?.dispose();
      });

      it("loads without warnings and round-trips text through its tokenizer", () => {
        assert.deepEqual(model.getWarnings(), []);
        const text = "The cat sat on the mat, 42 {\"key\": true}";
        assert.equal(model.detokenize(model.tokenize(text)), text);
        assert.equal(model.tokens.bos, 1);
        assert.equal(model.tokens.eos, 2);
      });

      it("chats through its Jinja template and generates dozens of printable tokens", async () => {
        const session = new nlc.LlamaChatSession({ contextSequence: (await newContext()).getSequence() });
        assert.ok(session.chatWrapper instanceof nlc.JinjaTemplateChatWrapper, session.chatWrapper.wrapperName);

        const tokens: number[] = [];
        const result = await session.promptWithMeta("What is the capital of France?", {
          maxTokens: 64,
          onToken: (chunk) => tokens.push(...chunk),
        });
        const answer = result.responseText;
        // End of text is unlikely enough that the whole budget is used.
        assert.equal(result.stopReason, "maxTokens", JSON.stringify(answer));
        assert.ok(tokens.length >= 24, `only ${tokens.length} tokens: ${JSON.stringify(answer)}`);
        assert.ok(answer.trim().length >= 40, JSON.stringify(answer));
        assertPrintable(answer);
        assert.ok(tokens.every((token) => token > 258), "a control or byte token was generated");
        assert.ok(/[a-z]{3,}/.test(answer), `no words: ${JSON.stringify(answer)}`);

        const followUp = await session.prompt("And of the UK?", { maxTokens: 32 });
        assertPrintable(followUp);
        assert.equal(session.getChatHistory().filter((item) => item.type === "model").length, 2);
      });

      it("generates the same text greedily every time", async () => {
        const run = async (): Promise<string> => {
          const session = new nlc.LlamaChatSession({ contextSequence: (await newContext()).getSequence() });
          return session.prompt("Tell me a story.", { maxTokens: 48 });
        };
        const first = await run();
        assert.equal(await run(), first);
      });

      it("produces JSON that parses under a JSON-schema grammar, and stops by itself", async () => {
        const grammar = await llama.createGrammarForJsonSchema({
          type: "object",
          properties: {
            answer: { type: "string" },
            count: { type: "integer" },
            ok: { type: "boolean" },
            tags: { type: "array", items: { type: "string" } },
          },
          required: ["answer", "count", "ok", "tags"],
        } as const);
        const session = new nlc.LlamaChatSession({ contextSequence: (await newContext()).getSequence() });
        const result = await session.promptWithMeta("Reply in JSON.", { grammar, maxTokens: 300 });
        assert.notEqual(result.stopReason, "maxTokens", result.responseText);
        const parsed = grammar.parse(result.responseText);
        assert.equal(typeof parsed.answer, "string");
        assert.ok(Number.isInteger(parsed.count));
        assert.equal(typeof parsed.ok, "boolean");
        assert.ok(Array.isArray(parsed.tags));
        assert.deepEqual(JSON.parse(result.responseText), parsed);
      });

      it("changes its greedy output under the LoRA adapter", async () => {
        const run = async (lora: boolean): Promise<string> => {
          const session = new nlc.LlamaChatSession({ contextSequence: (await newContext({ lora })).getSequence() });
          return session.prompt("What is the capital of France?", { maxTokens: 32 });
        };
        const plain = await run(false);
        const adapted = await run(true);
        assertPrintable(adapted);
        assert.notEqual(adapted, plain);
        assert.equal(await run(true), adapted); // deterministically so
      });

      it("refuses to rank", async () => {
        await assert.rejects(model.createRankingContext({ threads: 1 }), /not supported/);
      });
    });

    describe("tiny BERT embedder", () => {
      let model: LlamaModel;

      before(async () => {
        model = await llama.loadModel({ modelPath: models.embedding });
      });

      after(async () => {
        await model?.dispose();
      });

      it("scores near-identical sentences far above unrelated ones", async () => {
        assert.deepEqual(model.getWarnings(), []);
        const context = await model.createEmbeddingContext({ threads: 1 });
        try {
          const cat = await context.getEmbeddingFor("The cat sat on the mat.");
          const cat2 = await context.getEmbeddingFor("The cat sits on the mat.");
          const revenue = await context.getEmbeddingFor("Quarterly revenue grew by twelve percent.");
          const password = await context.getEmbeddingFor("How do I reset my password?");
          assert.equal(cat.vector.length, 64);
          assert.ok(cat.vector.every((value) => Number.isFinite(value)));

          const similar = cat.calculateCosineSimilarity(cat2);
          const unrelated = [cat.calculateCosineSimilarity(revenue), cat.calculateCosineSimilarity(password), revenue.calculateCosineSimilarity(password)];
          assert.ok(similar > 0.6, `similar: ${similar}`);
          for (const score of unrelated) {
            assert.ok(score < 0.3, `unrelated: ${score}`);
            assert.ok(similar - score > 0.4, `similar ${similar} vs unrelated ${score}`);
          }
          assert.ok(Math.abs(cat.calculateCosineSimilarity(cat) - 1) < 1e-6);
        } finally {
          await context.dispose();
        }
      });
    });

    describe("tiny BERT reranker", () => {
      let model: LlamaModel;

      before(async () => {
        model = await llama.loadModel({ modelPath: models.reranker });
      });

      after(async () => {
        await model?.dispose();
      });

      it("ranks a relevant document above irrelevant ones", async () => {
        assert.deepEqual(model.getWarnings(), []);
        const context = await model.createRankingContext({ threads: 1 });
        try {
          const documents = [
            "The cat sat on the mat.",
            "Paris is the capital of France.",
            "Revenue grew by ten percent this quarter.",
          ];
          const scores = await context.rankAll("What is the capital of France?", documents);
          assert.equal(scores.length, documents.length);
          for (const score of scores) assert.ok(Number.isFinite(score) && score > 0 && score < 1, String(score));
          assert.ok(scores[1]! > 0.8, `relevant: ${scores[1]}`);
          assert.ok(scores[0]! < 0.3 && scores[2]! < 0.3, `irrelevant: ${scores[0]}, ${scores[2]}`);

          const sorted = await context.rankAndSort("How do I reset my password?", [
            "The weather is warm and the sun is out.",
            "To reset your password, open the account settings and click reset.",
          ]);
          assert.equal(sorted[0]!.document, "To reset your password, open the account settings and click reset.");
        } finally {
          await context.dispose();
        }
      });
    });
  });
});
