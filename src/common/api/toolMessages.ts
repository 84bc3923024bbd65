// Tools and thinking as Ollama's /api/chat and OpenAI's /v1/chat/completions send them, read into
// the engine's conversation (common/chat/toolCalls.ts): tool definitions, tool_choice, assistant
// messages with tool_calls and thinking, tool results, `think` and `reasoning_effort`; and
// /api/show's `capabilities`. Pure: the routes are src/engine/api/ollamaApi.ts and openaiApi.ts.
import { EngineError } from "../engine/engineError";
import { localize } from "../localize";
import type { ChatCapabilities, ConversationMessage, ThinkSetting, ToolCall, ToolChoice, ToolDefinition } from "../chat/toolCalls";
import type { JsonObject } from "./ollamaApiTypes";
import { imagesRefused, isJsonObject } from "./ollamaApiTypes";

function invalid(field: string, expected: string): EngineError {
  return new EngineError("badRequest", localize("Invalid request: \"{0}\" must be {1}.", field, expected));
}

/** `tools`: `[{type: "function", function: {name, description, parameters}}]`, the same in both APIs. */
export function requestTools(body: JsonObject): ToolDefinition[] {
  const raw = body.tools;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid("tools", localize("a list of tools"));
  return raw.map((item, index): ToolDefinition => {
    const at = `tools[${index}]`;
    if (!isJsonObject(item)) throw invalid(at, localize("an object"));
    if (item.type !== undefined && item.type !== "function") {
      throw new EngineError(
        "badRequest",
        localize("Invalid request: {0} is a \"{1}\" tool; Hearth's models call functions only (\"type\": \"function\").", at, String(item.type)),
      );
    }
    const fn = item.function;
    if (!isJsonObject(fn) || typeof fn.name !== "string" || fn.name.trim() === "") throw invalid(`${at}.function.name`, localize("a non-empty string"));
    if (fn.description !== undefined && fn.description !== null && typeof fn.description !== "string") {
      throw invalid(`${at}.function.description`, localize("a string"));
    }
    if (fn.parameters !== undefined && fn.parameters !== null && !isJsonObject(fn.parameters)) {
      throw invalid(`${at}.function.parameters`, localize("a JSON schema object"));
    }
    return {
      name: fn.name,
      ...(typeof fn.description === "string" && fn.description !== "" ? { description: fn.description } : {}),
      ...(isJsonObject(fn.parameters) ? { parameters: fn.parameters } : {}),
    };
  });
}

/** Ollama's `think`: true, false, or "low" | "medium" | "high". */
export function requestThink(body: JsonObject): ThinkSetting | undefined {
  const raw = body.think;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "boolean") return raw;
  if (raw === "low" || raw === "medium" || raw === "high") return raw;
  throw invalid("think", localize("true, false, \"low\", \"medium\" or \"high\""));
}

/** OpenAI's `reasoning_effort` as a think setting: "none" is off, "minimal" the lowest level. */
export function requestReasoningEffort(body: JsonObject): ThinkSetting | undefined {
  const raw = body.reasoning_effort;
  if (raw === undefined || raw === null) return undefined;
  if (raw === "none") return false;
  if (raw === "minimal") return "low";
  if (raw === "low" || raw === "medium" || raw === "high") return raw;
  throw invalid("reasoning_effort", localize("\"none\", \"minimal\", \"low\", \"medium\" or \"high\""));
}

/** OpenAI's `tool_choice`: "auto", "none", "required", or `{type: "function", function: {name}}`. */
export function requestToolChoice(body: JsonObject): ToolChoice | undefined {
  const raw = body.tool_choice;
  if (raw === undefined || raw === null) return undefined;
  if (raw === "auto" || raw === "none" || raw === "required") return raw;
  if (isJsonObject(raw) && isJsonObject(raw.function) && typeof raw.function.name === "string" && raw.function.name !== "") {
    return { name: raw.function.name };
  }
  throw invalid("tool_choice", localize("\"auto\", \"none\", \"required\" or {\"type\": \"function\", \"function\": {\"name\": …}}"));
}

function textOf(content: unknown, at: string): string {
  if (content === undefined || content === null) return "";
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    const texts: string[] = [];
    for (const part of content) {
      if (!isJsonObject(part)) throw invalid(at, localize("a string or a list of text parts"));
      if (part.type === "text" && typeof part.text === "string") texts.push(part.text);
      else if (part.type === "image_url" || part.type === "input_audio" || part.type === "file" || part.type === "image") throw imagesRefused();
      else throw invalid(at, localize("a string or a list of text parts"));
    }
    return texts.join("");
  }
  throw invalid(at, localize("a string or a list of text parts"));
}

