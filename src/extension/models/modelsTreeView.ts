// The Models view in the Hearth container: what is loaded (memory, since when), what is installed
// (size, quantization, parameters, context length, licence; damaged entries with their problem),
// the profiles made from Modelfiles (their base model and PARAMETERs), downloads (running, in
// another process, or interrupted and resumable) and the catalogue models not installed yet. The
// rows come from src/common/models/modelsOverview.ts; this file makes them tree items and keeps them
// fresh: after every store change, on engine state changes, when a pull reports progress, when the
// store folder changes on disk (the CLI), and on Refresh.
import * as os from "node:os";
import * as vscode from "vscode";
import { thisMachine } from "../../node/machine";
import type { LoadedModelInfo, StoreListResult } from "../../common/engine/engineProtocol";
import { errorText } from "../../common/engine/engineError";
import { formatBytes } from "../../common/formatBytes";
import type { ModelPurpose } from "../../common/models/modelManifest";
import type { DownloadRow, InstalledRow, LoadedRow, ModelsOverview, RecommendedRow } from "../../common/models/modelsOverview";
import { buildModelsOverview, formatDuration, formatParameterCount } from "../../common/models/modelsOverview";
import { licenceTextOf } from "../../common/models/licenceAcceptance";
import { profileBaseLabel, profileParameters, profileParametersSummary } from "../../common/models/profileSummary";
import type { EngineService } from "../engineHost/engineService";
import type { PullTracker } from "./pullTracker";
import { downloadEndpoints } from "../settingsAccess";
import { configuredStoreRoot } from "../engineHost/storeLocation";

export type ModelsGroup = "loaded" | "installed" | "profiles" | "downloads" | "recommended";

export type ModelsNode =
  | { kind: "group"; group: ModelsGroup }
  | { kind: "loaded"; row: LoadedRow }
  | { kind: "installed"; row: InstalledRow }
  | { kind: "download"; row: DownloadRow }
  | { kind: "recommended"; row: RecommendedRow }
  | { kind: "message"; text: string; detail: string };

const nodeKinds = new Set(["group", "loaded", "installed", "download", "recommended", "message"]);

export function isModelsNode(value: unknown): value is ModelsNode {
  return typeof value === "object" && value !== null && nodeKinds.has(String((value as { kind?: unknown }).kind));
}

/**
 * The model name a command argument stands for: a string, a Models view node, or `{ name }`.
 * Loaded models that are not installed answer with their file path (loadable too).
 */
export function modelNameOf(argument: unknown): string | undefined {
  if (typeof argument === "string") return argument.trim() || undefined;
  if (isModelsNode(argument)) {
    switch (argument.kind) {
      case "installed":
        return argument.row.stored.name;
      case "loaded":
        return argument.row.installedName ?? argument.row.model.modelPath;
      case "recommended":
        return argument.row.entry.name;
      case "download":
        return argument.row.reference;
      default:
        return undefined;
    }
  }
  if (typeof argument === "object" && argument !== null && typeof (argument as { name?: unknown }).name === "string") {
    return (argument as { name: string }).name.trim() || undefined;
  }
  return undefined;
}

/** A model made from a Modelfile: listed under Profiles, not Installed. */
export function isProfileRow(row: InstalledRow): boolean {
  return row.stored.manifest?.profile !== undefined;
}

export function purposeLabel(purpose: ModelPurpose): string {
  switch (purpose) {
    case "code":
      return vscode.l10n.t("code");
    case "chat":
      return vscode.l10n.t("chat");
    case "embedding":
      return vscode.l10n.t("embeddings");
    case "reranker":
      return vscode.l10n.t("reranking");
  }
}

function clockTime(timestamp: number): string {
  return new Date(timestamp).toLocaleTimeString(vscode.env.language, { hour: "2-digit", minute: "2-digit" });
}

function dateTime(timestamp: number): string {
  return new Date(timestamp).toLocaleString(vscode.env.language);
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, "\\$&");
}

