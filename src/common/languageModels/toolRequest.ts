// A request from VS Code's chat that offers tools (vscode.lm's LanguageModelChatTool, toolMode) or
// sets thinking, as the engine's chatRespond takes it: the whole conversation as the engine's
// messages (assistant tool calls, tool results matched to their calls by id), the tools with their
// input schemas, the tool choice, and the think setting. Pure: the provider
// (src/extension/languageModels/chatModelProvider.ts) turns VS Code's classes into RequestMessages
// and the engine's calls back into LanguageModelToolCallParts.
import type { ConversationMessage, ThinkSetting, ToolCall, ToolChoice, ToolDefinition } from "../chat/toolCalls";
import { thinkLevels } from "../chat/toolCalls";
import type { RequestMessage } from "./requestMessages";
import { partText } from "./requestMessages";

/** A tool as VS Code offers it (LanguageModelChatTool). */
export interface RequestTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema?: object | undefined;
}

/** VS Code's LanguageModelChatToolMode: the model decides, or it must call one of the tools. */
export type RequestToolMode = "auto" | "required";

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The engine's tool definitions for VS Code's tools: the input schema is the parameters schema. */
export function toolDefinitions(tools: readonly RequestTool[]): ToolDefinition[] {
  return tools.map((tool) => ({
    name: tool.name,
    ...(tool.description ? { description: tool.description } : {}),
    ...(isPlainObject(tool.inputSchema) ? { parameters: tool.inputSchema } : {}),
  }));
}

/** The engine's tool choice for VS Code's tool mode: `Required` makes a call to one of the tools, `Auto` lets the model decide. */
export function toolChoiceFor(mode: RequestToolMode, toolCount: number): ToolChoice {
  if (toolCount === 0) return "none";
  return mode === "required" ? "required" : "auto";
}

/**
 * The think setting a caller of vscode.lm asks for in `modelOptions.think` (as Ollama's `think`:
 * true, false, "low", "medium" or "high"); undefined leaves it to the model (a thinking model thinks).
 */
export function thinkSetting(modelOptions: { readonly [name: string]: unknown } | undefined): ThinkSetting | undefined {
  const think = modelOptions?.think;
  if (typeof think === "boolean") return think;
  if (typeof think === "string" && thinkLevels.includes(think)) return think as ThinkSetting;
  return undefined;
}

/**
 * VS Code's messages as the engine's conversation. A user message's tool results become tool
 * messages (named after the call with that id) placed before its text, since a tool result answers
 * the assistant's call just before it; an assistant message's tool calls become its calls, with
 * their ids. Text parts are joined; other parts are named in the text (requestMessages.ts); empty
 * messages are dropped.
 */
export function conversationMessages(messages: readonly RequestMessage[]): ConversationMessage[] {
  const calledTools = new Map<string, string>();
  const conversation: ConversationMessage[] = [];
  for (const message of messages) {
    const text = message.parts
      .filter((part) => part.kind !== "toolCall" && part.kind !== "toolResult")
      .map(partText)
      .join("")
      .trim();
    if (message.role === "assistant") {
      const toolCalls: ToolCall[] = [];
      for (const part of message.parts) {
        if (part.kind !== "toolCall") continue;
        toolCalls.push({ id: part.callId, name: part.name, arguments: isPlainObject(part.input) ? part.input : {} });
        calledTools.set(part.callId, part.name);
      }
      if (toolCalls.length > 0) conversation.push({ role: "assistant", text, toolCalls });
      else if (text) conversation.push({ role: "assistant", text });
      continue;
    }
    for (const part of message.parts) {
      if (part.kind !== "toolResult") continue;
      const toolName = calledTools.get(part.callId);
      conversation.push({ role: "tool", text: part.text, toolCallId: part.callId, ...(toolName ? { toolName } : {}) });
    }
    // A tool call in a user or system message (no model makes one) is read as text.
    const calls = message.parts.filter((part) => part.kind === "toolCall").map(partText);
    const all = [text, ...calls].filter(Boolean).join("\n");
    if (all) conversation.push({ role: message.role === "system" ? "system" : "user", text: all });
  }
  return conversation;
}

