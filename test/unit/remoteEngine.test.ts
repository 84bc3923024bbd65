// The remote-engine client against a second Hearth's local API on loopback, as both an Ollama
// and an OpenAI-compatible server: models, streamed chat, embeddings, errors, cancellation, and
// the API key sent as a bearer token.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { isEngineError } from "../../src/common/engineError";
import { ApiServer } from "../../src/engine/apiServer";
import { LlamaEngine } from "../../src/engine/llamaEngine";
import type { RemoteKind } from "../../src/engine/remoteEngine";
import { RemoteEngine } from "../../src/engine/remoteEngine";
import { ensureFixtureModels } from "../fixtures/fixtureModels";

describe("remote engine client (a second Hearth as the remote)", function () {
  let home: string;
  let engine: LlamaEngine;
  let server: ApiServer;
  let url: string;

  before(async () => {
    const fixtures = await ensureFixtureModels();
    home = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-remote-"));
    engine = new LlamaEngine({ defaultThreads: 1, gpu: false, storeRoot: home });
    await engine.storeImport({ path: fixtures.llama, name: "tiny" });
    await engine.storeImport({ path: fixtures.embedding, name: "tiny-embed" });
    server = new ApiServer({ engine, address: { host: "127.0.0.1", port: 0 }, version: "test" });
    url = await server.start();
  });

  after(async () => {
    await server.stop();
    await engine.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  });

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
      const info = await engine.loadModel({ modelPath: "tiny" });
      const { sessionId } = engine.chatCreate({ modelId: info.modelId, systemPrompt: "Be brief.", history: request.history });
      const local = await engine.chatSend({ sessionId, message: request.message, options: request.options }, () => undefined);
      engine.chatDispose(sessionId);
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
