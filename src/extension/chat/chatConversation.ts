// The Chat view's conversations: the open one (its messages, and what the engine holds of it) and
// the others kept for this workspace, saved as they change (chatSessionStore.ts writes the files),
// so hiding the view mid-answer or reloading the window loses nothing. Listing, searching, opening,
// renaming, deleting and starting conversations happen here.
import * as fs from "node:fs";
import * as vscode from "vscode";
import type { ChatSession, ChatSessionSummary } from "../../common/chat/chatSessions";
import { historyOf, messageForView, newSessionId, parseSavedSession, searchSessions, sessionTitle, titleFromText } from "../../common/chat/chatSessions";
import { errorText } from "../../common/engine/engineError";
import type { ChatMessageView } from "../../common/webviewProtocol";
import { ChatSessionStore } from "./chatSessionStore";
import type { ChatSurfaces } from "./chatSurfaces";
import type { Conversation, EngineService } from "../engineHost/engineService";
import type { WorkspaceData } from "../workspaceData";

/** Where the first version kept its one conversation (moved into the session store once). */
const legacyTranscriptKey = "hearth.chat.transcript";
const currentSessionKey = "hearth.chat.currentSession";
/** How often a streaming answer is written to disk (so a window reload keeps most of it). */
export const streamingSaveMs = 500;
/** How long changes other windows make gather before the history is read again. */
const refreshDebounceMs = 300;

/** What the conversations need from the rest of the Chat view. */
export interface ConversationHooks {
  /** Stops the answer being written (another conversation is about to open). */
  stopAnswer(): void;
  /** A new, empty conversation opened: what was attached for the old one goes. */
  startedNew(): void;
  /** Sends every surface the whole state again. */
  postState(): void;
  /** An answer is being written (the open conversation is not replaced by another window's copy then). */
  isAnswering(): boolean;
}

