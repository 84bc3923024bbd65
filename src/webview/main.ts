// The chat webview. It knows nothing but the message protocol: it renders what the host sends
// and posts what the user does. User messages and notices are inserted as text. Assistant replies
// are rendered as Markdown by src/common/chat/markdownRender.ts (raw HTML escaped, no images, links
// without href) and the result passes the allow-list walk of sanitizeDom.ts in an inert <template>
// before it is shown, so nothing a model writes can run, load or navigate here. A link click asks
// the host to open the URL (it confirms with the user first). The draft survives the view being hidden.
import { createMarkdownRenderer, isSafeLinkUrl, parseCitation } from "../common/chat/markdownRender";
import type {
  ChatAttachmentView,
  ChatMessageView,
  ChatSessionListItem,
  ChatViewState,
  CodeAction,
  HostToWebviewMessage,
  ToolCardView,
  WebviewToHostMessage,
} from "../common/webviewProtocol";
import { composingHintMs } from "../common/webviewProtocol";
import { element } from "./dom";
import { PathSuggestions } from "./pathSuggestions";
import { sanitizeTree } from "./sanitizeDom";

interface SavedViewState {
  draft?: string;
  editing?: boolean;
}

interface VsCodeApi {
  postMessage(message: WebviewToHostMessage): void;
  getState(): SavedViewState | undefined;
  setState(state: SavedViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let strings: Record<string, string> = {};
let state: ChatViewState = { model: null, busy: false, messages: [], sessionId: "", sessionTitle: "", attachments: [], agent: false };
let editing = vscode.getState()?.editing === true;
interface RenderedMessage {
  body: HTMLElement;
  footer: HTMLElement;
  article: HTMLElement;
  actions: HTMLElement;
  /** An answer's Thinking block (hidden while it has none) and its text. */
  thinking?: HTMLDetailsElement;
  thinkingLabel?: HTMLElement;
  thinkingBody?: HTMLElement;
  /** True once the user opened or closed the Thinking block: it is no longer opened or closed for them. */
  thinkingToggled?: boolean;
  /** An answer's tool cards (agent mode). */
  cards?: HTMLElement;
}
const rendered = new Map<string, RenderedMessage>();
const markdown = createMarkdownRenderer();

function format(template: string | undefined, ...values: Array<string | number>): string {
  return (template ?? "").replace(/\{(\d+)\}/g, (match, index: string) => String(values[Number(index)] ?? match));
}

// ── Layout ──────────────────────────────────────────────────────────────────────────────────

const app = document.getElementById("app")!;
const header = element("header", { class: "toolbar" });
const modelButton = element("button", { class: "model", type: "button", id: "model-picker" });
const sessionLabel = element("span", { class: "session-title" });
const historyButton = element("button", { class: "secondary compact", type: "button", id: "history-button", "aria-haspopup": "dialog" });
const newChatButton = element("button", { class: "secondary compact", type: "button", id: "new-chat" });
header.append(modelButton, sessionLabel, historyButton, newChatButton);

const list = element("main", { class: "messages", role: "log", "aria-live": "polite" });
const empty = element("p", { class: "empty" });

const historyPanel = element("section", { class: "history", role: "dialog", hidden: "", id: "history" });
const historyHeader = element("div", { class: "history-header" });
const historyTitle = element("h2", { id: "history-title" });
const historyClose = element("button", { type: "button", class: "secondary", id: "history-close" });
historyHeader.append(historyTitle, historyClose);
const historySearch = element("input", { type: "search", id: "history-search", autocomplete: "off" });
const historyList = element("ul", { class: "history-list", id: "history-list" });
historyPanel.append(historyHeader, historySearch, historyList);
historyPanel.setAttribute("aria-labelledby", "history-title");

// Not a <form>: the webview has no allow-forms permission, so a form submission would be blocked.
const form = element("div", { class: "composer" });
const editBanner = element("div", { class: "edit-banner", hidden: "" });
const editBannerText = element("span");
const editCancel = element("button", { type: "button", class: "link-button" });
editBanner.append(editBannerText, editCancel);
const chips = element("div", { class: "chips", id: "attachments" });
const input = element("textarea", {
  rows: "3",
  id: "prompt",
  role: "combobox",
  "aria-autocomplete": "list",
  "aria-controls": "path-suggestions",
  "aria-expanded": "false",
});
// The `#file:`/`#folder:` suggestions, above the composer's text.
const suggestions = element("ul", { class: "suggestions", id: "path-suggestions", role: "listbox", hidden: "" });
const row = element("div", { class: "composer-row" });
const attachButton = element("button", { type: "button", class: "secondary", id: "attach" });
// Agent mode, per conversation: a toggle button (aria-pressed), named by its visible label.
const agentButton = element("button", { type: "button", class: "secondary toggle", id: "agent-toggle", "aria-pressed": "false" });
const sendButton = element("button", { type: "button", class: "primary", id: "send" });
row.append(attachButton, agentButton, sendButton);
form.append(editBanner, chips, suggestions, input, row);
app.append(header, list, historyPanel, form);

input.value = vscode.getState()?.draft ?? "";
function saveViewState(): void {
  vscode.setState({ draft: input.value, editing });
}
input.addEventListener("input", saveViewState);
// While the user types a message, the engine keeps indexing from starting an embedding the message
// would then wait for (one that runs cannot be interrupted).
let lastComposingHint = -Infinity;
input.addEventListener("input", () => {
  const now = performance.now();
  if (input.value.trim() === "" || now - lastComposingHint < composingHintMs) return;
  lastComposingHint = now;
  vscode.postMessage({ type: "composing" });
});

const pathSuggestions = new PathSuggestions(input, suggestions, {
  strings: () => strings,
  requestPaths: (id, kind, query) => vscode.postMessage({ type: "completePaths", id, kind, query }),
  onPicked: saveViewState,
});

function applyStrings(): void {
  input.setAttribute("aria-label", strings.input ?? "");
  list.setAttribute("aria-label", strings.transcript ?? "");
  modelButton.title = strings.modelTitle ?? "";
  historyButton.textContent = strings.history ?? "";
  historyButton.title = strings.historyTitle ?? "";
  newChatButton.textContent = "+";
  newChatButton.title = strings.newChat ?? "";
  newChatButton.setAttribute("aria-label", strings.newChat ?? "");
  empty.textContent = strings.empty ?? "";
  historyTitle.textContent = strings.historyTitle ?? "";
  historyClose.textContent = strings.close ?? "";
  historySearch.placeholder = strings.search ?? "";
  historySearch.setAttribute("aria-label", strings.search ?? "");
  editBannerText.textContent = strings.editing ?? "";
  editCancel.textContent = strings.cancelEdit ?? "";
  // Named "Attach context", as it reads (the + is decoration); the title says what can be attached.
  attachButton.replaceChildren(element("span", { "aria-hidden": "true" }, "+ "), strings.attach ?? "");
  attachButton.title = strings.attachTitle ?? "";
  suggestions.setAttribute("aria-label", strings.suggestions ?? "");
  agentButton.textContent = strings.agent ?? "";
}

function renderToolbar(): void {
  modelButton.textContent = state.model ?? (state.nextModel ? format(strings.nextModel, state.nextModel) : (strings.noModel ?? ""));
  modelButton.classList.toggle("missing", state.model === null);
  // Named after the model that answers now (or the one that loads when you send), kept in step as it changes.
  const answering = state.model ?? state.nextModel ?? null;
  input.placeholder = answering === null ? (strings.placeholderNoModel ?? "") : format(strings.placeholder, answering);
  sessionLabel.textContent = state.messages.length > 0 ? state.sessionTitle : "";
  sessionLabel.title = state.sessionTitle;
  sendButton.textContent = state.busy ? (strings.stop ?? "") : (strings.send ?? "");
  sendButton.classList.toggle("stop", state.busy);
  newChatButton.disabled = state.messages.length === 0;
  agentButton.setAttribute("aria-pressed", state.agent ? "true" : "false");
  agentButton.classList.toggle("on", state.agent);
  agentButton.title = state.agent ? (strings.agentOnTitle ?? "") : (strings.agentOffTitle ?? "");
  editBanner.hidden = !editing;
  renderActions();
}

function renderChips(): void {
  chips.replaceChildren();
  chips.hidden = state.attachments.length === 0;
  for (const attachment of state.attachments) chips.append(chip(attachment, true));
}

function chip(attachment: ChatAttachmentView, removable: boolean): HTMLElement {
  const item = element("span", { class: `chip ${attachment.kind}`, title: attachment.detail ?? attachment.label });
  const count = format(attachment.approximate ? strings.approxTokens : strings.tokens, attachment.tokens.toLocaleString());
  item.append(element("span", { class: "chip-label" }, attachment.label), element("span", { class: "chip-tokens" }, count));
  if (removable) {
    const remove = element("button", { type: "button", class: "chip-remove", "aria-label": format(strings.detach, attachment.label), "data-id": attachment.id }, "×");
    item.append(remove);
  }
  return item;
}

// ── Messages ────────────────────────────────────────────────────────────────────────────────

const codeActions: Array<{ action: CodeAction | "copy"; label: string; title: string }> = [];

/** Puts a reply's Markdown into `body`: rendered, parsed inert, allow-listed, then shown. */
function renderMarkdownInto(body: HTMLElement, text: string, streaming: boolean): void {
  const template = document.createElement("template");
  template.innerHTML = markdown.render(text);
  sanitizeTree(template.content);
  for (const codeHeader of Array.from(template.content.querySelectorAll(".code-block > .code-header"))) {
    const buttons = element("span", { class: "code-actions" });
    for (const { action, label, title } of codeActions) {
      // Insert/Apply/New File wait for the block to be complete; Copy works while it streams.
      if (streaming && action !== "copy") continue;
      // Named by its visible label (voice control says what it sees); the title describes it.
      buttons.append(element("button", { type: "button", class: `code-${action === "copy" ? "copy" : "action"}`, "data-action": action, title }, label));
    }
    codeHeader.append(buttons);
  }
  body.replaceChildren(template.content);
}

function renderBody(body: HTMLElement, message: ChatMessageView): void {
  if (message.role === "assistant") renderMarkdownInto(body, message.text, message.streaming === true);
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

/** An answer's Thinking block: shown once there is thinking, open while only thinking streams, closed once the answer starts. */
function renderThinking(entry: RenderedMessage, message: ChatMessageView): void {
  if (!entry.thinking || !entry.thinkingBody || !entry.thinkingLabel) return;
  const thinking = message.thinking ?? "";
  entry.thinking.hidden = thinking === "";
  if (entry.thinkingBody.textContent !== thinking) entry.thinkingBody.textContent = thinking;
  const thinkingNow = message.streaming === true && message.text === "" && (message.tools ?? []).length === 0;
  entry.thinkingLabel.textContent = thinkingNow ? (strings.thinkingNow ?? "") : (strings.thinking ?? "");
  if (!entry.thinkingToggled) entry.thinking.open = thinkingNow;
}

function cardStateLabel(card: ToolCardView): string {
  return strings[`tool_${card.state}`] ?? card.state;
}

/** An answer's tool cards: the tool, its arguments, its state and the size of its result. */
function renderCards(entry: RenderedMessage, message: ChatMessageView): void {
  if (!entry.cards) return;
  const cards = message.tools ?? [];
  entry.cards.hidden = cards.length === 0;
  entry.cards.replaceChildren(
    ...cards.map((card) => {
      const item = element("li", { class: `tool-card ${card.state}`, "data-tool": card.tool, "data-state": card.state });
      const head = element("div", { class: "tool-head" });
      head.append(element("span", { class: "tool-name" }, card.tool), element("span", { class: "tool-state" }, cardStateLabel(card)));
      if (card.resultChars !== undefined) head.append(element("span", { class: "tool-size" }, format(strings.resultChars, card.resultChars.toLocaleString())));
      item.append(head, element("code", { class: "tool-args" }, card.arguments));
      if (card.detail) item.append(element("div", { class: "tool-detail" }, card.detail));
      item.setAttribute("aria-label", `${card.tool}: ${cardStateLabel(card)}`);
      return item;
    }),
  );
}

function renderMessage(message: ChatMessageView): void {
  const existing = rendered.get(message.id);
  if (existing) {
    renderThinking(existing, message);
    renderCards(existing, message);
    if (message.streaming && message.role === "assistant") {
      scheduleRender(message.id);
    } else {
      pendingRenders.delete(message.id);
      renderBody(existing.body, message);
    }
    existing.footer.textContent = message.footer ?? "";
    existing.article.classList.toggle("streaming", message.streaming === true);
    existing.article.setAttribute("aria-busy", message.streaming ? "true" : "false");
    return;
  }
  const article = element("article", { class: `message ${message.role}${message.error ? " error" : ""}`, "data-id": message.id });
  if (message.streaming) {
    article.classList.add("streaming");
    article.setAttribute("aria-busy", "true");
  }
  if (message.role !== "notice") {
    article.append(element("div", { class: "role" }, message.role === "user" ? (strings.you ?? "") : (strings.assistant ?? "")));
  } else {
    article.setAttribute("role", message.error ? "alert" : "status");
  }
  if (message.attachments?.length) {
    const attached = element("div", { class: "chips attached" });
    for (const attachment of message.attachments) attached.append(chip(attachment, false));
    article.append(attached);
  }
  const body = element("div", { class: message.role === "assistant" ? "body markdown" : "body" });
  renderBody(body, message);
  const footer = element("div", { class: "footer" }, message.footer ?? "");
  const actions = element("div", { class: "message-actions" });
  const entry: RenderedMessage = { body, footer, article, actions };
  if (message.role === "assistant") {
    // <details>/<summary>: a disclosure that keyboard and screen readers know, named by its visible label.
    const thinking = element("details", { class: "thinking" });
    const summary = element("summary", { class: "thinking-summary" });
    const label = element("span", { class: "thinking-label" });
    summary.append(label);
    const thinkingBody = element("div", { class: "thinking-body" });
    thinking.append(summary, thinkingBody);
    summary.addEventListener("click", () => {
      entry.thinkingToggled = true;
    });
    const cards = element("ol", { class: "tool-cards", "aria-label": strings.toolCalls ?? "" });
    Object.assign(entry, { thinking, thinkingLabel: label, thinkingBody, cards });
    article.append(thinking, cards);
    renderThinking(entry, message);
    renderCards(entry, message);
  }
  article.append(body, footer, actions);
  list.append(article);
  rendered.set(message.id, entry);
}

/** Copy on every message; Edit on the last question and Regenerate on the last answer, when idle. */
function renderActions(): void {
  const lastUser = [...state.messages].reverse().find((message) => message.role === "user")?.id;
  const lastAssistant = [...state.messages].reverse().find((message) => message.role === "assistant")?.id;
  for (const message of state.messages) {
    const entry = rendered.get(message.id);
    if (!entry) continue;
    const buttons: HTMLElement[] = [];
    if (message.role !== "notice" && !message.streaming && message.text) {
      // Each named by its visible label (voice control says what it sees); the title describes it.
      buttons.push(element("button", { type: "button", class: "message-action", "data-action": "copyMessage", title: strings.copyMessage ?? "" }, strings.copy ?? ""));
    }
    if (!state.busy && message.id === lastUser) {
      buttons.push(element("button", { type: "button", class: "message-action", "data-action": "edit", title: strings.editTitle ?? "" }, strings.edit ?? ""));
    }
    if (!state.busy && message.id === lastAssistant) {
      buttons.push(element("button", { type: "button", class: "message-action", "data-action": "regenerate", title: strings.regenerateTitle ?? "" }, strings.regenerate ?? ""));
    }
    entry.actions.replaceChildren(...buttons);
  }
}

function renderAll(): void {
  rendered.clear();
  list.replaceChildren();
  if (state.messages.length === 0) list.append(empty);
  for (const message of state.messages) renderMessage(message);
  renderChips();
  renderToolbar();
  scrollToEnd();
}

function scrollToEnd(): void {
  list.scrollTop = list.scrollHeight;
  // Once more after layout: a footer or a highlighted code block may still change the height.
  requestAnimationFrame(() => {
    list.scrollTop = list.scrollHeight;
  });
}

/** Whether the transcript is scrolled to (about) its end, so a growing reply should keep it there. */
function isNearEnd(): boolean {
  return list.scrollHeight - list.scrollTop - list.clientHeight < 48;
}

// ── History ─────────────────────────────────────────────────────────────────────────────────

let searchTimer: ReturnType<typeof setTimeout> | null = null;

function openHistory(): void {
  historyPanel.hidden = false;
  historyButton.setAttribute("aria-expanded", "true");
  vscode.postMessage({ type: "listSessions", query: historySearch.value });
  historySearch.focus();
}

function closeHistory(): void {
  if (historyPanel.hidden) return;
  historyPanel.hidden = true;
  historyButton.setAttribute("aria-expanded", "false");
  input.focus();
}

function renderSessions(query: string, sessions: ChatSessionListItem[]): void {
  if (query !== historySearch.value) return; // An older search's answer.
  historyList.replaceChildren();
  if (sessions.length === 0) {
    historyList.append(element("li", { class: "history-empty" }, strings.noSessions ?? ""));
    return;
  }
  const dateFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { dateStyle: "medium", timeStyle: "short" });
  for (const session of sessions) {
    const item = element("li", { class: `history-item${session.id === state.sessionId ? " current" : ""}` });
    const open = element("button", { type: "button", class: "history-open", "data-id": session.id });
    open.append(element("span", { class: "history-item-title" }, session.title));
    const meta = `${dateFormat.format(new Date(session.updatedAt))} · ${format(strings.messagesCount, session.messageCount)}`;
    open.append(element("span", { class: "history-item-meta" }, meta));
    if (session.match) open.append(element("span", { class: "history-item-match" }, session.match));
    if (session.id === state.sessionId) open.setAttribute("aria-current", "true");
    const rename = element("button", { type: "button", class: "history-rename icon", "data-id": session.id, "aria-label": format(strings.renameSession, session.title), title: format(strings.renameSession, session.title) }, "✎");
    const remove = element("button", { type: "button", class: "history-delete icon", "data-id": session.id, "aria-label": format(strings.deleteSession, session.title), title: format(strings.deleteSession, session.title) }, "✕");
    item.append(open, rename, remove);
    historyList.append(item);
  }
}

historyButton.addEventListener("click", () => (historyPanel.hidden ? openHistory() : closeHistory()));
historyClose.addEventListener("click", closeHistory);
historySearch.addEventListener("input", () => {
  if (searchTimer) clearTimeout(searchTimer);
  searchTimer = setTimeout(() => vscode.postMessage({ type: "listSessions", query: historySearch.value }), 150);
});
historyPanel.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    event.preventDefault();
    closeHistory();
  }
});
historyList.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target.closest<HTMLButtonElement>("button[data-id]") : null;
  const id = target?.dataset.id;
  if (!target || !id) return;
  if (target.classList.contains("history-open")) {
    vscode.postMessage({ type: "openSession", id });
    closeHistory();
  } else if (target.classList.contains("history-delete")) {
    vscode.postMessage({ type: "deleteSession", id });
  } else if (target.classList.contains("history-rename")) {
    vscode.postMessage({ type: "renameSession", id });
  }
});

