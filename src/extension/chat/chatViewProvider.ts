// The chat: a webview view in the Hearth container, and the same conversation in an editor panel
// ("Open Chat in Editor"). Conversations live here, in the host, and are saved to disk as they
// change, so hiding the view mid-answer or reloading the window loses nothing; every webview only
// renders what it is sent and asks for things through the protocol in src/common/webviewProtocol.ts.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { GenerationOptions } from "../../common/chat/chatTypes";
import { errorText, isEngineError } from "../../common/engine/engineError";
import { chatHtml } from "../../common/chat/chatHtml";
import { parseCitation } from "../../common/chat/markdownRender";
import type { ChatAttachment } from "../../common/chat/chatPrompt";
import { measuredAttachments } from "../../common/chat/chatBudget";
import { buildPrompt } from "../../common/chat/chatPrompt";
import type { ChatReference, ParsedReferences } from "../../common/chat/chatReferences";
import { foldersOf, parseChatReferences, rankPaths, referenceText } from "../../common/chat/chatReferences";
import type { ChatSession } from "../../common/chat/chatSessions";
import { historyOf, newSessionId, parseSavedSession, searchSessions, sessionTitle, titleFromText } from "../../common/chat/chatSessions";
import type { ChatAttachmentView, ChatMessageView, ChatViewState, HostToWebviewMessage, WebviewToHostMessage } from "../../common/webviewProtocol";
import { parseWebviewMessage } from "../../common/webviewProtocol";
import type { AttachKind } from "./chatAttachments";
import { AttachError, fileAttachment, openEditorAttachments, referencedFileAttachment, resolveWorkspacePath, selectionAttachment } from "./chatAttachments";
import { ChatCodeActions } from "./chatCodeActions";
import { ChatSessionStore } from "./chatSessionStore";
import type { Conversation, EngineService } from "../engineHost/engineService";
import { NoModelError } from "../engineHost/engineService";
import { offerFirstModel } from "../models/gettingStarted";
import type { PullTracker } from "../models/pullTracker";
import type { WorkspaceRetriever } from "../index/workspaceIndex";

/** Where the first version kept its one conversation (moved into the session store once). */
const legacyTranscriptKey = "hearth.chat.transcript";
const currentSessionKey = "hearth.chat.currentSession";
/** How often a streaming answer is written to disk (so a window reload keeps most of it). */
const streamingSaveMs = 500;
/** The composer's `#file:`/`#folder:` suggestions: how many files are listed from the workspace, how many are shown, and how long a listing is reused. */
const completionFileLimit = 10_000;
const completionsShown = 12;
const completionListMs = 5_000;

interface Surface {
  webview: vscode.Webview;
  ready: boolean;
}

