// Ollama's REST API as Hearth reads and writes it: request fields checked with messages for the
// caller, Ollama's `options` and `format` mapped onto GenerationOptions, `keep_alive`, chat
// messages split into a system prompt, earlier turns and the new message, a Modelfile built from
// /api/create's fields, and the figures of a response (durations in nanoseconds). Pure: the
// server side is src/engine/api/ollamaApi.ts. The OpenAI mapping (openaiApiTypes.ts) shares the checks.
import type { ChatTurn, GenerationOptions, StopReason } from "../chat/chatTypes";
import { EngineError } from "../engine/engineError";
import { localize } from "../localize";
import type { ProfileParameters } from "../models/modelProfile";

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function invalid(field: string, expected: string): EngineError {
  return new EngineError("badRequest", localize("Invalid request: \"{0}\" must be {1}.", field, expected));
}

/** The request body as an object (an empty body reads as `{}`). */
export function requestObject(body: unknown): JsonObject {
  if (body === undefined) return {};
  if (!isJsonObject(body)) throw invalid("body", localize("a JSON object"));
  return body;
}

export function requiredString(body: JsonObject, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value.trim() === "") throw invalid(field, localize("a non-empty string"));
  return value;
}

export function optionalString(body: JsonObject, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalid(field, localize("a string"));
  return value;
}

export function optionalBoolean(body: JsonObject, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw invalid(field, localize("true or false"));
  return value;
}

export function optionalNumber(body: JsonObject, field: string, integer = false): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw invalid(field, integer ? localize("a whole number") : localize("a number"));
  }
  return value;
}

/** A string or a list of strings, as a list; undefined when absent. */
export function optionalStringList(body: JsonObject, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value as string[];
  throw invalid(field, localize("a string or a list of strings"));
}

/** The model name a request names (`model`, or the older `name`). */
export function requestModelName(body: JsonObject): string {
  if (typeof body.model === "string" && body.model.trim() !== "") return body.model.trim();
  if (typeof body.name === "string" && body.name.trim() !== "") return body.name.trim();
  throw invalid("model", localize("a non-empty string"));
}

/** What an Ollama `options` object asks for: generation options, and a context size to load with. */
export interface MappedOllamaOptions {
  options: GenerationOptions;
  contextSize?: number;
}

const numberOptions: Record<string, { key: keyof GenerationOptions; integer: boolean; min: number; max: number }> = {
  temperature: { key: "temperature", integer: false, min: 0, max: 100 },
  top_k: { key: "topK", integer: true, min: 0, max: 1_000_000 },
  top_p: { key: "topP", integer: false, min: 0, max: 1 },
  min_p: { key: "minP", integer: false, min: 0, max: 1 },
  seed: { key: "seed", integer: true, min: -2_147_483_648, max: 4_294_967_295 },
  repeat_penalty: { key: "repeatPenalty", integer: false, min: 0, max: 100 },
};

/**
 * Ollama's `options` (temperature, top_k, top_p, min_p, seed, num_predict, stop, repeat_penalty,
 * num_ctx); options Ollama has and Hearth does not apply (mirostat, num_batch…) are ignored, as
 * Ollama ignores unknown ones. A negative seed means "random", as in Ollama.
 */
export function mapOllamaOptions(raw: unknown): MappedOllamaOptions {
  if (raw === undefined || raw === null) return { options: {} };
  if (!isJsonObject(raw)) throw invalid("options", localize("an object"));
  const options: GenerationOptions = {};
  const result: MappedOllamaOptions = { options };
  for (const [name, spec] of Object.entries(numberOptions)) {
    const value = raw[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < spec.min || value > spec.max) {
      throw invalid(`options.${name}`, localize("a number from {0} to {1}", spec.min, spec.max));
    }
    if (name === "seed" && value < 0) continue;
    (options as Record<string, number>)[spec.key] = spec.integer ? Math.trunc(value) : value;
  }
  const numPredict = raw.num_predict;
  if (numPredict !== undefined && numPredict !== null) {
    if (typeof numPredict !== "number" || !Number.isInteger(numPredict)) throw invalid("options.num_predict", localize("a whole number"));
    // -1: no limit; -2: fill the context. Both leave the answer to end at the context's end.
    if (numPredict > 0) options.maxTokens = numPredict;
    else if (numPredict === 0) options.maxTokens = 1;
  }
  const stop = optionalStringList(raw, "stop");
  if (stop !== undefined) {
    const stops = stop.filter((item) => item !== "");
    if (stops.length > 0) options.stop = stops;
  }
  const numCtx = raw.num_ctx;
  if (numCtx !== undefined && numCtx !== null) {
    if (typeof numCtx !== "number" || !Number.isInteger(numCtx) || numCtx < 0 || numCtx > 1_048_576) {
      throw invalid("options.num_ctx", localize("a number from {0} to {1}", 0, 1_048_576));
    }
    if (numCtx > 0) result.contextSize = numCtx;
  }
  return result;
}

/**
 * JSON mode: a JSON object of whatever shape (what Ollama's `format: "json"` and OpenAI's `json_object` give). The
 * whitespace between tokens is bounded so a model cannot spend its answer on blanks.
 */
