// Conversations as the chat keeps them: several per workspace, each with a title, its messages
// and when it last changed. Pure data and rules (titles, search, what is saved, how saved data is
// read back); src/extension/chat/chatSessionStore.ts puts them on disk.
import type { ChatAttachmentView, ChatMessageView, ToolCardView } from "../webviewProtocol";
import type { ConversationMessage } from "./toolCalls";

export interface ChatSession {
  id: string;
  title: string;
  /** True once the user renamed it: a later message no longer changes the title. */
  titleFixed?: boolean;
  /** Agent mode is on for this conversation (off unless the user turned it on). */
  agent?: boolean;
  createdAt: number;
  updatedAt: number;
  messages: ChatMessageView[];
}

export interface ChatSessionSummary {
  id: string;
  title: string;
  updatedAt: number;
  messageCount: number;
  /** For a search: the start of the first message that matched, else absent. */
  match?: string;
}

/** Messages kept per conversation (the oldest go first); a conversation this long is rare. */
export const maxSavedMessages = 1_000;
/** Conversations kept per workspace (the least recently used go first). */
export const maxSessions = 200;
export const maxTitleLength = 80;

export function newSessionId(now: number, random: () => number = Math.random): string {
  return `${now.toString(36)}-${Math.floor(random() * 36 ** 6).toString(36).padStart(6, "0")}`;
}

