// Checks the params of a request arriving at the engine before any of it reaches llama.cpp.
import type { EngineRequestMessage } from "../common/engine/engineProtocol";
import type { GenerationOptions } from "../common/chat/chatTypes";
import { parseListenAddress } from "../common/api/apiAccess";
import { localize } from "../common/localize";

type Params = Record<string, unknown>;

function bad(field: string, expected: string): string {
  return localize("Invalid request: \"{0}\" must be {1}.", field, expected);
}

function requireString(params: Params, field: string): string | null {
  return typeof params[field] === "string" && (params[field] as string).length > 0 ? null : bad(field, localize("a non-empty string"));
}

function optionalString(params: Params, key: string): string | null {
  return params[key] === undefined || typeof params[key] === "string" ? null : bad(key, localize("a string"));
}

function optionalNumber(params: Params, field: string, min: number, max: number): string | null {
  const value = params[field];
  if (value === undefined) return null;
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max
    ? null
    : bad(field, localize("a number from {0} to {1}", min, max));
}

/** Longest GBNF grammar text, and longest JSON schema (as JSON), a request may carry. */
export const maxGrammarChars = 100_000;
/** At most this many texts, and this many characters in all, per countTokens request. */
export const maxCountTexts = 1_000;
export const maxCountChars = 2_000_000;
/** How deep a JSON schema may nest. */
const maxSchemaDepth = 64;

function checkConstraint(o: Params, field: string): string | null {
  if (o.grammar !== undefined && (typeof o.grammar !== "string" || o.grammar.trim().length === 0 || o.grammar.length > maxGrammarChars)) {
    return bad(`${field}.grammar`, localize("a non-empty GBNF grammar of at most {0} characters", maxGrammarChars));
  }
  if (o.jsonSchema !== undefined) {
    let size = Infinity;
    try {
      size = typeof o.jsonSchema === "object" && o.jsonSchema !== null && !Array.isArray(o.jsonSchema) ? JSON.stringify(o.jsonSchema).length : Infinity;
    } catch {
      // Not serialisable (a cycle): refused below.
    }
    if (size > maxGrammarChars) {
      return bad(`${field}.jsonSchema`, localize("a JSON schema object of at most {0} characters", maxGrammarChars));
    }
    if (o.grammar !== undefined) {
      return localize("Invalid request: \"{0}\" gives both a grammar and a JSON schema. Give only one of them.", field);
    }
    return jsonSchemaProblem(o.jsonSchema);
  }
  return null;
}

