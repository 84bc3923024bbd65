// Checks the params of a request arriving at the engine before any of it reaches llama.cpp.
import type { EngineRequestMessage, GenerationOptions } from "../common/engineProtocol";
import { localize } from "../common/localize";

type Params = Record<string, unknown>;

function bad(field: string, expected: string): string {
  return localize("Invalid request: \"{0}\" must be {1}.", field, expected);
}

function requireString(params: Params, field: string): string | null {
  return typeof params[field] === "string" && (params[field] as string).length > 0 ? null : bad(field, localize("a non-empty string"));
}

function optionalNumber(params: Params, field: string, min: number, max: number): string | null {
  const value = params[field];
  if (value === undefined) return null;
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max
    ? null
    : bad(field, localize("a number from {0} to {1}", min, max));
}

function checkOptions(options: unknown): string | null {
  if (options === undefined) return null;
  if (typeof options !== "object" || options === null) return bad("options", localize("an object"));
  const o = options as Params & GenerationOptions;
  return (
    optionalNumber(o, "maxTokens", 1, 1_000_000) ??
    optionalNumber(o, "temperature", 0, 100) ??
    optionalNumber(o, "topK", 0, 1_000_000) ??
    optionalNumber(o, "topP", 0, 1) ??
    optionalNumber(o, "minP", 0, 1) ??
    optionalNumber(o, "seed", -1, Number.MAX_SAFE_INTEGER) ??
    optionalNumber(o, "repeatPenalty", 0, 100) ??
    (o.stop === undefined || (Array.isArray(o.stop) && o.stop.every((s) => typeof s === "string" && s.length > 0))
      ? null
      : bad("options.stop", localize("a list of non-empty strings")))
  );
}

function checkStringList(params: Params, field: string): string | null {
  const value = params[field];
  return Array.isArray(value) && value.every((item) => typeof item === "string")
    ? null
    : bad(field, localize("a list of strings"));
}

/** Returns a message for the caller when the params are malformed, or null when they are fine. */
export function validateRequestParams(request: EngineRequestMessage): string | null {
  const params = request.params as unknown as Params;
  switch (request.method) {
    case "loadModel":
      return (
        requireString(params, "modelPath") ??
        optionalNumber(params, "contextSize", 0, 10_000_000) ??
        optionalNumber(params, "threads", 0, 1024) ??
        (params.gpuLayers === undefined ||
        params.gpuLayers === "auto" ||
        (typeof params.gpuLayers === "number" && params.gpuLayers >= 0)
          ? null
          : bad("gpuLayers", localize("\"auto\" or a number of layers"))) ??
        (params.loraAdapters === undefined ||
        (Array.isArray(params.loraAdapters) &&
          params.loraAdapters.every(
            (adapter: unknown) =>
              typeof adapter === "object" && adapter !== null && typeof (adapter as Params).path === "string",
          ))
          ? null
          : bad("loraAdapters", localize("a list of { path, scale }")))
      );
    case "unloadModel":
      return requireString(params, "modelId");
    case "generate":
      return (
        requireString(params, "modelId") ??
        (typeof params.prompt === "string" ? null : bad("prompt", localize("a string"))) ??
        (params.mode === undefined || ["auto", "chat", "completion"].includes(params.mode as string)
          ? null
          : bad("mode", localize("\"auto\", \"chat\" or \"completion\""))) ??
        checkOptions(params.options) ??
        checkOptions(params.defaults)
      );
    case "chatCreate":
      return (
        requireString(params, "modelId") ??
        (params.systemPrompt === undefined || typeof params.systemPrompt === "string"
          ? null
          : bad("systemPrompt", localize("a string"))) ??
        (params.history === undefined ||
        (Array.isArray(params.history) &&
          params.history.every(
            (turn: unknown) =>
              typeof turn === "object" &&
              turn !== null &&
              ((turn as Params).role === "user" || (turn as Params).role === "assistant") &&
              typeof (turn as Params).text === "string",
          ))
          ? null
          : bad("history", localize("a list of { role, text } turns")))
      );
    case "chatSend":
      return (
        requireString(params, "sessionId") ??
        (typeof params.message === "string" ? null : bad("message", localize("a string"))) ??
        checkOptions(params.options) ??
        checkOptions(params.defaults)
      );
    case "chatDispose":
      return requireString(params, "sessionId");
    case "embed":
      return requireString(params, "modelId") ?? checkStringList(params, "texts");
    case "rank":
      return (
        requireString(params, "modelId") ??
        (typeof params.query === "string" ? null : bad("query", localize("a string"))) ??
        checkStringList(params, "documents")
      );
    case "inspect":
      return requireString(params, "modelPath") ?? optionalNumber(params, "contextSize", 0, 10_000_000);
    case "status":
    case "storeList":
    case "storeRepair":
      return null;
    case "storeShow":
      return requireString(params, "name") ?? optionalNumber(params, "contextSize", 0, 10_000_000);
    case "storePull":
      return (
        requireString(params, "reference") ??
        (params.name === undefined ? null : requireString(params, "name"))
      );
    case "storeRemove":
      return requireString(params, "name");
    case "storeCreate":
      return (
        requireString(params, "name") ??
        requireString(params, "modelfile") ??
        requireString(params, "baseDir")
      );
    case "storeCopy":
      return requireString(params, "source") ?? requireString(params, "destination");
    case "storeImport":
      return (
        requireString(params, "path") ??
        (params.name === undefined ? null : requireString(params, "name")) ??
        (params.mode === undefined || params.mode === "copy" || params.mode === "link"
          ? null
          : bad("mode", localize("\"copy\" or \"link\"")))
      );
  }
}