export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewId = "hearth.chatView";
  static readonly panelType = "hearth.chatPanel";

  private readonly surfaces = new Set<Surface>();
  private panel: vscode.WebviewPanel | null = null;
  private session: ChatSession;
  private conversation: Conversation = { history: [], engineSession: null };
  private attachments: ChatAttachment[] = [];
  /** @workspace's passages, from the workspace index (see setWorkspaceRetriever). */
  private workspaceRetriever: WorkspaceRetriever | null = null;
  /**
   * The chips the last question took from the composer (this window only), so an edit that changes
   * its #file/#folder references keeps them while it reads the new references.
   */
  private lastComposerAttachments: { id: string; attachments: ChatAttachment[] } | null = null;
  /** The workspace's files for `#file:`/`#folder:` suggestions (from findFiles, honouring files.exclude). */
  private workspaceFiles: { at: number; files: Promise<string[]> } | null = null;
  private running: vscode.CancellationTokenSource | null = null;
  private nextId = 1;
  private loaded: Promise<void> | null = null;
  private queue: Promise<void> = Promise.resolve();
  private saveTimer: NodeJS.Timeout | null = null;
  private saveFailureShown = false;
  private readonly store: ChatSessionStore;
  readonly code: ChatCodeActions;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly engine: EngineService,
    private readonly pulls: PullTracker,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const base = context.storageUri ?? context.globalStorageUri;
    this.store = new ChatSessionStore(vscode.Uri.joinPath(base, "chats").fsPath, (message) => log.warn(message));
    this.session = this.emptySession();
    this.code = new ChatCodeActions();
    this.disposables.push(
      this.code,
      engine.onDidChangeModel((model) => {
        this.post({ type: "model", model: this.engine.remote?.label() ?? model?.name ?? null, nextModel: this.nextModelName() });
        void this.recountAttachments();
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
    return {
      model: this.engine.remote?.label() ?? this.engine.activeModel?.name ?? null,
      nextModel: this.nextModelName(),
      busy: this.running !== null,
      messages: this.session.messages.map(forView),
      sessionId: this.session.id,
      sessionTitle: sessionTitle(this.session, this.untitled()),
      attachments: this.attachments.map(attachmentView),
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
    return this.store.folder;
  }

  private untitled(): string {
    return vscode.l10n.t("New conversation");
  }

  private emptySession(): ChatSession {
    const now = Date.now();
    return { id: newSessionId(now), title: "", createdAt: now, updatedAt: now, messages: [] };
  }

  /** Reads the saved conversations once and reopens the one the user had open. */
  private ensureLoaded(): Promise<void> {
    this.loaded ??= (async () => {
      try {
        await this.migrateLegacyTranscript();
        const sessions = await this.store.all();
        const wanted = this.context.workspaceState.get<string>(currentSessionKey);
        const current = sessions.find((session) => session.id === wanted)
          ?? [...sessions].sort((a, b) => b.updatedAt - a.updatedAt)[0];
        // A message sent before the history was read stays in its new conversation.
        if (current && this.session.messages.length === 0) this.useSession(current);
      } catch (error) {
        // The chat still works (in a new conversation); the log says what could not be read.
        this.log.error(`chat history in ${this.store.folder} could not be read: ${errorText(error)}`);
      }
    })();
    return this.loaded;
  }

  private async migrateLegacyTranscript(): Promise<void> {
    const legacy = this.context.workspaceState.get<{ messages?: unknown[] }>(legacyTranscriptKey);
    if (!legacy) return;
    const now = Date.now();
    const session = parseSavedSession({ id: newSessionId(now), title: "", createdAt: now, updatedAt: now, messages: legacy.messages ?? [] });
    if (session && session.messages.length > 0) await this.store.save(session);
    await this.context.workspaceState.update(legacyTranscriptKey, undefined);
  }

  private useSession(session: ChatSession): void {
    this.session = session;
    this.conversation = { history: historyOf(session.messages), engineSession: null };
    this.nextId = session.messages.length + 1;
    while (session.messages.some((message) => message.id === `c${this.nextId}`)) this.nextId++;
    void this.context.workspaceState.update(currentSessionKey, session.id);
  }

  // ── Webviews ──────────────────────────────────────────────────────────────────────────────

  resolveWebviewView(view: vscode.WebviewView): void {
    const surface = this.attach(view.webview);
    view.onDidDispose(() => this.surfaces.delete(surface));
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
      this.surfaces.delete(surface);
      if (this.panel === panel) this.panel = null;
    });
  }

  private attach(webview: vscode.Webview): Surface {
    const surface: Surface = { webview, ready: false };
    this.surfaces.add(surface);
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

  private post(message: HostToWebviewMessage, only?: Surface): void {
    for (const surface of only ? [only] : this.surfaces) {
      if (surface.ready) void surface.webview.postMessage(message);
    }
  }

  private postState(only?: Surface): void {
    this.post({ type: "state", state: this.state, strings: this.strings() }, only);
  }

  private strings(): Record<string, string> {
    return {
      placeholder: vscode.l10n.t("Ask {0} anything. Enter sends, Shift+Enter adds a line, ↑ edits your last message, Esc stops.", this.engine.remote?.label() ?? this.engine.activeModel?.name ?? vscode.l10n.t("the model")),
      send: vscode.l10n.t("Send"),
      stop: vscode.l10n.t("Stop"),
      newChat: vscode.l10n.t("New Chat"),
      loadModel: vscode.l10n.t("Choose a model"),
      noModel: vscode.l10n.t("No model loaded"),
      nextModel: vscode.l10n.t("{0} (loads when you send)"),
      you: vscode.l10n.t("You"),
      assistant: vscode.l10n.t("Hearth"),
      empty: this.engine.remote?.label()
        ? vscode.l10n.t("Chat with {0}, a model on a remote server (settings hearth.remote.*). Your messages go to that server.", this.engine.remote.label()!)
        : vscode.l10n.t("Chat with a model that runs on this machine. Nothing leaves it."),
      input: vscode.l10n.t("Message to the model"),
      transcript: vscode.l10n.t("Conversation"),
      copy: vscode.l10n.t("Copy"),
      copied: vscode.l10n.t("Copied"),
      copyCode: vscode.l10n.t("Copy code"),
      copyMessage: vscode.l10n.t("Copy message"),
      insert: vscode.l10n.t("Insert"),
      insertTitle: vscode.l10n.t("Insert at the cursor in the last editor"),
      apply: vscode.l10n.t("Apply"),
      applyTitle: vscode.l10n.t("Apply to the last editor's file (shows a diff to accept first)"),
      newFile: vscode.l10n.t("New File"),
      newFileTitle: vscode.l10n.t("Open the code in a new untitled file"),
      regenerate: vscode.l10n.t("Regenerate"),
      regenerateTitle: vscode.l10n.t("Answer the last question again"),
      edit: vscode.l10n.t("Edit"),
      editTitle: vscode.l10n.t("Edit your last message and send it again"),
      cancelEdit: vscode.l10n.t("Cancel editing"),
      editing: vscode.l10n.t("Editing your last message: Enter sends it again in place of the old one."),
      attach: vscode.l10n.t("Attach context"),
      attachTitle: vscode.l10n.t("Attach the selection, the current file, the open editors or @workspace"),
      detach: vscode.l10n.t("Remove {0}"),
      tokens: vscode.l10n.t("{0} tokens"),
      approxTokens: vscode.l10n.t("≈{0} tokens"),
      history: vscode.l10n.t("History"),
      historyTitle: vscode.l10n.t("Conversations in this workspace"),
      search: vscode.l10n.t("Search conversations"),
      noSessions: vscode.l10n.t("No conversations match."),
      deleteSession: vscode.l10n.t("Delete conversation {0}"),
      renameSession: vscode.l10n.t("Rename conversation {0}"),
      messagesCount: vscode.l10n.t("{0} messages"),
      close: vscode.l10n.t("Close"),
      modelTitle: vscode.l10n.t("The model answering; click to choose another model or profile"),
      suggestions: vscode.l10n.t("Suggestions"),
      fileKeyword: vscode.l10n.t("attach a workspace file (add :10-20 for lines)"),
      folderKeyword: vscode.l10n.t("search the index under a workspace folder"),
      noPaths: vscode.l10n.t("No matching files or folders in the workspace"),
    };
  }

  private async onMessage(surface: Surface, raw: unknown): Promise<void> {
    const message = parseWebviewMessage(raw);
    if (!message) return;
    try {
      await this.handle(surface, message);
    } catch (error) {
      this.log.error(`chat: ${message.type} failed: ${errorText(error)}`);
      void vscode.window.showErrorMessage(errorText(error));
    }
  }

  private async handle(surface: Surface, message: WebviewToHostMessage): Promise<void> {
    switch (message.type) {
      case "ready":
        await this.ensureLoaded();
        surface.ready = true;
        this.postState(surface);
        break;
      case "send":
        await this.send(message.text, surface);
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
        await this.openLink(message.url);
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
        this.attachments = this.attachments.filter((attachment) => attachment.id !== message.id);
        this.postAttachments();
        break;
      case "listSessions":
        this.post({ type: "sessions", query: message.query, sessions: await this.listSessions(message.query) }, surface);
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
      case "completePaths":
        this.post({ type: "pathCompletions", id: message.id, kind: message.kind, paths: await this.completePaths(message.kind, message.query) }, surface);
        break;
    }
  }

  /**
   * A `path:line` citation in a reply: opens that file of the workspace with the lines selected.
   * Only files inside the workspace folders open; anything else is said, not opened.
   */
  async openCitation(cite: string): Promise<vscode.TextEditor | undefined> {
    const citation = parseCitation(cite);
    if (!citation) return undefined;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const root = folder.uri.fsPath;
      const file = path.resolve(root, citation.path);
      if (file !== root && !file.startsWith(root + path.sep)) continue;
      const uri = vscode.Uri.file(file);
      const exists = await vscode.workspace.fs.stat(uri).then((stat) => stat.type === vscode.FileType.File, () => false);
      if (!exists) continue;
      const document = await vscode.workspace.openTextDocument(uri);
      const last = Math.min(citation.endLine, document.lineCount) - 1;
      const first = Math.min(citation.startLine - 1, last);
      const range = new vscode.Range(first, 0, last, document.lineAt(last).text.length);
      const editor = await vscode.window.showTextDocument(document, { selection: range, preview: true });
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      return editor;
    }
    void vscode.window.showInformationMessage(
      vscode.l10n.t("{0} is not a file in this workspace, so Hearth cannot open it. The model may have cited a file that does not exist (or one outside the workspace).", citation.path),
    );
    return undefined;
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

  // ── Attachments ───────────────────────────────────────────────────────────────────────────

  /** Attaches context for the next question; "pick" asks which. Problems are said, not thrown. */
  async attachContext(kind: AttachKind | "pick"): Promise<void> {
    let chosen: AttachKind | undefined = kind === "pick" ? undefined : kind;
    if (!chosen) {
      const items: Array<vscode.QuickPickItem & { kind2: AttachKind }> = [
        { label: vscode.l10n.t("Selection"), description: vscode.l10n.t("the selected lines in the editor"), kind2: "selection" },
        { label: vscode.l10n.t("Current File"), description: vscode.l10n.t("the whole file in the editor"), kind2: "file" },
        { label: vscode.l10n.t("Open Editors"), description: vscode.l10n.t("every file open in a tab"), kind2: "openEditors" },
        { label: "@workspace", description: vscode.l10n.t("passages retrieved from the workspace index"), kind2: "workspace" },
      ];
      chosen = (await vscode.window.showQuickPick(items, { title: vscode.l10n.t("Attach Context to the Next Message") }))?.kind2;
      if (!chosen) return;
    }
    try {
      const editor = this.code.targetEditor();
      let added: Array<Omit<ChatAttachment, "tokens">>;
      switch (chosen) {
        case "selection":
          added = [selectionAttachment(editor)];
          break;
        case "file":
          added = [fileAttachment(editor?.document)];
          break;
        case "openEditors":
          added = await openEditorAttachments();
          break;
        case "workspace": {
          if (!this.workspaceRetriever?.indexed()) {
            this.workspaceNotIndexed();
            return;
          }
          const query = await vscode.window.showInputBox({
            title: "@workspace",
            prompt: vscode.l10n.t("What should Hearth look for in the workspace?"),
          });
          if (!query?.trim()) return;
          added = await this.workspacePassages(query);
          if (added.length === 0) return;
          break;
        }
      }
      const counted = await this.countAll(added);
      // Attaching the same range or file twice replaces the older chip.
      const labels = new Set(counted.map((attachment) => attachment.detail ?? attachment.label));
      this.attachments = [...this.attachments.filter((attachment) => !labels.has(attachment.detail ?? attachment.label)), ...counted];
      this.postAttachments();
    } catch (error) {
      if (error instanceof AttachError) void vscode.window.showInformationMessage(error.message);
      else throw error;
    }
  }

  /** Lets @workspace retrieve passages (the workspace index calls this; null: not indexed). */
  setWorkspaceRetriever(retriever: WorkspaceRetriever | null): void {
    this.workspaceRetriever = retriever;
  }

  /**
   * Passages for `query` from the workspace index (only under `folders`, for #folder); a notice
   * (and none) when there is no index, or when nothing under the folders matched.
   */
  private async workspacePassages(query: string, folders?: Array<{ typed: string; fsPath: string }>): Promise<ChatAttachment[]> {
    const scope = folders?.map((folder) => `#folder:${folder.typed}`).join(", ");
    let found: ChatAttachment[] | null = null;
    try {
      found = (await this.workspaceRetriever?.retrieve(query, undefined, folders?.map((folder) => folder.fsPath))) ?? null;
    } catch (error) {
      this.appendNotice(vscode.l10n.t("{0} could not search the index: {1}", scope ?? "@workspace", errorText(error)), true);
      return [];
    }
    if (found === null) {
      if (scope) {
        this.appendNotice(
          vscode.l10n.t("The workspace is not indexed yet, so {0} has no passages to add. Run \"Hearth: Index Workspace\" to build the index (it runs in the background), or attach files with #file: instead.", scope),
          false,
        );
      } else {
        this.workspaceNotIndexed();
      }
      return [];
    }
    if (found.length === 0 && scope) {
      this.appendNotice(
        vscode.l10n.t("The index has no passages under {0} that match the question, so none were added. Check that the folder is indexed (\"Hearth: Show Index Status\"), or ask with other words.", scope),
        false,
      );
    }
    return this.countAll(found);
  }

  /**
   * The files of the message's #file references (read now, each a chip with its token count) and
   * the folders of its #folder references. Null after a notice when one cannot be used (a missing
   * path, one outside the workspace, a binary file, a bad line range).
   */
  private async resolveReferences(parsed: ParsedReferences): Promise<{ files: ChatAttachment[]; folders: Array<{ typed: string; fsPath: string }> } | null> {
    const files: Array<Omit<ChatAttachment, "tokens">> = [];
    const folders: Array<{ typed: string; fsPath: string }> = [];
    if (parsed.references.length === 0) return { files: [], folders };
    for (const reference of parsed.references) {
      try {
        if (reference.badRange !== undefined) {
          throw new AttachError(
            vscode.l10n.t("{0} is not a line range: write the first and last line, the first no greater than the last, counting from 1 (#file:{1}:10-20).", reference.badRange, reference.path),
          );
        }
        const uri = await resolveWorkspacePath(reference.path, reference.kind);
        if (reference.kind === "folder") folders.push({ typed: reference.path, fsPath: uri.fsPath });
        else files.push(await referencedFileAttachment(uri, reference.path, reference.startLine, reference.endLine));
      } catch (error) {
        if (!(error instanceof AttachError)) throw error;
        this.referenceNotice(reference, error.message);
        return null;
      }
    }
    // The same file twice (say, two ranges of it) stays two chips; the exact same reference, one.
    const seen = new Set<string>();
    const unique = files.filter((file) => !seen.has(file.detail ?? file.label) && seen.add(file.detail ?? file.label));
    return { files: await this.countAll(unique), folders };
  }

  private referenceNotice(reference: ChatReference, reason: string): void {
    this.appendNotice(
      vscode.l10n.t("Hearth did not send the message: {0} {1} The message is back in the box below to fix and send.", `#${reference.kind}:${referenceText(reference)}`, reason),
      true,
    );
  }

  /** The composer's suggestions after `#file:`/`#folder:`: workspace paths matching `query`. */
  async completePaths(kind: "file" | "folder", query: string): Promise<string[]> {
    const now = Date.now();
    if (!this.workspaceFiles || now - this.workspaceFiles.at > completionListMs) {
      const several = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
      // Undefined excludes: files.exclude applies (as the Explorer hides those files).
      const files = Promise.resolve(vscode.workspace.findFiles("**/*", undefined, completionFileLimit))
        .then((uris) => uris.filter((uri) => uri.scheme === "file").map((uri) => vscode.workspace.asRelativePath(uri, several).replace(/\\/g, "/")))
        .catch(() => []);
      this.workspaceFiles = { at: now, files };
    }
    const files = await this.workspaceFiles.files;
    return rankPaths(kind === "file" ? files : foldersOf(files), query, completionsShown);
  }

  private workspaceNotIndexed(): void {
    this.appendNotice(
      vscode.l10n.t("The workspace is not indexed yet, so @workspace has no passages to add. Run \"Hearth: Index Workspace\" to build the index (it runs in the background), or attach the selection, the current file or the open editors instead."),
      false,
    );
  }

  /** Token counts with the loaded model's tokenizer; estimates (marked ≈) without one. */
  private async countAll<T extends Omit<ChatAttachment, "tokens">>(attachments: T[]): Promise<Array<T & { tokens: number; approximate?: boolean }>> {
    const counted = await this.engine.countTokens(attachments.map((attachment) => attachment.content)).catch(() => null);
    return measuredAttachments(attachments, counted?.counts ?? null);
  }

  private async recountAttachments(): Promise<void> {
    if (this.attachments.length === 0) return;
    this.attachments = await this.countAll(this.attachments);
    this.postAttachments();
  }

  private postAttachments(): void {
    this.post({ type: "attachments", attachments: this.attachments.map(attachmentView) });
  }

  // ── Conversations ─────────────────────────────────────────────────────────────────────────

  /** Conversations matching `query` (all when empty), the most recent first. */
  async listSessions(query: string): Promise<ReturnType<typeof searchSessions>> {
    await this.ensureLoaded();
    const sessions = await this.store.all();
    if (!sessions.some((session) => session.id === this.session.id) && this.session.messages.length > 0) sessions.push(this.session);
    return searchSessions(sessions, query, this.untitled());
  }

  async openSession(id: string): Promise<void> {
    await this.ensureLoaded();
    if (id === this.session.id) return;
    const session = await this.store.get(id);
    if (!session) return;
    this.stop();
    await this.engine.disposeConversation(this.conversation);
    this.useSession(session);
    this.postState();
  }

  /** Deletes a conversation after the user confirms (`confirm: false` only from code: tests, other extensions). */
  async deleteSession(id: string, options: { confirm?: boolean } = {}): Promise<void> {
    await this.ensureLoaded();
    const session = id === this.session.id ? this.session : await this.store.get(id);
    if (!session) return;
    if (options.confirm !== false) {
      const remove = vscode.l10n.t("Delete");
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t("Delete the conversation \"{0}\"? It cannot be brought back.", sessionTitle(session, this.untitled())),
        { modal: true },
        remove,
      );
      if (choice !== remove) return;
    }
    await this.store.delete(id);
    if (id === this.session.id) await this.newChat();
    this.post({ type: "sessions", query: "", sessions: await this.listSessions("") });
  }

  /** Renames a conversation; asks for the name unless code gives one. */
  async renameSession(id: string, name?: string): Promise<void> {
    await this.ensureLoaded();
    const session = id === this.session.id ? this.session : await this.store.get(id);
    if (!session) return;
    const title = name ?? await vscode.window.showInputBox({
      title: vscode.l10n.t("Rename Conversation"),
      value: sessionTitle(session, this.untitled()),
      validateInput: (value) => (value.trim() ? null : vscode.l10n.t("Type a name for the conversation.")),
    });
    if (!title?.trim()) return;
    session.title = titleFromText(title);
    session.titleFixed = true;
    await this.saveNow(session);
    if (session === this.session) this.postState();
    this.post({ type: "sessions", query: "", sessions: await this.listSessions("") });
  }

  /** Starts an empty conversation; the previous one stays in the history. */
  async newChat(): Promise<void> {
    await this.ensureLoaded();
    this.stop();
    await this.engine.disposeConversation(this.conversation);
    this.useSession(this.emptySession());
    this.attachments = [];
    this.postState();
  }

  // ── Messages ──────────────────────────────────────────────────────────────────────────────

  private addMessage(message: Omit<ChatMessageView, "id">): ChatMessageView {
    const full: ChatMessageView = { id: `c${this.nextId++}`, ...message };
    this.session.messages.push(full);
    this.post({ type: "append", message: forView(full) });
    return full;
  }

  private appendNotice(text: string, error: boolean): void {
    this.addMessage({ role: "notice", text, ...(error ? { error: true } : {}) });
    this.scheduleSave(0);
  }

  /** A notice in the conversation from elsewhere in Hearth (a review's summary). */
  showNotice(text: string): void {
    this.appendNotice(text, false);
  }

  /** Stops the answer being written (it keeps what it has). */
  stop(): void {
    this.running?.cancel();
  }

  /** What the model is given as this conversation's history (for tests and bug reports). */
  modelHistory(): ReadonlyArray<{ role: "user" | "assistant"; text: string }> {
    return [...this.conversation.history];
  }

  /**
   * Sends `text` (with what is attached) as the user's next message; resolves when the answer has
   * finished.
   */
  async send(text: string, from?: Surface): Promise<void> {
    await this.ensureLoaded();
    // A message sent while an answer streams (say, from the other chat surface) waits its turn:
    // it is never dropped.
    const turn = this.queue.then(() => this.sendNow(text, from));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async sendNow(text: string, from?: Surface): Promise<void> {
    const parsed = parseChatReferences(text);
    const referenced = await this.resolveReferences(parsed);
    if (!referenced) {
      // A #file or #folder that cannot be used: nothing is sent, the message goes back (into the
      // composer it came from) to be fixed.
      this.post({ type: "restoreDraft", text }, from);
      return;
    }
    const composer = this.attachments;
    this.attachments = [];
    this.postAttachments();
    const attachments = [...composer, ...referenced.files, ...(await this.retrievedFor(text, parsed, referenced.folders))];
    const prompt = buildPrompt(text, attachments);
    const question = this.addMessage({
      role: "user",
      text,
      ...(attachments.length > 0 ? { attachments: attachments.map(attachmentView), prompt } : {}),
    });
    this.lastComposerAttachments = { id: question.id, attachments: composer };
    if (!this.session.titleFixed && !this.session.title) {
      // The first question names the conversation: the view's title changes with it.
      this.session.title = titleFromText(text);
      this.postState();
    }
    await this.answer(question);
  }

  /** Passages for a message: from under its #folder references, or from the whole index for @workspace. */
  private async retrievedFor(text: string, parsed: ParsedReferences, folders: Array<{ typed: string; fsPath: string }>): Promise<ChatAttachment[]> {
    if (folders.length > 0) return this.workspacePassages(parsed.query || text, folders);
    if (/(^|\s)@workspace\b/.test(text)) return this.workspacePassages(text.replace(/(^|\s)@workspace\b/g, " ").trim() || text);
    return [];
  }

  /** Answers the last question again (the previous answer goes). */
  async regenerate(): Promise<void> {
    await this.ensureLoaded();
    if (this.running) return;
    const index = lastQuestionIndex(this.session.messages);
    if (index < 0) return;
    const question = this.session.messages[index]!;
    await this.rewindTo(index + 1);
    await this.answer(question);
  }

  /** Replaces the last question with `text` (keeping its attachments) and answers it. */
  async editLast(text: string): Promise<void> {
    await this.ensureLoaded();
    if (this.running) return;
    const index = lastQuestionIndex(this.session.messages);
    if (index < 0) {
      await this.send(text);
      return;
    }
    const old = this.session.messages[index]!;
    const parsed = parseChatReferences(text);
    if (referenceKey(parsed, text) !== referenceKey(parseChatReferences(old.text), old.text)) {
      await this.editWithNewReferences(index, old, text, parsed);
      return;
    }
    await this.rewindTo(index);
    const question = this.addMessage({
      role: "user",
      text,
      ...(old.attachments ? { attachments: old.attachments } : {}),
      ...(old.prompt !== undefined ? { prompt: old.prompt.slice(0, old.prompt.length - old.text.length) + text } : {}),
    });
    if (this.lastComposerAttachments?.id === old.id) this.lastComposerAttachments = { id: question.id, attachments: this.lastComposerAttachments.attachments };
    if (!this.session.titleFixed && index === 0) this.session.title = titleFromText(text);
    await this.answer(question);
  }

  /**
   * An edit that changes the question's #file/#folder references (or @workspace): they are read
   * again, and the composer's chips it was sent with stay (after a window reload those are not
   * known any more, and only the references are attached). A reference that cannot be used leaves
   * the conversation as it was and puts the edit back in the composer.
   */
  private async editWithNewReferences(index: number, old: ChatMessageView, text: string, parsed: ParsedReferences): Promise<void> {
    const referenced = await this.resolveReferences(parsed);
    if (!referenced) {
      this.post({ type: "restoreDraft", text, editing: true });
      return;
    }
    const composer = this.lastComposerAttachments?.id === old.id ? this.lastComposerAttachments.attachments : [];
    await this.rewindTo(index);
    const attachments = [...composer, ...referenced.files, ...(await this.retrievedFor(text, parsed, referenced.folders))];
    const question = this.addMessage({
      role: "user",
      text,
      ...(attachments.length > 0 ? { attachments: attachments.map(attachmentView), prompt: buildPrompt(text, attachments) } : {}),
    });
    this.lastComposerAttachments = { id: question.id, attachments: composer };
    if (!this.session.titleFixed && index === 0) this.session.title = titleFromText(text);
    await this.answer(question);
  }

  /** Drops the messages from `index` on; the engine restarts the conversation from what is left. */
  private async rewindTo(index: number): Promise<void> {
    this.session.messages.splice(index);
    await this.engine.disposeConversation(this.conversation);
    this.conversation = { history: historyOf(this.session.messages), engineSession: null };
    this.postState();
  }

  private async answer(question: ChatMessageView): Promise<void> {
    const answer = this.addMessage({ role: "assistant", text: "", streaming: true });
    const source = new vscode.CancellationTokenSource();
    this.running = source;
    this.post({ type: "busy", busy: true });
    this.scheduleSave(0);
    try {
      const result = await this.engine.chatTurn(
        this.conversation,
        question.prompt ?? question.text,
        (chunk) => {
          answer.text += chunk;
          this.post({ type: "chunk", id: answer.id, text: chunk });
          this.scheduleSave(streamingSaveMs);
        },
        source.token,
        testChatOptions(),
      );
      answer.text = result.text;
      answer.footer = [
        result.model,
        vscode.l10n.t("{0} tok/s", result.usage.tokensPerSecond.toFixed(1)),
        result.stopReason === "cancelled"
          ? vscode.l10n.t("stopped")
          : result.stopReason === "maxTokens"
            ? vscode.l10n.t("token limit reached")
            : "",
      ]
        .filter(Boolean)
        .join(" · ");
      if (result.droppedTurns > 0) {
        this.appendNotice(
          vscode.l10n.t(
            "The conversation no longer fits in {0}'s context of {1} tokens, so the model no longer sees its oldest {2} exchanges (they stay here). Start a new chat, or raise hearth.contextSize, to keep everything in view.",
            result.model,
            result.contextSize,
            result.droppedTurns,
          ),
          false,
        );
      }
    } catch (error) {
      if (isEngineError(error, "cancelled")) {
        answer.footer = [this.engine.remote?.label() ?? this.engine.activeModel?.name ?? "", vscode.l10n.t("stopped")].filter(Boolean).join(" · ");
      } else {
        this.appendNotice(errorText(error), true);
      }
      // No model at all: offer the recommended download (or a file) instead of only an error.
      if (error instanceof NoModelError) void offerFirstModel(this.engine, this.pulls);
      // The partial answer stays, and the model sees it next turn; the question stays either way.
      if (answer.text) {
        this.conversation.history.push({ role: "user", text: question.prompt ?? question.text }, { role: "assistant", text: answer.text });
        await this.engine.disposeConversation(this.conversation);
      }
    } finally {
      answer.streaming = false;
      this.post({ type: "update", message: forView(answer) });
      this.running = null;
      source.dispose();
      this.post({ type: "busy", busy: false });
      await this.saveNow(this.session);
    }
  }

  // ── Saving ────────────────────────────────────────────────────────────────────────────────

  private scheduleSave(delayMs: number): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.saveNow(this.session);
    }, delayMs);
  }

  private async saveNow(session: ChatSession): Promise<void> {
    if (session.messages.length === 0) return;
    session.updatedAt = Date.now();
    try {
      await this.store.save(session);
      this.saveFailureShown = false;
    } catch (error) {
      if (this.saveFailureShown) return;
      this.saveFailureShown = true;
      void vscode.window.showWarningMessage(
        vscode.l10n.t(
          "Hearth could not save this conversation to {0}: {1}. It stays open in this window; free some disk space or check the folder's permissions so it is kept after a reload.",
          this.store.folder,
          errorText(error),
        ),
      );
    }
  }

  /** Writes everything pending (for tests and deactivation). */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
      await this.saveNow(this.session);
    }
    await this.store.flush();
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
    this.post({ type: "focusComposer" });
  }

  /** Shows the chat (the editor panel when it is open, else the side bar view). */
  async reveal(): Promise<void> {
    if (this.panel) this.panel.reveal(undefined, false);
    else await vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`);
    await this.ensureLoaded();
  }

  /** The view's History button: the searchable list of conversations. */
  async showHistory(): Promise<void> {
    await this.reveal();
    this.post({ type: "showHistory" });
  }

  dispose(): void {
    this.running?.cancel();
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
      void this.saveNow(this.session);
    }
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

/** What a message asks to attach by itself: its #file/#folder tokens and @workspace. */
function referenceKey(parsed: ParsedReferences, text: string): string {
  return JSON.stringify([parsed.references.map((reference) => reference.raw), /(^|\s)@workspace\b/.test(text)]);
}

function lastQuestionIndex(messages: readonly ChatMessageView[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === "user") return i;
  return -1;
}

/** What the view gets of a message: never the host-only prompt text. */
function forView(message: ChatMessageView): ChatMessageView {
  const { prompt: _, ...view } = message;
  return view;
}

function attachmentView(attachment: ChatAttachment | ChatAttachmentView): ChatAttachmentView {
  return {
    id: attachment.id,
    kind: attachment.kind,
    label: attachment.label,
    tokens: attachment.tokens,
    ...(attachment.approximate ? { approximate: true } : {}),
    ...(attachment.detail ? { detail: attachment.detail } : {}),
  };
}

/**
 * For end-to-end tests only: HEARTH_TEST_CHAT_GRAMMAR names a GBNF file that constrains chat
 * answers, so the tiny fixture model (which otherwise writes noise) answers with, say, a code block.
 */
let testGrammar: string | null | undefined;
function testChatOptions(): GenerationOptions | undefined {
  if (testGrammar === undefined) {
    const file = process.env.HEARTH_TEST_CHAT_GRAMMAR;
    testGrammar = file ? readFileSync(file, "utf8") : null;
  }
  return testGrammar ? { grammar: testGrammar } : undefined;
}
