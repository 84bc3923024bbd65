// A request from VS Code's chat (vscode.lm's messages, as plain data) as Hearth's engine takes a
// turn: the conversation so far as alternating user/assistant turns, and the user's message to
// answer. Parts a chat session cannot take as such (tool calls and their results, in a request
// that offers no tools) are written out as text, so the model still sees them; a request with
// tools goes to the engine as a whole conversation instead (toolRequest.ts).
import type { ChatTurn, GenerationOptions } from "../chat/chatTypes";
import { localize } from "../localize";

export type RequestRole = "user" | "assistant" | "system";

export type RequestPart =
  | { kind: "text"; text: string }
  | { kind: "toolCall"; callId: string; name: string; input: unknown }
  | { kind: "toolResult"; callId: string; text: string }
  /** An image or other data Hearth's models cannot read: named, so the model knows it was there. */
  | { kind: "other"; mimeType: string };

export interface RequestMessage {
  role: RequestRole;
  parts: readonly RequestPart[];
}

export interface EngineTurn {
  /** The turns before the message, oldest first, alternating (system text joins the user's). */
  history: ChatTurn[];
  message: string;
}

/** Thrown when a request cannot become a turn; the message says why and what to do. */
export class RequestShapeError extends Error {}

/** The text the model reads for a part (English, as the prompt's own framing is; not shown to the user). */
export function partText(part: RequestPart): string {
  switch (part.kind) {
    case "text":
      return part.text;
    case "toolCall":
      return `[called the tool ${part.name} with ${JSON.stringify(part.input ?? {})}]`;
    case "toolResult":
      return `[tool result]\n${part.text}`;
    case "other":
      return `[an attachment of type ${part.mimeType} that this model cannot read]`;
  }
}

/**
 * The history and message for `messages`: consecutive messages of one role are joined, system
 * messages count as the user's, and empty ones are dropped. The last message must be the user's.
 */
export function engineTurn(messages: readonly RequestMessage[]): EngineTurn {
  const turns: ChatTurn[] = [];
  for (const message of messages) {
    const text = message.parts.map(partText).join("").trim();
    if (!text) continue;
    const role = message.role === "assistant" ? "assistant" : "user";
    const last = turns.at(-1);
    if (last && last.role === role) last.text = `${last.text}\n\n${text}`;
    else turns.push({ role, text });
  }
  const last = turns.pop();
  if (!last) throw new RequestShapeError(localize("The request has no message to answer: send at least one user message with text."));
  if (last.role !== "user") {
    throw new RequestShapeError(
      localize("The request ends with an assistant message, and Hearth answers the user's last message: end the request with a user message."),
    );
  }
  return { history: turns, message: last.text };
}

/**
 * Generation options from a request's `modelOptions` (what a caller of vscode.lm passes): the
 * sampling settings Hearth knows, under their OpenAI or camelCase names; anything else is ignored.
 */
export function generationOptions(modelOptions: { readonly [name: string]: unknown } | undefined): GenerationOptions | undefined {
  if (!modelOptions) return undefined;
  const number = (...names: string[]): number | undefined => {
    for (const name of names) {
      const value = modelOptions[name];
      if (typeof value === "number" && Number.isFinite(value)) return value;
    }
    return undefined;
  };
  const stop = modelOptions.stop;
  const options: GenerationOptions = {};
  const maxTokens = number("maxTokens", "max_tokens", "maxOutputTokens");
  if (maxTokens !== undefined && maxTokens >= 1) options.maxTokens = Math.floor(maxTokens);
  const temperature = number("temperature");
  if (temperature !== undefined && temperature >= 0) options.temperature = temperature;
  const topP = number("topP", "top_p");
  if (topP !== undefined) options.topP = topP;
  const topK = number("topK", "top_k");
  if (topK !== undefined) options.topK = Math.floor(topK);
  const seed = number("seed");
  if (seed !== undefined) options.seed = Math.floor(seed);
  if (typeof stop === "string" && stop) options.stop = [stop];
  else if (Array.isArray(stop) && stop.every((item) => typeof item === "string")) options.stop = stop as string[];
  return Object.keys(options).length > 0 ? options : undefined;
}
