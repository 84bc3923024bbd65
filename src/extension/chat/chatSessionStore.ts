// Conversations on disk: one JSON file per conversation in the workspace's folder under Hearth's
// home (src/node/workspaceDataFolder.ts; the extension's global storage when no folder is open),
// written to a temporary file and renamed, so a crash or a window reload mid-answer leaves the last
// complete save. Several windows on one workspace share the folder: a write happens under a lock
// and only over the version this window last saw (a conversation another window changed meanwhile
// is kept, and this window's version is saved beside it), and reload() reads what others wrote.
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { ChatSession } from "../../common/chat/chatSessions";
import { newSessionId, parseSavedSession, sessionForSaving, sessionsToEvict } from "../../common/chat/chatSessions";
import { withLock } from "../../node/fileLock";
import { chatsLockOptions, chatsLockPath } from "../../node/workspaceDataFolder";

/** What a save did: `savedAs` differs from the session's id when another window had changed it. */
export interface SaveOutcome {
  savedAs: string;
}

export class ChatSessionStore {
  private sessions: Map<string, ChatSession> | null = null;
  private loading: Promise<Map<string, ChatSession>> | null = null;
  /** Writes in flight per conversation, chained so they land in order. */
  private readonly writes = new Map<string, Promise<void>>();
  /** Per conversation, the `updatedAt` of the version on disk this window last read or wrote. */
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly dir: string,
    private readonly onError: (message: string) => void,
  ) {}

  get folder(): string {
    return this.dir;
  }

  /** Every conversation (read from disk the first time). */
  async all(): Promise<ChatSession[]> {
    return [...(await this.load()).values()];
  }

  async get(id: string): Promise<ChatSession | undefined> {
    return (await this.load()).get(id);
  }

  private load(): Promise<Map<string, ChatSession>> {
    if (this.sessions) return Promise.resolve(this.sessions);
    this.loading ??= this.readAll().then((sessions) => {
      this.sessions = sessions;
      for (const session of sessions.values()) this.seen.set(session.id, session.updatedAt);
      return sessions;
    });
    return this.loading;
  }

  /**
   * Reads the folder again (another window may have written or deleted conversations). Returns the
   * ids whose saved version changed, appeared or went away. Conversations this window is writing,
   * and `open` (the one on screen, which the caller takes with adoptSaved when it is idle), keep
   * this window's version.
   */
  async reload(open: string | null = null): Promise<string[]> {
    const sessions = await this.load();
    const onDisk = await this.readAll();
    const changed: string[] = [];
    for (const [id, session] of onDisk) {
      if (this.writes.has(id)) continue;
      if (this.seen.get(id) !== session.updatedAt || !sessions.has(id)) {
        changed.push(id);
        if (id === open) continue;
        sessions.set(id, session);
        this.seen.set(id, session.updatedAt);
      }
    }
    for (const id of [...sessions.keys()]) {
      if (onDisk.has(id) || this.writes.has(id) || !this.seen.has(id) || id === open) continue;
      sessions.delete(id);
      this.seen.delete(id);
      changed.push(id);
    }
    return changed;
  }

  private async readAll(): Promise<Map<string, ChatSession>> {
    const sessions = new Map<string, ChatSession>();
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return sessions;
    }
    for (const name of names) {
      if (!name.endsWith(".json")) continue;
      const file = path.join(this.dir, name);
      let text: string;
      try {
        text = await fs.readFile(file, "utf8");
      } catch {
        continue; // deleted by another window meanwhile
      }
      try {
        const session = parseSavedSession(JSON.parse(text));
        if (session && `${session.id}.json` === name) sessions.set(session.id, session);
      } catch (error) {
        // A damaged file is set aside, not deleted: the user may want what is in it.
        this.onError(`chat history ${file} could not be read (${String(error)}); it was renamed to .damaged`);
        await fs.rename(file, `${file}.damaged`).catch(() => undefined);
      }
    }
    return sessions;
  }

  /**
   * Saves a conversation (and drops the oldest ones beyond the limit). When another window saved a
   * different version since this window last saw it, neither is overwritten: this window's version
   * is saved under a new id, which the outcome names.
   */
  async save(session: ChatSession): Promise<SaveOutcome> {
    const sessions = await this.load();
    const outcome: SaveOutcome = { savedAs: session.id };
    await this.enqueue(session.id, async () => {
      await fs.mkdir(this.dir, { recursive: true });
      await withLock(chatsLockPath(this.dir), chatsLockOptions, async () => {
        const onDisk = await this.savedUpdatedAt(session.id);
        const seen = this.seen.get(session.id);
        if (onDisk !== null && onDisk !== seen && onDisk !== session.updatedAt) {
          // Another window changed it: keep theirs (read it in) and save ours beside it.
          const theirs = await this.readOne(session.id);
          if (theirs) {
            sessions.set(theirs.id, theirs);
            this.seen.set(theirs.id, theirs.updatedAt);
          }
          outcome.savedAs = newSessionId(Date.now());
        }
        const saved = { ...sessionForSaving(session), id: outcome.savedAs };
        const file = path.join(this.dir, `${saved.id}.json`);
        const temporary = `${file}.${process.pid}.tmp`;
        await fs.writeFile(temporary, JSON.stringify(saved), "utf8");
        await fs.rename(temporary, file);
        this.seen.set(saved.id, saved.updatedAt);
      });
    });
    if (outcome.savedAs !== session.id) session.id = outcome.savedAs;
    sessions.set(session.id, session);
    for (const old of sessionsToEvict([...sessions.values()])) await this.delete(old.id);
    return outcome;
  }

  /**
   * The saved version of `id` when it is newer than `than`, taken as this window's (the open
   * conversation, after another window changed it); null when there is none newer.
   */
  async adoptSaved(id: string, than: number): Promise<ChatSession | null> {
    const sessions = await this.load();
    const saved = await this.readOne(id);
    if (saved && saved.updatedAt > than) {
      sessions.set(id, saved);
      this.seen.set(id, saved.updatedAt);
      return saved;
    }
    return null;
  }

  private async readOne(id: string): Promise<ChatSession | null> {
    try {
      return parseSavedSession(JSON.parse(await fs.readFile(path.join(this.dir, `${id}.json`), "utf8")));
    } catch {
      return null;
    }
  }

  private async savedUpdatedAt(id: string): Promise<number | null> {
    return (await this.readOne(id))?.updatedAt ?? null;
  }

  async delete(id: string): Promise<void> {
    const sessions = await this.load();
    sessions.delete(id);
    this.seen.delete(id);
    await this.enqueue(id, () => fs.rm(path.join(this.dir, `${id}.json`), { force: true }));
  }

  private enqueue(id: string, write: () => Promise<void>): Promise<void> {
    const previous = this.writes.get(id) ?? Promise.resolve();
    const next = previous.then(write).catch((error: unknown) => {
      this.onError(`chat history could not be saved in ${this.dir}: ${String(error)}`);
      throw error;
    });
    const settled = next.catch(() => undefined);
    this.writes.set(id, settled);
    void settled.then(() => {
      if (this.writes.get(id) === settled) this.writes.delete(id);
    });
    return next;
  }

  /** Resolves when every write started so far has landed. */
  async flush(): Promise<void> {
    await Promise.all([...this.writes.values()]);
  }
}