// ── Actions ─────────────────────────────────────────────────────────────────────────────────

/** A link in a reply: a citation opens the file at its lines; a URL opens after the user confirms it. */
function openLink(link: Element): void {
  const cite = link.getAttribute("data-cite");
  if (cite && parseCitation(cite)) {
    vscode.postMessage({ type: "openCitation", cite });
    return;
  }
  const url = link.getAttribute("data-href");
  if (url && isSafeLinkUrl(url)) vscode.postMessage({ type: "openLink", url });
}

function copyText(text: string, button: HTMLButtonElement): void {
  // The host writes the clipboard too: navigator.clipboard may be blocked in a webview.
  vscode.postMessage({ type: "copy", text });
  const label = button.textContent;
  button.textContent = strings.copied ?? "Copied";
  setTimeout(() => {
    button.textContent = label;
  }, 1500);
}

function codeOf(button: Element): { code: string; language: string } {
  const block = button.closest(".code-block");
  return {
    code: block?.querySelector("pre code")?.textContent ?? "",
    language: (block?.querySelector(".code-lang")?.textContent ?? "").trim(),
  };
}

function startEditing(): void {
  const last = [...state.messages].reverse().find((message) => message.role === "user");
  if (!last || state.busy) return;
  editing = true;
  input.value = last.text;
  saveViewState();
  renderToolbar();
  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
}

