// The chat webview. It knows nothing but the message protocol: it renders what the host sends
// and posts what the user does. User messages and notices are inserted as text. Assistant replies
// are rendered as Markdown by src/common/markdownRender.ts (raw HTML escaped, no images, links
// without href) and the result passes the allow-list walk of sanitizeDom.ts in an inert <template>
// before it is shown, so nothing a model writes can run, load or navigate here. A link click asks
// the host to open the URL (it confirms with the user first). The draft survives the view being hidden.
import { createMarkdownRenderer, isSafeLinkUrl } from "../common/markdownRender";
import type {
  ChatMessageView,
  ChatViewState,
  HostToWebviewMessage,
  WebviewToHostMessage,
} from "../common/webviewProtocol";
import { sanitizeTree } from "./sanitizeDom";

/**
 * Messages the view sends that the protocol does not list yet: until the host handles them, it
 * drops them as unknown (nothing breaks). `openLink`: the user clicked a link in a reply (the host
 * shows the full URL and opens it only if the user confirms). `copy`: a code block's Copy button
 * (the host writes the clipboard, since navigator.clipboard may be blocked in a webview).
 */

interface VsCodeApi {
  postMessage(message: WebviewToHostMessage): void;
  getState(): { draft?: string } | undefined;
  setState(state: { draft?: string }): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let strings: Record<string, string> = {};
let state: ChatViewState = { model: null, busy: false, messages: [] };
const rendered = new Map<string, { body: HTMLElement; footer: HTMLElement; article: HTMLElement }>();
const markdown = createMarkdownRenderer();

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

const app = document.getElementById("app")!;
const header = element("header", { class: "toolbar" });
const modelLabel = element("span", { class: "model", "aria-live": "polite" });
const loadButton = element("button", { class: "secondary", type: "button" });
const newChatButton = element("button", { class: "secondary", type: "button" });
header.append(modelLabel, loadButton, newChatButton);
const list = element("main", { class: "messages", role: "log", "aria-live": "polite" });
const empty = element("p", { class: "empty" });
const form = element("form", { class: "composer" });
const input = element("textarea", { rows: "3", id: "prompt" });
const sendButton = element("button", { type: "submit", class: "primary" });
form.append(input, sendButton);
app.append(header, list, form);

input.value = vscode.getState()?.draft ?? "";
input.addEventListener("input", () => vscode.setState({ draft: input.value }));

function applyStrings(): void {
  input.placeholder = strings.placeholder ?? "";
  input.setAttribute("aria-label", strings.input ?? "");
  list.setAttribute("aria-label", strings.transcript ?? "");
  loadButton.textContent = strings.loadModel ?? "";
  newChatButton.textContent = strings.newChat ?? "";
  empty.textContent = strings.empty ?? "";
}

function renderToolbar(): void {
  modelLabel.textContent = state.model ?? strings.noModel ?? "";
  modelLabel.classList.toggle("missing", state.model === null);
  sendButton.textContent = state.busy ? (strings.stop ?? "") : (strings.send ?? "");
  sendButton.classList.toggle("stop", state.busy);
  newChatButton.disabled = state.messages.length === 0;
}

/** Puts a reply's Markdown into `body`: rendered, parsed inert, allow-listed, then shown. */
function renderMarkdownInto(body: HTMLElement, text: string): void {
  const template = document.createElement("template");
  template.innerHTML = markdown.render(text);
  sanitizeTree(template.content);
  for (const header of Array.from(template.content.querySelectorAll(".code-block > .code-header"))) {
    const copy = element("button", { type: "button", class: "code-copy", "aria-label": strings.copyCode ?? "Copy code" }, strings.copy ?? "Copy");
    header.append(copy);
  }
  body.replaceChildren(template.content);
}

function renderBody(body: HTMLElement, message: ChatMessageView): void {
  if (message.role === "assistant") renderMarkdownInto(body, message.text);
  else body.textContent = message.text;
}

// Streaming: chunks only mark their reply; it is re-rendered at most once per animation frame, and
// less often when rendering gets slow (a long reply), so the view keeps up with any token rate.
const pendingRenders = new Set<string>();
let frameRequested = false;
let nextRenderAt = 0;

function scheduleRender(id: string): void {
  pendingRenders.add(id);
  if (!frameRequested) {
    frameRequested = true;
    requestAnimationFrame(flushRenders);
  }
}

function flushRenders(now: number): void {
  frameRequested = false;
  if (pendingRenders.size === 0) return;
  if (now < nextRenderAt) {
    frameRequested = true;
    requestAnimationFrame(flushRenders);
    return;
  }
  const follow = isNearEnd();
  const started = performance.now();
  for (const id of pendingRenders) {
    const message = state.messages.find((m) => m.id === id);
    const entry = rendered.get(id);
    if (message && entry) renderBody(entry.body, message);
  }
  pendingRenders.clear();
  nextRenderAt = now + Math.min(4 * (performance.now() - started), 400);
  if (follow) scrollToEnd();
}

function renderMessage(message: ChatMessageView): void {
  const existing = rendered.get(message.id);
  if (existing) {
    if (message.streaming && message.role === "assistant") {
      scheduleRender(message.id);
    } else {
      pendingRenders.delete(message.id);
      renderBody(existing.body, message);
    }
    existing.footer.textContent = message.footer ?? "";
    existing.article.classList.toggle("streaming", message.streaming === true);
    return;
  }
  const article = element("article", { class: `message ${message.role}${message.error ? " error" : ""}` });
  if (message.streaming) article.classList.add("streaming");
  if (message.role !== "notice") {
    article.append(element("div", { class: "role" }, message.role === "user" ? (strings.you ?? "") : (strings.assistant ?? "")));
  } else {
    article.setAttribute("role", message.error ? "alert" : "status");
  }
  const body = element("div", { class: message.role === "assistant" ? "body markdown" : "body" });
  renderBody(body, message);
  const footer = element("div", { class: "footer" }, message.footer ?? "");
  article.append(body, footer);
  list.append(article);
  rendered.set(message.id, { body, footer, article });
}

function renderAll(): void {
  rendered.clear();
  list.replaceChildren();
  if (state.messages.length === 0) list.append(empty);
  for (const message of state.messages) renderMessage(message);
  renderToolbar();
  scrollToEnd();
}

function scrollToEnd(): void {
  list.scrollTop = list.scrollHeight;
}

/** Whether the transcript is scrolled to (about) its end, so a growing reply should keep it there. */
function isNearEnd(): boolean {
  return list.scrollHeight - list.scrollTop - list.clientHeight < 48;
}

/** A link in a reply: the host opens it after the user confirms the full URL. */
function openLink(link: Element): void {
  const url = link.getAttribute("data-href");
  if (url && isSafeLinkUrl(url)) vscode.postMessage({ type: "openLink", url });
}

function copyCode(button: HTMLButtonElement): void {
  const text = button.closest(".code-block")?.querySelector("pre code")?.textContent ?? "";
  // The host writes the clipboard too: navigator.clipboard may be blocked in a webview.
  vscode.postMessage({ type: "copy", text });
  void navigator.clipboard?.writeText(text).catch(() => undefined);
  button.textContent = strings.copied ?? "Copied";
  setTimeout(() => {
    button.textContent = strings.copy ?? "Copy";
  }, 1500);
}

list.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const link = target?.closest(".body.markdown a");
  if (link) {
    event.preventDefault();
    openLink(link);
    return;
  }
  const copy = target?.closest<HTMLButtonElement>("button.code-copy");
  if (copy) copyCode(copy);
});
list.addEventListener("keydown", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const link = target?.closest(".body.markdown a");
  if (link && event.key === "Enter") {
    event.preventDefault();
    openLink(link);
  }
});

