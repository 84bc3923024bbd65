// The one protocol between the chat webview and the extension host. The webview sends `ready`
// before the host posts anything; every message from the webview is checked by
// `parseWebviewMessage` and unknown ones are dropped.
import { isSafeLinkUrl, parseCitation } from "./chat/markdownRender";

/** Context attached to a question, as the view shows it (a chip); the content stays in the host. */
export interface ChatAttachmentView {
  id: string;
  kind: "selection" | "file" | "workspace";
  /** E.g. "main.ts:10-24" or "@workspace". */
  label: string;
  /** Tokens it adds to the prompt, counted with the model's tokenizer (estimated without a model). */
  tokens: number;
  /** True when `tokens` is an estimate (no model loaded to count with). */
  approximate?: boolean;
  /** Full path or what was left out, for the tooltip. */
  detail?: string;
}

/** A tool call agent mode made, as its card shows it (common/agent/agentLoop.ts). */
export interface ToolCardView {
  /** The call's id. */
  id: string;
  tool: string;
  /** The arguments as compact JSON, shortened. */
  arguments: string;
  /** running; waiting for the user's confirmation; done; refused by Hearth; declined by the user; failed. */
  state: "running" | "waiting" | "done" | "refused" | "declined" | "failed";
  /** Characters of the result (before it was cut for the model). */
  resultChars?: number;
  /** Why it was refused or failed. */
  detail?: string;
}

export interface ChatMessageView {
  id: string;
  role: "user" | "assistant" | "notice";
  text: string;
  /** For answers: the model, speed and how the answer ended. */
  footer?: string;
  /** True while the answer is still streaming. */
  streaming?: boolean;
  /** True for notices that report a failure. */
  error?: boolean;
  /** For questions: what was attached to them. */
  attachments?: ChatAttachmentView[];
  /** For questions with attachments: the text the model was given (host only, never sent to the view). */
  prompt?: string;
  /** For answers of a thinking model: its thinking, shown in a collapsible block above the answer. */
  thinking?: string;
  /** For answers in agent mode: the tool calls made, in order. */
  tools?: ToolCardView[];
}

export interface ChatSessionListItem {
  id: string;
  title: string;
  updatedAt: number;
  messageCount: number;
  match?: string;
}

export interface ChatViewState {
  model: string | null;
  /** With no model loaded: the one the next message will load (the last used, or the setting). */
  nextModel?: string | null;
  busy: boolean;
  messages: ChatMessageView[];
  sessionId: string;
  sessionTitle: string;
  /** Attached to the next question. */
  attachments: ChatAttachmentView[];
  /** Agent mode for this conversation: the model may call workspace tools. */
  agent: boolean;
}

export type CodeAction = "insert" | "apply" | "newFile";

export type WebviewToHostMessage =
  | { type: "ready" }
  | { type: "send"; text: string }
  | { type: "stop" }
  | { type: "newChat" }
  /** The model picker (installed models and profiles). */
  | { type: "loadModel" }
  /** A link in a reply was clicked: the host asks the user, showing the full URL, before opening it. */
  | { type: "openLink"; url: string }
  /** A `path:line` citation in a reply was clicked: the host opens the workspace file at those lines. */
  | { type: "openCitation"; cite: string }
  /** A Copy button (the webview's own clipboard access may be blocked). */
  | { type: "copy"; text: string }
  /** Answer the last question again. */
  | { type: "regenerate" }
  /** Replace the last question with `text` and answer it. */
  | { type: "editLast"; text: string }
  /** A code block's Insert at Cursor / Apply to File / New File. */
  | { type: "code"; action: CodeAction; code: string; language: string }
  /** Attach context: a kind directly, or "pick" for a quick pick of them. */
  | { type: "attach"; kind: "selection" | "file" | "openEditors" | "workspace" | "pick" }
  | { type: "detach"; id: string }
  /** The history list: conversations matching `query` (all when empty). */
  | { type: "listSessions"; query: string }
  | { type: "openSession"; id: string }
  | { type: "deleteSession"; id: string }
  | { type: "renameSession"; id: string }
  /** The composer's autocomplete after `#file:` / `#folder:`: workspace paths matching `query`. */
  | { type: "completePaths"; id: string; kind: "file" | "folder"; query: string }
  /** The Agent toggle: agent mode on or off for this conversation. */
  | { type: "setAgent"; on: boolean }
  /**
   * The user is typing a message (sent at most every composingHintMs while they type): the host
   * asks the engine to start no indexing work meanwhile, so the message finds the model free.
   */
  | { type: "composing" };

