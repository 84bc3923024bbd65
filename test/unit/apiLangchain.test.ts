// LangChain's own Ollama and OpenAI integrations (@langchain/ollama, @langchain/openai), used as
// a user would, pointed at Hearth's local API on loopback over the fixture models: chat models
// invoked and streamed, and embeddings compared with Hearth's own engine for the same texts.
import * as assert from "node:assert/strict";
import type { BaseMessageChunk } from "@langchain/core/messages";
import { ChatOllama, OllamaEmbeddings } from "@langchain/ollama";
import { ChatOpenAI, OpenAIEmbeddings } from "@langchain/openai";
import { LlamaEngine } from "../../src/engine/llama/llamaEngine";
import { normalizeVector } from "../../src/engine/api/ollamaApi";
import { startTestApi, type TestApi } from "../support/apiHarness";

const conversation: Array<[string, string]> = [
  ["system", "You are terse."],
  ["human", "Hello there"],
  ["ai", "Hi."],
  ["human", "Tell me a story"],
];

const texts = ["the cat sat on the mat", "the cat sat on a mat", "quantum chromodynamics"];

function textOf(content: BaseMessageChunk["content"]): string {
  assert.equal(typeof content, "string", "a plain text answer");
  return content as string;
}

function norm(vector: readonly number[]): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

function cosine(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, value, index) => sum + value * b[index]!, 0) / (norm(a) * norm(b));
}

function assertVectorsClose(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  assert.equal(actual.length, expected.length);
  const worst = Math.max(...actual.map((value, index) => Math.abs(value - expected[index]!)));
  assert.ok(worst < tolerance, `largest difference ${worst}`);
}

describe("LangChain's Ollama and OpenAI integrations against Hearth's local API", function () {
  let api: TestApi;
  let engine: LlamaEngine;
  let url: string;
  /** Hearth's own normalized embedding of each of `texts`, made in-process. */
  let reference: number[][];
  let dimensions: number;

  before(async () => {
    api = await startTestApi("hearth-langchain-", { tiny: "llama", "tiny-embed": "embedding" });
    ({ engine, url } = api);
    const embedder = await engine.loadModel({ model: "tiny-embed" });
    const own = await engine.embed({ modelId: embedder.modelId, texts });
    dimensions = own.dimensions;
    reference = own.vectors.map((vector) => normalizeVector(vector));
  });

  after(() => api.stop());

  it("ChatOllama answers, and its stream concatenates to the same answer", async () => {
    const chat = new ChatOllama({ baseUrl: url, model: "tiny", temperature: 0, numPredict: 12 });
    const whole = await chat.invoke(conversation);
    const answer = textOf(whole.content);
    assert.ok(answer.trim().length > 0, "a non-empty answer");
    assert.equal(whole.usage_metadata?.output_tokens, 12);
    assert.ok((whole.usage_metadata?.input_tokens ?? 0) > 0);
    const chunks: string[] = [];
    for await (const chunk of await chat.stream(conversation)) chunks.push(textOf(chunk.content));
    assert.ok(chunks.filter((chunk) => chunk.length > 0).length > 1, `${chunks.length} chunks`);
    assert.equal(chunks.join(""), answer);
  });

  it("ChatOllama holds an answer to a JSON schema with withStructuredOutput", async () => {
    const chat = new ChatOllama({ baseUrl: url, model: "tiny", temperature: 0, numPredict: 40 });
    const schema = { type: "object", properties: { answer: { type: "string", enum: ["yes", "no"] } }, required: ["answer"] };
    const structured = chat.withStructuredOutput<{ answer: string }>(schema, { method: "jsonSchema" });
    const result = await structured.invoke("Is the sky blue?");
    assert.ok(["yes", "no"].includes(result.answer), JSON.stringify(result));
  });

  it("OllamaEmbeddings gives the model's dimensions and Hearth's own vectors", async () => {
    const embeddings = new OllamaEmbeddings({ baseUrl: url, model: "tiny-embed" });
    const documents = await embeddings.embedDocuments(texts);
    assert.equal(documents.length, texts.length);
    documents.forEach((vector, index) => {
      assert.equal(vector.length, dimensions);
      assertVectorsClose(vector, reference[index]!, 1e-9);
    });
    const query = await embeddings.embedQuery(texts[0]!);
    assert.deepEqual(query, documents[0]);
    assert.ok(cosine(documents[0]!, documents[1]!) > cosine(documents[0]!, documents[2]!));
  });

  it("ChatOpenAI answers, and its stream concatenates to the same answer", async () => {
    const chat = new ChatOpenAI({ model: "tiny", temperature: 0, maxTokens: 12, apiKey: "not-needed", configuration: { baseURL: `${url}/v1` } });
    const whole = await chat.invoke(conversation);
    const answer = textOf(whole.content);
    assert.ok(answer.trim().length > 0, "a non-empty answer");
    assert.equal(whole.usage_metadata?.output_tokens, 12);
    assert.equal(whole.response_metadata.finish_reason, "length");
    const chunks: string[] = [];
    let usage = null;
    for await (const chunk of await chat.stream(conversation)) {
      chunks.push(textOf(chunk.content));
      if (chunk.usage_metadata) usage = chunk.usage_metadata;
    }
    assert.ok(chunks.filter((chunk) => chunk.length > 0).length > 1, `${chunks.length} chunks`);
    assert.equal(chunks.join(""), answer);
    assert.equal(usage?.output_tokens, 12);
  });

  it("ChatOpenAI holds an answer to a JSON schema with withStructuredOutput", async () => {
    const chat = new ChatOpenAI({ model: "tiny", temperature: 0, maxTokens: 40, apiKey: "not-needed", configuration: { baseURL: `${url}/v1` } });
    const schema = { type: "object", properties: { answer: { type: "string", enum: ["yes", "no"] } }, required: ["answer"], additionalProperties: false };
    const structured = chat.withStructuredOutput<{ answer: string }>(schema, { method: "jsonSchema", name: "verdict" });
    const result = await structured.invoke("Is the sky blue?");
    assert.ok(["yes", "no"].includes(result.answer), JSON.stringify(result));
  });

  it("OpenAIEmbeddings gives the model's dimensions and Hearth's own vectors", async () => {
    const embeddings = new OpenAIEmbeddings({ model: "tiny-embed", apiKey: "not-needed", configuration: { baseURL: `${url}/v1` } });
    const documents = await embeddings.embedDocuments(texts);
    assert.equal(documents.length, texts.length);
    documents.forEach((vector, index) => {
      assert.equal(vector.length, dimensions);
      // LangChain asks for base64 (float32) vectors: equal to Hearth's own up to float32 rounding.
      assertVectorsClose(vector, reference[index]!, 1e-6);
    });
    assert.deepEqual(await embeddings.embedQuery(texts[0]!), documents[0]);
    const cut = new OpenAIEmbeddings({ model: "tiny-embed", dimensions: 8, apiKey: "not-needed", configuration: { baseURL: `${url}/v1` } });
    const short = await cut.embedQuery(texts[0]!);
    assert.equal(short.length, 8);
    assertVectorsClose(short, normalizeVector(reference[0]!, 8), 1e-6);
  });
});