function argumentsObject(raw: unknown, at: string): Record<string, unknown> {
  if (raw === undefined || raw === null || raw === "") return {};
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      throw invalid(at, localize("a JSON object (as a string in OpenAI's API)"));
    }
  }
  if (!isJsonObject(value)) throw invalid(at, localize("a JSON object (as a string in OpenAI's API)"));
  return value;
}

/** An assistant message's `tool_calls`, in either API's shape (OpenAI's `arguments` is a JSON string). */
function toolCallsOf(raw: unknown, at: string, fallbackId: (index: number) => string): ToolCall[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid(at, localize("a list of tool calls"));
  return raw.map((item, index): ToolCall => {
    const fn = isJsonObject(item) ? item.function : undefined;
    if (!isJsonObject(item) || !isJsonObject(fn) || typeof fn.name !== "string" || fn.name === "") {
      throw invalid(`${at}[${index}].function.name`, localize("a non-empty string"));
    }
    return {
      id: typeof item.id === "string" && item.id !== "" ? item.id : fallbackId(index),
      name: fn.name,
      arguments: argumentsObject(fn.arguments, `${at}[${index}].function.arguments`),
    };
  });
}

/**
 * A request's `messages` as the engine's conversation. System (and `developer`) messages, user
 * messages, assistant messages with their `tool_calls` and thinking (`thinking` in Ollama's
 * messages, `reasoning_content` in OpenAI's), and tool results (`tool_call_id`, or Ollama's
 * `tool_name`). Images are refused.
 */
export function conversationMessages(body: JsonObject): ConversationMessage[] {
  const raw = body.messages;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid("messages", localize("a list of messages"));
  return raw.map((item, index): ConversationMessage => {
    const at = `messages[${index}]`;
    if (!isJsonObject(item) || typeof item.role !== "string") throw invalid(at, localize("a message with a role and content"));
    if (Array.isArray(item.images) && item.images.length > 0) throw imagesRefused();
    const text = textOf(item.content, `${at}.content`);
    switch (item.role) {
      case "system":
      case "developer":
        return { role: "system", text };
      case "user":
        return { role: "user", text };
      case "assistant": {
        const thinking = typeof item.thinking === "string" ? item.thinking : typeof item.reasoning_content === "string" ? item.reasoning_content : "";
        const toolCalls = toolCallsOf(item.tool_calls, `${at}.tool_calls`, (call) => `call_${index}_${call}`);
        return { role: "assistant", text, ...(thinking !== "" ? { thinking } : {}), ...(toolCalls.length > 0 ? { toolCalls } : {}) };
      }
      case "tool": {
        const id = typeof item.tool_call_id === "string" && item.tool_call_id !== "" ? item.tool_call_id : undefined;
        const name = typeof item.tool_name === "string" && item.tool_name !== "" ? item.tool_name : typeof item.name === "string" && item.name !== "" ? item.name : undefined;
        return { role: "tool", text, ...(id ? { toolCallId: id } : {}), ...(name ? { toolName: name } : {}) };
      }
      default:
        throw new EngineError(
          "badRequest",
          localize("Invalid request: message {0} has the role \"{1}\"; Hearth takes system, user, assistant and tool messages.", index, item.role),
        );
    }
  });
}

/** Whether a conversation needs the tools path: tool calls or results in it, or thinking to feed back. */
export function conversationUsesTools(messages: readonly ConversationMessage[]): boolean {
  return messages.some((message) => message.role === "tool" || (message.role === "assistant" && (message.toolCalls !== undefined || message.thinking !== undefined)));
}

/** Whether GGUF metadata marks fill-in-the-middle tokens (llama.cpp's `fim_*`, or CodeLlama's older `prefix/suffix/middle`). */
export function marksFillInMiddle(metadata: Readonly<Record<string, unknown>>): boolean {
  const has = (key: string): boolean => typeof metadata[`tokenizer.ggml.${key}_token_id`] === "number";
  return (has("fim_pre") && has("fim_suf") && has("fim_mid")) || (has("prefix") && has("suffix") && has("middle"));
}

/** /api/show's `capabilities`, in Ollama's names and order. */
export function ollamaCapabilities(
  purpose: string | undefined,
  metadata: Readonly<Record<string, unknown>>,
  chat: ChatCapabilities | null,
): string[] {
  if (purpose === "embedding") return ["embedding"];
  if (purpose === "reranker") return [];
  return [
    "completion",
    ...(chat?.tools ? ["tools"] : []),
    ...(marksFillInMiddle(metadata) ? ["insert"] : []),
    ...(chat?.thinking ? ["thinking"] : []),
  ];
}