function stopEditing(): void {
  if (!editing) return;
  editing = false;
  input.value = "";
  saveViewState();
  renderToolbar();
}

list.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const link = target?.closest(".body.markdown a");
  if (link) {
    event.preventDefault();
    openLink(link);
    return;
  }
  const button = target?.closest<HTMLButtonElement>("button[data-action]");
  if (!button) return;
  const action = button.dataset.action;
  if (action === "copy") {
    copyText(codeOf(button).code, button);
  } else if (action === "insert" || action === "apply" || action === "newFile") {
    const { code, language } = codeOf(button);
    vscode.postMessage({ type: "code", action, code, language: /^[\w+#.-]{0,40}$/.test(language) ? language : "" });
  } else if (action === "copyMessage") {
    const id = button.closest("article")?.getAttribute("data-id");
    const message = state.messages.find((m) => m.id === id);
    if (message) copyText(message.text, button);
  } else if (action === "edit") {
    startEditing();
  } else if (action === "regenerate") {
    vscode.postMessage({ type: "regenerate" });
  }
});
list.addEventListener("keydown", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const link = target?.closest(".body.markdown a");
  if (link && event.key === "Enter") {
    event.preventDefault();
    openLink(link);
  }
});
chips.addEventListener("click", (event) => {
  const remove = event.target instanceof Element ? event.target.closest<HTMLButtonElement>("button.chip-remove") : null;
  const id = remove?.dataset.id;
  if (id) vscode.postMessage({ type: "detach", id });
});