function submit(): void {
  if (state.busy) {
    vscode.postMessage({ type: "stop" });
    return;
  }
  const text = input.value;
  if (!text.trim()) return;
  vscode.postMessage({ type: "send", text });
  input.value = "";
  vscode.setState({ draft: "" });
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submit();
  } else if (event.key === "Escape" && state.busy) {
    event.preventDefault();
    vscode.postMessage({ type: "stop" });
  }
});
loadButton.addEventListener("click", () => vscode.postMessage({ type: "loadModel" }));
newChatButton.addEventListener("click", () => vscode.postMessage({ type: "newChat" }));

window.addEventListener("message", (event: MessageEvent<HostToWebviewMessage>) => {
  const message = event.data;
  switch (message.type) {
    case "state":
      state = message.state;
      strings = message.strings;
      applyStrings();
      renderAll();
      break;
    case "append":
      if (state.messages.length === 0) empty.remove();
      state.messages.push(message.message);
      renderMessage(message.message);
      renderToolbar();
      scrollToEnd();
      break;
    case "chunk": {
      const target = state.messages.find((m) => m.id === message.id);
      if (target) {
        target.text += message.text;
        renderMessage(target);
      }
      break;
    }
    case "update": {
      const index = state.messages.findIndex((m) => m.id === message.message.id);
      if (index >= 0) state.messages[index] = message.message;
      renderMessage(message.message);
      break;
    }
    case "busy":
      state.busy = message.busy;
      renderToolbar();
      if (!message.busy) input.focus();
      break;
    case "model":
      state.model = message.model;
      renderToolbar();
      break;
  }
});

applyStrings();
renderAll();
vscode.postMessage({ type: "ready" });
