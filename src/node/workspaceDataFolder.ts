// A workspace's own folder under Hearth's home: `<home>/workspaces/<name>-<hash>/` holds its
// conversations (`chats/`) and its index (`index/`), the same folder for every window on that
// workspace (src/common/workspaceDataKey.ts says which workspace it is). Earlier versions kept both
// in the storage folder VS Code gave the extension; moveLegacyData brings them over once per old
// folder, keeping every conversation and the newest index.
import * as fs from "node:fs";
import * as path from "node:path";
import type { WorkspaceDataKey } from "../common/workspaceDataKey";
import { parseSavedSession } from "../common/chat/chatSessions";
import { withLock } from "./fileLock";

export interface WorkspaceDataFolders {
  /** The workspace's folder (null key: the extension's global storage, as before). */
  root: string;
  /** One JSON file per conversation. */
  chats: string;
  /** The workspace index (the engine writes it, under its write.lock). */
  index: string;
}

/** Held while a conversation file is compared and written, by every window and by the move below. */
export function chatsLockPath(chatsDir: string): string {
  return `${chatsDir}.lock`;
}

/** A lock on the conversations: quick operations only, so a lock older than 30 s is stale. */
export const chatsLockOptions = { purpose: "save a Hearth conversation", staleMs: 30_000, timeoutMs: 10_000 } as const;

export function workspaceDataFolders(hearthHome: string, key: WorkspaceDataKey): WorkspaceDataFolders {
  const root = path.join(hearthHome, "workspaces", key.folderName);
  return { root, chats: path.join(root, "chats"), index: path.join(root, "index") };
}

/** The folders as earlier versions laid them out inside one extension storage folder. */
export function legacyFolders(storageDir: string): { chats: string; index: string } {
  return { chats: path.join(storageDir, "chats"), index: path.join(storageDir, "workspace-index") };
}

/** Writes `workspace.json` (what the folder belongs to) unless it is there. */
export async function describeWorkspaceFolder(folders: WorkspaceDataFolders, key: WorkspaceDataKey): Promise<void> {
  const file = path.join(folders.root, "workspace.json");
  if (fs.existsSync(file)) return;
  await fs.promises.mkdir(folders.root, { recursive: true });
  await writeAtomically(file, `${JSON.stringify({ workspace: key.identity, createdAt: new Date().toISOString() }, null, 2)}\n`);
}

export interface LegacyMoveReport {
  /** Old storage folders looked at for the first time. */
  sources: string[];
  /** Conversations copied in (new, or newer than the copy already here). */
  chatsCopied: number;
  /** Where the index came from, when one was moved in. */
  indexFrom: string | null;
  /** What could not be done (the old data stays where it is; it is tried again next time). */
  problems: string[];
}

interface MigratedRecord {
  sources: string[];
}

async function readRecord(file: string): Promise<MigratedRecord> {
  try {
    const parsed = JSON.parse(await fs.promises.readFile(file, "utf8")) as Partial<MigratedRecord>;
    return { sources: Array.isArray(parsed.sources) ? parsed.sources.filter((item): item is string => typeof item === "string") : [] };
  } catch {
    return { sources: [] };
  }
}

async function writeAtomically(file: string, data: string): Promise<void> {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  await fs.promises.writeFile(temporary, data, "utf8");
  await fs.promises.rename(temporary, file);
}

/** The time a saved conversation last changed, or -1 when there is none (or it cannot be read). */
async function savedUpdatedAt(file: string): Promise<number> {
  try {
    return parseSavedSession(JSON.parse(await fs.promises.readFile(file, "utf8")))?.updatedAt ?? -1;
  } catch {
    return -1;
  }
}

/** Copies the conversations in `from` that `to` lacks or holds an older copy of (adding their ids to `copied`). Originals stay. */
async function copyConversations(from: string, to: string, copied: Set<string>): Promise<void> {
  let names: string[];
  try {
    names = await fs.promises.readdir(from);
  } catch {
    return;
  }
  await fs.promises.mkdir(to, { recursive: true });
  for (const name of names) {
    if (!name.endsWith(".json")) continue;
    const text = await fs.promises.readFile(path.join(from, name), "utf8").catch(() => null);
    if (text === null) continue;
    let session;
    try {
      session = parseSavedSession(JSON.parse(text));
    } catch {
      session = null;
    }
    // A damaged file stays where it is (the old chat code set such files aside the same way).
    if (!session || `${session.id}.json` !== name) continue;
    const target = path.join(to, name);
    if ((await savedUpdatedAt(target)) >= session.updatedAt) continue;
    await writeAtomically(target, text);
    copied.add(session.id);
  }
}

async function indexSavedAt(indexDir: string): Promise<number> {
  try {
    return (await fs.promises.stat(path.join(indexDir, "index.json"))).mtimeMs;
  } catch {
    return -1;
  }
}

/** Moves an index folder into place: a rename, or a copy and a removal across file systems. */
async function moveIndex(from: string, to: string): Promise<void> {
  await fs.promises.mkdir(path.dirname(to), { recursive: true });
  const staging = `${to}.moving-${process.pid}`;
  await fs.promises.rm(staging, { recursive: true, force: true });
  try {
    await fs.promises.rename(from, staging);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
    await fs.promises.cp(from, staging, { recursive: true });
    await fs.promises.rm(from, { recursive: true, force: true });
  }
  await fs.promises.rm(to, { recursive: true, force: true });
  await fs.promises.rename(staging, to);
}

/**
 * Brings conversations and the index over from the old storage folders (`legacyStorageDirs`, the
 * extension's folder inside each), once per folder: every conversation is copied (the newer copy
 * wins when both places have it), and the newest index moves in when there is none here yet. An
 * index being written (its write.lock is there) is left for next time.
 */
export async function moveLegacyData(folders: WorkspaceDataFolders, legacyStorageDirs: readonly string[]): Promise<LegacyMoveReport> {
  const report: LegacyMoveReport = { sources: [], chatsCopied: 0, indexFrom: null, problems: [] };
  const recordFile = path.join(folders.root, "migrated.json");
  const record = await readRecord(recordFile);
  const pending = legacyStorageDirs.filter((dir) => !record.sources.includes(path.resolve(dir)) && fs.existsSync(dir));
  if (pending.length === 0) return report;
  await fs.promises.mkdir(folders.root, { recursive: true });

  const done: string[] = [];
  const copied = new Set<string>();
  await withLock(chatsLockPath(folders.chats), chatsLockOptions, async () => {
    // The newest old index, if this workspace has none yet.
    let newest: { dir: string; at: number } | null = null;
    if ((await indexSavedAt(folders.index)) < 0) {
      for (const dir of pending) {
        const at = await indexSavedAt(legacyFolders(dir).index);
        if (at >= 0 && (!newest || at > newest.at)) newest = { dir, at };
      }
    }
    for (const dir of pending) {
      const legacy = legacyFolders(dir);
      try {
        await copyConversations(legacy.chats, folders.chats, copied);
        if (newest?.dir === dir) {
          if (fs.existsSync(path.join(legacy.index, "write.lock"))) {
            report.problems.push(`the index in ${legacy.index} is being written; it is moved next time`);
            continue;
          }
          await moveIndex(legacy.index, folders.index);
          report.indexFrom = legacy.index;
        }
        done.push(path.resolve(dir));
      } catch (error) {
        report.problems.push(`${dir}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    await writeAtomically(recordFile, `${JSON.stringify({ sources: [...record.sources, ...done] }, null, 2)}\n`);
  });
  report.sources = done;
  report.chatsCopied = copied.size;
  return report;
}
