// Hearth's models and search in VS Code's language model API, the parts that need no VS Code: the
// model list with its token limits, a request's messages as an engine turn, request options, and
// the search tool's input and result text. (The provider and tool inside VS Code 1.104 are tested
// in test/vscode/suiteNext/.)
import * as assert from "node:assert/strict";
import type { LoadedModelInfo } from "../../src/common/engine/engineProtocol";
import { chatModelInformation, tokenLimits } from "../../src/common/languageModels/chatModelInformation";
import { engineTurn, generationOptions, RequestShapeError } from "../../src/common/languageModels/requestMessages";
import { conversationMessages, thinkSetting, toolChoiceFor, toolDefinitions } from "../../src/common/languageModels/toolRequest";
import { searchToolInput, SearchToolInputError, searchToolText } from "../../src/common/languageModels/searchTool";
import { resolveContextSize } from "../../src/common/models/contextSize";
import type { ModelPurpose, StoredModel } from "../../src/common/models/modelManifest";

function stored(name: string, purpose: ModelPurpose, contextLength: number | null, extra: Partial<StoredModel> = {}): StoredModel {
  return {
    name,
    status: "ok",
    manifest: {
      schemaVersion: 1,
      name,
      blob: `sha256-${"a".repeat(64)}`,
      sizeBytes: 1_000_000,
      sha256: "a".repeat(64),
      source: { kind: "file", uri: `/models/${name}.gguf` },
      storage: "copy",
      createdAt: "2024-01-01T00:00:00.000Z",
      gguf: {
        name: null,
        architecture: "qwen2",
        parameters: 1_500_000_000,
        quantization: "Q4_K_M",
        contextLength,
        license: null,
        hasChatTemplate: true,
        embeddingLength: 1536,
        poolingType: null,
        supportsRanking: false,
      },
      purpose,
    },
    manifestPath: `/store/${name}.json`,
    blobPath: "/store/blob",
    problem: null,
    ...extra,
  };
}

function loaded(storeName: string, contextSize: number): LoadedModelInfo {
  return {
    modelId: "m1",
    modelPath: "/store/blob",
    storeName,
    name: storeName,
    architecture: "qwen2",
    sizeBytes: 1_000_000,
    contextSize,
    trainContextSize: 32768,
    threads: 2,
    gpuLayers: 0,
    hasChatTemplate: true,
    chatWrapper: "",
    supportsRanking: false,
    supportsInfill: false,
    memory: { cpuRam: 1, gpuVram: 0 },
    loadedAt: 0,
  };
}

describe("language models: the model list", () => {
  it("keeps the engine's reserve for the answer out of the input limit", () => {
    assert.deepEqual(tokenLimits(4096, 1024), { maxInputTokens: 3072, maxOutputTokens: 1024 });
    // A quarter of the context at most is kept, and an answer never outgrows the context.
    assert.deepEqual(tokenLimits(2048, 4000), { maxInputTokens: 1536, maxOutputTokens: 2048 });
    assert.deepEqual(tokenLimits(4096, 4), { maxInputTokens: 4080, maxOutputTokens: 4 });
  });

  it("lists intact chat and code models, with the context they load with or were loaded with", () => {
    const models = chatModelInformation(
      [
        stored("qwen2.5-coder:1.5b", "code", 32768),
        stored("nomic-embed-text:latest", "embedding", 2048),
        stored("small:latest", "chat", 2048),
        stored("broken:latest", "chat", 2048, { status: "corrupt" }),
        stored("tuned:latest", "chat", 32768),
      ],
      [loaded("tuned:latest", 8192)],
      { contextSize: 0, maxTokens: 1024 },
    );
    assert.deepEqual(
      models.map((model) => [model.id, model.family, model.version, model.contextSize, model.loaded, model.maxInputTokens, model.maxOutputTokens]),
      [
        ["qwen2.5-coder:1.5b", "qwen2.5-coder", "1.5b", 4096, false, 3072, 1024],
        ["small:latest", "small", "latest", 2048, false, 1536, 1024],
        ["tuned:latest", "tuned", "latest", 8192, true, 7168, 1024],
      ],
    );
    assert.match(models[0]!.tooltip, /qwen2, Q4_K_M/);
  });

  it("follows hearth.contextSize, then a Modelfile's num_ctx, for models not loaded", () => {
    const profiled = stored("profiled:latest", "chat", 32768);
    profiled.manifest!.profile = { from: "base", parameters: { contextSize: 16384 }, messages: [], adapters: [], license: [] };
    assert.equal(chatModelInformation([profiled], [], { contextSize: 0, maxTokens: 512 })[0]!.contextSize, 16384);
    assert.equal(chatModelInformation([profiled], [], { contextSize: 6000, maxTokens: 512 })[0]!.contextSize, 6000);
    assert.equal(resolveContextSize(0, 2048), 2048);
  });
});

