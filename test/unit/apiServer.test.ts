// The local HTTP API driven by the real `ollama` and `openai` clients over loopback, on an
// in-process engine with the fixture models in a temporary store: generate and chat (streamed
// and not), embeddings, the model store endpoints, cancellation when a client leaves, errors the
// clients surface, Host/Origin refusal, the body limit, 100 concurrent requests, and `hearth serve`.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as http from "node:http";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { hostAllowed, originAllowed, parseListenAddress, parseOriginList } from "../../src/common/api/apiAccess";
import type { ApiRequestRecord } from "../../src/engine/api/apiServer";
import { defaultMaxBodyBytes } from "../../src/engine/api/apiServer";
import type { LlamaEngine } from "../../src/engine/llama/llamaEngine";
import { startTestApi, type TestApi } from "../support/apiHarness";
import { cliPath, createTestClient, ensureBuilt, servedUrl } from "../support/engineHarness";
import type { FixtureModelSite } from "../support/fixtureModelServer";
import { startFixtureModelSite } from "../support/fixtureModelServer";

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function rawRequest(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, method: options.method ?? "GET", path: options.path, headers: options.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

function norm(vector: readonly number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

function cosine(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, value, index) => sum + value * b[index]!, 0) / (norm(a) * norm(b));
}

describe("local HTTP API (Ollama and OpenAI clients)", function () {
  let api: TestApi;
  let home: string;
  let engine: LlamaEngine;
  let url: string;
  let ollama: Ollama;
  let openai: OpenAI;
  let site: FixtureModelSite;
  const records: ApiRequestRecord[] = [];
  const waiters: Array<{ match: (record: ApiRequestRecord) => boolean; resolve: (record: ApiRequestRecord) => void }> = [];

  function nextRecord(match: (record: ApiRequestRecord) => boolean): Promise<ApiRequestRecord> {
    const found = records.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => waiters.push({ match, resolve }));
  }

  before(async () => {
    site = await startFixtureModelSite();
    api = await startTestApi("hearth-api-", { tiny: "llama", "tiny-embed": "embedding" }, {
      endpoints: () => ({ huggingFaceEndpoint: site.server.url }),
      onRequestFinished: (record) => {
        records.push(record);
        for (const waiter of waiters.splice(0)) {
          if (waiter.match(record)) waiter.resolve(record);
          else waiters.push(waiter);
        }
      },
    });
    ({ home, engine, url } = api);
    ollama = new Ollama({ host: url });
    openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: "not-needed", maxRetries: 0 });
  });

  after(async () => {
    await api.stop();
    await site.server.close();
  });

  it("answers / and /api/version as Ollama does", async () => {
    const root = await rawRequest(url, { path: "/" });
    assert.equal(root.status, 200);
    assert.equal(root.body, "Ollama is running");
    const head = await rawRequest(url, { method: "HEAD", path: "/" });
    assert.equal(head.status, 200);
    const { version } = await ollama.version();
    assert.match(version, /^\d+\.\d+\.\d+$/);
  });

  it("generates with /api/generate, streamed and not, the same text for the same greedy request", async () => {
    const request = { model: "tiny", prompt: "Once upon a time", raw: true, options: { temperature: 0, num_predict: 12 } };
    const whole = await ollama.generate({ ...request, stream: false });
    assert.equal(whole.done, true);
    assert.equal(whole.model, "tiny:latest");
    assert.equal(whole.done_reason, "length");
    assert.equal(whole.eval_count, 12);
    assert.ok(whole.prompt_eval_count > 0);
    assert.ok(whole.total_duration > 0 && Number.isInteger(whole.total_duration), "durations in nanoseconds");
    assert.ok((whole.response ?? "").length > 0);

    const parts: string[] = [];
    let last: Awaited<ReturnType<typeof ollama.generate>> | null = null;
    for await (const part of await ollama.generate({ ...request, stream: true })) {
      if (!part.done) parts.push(part.response ?? "");
      last = part;
    }
    assert.ok(parts.length > 1, `${parts.length} streamed parts`);
    assert.equal(parts.join(""), whole.response);
    assert.equal(last?.done, true);
    assert.equal(last?.eval_count, 12);
  });

  it("chats with /api/chat, streamed and not, with a system prompt and earlier turns", async () => {
    const messages = [
      { role: "system", content: "You are terse." },
      { role: "user", content: "Hello there" },
      { role: "assistant", content: "Hi." },
      { role: "user", content: "Tell me a story" },
    ];
    const whole = await ollama.chat({ model: "tiny", messages, stream: false, options: { temperature: 0, num_predict: 10 } });
    assert.equal(whole.message.role, "assistant");
    assert.ok(whole.message.content.length > 0);
    assert.equal(whole.done, true);
    let streamed = "";
    let final = null;
    for await (const part of await ollama.chat({ model: "tiny", messages, stream: true, options: { temperature: 0, num_predict: 10 } })) {
      streamed += part.message.content;
      if (part.done) final = part;
    }
    assert.equal(streamed, whole.message.content);
    assert.equal(final?.eval_count, whole.eval_count);
  });

  it("honours num_predict and max_tokens exactly in chat mode, streamed and not", async () => {
    // LlamaChat releases an answer's held-back start re-tokenized (one token per character here),
    // which once made a num_predict of 3 report 7 tokens and 10 report 12.
    const messages = [
      { role: "system", content: "You are terse." },
      { role: "user", content: "Tell me a story" },
    ];
    for (const limit of [1, 3, 10]) {
      const whole = await ollama.chat({ model: "tiny", messages, stream: false, options: { temperature: 0, num_predict: limit } });
      assert.ok(whole.eval_count <= limit, `num_predict ${limit}: eval_count ${whole.eval_count}`);
      assert.equal(whole.done_reason, "length");
      assert.equal(whole.eval_count, limit);
      assert.ok(whole.message.content.length > 0);
      let final = null;
      for await (const part of await ollama.chat({ model: "tiny", messages, stream: true, options: { temperature: 0, num_predict: limit } })) {
        if (part.done) final = part;
      }
      assert.equal(final?.eval_count, limit);

      const completion = await openai.chat.completions.create({ model: "tiny", messages: messages as OpenAI.ChatCompletionMessageParam[], temperature: 0, max_tokens: limit });
      assert.ok(completion.usage!.completion_tokens <= limit, `max_tokens ${limit}: ${completion.usage!.completion_tokens}`);
      assert.equal(completion.choices[0]!.finish_reason, "length");
      const stream = await openai.chat.completions.create({
        model: "tiny",
        messages: messages as OpenAI.ChatCompletionMessageParam[],
        temperature: 0,
        max_completion_tokens: limit,
        stream: true,
        stream_options: { include_usage: true },
      });
      let usage = null;
      for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
      assert.equal(usage?.completion_tokens, limit);
    }
  });

  it("holds an answer to a JSON schema given as format", async () => {
    const schema = { type: "object", properties: { answer: { type: "string", enum: ["yes", "no"] } }, required: ["answer"] };
    const reply = await ollama.chat({
      model: "tiny",
      messages: [{ role: "user", content: "Is the sky blue?" }],
      format: schema,
      stream: false,
      options: { temperature: 0, num_predict: 40 },
    });
    const parsed = JSON.parse(reply.message.content) as { answer: string };
    assert.ok(["yes", "no"].includes(parsed.answer), reply.message.content);
  });

  it("embeds with /api/embed (normalized) and /api/embeddings", async () => {
    const result = await ollama.embed({ model: "tiny-embed", input: ["the cat sat on the mat", "the cat sat on a mat", "quantum chromodynamics"] });
    assert.equal(result.model, "tiny-embed:latest");
    assert.equal(result.embeddings.length, 3);
    for (const vector of result.embeddings) assert.ok(Math.abs(norm(vector) - 1) < 1e-5);
    const [a, b, c] = result.embeddings as [number[], number[], number[]];
    assert.ok(cosine(a, b) > cosine(a, c), `near ${cosine(a, b)} vs far ${cosine(a, c)}`);
    assert.ok(result.prompt_eval_count > 0);
    const single = await ollama.embeddings({ model: "tiny-embed", prompt: "the cat sat on the mat" });
    assert.equal(single.embedding.length, a.length);
    assert.ok(cosine(single.embedding, a) > 0.999);
    const cut = await ollama.embed({ model: "tiny-embed", input: "the cat", dimensions: 8 });
    assert.equal(cut.embeddings[0]!.length, 8);
  });

  it("lists, shows, creates, copies and deletes models; ps lists what is loaded", async () => {
    const tags = await ollama.list();
    const names = tags.models.map((model) => model.name).sort();
    assert.deepEqual(names, ["tiny-embed:latest", "tiny:latest"]);
    const tiny = tags.models.find((model) => model.name === "tiny:latest")!;
    assert.equal(tiny.details.family, "llama");
    assert.match(tiny.digest, /^[0-9a-f]{64}$/);
    assert.ok(tiny.size > 0);

    const ps = await ollama.ps();
    assert.ok(ps.models.some((model) => model.name === "tiny:latest"), JSON.stringify(ps.models.map((m) => m.name)));

    const shown = await ollama.show({ model: "tiny" });
    assert.deepEqual(shown.capabilities, ["completion"]);
    assert.equal(shown.details.format, "gguf");
    assert.match(shown.modelfile, /FROM tiny:latest/);
    assert.equal((shown.model_info as unknown as Record<string, unknown>)["general.architecture"], "llama");
    const embedShown = await ollama.show({ model: "tiny-embed" });
    assert.deepEqual(embedShown.capabilities, ["embedding"]);

    const progress: string[] = [];
    for await (const step of await ollama.create({
      model: "pirate",
      from: "tiny",
      system: "You are a pirate.",
      parameters: { temperature: 0.1, stop: ["\n\n", "Arr"] },
      stream: true,
    })) {
      progress.push(step.status);
    }
    assert.equal(progress.at(-1), "success");
    const pirate = await ollama.show({ model: "pirate" });
    assert.equal(pirate.system, "You are a pirate.");
    assert.match(pirate.parameters, /temperature\s+0\.1/);
    assert.match(pirate.parameters, /stop\s+"Arr"/);

    const created = await ollama.create({ model: "pirate2", modelfile: "FROM tiny\nSYSTEM Ahoy.\n", stream: false } as Parameters<Ollama["create"]>[0] & { modelfile: string });
    assert.equal(created.status, "success");

    await ollama.copy({ source: "pirate", destination: "pirate:copy" });
    assert.ok((await ollama.list()).models.some((model) => model.name === "pirate:copy"));
    await ollama.delete({ model: "pirate:copy" });
    await ollama.delete({ model: "pirate" });
    await ollama.delete({ model: "pirate2" });
    assert.deepEqual((await ollama.list()).models.map((model) => model.name).sort(), ["tiny-embed:latest", "tiny:latest"]);
    await assert.rejects(ollama.delete({ model: "pirate" }), (error: Error & { status_code?: number }) => error.status_code === 404);
  });

  it("pulls with streamed progress", async () => {
    const statuses: Array<{ status: string; completed?: number; total?: number }> = [];
    const reference = `hf:${site.huggingFace.repo}/${site.huggingFace.file}`;
    for await (const step of await ollama.pull({ model: reference, stream: true })) statuses.push(step);
    assert.equal(statuses[0]!.status, "pulling manifest");
    assert.equal(statuses.at(-1)!.status, "success");
    assert.ok(statuses.some((step) => step.status.startsWith("pulling ") && step.total! > 0 && step.completed === step.total));
    const installed = (await ollama.list()).models.map((model) => model.name);
    assert.equal(installed.length, 3);
    const pulled = installed.find((name) => name !== "tiny:latest" && name !== "tiny-embed:latest")!;
    await ollama.delete({ model: pulled });
  });

  it("unloads a model after a request with keep_alive 0", async () => {
    await ollama.embed({ model: "tiny-embed", input: "warm up" });
    assert.ok((await ollama.ps()).models.some((model) => model.name === "tiny-embed:latest"));
    await ollama.embed({ model: "tiny-embed", input: "and go", keep_alive: 0 });
    // The unload is queued behind nothing else: it has run once the engine's queue is empty.
    for (let i = 0; i < 100 && engine.listModels().some((model) => model.storeName === "tiny-embed:latest"); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      await engine.scheduler.run("barrier", "background", undefined, async () => undefined);
    }
    assert.ok(!(await ollama.ps()).models.some((model) => model.name === "tiny-embed:latest"));
  });

  it("reports the prompt reused from the KV cache as Ollama and OpenAI do, within the whole prompt's count", async () => {
    const messages = [
      { role: "system" as const, content: "You answer questions about code, briefly." },
      { role: "user" as const, content: "What does a linter do?" },
    ];
    const first = await ollama.chat({ model: "tiny", messages, stream: false, options: { temperature: 0, num_predict: 4 } });
    const again = await ollama.chat({ model: "tiny", messages, stream: false, options: { temperature: 0, num_predict: 4 } });
    assert.equal(again.prompt_eval_count, first.prompt_eval_count, "prompt_eval_count is the whole prompt, cached or not");
    const cached = (again as unknown as { prompt_eval_cached_count?: number }).prompt_eval_cached_count;
    assert.ok(cached !== undefined && cached > 0 && cached <= again.prompt_eval_count, `prompt_eval_cached_count ${cached}`);
    const completion = await openai.chat.completions.create({ model: "tiny", messages, temperature: 0, max_tokens: 4 });
    const details = (completion.usage as unknown as { prompt_tokens_details?: { cached_tokens: number } }).prompt_tokens_details;
    assert.ok(details && details.cached_tokens > 0 && details.cached_tokens <= completion.usage!.prompt_tokens, JSON.stringify(completion.usage));
  });

  it("serves OpenAI's chat completions, streamed (SSE with usage) and not", async () => {
    const messages = [
      { role: "system" as const, content: "Be brief." },
      { role: "user" as const, content: "Say something" },
    ];
    const whole = await openai.chat.completions.create({ model: "tiny", messages, temperature: 0, max_tokens: 10 });
    assert.equal(whole.object, "chat.completion");
    assert.equal(whole.choices[0]!.message.role, "assistant");
    assert.equal(whole.choices[0]!.finish_reason, "length");
    assert.equal(whole.usage!.completion_tokens, 10);
    assert.equal(whole.usage!.total_tokens, whole.usage!.prompt_tokens + whole.usage!.completion_tokens);

    const stream = await openai.chat.completions.create({
      model: "tiny",
      messages,
      temperature: 0,
      max_tokens: 10,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null = null;
    let usage = null;
    for await (const chunk of stream) {
      assert.equal(chunk.object, "chat.completion.chunk");
      if (chunk.choices[0]) {
        text += chunk.choices[0].delta.content ?? "";
        finish = chunk.choices[0].finish_reason ?? finish;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, whole.choices[0]!.message.content);
    assert.equal(finish, "length");
    assert.equal(usage?.completion_tokens, whole.usage!.completion_tokens);
  });

  it("serves OpenAI's completions, embeddings (base64 and float) and models", async () => {
    const completion = await openai.completions.create({ model: "tiny", prompt: "Once upon a time", max_tokens: 6, temperature: 0 });
    assert.equal(completion.object, "text_completion");
    assert.ok(completion.choices[0]!.text.length > 0);
    assert.equal(completion.usage?.completion_tokens, 6);
    const raw = await ollama.generate({ model: "tiny", prompt: "Once upon a time", raw: true, stream: false, options: { temperature: 0, num_predict: 6 } });
    assert.equal(completion.choices[0]!.text, raw.response);

    const input = ["the cat sat", "quantum chromodynamics"];
    const viaDefault = await openai.embeddings.create({ model: "tiny-embed", input });
    const viaFloat = await openai.embeddings.create({ model: "tiny-embed", input, encoding_format: "float" });
    assert.equal(viaDefault.data.length, 2);
    for (const [index, item] of viaDefault.data.entries()) {
      assert.equal(item.index, index);
      const float = viaFloat.data[index]!.embedding;
      assert.equal(item.embedding.length, float.length);
      assert.ok(item.embedding.every((value, i) => Math.abs(value - float[i]!) < 1e-6), "base64 decodes to the float vector");
    }
    assert.ok(viaFloat.usage.prompt_tokens > 0);

    const models = await openai.models.list();
    assert.deepEqual(models.data.map((model) => model.id).sort(), ["tiny-embed:latest", "tiny:latest"]);
    const one = await openai.models.retrieve("tiny");
    assert.equal(one.id, "tiny:latest");
  });

  it("answers an unknown model with 404 and a message both clients surface", async () => {
    await assert.rejects(
      ollama.generate({ model: "no-such-model", prompt: "hi", stream: false }),
      (error: Error & { status_code?: number }) => error.status_code === 404 && /no-such-model/.test(error.message) && /pull/.test(error.message),
    );
    await assert.rejects(
      ollama.chat({ model: "no-such-model", messages: [{ role: "user", content: "hi" }], stream: true }),
      (error: Error & { status_code?: number }) => error.status_code === 404 && /no-such-model/.test(error.message),
    );
    await assert.rejects(
      openai.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] }),
      (error: unknown) =>
        error instanceof OpenAI.NotFoundError && /no-such-model/.test(error.message) && error.code === "model_not_found",
    );
    await assert.rejects(
      ollama.generate({ model: "tiny-embed", prompt: "hi", stream: false }),
      (error: Error & { status_code?: number }) => error.status_code === 400 && /does not generate text/.test(error.message),
    );
    await assert.rejects(
      openai.chat.completions.create({ model: "tiny-embed", messages: [{ role: "user", content: "hi" }] }),
      (error: unknown) => error instanceof OpenAI.BadRequestError && /embed/.test(error.message),
    );
    await assert.rejects(
      ollama.chat({ model: "tiny", messages: [{ role: "user", content: "hi" }], options: { temperature: "hot" as unknown as number } }),
      (error: Error & { status_code?: number }) => error.status_code === 400 && /temperature/.test(error.message),
    );
  });

  it("stops generating when the client goes away mid-stream", async () => {
    const maxTokens = 1500;
    const request = { model: "tiny", prompt: "A very long story", raw: true, options: { num_predict: maxTokens, temperature: 0 } };
    // Left alone, this request writes all its tokens (greedy decoding never picks the end here)…
    const full = await ollama.generate({ ...request, stream: false });
    assert.equal(full.eval_count, maxTokens);
    assert.equal(full.done_reason, "length");
    // …so a stream that stops early was stopped by the client leaving.
    const stream = await ollama.generate({ ...request, stream: true });
    let parts = 0;
    await assert.rejects(
      (async () => {
        for await (const part of stream) {
          assert.equal(part.done, false);
          if (++parts === 1) stream.abort();
        }
      })(),
      (error: Error) => error.name === "AbortError",
    );
    const record = await nextRecord((r) => r.path === "/api/generate" && r.clientGone);
    assert.equal(record.stopReason, "cancelled");
    assert.ok(record.outputTokens! < maxTokens, `${record.outputTokens} tokens generated`);
    const status = engine.status();
    assert.equal(status.runningJob, null);
    assert.equal(status.queuedJobs, 0);

    const chatRequest = { model: "tiny", messages: [{ role: "user" as const, content: "Go on" }], max_tokens: 1000, temperature: 0 };
    const chatFull = await openai.chat.completions.create(chatRequest);
    assert.equal(chatFull.choices[0]!.finish_reason, "length");
    const controller = new AbortController();
    const chatStream = await openai.chat.completions.create({ ...chatRequest, stream: true }, { signal: controller.signal });
    // The openai client ends the iteration quietly when its request is aborted.
    let chunks = 0;
    for await (const chunk of chatStream) {
      assert.equal(chunk.choices[0]?.finish_reason ?? null, null);
      if (++chunks === 2) controller.abort();
    }
    assert.equal(chunks, 2);
    const chatRecord = await nextRecord((r) => r.path === "/v1/chat/completions" && r.clientGone);
    assert.equal(chatRecord.stopReason, "cancelled");
    assert.ok(chatRecord.outputTokens! < 1000);
    // The engine is free again: the next request is answered.
    const after = await ollama.generate({ model: "tiny", prompt: "Hi", raw: true, stream: false, options: { num_predict: 3 } });
    assert.equal(after.eval_count, 3);
  });

  it("refuses foreign Host headers and origins with 403, and allows local pages", async () => {
    const foreignHost = await rawRequest(url, { path: "/api/tags", headers: { Host: "evil.example.com" } });
    assert.equal(foreignHost.status, 403);
    assert.match((JSON.parse(foreignHost.body) as { error: string }).error, /evil\.example\.com.*HEARTH_ORIGINS/s);
    const foreignOrigin = await rawRequest(url, { path: "/v1/models", headers: { Origin: "https://evil.example.com" } });
    assert.equal(foreignOrigin.status, 403);
    const openaiError = JSON.parse(foreignOrigin.body) as { error: { message: string; type: string } };
    assert.match(openaiError.error.message, /https:\/\/evil\.example\.com/);
    assert.equal(openaiError.error.type, "permission_error");
    const local = await rawRequest(url, { path: "/api/tags", headers: { Origin: "http://localhost:5173" } });
    assert.equal(local.status, 200);
    assert.equal(local.headers["access-control-allow-origin"], "http://localhost:5173");
    const preflight = await rawRequest(url, { method: "OPTIONS", path: "/api/chat", headers: { Origin: "http://127.0.0.1:3000" } });
    assert.equal(preflight.status, 204);
  });

  it("decides hosts and origins as documented", () => {
    assert.deepEqual(parseListenAddress(""), { host: "127.0.0.1", port: 11435 });
    assert.deepEqual(parseListenAddress("0.0.0.0:11434"), { host: "0.0.0.0", port: 11434 });
    assert.deepEqual(parseListenAddress("http://[::1]:8080"), { host: "::1", port: 8080 });
    assert.deepEqual(parseListenAddress(":9000"), { host: "127.0.0.1", port: 9000 });
    assert.throws(() => parseListenAddress("127.0.0.1:http"), /HOST:PORT/);
    const allowed = parseOriginList(" https://app.example.com, https://*.corp.example ,");
    assert.deepEqual(allowed, ["https://app.example.com", "https://*.corp.example"]);
    assert.equal(originAllowed(null, []), true);
    assert.equal(originAllowed("http://localhost:3000", []), true);
    assert.equal(originAllowed("vscode-webview://abc", []), true);
    assert.equal(originAllowed("https://app.example.com", []), false);
    assert.equal(originAllowed("https://app.example.com", allowed), true);
    assert.equal(originAllowed("https://wiki.corp.example", allowed), true);
    assert.equal(originAllowed("https://localhost.evil.com", []), false);
    assert.equal(hostAllowed("127.0.0.1:11435", "127.0.0.1", []), true);
    assert.equal(hostAllowed("[::1]:11435", "127.0.0.1", []), true);
    assert.equal(hostAllowed("evil.example.com", "127.0.0.1", []), false);
    assert.equal(hostAllowed("app.example.com:11435", "127.0.0.1", allowed), true);
    assert.equal(hostAllowed("gpu-box.lan:11435", "0.0.0.0", []), true);
  });

  it("refuses a body over the limit with 413", async () => {
    const declared = await rawRequest(url, {
      method: "POST",
      path: "/api/embed",
      headers: { "Content-Type": "application/json", "Content-Length": String(defaultMaxBodyBytes + 1) },
      body: Buffer.alloc(defaultMaxBodyBytes + 1, 0x20),
    });
    assert.equal(declared.status, 413);
    assert.match((JSON.parse(declared.body) as { error: string }).error, /bytes at most/);
    const chunked = await rawRequest(url, {
      method: "POST",
      path: "/v1/embeddings",
      headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked" },
      body: Buffer.alloc(defaultMaxBodyBytes + 1, 0x20),
    });
    assert.equal(chunked.status, 413);
    assert.equal((JSON.parse(chunked.body) as { error: { type: string } }).error.type, "invalid_request_error");
  });

  it("answers 100 concurrent requests, each with its own answer", async function () {
    this.timeout(600_000);
    const prompts = ["Alpha", "Bravo story", "Charlie went", "Delta river", "Echo of the"];
    const options = { temperature: 0, num_predict: 6 };
    const expected = new Map<string, string>();
    for (const prompt of prompts) {
      const answer = await ollama.generate({ model: "tiny", prompt, raw: true, stream: false, options });
      expected.set(prompt, answer.response ?? "");
    }
    assert.ok(new Set(expected.values()).size > 1, "the prompts have different answers");
    const jobs = Array.from({ length: 100 }, async (_, index) => {
      const prompt = prompts[index % prompts.length]!;
      let text: string;
      switch (index % 4) {
        case 0:
          text = (await ollama.generate({ model: "tiny", prompt, raw: true, stream: false, options })).response ?? "";
          break;
        case 1: {
          text = "";
          for await (const part of await ollama.generate({ model: "tiny", prompt, raw: true, stream: true, options })) text += part.response ?? "";
          break;
        }
        case 2:
          text = (await openai.completions.create({ model: "tiny", prompt, max_tokens: 6, temperature: 0 })).choices[0]!.text;
          break;
        default: {
          text = "";
          const stream = await openai.completions.create({ model: "tiny", prompt, max_tokens: 6, temperature: 0, stream: true });
          for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
        }
      }
      return { prompt, text };
    });
    const results = await Promise.all(jobs);
    assert.equal(results.length, 100);
    for (const [index, result] of results.entries()) assert.equal(result.text, expected.get(result.prompt), `request ${index} (${result.prompt})`);
  });

  it("runs inside the engine process: apiStart, apiStatus, apiStop", async () => {
    const { client } = createTestClient({ settings: { storeRoot: home } });
    try {
      assert.deepEqual(await client.request("apiStatus", {}), { running: false, url: null, exposed: false, requiresKey: false });
      await assert.rejects(client.request("apiStart", { host: "127.0.0.1:http", origins: "" }), /HOST:PORT/);
      const started = await client.request("apiStart", { host: "127.0.0.1:0", origins: "https://app.example.com" });
      assert.equal(started.running, true);
      assert.match(started.url!, /^http:\/\/127\.0\.0\.1:\d+$/);
      const again = await client.request("apiStart", { host: "127.0.0.1:0", origins: "https://app.example.com" });
      assert.equal(again.url, started.url, "the same settings keep the server as it is");
      const served = new Ollama({ host: started.url! });
      assert.deepEqual((await served.list()).models.map((model) => model.name).sort(), ["tiny-embed:latest", "tiny:latest"]);
      const allowed = await rawRequest(started.url!, { path: "/api/tags", headers: { Origin: "https://app.example.com" } });
      assert.equal(allowed.status, 200);
      assert.deepEqual(await client.request("apiStatus", {}), { running: true, url: started.url, exposed: false, requiresKey: false });
      assert.deepEqual(await client.request("apiStop", {}), { stopped: true });
      await assert.rejects(served.version());
      assert.deepEqual(await client.request("apiStatus", {}), { running: false, url: null, exposed: false, requiresKey: false });
      // The key and the pull limits as VS Code sends them (issue 14).
      const keyed = await client.request("apiStart", { host: "127.0.0.1:0", origins: "", apiKey: "k3y", allowUrlPulls: false, modelFolders: [] });
      assert.equal(keyed.requiresKey, true);
      assert.equal((await rawRequest(keyed.url!, { path: "/api/tags" })).status, 401);
      assert.equal((await rawRequest(keyed.url!, { path: "/api/tags", headers: { Authorization: "Bearer k3y" } })).status, 200);
      const urlPull = await rawRequest(keyed.url!, {
        method: "POST",
        path: "/api/pull",
        headers: { Authorization: "Bearer k3y" },
        body: JSON.stringify({ model: site.llama.url, stream: false }),
      });
      assert.equal(urlPull.status, 403, urlPull.body);
      await client.request("apiStop", {});
    } finally {
      await client.dispose();
    }
  });

  it("runs as `hearth serve`, answering /api/version, and stops on Ctrl+C", async function () {
    ensureBuilt();
    const child = spawn(process.execPath, [cliPath, "serve", "--host", "127.0.0.1:0"], {
      env: { ...process.env, HEARTH_MODELS_PATH: home, HEARTH_LOCALE: "en", HEARTH_GPU: "off", HEARTH_API_KEY: "serve-key" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const served = await servedUrl(child);
      assert.equal((await rawRequest(served, { path: "/api/version" })).status, 401, "HEARTH_API_KEY asks every request for the key");
      const version = await new Ollama({ host: served, headers: { Authorization: "Bearer serve-key" } }).version();
      assert.match(version.version, /^\d+\.\d+\.\d+$/);
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      child.kill("SIGINT");
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
