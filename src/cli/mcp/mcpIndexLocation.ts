// Which index `hearth mcp` serves for a workspace folder: the one `hearth index PATH` builds
// (HEARTH_HOME/indexes, workspaceIndexLocation.ts) or the one VS Code's Index Workspace builds for
// that folder opened alone (HEARTH_HOME/workspaces/<key>/index, keyed as src/extension/workspaceData.ts
// keys it: the folder's URI as VS Code writes it). When both exist, the one saved last.
import * as path from "node:path";
import { workspaceDataKey } from "../../common/workspaceDataKey";
import { readManifest } from "../../engine/index/indexStore";
import { defaultStoreRoot } from "../../node/storeRoot";
import { workspaceDataFolders } from "../../node/workspaceDataFolder";
import { indexDirFor } from "../workspaceIndexLocation";

export type IndexSource = "cli" | "vscode";

export interface WorkspaceIndexLocation {
  storeDir: string;
  /** Who built it; null when neither index exists (storeDir is then where `hearth index` would build one). */
  source: IndexSource | null;
}

/**
 * A folder's URI as VS Code's `Uri.file(folder).toString()` writes it: `/` separators, a Windows
 * drive letter in lower case, and every character but `A-Z a-z 0-9 - . _ ~ /` percent-encoded
 * (`:` too: `file:///c%3A/code`).
 */
export function vscodeFileUri(folder: string, platform: NodeJS.Platform = process.platform): string {
  let uriPath = platform === "win32" ? folder.replace(/\\/g, "/") : folder;
  if (!uriPath.startsWith("/")) uriPath = `/${uriPath}`;
  if (/^\/[A-Z]:/.test(uriPath)) uriPath = `/${uriPath[1]!.toLowerCase()}${uriPath.slice(2)}`;
  const encoded = uriPath
    .split("/")
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join("/");
  return `file://${encoded}`;
}

/** Where VS Code keeps the index of `folder` opened as a window's only folder. */
export function vscodeIndexDirFor(folder: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const key = workspaceDataKey({ folders: [vscodeFileUri(path.resolve(folder), platform)], caseInsensitive: platform === "win32" || platform === "darwin" })!;
  return workspaceDataFolders(defaultStoreRoot(env), key).index;
}

/** The index to serve for `folder`: the CLI's or VS Code's, whichever was saved last. */
export async function findWorkspaceIndex(folder: string, env: NodeJS.ProcessEnv = process.env): Promise<WorkspaceIndexLocation> {
  const candidates: Array<{ storeDir: string; source: IndexSource }> = [
    { storeDir: indexDirFor(folder, env), source: "cli" },
    { storeDir: vscodeIndexDirFor(folder, env), source: "vscode" },
  ];
  let best: { storeDir: string; source: IndexSource; updatedAt: number } | null = null;
  for (const candidate of candidates) {
    const manifest = await readManifest(candidate.storeDir);
    if (manifest && (best === null || manifest.updatedAt > best.updatedAt)) best = { ...candidate, updatedAt: manifest.updatedAt };
  }
  return best ? { storeDir: best.storeDir, source: best.source } : { storeDir: candidates[0]!.storeDir, source: null };
}