/** How often the view says the user is typing; the engine's hold lasts composingHoldMs from each. */
export const composingHintMs = 2_000;
export const composingHoldMs = 8_000;

export type HostToWebviewMessage =
  | { type: "state"; state: ChatViewState; strings: Record<string, string> }
  | { type: "append"; message: ChatMessageView }
  | { type: "chunk"; id: string; text: string }
  /** More of an answer's thinking. */
  | { type: "thinking"; id: string; text: string }
  | { type: "update"; message: ChatMessageView }
  | { type: "busy"; busy: boolean }
  | { type: "model"; model: string | null; nextModel?: string | null }
  | { type: "attachments"; attachments: ChatAttachmentView[] }
  | { type: "sessions"; query: string; sessions: ChatSessionListItem[] }
  /** Move the keyboard focus to the composer (after Ask About Selection). */
  | { type: "focusComposer" }
  /** Open the history list (the view's title-bar button). */
  | { type: "showHistory" }
  /** The answer to `completePaths` with that id: workspace-relative paths, best first. */
  | { type: "pathCompletions"; id: string; kind: "file" | "folder"; paths: string[] }
  /** A message the host did not send (a `#file` it could not attach): back into the composer to fix (`editing`: as an edit of the last message). */
  | { type: "restoreDraft"; text: string; editing?: boolean };

/** The longest prompt the view accepts in one message (characters). */
export const maxPromptLength = 200_000;
/** The longest URL and the longest text the host accepts from the view. */
export const maxLinkLength = 8_192;
export const maxCopyLength = 1_000_000;
export const maxQueryLength = 500;
const maxIdLength = 100;
const maxLanguageLength = 40;

function isId(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= maxIdLength && /^[\w-]+$/.test(value);
}

function isPrompt(value: unknown): value is string {
  return typeof value === "string" && value.trim().length > 0 && value.length <= maxPromptLength;
}

export function parseWebviewMessage(value: unknown): WebviewToHostMessage | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case "ready":
    case "stop":
    case "newChat":
    case "loadModel":
    case "regenerate":
    case "composing":
      return { type: message.type };
    case "send":
    case "editLast":
      return isPrompt(message.text) ? { type: message.type, text: message.text } : null;
    case "openLink":
      return typeof message.url === "string" && message.url.length <= maxLinkLength && isSafeLinkUrl(message.url)
        ? { type: "openLink", url: message.url }
        : null;
    case "openCitation":
      return typeof message.cite === "string" && parseCitation(message.cite) !== null ? { type: "openCitation", cite: message.cite } : null;
    case "copy":
      return typeof message.text === "string" && message.text.length <= maxCopyLength
        ? { type: "copy", text: message.text }
        : null;
    case "code": {
      const { action, code, language } = message;
      if (action !== "insert" && action !== "apply" && action !== "newFile") return null;
      if (typeof code !== "string" || code.length > maxCopyLength) return null;
      if (typeof language !== "string" || language.length > maxLanguageLength || !/^[\w+#.-]*$/.test(language)) return null;
      return { type: "code", action, code, language };
    }
    case "attach": {
      const kind = message.kind;
      return kind === "selection" || kind === "file" || kind === "openEditors" || kind === "workspace" || kind === "pick"
        ? { type: "attach", kind }
        : null;
    }
    case "detach":
    case "openSession":
    case "deleteSession":
    case "renameSession":
      return isId(message.id) ? { type: message.type, id: message.id } : null;
    case "listSessions":
      return typeof message.query === "string" && message.query.length <= maxQueryLength
        ? { type: "listSessions", query: message.query }
        : null;
    case "setAgent":
      return typeof message.on === "boolean" ? { type: "setAgent", on: message.on } : null;
    case "completePaths":
      return isId(message.id) && (message.kind === "file" || message.kind === "folder") && typeof message.query === "string" && message.query.length <= maxQueryLength
        ? { type: "completePaths", id: message.id, kind: message.kind, query: message.query }
        : null;
    default:
      return null;
  }
}
