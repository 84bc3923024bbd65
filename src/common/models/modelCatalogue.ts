// Recommended models and how any model reference becomes a download URL. Catalogue names
// (`qwen2.5-coder:1.5b`) map to GGUF files on Hugging Face; a download endpoint setting points
// the same paths at a mirror, and `ms:` references go to ModelScope.
//
// Sizes and sha256 values are the Git LFS object ids of the files as published (the same value
// Hugging Face shows on the file page and sends as X-Linked-Etag); a pull checks them.
import { EngineError } from "../engine/engineError";
import { localize } from "../localize";
import type { ModelPurpose, ModelSource } from "./modelManifest";
import type { ModelReference } from "./modelName";
import { formatModelName, formatModelReference, parseModelName, parseModelReference, storeNameForReference } from "./modelName";

export interface CatalogueEntry {
  /** `family:tag`. */
  readonly name: string;
  readonly purpose: ModelPurpose;
  /** A Hugging Face repository and the GGUF file in it. */
  readonly source: { readonly repo: string; readonly file: string };
  readonly approxSizeBytes: number;
  /** Total system memory this model wants to run comfortably at its default context (weights, KV cache, the rest of the machine). */
  readonly minMemoryBytes: number;
  /** SPDX id or the licence's name on the model card. */
  readonly license: string;
  readonly description: string;
  /** Published sha256 of the file; absent when not known. */
  readonly sha256?: string;
  /** From a custom catalogue: the first choice for its purpose when it fits the machine. */
  readonly recommended?: boolean;
}

const GiB = 1024 ** 3;