function table(rows: Array<[string, string]>): string {
  return ["| | |", "|---|---|", ...rows.map(([key, value]) => `| ${escapeMarkdown(key)} | ${escapeMarkdown(value)} |`)].join(
    "\n",
  );
}

/** "42% · 120 MB of 1.1 GB · 5.2 MB/s · 1:05 left" and the phases around it. */
export function describeDownload(row: DownloadRow): string {
  const amount =
    row.totalBytes === null
      ? formatBytes(row.completedBytes)
      : vscode.l10n.t("{0} of {1}", formatBytes(row.completedBytes), formatBytes(row.totalBytes));
  const percent = row.percent === null ? "" : `${row.percent}% · `;
  if (row.state === "interrupted") return vscode.l10n.t("interrupted at {0}{1}: resume to continue", percent, amount);
  if (row.state === "elsewhere") return vscode.l10n.t("downloading in another Hearth process: {0}{1}", percent, amount);
  switch (row.phase) {
    case null:
    case "resolving":
      return vscode.l10n.t("starting…");
    case "verifying":
      return vscode.l10n.t("verifying the checksum…");
    case "writing manifest":
    case "done":
      return vscode.l10n.t("finishing…");
    case "downloading": {
      const parts = [`${percent}${amount}`];
      if (row.bytesPerSecond > 0) parts.push(`${formatBytes(row.bytesPerSecond)}/s`);
      if (row.etaSeconds !== null) parts.push(vscode.l10n.t("{0} left", formatDuration(row.etaSeconds)));
      return parts.join(" · ");
    }
  }
}

function memoryText(model: LoadedModelInfo): string {
  return model.memory.gpuVram > 0
    ? vscode.l10n.t("{0} RAM + {1} VRAM", formatBytes(model.memory.cpuRam), formatBytes(model.memory.gpuVram))
    : vscode.l10n.t("{0} RAM", formatBytes(model.memory.cpuRam));
}

export class ModelsTreeProvider implements vscode.TreeDataProvider<ModelsNode>, vscode.Disposable {
  static readonly viewId = "hearth.modelsView";

  private store: StoreListResult | null = null;
  private storeError: string | null = null;
  private loaded: LoadedModelInfo[] = [];
  private overviewCache: ModelsOverview | null = null;
  private refreshing: Promise<void> | null = null;
  private pending: { store: boolean } | null = null;
  private progressTimer: NodeJS.Timeout | null = null;
  private watcher: vscode.FileSystemWatcher | null = null;
  private watcherTimer: NodeJS.Timeout | null = null;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly onDidChangeTreeDataEmitter = new vscode.EventEmitter<ModelsNode | undefined>();
  readonly onDidChangeTreeData = this.onDidChangeTreeDataEmitter.event;

