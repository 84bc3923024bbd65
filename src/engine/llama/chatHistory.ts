// A conversation as node-llama-cpp's chat history: the wrapper's opening (with the system prompt)
// and past turns as its user and model items.
import type { ChatHistoryItem, LlamaChatSession } from "node-llama-cpp";
import type { ChatTurn } from "../../common/chat/chatTypes";

export function initialHistory(chat: LlamaChatSession, systemPrompt: string | undefined): ChatHistoryItem[] {
  return chat.chatWrapper.generateInitialChatHistory(systemPrompt === undefined ? {} : { systemPrompt });
}

export function toHistoryItems(turns: ChatTurn[]): ChatHistoryItem[] {
  return turns.map((turn): ChatHistoryItem =>
    turn.role === "user" ? { type: "user", text: turn.text } : { type: "model", response: [turn.text] },
  );
}
