// A model file read without loading it: GGUF metadata, quantization, parameters, and an estimate
// of the memory it needs for a context of the configured size against what this machine has.
import * as os from "node:os";
import * as path from "node:path";
import type { GgufInsights, Llama } from "node-llama-cpp";
import type { FitEstimate, InspectParams, ModelInspection } from "../../common/engine/engineProtocol";
import { errorText } from "../../common/engine/engineError";
import { formatBytes } from "../../common/formatBytes";
import { localize } from "../../common/localize";
import { quantizationName } from "../models/ggufSummary";
import { checkModelFile, damagedModelError } from "../models/modelFileCheck";

/** The context size a model loads with when nothing says otherwise: 4096, or less when it was trained on less. */
const defaultContextCap = 4096;

export function resolveContextSize(requested: number | undefined, trainContextSize: number | null): number {
  if (requested !== undefined && requested > 0) return Math.floor(requested);
  return trainContextSize !== null && trainContextSize > 0 ? Math.min(defaultContextCap, trainContextSize) : defaultContextCap;
}

export function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}

export async function inspectModel(
  lib: typeof import("node-llama-cpp"),
  llama: Llama,
  params: InspectParams,
  defaultContextSize: number | undefined,
): Promise<ModelInspection> {
  const modelPath = path.resolve(params.modelPath);
  const sizeBytes = await checkModelFile(modelPath);
  let fileInfo: Awaited<ReturnType<typeof lib.readGgufFileInfo>>;
  try {
    fileInfo = await lib.readGgufFileInfo(modelPath, { logWarnings: false });
  } catch (error) {
    throw damagedModelError(modelPath, errorText(error));
  }
  const insights = await lib.GgufInsights.from(fileInfo, llama);
  const metadata = fileInfo.metadata;
  const trainContextSize = insights.trainContextSize ?? null;
  const contextSize = resolveContextSize(params.contextSize ?? defaultContextSize, trainContextSize);
  const quantization = quantizationName(lib, metadata.general?.file_type, insights);
  const fit = estimateFit(insights, contextSize, llama.gpu !== false);
  return {
    modelPath,
    sizeBytes,
    name: stringOrNull(metadata.general?.name) ?? path.basename(modelPath, path.extname(modelPath)),
    architecture: String(metadata.general?.architecture ?? "unknown"),
    quantization,
    parameters: insights.totalParameters,
    trainContextSize,
    embeddingLength: insights.embeddingVectorSize ?? null,
    // The transformer blocks, as the file's <arch>.block_count says (node-llama-cpp's totalLayers
    // adds the output layer, one more than the GGUF shows).
    layers: blockCount(metadata) ?? Math.max(0, insights.totalLayers - 1),
    chatTemplate: stringOrNull(metadata.tokenizer?.chat_template),
    supportsRanking: insights.supportsRanking,
    license: stringOrNull(metadata.general?.license),
    metadata: flattenMetadata(metadata),
    fit,
  };
}

function estimateFit(
  insights: GgufInsights,
  contextSize: number,
  hasGpu: boolean,
): FitEstimate {
  const available = { cpuRam: os.freemem(), gpuVram: 0 };
  let required = { cpuRam: insights.modelSize, gpuVram: 0 };
  try {
    const gpuLayers = hasGpu ? insights.totalLayers : 0;
    const modelNeeds = insights.estimateModelResourceRequirements({ gpuLayers });
    const contextNeeds = insights.estimateContextResourceRequirements({ contextSize, modelGpuLayers: gpuLayers });
    required = {
      cpuRam: modelNeeds.cpuRam + contextNeeds.cpuRam,
      gpuVram: modelNeeds.gpuVram + contextNeeds.gpuVram,
    };
  } catch {
    // Architectures node-llama-cpp cannot estimate: fall back to the file size.
  }
  // Memory the OS reports as free understates what it can reclaim (page cache): count the
  // model's own file pages as available too, since mmap maps them rather than copying.
  const fits = required.cpuRam <= Math.max(available.cpuRam, os.totalmem() * 0.8);
  const summary = fits
    ? localize(
        "Fits: needs about {0} of memory for a {1}-token context; this machine has {2} free of {3}.",
        formatBytes(required.cpuRam),
        contextSize,
        formatBytes(available.cpuRam),
        formatBytes(os.totalmem()),
      )
    : localize(
        "Does not fit: needs about {0} of memory for a {1}-token context but this machine has {2} free of {3}. Lower the context size, or choose a file with fewer bits per weight (such as Q4_K_M) or a smaller model.",
        formatBytes(required.cpuRam),
        contextSize,
        formatBytes(available.cpuRam),
        formatBytes(os.totalmem()),
      );
  return { contextSize, required, available, fits, summary };
}

function flattenMetadata(metadata: object): Record<string, string | number | boolean> {
  const flat: Record<string, string | number | boolean> = {};
  const visit = (value: unknown, key: string): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      flat[key] = value.length <= 8 ? JSON.stringify(value) : `[${value.length} items]`;
    } else if (typeof value === "object") {
      for (const [childKey, child] of Object.entries(value as Record<string, unknown>)) {
        visit(child, key ? `${key}.${childKey}` : childKey);
      }
    } else if (typeof value === "bigint") {
      flat[key] = Number(value);
    } else if (typeof value === "string") {
      flat[key] = value.length > 200 ? `${value.slice(0, 200)}…` : value;
    } else if (typeof value === "number" || typeof value === "boolean") {
      flat[key] = value;
    }
  };
  visit(metadata, "");
  return flat;
}

/** `<architecture>.block_count` from a GGUF's metadata, or null. */
function blockCount(metadata: unknown): number | null {
  if (typeof metadata !== "object" || metadata === null) return null;
  const architecture = (metadata as { general?: { architecture?: unknown } }).general?.architecture;
  if (typeof architecture !== "string") return null;
  const section = (metadata as Record<string, unknown>)[architecture];
  const count = typeof section === "object" && section !== null ? (section as { block_count?: unknown }).block_count : undefined;
  return typeof count === "number" && Number.isInteger(count) && count >= 0 ? count : null;
}