const builtInCatalogue: readonly CatalogueEntry[] = [
  {
    name: "qwen2.5-coder:0.5b",
    purpose: "code",
    source: { repo: "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF", file: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf" },
    approxSizeBytes: 491_400_064,
    minMemoryBytes: 2 * GiB,
    license: "apache-2.0",
    description: "Qwen2.5-Coder 0.5B Instruct, Q4_K_M: quick code answers on any machine; shallow on hard questions.",
    sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
  },
  {
    name: "qwen2.5-coder:1.5b",
    purpose: "code",
    source: { repo: "Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF", file: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf" },
    approxSizeBytes: 1_117_320_768,
    minMemoryBytes: 4 * GiB,
    license: "apache-2.0",
    description: "Qwen2.5-Coder 1.5B Instruct, Q4_K_M: the balanced default for code chat and review on a laptop CPU.",
    sha256: "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
  },
  {
    name: "qwen2.5-coder:7b",
    purpose: "code",
    source: { repo: "Qwen/Qwen2.5-Coder-7B-Instruct-GGUF", file: "qwen2.5-coder-7b-instruct-q4_k_m.gguf" },
    approxSizeBytes: 4_683_073_536,
    minMemoryBytes: 10 * GiB,
    license: "apache-2.0",
    description: "Qwen2.5-Coder 7B Instruct, Q4_K_M: markedly better code review; wants a GPU or a fast CPU and 10 GB of memory.",
    sha256: "509287f78cb4d4cf6b3843734733b914b2c158e43e22a7f4bf5e963800894d3c",
  },
  {
    name: "qwen2.5:1.5b",
    purpose: "chat",
    source: { repo: "Qwen/Qwen2.5-1.5B-Instruct-GGUF", file: "qwen2.5-1.5b-instruct-q4_k_m.gguf" },
    approxSizeBytes: 1_117_320_736,
    minMemoryBytes: 4 * GiB,
    license: "apache-2.0",
    description: "Qwen2.5 1.5B Instruct, Q4_K_M: a small general chat model, Chinese and English.",
    sha256: "6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e",
  },
  {
    name: "qwen2.5:3b",
    purpose: "chat",
    source: { repo: "Qwen/Qwen2.5-3B-Instruct-GGUF", file: "qwen2.5-3b-instruct-q4_k_m.gguf" },
    approxSizeBytes: 2_104_932_768,
    minMemoryBytes: 6 * GiB,
    license: "qwen-research",
    description: "Qwen2.5 3B Instruct, Q4_K_M: a stronger general chat model, Chinese and English (Qwen Research licence: non-commercial).",
    sha256: "626b4a6678b86442240e33df819e00132d3ba7dddfe1cdc4fbb18e0a9615c62d",
  },
  {
    name: "bge-m3:567m",
    purpose: "embedding",
    source: { repo: "gpustack/bge-m3-GGUF", file: "bge-m3-Q8_0.gguf" },
    approxSizeBytes: 634_553_760,
    minMemoryBytes: 2 * GiB,
    license: "mit",
    description: "BAAI bge-m3, Q8_0: multilingual embeddings (Chinese and English among 100+ languages), 1024 dimensions, 8K context.",
    sha256: "950f4a8e5e19477a6d3c26d2f162233c20002c601f75e4b002e3239997821167",
  },
  {
    name: "bge-reranker-v2-m3:568m",
    purpose: "reranker",
    source: { repo: "gpustack/bge-reranker-v2-m3-GGUF", file: "bge-reranker-v2-m3-Q8_0.gguf" },
    approxSizeBytes: 635_676_416,
    minMemoryBytes: 2 * GiB,
    license: "apache-2.0",
    description: "BAAI bge-reranker-v2-m3, Q8_0: a multilingual cross-encoder that reorders search results (Chinese and English).",
    sha256: "a43c7c9b11a4c1517e5bf95151960e1621d1b72f7a493364b01e386cf1aaa1d3",
  },
];

const entries: CatalogueEntry[] = [...builtInCatalogue];

/** The catalogue in use: a custom catalogue's entries first, then the built-in ones it does not replace. */
export const modelCatalogue: readonly CatalogueEntry[] = entries;

/**
 * Adds a team's own catalogue (for example models on an internal mirror): its entries replace
 * built-in ones of the same name, and one marked `recommended` becomes the first choice for its
 * purpose. An empty list restores the built-in catalogue.
 */
export function useCustomCatalogue(custom: readonly CatalogueEntry[]): void {
  const names = new Set(custom.map((entry) => entry.name));
  entries.splice(0, entries.length, ...custom, ...builtInCatalogue.filter((entry) => !names.has(entry.name)));
}

const purposes = ["code", "chat", "embedding", "reranker"];

/** Reads a custom catalogue (a JSON array of entries); throws an EngineError that says what is wrong. */
export function parseCustomCatalogue(text: string, source: string): CatalogueEntry[] {
  const invalid = (detail: string): EngineError =>
    new EngineError(
      "badRequest",
      localize("The model catalogue {0} is not valid: {1}. Fix the file, or clear the setting hearth.catalogueFile.", source, detail),
    );
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error));
  }
  if (!Array.isArray(value)) throw invalid("the file must hold a JSON array of entries");
  return value.map((raw: unknown, index: number): CatalogueEntry => {
    const at = `entry ${index + 1}`;
    if (typeof raw !== "object" || raw === null) throw invalid(`${at} is not an object`);
    const entry = raw as Record<string, unknown>;
    const source = entry.source as Record<string, unknown> | undefined;
    const text = (key: string): string => {
      const field = entry[key];
      if (typeof field !== "string" || !field) throw invalid(`${at} needs a "${key}" string`);
      return field;
    };
    const count = (key: string): number => {
      const field = entry[key];
      if (typeof field !== "number" || !Number.isFinite(field) || field < 0) throw invalid(`${at} needs a "${key}" number`);
      return field;
    };
    const name = formatModelName(parseModelName(text("name")));
    const purpose = text("purpose");
    if (!purposes.includes(purpose)) throw invalid(`${at}: "purpose" must be one of ${purposes.join(", ")}`);
    if (typeof source?.repo !== "string" || typeof source.file !== "string" || !source.file.endsWith(".gguf")) {
      throw invalid(`${at} needs "source": { "repo": "owner/name", "file": "….gguf" }`);
    }
    const sha256 = entry.sha256;
    if (sha256 !== undefined && (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/i.test(sha256))) {
      throw invalid(`${at}: "sha256" must be 64 hexadecimal characters`);
    }
    return {
      name,
      purpose: purpose as ModelPurpose,
      source: { repo: source.repo, file: source.file },
      approxSizeBytes: count("approxSizeBytes"),
      minMemoryBytes: count("minMemoryBytes"),
      license: text("license"),
      description: typeof entry.description === "string" ? entry.description : name,
      ...(typeof sha256 === "string" ? { sha256: sha256.toLowerCase() } : {}),
      ...(entry.recommended === true ? { recommended: true } : {}),
    };
  });
}

