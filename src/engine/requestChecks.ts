// The checks a request's params go through before any of it reaches llama.cpp: small pieces each
// engine method combines next to its handler (see engineMethods.ts). Each returns a message for
// the caller when the value is malformed, or null when it is fine.
import type { GenerationOptions } from "../common/chat/chatTypes";
import { localize } from "../common/localize";

export type Params = Record<string, unknown>;

export function bad(field: string, expected: string): string {
  return localize("Invalid request: \"{0}\" must be {1}.", field, expected);
}

/** An optional field that, when given, passes `check`. */
export function optional(params: Params, field: string, check: (params: Params, field: string) => string | null): string | null {
  return params[field] === undefined ? null : check(params, field);
}

/** A field that is one of `values`, or absent. */
export function optionalOneOf(params: Params, field: string, values: readonly string[], expected: string): string | null {
  const value = params[field];
  return value === undefined || (typeof value === "string" && values.includes(value)) ? null : bad(field, expected);
}

/** A field that is a string (possibly empty). */
export function requireText(params: Params, field: string): string | null {
  return typeof params[field] === "string" ? null : bad(field, localize("a string"));
}

export function requireString(params: Params, field: string): string | null {
  return typeof params[field] === "string" && (params[field] as string).length > 0 ? null : bad(field, localize("a non-empty string"));
}

export function optionalString(params: Params, key: string): string | null {
  return params[key] === undefined || typeof params[key] === "string" ? null : bad(key, localize("a string"));
}

export function optionalNumber(params: Params, field: string, min: number, max: number): string | null {
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

export function isPlainObject(value: unknown): value is Record<string, unknown> {
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

const roles = ["system", "user", "assistant", "tool"];

/** A chatRespond request's messages, tools, tool choice and think setting (see ChatRespondParams). */
export function conversationProblem(params: Params): string | null {
  const messages = params.messages;
  if (!Array.isArray(messages)) return bad("messages", localize("a list of messages"));
  for (const [index, message] of messages.entries()) {
    const at = `messages[${index}]`;
    if (!isPlainObject(message) || typeof message.role !== "string" || !roles.includes(message.role) || typeof message.text !== "string") {
      return bad(at, localize("a message with a role (system, user, assistant or tool) and a text"));
    }
    if (message.thinking !== undefined && typeof message.thinking !== "string") return bad(`${at}.thinking`, localize("a string"));
    const calls = message.toolCalls;
    if (calls !== undefined) {
      const valid =
        Array.isArray(calls) &&
        calls.every((call: unknown) => isPlainObject(call) && typeof call.id === "string" && typeof call.name === "string" && isPlainObject(call.arguments));
      if (!valid) return bad(`${at}.toolCalls`, localize("a list of { id, name, arguments }"));
    }
  }
  const tools = params.tools;
  if (tools !== undefined) {
    const valid =
      Array.isArray(tools) &&
      tools.every(
        (tool: unknown) =>
          isPlainObject(tool) &&
          typeof tool.name === "string" &&
          tool.name !== "" &&
          (tool.description === undefined || typeof tool.description === "string") &&
          (tool.parameters === undefined || isPlainObject(tool.parameters)),
      );
    if (!valid) return bad("tools", localize("a list of { name, description, parameters }"));
  }
  const choice = params.toolChoice;
  if (choice !== undefined && !["auto", "none", "required"].includes(choice as string) && !(isPlainObject(choice) && typeof choice.name === "string")) {
    return bad("toolChoice", localize("\"auto\", \"none\", \"required\" or { name }"));
  }
  for (const field of ["parallelToolCalls", "thinkLeniently"]) {
    if (params[field] !== undefined && typeof params[field] !== "boolean") return bad(field, localize("true or false"));
  }
  const think = params.think;
  if (think !== undefined && typeof think !== "boolean" && !["low", "medium", "high"].includes(think as string)) {
    return bad("think", localize("true, false, \"low\", \"medium\" or \"high\""));
  }
  return null;
}

export function checkOptions(options: unknown, field = "options"): string | null {
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

export function checkStringList(params: Params, field: string): string | null {
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

/** A conversation's earlier turns: absent, or a list of { role: "user" | "assistant", text }. */
export function historyProblem(params: Params): string | null {
  const value = params.history;
  return value === undefined ||
    (Array.isArray(value) &&
      value.every((turn: unknown) => isPlainObject(turn) && (turn.role === "user" || turn.role === "assistant") && typeof turn.text === "string"))
    ? null
    : bad("history", localize("a list of { role, text } turns"));
}
