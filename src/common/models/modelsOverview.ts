// What the Models view shows, as plain data: the loaded models, the installed ones (damaged
// entries with their problem), downloads in progress or interrupted, and the catalogue models
// not installed yet, with the ones that fit this machine marked. The extension turns these rows
// into tree items and words; the grouping, matching and arithmetic live here, tested without VS Code.
import type { LoadedModelInfo, StoreListResult } from "../engine/engineProtocol";
import type { CatalogueEntry, DownloadEndpoints, MachineProfile } from "./modelCatalogue";
import {
  defaultHuggingFaceEndpoint,
  defaultModelScopeEndpoint,
  findCatalogueEntry,
  modelCatalogue,
  recommendationReason,
  recommendModel,
  resolveDownload,
} from "./modelCatalogue";
import type { ModelPurpose, PullPhase, PullProgress, StoredModel } from "./modelManifest";
import { modelPurposes } from "./modelManifest";

/** A pull started in this window: what the user asked for and its latest progress. */
export interface ActivePull {
  /** A stable id for the tree and for cancelling. */
  id: string;
  /** What was pulled: a catalogue name, `hf:`/`ms:` reference or URL. */
  reference: string;
  /** The store name it installs as (from the first progress event; the reference until then). */
  name: string;
  progress: PullProgress | null;
}

export interface ModelsOverviewInput {
  /** Null while the store has not been read yet (or could not be). */
  store: StoreListResult | null;
  /** What the engine holds now. */
  loaded: readonly LoadedModelInfo[];
  pulls: readonly ActivePull[];
  machine: MachineProfile;
  endpoints: DownloadEndpoints;
}

export interface LoadedRow {
  model: LoadedModelInfo;
  /** The installed model it was loaded from, when it is one. */
  installedName: string | null;
  memoryBytes: number;
}

export interface InstalledRow {
  stored: StoredModel;
  /** The loaded model that is this one, when loaded. */
  loaded: LoadedModelInfo | null;
  catalogueEntry: CatalogueEntry | null;
  /** Other installed models that share this model's file (removing this one frees nothing then). */
  sharesFileWith: string[];
}

export interface DownloadRow {
  /** The ActivePull id when it runs in this window, else the partial file's path. */
  id: string;
  /** The store name when known, else the file name from the URL. */
  label: string;
  /** What to pull to start or resume it. */
  reference: string;
  completedBytes: number;
  totalBytes: number | null;
  /** 0–100, null while the size is unknown. */
  percent: number | null;
  bytesPerSecond: number;
  etaSeconds: number | null;
  phase: PullPhase | null;
  /** "pulling": this window pulls it (cancellable here); "elsewhere": another process does; "interrupted": resumable. */
  state: "pulling" | "elsewhere" | "interrupted";
}

export interface RecommendedRow {
  entry: CatalogueEntry;
  /** The machine has the memory this model wants. */
  fits: boolean;
  /** The model of its purpose that suits the machine best: the one Hearth suggests. */
  suggested: boolean;
  /** Why it is suggested (memory, or the CPU); null for the others. */
  reason: string | null;
}

export interface ModelsOverview {
  loaded: LoadedRow[];
  installed: InstalledRow[];
  downloads: DownloadRow[];
  recommended: RecommendedRow[];
  /** Nothing installed, loaded or downloading: the view shows its welcome instead. */
  empty: boolean;
}

/** 0–100 with one step of rounding down, so 100 means complete; null when the total is unknown. */
export function downloadPercent(completedBytes: number, totalBytes: number | null): number | null {
  if (totalBytes === null || totalBytes <= 0) return null;
  return Math.max(0, Math.min(100, Math.floor((completedBytes / totalBytes) * 100)));
}

function trimEndpoint(endpoint: string | undefined, fallback: string): string {
  return (endpoint?.trim() || fallback).replace(/\/+$/, "");
}