function submit(): void {
  if (state.busy) {
    vscode.postMessage({ type: "stop" });
    return;
  }
  const text = input.value;
  if (!text.trim()) return;
  pathSuggestions.close();
  vscode.postMessage(editing ? { type: "editLast", text } : { type: "send", text });
  editing = false;
  input.value = "";
  saveViewState();
  renderToolbar();
}

sendButton.addEventListener("click", submit);
input.addEventListener("keydown", (event) => {
  if (event.isComposing) return;
  if (pathSuggestions.handleKey(event)) {
    event.preventDefault();
    event.stopPropagation();
    return;
  }
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    submit();
  } else if (event.key === "Escape") {
    if (state.busy) {
      event.preventDefault();
      vscode.postMessage({ type: "stop" });
    } else if (editing) {
      event.preventDefault();
      stopEditing();
    }
  } else if (event.key === "ArrowUp" && !event.shiftKey && input.value === "" && !state.busy) {
    event.preventDefault();
    startEditing();
  }
});
editCancel.addEventListener("click", () => {
  stopEditing();
  input.focus();
});
modelButton.addEventListener("click", () => vscode.postMessage({ type: "loadModel" }));
newChatButton.addEventListener("click", () => {
  stopEditing();
  vscode.postMessage({ type: "newChat" });
});
attachButton.addEventListener("click", () => vscode.postMessage({ type: "attach", kind: "pick" }));
agentButton.addEventListener("click", () => vscode.postMessage({ type: "setAgent", on: !state.agent }));
// Esc anywhere in the view stops an answer that is streaming.
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && state.busy && event.target !== input) vscode.postMessage({ type: "stop" });
});

