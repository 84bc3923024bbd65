// The one protocol between the chat webview and the extension host. The webview sends `ready`
// before the host posts anything; every message from the webview is checked by
// `parseWebviewMessage` and unknown ones are dropped.
import { isSafeLinkUrl } from "./markdownRender";

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
}

export interface ChatViewState {
  model: string | null;
  busy: boolean;
  messages: ChatMessageView[];
}

export type WebviewToHostMessage =
  | { type: "ready" }
  | { type: "send"; text: string }
  | { type: "stop" }
  | { type: "newChat" }
  | { type: "loadModel" }
  /** A link in a reply was clicked: the host asks the user, showing the full URL, before opening it. */
  | { type: "openLink"; url: string }
  /** A code block's Copy button (the webview's own clipboard access may be blocked). */
  | { type: "copy"; text: string };

export type HostToWebviewMessage =
  | { type: "state"; state: ChatViewState; strings: Record<string, string> }
  | { type: "append"; message: ChatMessageView }
  | { type: "chunk"; id: string; text: string }
  | { type: "update"; message: ChatMessageView }
  | { type: "busy"; busy: boolean }
  | { type: "model"; model: string | null };

/** The longest prompt the view accepts in one message (characters). */
export const maxPromptLength = 200_000;
/** The longest URL and the longest text the host accepts from the view. */
export const maxLinkLength = 8_192;
export const maxCopyLength = 1_000_000;

export function parseWebviewMessage(value: unknown): WebviewToHostMessage | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case "ready":
    case "stop":
    case "newChat":
    case "loadModel":
      return { type: message.type };
    case "send":
      return typeof message.text === "string" && message.text.trim().length > 0 && message.text.length <= maxPromptLength
        ? { type: "send", text: message.text }
        : null;
    case "openLink":
      return typeof message.url === "string" && message.url.length <= maxLinkLength && isSafeLinkUrl(message.url)
        ? { type: "openLink", url: message.url }
        : null;
    case "copy":
      return typeof message.text === "string" && message.text.length <= maxCopyLength
        ? { type: "copy", text: message.text }
        : null;
    default:
      return null;
  }
}
