// Where this window keeps the workspace's conversations and index: the workspace's folder under
// Hearth's home, found from the workspace folders (or the .code-workspace file) themselves, so a
// second window, a reconnect or an extension host that outlived its browser tab all find the same
// data (VS Code hands such windows a fresh storage folder, `…-1`). With no folder open, the
// extension's global storage serves, as it always did. Data an earlier version left in VS Code's
// storage folders is brought over once, in the background, on first use.
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { errorText } from "../common/engine/engineError";
import { legacyStorageNames, workspaceDataKey } from "../common/workspaceDataKey";
import type { WorkspaceDataKey } from "../common/workspaceDataKey";
import { defaultStoreRoot } from "../node/storeRoot";
import { describeWorkspaceFolder, legacyFolders, moveLegacyData, workspaceDataFolders } from "../node/workspaceDataFolder";
import type { WorkspaceDataFolders } from "../node/workspaceDataFolder";

export class WorkspaceData {
  readonly folders: WorkspaceDataFolders;
  private readonly key: WorkspaceDataKey | null;
  private readonly legacyDirs: string[];
  private moving: Promise<void> | null = null;
  private moved = false;

  constructor(
    context: Pick<vscode.ExtensionContext, "storageUri" | "globalStorageUri">,
    private readonly log: vscode.LogOutputChannel,
    hearthHome: string = defaultStoreRoot(),
  ) {
    this.key = workspaceDataKey({
      ...(vscode.workspace.workspaceFile ? { workspaceFile: vscode.workspace.workspaceFile.toString() } : {}),
      folders: (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.toString()),
      caseInsensitive: process.platform === "win32" || process.platform === "darwin",
    });
    if (this.key) {
      this.folders = workspaceDataFolders(hearthHome, this.key);
      this.legacyDirs = context.storageUri ? legacyStorageDirs(context.storageUri.fsPath) : [];
    } else {
      const global = context.globalStorageUri.fsPath;
      this.folders = { root: global, ...legacyFolders(global) };
      this.legacyDirs = [];
    }
  }

  /** Resolves once data from earlier versions' storage folders is here (at most once per window). */
  ready(): Promise<void> {
    this.moving ??= this.moveIn().finally(() => {
      this.moved = true;
    });
    return this.moving;
  }

  /** True while an earlier version's index may still be waiting to move in (see ready()). */
  legacyIndexWaiting(): boolean {
    return !this.moved && this.legacyDirs.some((dir) => fs.existsSync(path.join(legacyFolders(dir).index, "index.json")));
  }

  private async moveIn(): Promise<void> {
    if (!this.key) return;
    try {
      await describeWorkspaceFolder(this.folders, this.key);
      const report = await moveLegacyData(this.folders, this.legacyDirs);
      if (report.sources.length > 0) {
        this.log.info(
          `workspace data: brought over from ${report.sources.join(", ")}: ${report.chatsCopied} conversation(s)${report.indexFrom ? `, the index from ${report.indexFrom}` : ""}; now kept in ${this.folders.root}`,
        );
      }
      for (const problem of report.problems) this.log.warn(`workspace data: ${problem}`);
    } catch (error) {
      // The old data stays where it was and is tried again in the next window.
      this.log.warn(`workspace data: could not bring earlier conversations or the index into ${this.folders.root}: ${errorText(error)}`);
    }
  }
}

/**
 * The extension folders inside every storage folder VS Code gave this workspace: `storageDir` is
 * `<workspaceStorage>/<id>[-N]/<extension id>`; its siblings `<id>`, `<id>-1` … `<id>-9` count.
 */
export function legacyStorageDirs(storageDir: string): string[] {
  const workspaceDir = path.dirname(storageDir);
  const parent = path.dirname(workspaceDir);
  const extensionFolder = path.basename(storageDir);
  let siblings: string[];
  try {
    siblings = fs.readdirSync(parent);
  } catch {
    siblings = [];
  }
  const names = legacyStorageNames(path.basename(workspaceDir), siblings);
  if (!names.includes(path.basename(workspaceDir))) names.push(path.basename(workspaceDir));
  return names.map((name) => path.join(parent, name, extensionFolder));
}
