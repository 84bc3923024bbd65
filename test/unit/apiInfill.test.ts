// Code completion through the local HTTP API: Ollama's /api/generate and OpenAI's /v1/completions
// with `suffix`, driven by the official `ollama` and `openai` clients, and llama.cpp server's
// /infill with a request shaped like llama.vscode's, on the tiny code fixture (FIM tokens) and the
// tiny llama (none: a clear 400).
import * as assert from "node:assert/strict";
import * as http from "node:http";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { startTestApi, type TestApi } from "../support/apiHarness";

function post(url: string, route: string, body: unknown): Promise<{ status: number; type: string; text: string }> {
  const target = new URL(url);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, method: "POST", path: route, headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

const prefix = "def greet(name):\n    message = \"hello \" + name\n    return mess";
const suffix = "\n\n\ndef main():\n    print(greet(\"world\"))\n";

/** The request llama.vscode sends for a completion (src/llama-server.ts there): the cursor's line goes in `prompt`. */
function llamaVscodeRequest(line: string): Record<string, unknown> {
  return {
    input_prefix: "def greet(name):\n    message = \"hello \" + name\n",
    input_suffix: suffix,
    input_extra: [{ text: "def shout(text):\n    return text.upper()\n", time: Date.now(), filename: "util.py" }],
    prompt: line,
    n_predict: 8,
    top_k: 40,
    top_p: 0.99,
    stream: false,
    samplers: ["top_k", "top_p", "infill"],
    cache_prompt: true,
    n_indent: 4,
    t_max_prompt_ms: 500,
    t_max_predict_ms: 60_000,
  };
}

describe("local HTTP API: code completion (fill in the middle)", function () {
  let api: TestApi;
  let url: string;
  let ollama: Ollama;
  let openai: OpenAI;

  before(async () => {
    api = await startTestApi("hearth-api-infill-", { "tiny-code": "code", tiny: "llama" }, { endpoints: () => ({}) });
    url = api.url;
    ollama = new Ollama({ host: url });
    openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: "not-needed", maxRetries: 0 });
  });

  after(() => api.stop());

  it("fills in the middle with Ollama's /api/generate and a suffix, streamed and not", async () => {
    const request = { model: "tiny-code", prompt: prefix, suffix, options: { temperature: 0, num_predict: 8 } };
    const whole = await ollama.generate({ ...request, stream: false });
    assert.equal(whole.done, true);
    assert.equal(whole.done_reason, "length");
    assert.equal(whole.eval_count, 8);
    assert.ok((whole.response ?? "").trim().length > 0, JSON.stringify(whole.response));
    let streamed = "";
    for await (const part of await ollama.generate({ ...request, stream: true })) streamed += part.response;
    assert.equal(streamed, whole.response);
  });

  it("fills in the middle with OpenAI's /v1/completions and a suffix, streamed and not", async () => {
    const request = { model: "tiny-code", prompt: prefix, suffix, max_tokens: 8, temperature: 0 };
    const whole = await openai.completions.create(request);
    assert.equal(whole.choices[0]!.finish_reason, "length");
    assert.equal(whole.usage?.completion_tokens, 8);
    const text = whole.choices[0]!.text;
    assert.ok(text.trim().length > 0, JSON.stringify(text));
    let streamed = "";
    for await (const chunk of await openai.completions.create({ ...request, stream: true })) streamed += chunk.choices[0]?.text ?? "";
    assert.equal(streamed, text);
  });

  it("answers llama.vscode's /infill request as llama-server does, reusing the cache as the line grows", async () => {
    const first = await post(url, "/infill", { ...llamaVscodeRequest("    return mess"), model: "tiny-code" });
    assert.equal(first.status, 200, first.text);
    const answer = JSON.parse(first.text) as Record<string, unknown> & { timings: Record<string, number> };
    assert.equal(typeof answer.content, "string");
    assert.ok((answer.content as string).trim().length > 0);
    assert.equal(answer.stop, true);
    assert.equal(answer.stop_type, "limit");
    assert.equal(answer.tokens_predicted, 8);
    assert.ok((answer.tokens_evaluated as number) > 20);
    assert.equal(answer.truncated, false);
    for (const key of ["prompt_n", "prompt_ms", "prompt_per_second", "predicted_n", "predicted_ms", "predicted_per_second"]) {
      assert.equal(typeof answer.timings[key], "number", key);
    }
    // Without "model": the loaded code model. One more character typed evaluates a few tokens only.
    const next = await post(url, "/infill", llamaVscodeRequest("    return messa"));
    assert.equal(next.status, 200, next.text);
    const nextAnswer = JSON.parse(next.text) as { model: string; tokens_cached: number; timings: { prompt_n: number } };
    assert.equal(nextAnswer.model, "tiny-code:latest");
    assert.ok(nextAnswer.timings.prompt_n <= 3, `${nextAnswer.timings.prompt_n} prompt tokens evaluated`);
    assert.ok(nextAnswer.tokens_cached > 20);
  });

  it("warms the cache for n_predict 0 and streams /infill as server-sent events", async () => {
    const warm = await post(url, "/infill", { ...llamaVscodeRequest(""), n_predict: 0, samplers: [], t_max_predict_ms: 1 });
    assert.equal(warm.status, 200, warm.text);
    assert.equal((JSON.parse(warm.text) as { content: string }).content, "");
    const whole = JSON.parse((await post(url, "/infill", llamaVscodeRequest("    ret"))).text) as { content: string };
    const streamed = await post(url, "/infill", { ...llamaVscodeRequest("    ret"), stream: true });
    assert.equal(streamed.status, 200);
    assert.match(streamed.type, /text\/event-stream/);
    const events = streamed.text
      .split("\n\n")
      .filter((event) => event.startsWith("data: "))
      .map((event) => JSON.parse(event.slice("data: ".length)) as { content: string; stop: boolean });
    assert.equal(events.at(-1)!.stop, true);
    assert.equal(events.map((event) => event.content).join(""), whole.content);
  });

  it("refuses a model without infill tokens with a 400 that says what to use", async () => {
    await assert.rejects(ollama.generate({ model: "tiny", prompt: prefix, suffix, stream: false }), (error: Error & { status_code?: number }) => {
      assert.equal(error.status_code, 400);
      assert.match(error.message, /cannot fill in the middle/);
      assert.match(error.message, /qwen2\.5-coder:1\.5b/);
      return true;
    });
    await assert.rejects(openai.completions.create({ model: "tiny", prompt: prefix, suffix, max_tokens: 4 }), (error: unknown) => {
      assert.ok(error instanceof OpenAI.BadRequestError);
      assert.match(error.message, /cannot fill in the middle/);
      return true;
    });
    const raw = await post(url, "/infill", { ...llamaVscodeRequest("    ret"), model: "tiny" });
    assert.equal(raw.status, 400);
    assert.match((JSON.parse(raw.text) as { error: { message: string } }).error.message, /cannot fill in the middle/);
  });
});
