// The model store's records, shared by the engine (which writes them), the CLI and the extension
// (which show them): one manifest per model name, what `list` reports, pull progress, repair and
// disk-usage reports. Pure types and checks; the store itself is src/engine/models/modelStore.ts.
import type { ModelProfile } from "./modelProfile";
import { parseProfile } from "./modelProfile";
import { localize } from "../localize";

export type ModelPurpose = "code" | "chat" | "embedding" | "reranker";

export const modelPurposes: readonly ModelPurpose[] = ["code", "chat", "embedding", "reranker"];

/** Where a model came from: the reference the user gave (`uri`) and, for downloads, the URL fetched. */
export interface ModelSource {
  kind: "catalogue" | "huggingFace" | "modelScope" | "url" | "file";
  /** `qwen2.5-coder:1.5b`, `hf:owner/repo/file.gguf`, a URL, or the absolute path of an imported file. */
  uri: string;
  /** The URL the bytes were downloaded from (absent for imported files). */
  url?: string;
}

/** How the blob got into the store. */
export type BlobStorage = "download" | "copy" | "hardLink" | "symlink";

/** What the GGUF header says, read without loading the model. */
export interface GgufSummary {
  /** `general.name`, when set. */
  name: string | null;
  architecture: string;
  parameters: number;
  /** Human readable, e.g. "Q4_K_M", "F32". */
  quantization: string;
  /** Training context length in tokens. */
  contextLength: number | null;
  license: string | null;
  hasChatTemplate: boolean;
  embeddingLength: number | null;
  /** llama.cpp's pooling type (0 none, 1 mean, 2 cls, 3 last, 4 rank), when the file sets one. */
  poolingType: number | null;
  supportsRanking: boolean;
}

export const manifestSchemaVersion = 1;

export interface ModelManifest {
  schemaVersion: typeof manifestSchemaVersion;
  /** `family:tag`. */
  name: string;
  /** The blob's file name under models/blobs: `sha256-<hex>`. */
  blob: string;
  sizeBytes: number;
  sha256: string;
  source: ModelSource;
  storage: BlobStorage;
  /** ISO 8601. */
  createdAt: string;
  gguf: GgufSummary | null;
  purpose: ModelPurpose;
  /** For a model created from a Modelfile: what it adds to the base model's file. */
  profile?: ModelProfile;
}

export type ModelStatus = "ok" | "corrupt" | "missingFile";

/** One model as `list` reports it: never an exception, a damaged entry says what is wrong. */
export interface StoredModel {
  name: string;
  status: ModelStatus;
  /** Null when the manifest could not be read. */
  manifest: ModelManifest | null;
  manifestPath: string;
  /** The blob's absolute path; null when the manifest could not be read. */
  blobPath: string | null;
  /** For a damaged entry: what is wrong and what to do, for the user. */
  problem: string | null;
}

export type PullPhase = "resolving" | "downloading" | "verifying" | "writing manifest" | "done";