  constructor(
    private readonly engine: EngineService,
    private readonly pulls: PullTracker,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.onDidChangeTreeDataEmitter,
      engine.onDidChangeStore(() => void this.refresh()),
      engine.onDidChangeModel(() => void this.refresh({ store: false })),
      // A fresh engine may use another store (hearth.modelsPath); a stopped one has nothing loaded.
      engine.onDidChangeEngineState((state) => void this.refresh({ store: state.kind === "ready" })),
      pulls.onDidChange(() => this.scheduleProgressRender()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration("hearth.modelsPath")) {
          if (this.watcher) this.watchStore();
          // With no engine running, the next one starts on the new folder: read that when shown.
          // A running engine keeps the old folder until it restarts (Hearth offers the restart).
          if (!this.engine.engineRunning) {
            this.store = null;
            this.storeError = null;
          }
        }
        if (
          event.affectsConfiguration("hearth.modelsPath") ||
          event.affectsConfiguration("hearth.downloadEndpoint") ||
          event.affectsConfiguration("hearth.modelScopeEndpoint")
        ) {
          this.render();
        }
      }),
    );
  }

  /** The rows as the view shows them now (reads the store first when it has not been read). */
  async overview(): Promise<ModelsOverview> {
    // Watch the store from the first time the view shows (nothing is started at activation).
    if (!this.watcher) this.watchStore();
    // A refresh under way (after a store change) answers first, so the rows are never stale.
    if (this.refreshing) await this.refreshing;
    else if (!this.store && !this.storeError) await this.refresh();
    return this.overviewCache ?? this.build();
  }

  /** Re-reads the store (unless `store: false`) and what is loaded, then redraws. */
  refresh(options: { store?: boolean } = {}): Promise<void> {
    const wantStore = options.store ?? true;
    if (this.refreshing) {
      this.pending = { store: (this.pending?.store ?? false) || wantStore };
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        await this.load(wantStore);
      } finally {
        this.refreshing = null;
      }
      const next = this.pending;
      this.pending = null;
      if (next) await this.refresh(next);
    })();
    return this.refreshing;
  }

  private async load(readStore: boolean): Promise<void> {
    if (readStore || (!this.store && this.engine.engineRunning)) {
      try {
        this.store = await this.engine.storeList();
        this.storeError = null;
      } catch (error) {
        this.storeError = errorText(error);
        this.log.warn(`Models view: could not read the model store: ${this.storeError}`);
      }
    }
    try {
      this.loaded = await this.engine.loadedModels();
    } catch (error) {
      this.loaded = [];
      this.log.debug(`Models view: could not ask the engine what is loaded: ${errorText(error)}`);
    }
    this.render();
  }

  private build(): ModelsOverview {
    return buildModelsOverview({
      store: this.store,
      loaded: this.loaded,
      pulls: this.pulls.active,
      machine: thisMachine(),
      endpoints: downloadEndpoints(),
    });
  }

  private render(): void {
    this.overviewCache = this.build();
    const hasInstalled = this.overviewCache.installed.some((row) => row.stored.status === "ok");
    void vscode.commands.executeCommand("setContext", "hearth.noModels", this.overviewCache.empty);
    if (this.store) void vscode.commands.executeCommand("setContext", "hearth.hasInstalledModel", hasInstalled);
    this.onDidChangeTreeDataEmitter.fire(undefined);
  }

  /** Progress comes many times a second: redraw at most four times a second. */
  private scheduleProgressRender(): void {
    if (this.progressTimer) return;
    this.progressTimer = setTimeout(() => {
      this.progressTimer = null;
      this.render();
    }, 250);
  }

  /** The CLI (or another window) changes the store too: watch its manifests and downloads. */
  private watchStore(): void {
    this.watcher?.dispose();
    this.watcher = null;
    try {
      const root = vscode.Uri.file(configuredStoreRoot());
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, "models/{manifests/**/*.json,blobs/partial-*.json}"));
      const onChange = (): void => {
        if (this.watcherTimer) clearTimeout(this.watcherTimer);
        this.watcherTimer = setTimeout(() => {
          this.watcherTimer = null;
          if (this.engine.engineRunning) void this.refresh();
        }, 500);
      };
      watcher.onDidCreate(onChange);
      watcher.onDidChange(onChange);
      watcher.onDidDelete(onChange);
      this.watcher = watcher;
    } catch (error) {
      this.log.debug(`Models view: cannot watch the store folder: ${errorText(error)}`);
    }
  }

  async getChildren(node?: ModelsNode): Promise<ModelsNode[]> {
    const overview = await this.overview();
    if (!node) {
      if (!this.store && this.storeError) {
        return [
          { kind: "message", text: vscode.l10n.t("The model store could not be read."), detail: this.storeError },
          ...(overview.loaded.length > 0 ? [{ kind: "group", group: "loaded" } as const] : []),
        ];
      }
      // Nothing at all: the view's welcome content takes over (download the recommended model).
      if (overview.empty) return [];
      const groups: ModelsNode[] = [];
      if (overview.loaded.length > 0) groups.push({ kind: "group", group: "loaded" });
      groups.push({ kind: "group", group: "installed" });
      if (overview.installed.some(isProfileRow)) groups.push({ kind: "group", group: "profiles" });
      if (overview.downloads.length > 0) groups.push({ kind: "group", group: "downloads" });
      if (overview.recommended.length > 0) groups.push({ kind: "group", group: "recommended" });
      return groups;
    }
    if (node.kind !== "group") return [];
    switch (node.group) {
      case "loaded":
        return overview.loaded.map((row) => ({ kind: "loaded", row }));
      case "installed":
        return overview.installed.filter((row) => !isProfileRow(row)).map((row) => ({ kind: "installed", row }));
      case "profiles":
        return overview.installed.filter(isProfileRow).map((row) => ({ kind: "installed", row }));
      case "downloads":
        return overview.downloads.map((row) => ({ kind: "download", row }));
      case "recommended":
        return overview.recommended.map((row) => ({ kind: "recommended", row }));
    }
  }

  getTreeItem(node: ModelsNode): vscode.TreeItem {
    switch (node.kind) {
      case "group":
        return this.groupItem(node.group);
      case "loaded":
        return loadedItem(node.row);
      case "installed":
        return installedItem(node.row);
      case "download":
        return downloadItem(node.row);
      case "recommended":
        return recommendedItem(node.row);
      case "message": {
        const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
        item.id = "message";
        item.description = node.detail;
        item.tooltip = `${node.text}\n\n${node.detail}`;
        item.iconPath = new vscode.ThemeIcon("error", new vscode.ThemeColor("errorForeground"));
        item.command = { command: "hearth.refreshModels", title: vscode.l10n.t("Refresh") };
        return item;
      }
    }
  }

  private groupItem(group: ModelsGroup): vscode.TreeItem {
    const overview = this.overviewCache ?? this.build();
    const labels: Record<ModelsGroup, string> = {
      loaded: vscode.l10n.t("Loaded"),
      installed: vscode.l10n.t("Installed"),
      profiles: vscode.l10n.t("Profiles"),
      downloads: vscode.l10n.t("Downloads"),
      recommended: vscode.l10n.t("Recommended"),
    };
    const counts: Record<ModelsGroup, number> = {
      loaded: overview.loaded.length,
      installed: overview.installed.filter((row) => !isProfileRow(row)).length,
      profiles: overview.installed.filter(isProfileRow).length,
      downloads: overview.downloads.length,
      recommended: overview.recommended.length,
    };
    // The catalogue stays folded once something is installed.
    const expanded = group !== "recommended" || overview.installed.length === 0;
    const item = new vscode.TreeItem(
      labels[group],
      expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = `group:${group}`;
    item.contextValue = `hearth.group.${group}`;
    item.description = String(counts[group]);
    if (group === "installed" && this.store) {
      const usage = this.store.usage;
      const free = usage.freeBytes === null ? "?" : formatBytes(usage.freeBytes);
      item.tooltip =
        usage.models === 1
          ? vscode.l10n.t("1 model in {0}, {1} on disk; {2} free", this.store.root, formatBytes(usage.blobBytes), free)
          : vscode.l10n.t("{0} models in {1}, {2} on disk; {3} free", usage.models, this.store.root, formatBytes(usage.blobBytes), free);
      if (counts.installed === 0) item.description = vscode.l10n.t("none yet");
    }
    if (group === "profiles") {
      item.tooltip = vscode.l10n.t(
        "Models made from a Modelfile: a base model with its own parameters, system prompt and messages. Right-click one to show its Modelfile.",
      );
    }
    return item;
  }

  dispose(): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    if (this.watcherTimer) clearTimeout(this.watcherTimer);
    this.watcher?.dispose();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

function loadedItem(row: LoadedRow): vscode.TreeItem {
  const model = row.model;
  const label = row.installedName ?? model.name;
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.id = `loaded:${model.modelId}`;
  item.contextValue = "hearth.model.loaded";
  item.iconPath = new vscode.ThemeIcon("flame");
  item.description = vscode.l10n.t("{0} · since {1}", formatBytes(row.memoryBytes), clockTime(model.loadedAt));
  item.tooltip = new vscode.MarkdownString(
    [
      `**${escapeMarkdown(label)}**`,
      "",
      table([
        [vscode.l10n.t("Memory"), memoryText(model)],
        [vscode.l10n.t("Loaded since"), dateTime(model.loadedAt)],
        [vscode.l10n.t("Context"), vscode.l10n.t("{0} tokens", model.contextSize)],
        [vscode.l10n.t("Threads"), String(model.threads)],
        [vscode.l10n.t("GPU layers"), String(model.gpuLayers)],
        [vscode.l10n.t("Architecture"), model.architecture],
        [vscode.l10n.t("File"), model.modelPath],
      ]),
    ].join("\n"),
  );
  item.accessibilityInformation = { label: vscode.l10n.t("{0}, loaded, {1}", label, item.description) };
  return item;
}

function installedItem(row: InstalledRow): vscode.TreeItem {
  const stored = row.stored;
  const manifest = stored.manifest;
  const item = new vscode.TreeItem(stored.name, vscode.TreeItemCollapsibleState.None);
  item.id = `installed:${stored.name}`;
  if (stored.status !== "ok" || !manifest) {
    item.contextValue = "hearth.model.damaged";
    item.iconPath = new vscode.ThemeIcon("warning", new vscode.ThemeColor("problemsWarningIcon.foreground"));
    const problem = stored.problem ?? stored.status;
    item.description = stored.status === "missingFile" ? vscode.l10n.t("file missing") : vscode.l10n.t("damaged");
    item.tooltip = new vscode.MarkdownString(
      [
        `**${escapeMarkdown(stored.name)}**`,
        "",
        escapeMarkdown(problem),
        "",
        escapeMarkdown(
          vscode.l10n.t(
            "Repair the model store to remove this entry, then pull the model again; or remove it. Manifest: {0}",
            stored.manifestPath,
          ),
        ),
      ].join("\n"),
    );
    return item;
  }
  const gguf = manifest.gguf;
  const profile = manifest.profile;
  const kind = profile ? "profile" : "installed";
  item.contextValue = row.loaded ? `hearth.model.${kind}Loaded` : `hearth.model.${kind}`;
  item.iconPath = new vscode.ThemeIcon(row.loaded ? "flame" : profile ? "file-code" : "package");
  const facts = [formatBytes(manifest.sizeBytes)];
  if (profile) {
    // A profile is told apart by its base and its PARAMETERs; the file's facts are in the tooltip.
    facts.splice(0, 1, vscode.l10n.t("from {0}", profileBaseLabel(profile)));
    const summary = profileParametersSummary(profile);
    if (summary) facts.push(summary);
  } else if (gguf) {
    facts.push(gguf.quantization);
    if (gguf.parameters > 0) facts.push(formatParameterCount(gguf.parameters));
  }
  item.description = row.loaded ? `${vscode.l10n.t("loaded")} · ${facts.join(" · ")}` : facts.join(" · ");
  const rows: Array<[string, string]> = [];
  if (profile) {
    const parameters = profileParameters(profile);
    rows.push(
      [vscode.l10n.t("Base model"), profile.from],
      [
        vscode.l10n.t("Modelfile parameters"),
        parameters.length > 0 ? parameters.map((parameter) => `${parameter.name} ${parameter.value}`).join(", ") : "—",
      ],
      [vscode.l10n.t("System prompt"), profile.system === undefined ? "—" : shorten(profile.system, 160)],
    );
    if (profile.messages.length > 0) rows.push([vscode.l10n.t("Seeded messages"), String(profile.messages.length)]);
    if (profile.adapters.length > 0) rows.push([vscode.l10n.t("LoRA adapter"), profile.adapters.join(", ")]);
  }
  rows.push([vscode.l10n.t("Size"), formatBytes(manifest.sizeBytes)], [vscode.l10n.t("Purpose"), purposeLabel(manifest.purpose)]);
  if (gguf) {
    rows.push(
      [vscode.l10n.t("Quantization"), gguf.quantization],
      [vscode.l10n.t("Parameters"), gguf.parameters > 0 ? formatParameterCount(gguf.parameters) : "—"],
      [vscode.l10n.t("Context length"), gguf.contextLength === null ? "—" : vscode.l10n.t("{0} tokens", gguf.contextLength)],
      [vscode.l10n.t("Architecture"), gguf.architecture],
    );
  }
  rows.push(
    [vscode.l10n.t("Licence"), licenceSummary(licenceTextOf(manifest)) ?? gguf?.license ?? row.catalogueEntry?.license ?? "—"],
    [vscode.l10n.t("Source"), manifest.source.uri],
    [vscode.l10n.t("Added"), dateTime(Date.parse(manifest.createdAt))],
  );
  if (row.sharesFileWith.length > 0) rows.push([vscode.l10n.t("Shares its file with"), row.sharesFileWith.join(", ")]);
  item.tooltip = new vscode.MarkdownString(
    [
      `**${escapeMarkdown(stored.name)}**${row.loaded ? ` — ${escapeMarkdown(vscode.l10n.t("loaded"))}` : ""}`,
      "",
      row.catalogueEntry ? `${escapeMarkdown(row.catalogueEntry.description)}\n` : "",
      table(rows),
    ].join("\n"),
  );
  item.accessibilityInformation = { label: `${stored.name}, ${item.description}` };
  return item;
}

function shorten(text: string, limit: number): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > limit ? `${oneLine.slice(0, limit - 1).trimEnd()}…` : oneLine;
}