/** Names without a size that resolve to a catalogue entry, as `qwen2.5-coder` does on Ollama. */
export const catalogueAliases: Readonly<Record<string, string>> = {
  "qwen2.5-coder:latest": "qwen2.5-coder:1.5b",
  "qwen2.5:latest": "qwen2.5:1.5b",
  "bge-m3:latest": "bge-m3:567m",
  "bge-reranker-v2-m3:latest": "bge-reranker-v2-m3:568m",
};

/** The catalogue entry for a `family:tag` name (after aliases), or undefined. */
export function findCatalogueEntry(name: string): CatalogueEntry | undefined {
  const canonical = catalogueAliases[name] ?? name;
  return modelCatalogue.find((entry) => entry.name === canonical);
}

/** The catalogue entry published as this Hugging Face file, or undefined. */
export function findCatalogueEntryBySource(repo: string, file: string): CatalogueEntry | undefined {
  return modelCatalogue.find(
    (entry) => entry.source.repo.toLowerCase() === repo.toLowerCase() && entry.source.file === file,
  );
}

/** What a recommendation looks at: memory, CPU cores, and whether a GPU runs the model. */
export interface MachineProfile {
  totalMemoryBytes: number;
  /** Physical cores (not hyper-threads): what decides a CPU's token rate with its memory bandwidth. */
  physicalCores: number;
  /** True when a GPU runs models, false when none does, null when not known (treated as none). */
  hasGpu: boolean | null;
}

/**
 * The largest model file a CPU without a GPU runs at a pleasant speed: a token costs a pass over
 * the weights, so a small CPU wants a small file (measured: a 0.5B model at Q8_0 gives about 30
 * tokens/s on 2 cores; a 7B model at Q4_K_M, 4.7 GB, a few). Null: no limit beyond memory.
 */
export function cpuModelSizeLimit(physicalCores: number): number | null {
  if (physicalCores <= 4) return 1.25 * GiB; // up to 1.5B parameters at Q4
  if (physicalCores <= 8) return 2.5 * GiB; // up to 3B
  return null;
}

function suits(entry: CatalogueEntry, machine: MachineProfile): boolean {
  if (entry.minMemoryBytes > machine.totalMemoryBytes) return false;
  // Embedding and reranking models run in short bursts over small inputs: memory alone decides.
  if (entry.purpose !== "chat" && entry.purpose !== "code") return true;
  const limit = machine.hasGpu === true ? null : cpuModelSizeLimit(machine.physicalCores);
  return limit === null || entry.approxSizeBytes <= limit;
}

/**
 * The catalogue model for `purpose` that suits the machine: a custom catalogue's recommended entry
 * when it suits, else the largest one that fits the memory and, without a GPU, the CPU (see
 * cpuModelSizeLimit); null when none does.
 */
export function recommendModel(purpose: ModelPurpose, machine: MachineProfile): CatalogueEntry | null {
  const chosen = modelCatalogue.find((entry) => entry.recommended === true && entry.purpose === purpose && suits(entry, machine));
  if (chosen) return chosen;
  let best: CatalogueEntry | null = null;
  for (const entry of modelCatalogue) {
    if (entry.purpose !== purpose || !suits(entry, machine)) continue;
    if (!best || entry.approxSizeBytes > best.approxSizeBytes) best = entry;
  }
  return best;
}

/** Why `entry` is the one suggested for this machine, in a sentence for a tooltip or a list. */
export function recommendationReason(entry: CatalogueEntry, machine: MachineProfile): string {
  const memory = `${Math.round(machine.totalMemoryBytes / GiB)} GB`;
  const larger = modelCatalogue.some(
    (other) => other.purpose === entry.purpose && other.approxSizeBytes > entry.approxSizeBytes && other.minMemoryBytes <= machine.totalMemoryBytes,
  );
  if (larger && machine.hasGpu !== true && (entry.purpose === "chat" || entry.purpose === "code")) {
    return localize(
      "Suggested for {0} CPU cores and {1} of memory: larger models fit in memory, but on this CPU they would answer a few words a second unless a GPU runs them.",
      machine.physicalCores,
      memory,
    );
  }
  return localize("Suggested as the largest one that fits {0} of memory.", memory);
}

export interface DownloadEndpoints {
  /** Hugging Face or a mirror of it (same URL layout), e.g. https://hf-mirror.com. */
  huggingFaceEndpoint?: string;
  modelScopeEndpoint?: string;
}

