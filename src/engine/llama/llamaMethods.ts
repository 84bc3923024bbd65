// The engine methods that load models and run them: load, unload, generate, chat sessions,
// embeddings, ranking, token counts, inspection, status, and the hint that holds background work.
import { localize } from "../../common/localize";
import type { MethodTable } from "../engineMethod";
import { noParams } from "../engineMethod";
import {
  bad,
  checkOptions,
  checkStringList,
  conversationProblem,
  countTokensProblem,
  historyProblem,
  isPlainObject,
  optionalNumber,
  optionalOneOf,
  optionalString,
  requireString,
  requireText,
} from "../requestChecks";
import type { Params } from "../requestChecks";
import { maxBackgroundHoldMs } from "../scheduler";

const maxContextSize = 10_000_000;

function gpuLayersProblem(params: Params): string | null {
  const value = params.gpuLayers;
  return value === undefined || value === "auto" || (typeof value === "number" && value >= 0)
    ? null
    : bad("gpuLayers", localize("\"auto\" or a number of layers"));
}

function loraAdaptersProblem(params: Params): string | null {
  const value = params.loraAdapters;
  return value === undefined || (Array.isArray(value) && value.every((adapter: unknown) => isPlainObject(adapter) && typeof adapter.path === "string"))
    ? null
    : bad("loraAdapters", localize("a list of { path, scale }"));
}

function infillExtraProblem(params: Params): string | null {
  const value = params.extra;
  return value === undefined ||
    (Array.isArray(value) && value.every((chunk: unknown) => isPlainObject(chunk) && typeof chunk.path === "string" && typeof chunk.text === "string"))
    ? null
    : bad("extra", localize("a list of { path, text }"));
}

function infillOptionsProblem(options: unknown): string | null {
  if (options === undefined) return null;
  if (!isPlainObject(options)) return bad("options", localize("an object"));
  return (
    optionalNumber(options, "maxTokens", 0, 100_000) ??
    optionalNumber(options, "timeoutMs", 1, 600_000) ??
    optionalNumber(options, "temperature", 0, 10) ??
    optionalNumber(options, "prefixTokens", 0, maxContextSize) ??
    optionalNumber(options, "suffixTokens", 0, maxContextSize) ??
    optionalNumber(options, "extraTokens", 0, maxContextSize) ??
    (options.singleLine === undefined || typeof options.singleLine === "boolean" ? null : bad("options.singleLine", localize("true or false"))) ??
    optionalOneOf(options, "order", ["psm", "spm"], localize("\"psm\" or \"spm\"")) ??
    (options.stop === undefined || (Array.isArray(options.stop) && options.stop.every((stop: unknown) => typeof stop === "string"))
      ? null
      : bad("options.stop", localize("a list of strings")))
  );
}

export const llamaMethods: Pick<
  MethodTable,
  "loadModel" | "unloadModel" | "generate" | "infill" | "chatCreate" | "chatSend" | "chatDispose" | "chatRespond" | "chatCapabilities" | "embed" | "countTokens" | "rank" | "inspect" | "status" | "holdBackground"
> = {
  loadModel: {
    check: (params) =>
      requireString(params, "model") ??
      optionalNumber(params, "contextSize", 0, maxContextSize) ??
      optionalNumber(params, "threads", 0, 1024) ??
      gpuLayersProblem(params) ??
      loraAdaptersProblem(params),
    run: (scope, { params, signal }) => scope.engine.loadModel(params, signal),
  },
  unloadModel: {
    check: (params) => requireString(params, "modelId"),
    run: (scope, { params }) => scope.engine.unloadModel(params.modelId),
  },
  generate: {
    check: (params) =>
      requireString(params, "modelId") ??
      requireText(params, "prompt") ??
      optionalOneOf(params, "mode", ["auto", "chat", "completion"], localize("\"auto\", \"chat\" or \"completion\"")) ??
      optionalString(params, "systemPrompt") ??
      optionalString(params, "defaultSystemPrompt") ??
      checkOptions(params.options) ??
      checkOptions(params.defaults, "defaults"),
    run: (scope, { params, signal, emit }) => scope.engine.generate(params, (text) => emit({ text }), signal),
  },
  infill: {
    check: (params) =>
      requireString(params, "modelId") ??
      requireText(params, "prefix") ??
      requireText(params, "suffix") ??
      optionalString(params, "path") ??
      infillExtraProblem(params) ??
      infillOptionsProblem(params.options),
    run: (scope, { params, signal, emit }) => scope.engine.infill(params, (text) => emit({ text }), signal),
  },
  chatCreate: {
    check: (params) =>
      requireString(params, "modelId") ?? optionalString(params, "systemPrompt") ?? optionalString(params, "defaultSystemPrompt") ?? historyProblem(params),
    run: (scope, { params }) => scope.engine.chats.create(params),
  },
  chatSend: {
    check: (params) =>
      requireString(params, "sessionId") ?? requireText(params, "message") ?? checkOptions(params.options) ?? checkOptions(params.defaults, "defaults"),
    run: (scope, { params, signal, emit }) => scope.engine.chats.send(params, (text) => emit({ text }), signal),
  },
  chatDispose: {
    check: (params) => requireString(params, "sessionId"),
    run: (scope, { params }) => scope.engine.chats.dispose(params.sessionId),
  },
  chatRespond: {
    check: (params) =>
      requireString(params, "modelId") ??
      conversationProblem(params) ??
      optionalString(params, "defaultSystemPrompt") ??
      checkOptions(params.options) ??
      checkOptions(params.defaults, "defaults"),
    run: (scope, { params, signal, emit }) => scope.engine.chatRespond(params, emit, signal),
  },
  chatCapabilities: {
    check: (params) =>
      params.modelId !== undefined || params.model === undefined ? requireString(params, "modelId") : requireString(params, "model"),
    run: (scope, { params }) => scope.engine.chatCapabilities(params),
  },
  embed: {
    check: (params) => requireString(params, "modelId") ?? checkStringList(params, "texts"),
    run: (scope, { params, signal }) => scope.engine.embed(params, signal),
  },
  countTokens: {
    check: (params) => requireString(params, "modelId") ?? checkStringList(params, "texts") ?? countTokensProblem(params.texts as string[]),
    run: (scope, { params }) => scope.engine.countTokens(params),
  },
  rank: {
    check: (params) => requireString(params, "modelId") ?? requireText(params, "query") ?? checkStringList(params, "documents"),
    run: (scope, { params, signal }) => scope.engine.rank(params, signal),
  },
  inspect: {
    check: (params) => requireString(params, "modelPath") ?? optionalNumber(params, "contextSize", 0, maxContextSize),
    run: (scope, { params }) => scope.engine.inspect(params),
  },
  status: { check: noParams, run: (scope) => scope.engine.status() },
  holdBackground: {
    check: (params) => (params.ms === undefined ? bad("ms", localize("a number from {0} to {1}", 0, maxBackgroundHoldMs)) : optionalNumber(params, "ms", 0, maxBackgroundHoldMs)),
    run: (scope, { params }) => {
      scope.engine.scheduler.holdBackground(params.ms);
      return { heldMs: scope.engine.scheduler.backgroundHeldMs };
    },
  },
};