function decodeSegments(pathText: string): string[] | null {
  try {
    return pathText.split("/").map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
}

/**
 * The reference that resumes an unfinished download of `url`: the catalogue name whose file it
 * is, else `hf:`/`ms:` when it is a Hugging Face (or mirror) or ModelScope file URL, else the URL.
 * Pulling it again continues the partial file (downloads are keyed by URL or checksum).
 */
export function referenceForDownloadUrl(url: string, endpoints: DownloadEndpoints): string {
  for (const entry of modelCatalogue) {
    try {
      if (resolveDownload(entry.name, endpoints).url === url) return entry.name;
    } catch {
      // catalogue names always resolve; nothing to do
    }
  }
  const hf = trimEndpoint(endpoints.huggingFaceEndpoint, defaultHuggingFaceEndpoint);
  const ms = trimEndpoint(endpoints.modelScopeEndpoint, defaultModelScopeEndpoint);
  const repositoryFile = (rest: string, prefix: "hf" | "ms", defaultRevision: string): string | null => {
    const segments = decodeSegments(rest);
    if (!segments || segments.length < 5 || segments[2] !== "resolve") return null;
    const [owner, repo, , revision, ...file] = segments;
    const revisionSuffix = revision === defaultRevision ? "" : `@${revision}`;
    return `${prefix}:${owner}/${repo}/${file.join("/")}${revisionSuffix}`;
  };
  if (url.startsWith(`${ms}/models/`)) {
    const found = repositoryFile(url.slice(ms.length + "/models/".length), "ms", "master");
    if (found) return found;
  }
  if (url.startsWith(`${hf}/`)) {
    const found = repositoryFile(url.slice(hf.length + 1), "hf", "main");
    if (found) return found;
  }
  return url;
}

/** The last path segment of a URL, decoded; the URL itself when it has none. */
export function fileNameOfUrl(url: string): string {
  const withoutQuery = url.split(/[?#]/)[0] ?? url;
  const last = withoutQuery.split("/").pop() ?? "";
  try {
    return decodeURIComponent(last) || url;
  } catch {
    return last || url;
  }
}

function resolvedUrl(reference: string, endpoints: DownloadEndpoints): string | null {
  try {
    return resolveDownload(reference, endpoints).url;
  } catch {
    return null;
  }
}

function loadedMatches(model: LoadedModelInfo, stored: StoredModel): boolean {
  return model.storeName === stored.name || (stored.blobPath !== null && model.modelPath === stored.blobPath);
}

function isInstalledEntry(entry: CatalogueEntry, installed: readonly StoredModel[]): boolean {
  return installed.some(
    (stored) =>
      stored.status === "ok" &&
      (stored.name === entry.name || (entry.sha256 !== undefined && stored.manifest?.sha256 === entry.sha256)),
  );
}

/** The catalogue model each purpose suggests for this machine (see recommendModel). */
export function suggestedModels(machine: MachineProfile): Map<ModelPurpose, CatalogueEntry> {
  const suggested = new Map<ModelPurpose, CatalogueEntry>();
  for (const purpose of modelPurposes) {
    const entry = recommendModel(purpose, machine);
    if (entry) suggested.set(purpose, entry);
  }
  return suggested;
}

export function buildModelsOverview(input: ModelsOverviewInput): ModelsOverview {
  const installedModels = input.store?.models ?? [];
  const partials = input.store?.partials ?? [];

  const installed: InstalledRow[] = installedModels.map((stored) => ({
    stored,
    loaded: input.loaded.find((model) => loadedMatches(model, stored)) ?? null,
    catalogueEntry: findCatalogueEntry(stored.name) ?? null,
    sharesFileWith: installedModels
      .filter(
        (other) =>
          other.name !== stored.name &&
          stored.manifest !== null &&
          other.manifest !== null &&
          other.manifest.sha256 === stored.manifest.sha256,
      )
      .map((other) => other.name),
  }));

  const loaded: LoadedRow[] = input.loaded.map((model) => ({
    model,
    installedName: installedModels.find((stored) => loadedMatches(model, stored))?.name ?? model.storeName,
    memoryBytes: model.memory.cpuRam + model.memory.gpuVram,
  }));

  // Downloads: this window's pulls first (matched to their partial file by URL), then partial
  // files nobody here is pulling: another process's, or interrupted ones to resume.
  const downloads: DownloadRow[] = [];
  const claimedPartials = new Set<string>();
  for (const pull of input.pulls) {
    const url = resolvedUrl(pull.reference, input.endpoints);
    const partial = url === null ? undefined : partials.find((candidate) => candidate.url === url);
    if (partial) claimedPartials.add(partial.path);
    const progress = pull.progress;
    const completedBytes = progress?.completedBytes ?? partial?.completedBytes ?? 0;
    const totalBytes = progress?.totalBytes ?? partial?.totalBytes ?? null;
    downloads.push({
      id: pull.id,
      label: pull.name,
      reference: pull.reference,
      completedBytes,
      totalBytes,
      percent: downloadPercent(completedBytes, totalBytes),
      bytesPerSecond: progress?.bytesPerSecond ?? 0,
      etaSeconds: progress?.etaSeconds ?? null,
      phase: progress?.phase ?? null,
      state: "pulling",
    });
  }
  for (const partial of partials) {
    if (claimedPartials.has(partial.path)) continue;
    const reference = referenceForDownloadUrl(partial.url, input.endpoints);
    const entry = findCatalogueEntry(reference);
    downloads.push({
      id: partial.path,
      label: entry?.name ?? fileNameOfUrl(partial.url),
      reference,
      completedBytes: partial.completedBytes,
      totalBytes: partial.totalBytes,
      percent: downloadPercent(partial.completedBytes, partial.totalBytes),
      bytesPerSecond: 0,
      etaSeconds: null,
      phase: null,
      state: partial.active ? "elsewhere" : "interrupted",
    });
  }

  const suggested = suggestedModels(input.machine);
  const downloading = new Set(downloads.map((row) => row.reference));
  const recommended: RecommendedRow[] = modelCatalogue
    .filter((entry) => !isInstalledEntry(entry, installedModels) && !downloading.has(entry.name))
    .map((entry) => {
      const isSuggested = suggested.get(entry.purpose)?.name === entry.name;
      return {
        entry,
        fits: entry.minMemoryBytes <= input.machine.totalMemoryBytes,
        suggested: isSuggested,
        reason: isSuggested ? recommendationReason(entry, input.machine) : null,
      };
    });

  return {
    loaded,
    installed,
    downloads,
    recommended,
    empty: input.store !== null && installed.length === 0 && loaded.length === 0 && downloads.length === 0,
  };
}

/** "1.5B", "494M", "22K" parameters: the short form model cards use. */
export function formatParameterCount(parameters: number): string {
  if (!Number.isFinite(parameters) || parameters <= 0) return "?";
  const units: Array<[number, string]> = [
    [1e12, "T"],
    [1e9, "B"],
    [1e6, "M"],
    [1e3, "K"],
  ];
  for (const [size, suffix] of units) {
    if (parameters >= size) {
      const value = parameters / size;
      const digits = value >= 10 ? 0 : 1;
      return `${Number(value.toFixed(digits))}${suffix}`;
    }
  }
  return String(Math.round(parameters));
}

/** "0:42", "12:05", "1:02:03": how long a download has left. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const total = Math.round(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  const two = (value: number): string => String(value).padStart(2, "0");
  return hours > 0 ? `${hours}:${two(minutes)}:${two(secs)}` : `${minutes}:${two(secs)}`;
}

/** The Hugging Face page of a reference's repository (on the configured endpoint), when it has one. */
export function huggingFacePageFor(reference: string, endpoints: DownloadEndpoints): string | null {
  const hf = trimEndpoint(endpoints.huggingFaceEndpoint, defaultHuggingFaceEndpoint);
  const entry = findCatalogueEntry(reference.trim().toLowerCase());
  if (entry) return `${hf}/${entry.source.repo}`;
  const match = /^(?:hf|huggingface):([^/\s]+)\/([^/\s]+)\//i.exec(reference.trim());
  if (match) return `${hf}/${match[1]}/${match[2]}`;
  if (reference.startsWith(`${hf}/`)) {
    const segments = reference.slice(hf.length + 1).split("/");
    if (segments.length >= 2 && segments[0] && segments[1]) return `${hf}/${segments[0]}/${segments[1]}`;
  }
  return null;
}
