// The engine through its real process boundary: real llama.cpp, real fixture models, real IPC.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineClient, EngineState } from "../../src/node/engineClient";
import { EngineError } from "../../src/common/engine/engineError";
import type { FixtureModels } from "../fixtures/fixtureModels";
import { ensureFixtureModels } from "../fixtures/fixtureModels";
import { createTestClient } from "../support/engineHarness";

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EngineError, `expected an EngineError, got ${String(error)}`);
    assert.equal(error.code, code, `expected code ${code}, got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected a rejection with code ${code}`);
}

describe("engine process (real llama.cpp over IPC)", function () {
  let fixtures: FixtureModels;
  let client: EngineClient;
  let states: EngineState[];
  let tmp: string;

  before(async () => {
    fixtures = await ensureFixtureModels();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-engine-"));
  });

  beforeEach(() => {
    states = [];
    client = createTestClient({}, (state) => states.push(state)).client;
  });

  afterEach(async () => {
    await client.dispose();
  });

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("does not start the engine until the first request", async () => {
    assert.equal(client.pid, undefined);
    assert.equal(client.state.kind, "stopped");
    const status = await client.request("status", {});
    assert.equal(typeof status.pid, "number");
    assert.equal(client.pid, status.pid);
    assert.notEqual(status.pid, process.pid, "the engine runs in its own process");
  });

  it("loads the fixture llama with threads set explicitly and streams a generation", async () => {
    const info = await client.request("loadModel", { model: fixtures.llama, threads: 1 });
    assert.equal(info.threads, 1);
    assert.equal(info.architecture, "llama");
    assert.ok(info.hasChatTemplate);
    const chunks: string[] = [];
    const result = await client.request(
      "generate",
      { modelId: info.modelId, prompt: "Hello there", options: { maxTokens: 32, temperature: 0, seed: 1 } },
      { onChunk: (chunk) => chunks.push(chunk.text) },
    );
    assert.ok(chunks.length > 1, `expected a streamed answer, got ${chunks.length} chunk(s)`);
    assert.equal(chunks.join(""), result.text);
    assert.ok(result.text.trim().length > 0);
    assert.equal(result.mode, "chat");
    assert.ok(result.usage.outputTokens > 1);
  });

  it("is deterministic at temperature 0", async () => {
    const info = await client.request("loadModel", { model: fixtures.llama });
    const params = { modelId: info.modelId, prompt: "Tell me a story", options: { maxTokens: 24, temperature: 0 } };
    const a = await client.request("generate", params);
    const b = await client.request("generate", params);
    assert.equal(a.text, b.text);
  });

  it("stops a generation soon after it is cancelled, and the model stays usable", async () => {
    const info = await client.request("loadModel", { model: fixtures.llama });
    const controller = new AbortController();
    let chunksAfterAbort = 0;
    let seen = 0;
    const result = await client.request(
      "generate",
      { modelId: info.modelId, prompt: "Write a long story", options: { maxTokens: 2000, temperature: 0.8, seed: 7 } },
      {
        signal: controller.signal,
        onChunk: () => {
          seen++;
          if (controller.signal.aborted) chunksAfterAbort++;
          else if (seen === 4) controller.abort();
        },
      },
    );
    assert.equal(result.stopReason, "cancelled");
    assert.ok(result.usage.outputTokens < 100, `generated ${result.usage.outputTokens} tokens despite the cancel`);
    // Chunks already in flight over IPC when the cancel arrived; llama.cpp itself stops within a token.
    assert.ok(chunksAfterAbort <= 16, `${chunksAfterAbort} chunks arrived after the cancel`);
    const next = await client.request("generate", {
      modelId: info.modelId,
      prompt: "Again",
      options: { maxTokens: 8, temperature: 0 },
    });
    assert.ok(next.text.length > 0);
    assert.notEqual(next.stopReason, "cancelled");
  });

  it("reuses the KV cache on the second turn of a chat", async () => {
    const info = await client.request("loadModel", { model: fixtures.llama });
    const systemPrompt =
      "You are a careful assistant for software developers. Answer briefly, cite files by path and line, " +
      "prefer plain words, and say so when you are not sure. Never invent APIs that do not exist.";
    const { sessionId } = await client.request("chatCreate", { modelId: info.modelId, systemPrompt });
    const turn1 = await client.request("chatSend", { sessionId, message: "Hello, who are you?", options: { maxTokens: 16, temperature: 0 } });
    const turn2 = await client.request("chatSend", { sessionId, message: "And then?", options: { maxTokens: 16, temperature: 0 } });
    assert.equal(turn2.turns, 2);
    assert.equal(turn1.usage.reusedPromptTokens, 0, "nothing to reuse on the first turn");
    // The template may re-render the tail of the last answer (end-of-turn tokens), so a few
    // tokens of turn 1 are evaluated again; the bulk comes from the cache.
    assert.ok(
      turn2.usage.reusedPromptTokens >= turn1.usage.promptTokens * 0.8,
      `turn 2 reused ${turn2.usage.reusedPromptTokens} tokens; turn 1's prompt alone was ${turn1.usage.promptTokens}`,
    );
    assert.ok(
      turn2.usage.evaluatedPromptTokens < turn2.usage.promptTokens / 2,
      `turn 2 evaluated ${turn2.usage.evaluatedPromptTokens} of ${turn2.usage.promptTokens} prompt tokens`,
    );
  });

  it("keeps two conversations apart on one model", async () => {
    const info = await client.request("loadModel", { model: fixtures.llama });
    const a = await client.request("chatCreate", { modelId: info.modelId });
    const b = await client.request("chatCreate", { modelId: info.modelId });
    await client.request("chatSend", { sessionId: a.sessionId, message: "First", options: { maxTokens: 8, temperature: 0 } });
    await client.request("chatSend", { sessionId: b.sessionId, message: "Second", options: { maxTokens: 8, temperature: 0 } });
    const a2 = await client.request("chatSend", { sessionId: a.sessionId, message: "More", options: { maxTokens: 8, temperature: 0 } });
    assert.equal(a2.turns, 2);
    const b2 = await client.request("chatSend", { sessionId: b.sessionId, message: "More", options: { maxTokens: 8, temperature: 0 } });
    assert.equal(b2.turns, 2);
    const disposed = await client.request("chatDispose", { sessionId: a.sessionId });
    assert.equal(disposed.disposed, true);
    await rejectsWith(client.request("chatSend", { sessionId: a.sessionId, message: "x" }), "sessionNotFound");
  });

  it("a chat turn cancelled mid-stream keeps the session usable", async () => {
    const info = await client.request("loadModel", { model: fixtures.llama });
    const { sessionId } = await client.request("chatCreate", { modelId: info.modelId });
    const controller = new AbortController();
    let seen = 0;
    const cancelled = await client.request(
      "chatSend",
      { sessionId, message: "Talk for a long time", options: { maxTokens: 2000, temperature: 0.8, seed: 3 } },
      { signal: controller.signal, onChunk: () => (++seen === 3 ? controller.abort() : undefined) },
    );
    assert.equal(cancelled.stopReason, "cancelled");
    const next = await client.request("chatSend", { sessionId, message: "Short answer please", options: { maxTokens: 8, temperature: 0 } });
    assert.equal(next.turns, 2);
    assert.ok(next.text.length > 0);
  });

  it("computes deterministic embeddings that place similar sentences closer", async () => {
    const info = await client.request("loadModel", { model: fixtures.embedding });
    const texts = ["the cat sat on the mat", "the cat sat on a mat", "quarterly revenue grew by nine percent"];
    const first = await client.request("embed", { modelId: info.modelId, texts });
    const second = await client.request("embed", { modelId: info.modelId, texts });
    assert.deepEqual(first.vectors, second.vectors);
    assert.equal(first.vectors.length, 3);
    assert.ok(first.dimensions > 0);
    const cosine = (x: number[], y: number[]): number => {
      let dot = 0;
      let nx = 0;
      let ny = 0;
      for (let i = 0; i < x.length; i++) {
        dot += x[i]! * y[i]!;
        nx += x[i]! ** 2;
        ny += y[i]! ** 2;
      }
      return dot / Math.sqrt(nx * ny);
    };
    const [a, b, c] = first.vectors as [number[], number[], number[]];
    assert.ok(cosine(a, b) > cosine(a, c), `similar ${cosine(a, b)} vs unrelated ${cosine(a, c)}`);
  });

  it("holds background embeddings while a request is expected; the request runs at once, the embeddings after the hold", async () => {
    const embedder = await client.request("loadModel", { model: fixtures.embedding });
    const llama = await client.request("loadModel", { model: fixtures.llama });
    assert.deepEqual(await client.request("holdBackground", { ms: 20_000 }).then((r) => r.heldMs > 19_000), true);
    let embedded = false;
    // The indexer's kind of request: background priority, several texts queued one at a time.
    const background = client
      .request("embed", { modelId: embedder.modelId, texts: ["one passage", "another passage"], priority: "background" })
      .then((result) => {
        embedded = true;
        return result;
      });
    const answer = await client.request("generate", { modelId: llama.modelId, prompt: "Hello", options: { maxTokens: 4, temperature: 0 } });
    assert.ok(answer.usage.outputTokens > 0);
    const held = await client.request("status", {});
    assert.equal(embedded, false, "the background embedding started during the hold");
    assert.equal(held.queuedJobs, 1);
    assert.ok(held.backgroundHeldMs > 0);
    await client.request("holdBackground", { ms: 0 });
    const result = await background;
    assert.equal(result.vectors.length, 2);
    assert.equal((await client.request("status", {})).backgroundHeldMs, 0);
  });

  it("ranks documents with the reranker fixture", async () => {
    const info = await client.request("loadModel", { model: fixtures.reranker });
    assert.equal(info.supportsRanking, true);
    const documents = ["how to bake bread at home", "the history of the roman empire", "bread baking for beginners"];
    const { scores } = await client.request("rank", { modelId: info.modelId, query: "baking bread", documents });
    assert.equal(scores.length, 3);
    for (const score of scores) assert.ok(Number.isFinite(score) && score >= 0 && score <= 1, `score ${score}`);
    const again = await client.request("rank", { modelId: info.modelId, query: "baking bread", documents });
    assert.deepEqual(again.scores, scores);
  });

  it("refuses to rank with a model that is not a reranker, clearly", async () => {
    const info = await client.request("loadModel", { model: fixtures.llama });
    const error = await rejectsWith(
      client.request("rank", { modelId: info.modelId, query: "q", documents: ["a", "b"] }),
      "notSupported",
    );
    assert.match(error.message, /not a reranker/);
  });

  it("reads GGUF metadata and estimates whether the model fits", async () => {
    const inspection = await client.request("inspect", { modelPath: fixtures.llama, contextSize: 1024 });
    assert.equal(inspection.architecture, "llama");
    assert.equal(inspection.quantization, "F32");
    assert.ok(inspection.parameters > 0);
    assert.ok(inspection.chatTemplate && inspection.chatTemplate.length > 0);
    assert.equal(inspection.fit.contextSize, 1024);
    assert.ok(inspection.fit.required.cpuRam > 0);
    assert.equal(inspection.fit.fits, true);
    assert.match(inspection.fit.summary, /^Fits/);
    assert.equal(inspection.metadata["general.architecture"], "llama");
    // Layers as the file counts its blocks (node-llama-cpp's count has one more, the output layer).
    assert.equal(inspection.layers, inspection.metadata["llama.block_count"]);
  });

  describe("bad model files give a clear error and leave the engine usable", () => {
    const cases: Array<{ name: string; make: (dir: string, fixtures: FixtureModels) => string; code: string; message: RegExp }> = [
      {
        name: "an empty file",
        make: (dir) => {
          const file = path.join(dir, "empty.gguf");
          fs.writeFileSync(file, "");
          return file;
        },
        code: "invalidModel",
        message: /is empty \(0 bytes\)/,
      },
      {
        name: "random bytes",
        make: (dir) => {
          const file = path.join(dir, "random.gguf");
          let seed = 42;
          const bytes = Buffer.alloc(64 * 1024, 0).map(() => {
            seed = (seed * 1103515245 + 12345) & 0x7fffffff;
            return seed & 0xff;
          });
          fs.writeFileSync(file, bytes);
          return file;
        },
        code: "invalidModel",
        message: /is not a GGUF model/,
      },
      {
        name: "a GGUF truncated at 50%",
        make: (dir, f) => {
          const file = path.join(dir, "truncated.gguf");
          const full = fs.readFileSync(f.llama);
          fs.writeFileSync(file, full.subarray(0, Math.floor(full.length / 2)));
          return file;
        },
        code: "invalidModel",
        message: /damaged or incomplete/,
      },
      {
        name: "a text file renamed .gguf",
        make: (dir) => {
          const file = path.join(dir, "notes.gguf");
          fs.writeFileSync(file, "These are my meeting notes, not a model.\n".repeat(50));
          return file;
        },
        code: "invalidModel",
        message: /is not a GGUF model/,
      },
      {
        name: "a path that does not exist",
        make: (dir) => path.join(dir, "missing.gguf"),
        code: "modelNotFound",
        message: /There is no model file at/,
      },
    ];
    for (const testCase of cases) {
      it(testCase.name, async () => {
        const file = testCase.make(tmp, fixtures);
        const error = await rejectsWith(client.request("loadModel", { model: file }), testCase.code);
        assert.match(error.message, testCase.message);
        const pidBefore = client.pid;
        const info = await client.request("loadModel", { model: fixtures.llama });
        const result = await client.request("generate", { modelId: info.modelId, prompt: "Hi", options: { maxTokens: 4 } });
        assert.ok(result.usage.outputTokens > 0);
        assert.equal(client.pid, pidBefore, "the engine process survived");
      });
    }
  });

  it("rejects malformed requests without crashing", async () => {
    const error = await rejectsWith(
      client.request("generate", { modelId: "", prompt: "x" } as never),
      "badRequest",
    );
    assert.match(error.message, /modelId/);
    await rejectsWith(client.request("generate", { modelId: "m999", prompt: "x" }), "modelNotLoaded");
    const status = await client.request("status", {});
    assert.equal(status.models.length, 0);
  });

  for (const signal of ["SIGKILL", "SIGABRT"] as const) {
    it(`fails in-flight requests clearly when the engine dies (${signal}) and recovers on the next request`, async () => {
      const info = await client.request("loadModel", { model: fixtures.llama });
      const firstPid = client.pid!;
      let killed = false;
      const pending = client.request(
        "generate",
        { modelId: info.modelId, prompt: "Go on forever", options: { maxTokens: 100000, temperature: 0.8 } },
        {
          onChunk: () => {
            if (!killed) {
              killed = true;
              process.kill(firstPid, signal);
            }
          },
        },
      );
      const error = await rejectsWith(pending, "engineCrashed");
      assert.match(error.message, /stopped unexpectedly/);
      assert.match(error.message, new RegExp(signal));
      assert.equal(client.state.kind, "crashed");
      assert.ok(states.some((s) => s.kind === "crashed"));
      // The old model id died with the process; a fresh engine serves the next request.
      await rejectsWith(client.request("generate", { modelId: info.modelId, prompt: "x" }), "modelNotLoaded");
      assert.notEqual(client.pid, firstPid);
      const again = await client.request("loadModel", { model: fixtures.llama });
      const result = await client.request("generate", { modelId: again.modelId, prompt: "Hi", options: { maxTokens: 4 } });
      assert.ok(result.text.length > 0);
      assert.equal(client.state.kind, "ready");
    });
  }

  it("frees the process on dispose", async () => {
    await client.request("status", {});
    const pid = client.pid!;
    await client.dispose();
    assert.equal(client.state.kind, "stopped");
    assert.throws(() => process.kill(pid, 0), /ESRCH/);
  });
});
