// Which files an index is behind on, for `hearth mcp`'s index_status: indexed files changed on
// disk since (size or time differ and so does the content: a checkout that only touched a file
// is not a change), indexed files gone, and files the indexer would read that appeared after the
// index was last saved. The disk is walked by the indexer's own rules (workspaceWalker.ts:
// ignore files, secrets by path, the size cap); files left out for what they hold (binary,
// minified, a secret inside) are not read here, so one of those created after the last save
// counts as new until the next index run passes over it.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileKey } from "../../engine/index/indexStore";
import { defaultMaxFileBytes } from "../../engine/index/workspaceIndexes";
import { walkFolder } from "../../engine/index/workspaceWalker";

export interface IndexedFileState {
  root: string;
  path: string;
  size: number;
  mtimeMs: number;
  hash: string;
}

export interface StaleFiles {
  /** Absolute paths, sorted. */
  changed: string[];
  deleted: string[];
  added: string[];
}

async function sha256Of(file: string): Promise<string | null> {
  try {
    return createHash("sha256").update(await fs.promises.readFile(file)).digest("hex");
  } catch {
    return null;
  }
}

/** Compares the index's files (`indexed`) under `roots` with the disk; `updatedAt` is the index's last save. */
export async function findStaleFiles(
  roots: readonly string[],
  indexed: readonly IndexedFileState[],
  updatedAt: number | null,
  storeDir: string,
): Promise<StaleFiles> {
  const known = new Map(indexed.map((file) => [fileKey(file.root, file.path), file]));
  const stale: StaleFiles = { changed: [], deleted: [], added: [] };
  const seen = new Set<string>();
  for (const root of roots) {
    const walked = await walkFolder(root, { maxFileBytes: defaultMaxFileBytes, skipFolders: [storeDir] });
    for (const file of walked) {
      const key = fileKey(file.root, file.path);
      seen.add(key);
      const entry = known.get(key);
      if (!entry) {
        if (updatedAt === null || file.mtimeMs > updatedAt) stale.added.push(file.absolutePath);
        continue;
      }
      if (entry.size === file.size && entry.mtimeMs === file.mtimeMs) continue;
      if ((await sha256Of(file.absolutePath)) !== entry.hash) stale.changed.push(file.absolutePath);
    }
  }
  for (const [key, entry] of known) {
    if (seen.has(key)) continue;
    const absolute = path.join(entry.root, ...entry.path.split("/"));
    // Not walked: gone, or now excluded (an ignore rule added since); only a missing file is stale.
    if (!fs.existsSync(absolute)) stale.deleted.push(absolute);
  }
  for (const list of [stale.changed, stale.deleted, stale.added]) list.sort();
  return stale;
}