export interface PullProgress {
  phase: PullPhase;
  /** The store name being pulled. */
  name: string;
  /** Bytes on disk so far (a resumed download starts at the bytes it already had). */
  completedBytes: number;
  /** Null while unknown (no Content-Length). */
  totalBytes: number | null;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

export interface RepairReport {
  removedManifests: Array<{ name: string; reason: string }>;
  removedBlobs: string[];
  removedTempFiles: string[];
  freedBytes: number;
}

export interface StoreDiskUsage {
  root: string;
  /** Bytes of model blobs the store owns (linked files count once; symbolic links count nothing). */
  blobBytes: number;
  /** Bytes of unfinished downloads waiting to be resumed. */
  partialBytes: number;
  models: number;
  /** Free space on the store's disk, null when the system cannot say. */
  freeBytes: number | null;
}

export interface RemoveResult {
  name: string;
  /** False when another model still uses the file, or it could not be deleted (see `problem`). */
  blobRemoved: boolean;
  freedBytes: number;
  problem: string | null;
}

export interface PullResult {
  name: string;
  manifest: ModelManifest;
  /** True when the model was already installed and nothing was downloaded. */
  alreadyInstalled: boolean;
  /** Bytes fetched over the network by this pull (0 when it joined another pull or had the file). */
  downloadedBytes: number;
  /** Bytes an earlier, interrupted download had left, which this one continued from. */
  resumedFromBytes: number;
}

export interface PartialDownload {
  path: string;
  url: string;
  completedBytes: number;
  totalBytes: number | null;
  /** True while a process (this one or another) is downloading it; false for an interrupted download. */
  active: boolean;
  startedAt: string;
}

const sha256Pattern = /^[0-9a-f]{64}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function parseGgufSummary(value: unknown): GgufSummary | null {
  if (!isObject(value)) return null;
  return {
    name: stringOrNull(value.name),
    architecture: typeof value.architecture === "string" ? value.architecture : "unknown",
    parameters: numberOrNull(value.parameters) ?? 0,
    quantization: typeof value.quantization === "string" ? value.quantization : "unknown",
    contextLength: numberOrNull(value.contextLength),
    license: stringOrNull(value.license),
    hasChatTemplate: value.hasChatTemplate === true,
    embeddingLength: numberOrNull(value.embeddingLength),
    poolingType: numberOrNull(value.poolingType),
    supportsRanking: value.supportsRanking === true,
  };
}

const sourceKinds: ReadonlyArray<ModelSource["kind"]> = ["catalogue", "huggingFace", "modelScope", "url", "file"];
const storages: readonly BlobStorage[] = ["download", "copy", "hardLink", "symlink"];

/**
 * Checks a parsed manifest file. Throws an Error whose message (for the user) says what is wrong;
 * optional fields a later version may add are ignored, a missing GGUF summary is allowed.
 */
export function parseManifest(value: unknown): ModelManifest {
  const fail = (what: string): never => {
    throw new Error(localize("The manifest is damaged ({0}).", what));
  };
  if (!isObject(value)) return fail("not a JSON object");
  if (value.schemaVersion !== manifestSchemaVersion) {
    throw new Error(
      localize(
        "The manifest has schema version {0}, which this version of Hearth does not read. Update Hearth.",
        String(value.schemaVersion),
      ),
    );
  }
  if (typeof value.name !== "string" || value.name === "") fail("no name");
  if (typeof value.sha256 !== "string" || !sha256Pattern.test(value.sha256)) fail("no valid sha256");
  if (value.blob !== `sha256-${String(value.sha256)}`) fail("the blob does not match the sha256");
  if (typeof value.sizeBytes !== "number" || !Number.isSafeInteger(value.sizeBytes) || value.sizeBytes < 0) fail("no valid size");
  const source = value.source;
  if (!isObject(source) || typeof source.uri !== "string" || !sourceKinds.includes(source.kind as ModelSource["kind"])) {
    fail("no valid source");
  }
  const validSource = source as Record<string, unknown>;
  const purpose = modelPurposes.includes(value.purpose as ModelPurpose) ? (value.purpose as ModelPurpose) : "chat";
  return {
    schemaVersion: manifestSchemaVersion,
    name: value.name as string,
    blob: value.blob as string,
    sizeBytes: value.sizeBytes as number,
    sha256: value.sha256 as string,
    source: {
      kind: validSource.kind as ModelSource["kind"],
      uri: validSource.uri as string,
      ...(typeof validSource.url === "string" ? { url: validSource.url } : {}),
    },
    storage: storages.includes(value.storage as BlobStorage) ? (value.storage as BlobStorage) : "copy",
    createdAt: typeof value.createdAt === "string" ? value.createdAt : new Date(0).toISOString(),
    gguf: parseGgufSummary(value.gguf),
    purpose,
    ...(parseProfile(value.profile) ? { profile: parseProfile(value.profile)! } : {}),
  };
}

/** What a model is for when no catalogue entry says: rank pooling → reranker, other pooling → embedding, else chat. */
export function guessPurpose(summary: GgufSummary | null): ModelPurpose {
  if (!summary) return "chat";
  if (summary.supportsRanking || summary.poolingType === 4) return "reranker";
  if (summary.poolingType !== null && summary.poolingType > 0 && !summary.hasChatTemplate) return "embedding";
  return "chat";
}
