// Conversations on disk: one JSON file per conversation in the extension's workspace storage
// (global storage when no folder is open), written to a temporary file and renamed, so a crash or a
// window reload mid-answer leaves the last complete save. Loaded once, on first use.
import { promises as fs } from "node:fs";
import * as path from "node:path";
import type { ChatSession } from "../../common/chat/chatSessions";
import { parseSavedSession, sessionForSaving, sessionsToEvict } from "../../common/chat/chatSessions";

export class ChatSessionStore {
  private sessions: Map<string, ChatSession> | null = null;
  private loading: Promise<Map<string, ChatSession>> | null = null;
  /** Writes in flight per conversation, chained so they land in order. */
  private readonly writes = new Map<string, Promise<void>>();

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
      return sessions;
    });
    return this.loading;
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
      try {
        const session = parseSavedSession(JSON.parse(await fs.readFile(file, "utf8")));
        if (session && `${session.id}.json` === name) sessions.set(session.id, session);
      } catch (error) {
        // A damaged file is set aside, not deleted: the user may want what is in it.
        this.onError(`chat history ${file} could not be read (${String(error)}); it was renamed to .damaged`);
        await fs.rename(file, `${file}.damaged`).catch(() => undefined);
      }
    }
    return sessions;
  }

  /** Saves a conversation (and drops the oldest ones beyond the limit). */
  async save(session: ChatSession): Promise<void> {
    const sessions = await this.load();
    sessions.set(session.id, session);
    const data = JSON.stringify(sessionForSaving(session));
    await this.enqueue(session.id, async () => {
      await fs.mkdir(this.dir, { recursive: true });
      const file = path.join(this.dir, `${session.id}.json`);
      const temporary = `${file}.${process.pid}.tmp`;
      await fs.writeFile(temporary, data, "utf8");
      await fs.rename(temporary, file);
    });
    for (const old of sessionsToEvict([...sessions.values()])) await this.delete(old.id);
  }

  async delete(id: string): Promise<void> {
    const sessions = await this.load();
    sessions.delete(id);
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
