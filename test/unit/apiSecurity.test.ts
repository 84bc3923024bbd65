// Issue 14, items 1, 7 and 8, tried as an attacker would against a real API server on loopback
// with the fixture models: server-side requests through /api/pull and /api/create (URLs, private
// addresses found through DNS and redirects, paths outside the store), store changes from browser
// pages, the bearer key, loaded instances piling up under concurrent num_ctx values, keep_alive
// beyond Node's timer, and slow clients holding sockets (raw net sockets).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { originAllowed, originMayChangeStore } from "../../src/common/api/apiAccess";
import { parseKeepAlive } from "../../src/common/api/ollamaApiTypes";
import { isDownloadError } from "../../src/common/models/downloadErrors";
import type { ApiServerOptions } from "../../src/engine/api/apiServer";
import { ApiServer } from "../../src/engine/api/apiServer";
import { LlamaEngine } from "../../src/engine/llama/llamaEngine";
import { pull } from "../../src/engine/models/modelDownloader";
import { ModelStore } from "../../src/engine/models/modelStore";
import { isPublicAddress } from "../../src/node/publicFetch";
import type { AddressPolicy } from "../../src/node/publicFetch";
import type { FixtureModels } from "../fixtures/fixtureModels";
import { ensureFixtureModels } from "../fixtures/fixtureModels";
import type { FixtureModelSite } from "../support/fixtureModelServer";
import { startFixtureModelSite } from "../support/fixtureModelServer";

interface Answer {
  status: number;
  body: string;
}

async function call(url: string, route: string, options: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const response = await fetch(url + route, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers: { "Content-Type": "application/json", ...options.headers },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  return { status: response.status, body: await response.text() };
}

function errorOf(answer: Answer): string {
  return (JSON.parse(answer.body) as { error: string }).error;
}

/** Resolves when the socket closes; `sent` counts the body bytes written before it did. */
function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once("close", () => resolve());
  });
}

function connect(url: string): Promise<net.Socket> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(target.port), target.hostname, () => resolve(socket));
    socket.on("error", () => undefined);
    socket.once("error", reject);
  });
}

