// Tools a model may call and thinking, as every side shares them: the tool definitions and calls
// of a conversation, its messages with tool calls and results, and the JSON schemas that constrain
// a call: a tool's parameters rewritten into the subset llama.cpp's grammars follow, and the
// `{name, arguments}` object a required or named call must be. Pure: the engine runs them
// (src/engine/llama/toolCalls.ts), the HTTP APIs read and write them (src/common/api/).

/** A function the model may call: its parameters are a JSON schema for the arguments object. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/** `auto`: the model decides; `none`: it answers in text; `required`: it calls a tool; `{name}`: it calls that one. */
export type ToolChoice = "auto" | "none" | "required" | { name: string };

/** A call the model made: `arguments` matches the tool's parameters schema. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** Ollama's `think`: on, off, or a level for models that take one. */
export type ThinkSetting = boolean | "low" | "medium" | "high";

export const thinkLevels: readonly string[] = ["low", "medium", "high"];

/** One message of a conversation the request carries in full. */
export type ConversationMessage =
  | { role: "system"; text: string }
  | { role: "user"; text: string }
  | { role: "assistant"; text: string; thinking?: string; toolCalls?: ToolCall[] }
  | { role: "tool"; text: string; toolCallId?: string; toolName?: string };

/** What a model's chat template can do, as Ollama's /api/show `capabilities` names it. */
export interface ChatCapabilities {
  /** The template has its own tool-call syntax (calls still work without it, through Hearth's grammar). */
  tools: boolean;
  /** The template has a thinking section. */
  thinking: boolean;
  /** The template takes a reasoning effort (`think: "low" | "medium" | "high"`). */
  thinkingLevels: boolean;
}

type Schema = Record<string, unknown>;