const schemaTypes = ["string", "number", "integer", "boolean", "null", "object", "array"];
const scalarSchemaTypes = ["string", "number", "integer", "boolean", "null"];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isJsonScalar(value: unknown): boolean {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

/**
 * Why node-llama-cpp cannot follow a JSON schema, in words for the user, or null when it can.
 * node-llama-cpp turns what it does not understand into `null` or "any JSON" without a word, so
 * the shapes it supports are checked here: `type`, `enum`, `const`, `oneOf`, `$ref` into `$defs`.
 */
export function jsonSchemaProblem(schema: unknown): string | null {
  const problem = (at: string, reason: string): string =>
    localize(
      "The JSON schema cannot be turned into a grammar: at {0}, {1}. Hearth follows \"type\" (string, number, integer, boolean, null, object, array), \"enum\", \"const\", \"oneOf\" and \"$ref\" into \"$defs\". Fix the schema and send the request again.",
      at,
      reason,
    );
  const visit = (node: unknown, at: string, defs: ReadonlySet<string>, depth: number): string | null => {
    if (depth > maxSchemaDepth) return problem(at, localize("it nests more than {0} levels deep", maxSchemaDepth));
    if (!isPlainObject(node)) return problem(at, localize("it is not an object"));
    for (const unsupported of ["anyOf", "allOf", "not"]) {
      if (node[unsupported] !== undefined) return problem(at, localize("\"{0}\" is not supported (use \"oneOf\")", unsupported));
    }
    let scope = defs;
    if (node.$defs !== undefined) {
      if (!isPlainObject(node.$defs)) return problem(at, localize("\"{0}\" must be an object", "$defs"));
      scope = new Set([...defs, ...Object.keys(node.$defs)]);
      for (const [name, def] of Object.entries(node.$defs)) {
        const found = visit(def, `${at}/$defs/${name}`, scope, depth + 1);
        if (found) return found;
      }
    }
    const children = (list: unknown, field: string): string | null => {
      if (!Array.isArray(list) || list.length === 0) return problem(at, localize("\"{0}\" must be a non-empty list", field));
      for (const [index, child] of list.entries()) {
        const found = visit(child, `${at}/${field}/${index}`, scope, depth + 1);
        if (found) return found;
      }
      return null;
    };
    if (node.$ref !== undefined) {
      const ref = node.$ref;
      return typeof ref === "string" && ref.startsWith("#/$defs/") && scope.has(ref.slice("#/$defs/".length))
        ? null
        : problem(at, localize("\"$ref\" must point into \"$defs\" (\"#/$defs/NAME\") at a definition that exists"));
    }
    if (node.oneOf !== undefined) return children(node.oneOf, "oneOf");
    if (node.const !== undefined) {
      return isJsonScalar(node.const) ? null : problem(at, localize("\"const\" and \"enum\" values must be strings, numbers, booleans or null"));
    }
    if (node.enum !== undefined) {
      if (!Array.isArray(node.enum) || node.enum.length === 0) return problem(at, localize("\"{0}\" must be a non-empty list", "enum"));
      return node.enum.every(isJsonScalar)
        ? null
        : problem(at, localize("\"const\" and \"enum\" values must be strings, numbers, booleans or null"));
    }
    const type = node.type;
    if (type === undefined) return problem(at, localize("it says neither \"type\", \"enum\", \"const\", \"oneOf\" nor \"$ref\""));
    if (Array.isArray(type)) {
      if (type.length === 0 || !type.every((item) => typeof item === "string" && scalarSchemaTypes.includes(item))) {
        return problem(at, localize("a list of types may hold only string, number, integer, boolean and null (use \"oneOf\" for objects and arrays)"));
      }
      return null;
    }
    if (typeof type !== "string" || !schemaTypes.includes(type)) {
      return problem(at, localize("the type {0} is not one of string, number, integer, boolean, null, object, array", JSON.stringify(type) ?? "?"));
    }
    if (type === "object") {
      if (node.properties !== undefined) {
        if (!isPlainObject(node.properties)) return problem(at, localize("\"{0}\" must be an object", "properties"));
        for (const [name, child] of Object.entries(node.properties)) {
          const found = visit(child, `${at}/properties/${name}`, scope, depth + 1);
          if (found) return found;
        }
      }
      const extra = node.additionalProperties;
      if (extra !== undefined && typeof extra !== "boolean") return visit(extra, `${at}/additionalProperties`, scope, depth + 1);
    }
    if (type === "array") {
      if (node.items !== undefined) {
        const found = visit(node.items, `${at}/items`, scope, depth + 1);
        if (found) return found;
      }
      if (node.prefixItems !== undefined) return children(node.prefixItems, "prefixItems");
    }
    return null;
  };
  return visit(schema, "#", new Set(), 0);
}

function checkOptions(options: unknown, field = "options"): string | null {
  if (options === undefined) return null;
  if (typeof options !== "object" || options === null) return bad(field, localize("an object"));
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
      : bad(`${field}.stop`, localize("a list of non-empty strings"))) ??
    checkConstraint(o, field)
  );
}

function checkStringList(params: Params, field: string): string | null {
  const value = params[field];
  return Array.isArray(value) && value.every((item) => typeof item === "string")
    ? null
    : bad(field, localize("a list of strings"));
}

/** Why a countTokens request is too big, or null. */
export function countTokensProblem(texts: readonly string[]): string | null {
  if (texts.length > maxCountTexts) return bad("texts", localize("a list of at most {0} strings", maxCountTexts));
  const chars = texts.reduce((sum, text) => sum + text.length, 0);
  return chars > maxCountChars
    ? localize(
        "Invalid request: the texts to count hold {0} characters in all; at most {1} are counted at once. Count them in smaller batches.",
        chars,
        maxCountChars,
      )
    : null;
}

/** Most files, and characters of file text in all, per review request. */
export const maxReviewTargets = 2_000;
export const maxReviewChars = 20_000_000;

/** Why a review's targets are malformed, or null. */
function reviewTargetsProblem(targets: unknown): string | null {
  const expected = localize("a list of {0} (path, content, and diff or range)", "{ path, content, diff?, range? }");
  if (!Array.isArray(targets) || targets.length === 0 || targets.length > maxReviewTargets) return bad("targets", expected);
  let chars = 0;
  for (const target of targets as unknown[]) {
    if (!isPlainObject(target) || typeof target.path !== "string" || !target.path) return bad("targets", expected);
    if (target.content !== null && typeof target.content !== "string") return bad("targets", expected);
    if (target.language !== undefined && typeof target.language !== "string") return bad("targets", expected);
    if (target.diff !== undefined && !(isPlainObject(target.diff) && Array.isArray(target.diff.hunks))) return bad("targets", expected);
    if (target.range !== undefined) {
      const range = target.range;
      if (!isPlainObject(range) || !Number.isInteger(range.start) || !Number.isInteger(range.end) || (range.start as number) < 1 || (range.end as number) < (range.start as number)) {
        return bad("targets", expected);
      }
    }
    if (target.related !== undefined) {
      if (!Array.isArray(target.related)) return bad("targets", expected);
      for (const snippet of target.related as unknown[]) {
        if (!isPlainObject(snippet) || typeof snippet.label !== "string" || typeof snippet.text !== "string") return bad("targets", expected);
        chars += snippet.text.length;
      }
    }
    chars += typeof target.content === "string" ? target.content.length : 0;
  }
  return chars > maxReviewChars ? bad("targets", localize("at most {0} characters of file text", maxReviewChars)) : null;
}