export const jsonObjectGrammar = String.raw`root ::= object
value ::= object | array | string | number | "true" | "false" | "null"
object ::= "{" space ( member ( "," space member )* )? "}"
member ::= string space ":" space value space
array ::= "[" space ( value space ( "," space value space )* )? "]"
string ::= "\"" ( [^"\\\x00-\x1F] | "\\" ( ["\\/bfnrt] | "u" [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F] [0-9a-fA-F] ) )* "\""
number ::= "-"? ( "0" | [1-9] [0-9]* ) ( "." [0-9]+ )? ( [eE] [-+]? [0-9]+ )?
space ::= ( " " | "\n" | "\t" )? ( " " | "\n" | "\t" )?
`;

/** Ollama's `format`: "json" (a JSON object of whatever shape) or a JSON schema the answer must follow. */
export function mapFormat(format: unknown, field = "format"): Pick<GenerationOptions, "grammar" | "jsonSchema"> {
  if (format === undefined || format === null || format === "") return {};
  if (format === "json") return { grammar: jsonObjectGrammar };
  if (isJsonObject(format)) return { jsonSchema: format };
  throw invalid(field, localize("\"json\" or a JSON schema object"));
}

/** How long a model stays loaded after a request, in milliseconds: null = for good, 0 = unload at once. */
export type KeepAlive = number | null;

/**
 * The longest keep_alive kept as a duration: Node's timers hold at most 2^31-1 ms (about 24.8
 * days) and fire at once beyond it. Longer values mean "for good", as Ollama treats them.
 */
export const maxKeepAliveMs = 2_147_483_647;

/** A duration in milliseconds, or null (for good) when a timer cannot hold it. */
function clampKeepAlive(ms: number): KeepAlive {
  const rounded = Math.round(ms);
  return rounded > maxKeepAliveMs ? null : rounded;
}

/**
 * `keep_alive` as Ollama takes it: a number of seconds, or a duration such as "5m", "1h30m",
 * "300ms"; negative keeps the model loaded for good; 0 unloads it when the request is done.
 * Undefined when absent (Hearth then keeps the model loaded).
 */
export function parseKeepAlive(value: unknown): KeepAlive | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number" && Number.isFinite(value)) return value < 0 ? null : clampKeepAlive(value * 1000);
  if (typeof value === "string") {
    const text = value.trim();
    if (/^-?\d+(\.\d+)?$/.test(text)) return parseKeepAlive(Number(text));
    if (text.startsWith("-")) return null;
    const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    let total = 0;
    let rest = text;
    while (rest !== "") {
      const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest);
      if (!match) throw invalid("keep_alive", localize("a number of seconds or a duration such as \"5m\""));
      total += Number(match[1]) * units[match[2]!]!;
      rest = rest.slice(match[0].length);
    }
    return clampKeepAlive(total);
  }
  throw invalid("keep_alive", localize("a number of seconds or a duration such as \"5m\""));
}

/** Ollama's `done_reason`. */
export function ollamaDoneReason(reason: StopReason): "stop" | "length" {
  return reason === "maxTokens" ? "length" : "stop";
}

export function nanoseconds(milliseconds: number): number {
  return Math.max(0, Math.round(milliseconds * 1_000_000));
}

/** A chat message as the two APIs send it, its content already text. */
export interface ApiChatMessage {
  role: string;
  content: string;
}

/** A conversation as the engine takes it: one system prompt, the earlier turns, the new user message. */
export interface SplitConversation {
  system: string | undefined;
  history: ChatTurn[];
  /** Null when there are no user or assistant messages (Ollama then only loads the model). */
  message: string | null;
}

/**
 * System messages (anywhere; `developer` too) become one system prompt; user and assistant
 * messages the turns; the last message must be the user's. Tool results are not run here.
 */
export function splitConversation(messages: readonly ApiChatMessage[]): SplitConversation {
  const systemParts: string[] = [];
  const turns: ChatTurn[] = [];
  for (const [index, message] of messages.entries()) {
    switch (message.role) {
      case "system":
      case "developer":
        systemParts.push(message.content);
        break;
      case "user":
        turns.push({ role: "user", text: message.content });
        break;
      case "assistant":
        turns.push({ role: "assistant", text: message.content });
        break;
      default:
        throw new EngineError(
          "badRequest",
          localize(
            "Invalid request: message {0} has the role \"{1}\"; Hearth takes system, user and assistant messages.",
            index,
            message.role,
          ),
        );
    }
  }
  const system = systemParts.length > 0 ? systemParts.join("\n\n") : undefined;
  const last = turns.at(-1);
  if (!last) return { system, history: [], message: null };
  if (last.role !== "user") {
    throw new EngineError(
      "badRequest",
      localize("Invalid request: the last message must be the user's (the one to answer), but it is the assistant's."),
    );
  }
  return { system, history: turns.slice(0, -1), message: last.text };
}

