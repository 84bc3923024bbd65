// A lock between processes (the extension's engine and a `hearth` CLI) that share a folder: a
// file created with `wx` holding the owner's pid, host, time and a random token. A lock is stale
// when its process is gone (same host) or it was not refreshed for `staleMs`; a stale lock is
// broken by renaming it aside first, so two waiters cannot both break it and both enter.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import { storeBusyError } from "../common/models/downloadErrors";

interface LockContent {
  pid: number;
  host: string;
  createdAt: string;
  token: string;
  purpose: string;
}

export interface LockOptions {
  /** What the lock is for, written into the file for whoever finds it. */
  purpose?: string;
  /** A lock not refreshed for this long is stale (default 10 minutes). */
  staleMs?: number;
  /** How long to wait for a held lock before giving up (default 60 s; 0 = try once). */
  timeoutMs?: number;
  /** How often to look again while waiting (default 50 ms). */
  pollMs?: number;
  /** Stops waiting. */
  signal?: AbortSignal;
  /** Keep the lock fresh while held (default staleMs / 3); 0 = never. */
  refreshMs?: number;
}

export interface HeldLock {
  readonly path: string;
  /** Marks the lock as still in use (its mtime is how staleness is judged). */
  refresh(): Promise<void>;
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
}

const defaultStaleMs = 10 * 60_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readLock(lockPath: string): Promise<{ content: LockContent | null; mtimeMs: number } | null> {
  try {
    const [text, stat] = await Promise.all([fs.promises.readFile(lockPath, "utf8"), fs.promises.stat(lockPath)]);
    let content: LockContent | null = null;
    try {
      const parsed = JSON.parse(text) as Partial<LockContent>;
      if (typeof parsed.pid === "number" && typeof parsed.token === "string") content = parsed as LockContent;
    } catch {
      content = null; // being written right now, or damaged: judged by age alone
    }
    return { content, mtimeMs: stat.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function isStale(lock: { content: LockContent | null; mtimeMs: number }, staleMs: number): boolean {
  if (Date.now() - lock.mtimeMs > staleMs) return true;
  const content = lock.content;
  if (!content) return false;
  return content.host === os.hostname() && content.pid !== process.pid && !processAlive(content.pid);
}

/** Breaks a stale lock; only the waiter whose rename moved exactly the stale file succeeds. */
async function breakStaleLock(lockPath: string, seen: LockContent | null): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await fs.promises.rename(lockPath, aside);
  } catch {
    return; // someone else broke or released it
  }
  const moved = await readLock(aside).catch(() => null);
  if (seen && moved?.content && moved.content.token !== seen.token) {
    // We moved a fresh lock another waiter had just taken: put it back unless a new one is there.
    await fs.promises.link(aside, lockPath).catch(() => undefined);
  }
  await fs.promises.rm(aside, { force: true });
}

function describeHolder(content: LockContent | null): string {
  if (!content) return "unknown process";
  return `pid ${content.pid} on ${content.host}, since ${content.createdAt}`;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Tries once: the held lock, or null when another live owner has it. */
export async function tryAcquireLock(lockPath: string, options: LockOptions = {}): Promise<HeldLock | null> {
  const staleMs = options.staleMs ?? defaultStaleMs;
  const content: LockContent = {
    pid: process.pid,
    host: os.hostname(),
    createdAt: new Date().toISOString(),
    token: randomBytes(12).toString("hex"),
    purpose: options.purpose ?? "",
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await fs.promises.open(lockPath, "wx");
      try {
        await handle.writeFile(`${JSON.stringify(content)}\n`);
      } finally {
        await handle.close();
      }
      return createHeldLock(lockPath, content.token, options.refreshMs ?? Math.floor(staleMs / 3));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const existing = await readLock(lockPath);
    if (existing === null) continue; // released meanwhile
    if (!isStale(existing, staleMs)) return null;
    await breakStaleLock(lockPath, existing.content);
  }
  return null;
}

/**
 * Waits for the lock (polling) and returns it. Throws an EngineError ("storeBusy") after
 * `timeoutMs`, or the signal's reason when aborted.
 */
export async function acquireLock(lockPath: string, options: LockOptions = {}): Promise<HeldLock> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const pollMs = options.pollMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason;
    const lock = await tryAcquireLock(lockPath, options);
    if (lock) return lock;
    if (Date.now() >= deadline) {
      const holder = await readLock(lockPath).catch(() => null);
      throw storeBusyError(lockPath, describeHolder(holder?.content ?? null));
    }
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())), options.signal);
  }
}

/** Runs `action` while holding the lock. */
export async function withLock<T>(lockPath: string, options: LockOptions, action: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(lockPath, options);
  try {
    return await action();
  } finally {
    await lock.release();
  }
}

function createHeldLock(lockPath: string, token: string, refreshMs: number): HeldLock {
  let released = false;
  const refresh = async (): Promise<void> => {
    if (released) return;
    const now = new Date();
    await fs.promises.utimes(lockPath, now, now).catch(() => undefined);
  };
  const timer = refreshMs > 0 ? setInterval(() => void refresh(), refreshMs) : null;
  timer?.unref();
  return {
    path: lockPath,
    refresh,
    async release(): Promise<void> {
      if (released) return;
      released = true;
      if (timer) clearInterval(timer);
      const current = await readLock(lockPath).catch(() => null);
      if (current?.content?.token === token) await fs.promises.rm(lockPath, { force: true });
    },
  };
}