describe("language models: requests", () => {
  const text = (value: string) => ({ kind: "text" as const, text: value });

  it("turns messages into alternating history and the user's last message", () => {
    const turn = engineTurn([
      { role: "system", parts: [text("Be brief.")] },
      { role: "user", parts: [text("Hi")] },
      { role: "assistant", parts: [text("Hello!")] },
      { role: "assistant", parts: [{ kind: "toolCall", callId: "c1", name: "search", input: { q: "x" } }] },
      { role: "user", parts: [{ kind: "toolResult", callId: "c1", text: "found x" }] },
      { role: "user", parts: [text("  "), { kind: "other", mimeType: "image/png" }, text("What now?")] },
    ]);
    assert.deepEqual(turn.history, [
      { role: "user", text: "Be brief.\n\nHi" },
      { role: "assistant", text: 'Hello!\n\n[called the tool search with {"q":"x"}]' },
    ]);
    assert.equal(turn.message, "[tool result]\nfound x\n\n[an attachment of type image/png that this model cannot read]What now?");
  });

  it("refuses a request with nothing to answer, or one that ends with the assistant", () => {
    assert.throws(() => engineTurn([]), RequestShapeError);
    assert.throws(() => engineTurn([{ role: "user", parts: [text("  ")] }]), RequestShapeError);
    assert.throws(() => engineTurn([{ role: "user", parts: [text("Hi")] }, { role: "assistant", parts: [text("Hel")] }]), /ends with an assistant message/);
  });

  it("takes the sampling options it knows from modelOptions", () => {
    assert.equal(generationOptions(undefined), undefined);
    assert.equal(generationOptions({ reasoning: "high" }), undefined);
    assert.deepEqual(generationOptions({ max_tokens: 64.7, temperature: 0, top_p: 0.9, topK: 40, seed: 3, stop: "END" }), {
      maxTokens: 64,
      temperature: 0,
      topP: 0.9,
      topK: 40,
      seed: 3,
      stop: ["END"],
    });
    assert.deepEqual(generationOptions({ maxTokens: 0, temperature: -1, stop: ["a", 1] }), undefined);
  });
});

describe("language models: tools and thinking", () => {
  const text = (value: string) => ({ kind: "text" as const, text: value });

  it("maps a conversation with tool calls and results to the engine's messages", () => {
    const messages = conversationMessages([
      { role: "system", parts: [text("Be brief.")] },
      { role: "user", parts: [text("Weather in "), text("paris?")] },
      {
        role: "assistant",
        parts: [
          text("Let me look."),
          { kind: "toolCall", callId: "c1", name: "get_weather", input: { city: "paris" } },
          { kind: "toolCall", callId: "c2", name: "get_time", input: "not an object" },
        ],
      },
      // Results come in a user message, here after its text and in another order than the calls.
      {
        role: "user",
        parts: [text("Here:"), { kind: "toolResult", callId: "c2", text: "12:00" }, { kind: "toolResult", callId: "c1", text: "sunny" }],
      },
      { role: "assistant", parts: [text("   ")] },
      { role: "user", parts: [{ kind: "toolResult", callId: "elsewhere", text: "?" }, { kind: "other", mimeType: "image/png" }] },
    ]);
    assert.deepEqual(messages, [
      { role: "system", text: "Be brief." },
      { role: "user", text: "Weather in paris?" },
      {
        role: "assistant",
        text: "Let me look.",
        toolCalls: [
          { id: "c1", name: "get_weather", arguments: { city: "paris" } },
          { id: "c2", name: "get_time", arguments: {} },
        ],
      },
      { role: "tool", text: "12:00", toolCallId: "c2", toolName: "get_time" },
      { role: "tool", text: "sunny", toolCallId: "c1", toolName: "get_weather" },
      { role: "user", text: "Here:" },
      { role: "tool", text: "?", toolCallId: "elsewhere" },
      { role: "user", text: "[an attachment of type image/png that this model cannot read]" },
    ]);
    // A call in a user message is no call of the model's: it is read as text.
    assert.deepEqual(conversationMessages([{ role: "user", parts: [{ kind: "toolCall", callId: "x", name: "t", input: {} }] }]), [
      { role: "user", text: "[called the tool t with {}]" },
    ]);
  });

  it("maps VS Code's tools, tool mode and think option", () => {
    const schema = { type: "object", properties: { query: { type: "string" } }, required: ["query"] };
    assert.deepEqual(
      toolDefinitions([
        { name: "search", description: "Searches", inputSchema: schema },
        { name: "now", description: "" },
      ]),
      [{ name: "search", description: "Searches", parameters: schema }, { name: "now" }],
    );
    assert.equal(toolChoiceFor("required", 2), "required");
    assert.equal(toolChoiceFor("auto", 1), "auto");
    assert.equal(toolChoiceFor("required", 0), "none");
    assert.equal(thinkSetting(undefined), undefined);
    assert.equal(thinkSetting({ think: false }), false);
    assert.equal(thinkSetting({ think: "high" }), "high");
    assert.equal(thinkSetting({ think: "very" }), undefined);
    assert.equal(thinkSetting({ temperature: 0 }), undefined);
  });
});

describe("language models: the search tool", () => {
  it("checks its input as the schema says", () => {
    assert.deepEqual(searchToolInput({ query: "  invoice total " }), { query: "invoice total", k: 6 });
    assert.deepEqual(searchToolInput({ query: "x", k: 20 }), { query: "x", k: 20 });
    assert.throws(() => searchToolInput({ query: "" }), SearchToolInputError);
    assert.throws(() => searchToolInput(null), SearchToolInputError);
    assert.throws(() => searchToolInput({ query: "x", k: 0 }), /from 1 to 20/);
    assert.throws(() => searchToolInput({ query: "x", k: 2.5 }), SearchToolInputError);
  });

  it("labels each passage with its path and lines, fenced as data", () => {
    const result = searchToolText("invoice", [
      { path: "src/billing.ts", startLine: 1, endLine: 3, language: "typescript", text: "export function total() {\n  return 1;\n}\n" },
      { path: "docs/guide.pdf", startLine: 1, endLine: 1, page: 4, language: "pdf", text: "Invoices are ```monthly```." },
    ]);
    assert.equal(
      result,
      '2 passages from the workspace index for "invoice", best first (path:lines):\n\n' +
        "src/billing.ts:1-3\n```typescript\nexport function total() {\n  return 1;\n}\n```\n\n" +
        "docs/guide.pdf p. 4\n````\nInvoices are ```monthly```.\n````",
    );
    assert.match(searchToolText("nothing", []), /no passage matching "nothing"/);
  });
});
