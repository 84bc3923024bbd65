// Which workspace a window has open, as a key that stays the same for every window on it: the
// saved .code-workspace file, else the workspace folders themselves (sorted). Conversations and
// the workspace index are kept under Hearth's own folder by this key, not in the storage folder
// VS Code hands the extension, which is `<id>-1`, `<id>-2`… when another window (or an extension
// host that outlived a closed browser tab) still holds `<id>`. Pure: src/node/workspaceDataFolder.ts
// puts it on disk.
import { sha256Hex } from "./sha256";

export interface WorkspaceShape {
  /** The workspace file's URI when the window has a saved multi-root workspace open. */
  workspaceFile?: string;
  /** The workspace folders' URIs, in the window's order. */
  folders: readonly string[];
  /** The file system ignores case (Windows, macOS): `C:\Code` and `c:\code` are one workspace. */
  caseInsensitive: boolean;
}

export interface WorkspaceDataKey {
  /** What the key is made of (written beside the data, for people reading the folder). */
  identity: string;
  /** The folder name: a readable part (the workspace's name) and a hash of the identity. */
  folderName: string;
}

function normaliseUri(uri: string, caseInsensitive: boolean): string {
  const trimmed = uri.length > 1 ? uri.replace(/\/+$/, "") : uri;
  return caseInsensitive ? trimmed.toLowerCase() : trimmed;
}

function lastSegment(uri: string): string {
  const withoutQuery = uri.replace(/[?#].*$/, "").replace(/\/+$/, "");
  const segment = withoutQuery.slice(withoutQuery.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A name safe in any file system, at most 40 characters ("workspace" when nothing is left). */
function readableName(name: string): string {
  const clean = name.replace(/\.code-workspace$/i, "").replace(/[^\w.-]+/g, "_").replace(/^[._]+/, "").slice(0, 40);
  return clean || "workspace";
}

/**
 * The key for a window's workspace, or null when no folder is open (the extension's global
 * storage serves then, as before). An untitled multi-root workspace is keyed by its folders.
 */
export function workspaceDataKey(shape: WorkspaceShape): WorkspaceDataKey | null {
  const file = shape.workspaceFile && !shape.workspaceFile.startsWith("untitled:") ? shape.workspaceFile : undefined;
  let identity: string;
  let name: string;
  if (file) {
    identity = `workspace:${normaliseUri(file, shape.caseInsensitive)}`;
    name = lastSegment(file);
  } else {
    if (shape.folders.length === 0) return null;
    const folders = [...new Set(shape.folders.map((folder) => normaliseUri(folder, shape.caseInsensitive)))].sort();
    identity = `folders:${folders.join("\n")}`;
    name = lastSegment(folders[0]!);
  }
  return { identity, folderName: `${readableName(name)}-${sha256Hex(identity).slice(0, 16)}` };
}

/**
 * The storage folders VS Code may have given this workspace before (where earlier versions kept
 * the data): among `siblings` (the names in the workspace-storage folder), `current` without its
 * `-N` suffix and that name with `-1` … `-9`; the plain one first.
 */
export function legacyStorageNames(current: string, siblings: readonly string[]): string[] {
  const base = current.replace(/-[1-9]$/, "");
  const matching = siblings.filter((name) => name === base || (name.startsWith(`${base}-`) && /^-[1-9]$/.test(name.slice(base.length))));
  return [...new Set(matching)].sort((a, b) => (a === base ? -1 : b === base ? 1 : a.localeCompare(b)));
}