/** Ollama's chat `messages`: role and content strings; images are refused (no vision models yet). */
export function ollamaMessages(body: JsonObject): ApiChatMessage[] {
  const raw = body.messages;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid("messages", localize("a list of messages"));
  return raw.map((item, index): ApiChatMessage => {
    if (!isJsonObject(item) || typeof item.role !== "string") throw invalid(`messages[${index}]`, localize("a message with a role and content"));
    if (Array.isArray(item.images) && item.images.length > 0) throw imagesRefused();
    const content = item.content ?? "";
    if (typeof content !== "string") throw invalid(`messages[${index}].content`, localize("a string"));
    return { role: item.role, content };
  });
}

export function imagesRefused(): EngineError {
  return new EngineError(
    "badRequest",
    localize("Hearth's models read text only: this request carries images. Send the text alone, or use a vision model in another tool."),
  );
}

function quoteModelfileValue(text: string): string {
  if (/[\n"]/.test(text) || text.trim() !== text || text === "") {
    if (text.includes('"""')) {
      throw new EngineError("badRequest", localize("Invalid request: a value holds three double quotes (\"\"\"), which a Modelfile cannot quote."));
    }
    return `"""${text}"""`;
  }
  return /\s/.test(text) ? `"${text}"` : text;
}

/**
 * The Modelfile an /api/create request describes: its `modelfile` text as is (older clients), or
 * one written from `from`, `parameters`, `template`, `system`, `messages` and `license`. Uploaded
 * blobs (`files`, `adapters`) and `quantize` are refused with what to do instead.
 */
export function modelfileFromCreateRequest(body: JsonObject): string {
  const text = optionalString(body, "modelfile");
  if (text !== undefined && text.trim() !== "") return text;
  if ((isJsonObject(body.files) && Object.keys(body.files).length > 0) || (isJsonObject(body.adapters) && Object.keys(body.adapters).length > 0)) {
    throw new EngineError(
      "badRequest",
      localize("Hearth does not take uploaded model files: name an installed model or a .gguf path on this computer in \"from\" (or FROM), or import the file with hearth import."),
    );
  }
  if (typeof body.quantize === "string" && body.quantize !== "") {
    throw new EngineError("badRequest", localize("Hearth does not quantize models: pull or import a GGUF file already quantized (for example Q4_K_M)."));
  }
  const from = optionalString(body, "from");
  if (from === undefined || from.trim() === "") throw invalid("from", localize("a non-empty string"));
  const lines = [`FROM ${from.trim()}`];
  const parameters = body.parameters;
  if (parameters !== undefined && parameters !== null) {
    if (!isJsonObject(parameters)) throw invalid("parameters", localize("an object"));
    for (const [name, value] of Object.entries(parameters)) {
      const values = Array.isArray(value) ? value : [value];
      for (const item of values) {
        if (typeof item !== "string" && typeof item !== "number" && typeof item !== "boolean") {
          throw invalid(`parameters.${name}`, localize("a string, number or boolean, or a list of them"));
        }
        lines.push(`PARAMETER ${name} ${quoteModelfileValue(String(item))}`);
      }
    }
  }
  const template = optionalString(body, "template");
  if (template !== undefined) lines.push(`TEMPLATE ${quoteModelfileValue(template)}`);
  const system = optionalString(body, "system");
  if (system !== undefined) lines.push(`SYSTEM ${quoteModelfileValue(system)}`);
  for (const message of ollamaMessages(body)) lines.push(`MESSAGE ${message.role} ${quoteModelfileValue(message.content)}`);
  const license = body.license;
  const licenses = typeof license === "string" ? [license] : Array.isArray(license) ? license : [];
  for (const item of licenses) {
    if (typeof item !== "string") throw invalid("license", localize("a string or a list of strings"));
    lines.push(`LICENSE ${quoteModelfileValue(item)}`);
  }
  return `${lines.join("\n")}\n`;
}

const parameterNames: Array<[keyof ProfileParameters, string]> = [
  ["temperature", "temperature"],
  ["topK", "top_k"],
  ["topP", "top_p"],
  ["minP", "min_p"],
  ["seed", "seed"],
  ["repeatPenalty", "repeat_penalty"],
  ["maxTokens", "num_predict"],
  ["contextSize", "num_ctx"],
  ["threads", "num_thread"],
  ["gpuLayers", "num_gpu"],
];

/** /api/show's `parameters`: one `name value` line per parameter, as Ollama prints them. */
export function parametersText(parameters: ProfileParameters | undefined): string {
  if (!parameters) return "";
  const lines: string[] = [];
  for (const stop of parameters.stop ?? []) lines.push(`stop${" ".repeat(27)}${JSON.stringify(stop)}`);
  for (const [key, name] of parameterNames) {
    const value = parameters[key];
    if (typeof value === "number") lines.push(`${name.padEnd(31)}${value}`);
  }
  return lines.join("\n");
}

/** "1.5B", "494.03M", "260.00K": Ollama's `parameter_size`. */
export function parameterSizeText(parameters: number): string {
  if (parameters >= 1e9) return `${(parameters / 1e9).toFixed(1).replace(/\.0$/, "")}B`;
  if (parameters >= 1e6) return `${(parameters / 1e6).toFixed(2)}M`;
  if (parameters >= 1e3) return `${(parameters / 1e3).toFixed(2)}K`;
  return String(parameters);
}
