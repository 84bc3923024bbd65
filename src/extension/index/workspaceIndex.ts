// The workspace index in VS Code: Index / Re-index / Clear / Show Index Status, progress in a
// cancellable notification, file watchers that send changed and deleted files to the engine
// (debounced) once an index exists, and the search the chat calls for @workspace. The index
// lives in the workspace's folder under Hearth's home (../workspaceData.ts), shared by every window
// on the workspace (the engine's write.lock keeps one writer); the engine does the work
// (src/engine/indexer), at background priority.
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { DefinitionCandidate } from "../../common/completion/completionContext";
import type { ChatAttachment } from "../../common/chat/chatPrompt";
import type { IndexBuildResult, IndexStatusResult } from "../../common/engine/engineProtocol";
import { errorText } from "../../common/engine/engineError";
import { formatBytes } from "../../common/formatBytes";
import type { IndexPassage } from "../../common/index/indexPassages";
import { passageAttachments } from "../../common/index/indexPassages";
import type { EngineService } from "../engineHost/engineService";
import { showEngineError } from "../errorMessages";
import { readSettings } from "../settingsAccess";
import { expandHome } from "../../node/storeRoot";
import type { WorkspaceData } from "../workspaceData";

/** Passages @workspace adds to a question. */
const passagesPerQuestion = 6;
/** How long file events gather before one update goes to the engine. */
const watcherDebounceMs = 1500;

/** What the chat's @workspace needs from the workspace index. */
export interface WorkspaceIndexSearch {
  /** Whether there is an index to search (read from disk; starts no engine). */
  indexed(): boolean;
  /**
   * The index's passages for `query` as attachments, or null when there is no index to search.
   * `paths` (absolute, or relative to a workspace folder) keeps passages under them (`#folder`).
   */
  search(query: string, token?: vscode.CancellationToken, paths?: string[]): Promise<ChatAttachment[] | null>;
}

export class WorkspaceIndexController implements vscode.Disposable, WorkspaceIndexSearch {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new Set<string>();
  private readonly deleted = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  /** Beside Hearth's own item while an index is built: "indexing 40%"; a click shows the status. */
  private readonly item: vscode.StatusBarItem;

