// Issue 19, items 1 and 2 (the API half): tool calling and thinking through the local API, driven
// by the official `ollama` and `openai` clients against a real server on loopback, on the fixture
// llama with a Hermes-style template (`<tool_call>`, `<think>`) and the plain fixture llama.
import * as assert from "node:assert/strict";
import { Ollama } from "ollama";
import OpenAI from "openai";
import { forcedCallSchema, ForcedCallStreamer, grammarSchemaFor } from "../../src/common/chat/toolCalls";
import { conversationMessages, marksFillInMiddle, ollamaCapabilities } from "../../src/common/api/toolMessages";
import { LlamaEngine } from "../../src/engine/llama/llamaEngine";
import { startTestApi, type TestApi } from "../support/apiHarness";

type Schema = Record<string, unknown>;

/** The schema checks these tests' tools use: type, enum, properties, required, no other properties. */
function schemaErrors(value: unknown, schema: Schema, at = "#"): string[] {
  if (Array.isArray(schema.enum)) return schema.enum.includes(value) ? [] : [`${at}: ${JSON.stringify(value)} not in enum`];
  switch (schema.type) {
    case "integer":
      return Number.isInteger(value) ? [] : [`${at}: not an integer`];
    case "boolean":
      return typeof value === "boolean" ? [] : [`${at}: not a boolean`];
    case "string":
      return typeof value === "string" ? [] : [`${at}: not a string`];
    case "object": {
      if (typeof value !== "object" || value === null || Array.isArray(value)) return [`${at}: not an object`];
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const record = value as Record<string, unknown>;
      return [
        ...((schema.required ?? []) as string[]).filter((name) => !(name in record)).map((name) => `${at}: ${name} missing`),
        ...Object.keys(record).filter((name) => !(name in properties)).map((name) => `${at}: ${name} not allowed`),
        ...Object.entries(record).flatMap(([name, item]) => (properties[name] ? schemaErrors(item, properties[name], `${at}/${name}`) : [])),
      ];
    }
    default:
      return [];
  }
}

const weatherParameters = {
  type: "object",
  properties: {
    city: { type: "string", enum: ["paris", "london", "tokyo"], description: "The city" },
    days: { type: "integer", title: "Days", minimum: 1 },
  },
  required: ["city", "days"],
  additionalProperties: false,
};
const timeParameters = {
  type: "object",
  properties: { zone: { type: "string", enum: ["utc", "cet"] }, exact: { type: "boolean" } },
  required: ["zone", "exact"],
};
const openaiTools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
  { type: "function", function: { name: "get_weather", description: "The weather in a city", parameters: weatherParameters } },
  { type: "function", function: { name: "get_time", description: "The time in a zone", parameters: timeParameters } },
];
const parametersOf: Record<string, Schema> = { get_weather: weatherParameters, get_time: timeParameters };

