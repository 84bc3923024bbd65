// The chat: a webview view in the Hearth container, and the same conversation in an editor panel
// ("Open Chat in Editor"). This file makes the webviews and routes their messages; the
// conversations and their saving live in chatConversation.ts, the composer's chips in
// chatComposer.ts, the turns in chatViewTurns.ts (through the chat pipeline, chatPipeline.ts, that
// @hearth uses too). Every webview only renders what it is sent and asks for things through the
// protocol in src/common/webviewProtocol.ts.
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import * as vscode from "vscode";
import { chatHtml } from "../../common/chat/chatHtml";
import { attachmentView } from "../../common/chat/chatQuestion";
import type { ChatSessionSummary } from "../../common/chat/chatSessions";
import { messageForView, sessionTitle } from "../../common/chat/chatSessions";
import { errorText } from "../../common/engine/engineError";
import type { ChatViewState, WebviewToHostMessage } from "../../common/webviewProtocol";
import { composingHoldMs, parseWebviewMessage } from "../../common/webviewProtocol";
import type { AttachKind } from "./chatAttachments";
import { ChatCodeActions } from "./chatCodeActions";
import { ChatComposer } from "./chatComposer";
import { ChatConversation } from "./chatConversation";
import type { WorkspaceData } from "../workspaceData";
import { openCitation, openLink } from "./chatLinks";
import type { ChatPipeline } from "./chatPipeline";
import type { ChatSurface } from "./chatSurfaces";
import { ChatSurfaces } from "./chatSurfaces";
import { chatViewStrings } from "./chatViewStrings";
import { ChatViewTurns } from "./chatViewTurns";
import type { EngineService } from "../engineHost/engineService";
import type { PullTracker } from "../models/pullTracker";
import { AgentChatTurns } from "../agent/agentChatTurn";

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = "hearth.chatView";
  static readonly panelType = "hearth.chatPanel";

  private readonly surfaces = new ChatSurfaces();
  private panel: vscode.WebviewPanel | null = null;
  private readonly conversation: ChatConversation;
  private readonly composer: ChatComposer;
  private readonly turns: ChatViewTurns;
  readonly code: ChatCodeActions;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly engine: EngineService,
    pipeline: ChatPipeline,
    pulls: PullTracker,
    private readonly log: vscode.LogOutputChannel,
    workspaceData: WorkspaceData,
  ) {
    this.code = new ChatCodeActions();
    this.conversation = new ChatConversation(context, workspaceData, engine, log, this.surfaces, {
      isAnswering: () => this.turns.busy,
      stopAnswer: () => this.turns.stop(),
      startedNew: () => this.composer.clear(),
      postState: () => this.postState(),
    });
    this.composer = new ChatComposer(pipeline, this.surfaces, () => this.code.targetEditor(), (text, error) => this.conversation.appendNotice(text, error));
    this.turns = new ChatViewTurns(engine, pulls, pipeline, this.conversation, this.composer, this.surfaces, () => this.postState(), new AgentChatTurns(engine, pipeline, this.code));
    this.disposables.push(
      this.code,
      engine.onDidChangeModel((model) => {
        this.surfaces.post({ type: "model", model: this.engine.remote?.label() ?? model?.name ?? null, nextModel: this.nextModelName() });
        void this.composer.recount();
      }),
      // A remote engine set or cleared (hearth.remote.*): the view names who answers now.
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration("hearth.remote")) this.postState();
      }),
      vscode.window.registerWebviewPanelSerializer(ChatViewProvider.panelType, {
        deserializeWebviewPanel: async (panel) => this.adoptPanel(panel),
      }),
    );
  }

  // ── State ─────────────────────────────────────────────────────────────────────────────────

  /** For tests and other commands: the conversation as the view shows it. */
  get state(): ChatViewState {
    const session = this.conversation.session;
    return {
      model: this.engine.remote?.label() ?? this.engine.activeModel?.name ?? null,
      nextModel: this.nextModelName(),
      busy: this.turns.busy,
      messages: session.messages.map(messageForView),
      sessionId: session.id,
      sessionTitle: sessionTitle(session, this.conversation.untitled()),
      attachments: this.composer.attachments.map(attachmentView),
      agent: session.agent === true,
    };
  }

  /** The model the next message loads when none is loaded (a file's name without .gguf). */
  private nextModelName(): string | null {
    if (this.engine.activeModel || this.engine.remote?.label()) return null;
    const preferred = this.engine.preferredModelPath();
    return preferred ? path.basename(preferred).replace(/\.gguf$/i, "") : null;
  }

  /** Where conversations are saved (for tests and bug reports). */
  get historyFolder(): string {
    return this.conversation.historyFolder;
  }

  // ── Webviews ──────────────────────────────────────────────────────────────────────────────

  resolveWebviewView(view: vscode.WebviewView): void {
    const surface = this.attach(view.webview);
    view.onDidDispose(() => this.surfaces.remove(surface));
  }

  /** "Hearth: Open Chat in Editor": the same conversation in a wide editor panel. */
  openInEditor(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(ChatViewProvider.panelType, vscode.l10n.t("Hearth Chat"), vscode.ViewColumn.Beside, {
      retainContextWhenHidden: false,
    });
    this.adoptPanel(panel);
  }

  private adoptPanel(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, "media", "hearth.svg");
    const surface = this.attach(panel.webview);
    panel.onDidDispose(() => {
      this.surfaces.remove(surface);
      if (this.panel === panel) this.panel = null;
    });
  }

  private attach(webview: vscode.Webview): ChatSurface {
    const surface = this.surfaces.add(webview);
    webview.options = this.webviewOptions();
    webview.html = this.html(webview);
    this.disposables.push(webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(surface, raw)));
    return surface;
  }

  private html(webview: vscode.Webview): string {
    return chatHtml({
      nonce: randomBytes(18).toString("base64"),
      cspSource: webview.cspSource,
      scriptUri: String(webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, "dist", "webview.js"))),
      styleUri: String(webview.asWebviewUri(vscode.Uri.joinPath(this.context.extensionUri, "media", "chat.css"))),
      lang: vscode.env.language.toLowerCase().startsWith("zh") ? "zh-CN" : "en",
    });
  }

  /** The options every chat webview gets (scripts on; command links, and every other folder, off). */
  webviewOptions(): vscode.WebviewOptions {
    return {
      enableScripts: true,
      enableCommandUris: false,
      enableForms: false,
      localResourceRoots: [
        vscode.Uri.joinPath(this.context.extensionUri, "dist"),
        vscode.Uri.joinPath(this.context.extensionUri, "media"),
      ],
    };
  }

  private postState(only?: ChatSurface): void {
    const strings = chatViewStrings(this.engine.remote?.label() ?? null);
    this.surfaces.post({ type: "state", state: this.state, strings }, only);
  }

  private async onMessage(surface: ChatSurface, raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) return;
    try {
      await this.handle(surface, message);
    } catch (error) {
      this.log.error(`chat: ${message.type} failed: ${errorText(error)}`);
      void vscode.window.showErrorMessage(errorText(error));
    }
  }

  private async handle(surface: ChatSurface, message: WebviewToHostMessage): Promise<void> {
    switch (message.type) {
      case "ready":
        await this.conversation.ensureLoaded();
        surface.ready = true;
        this.postState(surface);
        break;
      case "send":
        await this.turns.send(message.text, surface);
        break;
      case "stop":
        this.stop();
        break;
      case "newChat":
        await this.newChat();
        break;
      case "regenerate":
        await this.regenerate();
        break;
      case "editLast":
        await this.editLast(message.text);
        break;
      case "openLink":
        await openLink(message.url);
        break;
      case "openCitation":
        await this.openCitation(message.cite);
        break;
      case "copy":
        await vscode.env.clipboard.writeText(message.text);
        break;
      case "code":
        if (message.action === "insert") await this.code.insert(message.code);
        else if (message.action === "apply") await this.code.apply(message.code);
        else await this.code.newFile(message.code, message.language);
        break;
      case "loadModel":
        await vscode.commands.executeCommand("hearth.selectModel");
        break;
      case "attach":
        await this.attachContext(message.kind);
        break;
      case "detach":
        this.composer.detach(message.id);
        break;
      case "listSessions":
        this.surfaces.post({ type: "sessions", query: message.query, sessions: await this.listSessions(message.query) }, surface);
        break;
      case "openSession":
        await this.openSession(message.id);
        break;
      case "deleteSession":
        await this.deleteSession(message.id);
        break;
      case "renameSession":
        await this.renameSession(message.id);
        break;
      case "setAgent":
        await this.setAgent(message.on);
        break;
      case "completePaths":
        this.surfaces.post({ type: "pathCompletions", id: message.id, kind: message.kind, paths: await this.completePaths(message.kind, message.query) }, surface);
        break;
      case "composing":
        this.engine.holdBackground(composingHoldMs);
        break;
    }
  }

  // ── What commands, tests and other extensions call ────────────────────────────────────────

  /** Sends `text` (with what is attached) as the user's next message; resolves when the answer has finished. */
  send(text: string): Promise<void> {
    return this.turns.send(text);
  }

  /** Answers the last question again (the previous answer goes). */
  regenerate(): Promise<void> {
    return this.turns.regenerate();
  }

  /** Replaces the last question with `text` (keeping its attachments) and answers it. */
  editLast(text: string): Promise<void> {
    return this.turns.editLast(text);
  }

  /** Stops the answer being written (it keeps what it has). */
  stop(): void {
    this.turns.stop();
  }

  /** The Agent toggle: agent mode on or off for the open conversation (off in a new one). */
  setAgent(on: boolean): Promise<void> {
    return this.turns.setAgent(on);
  }

  /** What the model is given as this conversation's history (for tests and bug reports). */
  modelHistory(): ReadonlyArray<{ role: "user" | "assistant"; text: string }> {
    return this.conversation.modelHistory();
  }

  /** Attaches context for the next question; "pick" asks which. Problems are said, not thrown. */
  attachContext(kind: AttachKind | "pick"): Promise<void> {
    return this.composer.attach(kind);
  }

  /** The composer's suggestions after `#file:`/`#folder:`: workspace paths matching `query`. */
  completePaths(kind: "file" | "folder", query: string): Promise<string[]> {
    return this.composer.completePaths(kind, query);
  }

  /** Opens a reply's `path:line` citation (inside the workspace only). */
  openCitation(cite: string): Promise<vscode.TextEditor | undefined> {
    return openCitation(cite);
  }

  /** Conversations matching `query` (all when empty), the most recent first. */
  listSessions(query: string): Promise<ChatSessionSummary[]> {
    return this.conversation.listSessions(query);
  }

  openSession(id: string): Promise<void> {
    return this.conversation.openSession(id);
  }

  /** Deletes a conversation after the user confirms (`confirm: false` only from code: tests, other extensions). */
  deleteSession(id: string, options: { confirm?: boolean } = {}): Promise<void> {
    return this.conversation.deleteSession(id, options);
  }

  /** Renames a conversation; asks for the name unless code gives one. */
  renameSession(id: string, name?: string): Promise<void> {
    return this.conversation.renameSession(id, name);
  }

  /** Starts an empty conversation; the previous one stays in the history. */
  newChat(): Promise<void> {
    return this.conversation.newChat();
  }

  /** Writes everything pending (for tests and deactivation). */
  flush(): Promise<void> {
    return this.conversation.flush();
  }

  /** "Hearth: Ask About Selection": attaches the selection and puts the cursor in the chat's composer. */
  async askAboutSelection(): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? this.code.targetEditor();
    if (!editor || editor.selection.isEmpty) {
      void vscode.window.showInformationMessage(vscode.l10n.t("Select the code to ask about in an editor, then run Ask About Selection again."));
      return;
    }
    await this.attachContext("selection");
    await this.reveal();
    this.surfaces.post({ type: "focusComposer" });
  }

  /** "Hearth: Open Chat": shows the chat with the cursor in its composer, so typing goes there. */
  async focusComposer(): Promise<void> {
    await this.reveal();
    this.surfaces.post({ type: "focusComposer" });
  }

  /** Shows the chat (the editor panel when it is open, else the side bar view). */
  async reveal(): Promise<void> {
    if (this.panel) this.panel.reveal(undefined, false);
    else await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
    await this.conversation.ensureLoaded();
  }

  /** The view's History button: the searchable list of conversations. */
  async showHistory(): Promise<void> {
    await this.reveal();
    this.surfaces.post({ type: "showHistory" });
  }

  dispose(): void {
    this.turns.stop();
    this.conversation.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