/** A Modelfile's LICENSE in a table cell: its first line. */
function licenceSummary(text: string | null): string | null {
  if (text === null) return null;
  return shorten(text.split("\n").find((line) => line.trim() !== "") ?? text, 80);
}

function downloadItem(row: DownloadRow): vscode.TreeItem {
  const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
  item.id = `download:${row.id}`;
  item.contextValue = `hearth.download.${row.state}`;
  item.iconPath = new vscode.ThemeIcon(row.state === "interrupted" ? "debug-pause" : "sync~spin");
  item.description = describeDownload(row);
  const tooltip = [
    `${row.label}: ${item.description}`,
    vscode.l10n.t("From: {0}", row.reference),
    row.state === "interrupted"
      ? vscode.l10n.t("The part downloaded so far is kept. Resume continues where it stopped.")
      : row.state === "pulling"
        ? vscode.l10n.t("Cancel keeps the part downloaded so far; pulling again continues from there.")
        : vscode.l10n.t("Another Hearth process (another window or the hearth command line) is downloading it."),
  ];
  item.tooltip = tooltip.join("\n");
  return item;
}

function recommendedItem(row: RecommendedRow): vscode.TreeItem {
  const entry = row.entry;
  const item = new vscode.TreeItem(entry.name, vscode.TreeItemCollapsibleState.None);
  item.id = `recommended:${entry.name}`;
  item.contextValue = "hearth.model.recommended";
  item.iconPath = new vscode.ThemeIcon(
    row.suggested ? "star-full" : "cloud-download",
    row.fits ? undefined : new vscode.ThemeColor("disabledForeground"),
  );
  const facts = [formatBytes(entry.approxSizeBytes), purposeLabel(entry.purpose)];
  if (row.suggested) facts.push(vscode.l10n.t("suggested for this machine"));
  else if (!row.fits) facts.push(vscode.l10n.t("needs {0} of memory", formatBytes(entry.minMemoryBytes)));
  item.description = facts.join(" · ");
  item.tooltip = new vscode.MarkdownString(
    [
      `**${escapeMarkdown(entry.name)}**`,
      "",
      escapeMarkdown(entry.description),
      ...(row.reason ? ["", `$(star-full) ${escapeMarkdown(row.reason)}`] : []),
      "",
      table([
        [vscode.l10n.t("Download size"), formatBytes(entry.approxSizeBytes)],
        [vscode.l10n.t("Memory wanted"), formatBytes(entry.minMemoryBytes)],
        [vscode.l10n.t("This machine"), formatBytes(os.totalmem())],
        [vscode.l10n.t("Licence"), entry.license],
        [vscode.l10n.t("Source"), `hf:${entry.source.repo}/${entry.source.file}`],
      ]),
    ].join("\n"),
  );
  return item;
}