describe("tools and thinking in the local API (issue 19)", function () {
  let api: TestApi;
  let engine: LlamaEngine;
  let url: string;
  let ollama: Ollama;
  let openai: OpenAI;

  before(async () => {
    api = await startTestApi("hearth-api-tools-", { tools: "toolChat", tiny: "llama" }, { endpoints: () => ({}) });
    ({ engine, url } = api);
    ollama = new Ollama({ host: url });
    openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: "not-needed", maxRetries: 0 });
  });

  after(() => api.stop());

  describe("the pieces", () => {
    it("rewrites client schemas into what a grammar follows", () => {
      assert.deepEqual(grammarSchemaFor({ type: ["string", "null"], title: "x", default: "a" }), { type: ["string", "null"] });
      assert.deepEqual(grammarSchemaFor({ anyOf: [{ type: "string" }, { type: "integer", minimum: 3 }] }), { oneOf: [{ type: "string" }, { type: "integer" }] });
      assert.deepEqual(grammarSchemaFor({ properties: { a: { type: "string", nullable: true } }, required: ["a", "gone"] }), {
        type: "object",
        properties: { a: { type: ["string", "null"] } },
        required: ["a"],
      });
      assert.deepEqual(grammarSchemaFor({ allOf: [{ $ref: "#/definitions/Point" }], definitions: { Point: { type: "integer" } } }), {
        $defs: { Point: { type: "integer" } },
        $ref: "#/$defs/Point",
      });
      const named = forcedCallSchema([{ name: "a", parameters: { type: "object", properties: {} } }, { name: "b" }], { name: "b" });
      assert.deepEqual((named.properties as Schema).name, { const: "b" });
      assert.equal((forcedCallSchema([{ name: "a" }, { name: "b" }], "required").oneOf as unknown[]).length, 2);
    });

    it("streams a forced call's arguments as fragments that make the whole arguments JSON", () => {
      const pieces: string[] = [];
      const streamer = new ForcedCallStreamer((delta) => pieces.push(delta.arguments));
      for (const part of ['{"na', 'me":"get_weather","argu', 'ments":{"city":"pa', 'ris","n":{"x":1}', "}", "}"]) streamer.push(part);
      streamer.finish();
      assert.equal(pieces.join(""), '{"city":"paris","n":{"x":1}}');
      assert.ok(pieces.length >= 3, String(pieces.length));
    });

    it("reads both APIs' tool messages and the capabilities /api/show reports", () => {
      const messages = conversationMessages({
        messages: [
          { role: "user", content: "weather?" },
          { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: '{"city":"paris"}' } }] },
          { role: "tool", tool_call_id: "c1", content: [{ type: "text", text: "sunny" }] },
          { role: "assistant", content: "", thinking: "hm", tool_calls: [{ function: { name: "get_time", arguments: { zone: "utc" } } }] },
          { role: "tool", tool_name: "get_time", content: "12:00" },
        ],
      });
      assert.deepEqual(messages[1], { role: "assistant", text: "", toolCalls: [{ id: "c1", name: "get_weather", arguments: { city: "paris" } }] });
      assert.deepEqual(messages[2], { role: "tool", text: "sunny", toolCallId: "c1" });
      assert.deepEqual(messages[3], { role: "assistant", text: "", thinking: "hm", toolCalls: [{ id: "call_3_0", name: "get_time", arguments: { zone: "utc" } }] });
      assert.deepEqual(messages[4], { role: "tool", text: "12:00", toolName: "get_time" });
      const fim = { "tokenizer.ggml.fim_pre_token_id": 1, "tokenizer.ggml.fim_suf_token_id": 2, "tokenizer.ggml.fim_mid_token_id": 3 };
      assert.ok(marksFillInMiddle(fim));
      assert.equal(marksFillInMiddle({ "tokenizer.ggml.fim_pre_token_id": 1 }), false);
      assert.deepEqual(ollamaCapabilities("chat", fim, { tools: true, thinking: true, thinkingLevels: false }), ["completion", "tools", "insert", "thinking"]);
      assert.deepEqual(ollamaCapabilities("embedding", fim, null), ["embedding"]);
    });
  });

  it("reads an installed model's capabilities by store name without loading it (VS Code's model picker)", async () => {
    const loadedBefore = engine.status().models.length;
    assert.deepEqual(await engine.chatCapabilities({ model: "tools" }), { tools: true, thinking: true, thinkingLevels: false });
    assert.deepEqual(await engine.chatCapabilities({ model: "tiny" }), { tools: false, thinking: false, thinkingLevels: false });
    assert.equal(engine.status().models.length, loadedBefore, "nothing was loaded");
    await assert.rejects(engine.chatCapabilities({ model: "absent:latest" }), /is not installed/);
  });

  it("reports capabilities in /api/show as Ollama does", async () => {
    assert.deepEqual((await ollama.show({ model: "tools" })).capabilities, ["completion", "tools", "thinking"]);
    assert.deepEqual((await ollama.show({ model: "tiny" })).capabilities, ["completion"]);
  });

  it("returns a named tool_choice's call with arguments that validate against its schema (openai)", async () => {
    for (const name of ["get_weather", "get_time"]) {
      const completion = await openai.chat.completions.create({
        model: "tools",
        messages: [{ role: "user", content: "What is the weather in paris for two days?" }],
        tools: openaiTools,
        tool_choice: { type: "function", function: { name } },
        temperature: 0,
        max_tokens: 300,
      });
      const choice = completion.choices[0]!;
      assert.equal(choice.finish_reason, "tool_calls");
      assert.equal(choice.message.content, null);
      const calls = choice.message.tool_calls ?? [];
      assert.equal(calls.length, 1);
      const call = calls[0]!;
      assert.equal(call.type, "function");
      assert.match(call.id, /^call_/);
      assert.ok(call.type === "function");
      assert.equal(call.function.name, name);
      assert.deepEqual(schemaErrors(JSON.parse(call.function.arguments), parametersOf[name]!), []);
    }
  });

  it("makes a call with tool_choice \"required\", and none with \"none\"", async () => {
    const required = await openai.chat.completions.create({
      model: "tools",
      messages: [{ role: "user", content: "What time is it?" }],
      tools: openaiTools,
      tool_choice: "required",
      temperature: 0,
      max_tokens: 300,
    });
    const call = required.choices[0]!.message.tool_calls?.[0];
    assert.ok(call && call.type === "function", JSON.stringify(required.choices[0]));
    assert.ok(call.function.name in parametersOf, call.function.name);
    assert.deepEqual(schemaErrors(JSON.parse(call.function.arguments), parametersOf[call.function.name]!), []);
    assert.equal(required.choices[0]!.finish_reason, "tool_calls");

    const none = await openai.chat.completions.create({
      model: "tools",
      messages: [{ role: "user", content: "What time is it?" }],
      tools: openaiTools,
      tool_choice: "none",
      temperature: 0,
      max_tokens: 12,
    });
    assert.equal(none.choices[0]!.message.tool_calls, undefined);
    assert.notEqual(none.choices[0]!.finish_reason, "tool_calls");
    assert.equal(typeof none.choices[0]!.message.content, "string");
  });

  it("streams a call's arguments as delta.tool_calls fragments that reassemble into valid JSON", async () => {
    const stream = await openai.chat.completions.create({
      model: "tools",
      messages: [{ role: "user", content: "Weather in tokyo?" }],
      tools: openaiTools,
      tool_choice: { type: "function", function: { name: "get_weather" } },
      temperature: 0,
      max_tokens: 300,
      stream: true,
    });
    const calls = new Map<number, { id: string; name: string; arguments: string; fragments: number }>();
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      finish = choice.finish_reason ?? finish;
      for (const piece of choice.delta.tool_calls ?? []) {
        const entry = calls.get(piece.index) ?? { id: "", name: "", arguments: "", fragments: 0 };
        if (piece.id) entry.id = piece.id;
        if (piece.function?.name) entry.name = piece.function.name;
        if (piece.function?.arguments) {
          entry.arguments += piece.function.arguments;
          entry.fragments++;
        }
        calls.set(piece.index, entry);
      }
    }
    assert.equal(finish, "tool_calls");
    assert.equal(calls.size, 1);
    const call = calls.get(0)!;
    assert.match(call.id, /^call_/);
    assert.equal(call.name, "get_weather");
    assert.ok(call.fragments >= 2, `${call.fragments} fragment(s)`);
    assert.deepEqual(schemaErrors(JSON.parse(call.arguments), weatherParameters), []);
  });

  it("feeds a tool result into the next answer (openai and ollama)", async () => {
    const ask = async (result: string): Promise<OpenAI.Chat.Completions.ChatCompletion> =>
      openai.chat.completions.create({
        model: "tools",
        messages: [
          { role: "user", content: "Weather in paris?" },
          { role: "assistant", content: null, tool_calls: [{ id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"paris","days":1}' } }] },
          { role: "tool", tool_call_id: "call_a", content: result },
        ],
        tools: openaiTools,
        temperature: 0,
        max_tokens: 8,
      });
    const short = await ask("sunny");
    const long = await ask("sunny with a light wind from the west, rain in the evening, and a cold night in the city");
    assert.equal(typeof short.choices[0]!.message.content, "string");
    // The result is in the prompt: a longer result, a longer prompt.
    assert.ok(long.usage!.prompt_tokens > short.usage!.prompt_tokens + 10, `${long.usage!.prompt_tokens} vs ${short.usage!.prompt_tokens}`);

    const answer = await ollama.chat({
      model: "tools",
      messages: [
        { role: "user", content: "Weather in paris?" },
        { role: "assistant", content: "", tool_calls: [{ function: { name: "get_weather", arguments: { city: "paris", days: 1 } } }] },
        { role: "tool", content: "sunny", tool_name: "get_weather" } as { role: string; content: string },
      ],
      tools: openaiTools as never,
      think: false,
      options: { temperature: 0, num_predict: 8 },
    });
    assert.equal(answer.done, true);
    assert.equal(typeof answer.message.content, "string");

    await assert.rejects(
      openai.chat.completions.create({
        model: "tools",
        messages: [
          { role: "user", content: "Weather?" },
          { role: "assistant", content: null, tool_calls: [{ id: "call_b", type: "function", function: { name: "get_weather", arguments: "{}" } }] },
        ],
      }),
      (error: Error & { status?: number }) => error.status === 400 && /no tool message with its result follows/.test(error.message),
    );
  });

  it("accepts Ollama's tools, streamed and not (a model that does not call answers in text)", async () => {
    const answer = await ollama.chat({
      model: "tools",
      messages: [{ role: "user", content: "What is the weather in paris?" }],
      tools: openaiTools as never,
      think: false,
      options: { temperature: 0, num_predict: 12 },
    });
    assert.equal(answer.done, true);
    assert.ok(answer.message.content.length > 0 || (answer.message.tool_calls ?? []).length > 0);
    const stream = await ollama.chat({
      model: "tiny",
      messages: [{ role: "user", content: "What is the weather in paris?" }],
      tools: openaiTools as never,
      stream: true,
      options: { temperature: 0, num_predict: 12 },
    });
    let text = "";
    let done = false;
    for await (const part of stream) {
      text += part.message.content;
      done ||= part.done;
    }
    assert.ok(done);
    assert.ok(text.length > 0);
  });

  it("returns thinking apart from the answer, streamed and not, and closes it with think: false", async () => {
    const thinking = await ollama.chat({
      model: "tools",
      messages: [{ role: "user", content: "Why is the sky blue?" }],
      think: true,
      options: { temperature: 0, num_predict: 24 },
    });
    assert.ok((thinking.message.thinking ?? "").length > 0, JSON.stringify(thinking.message));

    const plain = await ollama.chat({
      model: "tools",
      messages: [{ role: "user", content: "Why is the sky blue?" }],
      think: false,
      options: { temperature: 0, num_predict: 24 },
    });
    assert.equal(plain.message.thinking ?? "", "");
    assert.ok(plain.message.content.length > 0);

    const stream = await ollama.chat({
      model: "tools",
      messages: [{ role: "user", content: "Why is the sky blue?" }],
      think: true,
      stream: true,
      options: { temperature: 0, num_predict: 24 },
    });
    let streamed = "";
    for await (const part of stream) streamed += part.message.thinking ?? "";
    assert.equal(streamed, thinking.message.thinking);

    const reasoning = await openai.chat.completions.create({
      model: "tools",
      messages: [{ role: "user", content: "Why is the sky blue?" }],
      reasoning_effort: "low",
      temperature: 0,
      max_tokens: 24,
    });
    const message = reasoning.choices[0]!.message as { reasoning_content?: string };
    assert.equal(message.reasoning_content, thinking.message.thinking);
  });

  it("refuses thinking a model cannot do, as Ollama does", async () => {
    await assert.rejects(
      ollama.chat({ model: "tiny", messages: [{ role: "user", content: "hi" }], think: true }),
      (error: Error & { status_code?: number }) => error.status_code === 400 && /does not support thinking/.test(error.message),
    );
    await assert.rejects(
      ollama.chat({ model: "tools", messages: [{ role: "user", content: "hi" }], think: "high" }),
      (error: Error & { status_code?: number }) => error.status_code === 400 && /does not take a thinking level/.test(error.message),
    );
    // OpenAI's reasoning_effort is a hint: a model that cannot think answers without.
    const answer = await openai.chat.completions.create({ model: "tiny", messages: [{ role: "user", content: "hi" }], reasoning_effort: "high", max_tokens: 4 });
    assert.equal(typeof answer.choices[0]!.message.content, "string");
  });

  it("does not feed earlier thinking back into the prompt (the template keeps the answers only)", async () => {
    const ask = async (thinking: string | undefined): Promise<number> => {
      const answer = await ollama.chat({
        model: "tools",
        messages: [
          { role: "user", content: "Why is the sky blue?" },
          { role: "assistant", content: "because of the light", ...(thinking !== undefined ? { thinking } : {}) },
          { role: "user", content: "And the sea?" },
        ],
        think: false,
        options: { temperature: 0, num_predict: 4 },
      });
      return answer.prompt_eval_count;
    };
    assert.equal(await ask("the light of the sun is scattered by the air, and blue light the most of all colours"), await ask(undefined));
  });
});