describe("local HTTP API hardening (issue 14: requests through the API, who may manage models, load)", function () {
  let home: string;
  let engine: LlamaEngine;
  let fixtures: FixtureModels;
  let site: FixtureModelSite;
  const servers: ApiServer[] = [];

  async function serve(options: Partial<ApiServerOptions> = {}): Promise<{ server: ApiServer; url: string }> {
    const server = new ApiServer({
      engine,
      endpoints: () => ({ huggingFaceEndpoint: site.server.url }),
      address: { host: "127.0.0.1", port: 0 },
      version: "test",
      ...options,
    });
    servers.push(server);
    return { server, url: await server.start() };
  }

  before(async () => {
    fixtures = await ensureFixtureModels();
    site = await startFixtureModelSite();
    home = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-api-security-"));
    engine = new LlamaEngine({ defaultThreads: 1, gpu: false, storeRoot: home });
    await engine.store.importFile(fixtures.llama, "tiny");
  });

  after(async () => {
    for (const server of servers) await server.stop();
    await engine.dispose();
    await site.server.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  describe("item 1: server-side requests", () => {
    it("tells public addresses from loopback, private, link-local and embedded ones", () => {
      for (const address of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001::1"]) assert.ok(isPublicAddress(address), address);
      for (const address of [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fd00::1",
        "fc12:3456::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:7f00:1",
        "::ffff:10.0.0.1",
        "::127.0.0.1",
        "64:ff9b::a9fe:a9fe",
        "2002:7f00:1::1",
        "not an address",
      ]) {
        assert.ok(!isPublicAddress(address), address);
      }
    });

    it("refuses URL pulls through the API unless allowed, and then refuses private addresses before any request", async () => {
      const target = site.llama.url;
      const { url } = await serve();
      const off = await call(url, "/api/pull", { body: { model: target, stream: false } });
      assert.equal(off.status, 403, off.body);
      assert.match(errorOf(off), /hearth\.api\.allowUrlPulls/);
      const offCreate = await call(url, "/api/create", { body: { model: "evil", modelfile: `FROM ${target}\n`, stream: false } });
      assert.equal(offCreate.status, 403, offCreate.body);
      const pathPull = await call(url, "/api/pull", { body: { model: "/etc/passwd", stream: false } });
      assert.equal(pathPull.status, 403, pathPull.body);

      const { url: allowing } = await serve({ allowUrlPulls: true });
      for (const model of [target, target.replace("127.0.0.1", "localhost"), target.replace("127.0.0.1", "[::1]")]) {
        const on = await call(allowing, "/api/pull", { body: { model, stream: false } });
        assert.equal(on.status, 403, `${model}: ${on.body}`);
        assert.match(errorOf(on), /public internet addresses/);
      }
      const onCreate = await call(allowing, "/api/create", { body: { model: "evil", modelfile: `FROM ${target}\n`, stream: false } });
      assert.equal(onCreate.status, 403, onCreate.body);
      assert.deepEqual(site.server.requestsFor(site.llama.path), [], "no request reached the address");
      // Catalogue names and hf: references still pull (from the configured endpoint).
      const hf = await call(url, "/api/pull", { body: { model: `hf:${site.huggingFace.repo}/${site.huggingFace.file}`, stream: false } });
      assert.equal(hf.status, 200, hf.body);
    });

    it("checks the address a name resolves to, and every redirect hop, in the downloader", async () => {
      const port = new URL(site.server.url).port;
      // Stand-ins: "public.example.test" is the public internet (here 127.0.0.1, allowed by the
      // policy); "internal.example.test" resolves to a private address.
      const names: Record<string, string> = { "public.example.test": "127.0.0.1", "internal.example.test": "10.0.0.5", "sneaky.example.test": "127.0.0.1" };
      const lookup: AddressPolicy["lookup"] = async (hostname) => (names[hostname] ? [{ address: names[hostname]!, family: 4 }] : []);
      const policy: AddressPolicy = { lookup, allowAddress: (address) => address === "127.0.0.1" };
      const store = new ModelStore(fs.mkdtempSync(path.join(os.tmpdir(), "hearth-ssrf-")));
      try {
        // A name is judged by the address it resolves to, not by how it looks.
        await assert.rejects(
          pull(`http://sneaky.example.test:${port}${site.llama.path}`, store, { addressPolicy: { lookup } }),
          (error: unknown) => isDownloadError(error, "refusedAddress"),
        );
        assert.deepEqual(site.server.requestsFor(site.llama.path), []);

        // A redirect to a private address is refused at that hop.
        site.server.redirect("/hop/tiny.gguf", `http://internal.example.test:${port}${site.llama.path}`, site.llama);
        await assert.rejects(
          pull(`http://public.example.test:${port}/hop/tiny.gguf`, store, { addressPolicy: policy, retries: 0 }),
          (error: unknown) => isDownloadError(error, "refusedAddress") && /internal\.example\.test/.test((error as Error).message),
        );
        assert.equal(site.server.requestsFor("/hop/tiny.gguf").length, 1, "the first hop was asked");
        assert.deepEqual(site.server.requestsFor(site.llama.path), [], "the private hop was not");

        // Allowed hops download as before: through a redirect, hashed and verified.
        site.server.redirect("/hop/ok.gguf", `http://public.example.test:${port}${site.llama.path}`, site.llama);
        const pulled = await pull(`http://public.example.test:${port}/hop/ok.gguf`, store, { addressPolicy: policy, name: "ok" });
        assert.equal(pulled.manifest.sha256, site.llama.sha256);
      } finally {
        fs.rmSync(store.root, { recursive: true, force: true });
      }
    });

    it("reads Modelfile paths only inside the store and allowed folders, with one answer for 'not allowed' and 'missing'", async () => {
      const { url } = await serve();
      const outside = fixtures.llama; // a real GGUF, outside the store and any allowed folder
      const answers: Answer[] = [];
      for (const from of [outside, "/etc/passwd", "/no/such/file.gguf", "~/.ssh/id_rsa", `${path.dirname(outside)}/../../../package.json`]) {
        const answer = await call(url, "/api/create", { body: { model: "probe", modelfile: `FROM ${from}\n`, stream: false } });
        answers.push({ status: answer.status, body: errorOf(answer).replace(from, "<path>") });
      }
      for (const answer of answers) assert.deepEqual(answer, answers[0], JSON.stringify(answers, null, 1));
      assert.equal(answers[0]!.status, 403);
      const adapter = await call(url, "/api/create", { body: { model: "probe", modelfile: `FROM tiny\nADAPTER ${fixtures.lora}\n`, stream: false } });
      assert.equal(adapter.status, 403, adapter.body);

      // A symlink inside an allowed folder that points outside it is outside.
      const allowed = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-allowed-"));
      try {
        fs.copyFileSync(fixtures.llama, path.join(allowed, "mine.gguf"));
        fs.symlinkSync(fixtures.lora, path.join(allowed, "link.gguf"));
        const { url: widened } = await serve({ modelFolders: [allowed] });
        const created = await call(widened, "/api/create", { body: { model: "mine", modelfile: `FROM ${path.join(allowed, "mine.gguf")}\n`, stream: false } });
        assert.equal(created.status, 200, created.body);
        const linked = await call(widened, "/api/create", { body: { model: "linked", modelfile: `FROM tiny\nADAPTER ${path.join(allowed, "link.gguf")}\n`, stream: false } });
        assert.equal(linked.status, 403, linked.body);
        await call(widened, "/api/delete", { method: "DELETE", body: { model: "mine" } });
      } finally {
        fs.rmSync(allowed, { recursive: true, force: true });
      }
    });
  });

  describe("item 7: who may manage models", () => {
    it("lets local pages read and generate, but change the store only from origins named explicitly", async () => {
      assert.ok(originAllowed("http://localhost:3000", []));
      assert.ok(!originMayChangeStore("http://localhost:3000", []));
      assert.ok(!originMayChangeStore("vscode-webview://abc", ["*"]));
      assert.ok(originMayChangeStore("https://app.example.com", ["https://*.example.com"]));
      assert.ok(originMayChangeStore(null, []));

      const { url } = await serve({ allowedOrigins: ["http://localhost:5173"] });
      for (const origin of ["http://localhost:3000", "http://127.0.0.1:8080", "vscode-webview://abc", "tauri://localhost", "null"]) {
        const headers = { Origin: origin };
        if (origin !== "null") assert.equal((await call(url, "/api/tags", { headers })).status, 200, origin);
        for (const [route, method, body] of [
          ["/api/delete", "DELETE", { model: "tiny" }],
          ["/api/copy", "POST", { source: "tiny", destination: "stolen" }],
          ["/api/pull", "POST", { model: "hf:a/b/c.gguf" }],
          ["/api/create", "POST", { model: "x", from: "tiny" }],
        ] as const) {
          const answer = await call(url, route, { method, body, headers });
          assert.equal(answer.status, 403, `${origin} ${route}: ${answer.body}`);
        }
      }
      assert.ok((await engine.store.get("tiny")) !== null, "tiny is still installed");
      const named = await call(url, "/api/copy", { body: { source: "tiny", destination: "named-copy" }, headers: { Origin: "http://localhost:5173" } });
      assert.equal(named.status, 200, named.body);
      const scripted = await call(url, "/api/delete", { method: "DELETE", body: { model: "named-copy" } });
      assert.equal(scripted.status, 200, scripted.body);
    });

    it("asks every request for the bearer key when one is set; clients send it as they do", async () => {
      const key = "correct horse battery staple";
      const { server, url } = await serve({ apiKey: key });
      assert.equal(server.requiresKey, true);
      for (const headers of [{} as Record<string, string>, { Authorization: "Bearer wrong" }, { Authorization: key }, { Authorization: `Basic ${key}` }]) {
        for (const route of ["/", "/api/tags", "/v1/models", "/api/version"]) {
          const answer = await call(url, route, { headers });
          assert.equal(answer.status, 401, `${route} ${JSON.stringify(headers)}`);
        }
      }
      const preflight = await fetch(`${url}/api/chat`, { method: "OPTIONS", headers: { Origin: "http://localhost:3000", "Access-Control-Request-Method": "POST" } });
      assert.equal(preflight.status, 204, "CORS preflights carry no credentials");
      assert.equal((await call(url, "/api/tags", { headers: { Authorization: `Bearer ${key}` } })).status, 200);
      const ollama = new Ollama({ host: url, headers: { Authorization: `Bearer ${key}` } });
      assert.ok((await ollama.list()).models.some((model) => model.name === "tiny:latest"));
      const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
      assert.ok((await openai.models.list()).data.some((model) => model.id === "tiny:latest"));
      await assert.rejects(new OpenAI({ baseURL: `${url}/v1`, apiKey: "nope", maxRetries: 0 }).models.list(), (error: Error & { status?: number }) => error.status === 401);
    });

    it("warns when it listens beyond loopback without a key", async () => {
      const warnings: string[] = [];
      const { server } = await serve({ address: { host: "0.0.0.0", port: 0 }, log: (level, message) => level === "warn" && warnings.push(message) });
      assert.equal(server.exposed, true);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /HEARTH_API_KEY/);
      const quiet: string[] = [];
      await serve({ address: { host: "0.0.0.0", port: 0 }, apiKey: "k", log: (level, message) => level === "warn" && quiet.push(message) });
      const local: string[] = [];
      await serve({ log: (level, message) => level === "warn" && local.push(message) });
      assert.deepEqual([...quiet, ...local], []);
    });
  });

  describe("item 8: load", () => {
    it("keeps one instance per model however many context sizes concurrent requests ask for", async () => {
      const { url } = await serve();
      const answers = await Promise.all(
        [1000, 1001, 1002, 1003, 1004, 1005].map((numCtx) =>
          call(url, "/api/generate", { body: { model: "tiny", prompt: "Hello", stream: false, options: { num_ctx: numCtx, num_predict: 2, temperature: 0 } } }),
        ),
      );
      for (const answer of answers) assert.equal(answer.status, 200, answer.body);
      const instances = engine.listModels().filter((model) => model.storeName === "tiny:latest");
      assert.equal(instances.length, 1, JSON.stringify(instances.map((model) => model.contextSize)));
      // A smaller size reuses the larger instance rather than loading another.
      const smaller = await call(url, "/api/generate", { body: { model: "tiny", prompt: "Hi", stream: false, options: { num_ctx: 512, num_predict: 1 } } });
      assert.equal(smaller.status, 200, smaller.body);
      assert.deepEqual(engine.listModels().filter((model) => model.storeName === "tiny:latest").map((model) => model.modelId), instances.map((model) => model.modelId));
    });

    it("treats keep_alive beyond Node's timer as 'for good' and still unloads after a short one", async () => {
      assert.equal(parseKeepAlive("1000h"), null);
      assert.equal(parseKeepAlive(30 * 24 * 3600), null);
      assert.equal(parseKeepAlive("596h"), 596 * 3_600_000);
      assert.equal(parseKeepAlive("5m"), 300_000);
      const { url } = await serve();
      const kept = await call(url, "/api/generate", { body: { model: "tiny", prompt: "Hi", stream: false, keep_alive: "1000h", options: { num_predict: 1 } } });
      assert.equal(kept.status, 200, kept.body);
      // An overflowing timer fires after 1 ms; give it far longer than that, then look.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await engine.scheduler.run("barrier", "background", undefined, async () => undefined);
      const ps = JSON.parse((await call(url, "/api/ps")).body) as { models: Array<{ name: string; expires_at: string }> };
      const tiny = ps.models.find((model) => model.name === "tiny:latest");
      assert.ok(tiny, "still loaded");
      assert.ok(new Date(tiny.expires_at).getFullYear() > 2100, tiny.expires_at);

      const brief = await call(url, "/api/generate", { body: { model: "tiny", prompt: "Hi", stream: false, keep_alive: "50ms", options: { num_predict: 1 } } });
      assert.equal(brief.status, 200, brief.body);
      while (engine.listModels().some((model) => model.storeName === "tiny:latest")) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });

    it("closes connections that trickle their body or headers, sit idle, or exceed the cap", async () => {
      const { url } = await serve({ limits: { headersTimeoutMs: 300, requestTimeoutMs: 300, idleTimeoutMs: 300, checkIntervalMs: 50, maxConnections: 3 } });

      // A body announced as 1000 bytes, sent one byte at a time.
      const slowBody = await connect(url);
      const bodyClosed = closed(slowBody);
      slowBody.write(`POST /api/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`);
      let sent = 0;
      const trickle = setInterval(() => {
        if (!slowBody.destroyed && sent < 1000) {
          slowBody.write("{");
          sent++;
        }
      }, 25);
      await bodyClosed;
      clearInterval(trickle);
      assert.ok(sent < 1000, "the server closed the connection before the body was complete");

      // Headers sent a few bytes at a time, never finished.
      const slowHeaders = await connect(url);
      const headersClosed = closed(slowHeaders);
      slowHeaders.write("GET /api/tags HTTP/1.1\r\n");
      const drip = setInterval(() => {
        if (!slowHeaders.destroyed) slowHeaders.write("X-A: b\r\n");
      }, 25);
      await headersClosed;
      clearInterval(drip);

      // A kept-alive connection after its answer, then nothing.
      const idle = await connect(url);
      const idleClosed = closed(idle);
      let answered = "";
      idle.on("data", (chunk: Buffer) => (answered += chunk.toString("utf8")));
      idle.write("GET /api/version HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
      await idleClosed;
      assert.match(answered, /^HTTP\/1\.1 200/);

    });

    it("closes connections beyond the cap as they arrive, keeping the others", async () => {
      const { url } = await serve({ limits: { maxConnections: 2 } });
      const held = await Promise.all([connect(url), connect(url)]);
      // Wait until the server has accepted both, so the third is the one over the cap.
      await new Promise<void>((resolve) => {
        const check = (): void => {
          const server = servers.at(-1) as unknown as { server: import("node:http").Server };
          server.server.getConnections((_error, count) => (count >= 2 ? resolve() : setTimeout(check, 10)));
        };
        check();
      });
      const extra = await connect(url);
      await closed(extra);
      assert.ok(held.every((socket) => !socket.destroyed), "the two within the cap stay open");
      for (const socket of held) socket.destroy();
    });
  });
});
