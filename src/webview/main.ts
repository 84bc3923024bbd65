// The chat webview. It knows nothing but the message protocol: it renders what the host sends
// and posts what the user does. Text is always inserted as text (never as HTML), so nothing a
// model writes can run here. The draft survives the view being hidden.
import type {
  ChatMessageView,
  ChatViewState,
  HostToWebviewMessage,
  WebviewToHostMessage,
} from "../common/webviewProtocol";

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

function renderMessage(message: ChatMessageView): void {
  const existing = rendered.get(message.id);
  if (existing) {
    existing.body.textContent = message.text;
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
  const body = element("div", { class: "body" }, message.text);
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
        scrollToEnd();
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