export const defaultHuggingFaceEndpoint = "https://huggingface.co";
export const defaultModelScopeEndpoint = "https://modelscope.cn";

export interface ResolvedDownload {
  url: string;
  /** The store name to use when the user gives none. */
  suggestedName: string;
  source: ModelSource;
  expectedSha256?: string;
  expectedSizeBytes?: number;
  catalogueEntry?: CatalogueEntry;
}

function trimEndpoint(endpoint: string): string {
  return endpoint.trim().replace(/\/+$/, "");
}

function encodePath(file: string): string {
  return file.split("/").map(encodeURIComponent).join("/");
}

/** `${endpoint}/${repo}/resolve/${revision}/${file}`: Hugging Face's (and its mirrors') download URL. */
export function huggingFaceFileUrl(endpoint: string, repo: string, file: string, revision = "main"): string {
  return `${trimEndpoint(endpoint)}/${repo}/resolve/${encodeURIComponent(revision)}/${encodePath(file)}`;
}

/** `${endpoint}/models/${repo}/resolve/${revision}/${file}`: ModelScope's download URL. */
export function modelScopeFileUrl(endpoint: string, repo: string, file: string, revision = "master"): string {
  return `${trimEndpoint(endpoint)}/models/${repo}/resolve/${encodeURIComponent(revision)}/${encodePath(file)}`;
}

function fromCatalogue(entry: CatalogueEntry, endpoints: DownloadEndpoints, uri: string): ResolvedDownload {
  return {
    url: huggingFaceFileUrl(endpoints.huggingFaceEndpoint ?? defaultHuggingFaceEndpoint, entry.source.repo, entry.source.file),
    suggestedName: entry.name,
    source: { kind: "catalogue", uri },
    ...(entry.sha256 === undefined ? {} : { expectedSha256: entry.sha256 }),
    expectedSizeBytes: entry.approxSizeBytes,
    catalogueEntry: entry,
  };
}

/**
 * Where to download a reference from. Catalogue names and `hf:` files use the Hugging Face
 * endpoint (a mirror when set), `ms:` files ModelScope; a URL is used as is. Throws an EngineError:
 * "modelNotFound" for a name the catalogue does not have, "badRequest" for a local path or an
 * invalid reference.
 */
export function resolveDownload(reference: string | ModelReference, endpoints: DownloadEndpoints = {}): ResolvedDownload {
  const ref = typeof reference === "string" ? parseModelReference(reference) : reference;
  const uri = formatModelReference(ref);
  switch (ref.kind) {
    case "name": {
      const name = formatModelName(ref.name);
      const entry = findCatalogueEntry(name);
      if (!entry) {
        throw new EngineError(
          "modelNotFound",
          localize(
            "There is no model called {0} in Hearth's catalogue. Choose a catalogue model (for example {1}), or pull a file directly: hf:owner/repository/file.gguf or an https:// address of a .gguf file.",
            name,
            "qwen2.5-coder:1.5b",
          ),
        );
      }
      return fromCatalogue(entry, endpoints, uri);
    }
    case "huggingFace": {
      const entry = ref.revision === undefined ? findCatalogueEntryBySource(ref.repo, ref.file) : undefined;
      return {
        url: huggingFaceFileUrl(endpoints.huggingFaceEndpoint ?? defaultHuggingFaceEndpoint, ref.repo, ref.file, ref.revision),
        // Named after the file, as typed; a catalogue match still brings its checksum.
        suggestedName: storeNameForReference(ref),
        source: { kind: "huggingFace", uri },
        ...(entry?.sha256 === undefined ? {} : { expectedSha256: entry.sha256 }),
        ...(entry ? { expectedSizeBytes: entry.approxSizeBytes, catalogueEntry: entry } : {}),
      };
    }
    case "modelScope":
      return {
        url: modelScopeFileUrl(endpoints.modelScopeEndpoint ?? defaultModelScopeEndpoint, ref.repo, ref.file, ref.revision),
        suggestedName: storeNameForReference(ref),
        source: { kind: "modelScope", uri },
      };
    case "url":
      return { url: ref.url, suggestedName: storeNameForReference(ref), source: { kind: "url", uri } };
    case "path":
      throw new EngineError(
        "badRequest",
        localize("{0} is a file on this computer, not a download: import it into the model store instead of pulling it.", ref.path),
      );
  }
}