  constructor(
    private readonly workspaceData: WorkspaceData,
    private readonly engine: EngineService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.item = vscode.window.createStatusBarItem("hearth.index", vscode.StatusBarAlignment.Right, 99);
    this.item.name = vscode.l10n.t("Hearth Index");
    this.item.command = "hearth.showIndexStatus";
    this.disposables.push(this.item);
    const watcher = vscode.workspace.createFileSystemWatcher("**/*");
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => this.queue(uri, false)),
      watcher.onDidChange((uri) => this.queue(uri, false)),
      watcher.onDidDelete((uri) => this.queue(uri, true)),
    );
  }

  /** Where this workspace's index lives. */
  storeDir(): string {
    return this.workspaceData.folders.index;
  }

  indexed(): boolean {
    return this.hasIndex();
  }

  /** True when an index was saved (read from disk: starts no engine). */
  hasIndex(): boolean {
    return fs.existsSync(path.join(this.storeDir(), "index.json")) || this.workspaceData.legacyIndexWaiting();
  }

  /** The workspace's folders on disk and the extra folders from the settings. */
  roots(): string[] {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === "file").map((folder) => folder.uri.fsPath);
    const extra = readSettings()["index.extraFolders"]
      .map((folder) => folder.trim())
      .filter((folder) => folder.length > 0)
      .map((folder) => path.resolve(expandHome(folder)))
      .filter((folder) => fs.existsSync(folder));
    return [...new Set([...folders, ...extra])];
  }

  /** `files.exclude` patterns that are on (gitignore syntax reads them the same way). */
  private excludes(): string[] {
    const excluded = vscode.workspace.getConfiguration("files").get<Record<string, unknown>>("exclude") ?? {};
    return Object.entries(excluded)
      .filter(([, on]) => on === true)
      .map(([pattern]) => pattern);
  }

  private maxFileBytes(): number {
    return readSettings()["index.maxFileSizeKB"] * 1024;
  }

  private embeddingModel(): string | undefined {
    const model = readSettings()["index.embeddingModel"].trim();
    return model ? model : undefined;
  }

  /** Index Workspace (`rebuild`: Re-index), with progress in a cancellable notification. */
  async index(rebuild: boolean): Promise<IndexBuildResult | null> {
    const roots = this.roots();
    if (roots.length === 0) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t("Open a folder (or add folders to the setting hearth.index.extraFolders) to index it for @workspace."),
      );
      return null;
    }
    await this.workspaceData.ready();
    await this.running?.catch(() => undefined);
    const work = Promise.resolve(vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: rebuild ? vscode.l10n.t("Hearth: re-indexing the workspace") : vscode.l10n.t("Hearth: indexing the workspace"),
        cancellable: true,
      },
      async (progress, token) => {
        let reported = 0;
        const embeddingModel = this.embeddingModel();
        return this.engine.indexRequest(
          "indexBuild",
          {
            roots,
            storeDir: this.storeDir(),
            excludes: this.excludes(),
            maxFileBytes: this.maxFileBytes(),
            rebuild,
            ...(embeddingModel ? { embeddingModel } : {}),
          },
          {
            token,
            onChunk: (chunk) => {
              const percent = chunk.filesTotal > 0 ? Math.floor((chunk.filesDone / chunk.filesTotal) * 100) : 0;
              progress.report({
                increment: Math.max(0, percent - reported),
                message:
                  chunk.phase === "indexing"
                    ? vscode.l10n.t("{0} of {1} files, {2} passages embedded", chunk.filesDone, chunk.filesTotal, chunk.chunksEmbedded)
                    : chunk.phase === "saving"
                      ? vscode.l10n.t("saving…")
                      : chunk.phase === "measuring"
                        ? vscode.l10n.t("indexed; measuring how well its vectors find code (search already works)…")
                        : vscode.l10n.t("looking for files…"),
              });
              reported = Math.max(reported, percent);
              this.showProgress(percent);
            },
          },
        );
      },
    ));
    this.running = work;
    try {
      const result = await work;
      this.log.info(
        `index: ${result.filesScanned} files (${result.filesIndexed} read, ${result.filesUnchanged} unchanged, ${result.filesRemoved} removed), ${result.chunksEmbedded} chunks embedded, ${result.chunksReused} kept; skipped ${JSON.stringify(result.skipped)}`,
      );
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          "Workspace indexed: {0} files, {1} passages ({2}). Ask with @workspace in the Hearth chat.",
          result.status.files,
          result.status.chunks,
          result.status.embeddingModel ? vscode.l10n.t("embedded with {0}", modelLabel(result.status.embeddingModel)) : vscode.l10n.t("keyword search only"),
        ),
      );
      return result;
    } catch (error) {
      if (errorText(error).includes("cancelled") || (error as { code?: string }).code === "cancelled") {
        void vscode.window.showInformationMessage(vscode.l10n.t("Indexing stopped. What was indexed is kept; Index Workspace continues from there."));
        return null;
      }
      await showEngineError(error);
      return null;
    } finally {
      if (this.running === work) this.running = null;
      this.item.hide();
    }
  }

  private showProgress(percent: number): void {
    this.item.text = `$(database) ${vscode.l10n.t("indexing {0}%", percent)}`;
    this.item.tooltip = vscode.l10n.t("Hearth is indexing the workspace for @workspace. Click for the index's status.");
    this.item.show();
  }

  async clear(): Promise<void> {
    await this.workspaceData.ready();
    await this.running?.catch(() => undefined);
    try {
      await this.engine.indexRequest("indexClear", { storeDir: this.storeDir() });
      void vscode.window.showInformationMessage(vscode.l10n.t("The workspace index was deleted. @workspace finds nothing until you index the workspace again."));
    } catch (error) {
      await showEngineError(error);
    }
  }

  async status(): Promise<IndexStatusResult | null> {
    await this.workspaceData.ready();
    if (!this.hasIndex()) return null;
    return this.engine.indexRequest("indexStatus", { storeDir: this.storeDir() });
  }

  async showStatus(): Promise<void> {
    try {
      const status = await this.status();
      if (!status?.exists) {
        const index = vscode.l10n.t("Index Workspace");
        const choice = await vscode.window.showInformationMessage(vscode.l10n.t("The workspace is not indexed yet."), index);
        if (choice === index) await this.index(false);
        return;
      }
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          "Workspace index: {0} files, {1} passages, {2} on disk, updated {3}. Embedding model: {4}.",
          status.files,
          status.chunks,
          formatBytes(status.sizeBytes),
          status.updatedAt ? new Date(status.updatedAt).toLocaleString() : "-",
          status.embeddingModel ? modelLabel(status.embeddingModel) : vscode.l10n.t("none (keyword search only)"),
        ),
        { modal: false },
      );
    } catch (error) {
      await showEngineError(error);
    }
  }

  /** For the chat's @workspace: the best passages for `query`, or null without an index. */
  async search(query: string, token?: vscode.CancellationToken, paths?: string[]): Promise<ChatAttachment[] | null> {
    const passages = await this.passages(query, passagesPerQuestion, token, paths);
    return passages && passageAttachments(passages);
  }

  /**
   * The `k` best passages for `query`, paths relative to their workspace folder (prefixed with the
   * folder's name in a multi-root workspace); null when there is no index to search.
   */
  async passages(query: string, k: number, token?: vscode.CancellationToken, paths?: string[]): Promise<IndexPassage[] | null> {
    await this.workspaceData.ready();
    if (!this.hasIndex()) return null;
    const roots = this.roots();
    const result = await this.engine.indexRequest(
      "indexSearch",
      { storeDir: this.storeDir(), query, k, ...(paths && paths.length > 0 ? { paths } : {}) },
      token ? { token } : {},
    );
    return result.results.map((hit) => ({
      path: roots.length > 1 ? `${path.basename(hit.root)}/${hit.path}` : hit.path,
      startLine: hit.startLine,
      endLine: hit.endLine,
      ...(hit.page !== undefined ? { page: hit.page } : {}),
      language: hit.language,
      text: hit.text,
    }));
  }

  /**
   * Passages that name `symbols`, by keyword only (no embedding: fast), for the definitions a code
   * completion sees (src/extension/completion/); empty without an index.
   */
  async symbolPassages(symbols: string[], token?: vscode.CancellationToken): Promise<DefinitionCandidate[]> {
    await this.workspaceData.ready();
    if (!this.hasIndex() || symbols.length === 0) return [];
    const roots = this.roots();
    const result = await this.engine.indexRequest(
      "indexSearch",
      { storeDir: this.storeDir(), query: symbols.join(" "), k: 12, mode: "keyword" },
      token ? { token } : {},
    );
    return result.results.map((hit) => ({
      path: roots.length > 1 ? `${path.basename(hit.root)}/${hit.path}` : hit.path,
      startLine: hit.startLine,
      ...(hit.symbol !== undefined ? { symbol: hit.symbol } : {}),
      text: hit.text,
    }));
  }

  private queue(uri: vscode.Uri, deleted: boolean): void {
    if (uri.scheme !== "file" || !this.hasIndex()) return;
    const file = uri.fsPath;
    if (file.startsWith(this.storeDir())) return;
    if (deleted) {
      this.deleted.add(file);
      this.changed.delete(file);
    } else {
      this.changed.add(file);
      this.deleted.delete(file);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), watcherDebounceMs);
  }

  /** Sends what changed since the last flush (after any build in progress). */
  private async flush(): Promise<void> {
    this.timer = null;
    await this.workspaceData.ready();
    await this.running?.catch(() => undefined);
    const changed = [...this.changed];
    const deleted = [...this.deleted];
    this.changed.clear();
    this.deleted.clear();
    if (changed.length === 0 && deleted.length === 0) return;
    const update = this.engine.indexRequest("indexUpdateFiles", {
      storeDir: this.storeDir(),
      roots: this.roots(),
      changed,
      deleted,
      excludes: this.excludes(),
      maxFileBytes: this.maxFileBytes(),
    });
    this.running = update;
    try {
      const result = await update;
      if (result.filesIndexed + result.filesRemoved > 0) {
        this.log.info(`index: updated ${result.filesIndexed} files, removed ${result.filesRemoved}, ${result.chunksEmbedded} chunks embedded`);
      }
    } catch (error) {
      this.log.warn(`index: update failed: ${errorText(error)}`);
    } finally {
      if (this.running === update) this.running = null;
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** An embedding model for messages: a GGUF file by its name, a store or remote model ("hf.co/x/y @ host") as it is. */
function modelLabel(model: string): string {
  return path.isAbsolute(model) || /\.gguf$/i.test(model) ? path.basename(model) : model;
}