export class ChatConversation {
  private current: ChatSession;
  /** What the engine is given of the open conversation. */
  private engineConversation: Conversation = { history: [], engineSession: null };
  private nextId = 1;
  private loaded: Promise<void> | null = null;
  private saveTimer: NodeJS.Timeout | null = null;
  private saveFailureShown = false;
  private readonly store: ChatSessionStore;
  private readonly disposables: vscode.Disposable[] = [];
  private watcher: fs.FSWatcher | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly workspaceData: WorkspaceData,
    private readonly engine: EngineService,
    private readonly log: vscode.LogOutputChannel,
    private readonly surfaces: ChatSurfaces,
    private readonly hooks: ConversationHooks,
  ) {
    this.store = new ChatSessionStore(workspaceData.folders.chats, (message) => log.warn(message));
    this.current = emptySession();
    // Another window on this workspace may change the history: read it again when this one gets focus.
    this.disposables.push(vscode.window.onDidChangeWindowState((state) => {
      if (state.focused && this.loaded) this.scheduleRefresh();
    }));
  }

  /** The open conversation. */
  get session(): ChatSession {
    return this.current;
  }

  /** What the engine holds of the open conversation (a new object after a rewind or a switch). */
  get conversation(): Conversation {
    return this.engineConversation;
  }

  /** Where conversations are saved (for tests and bug reports). */
  get historyFolder(): string {
    return this.store.folder;
  }

  untitled(): string {
    return vscode.l10n.t("New conversation");
  }

  /** Reads the saved conversations once and reopens the one the user had open. */
  ensureLoaded(): Promise<void> {
    this.loaded ??= (async () => {
      try {
        await this.workspaceData.ready();
        await this.migrateLegacyTranscript();
        const sessions = await this.store.all();
        const wanted = this.context.workspaceState.get<string>(currentSessionKey);
        const current = sessions.find((session) => session.id === wanted)
          ?? [...sessions].sort((a, b) => b.updatedAt - a.updatedAt)[0];
        // A message sent before the history was read stays in its new conversation.
        if (current && this.current.messages.length === 0) this.useSession(current);
      } catch (error) {
        // The chat still works (in a new conversation); the log says what could not be read.
        this.log.error(`chat history in ${this.store.folder} could not be read: ${errorText(error)}`);
      }
      this.watchFolder();
    })();
    return this.loaded;
  }

  // ── Other windows ─────────────────────────────────────────────────────────────────────────

  /** Watches the history folder, where other windows on this workspace save their conversations. */
  private watchFolder(): void {
    try {
      fs.mkdirSync(this.store.folder, { recursive: true });
      this.watcher = fs.watch(this.store.folder, (_event, name) => {
        if (!name || String(name).endsWith(".json")) this.scheduleRefresh();
      });
      this.watcher.on("error", () => undefined);
    } catch (error) {
      // Focusing the window still reads the history again.
      this.log.warn(`chat history: cannot watch ${this.store.folder} for other windows' changes: ${errorText(error)}`);
    }
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refresh();
    }, refreshDebounceMs);
  }

  /**
   * Reads what other windows saved: the History list follows, and the open conversation shows
   * another window's newer version when this window is not answering in it (when it is, its save
   * keeps both: see ChatSessionStore.save).
   */
  async refresh(): Promise<void> {
    try {
      await this.ensureLoaded();
      const changed = await this.store.reload(this.current.id);
      if (changed.length === 0) return;
      if (changed.includes(this.current.id) && !this.hooks.isAnswering() && !this.saveTimer) {
        const theirs = await this.store.adoptSaved(this.current.id, this.current.updatedAt);
        if (theirs) {
          await this.engine.disposeConversation(this.engineConversation);
          this.useSession(theirs);
          this.hooks.postState();
        }
      }
      this.surfaces.post({ type: "sessions", query: "", sessions: await this.listSessions("") });
    } catch (error) {
      this.log.warn(`chat history: could not read other windows' changes in ${this.store.folder}: ${errorText(error)}`);
    }
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
    this.current = session;
    this.engineConversation = { history: historyOf(session.messages), engineSession: null };
    this.nextId = session.messages.length + 1;
    while (session.messages.some((message) => message.id === `c${this.nextId}`)) this.nextId++;
    void this.context.workspaceState.update(currentSessionKey, session.id);
  }

  // ── Messages ──────────────────────────────────────────────────────────────────────────────

  addMessage(message: Omit<ChatMessageView, "id">): ChatMessageView {
    const full: ChatMessageView = { id: `c${this.nextId++}`, ...message };
    this.current.messages.push(full);
    this.surfaces.post({ type: "append", message: messageForView(full) });
    return full;
  }

  appendNotice(text: string, error: boolean): void {
    this.addMessage({ role: "notice", text, ...(error ? { error: true } : {}) });
    this.scheduleSave(0);
  }

  /** Drops the messages from `index` on; the engine restarts the conversation from what is left. */
  async rewindTo(index: number): Promise<void> {
    this.current.messages.splice(index);
    await this.engine.disposeConversation(this.engineConversation);
    this.engineConversation = { history: historyOf(this.current.messages), engineSession: null };
    this.hooks.postState();
  }

  /** What the model is given as this conversation's history (for tests and bug reports). */
  modelHistory(): ReadonlyArray<{ role: "user" | "assistant"; text: string }> {
    return [...this.engineConversation.history];
  }

  // ── Conversations ─────────────────────────────────────────────────────────────────────────

  /** Conversations matching `query` (all when empty), the most recent first. */
  async listSessions(query: string): Promise<ChatSessionSummary[]> {
    await this.ensureLoaded();
    await this.store.reload(this.current.id);
    const sessions = await this.store.all();
    if (!sessions.some((session) => session.id === this.current.id) && this.current.messages.length > 0) sessions.push(this.current);
    return searchSessions(sessions, query, this.untitled());
  }

  async openSession(id: string): Promise<void> {
    await this.ensureLoaded();
    if (id === this.current.id) return;
    const session = await this.store.get(id);
    if (!session) return;
    this.hooks.stopAnswer();
    await this.engine.disposeConversation(this.engineConversation);
    this.useSession(session);
    this.hooks.postState();
  }

  /** Deletes a conversation after the user confirms (`confirm: false` only from code: tests, other extensions). */
  async deleteSession(id: string, options: { confirm?: boolean } = {}): Promise<void> {
    await this.ensureLoaded();
    const session = id === this.current.id ? this.current : await this.store.get(id);
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
    if (id === this.current.id) await this.newChat();
    this.surfaces.post({ type: "sessions", query: "", sessions: await this.listSessions("") });
  }

  /** Renames a conversation; asks for the name unless code gives one. */
  async renameSession(id: string, name?: string): Promise<void> {
    await this.ensureLoaded();
    const session = id === this.current.id ? this.current : await this.store.get(id);
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
    if (session === this.current) this.hooks.postState();
    this.surfaces.post({ type: "sessions", query: "", sessions: await this.listSessions("") });
  }

  /** Starts an empty conversation; the previous one stays in the history. */
  async newChat(): Promise<void> {
    await this.ensureLoaded();
    this.hooks.stopAnswer();
    await this.engine.disposeConversation(this.engineConversation);
    this.useSession(emptySession());
    this.hooks.startedNew();
    this.hooks.postState();
  }

  // ── Saving ────────────────────────────────────────────────────────────────────────────────

  scheduleSave(delayMs: number): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.saveNow(this.current);
    }, delayMs);
  }

  async saveNow(session: ChatSession): Promise<void> {
    if (session.messages.length === 0) return;
    session.updatedAt = Date.now();
    try {
      const before = session.id;
      const outcome = await this.store.save(session);
      this.saveFailureShown = false;
      if (outcome.savedAs !== before) this.forked(session);
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

  /** Another window changed this conversation while this one was writing to it: both are kept. */
  private forked(session: ChatSession): void {
    if (session === this.current) void this.context.workspaceState.update(currentSessionKey, session.id);
    this.log.info(`chat history: another window changed the conversation this window was writing; this window's version was saved as ${session.id}`);
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        "The conversation \"{0}\" was also changed in another window. Both versions are kept: this window's is saved as a separate conversation. Open History to see both.",
        sessionTitle(session, this.untitled()),
      ),
    );
    this.hooks.postState();
  }

  /** Writes everything pending (for tests and deactivation). */
  async flush(): Promise<void> {
    if (this.cancelScheduledSave()) await this.saveNow(this.current);
    await this.store.flush();
  }

  /** Starts writing what is pending (the window is closing). */
  dispose(): void {
    if (this.cancelScheduledSave()) void this.saveNow(this.current);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.watcher?.close();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  /** Cancels the save scheduled for later; true when there was one (the caller saves now instead). */
  private cancelScheduledSave(): boolean {
    if (!this.saveTimer) return false;
    clearTimeout(this.saveTimer);
    this.saveTimer = null;
    return true;
  }
}

function emptySession(): ChatSession {
  const now = Date.now();
  return { id: newSessionId(now), title: "", createdAt: now, updatedAt: now, messages: [] };
}
