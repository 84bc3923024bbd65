// OpenAI's chat completions, completions and embeddings requests as Hearth reads them: message
// content (a string or text parts), sampling fields mapped onto GenerationOptions,
// `response_format`, and `finish_reason`. Pure: the server side is src/engine/api/openaiApi.ts.
import type { GenerationOptions, StopReason } from "../chat/chatTypes";
import { EngineError } from "../engine/engineError";
import { localize } from "../localize";
import type { ApiChatMessage, JsonObject } from "./ollamaApiTypes";
import { imagesRefused, isJsonObject, jsonObjectGrammar, optionalNumber, optionalStringList } from "./ollamaApiTypes";

function invalid(field: string, expected: string): EngineError {
  return new EngineError("badRequest", localize("Invalid request: \"{0}\" must be {1}.", field, expected));
}

/** `messages`: content as a string, or a list of `{type: "text", text}` parts (joined). */
export function openaiMessages(body: JsonObject): ApiChatMessage[] {
  const raw = body.messages;
  if (!Array.isArray(raw) || raw.length === 0) throw invalid("messages", localize("a non-empty list of messages"));
  return raw.map((item, index): ApiChatMessage => {
    if (!isJsonObject(item) || typeof item.role !== "string") throw invalid(`messages[${index}]`, localize("a message with a role and content"));
    const content = item.content;
    if (content === undefined || content === null) return { role: item.role, content: "" };
    if (typeof content === "string") return { role: item.role, content };
    if (Array.isArray(content)) {
      const texts: string[] = [];
      for (const part of content) {
        if (!isJsonObject(part)) throw invalid(`messages[${index}].content`, localize("a string or a list of text parts"));
        if (part.type === "text" && typeof part.text === "string") texts.push(part.text);
        else if (part.type === "image_url" || part.type === "input_audio" || part.type === "file") throw imagesRefused();
        else throw invalid(`messages[${index}].content`, localize("a string or a list of text parts"));
      }
      return { role: item.role, content: texts.join("") };
    }
    throw invalid(`messages[${index}].content`, localize("a string or a list of text parts"));
  });
}

/**
 * temperature, top_p, seed, stop, max_tokens / max_completion_tokens, and the llama.cpp-server
 * extras top_k, min_p, repeat_penalty. `n` other than 1 is refused; penalties Hearth does not
 * apply (frequency, presence) and `user` are ignored.
 */
export function mapOpenaiOptions(body: JsonObject): GenerationOptions {
  const options: GenerationOptions = {};
  const temperature = optionalNumber(body, "temperature");
  if (temperature !== undefined) {
    if (temperature < 0 || temperature > 2) throw invalid("temperature", localize("a number from {0} to {1}", 0, 2));
    options.temperature = temperature;
  }
  const topP = optionalNumber(body, "top_p");
  if (topP !== undefined) {
    if (topP < 0 || topP > 1) throw invalid("top_p", localize("a number from {0} to {1}", 0, 1));
    options.topP = topP;
  }
  const topK = optionalNumber(body, "top_k", true);
  if (topK !== undefined && topK > 0) options.topK = topK;
  const minP = optionalNumber(body, "min_p");
  if (minP !== undefined) options.minP = minP;
  const repeatPenalty = optionalNumber(body, "repeat_penalty");
  if (repeatPenalty !== undefined) options.repeatPenalty = repeatPenalty;
  const seed = optionalNumber(body, "seed", true);
  if (seed !== undefined && seed >= 0) options.seed = seed;
  const maxTokens = optionalNumber(body, "max_completion_tokens", true) ?? optionalNumber(body, "max_tokens", true);
  if (maxTokens !== undefined) {
    if (maxTokens < 1) throw invalid("max_tokens", localize("a whole number of at least 1"));
    options.maxTokens = maxTokens;
  }
  const stop = optionalStringList(body, "stop")?.filter((item) => item !== "");
  if (stop && stop.length > 0) options.stop = stop;
  const n = optionalNumber(body, "n", true);
  if (n !== undefined && n !== 1) {
    throw new EngineError("badRequest", localize("Hearth writes one answer per request: send \"n\": 1 (or leave it out), and several requests for several answers."));
  }
  return options;
}

/** `response_format`: text, `json_object` (a JSON object of whatever shape) or `json_schema` (`json_schema.schema`). */
export function mapResponseFormat(body: JsonObject): Pick<GenerationOptions, "grammar" | "jsonSchema"> {
  const format = body.response_format;
  if (format === undefined || format === null) return {};
  if (!isJsonObject(format)) throw invalid("response_format", localize("an object"));
  switch (format.type) {
    case "text":
      return {};
    case "json_object":
      return { grammar: jsonObjectGrammar };
    case "json_schema": {
      const spec = format.json_schema;
      if (!isJsonObject(spec) || !isJsonObject(spec.schema)) throw invalid("response_format.json_schema.schema", localize("a JSON schema object"));
      return { jsonSchema: spec.schema };
    }
    default:
      throw invalid("response_format.type", localize("\"text\", \"json_object\" or \"json_schema\""));
  }
}

/** OpenAI's `finish_reason`. */
export function openaiFinishReason(reason: StopReason): "stop" | "length" {
  return reason === "maxTokens" ? "length" : "stop";
}

/** An OpenAI error object's `type` for an HTTP status. */
export function openaiErrorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "invalid_request_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}