window.addEventListener("message", (event: MessageEvent<HostToWebviewMessage>) => {
  const message = event.data;
  switch (message.type) {
    case "state": {
      const switched = message.state.sessionId !== state.sessionId;
      state = message.state;
      strings = message.strings;
      codeActions.splice(
        0,
        codeActions.length,
        { action: "copy", label: strings.copy ?? "", title: strings.copyCode ?? "" },
        { action: "insert", label: strings.insert ?? "", title: strings.insertTitle ?? "" },
        { action: "apply", label: strings.apply ?? "", title: strings.applyTitle ?? "" },
        { action: "newFile", label: strings.newFile ?? "", title: strings.newFileTitle ?? "" },
      );
      if (switched && editing) stopEditing();
      applyStrings();
      renderAll();
      if (!historyPanel.hidden) vscode.postMessage({ type: "listSessions", query: historySearch.value });
      break;
    }
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
    case "thinking": {
      const target = state.messages.find((m) => m.id === message.id);
      if (target) {
        target.thinking = (target.thinking ?? "") + message.text;
        const follow = isNearEnd();
        renderMessage(target);
        if (follow) scrollToEnd();
      }
      break;
    }
    case "update": {
      // An answer's last update adds its footer (model, speed, Copy, Regenerate): keep following
      // the end, so the footer is not left hidden under the composer.
      const follow = isNearEnd();
      const index = state.messages.findIndex((m) => m.id === message.message.id);
      if (index >= 0) state.messages[index] = message.message;
      renderMessage(message.message);
      renderActions();
      if (follow) scrollToEnd();
      break;
    }
    case "busy":
      state.busy = message.busy;
      renderToolbar();
      if (!message.busy && historyPanel.hidden) input.focus();
      break;
    case "model":
      state.model = message.model;
      state.nextModel = message.nextModel ?? null;
      renderToolbar();
      break;
    case "attachments":
      state.attachments = message.attachments;
      renderChips();
      break;
    case "sessions":
      renderSessions(message.query, message.sessions);
      break;
    case "focusComposer":
      closeHistory();
      input.focus();
      break;
    case "showHistory":
      openHistory();
      break;
    case "pathCompletions":
      pathSuggestions.receive(message.id, message.paths);
      break;
    case "restoreDraft":
      // Only into an empty composer: never over what the user has typed since.
      if (!input.value.trim()) {
        input.value = message.text;
        editing = message.editing === true;
        saveViewState();
        renderToolbar();
        input.focus();
      }
      break;
  }
});

// When VS Code gives the view the focus ("Focus on Chat View", Open Chat, a click on its tab),
// typing goes into the composer rather than nowhere.
window.addEventListener("focus", () => {
  if (document.activeElement === document.body || document.activeElement === null) {
    if (historyPanel.hidden) input.focus();
  }
});

applyStrings();
renderAll();
vscode.postMessage({ type: "ready" });
