// The remote-engine client against a second Hearth's local API on loopback, as both an Ollama
// and an OpenAI-compatible server: models, streamed chat, embeddings, errors, cancellation, and
// the API key sent as a bearer token. Then what runs on it in the engine process: the workspace
// index's embeddings (build, search, switching re-embeds) and reviews held to the findings schema
// by the server's structured output — in-process, and through a real engine process configured
// with the settings of `configure`, that has no model of its own.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import type { IndexBuildParams, JobPriority, RemoteEngineConfig, ReviewProgress } from "../../src/common/engine/engineProtocol";
import { defaultEngineSettings } from "../../src/common/engine/engineProtocol";
import type { GenerateResult } from "../../src/common/chat/chatTypes";
import { isEngineError } from "../../src/common/engine/engineError";
import { findingCategories, findingSeverities } from "../../src/common/review/reviewFindings";
import type { ReviewTarget } from "../../src/common/review/reviewPrompt";
import { llamaEmbeddingBackend } from "../../src/engine/index/llamaEmbeddingBackend";
import { remoteEmbeddingBackend, remoteEmbeddingModelName, withRemoteEmbedding } from "../../src/engine/index/remoteEmbeddingBackend";
import type { EmbeddingBackend } from "../../src/engine/index/workspaceIndexes";
import { WorkspaceIndexes } from "../../src/engine/index/workspaceIndexes";
import { LlamaEngine } from "../../src/engine/llama/llamaEngine";
import type { RemoteKind } from "../../src/engine/remote/remoteEngine";
import { RemoteEngine } from "../../src/engine/remote/remoteEngine";
import type { ReviewEngine } from "../../src/engine/review/reviewer";
import { remoteReviewEngine, runReview } from "../../src/engine/review/reviewer";
import { startTestApi, type TestApi } from "../support/apiHarness";
import { createTestClient } from "../support/engineHarness";

const findingKeys = ["category", "endLine", "line", "message", "path", "severity", "suggestion"];

/** Asserts `text` is exactly the findings schema: one key, findings of exactly its keys and types. */
function assertSchemaValid(text: string): void {
  const parsed = JSON.parse(text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(parsed), ["findings"], text);
  assert.ok(Array.isArray(parsed.findings), text);
  for (const item of parsed.findings as Array<Record<string, unknown>>) {
    assert.deepEqual(Object.keys(item).sort(), findingKeys, text);
    assert.ok(Number.isInteger(item.line) && Number.isInteger(item.endLine), text);
    assert.ok((findingSeverities as readonly unknown[]).includes(item.severity), text);
    assert.ok((findingCategories as readonly unknown[]).includes(item.category), text);
  }
}

/** Records each embedding request a backend gets, by model. */
class CountingBackend implements EmbeddingBackend {
  readonly embedded: Array<{ model: string; texts: number }> = [];
  constructor(private readonly inner: EmbeddingBackend) {}
  embed(model: string, texts: string[], priority: JobPriority, signal?: AbortSignal): Promise<number[][]> {
    this.embedded.push({ model, texts: texts.length });
    return this.inner.embed(model, texts, priority, signal);
  }
  total(): number {
    return this.embedded.reduce((sum, call) => sum + call.texts, 0);
  }
}