/** Why an apiStart host is not an address to listen on, or null. */
function apiHostProblem(host: unknown): string | null {
  if (typeof host !== "string") return null;
  try {
    parseListenAddress(host);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Returns a message for the caller when the params are malformed, or null when they are fine. */
/** A remote engine's settings: null, or the kind, address and models (the key is never echoed). */
function remoteConfigProblem(remote: unknown): string | null {
  if (remote === null) return null;
  if (typeof remote !== "object" || Array.isArray(remote)) return bad("remote", localize("null or an object with kind, url, model and embeddingModel"));
  const config = remote as Params;
  if (config.kind !== "ollama" && config.kind !== "openai") return bad("remote.kind", localize("\"ollama\" or \"openai\""));
  return (
    requireString(config, "url") ??
    (typeof config.model === "string" ? null : bad("remote.model", localize("a string"))) ??
    (typeof config.embeddingModel === "string" ? null : bad("remote.embeddingModel", localize("a string"))) ??
    (config.apiKey === undefined || typeof config.apiKey === "string" ? null : bad("remote.apiKey", localize("a string")))
  );
}

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
        optionalString(params, "systemPrompt") ??
        optionalString(params, "defaultSystemPrompt") ??
        checkOptions(params.options) ??
        checkOptions(params.defaults, "defaults")
      );
    case "chatCreate":
      return (
        requireString(params, "modelId") ??
        optionalString(params, "systemPrompt") ??
        optionalString(params, "defaultSystemPrompt") ??
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
        checkOptions(params.defaults, "defaults")
      );
    case "chatDispose":
      return requireString(params, "sessionId");
    case "embed":
      return requireString(params, "modelId") ?? checkStringList(params, "texts");
    case "countTokens":
      return requireString(params, "modelId") ?? checkStringList(params, "texts") ?? countTokensProblem(params.texts as string[]);
    case "rank":
      return (
        requireString(params, "modelId") ??
        (typeof params.query === "string" ? null : bad("query", localize("a string"))) ??
        checkStringList(params, "documents")
      );
    case "inspect":
      return requireString(params, "modelPath") ?? optionalNumber(params, "contextSize", 0, 10_000_000);
    case "apiStart":
      return optionalString(params, "host") ?? optionalString(params, "origins") ?? apiHostProblem(params.host);
    case "remoteConfigure":
      return remoteConfigProblem(params.remote);
    case "apiStop":
    case "apiStatus":
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
    case "review":
      return (
        (params.remote === undefined || typeof params.remote === "boolean" ? null : bad("remote", localize("true or false"))) ??
        (params.remote === true ? null : requireString(params, "modelId")) ??
        reviewTargetsProblem(params.targets) ??
        optionalString(params, "rules") ??
        optionalNumber(params, "budgetTokens", 128, 10_000_000) ??
        optionalNumber(params, "maxTokens", 16, 1_000_000) ??
        optionalNumber(params, "temperature", 0, 100) ??
        optionalNumber(params, "seed", -1, Number.MAX_SAFE_INTEGER) ??
        optionalNumber(params, "maxFindings", 1, 100)
      );
    case "indexBuild":
      return (
        checkStringList(params, "roots") ??
        (Array.isArray(params.roots) && params.roots.length > 0 ? null : bad("roots", localize("a non-empty list of folders"))) ??
        requireString(params, "storeDir") ??
        optionalString(params, "embeddingModel") ??
        (params.excludes === undefined ? null : checkStringList(params, "excludes")) ??
        optionalNumber(params, "maxFileBytes", 1, 1024 * 1024 * 1024)
      );
    case "indexUpdateFiles":
      return (
        requireString(params, "storeDir") ??
        (params.roots === undefined ? null : checkStringList(params, "roots")) ??
        checkStringList(params, "changed") ??
        checkStringList(params, "deleted") ??
        (params.excludes === undefined ? null : checkStringList(params, "excludes")) ??
        optionalNumber(params, "maxFileBytes", 1, 1024 * 1024 * 1024)
      );
    case "indexSearch":
      return (
        requireString(params, "storeDir") ??
        (typeof params.query === "string" ? null : bad("query", localize("a string"))) ??
        optionalNumber(params, "k", 1, 200) ??
        (params.paths === undefined ? null : checkStringList(params, "paths")) ??
        (params.mode === undefined || ["hybrid", "keyword", "vector"].includes(params.mode as string)
          ? null
          : bad("mode", localize("\"hybrid\", \"keyword\" or \"vector\""))) ??
        optionalString(params, "rerankModel")
      );
    case "indexStatus":
    case "indexClear":
      return requireString(params, "storeDir");
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