/** A title from the first thing the user asked: its first line, shortened at a word. */
export function titleFromText(text: string): string {
  const line = text
    .split(/\r?\n/)
    .map((part) => part.trim())
    .find((part) => part.length > 0) ?? "";
  const clean = line.replace(/\s+/g, " ").replace(/^[#>*\-\s]+/, "");
  if (clean.length <= maxTitleLength) return clean;
  const cut = clean.slice(0, maxTitleLength - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > maxTitleLength / 2 ? cut.slice(0, space) : cut}…`;
}

/** The title a conversation shows: the user's name for it, else its first question. */
export function sessionTitle(session: ChatSession, untitled: string): string {
  if (session.titleFixed && session.title) return session.title;
  const first = session.messages.find((message) => message.role === "user");
  return (first ? titleFromText(first.text) : session.title) || untitled;
}

export function summarize(session: ChatSession, untitled: string): ChatSessionSummary {
  return {
    id: session.id,
    title: sessionTitle(session, untitled),
    updatedAt: session.updatedAt,
    messageCount: session.messages.filter((message) => message.role !== "notice").length,
  };
}

/**
 * Conversations whose title or messages contain every word of `query` (case-insensitive), the most
 * recent first; an empty query lists them all.
 */
export function searchSessions(sessions: readonly ChatSession[], query: string, untitled: string): ChatSessionSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const sorted = [...sessions].sort((a, b) => b.updatedAt - a.updatedAt);
  if (words.length === 0) return sorted.map((session) => summarize(session, untitled));
  const found: ChatSessionSummary[] = [];
  for (const session of sorted) {
    const summary = summarize(session, untitled);
    const haystacks = [summary.title, ...session.messages.map((message) => message.text)].map((text) => text.toLowerCase());
    if (!words.every((word) => haystacks.some((text) => text.includes(word)))) continue;
    const hit = session.messages.find((message) => words.some((word) => message.text.toLowerCase().includes(word)));
    if (hit) summary.match = excerptAround(hit.text, words);
    found.push(summary);
  }
  return found;
}

function excerptAround(text: string, words: readonly string[]): string {
  const lower = text.toLowerCase();
  const at = Math.min(...words.map((word) => lower.indexOf(word)).filter((index) => index >= 0));
  const start = Math.max(0, at - 30);
  const excerpt = text.slice(start, start + 100).replace(/\s+/g, " ").trim();
  return `${start > 0 ? "…" : ""}${excerpt}${start + 100 < text.length ? "…" : ""}`;
}

/** What the view gets of a message: never the host-only prompt text. */
export function messageForView(message: ChatMessageView): ChatMessageView {
  const { prompt: _, ...view } = message;
  return view;
}

/** What is written to disk: finished messages only (a reply cut by a reload is kept as it stood). */
export function sessionForSaving(session: ChatSession): ChatSession {
  return {
    ...session,
    messages: session.messages.slice(-maxSavedMessages).map((message) => ({ ...message, streaming: false })),
  };
}

/** Reads a saved conversation back; anything malformed is dropped, never trusted. */
export function parseSavedSession(value: unknown): ChatSession | null {
  if (!isRecord(value)) return null;
  const { id, title, createdAt, updatedAt, messages, titleFixed, agent } = value;
  if (typeof id !== "string" || !/^[\w-]{1,64}$/.test(id)) return null;
  if (!Array.isArray(messages)) return null;
  const parsed = messages.map(parseSavedMessage).filter((message): message is ChatMessageView => message !== null);
  return {
    id,
    title: typeof title === "string" ? title.slice(0, maxTitleLength * 2) : "",
    ...(titleFixed === true ? { titleFixed: true } : {}),
    ...(agent === true ? { agent: true } : {}),
    createdAt: typeof createdAt === "number" && Number.isFinite(createdAt) ? createdAt : 0,
    updatedAt: typeof updatedAt === "number" && Number.isFinite(updatedAt) ? updatedAt : 0,
    messages: parsed,
  };
}

function parseSavedMessage(value: unknown): ChatMessageView | null {
  if (!isRecord(value)) return null;
  const { id, role, text, footer, error, attachments, prompt, thinking, tools } = value;
  if (typeof id !== "string" || typeof text !== "string") return null;
  if (role !== "user" && role !== "assistant" && role !== "notice") return null;
  const message: ChatMessageView = { id, role, text };
  if (typeof footer === "string") message.footer = footer;
  if (typeof prompt === "string" && role === "user") message.prompt = prompt;
  if (error === true) message.error = true;
  if (typeof thinking === "string" && thinking !== "" && role === "assistant") message.thinking = thinking;
  if (Array.isArray(tools) && role === "assistant") {
    const cards = tools.map(parseToolCard).filter((card): card is ToolCardView => card !== null);
    if (cards.length > 0) message.tools = cards;
  }
  if (Array.isArray(attachments)) {
    const views = attachments.map(parseAttachmentView).filter((view): view is ChatAttachmentView => view !== null);
    if (views.length > 0) message.attachments = views;
  }
  return message;
}

function parseAttachmentView(value: unknown): ChatAttachmentView | null {
  if (!isRecord(value)) return null;
  const { id, label, kind, tokens, approximate, detail } = value;
  if (typeof id !== "string" || typeof label !== "string") return null;
  if (kind !== "selection" && kind !== "file" && kind !== "workspace") return null;
  return {
    id,
    label,
    kind,
    tokens: typeof tokens === "number" && Number.isFinite(tokens) ? tokens : 0,
    ...(approximate === true ? { approximate: true } : {}),
    ...(typeof detail === "string" ? { detail } : {}),
  };
}

const cardStates: ReadonlyArray<ToolCardView["state"]> = ["running", "waiting", "done", "refused", "declined", "failed"];

function parseToolCard(value: unknown): ToolCardView | null {
  if (!isRecord(value)) return null;
  const { id, tool, arguments: args, state, resultChars, detail } = value;
  if (typeof id !== "string" || typeof tool !== "string" || typeof args !== "string") return null;
  if (!cardStates.includes(state as ToolCardView["state"])) return null;
  // A call saved while it ran (the window closed) did not finish.
  const saved = state === "running" || state === "waiting" ? "failed" : (state as ToolCardView["state"]);
  return {
    id,
    tool,
    arguments: args,
    state: saved,
    ...(typeof resultChars === "number" && Number.isFinite(resultChars) ? { resultChars } : {}),
    ...(typeof detail === "string" ? { detail } : {}),
  };
}

/**
 * A transcript as a conversation for the engine's chatRespond: each user message (with the prompt
 * its attachments made) and the answer after it, with that answer's thinking (the engine feeds
 * thinking back only where the model's template asks for it). As `historyOf`, notices never reach
 * the model and a question whose answer was lost is left out; the last message, when it is a
 * question, is kept (the one to answer).
 */
export function conversationOf(messages: readonly ChatMessageView[]): ConversationMessage[] {
  const conversation: ConversationMessage[] = [];
  const spoken = messages.filter((message) => message.role !== "notice");
  for (let i = 0; i < spoken.length; i++) {
    const message = spoken[i]!;
    if (message.role !== "user") continue;
    const next = spoken[i + 1];
    if (next?.role === "assistant" && next.text) {
      conversation.push(
        { role: "user", text: message.prompt ?? message.text },
        { role: "assistant", text: next.text, ...(next.thinking ? { thinking: next.thinking } : {}) },
      );
      i++;
    } else if (i === spoken.length - 1) {
      conversation.push({ role: "user", text: message.prompt ?? message.text });
    }
  }
  return conversation;
}

/** The least recently used conversations beyond `maxSessions`, to delete. */
export function sessionsToEvict(sessions: readonly ChatSession[]): ChatSession[] {
  if (sessions.length <= maxSessions) return [];
  return [...sessions].sort((a, b) => b.updatedAt - a.updatedAt).slice(maxSessions);
}

/**
 * The exchanges the model should see from a transcript: each user message with the answer that
 * followed it (notices are the view's own and never reach the model). A question whose answer was
 * lost or empty is left out.
 */
export function historyOf(messages: readonly ChatMessageView[]): Array<{ role: "user" | "assistant"; text: string }> {
  const history: Array<{ role: "user" | "assistant"; text: string }> = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role !== "user") continue;
    let j = i + 1;
    while (j < messages.length && messages[j]!.role === "notice") j++;
    const next = messages[j];
    if (next?.role === "assistant" && next.text) {
      history.push({ role: "user", text: message.prompt ?? message.text }, { role: "assistant", text: next.text });
      i = j;
    }
  }
  return history;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
