// The Chat view: a webview in the Hearth container. The conversation lives here, in the host,
// and is saved in the workspace state, so hiding the view mid-answer or reloading the window
// loses nothing; the webview only renders what it is sent.
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import { errorText, isEngineError } from "../common/engineError";
import type { ChatMessageView, ChatViewState, HostToWebviewMessage } from "../common/webviewProtocol";
import { parseWebviewMessage } from "../common/webviewProtocol";
import type { Conversation, EngineService } from "./engineService";
import { NoModelError } from "./engineService";
import { offerFirstModel } from "./gettingStarted";
import type { PullTracker } from "./pullTracker";

const transcriptKey = "hearth.chat.transcript";
const maxSavedMessages = 400;

interface SavedTranscript {
  messages: ChatMessageView[];
}

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = "hearth.chatView";

  private view: vscode.WebviewView | null = null;
  private ready = false;
  private messages: ChatMessageView[];
  private conversation: Conversation;
  private running: vscode.CancellationTokenSource | null = null;
  private nextId = 1;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly engine: EngineService,
    private readonly pulls: PullTracker,
  ) {
    const saved = context.workspaceState.get<SavedTranscript>(transcriptKey);
    this.messages = (saved?.messages ?? []).map((message) => ({ ...message, streaming: false }));
    this.conversation = { history: historyOf(this.messages), engineSession: null };
    this.nextId = this.messages.length + 1;
    this.disposables.push(engine.onDidChangeModel((model) => this.post({ type: "model", model: model?.name ?? null })));
  }

  /** For tests and other commands: the conversation as the view shows it. */
  get state(): ChatViewState {
    return { model: this.engine.activeModel?.name ?? null, busy: this.running !== null, messages: this.messages };
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const webview = view.webview;
    webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [
        vscode.Uri.joinPath(this.context.extensionUri, "dist"),
        vscode.Uri.joinPath(this.context.extensionUri, "media"),
      ],
    };
    webview.html = this.html(webview);
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = null;
          this.ready = false;
        }
      }),
    );
  }

  private html(webview: vscode.Webview): string {
    const nonce = randomBytes(18).toString("base64");
    const script = webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, "dist", "webview.js"));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, "media", "chat.css"));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join("; ");
    const lang = vscode.env.language.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
    return `<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${String(style)}">
<title>Hearth Chat</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${String(script)}"></script>
</body>
</html>`;
  }

  private post(message: HostToWebviewMessage): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  }

  private strings(): Record<string, string> {
    return {
      placeholder: vscode.l10n.t("Ask {0} anything. Enter sends, Shift+Enter adds a line, Esc stops.", this.engine.activeModel?.name ?? vscode.l10n.t("the model")),
      send: vscode.l10n.t("Send"),
      stop: vscode.l10n.t("Stop"),
      newChat: vscode.l10n.t("New Chat"),
      loadModel: vscode.l10n.t("Load Model…"),
      noModel: vscode.l10n.t("No model loaded"),
      you: vscode.l10n.t("You"),
      assistant: vscode.l10n.t("Hearth"),
      empty: vscode.l10n.t("Chat with a model that runs on this machine. Nothing leaves it."),
      input: vscode.l10n.t("Message to the model"),
      transcript: vscode.l10n.t("Conversation"),
      copy: vscode.l10n.t("Copy"),
      copied: vscode.l10n.t("Copied"),
      copyCode: vscode.l10n.t("Copy code"),
    };
  }

  private async onMessage(raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) return;
    switch (message.type) {
      case "ready":
        this.ready = true;
        this.post({ type: "state", state: this.state, strings: this.strings() });
        break;
      case "send":
        await this.send(message.text);
        break;
      case "stop":
        this.running?.cancel();
        break;
      case "newChat":
        await this.newChat();
        break;
      case "openLink":
        await this.openLink(message.url);
        break;
      case "copy":
        await vscode.env.clipboard.writeText(message.text);
        break;
      case "loadModel":
        await vscode.commands.executeCommand("hearth.selectModel");
        break;
    }
  }

  /** Links in replies come from the model: open one only after the user saw the full URL. */
  private async openLink(url: string): Promise<void> {
    const uri = vscode.Uri.parse(url, true);
    if (!["http", "https", "mailto"].includes(uri.scheme)) return;
    const open = vscode.l10n.t("Open Link");
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t("Open this link from the model's reply? Check the address first: the model may have made it up."),
      { modal: true, detail: url },
      open,
    );
    if (choice === open) await vscode.env.openExternal(uri);
  }

  private append(message: Omit<ChatMessageView, "id">): ChatMessageView {
    const full: ChatMessageView = { id: `c${this.nextId++}`, ...message };
    this.messages.push(full);
    this.post({ type: "append", message: full });
    return full;
  }

  private async save(): Promise<void> {
    const messages = this.messages.slice(-maxSavedMessages).map((message) => ({ ...message, streaming: false }));
    await this.context.workspaceState.update(transcriptKey, { messages } satisfies SavedTranscript);
  }

  /** Sends `text` as the user's next message; resolves when the answer has finished. */
  async send(text: string): Promise<void> {
    if (this.running) return;
    this.append({ role: "user", text });
    const answer = this.append({ role: "assistant", text: "", streaming: true });
    const source = new vscode.CancellationTokenSource();
    this.running = source;
    this.post({ type: "busy", busy: true });
    await this.save();
    try {
      const result = await this.engine.chatTurn(
        this.conversation,
        text,
        (chunk) => {
          answer.text += chunk;
          this.post({ type: "chunk", id: answer.id, text: chunk });
        },
        source.token,
      );
      answer.text = result.text;
      answer.footer = [
        this.engine.activeModel?.name ?? "",
        vscode.l10n.t("{0} tok/s", result.usage.tokensPerSecond.toFixed(1)),
        result.stopReason === "cancelled"
          ? vscode.l10n.t("stopped")
          : result.stopReason === "maxTokens"
            ? vscode.l10n.t("token limit reached")
            : "",
      ]
        .filter(Boolean)
        .join(" · ");
    } catch (error) {
      if (!isEngineError(error, "cancelled")) {
        this.append({ role: "notice", text: errorText(error), error: true });
      }
      // No model at all: offer the recommended download (or a file) instead of only an error.
      if (error instanceof NoModelError) void offerFirstModel(this.engine, this.pulls);
      // The partial answer stays; the user's message is kept in the transcript either way.
      if (answer.text) this.conversation.history.push({ role: "user", text }, { role: "assistant", text: answer.text });
    } finally {
      answer.streaming = false;
      this.post({ type: "update", message: answer });
      this.running = null;
      source.dispose();
      this.post({ type: "busy", busy: false });
      await this.save();
    }
  }

  async newChat(): Promise<void> {
    this.running?.cancel();
    await this.engine.disposeConversation(this.conversation);
    this.messages = [];
    this.conversation = { history: [], engineSession: null };
    await this.save();
    this.post({ type: "state", state: this.state, strings: this.strings() });
  }

  dispose(): void {
    this.running?.cancel();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

function historyOf(messages: ChatMessageView[]): Conversation["history"] {
  const history: Conversation["history"] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const next = messages[i + 1];
    if (message.role === "user" && next?.role === "assistant" && next.text) {
      history.push({ role: "user", text: message.text }, { role: "assistant", text: next.text });
      i++;
    }
  }
  return history;
}