function isObject(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const anyJsonValue: Schema = {
  oneOf: [
    { type: ["string", "number", "boolean", "null"] },
    { type: "object", additionalProperties: true },
    { type: "array", items: { type: ["string", "number", "boolean", "null"] } },
  ],
};

const keptKeys = [
  "description",
  "enum",
  "const",
  "required",
  "minItems",
  "maxItems",
  "minLength",
  "maxLength",
  "minProperties",
  "maxProperties",
];

/**
 * A tool's parameters schema in the subset llama.cpp's JSON grammars follow (type, enum, const,
 * oneOf, properties, items, $ref into $defs): `anyOf` becomes `oneOf`, a one-item `allOf` its item,
 * `definitions` `$defs`, a list of types with object or array a `oneOf`, `nullable` a null branch;
 * keywords a grammar cannot enforce (`title`, `default`, `pattern`, `minimum`, `examples`…) are
 * left out. What says nothing about its type accepts any JSON value.
 */
export function grammarSchemaFor(schema: unknown): Schema {
  const convert = (node: unknown, depth: number): Schema => {
    if (!isObject(node) || depth > 24) return anyJsonValue;
    if (Array.isArray(node.allOf) && node.allOf.length === 1) {
      const rest = { ...node };
      delete rest.allOf;
      return convert({ ...(isObject(node.allOf[0]) ? node.allOf[0] : {}), ...rest }, depth);
    }
    const out: Schema = {};
    for (const key of keptKeys) if (node[key] !== undefined) out[key] = node[key];
    if (typeof node.format === "string" && ["date", "time", "date-time"].includes(node.format)) out.format = node.format;
    const defs = isObject(node.$defs) ? node.$defs : isObject(node.definitions) ? node.definitions : undefined;
    if (defs) out.$defs = Object.fromEntries(Object.entries(defs).map(([name, def]) => [name, convert(def, depth + 1)]));
    if (typeof node.$ref === "string") return { ...out, $ref: node.$ref.replace(/^#\/definitions\//, "#/$defs/") };
    const alternatives = Array.isArray(node.oneOf) ? node.oneOf : Array.isArray(node.anyOf) ? node.anyOf : null;
    if (alternatives && alternatives.length > 0) return { ...out, oneOf: alternatives.map((item) => convert(item, depth + 1)) };
    if (out.const !== undefined || Array.isArray(out.enum)) return out;
    let type = node.type;
    if (type === undefined && isObject(node.properties)) type = "object";
    if (type === undefined && node.items !== undefined) type = "array";
    if (typeof type === "string" && node.nullable === true) type = [type, "null"];
    if (Array.isArray(type)) {
      const types = type.filter((item): item is string => typeof item === "string");
      if (types.some((item) => item === "object" || item === "array")) {
        return { ...out, oneOf: types.map((item) => convert({ ...node, type: item, nullable: false }, depth + 1)) };
      }
      return types.length > 0 ? { ...out, type: types } : anyJsonValue;
    }
    if (typeof type !== "string") return { ...anyJsonValue, ...out };
    out.type = type;
    if (type === "object") {
      const properties = isObject(node.properties) ? node.properties : {};
      out.properties = Object.fromEntries(Object.entries(properties).map(([name, child]) => [name, convert(child, depth + 1)]));
      if (Array.isArray(node.required)) out.required = node.required.filter((name) => typeof name === "string" && name in properties);
      const extra = node.additionalProperties;
      // JSON schema's default lets any other property in; a grammar that allows them lets a small
      // model wander, so only an explicit schema (or `true`) opens the object.
      if (isObject(extra)) out.additionalProperties = convert(extra, depth + 1);
      else if (extra === true || Object.keys(properties).length === 0) out.additionalProperties = true;
    } else if (type === "array") {
      if (node.items !== undefined) out.items = convert(node.items, depth + 1);
      if (Array.isArray(node.prefixItems)) out.prefixItems = node.prefixItems.map((item) => convert(item, depth + 1));
    }
    return out;
  };
  return convert(schema ?? { type: "object" }, 0);
}

/** A tool's arguments schema for a grammar: always an object. */
export function argumentsSchemaFor(tool: ToolDefinition): Schema {
  const schema = grammarSchemaFor(tool.parameters ?? { type: "object" });
  return schema.type === "object" ? schema : { type: "object", additionalProperties: true };
}

/**
 * The JSON a required or named call is generated as: `{"name": …, "arguments": {…}}`, one of the
 * tools (or the named one), its arguments following that tool's schema.
 */
export function forcedCallSchema(tools: readonly ToolDefinition[], choice: ToolChoice): Schema {
  const chosen = typeof choice === "object" ? tools.filter((tool) => tool.name === choice.name) : tools;
  const one = (tool: ToolDefinition): Schema => ({
    type: "object",
    properties: { name: { const: tool.name }, arguments: argumentsSchemaFor(tool) },
    required: ["name", "arguments"],
  });
  return chosen.length === 1 ? one(chosen[0]!) : { oneOf: chosen.map(one) };
}

/** Reads a forced call's JSON; null when it is not one (an answer cut off by its token limit). */
export function parseForcedCall(text: string): { name: string; arguments: Record<string, unknown> } | null {
  try {
    const value: unknown = JSON.parse(text);
    if (isObject(value) && typeof value.name === "string" && isObject(value.arguments)) return { name: value.name, arguments: value.arguments };
  } catch {
    // not complete JSON
  }
  return null;
}

/**
 * Streams a forced call's arguments as the JSON arrives: once `{"name": "…", "arguments": ` has
 * come, the rest is the arguments text, less the object's closing brace (held back until the end).
 */
export class ForcedCallStreamer {
  private text = "";
  private name: string | null = null;
  private argumentsStart = 0;
  private sent = 0;

  constructor(private readonly emit: (delta: { name: string; arguments: string; first: boolean }) => void) {}

  push(chunk: string): void {
    this.text += chunk;
    if (this.name === null) {
      const head = /^\s*\{\s*"name"\s*:\s*("(?:[^"\\]|\\.)*")\s*,\s*"arguments"\s*:\s*/.exec(this.text);
      if (!head) return;
      this.name = JSON.parse(head[1]!) as string;
      this.argumentsStart = head[0].length;
      this.emit({ name: this.name, arguments: "", first: true });
    }
    // Hold back the last characters: they may be the outer object's `}` and the space before it.
    const available = this.text.slice(this.argumentsStart).replace(/\s*\}?\s*$/, "");
    if (available.length > this.sent) {
      this.emit({ name: this.name, arguments: available.slice(this.sent), first: false });
      this.sent = available.length;
    }
  }

  /** The whole text, for parsing at the end. */
  get received(): string {
    return this.text;
  }

  /** Sends what was held back of the arguments: after it, the fragments sent make the whole arguments JSON. */
  finish(): void {
    if (this.name === null) return;
    const body = this.text.slice(this.argumentsStart).replace(/\s*\}\s*$/, "");
    if (body.length > this.sent) this.emit({ name: this.name, arguments: body.slice(this.sent), first: false });
    this.sent = body.length;
  }
}
