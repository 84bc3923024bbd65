import * as assert from "node:assert/strict";
import { parseEngineMessage, parseHostMessage as parseWith } from "../../src/common/engine/engineProtocol";
import type { EngineMethod, HostToEngineMessage } from "../../src/common/engine/engineProtocol";
import { engineMethodTable, isEngineMethod } from "../../src/engine/engineMethods";

const parseHostMessage = (value: unknown): HostToEngineMessage | null => parseWith(value, isEngineMethod);

/** What the engine answers a request's params with before running it: a problem, or null. */
function validateRequestParams(request: { method: string; params: Record<string, unknown> }): string | null {
  return engineMethodTable[request.method as EngineMethod].check(request.params);
}

describe("engine protocol", () => {
  it("accepts well-formed host messages", () => {
    assert.deepEqual(parseHostMessage({ type: "shutdown" }), { type: "shutdown" });
    assert.deepEqual(parseHostMessage({ type: "ping" }), { type: "ping" });
    assert.deepEqual(parseHostMessage({ type: "cancel", id: 3 }), { type: "cancel", id: 3 });
    const request = { type: "request", id: 1, method: "status", params: {} };
    assert.deepEqual(parseHostMessage(request), request);
  });

  it("drops malformed or unknown host messages", () => {
    const hostile: unknown[] = [
      null,
      42,
      "request",
      [],
      { type: "request", id: "1", method: "status", params: {} },
      { type: "request", id: 1.5, method: "status", params: {} },
      { type: "request", id: 1, method: "deleteEverything", params: {} },
      { type: "request", id: 1, method: "__proto__", params: {} },
      { type: "request", id: 1, method: "generate", params: null },
      { type: "request", id: 1, method: "generate", params: [] },
      { type: "cancel" },
      { type: "bogus", id: 1 },
    ];
    for (const message of hostile) assert.equal(parseHostMessage(message), null, JSON.stringify(message));
  });

  it("checks engine messages' envelopes", () => {
    assert.ok(parseEngineMessage({ type: "chunk", id: 1, chunk: { text: "a" } }));
    assert.deepEqual(parseEngineMessage({ type: "pong", extra: 1 }), { type: "pong" });
    assert.ok(parseEngineMessage({ type: "error", id: 1, error: { code: "internal", message: "m" } }));
    assert.ok(parseEngineMessage({ type: "chunk", id: 1, chunk: { phase: "downloading", completedBytes: 1 } }));
    assert.equal(parseEngineMessage({ type: "chunk", id: 1, chunk: "text" }), null);
    assert.equal(parseEngineMessage({ type: "chunk", id: "1", chunk: { text: "a" } }), null);
    assert.equal(parseEngineMessage({ type: "error", id: 1, error: "boom" }), null);
    assert.equal(parseEngineMessage({ type: "ready" }), null);
    assert.equal(parseEngineMessage({ type: "whatever", id: 1 }), null);
  });

  it("serves exactly the methods the protocol declares, from one table", () => {
    // The table's type requires every declared method; this checks nothing else slipped in.
    const declared: Record<EngineMethod, true> = {
      configure: true, loadModel: true, unloadModel: true, generate: true, infill: true, chatCreate: true, chatSend: true, chatDispose: true, chatRespond: true, chatCapabilities: true, remoteChat: true,
      embed: true, countTokens: true, rank: true, inspect: true, status: true, holdBackground: true, storeList: true, storeShow: true, storePull: true,
      storeRemove: true, storeCopy: true, storeImport: true, storeRepair: true, storeCreate: true, review: true, apiStart: true,
      apiStop: true, apiStatus: true, indexBuild: true, indexUpdateFiles: true, indexSearch: true, indexStatus: true, indexClear: true,
    };
    assert.deepEqual(Object.keys(engineMethodTable).sort(), Object.keys(declared).sort());
    assert.equal(isEngineMethod("toString"), false);
    assert.equal(isEngineMethod("__proto__"), false);
  });

  it("checks the settings of configure", () => {
    const settings = { locale: "en", threads: 0, contextSize: 0, gpu: "auto", storeRoot: "", downloadEndpoint: "", modelScopeEndpoint: "", catalogueFile: "", remote: null };
    assert.equal(validateRequestParams({ method: "configure", params: settings }), null);
    assert.match(validateRequestParams({ method: "configure", params: { ...settings, gpu: "cuda" } }) ?? "", /gpu/);
    assert.match(validateRequestParams({ method: "configure", params: { ...settings, threads: -1 } }) ?? "", /threads/);
    assert.match(validateRequestParams({ method: "configure", params: { ...settings, remote: { kind: "x", url: "u" } } }) ?? "", /remote\.kind/);
    assert.match(validateRequestParams({ method: "configure", params: { ...settings, storeRoot: undefined } }) ?? "", /storeRoot/);
  });

  it("validates request params before they reach llama.cpp", () => {
    const check = (method: string, params: Record<string, unknown>): string | null =>
      validateRequestParams({ method, params });
    assert.equal(check("loadModel", { model: "/m.gguf", threads: 2 }), null);
    assert.match(check("loadModel", { model: "" }) ?? "", /model/);
    assert.match(check("loadModel", { model: "/m.gguf", threads: -1 }) ?? "", /threads/);
    assert.match(check("loadModel", { model: "/m.gguf", gpuLayers: "all" }) ?? "", /gpuLayers/);
    assert.equal(check("generate", { modelId: "m1", prompt: "hi", options: { temperature: 0.7, stop: ["\n"] } }), null);
    assert.match(check("generate", { modelId: "m1", prompt: 5 }) ?? "", /prompt/);
    assert.match(check("generate", { modelId: "m1", prompt: "x", options: { topP: 3 } }) ?? "", /topP/);
    assert.match(check("generate", { modelId: "m1", prompt: "x", options: { stop: [""] } }) ?? "", /stop/);
    assert.match(check("generate", { modelId: "m1", prompt: "x", mode: "poem" }) ?? "", /mode/);
    assert.match(check("embed", { modelId: "m1", texts: ["a", 1] }) ?? "", /texts/);
    assert.match(check("rank", { modelId: "m1", query: "q", documents: "a" }) ?? "", /documents/);
    assert.equal(check("status", {}), null);
    assert.equal(check("holdBackground", { ms: 8000 }), null);
    assert.equal(check("holdBackground", { ms: 0 }), null);
    assert.match(check("holdBackground", {}) ?? "", /ms/);
    assert.match(check("holdBackground", { ms: 3_600_000 }) ?? "", /ms/);
    assert.match(check("holdBackground", { ms: "8000" }) ?? "", /ms/);
  });

  it("validates grammars, JSON schemas and token counts", () => {
    const check = (method: string, params: Record<string, unknown>): string | null =>
      validateRequestParams({ method, params });
    const schema = { type: "object", properties: { a: { type: "string" }, b: { oneOf: [{ type: "integer" }, { const: null }] } } };
    assert.equal(check("generate", { modelId: "m1", prompt: "x", options: { grammar: 'root ::= "a"' } }), null);
    assert.equal(check("chatSend", { sessionId: "s1", message: "x", options: { jsonSchema: schema } }), null);
    assert.equal(
      check("generate", { modelId: "m1", prompt: "x", options: { grammar: 'root ::= "a"' }, defaults: { jsonSchema: schema } }),
      null,
      "options and defaults may each say one; options wins",
    );
    assert.match(check("generate", { modelId: "m1", prompt: "x", options: { grammar: "  " } }) ?? "", /options\.grammar/);
    assert.match(check("generate", { modelId: "m1", prompt: "x", options: { grammar: 5 } }) ?? "", /options\.grammar/);
    assert.match(check("generate", { modelId: "m1", prompt: "x", options: { grammar: "x".repeat(100_001) } }) ?? "", /100000/);
    assert.match(check("chatSend", { sessionId: "s1", message: "x", defaults: { jsonSchema: [] } }) ?? "", /defaults\.jsonSchema/);
    assert.match(
      check("generate", { modelId: "m1", prompt: "x", options: { grammar: 'root ::= "a"', jsonSchema: schema } }) ?? "",
      /both a grammar and a JSON schema/,
    );
    assert.match(check("generate", { modelId: "m1", prompt: "x", options: { jsonSchema: { type: "date" } } }) ?? "", /at #, the type "date"/);
    assert.match(
      check("generate", { modelId: "m1", prompt: "x", options: { jsonSchema: { type: "array", items: { title: "x" } } } }) ?? "",
      /at #\/items, it says neither "type"/,
    );
    assert.match(check("generate", { modelId: "m1", prompt: "x", options: { jsonSchema: { $ref: "#/$defs/missing" } } }) ?? "", /"\$ref" must point/);
    assert.equal(check("generate", { modelId: "m1", prompt: "x", options: { jsonSchema: { $defs: { n: { type: "number" } }, $ref: "#/$defs/n" } } }), null);
    assert.match(check("generate", { modelId: "m1", prompt: "x", options: { jsonSchema: { type: ["string", "object"] } } }) ?? "", /a list of types/);
    assert.equal(check("countTokens", { modelId: "m1", texts: ["a", "b"] }), null);
    assert.match(check("countTokens", { modelId: "m1", texts: "a" }) ?? "", /texts/);
    assert.match(check("countTokens", { modelId: "m1", texts: Array.from({ length: 1001 }, () => "a") }) ?? "", /at most 1000/);
    assert.match(check("countTokens", { modelId: "m1", texts: ["x".repeat(1_500_000), "x".repeat(600_000)] }) ?? "", /smaller batches/);
  });
});