function write(root: string, relative: string, text: string): void {
  const file = path.join(root, ...relative.split("/"));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const reviewedCode = [
  "export function average(values: number[]): number {",
  "  let total = 0;",
  "  for (let i = 0; i <= values.length; i++) total += values[i];",
  "  return total / values.length;",
  "}",
  "",
].join("\n");

describe("remote engine client (a second Hearth as the remote)", function () {
  let api: TestApi;
  let home: string;
  let engine: LlamaEngine;
  let url: string;

  before(async () => {
    api = await startTestApi("hearth-remote-", { tiny: "llama", "tiny-embed": "embedding" });
    ({ home, engine, url } = api);
  });

  after(() => api.stop());

  for (const kind of ["ollama", "openai"] as RemoteKind[]) {
    it(`chats (streamed), embeds and lists models as an ${kind} client`, async () => {
      const remote = new RemoteEngine({ kind, baseUrl: kind === "openai" ? `${url}/v1` : url, apiKey: "secret" });
      assert.deepEqual((await remote.listModels()).sort(), ["tiny-embed:latest", "tiny:latest"]);
      const pieces: string[] = [];
      const request = {
        model: "tiny",
        system: "Be brief.",
        history: [
          { role: "user" as const, text: "Hello" },
          { role: "assistant" as const, text: "Hi." },
        ],
        message: "Tell me more",
        options: { temperature: 0, maxTokens: 8 },
      };
      const result = await remote.chat(request, (text) => pieces.push(text));
      assert.ok(pieces.length > 1);
      assert.equal(pieces.join(""), result.text);
      assert.equal(result.stopReason, "maxTokens");
      assert.ok(result.outputTokens >= 8 && result.promptTokens > 0);
      // The same turn on the embedded engine gives the same greedy answer.
      const info = await engine.loadModel({ model: "tiny" });
      const { sessionId } = engine.chats.create({ modelId: info.modelId, systemPrompt: "Be brief.", history: request.history });
      const local = await engine.chats.send({ sessionId, message: request.message, options: request.options }, () => undefined);
      engine.chats.dispose(sessionId);
      assert.equal(result.text, local.text);

      const vectors = await remote.embed("tiny-embed", ["the cat sat", "quantum chromodynamics"]);
      assert.equal(vectors.length, 2);
      assert.ok(vectors.every((vector) => vector.length > 0 && vector.length === vectors[0]!.length));

      await assert.rejects(remote.chat({ ...request, model: "missing" }, () => undefined), (error: unknown) => isEngineError(error, "modelNotFound"));
      const controller = new AbortController();
      let seen = 0;
      const cancelled = await remote.chat({ ...request, options: { maxTokens: 1500 } }, () => {
        if (++seen === 2) controller.abort();
      }, controller.signal);
      assert.equal(cancelled.stopReason, "cancelled");
    });
  }

  for (const kind of ["ollama", "openai"] as RemoteKind[]) {
    it(`embeds a workspace index on the remote (${kind}), searches it there, and a switch of model re-embeds`, async () => {
      const root = path.join(home, `workspace-${kind}`);
      const storeDir = path.join(home, `index-${kind}`);
      write(root, "src/colors.ts", "export function mixColors(a: string, b: string): string {\n  return a + b;\n}\n");
      write(root, "src/server.py", "def start_http_server(port):\n    return listen(port)\n");
      write(root, "docs/garden.md", "# Garden\nTomatoes need sunlight and water.\n");
      let config: RemoteEngineConfig | null = {
        kind,
        url: kind === "openai" ? `${url}/v1` : url,
        model: "tiny",
        embeddingModel: "tiny-embed",
        apiKey: "sk-index",
      };
      const local = llamaEmbeddingBackend(engine);
      const backend = new CountingBackend(remoteEmbeddingBackend(local, () => config));
      const indexes = new WorkspaceIndexes(backend);
      const params: IndexBuildParams = { roots: [root], storeDir, embeddingModel: "tiny-embed" };
      const remoteName = remoteEmbeddingModelName(config)!;
      assert.equal(remoteName, `tiny-embed @ ${new URL(url).host}`);

      const built = await indexes.build(await withRemoteEmbedding(params, config, async () => (await indexes.status(storeDir)).embeddingModel), () => undefined);
      assert.equal(built.status.embeddingModel, remoteName, "the index records the remote model and server");
      assert.equal(built.status.dimensions, 64);
      assert.equal(built.chunksEmbedded, 3);
      assert.ok(backend.embedded.every((call) => call.model === remoteName));

      // A vector search embeds the query on the remote too (compared with local vectors below).
      const query = "tomatoes in the sun";
      const hits = await indexes.search({ storeDir, query, k: 3, mode: "vector" });
      assert.equal(hits.results.length, 3);
      assert.ok(hits.results.every((hit) => hit.vectorRank !== null && hit.keywordRank === null));
      for (let k = 1; k < hits.results.length; k++) assert.ok(hits.results[k - 1]!.score >= hits.results[k]!.score);
      const hybrid = await indexes.search({ storeDir, query: "mixColors", k: 3 });
      assert.equal(hybrid.mode, "hybrid");
      assert.equal(hybrid.results[0]?.path, "src/colors.ts");

      // Built again on the same remote: nothing to embed.
      const before = backend.total();
      const again = await indexes.build(await withRemoteEmbedding(params, config, async () => (await indexes.status(storeDir)).embeddingModel), () => undefined);
      assert.equal(again.chunksEmbedded, 0);
      assert.equal(backend.total(), before + 0);

      // The remote gone: its index still answers by keywords, and the next build embeds locally.
      config = null;
      const fallback = await indexes.search({ storeDir, query: "mixColors", k: 3 });
      assert.deepEqual([fallback.mode, fallback.results[0]?.path], ["keyword", "src/colors.ts"]);
      await assert.rejects(indexes.search({ storeDir, query: "mixColors", k: 3, mode: "vector" }), /not Hearth's remote engine now/);
      const localBuild = await indexes.build(await withRemoteEmbedding(params, config, async () => (await indexes.status(storeDir)).embeddingModel), () => undefined);
      assert.equal(localBuild.status.embeddingModel, "tiny-embed");
      assert.equal(localBuild.chunksEmbedded, 3, "switching from the remote model re-embeds everything");
      const localHits = await indexes.search({ storeDir, query, k: 3, mode: "vector" });
      // Local and remote vectors of the same model rank alike, with the same cosine scores.
      assert.deepEqual(localHits.results.map((hit) => hit.path), hits.results.map((hit) => hit.path));
      localHits.results.forEach((hit, index) => assert.ok(Math.abs(hit.score - hits.results[index]!.score) < 1e-5, `${hit.score} vs ${hits.results[index]!.score}`));
    });

    it(`reviews on the remote (${kind}) with its structured output: schema-valid answers, checked findings`, async function () {
      this.timeout(300_000);
      const config: RemoteEngineConfig = { kind, url: kind === "openai" ? `${url}/v1` : url, model: "tiny", embeddingModel: "" };
      const inner = remoteReviewEngine(config);
      const answers: GenerateResult[] = [];
      const recording: ReviewEngine = {
        countTokens: (params) => inner.countTokens(params),
        generate: async (params, onChunk, signal) => {
          const result = await inner.generate(params, onChunk, signal);
          answers.push(result);
          return result;
        },
      };
      const targets: ReviewTarget[] = [
        { path: "src/average.ts", language: "typescript", content: reviewedCode, range: { start: 2, end: 4 } },
        { path: "src/other.ts", language: "typescript", content: reviewedCode },
      ];
      const progress: ReviewProgress[] = [];
      const result = await runReview(recording, { modelId: "", remote: true, targets, temperature: 0, seed: 7, maxTokens: 700, maxFindings: 3 }, (p) => progress.push(p));
      assert.equal(result.cancelled, false);
      assert.equal(result.chunks, 2);
      assert.equal(answers.length, 2);
      assert.equal(progress.length, 2);
      assert.equal(result.reviewedLines, 3 + 5);
      const complete = answers.filter((answer) => answer.stopReason !== "maxTokens");
      assert.ok(complete.length > 0, "some answers complete");
      for (const answer of complete) assertSchemaValid(answer.text);
      assert.ok(result.outputTokens > 0 && result.promptTokens > 0);
      for (const finding of result.findings) {
        if (finding.path === "src/average.ts") assert.ok(finding.line >= 2 && finding.endLine <= 4, JSON.stringify(finding));
        else assert.ok(finding.path === "src/other.ts" && finding.endLine <= 5, JSON.stringify(finding));
      }
      assert.deepEqual(progress.flatMap((p) => p.findings), result.findings);
    });
  }

  it("runs chat turns, reviews and index embeddings on the remote from an engine process with no model of its own", async function () {
    this.timeout(300_000);
    const store = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-remote-store-"));
    const { client, logs } = createTestClient({ settings: { storeRoot: store } });
    try {
      const root = path.join(home, "workspace-process");
      write(root, "src/colors.ts", "export function mixColors(a: string, b: string): string {\n  return a + b;\n}\n");
      write(root, "src/average.ts", reviewedCode);
      const storeDir = path.join(home, "index-process");
      await assert.rejects(
        client.request("review", { modelId: "", remote: true, targets: [{ path: "src/average.ts", content: reviewedCode }] }),
        (error: unknown) => isEngineError(error, "badRequest") && /hearth\.remote\.model/.test(error.message),
      );
      const secret = "sk-never-logged";
      const settings = { ...defaultEngineSettings, threads: 1, gpu: "off" as const, locale: "en", storeRoot: store };
      assert.deepEqual(
        await client.configure({ ...settings, remote: { kind: "ollama", url, model: "tiny", embeddingModel: "tiny-embed", apiKey: secret } }),
        { restartNeeded: [], problem: null },
      );
      const built = await client.request("indexBuild", { roots: [root], storeDir });
      assert.equal(built.status.embeddingModel, `tiny-embed @ ${new URL(url).host}`);
      assert.equal(built.chunksEmbedded, 2);
      const search = await client.request("indexSearch", { storeDir, query: "mixColors", k: 2 });
      assert.deepEqual([search.mode, search.results[0]?.path], ["hybrid", "src/colors.ts"]);
      // A chat turn: the engine asks the remote with the whole history; the text streams.
      const streamed: string[] = [];
      const turn = await client.request(
        "remoteChat",
        { system: "Answer briefly.", history: [{ role: "user", text: "Hi" }, { role: "assistant", text: "Hello." }], message: "Tell a story.", options: { maxTokens: 12, temperature: 0 } },
        { onChunk: (chunk) => streamed.push(chunk.text) },
      );
      assert.ok(turn.text.length > 0 && streamed.join("") === turn.text, "the answer streamed as it came");
      assert.equal(turn.model, `tiny @ ${new URL(url).host}`);
      assert.equal(turn.turns, 2);
      assert.ok(turn.usage.outputTokens > 0 && turn.usage.promptTokens > 0);
      const progress: ReviewProgress[] = [];
      const review = await client.request(
        "review",
        { modelId: "", remote: true, targets: [{ path: "src/average.ts", language: "typescript", content: reviewedCode }], temperature: 0, seed: 7, maxTokens: 700 },
        { onChunk: (chunk) => progress.push(chunk) },
      );
      assert.equal(review.chunks, 1);
      assert.equal(progress.length, 1);
      assert.ok(review.outputTokens > 0);
      // The store the process reads is empty: the answer came from the remote.
      assert.deepEqual((await client.request("storeList", {})).models, []);
      await client.configure({ ...settings, remote: null });
      await assert.rejects(
        client.request("remoteChat", { system: "", history: [], message: "Hi" }),
        (error: unknown) => isEngineError(error, "badRequest") && /hearth\.remote\.model/.test(error.message),
      );
      const keywordOnly = await client.request("indexSearch", { storeDir, query: "mixColors", k: 2 });
      assert.equal(keywordOnly.mode, "keyword");
      // A build that names no model, with the remote gone, goes back to keywords rather than failing.
      const rebuilt = await client.request("indexBuild", { roots: [root], storeDir });
      assert.equal(rebuilt.status.embeddingModel, null);
      assert.equal(rebuilt.chunksEmbedded, 0);
      assert.ok(logs.some((entry) => /remote engine: ollama at/.test(entry.message)));
      assert.ok(!logs.some((entry) => entry.message.includes(secret)), "the API key never reaches the log");
    } finally {
      await client.dispose();
      fs.rmSync(store, { recursive: true, force: true });
    }
  });

  it("sends the API key as a bearer token and explains a refusal, and an unreachable server", async () => {
    let authorization: string | undefined;
    const refusing = http.createServer((req, res) => {
      authorization = req.headers.authorization;
      res.writeHead(401, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error: { message: "invalid api key", type: "authentication_error" } }));
    });
    await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
    const port = (refusing.address() as AddressInfo).port;
    try {
      const remote = new RemoteEngine({ kind: "openai", baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: "sk-test" });
      await assert.rejects(remote.listModels(), (error: unknown) => isEngineError(error, "unauthorized") && /invalid api key/.test(error.message) && !/sk-test/.test(error.message));
      assert.equal(authorization, "Bearer sk-test");
    } finally {
      await new Promise((resolve) => refusing.close(resolve));
    }
    const unreachable = new RemoteEngine({ kind: "ollama", baseUrl: `http://127.0.0.1:${port}` });
    await assert.rejects(unreachable.listModels(), (error: unknown) => isEngineError(error, "network") && /could not reach/.test(error.message));
  });
});
