// A model file read without loading it: GGUF metadata, quantization, parameters, and an estimate
// of the memory it needs for a context of the configured size against what this machine has.
import * as os from "node:os";
import * as path from "node:path";
import type { GgufInsights, Llama } from "node-llama-cpp";
import type { FitEstimate, InspectParams, ModelInspection } from "../../common/engine/engineProtocol";
import { EngineError, errorText } from "../../common/engine/engineError";
import type { ModelPurpose } from "../../common/models/modelManifest";
import { modelCatalogue } from "../../common/models/modelCatalogue";
import { formatBytes } from "../../common/formatBytes";
import { localize } from "../../common/localize";
import { quantizationName } from "../models/ggufSummary";
import { checkModelFile, damagedModelError } from "../models/modelFileCheck";
import { metadataSupportsInfill } from "./infillPrompt";
import { resolveContextSize } from "../../common/models/contextSize";

export { resolveContextSize };

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
    supportsInfill: metadataSupportsInfill(metadata.tokenizer as Record<string, unknown> | undefined),
    license: stringOrNull(metadata.general?.license),
    metadata: flattenMetadata(metadata),
    fit,
  };
}

/**
 * This machine's memory as a model load sees it: free (what the OS can hand out now, page cache
 * included) and total, both within a container's memory limit. HEARTH_TEST_MEMORY_BYTES stands in
 * for both in tests, so a refusal can be shown without a machine that is out of memory.
 */
export function machineMemory(): { free: number; total: number } {
  const pretend = Number(process.env.HEARTH_TEST_MEMORY_BYTES);
  if (Number.isFinite(pretend) && pretend > 0) return { free: pretend, total: pretend };
  const limit = typeof process.constrainedMemory === "function" ? process.constrainedMemory() : 0;
  const total = limit && limit > 0 ? Math.min(os.totalmem(), limit) : os.totalmem();
  const free = limit && limit > 0 ? Math.min(os.freemem(), Math.max(0, limit - process.memoryUsage().rss)) : os.freemem();
  return { free, total };
}

function estimateFit(
  insights: GgufInsights,
  contextSize: number,
  hasGpu: boolean,
): FitEstimate {
  const memory = machineMemory();
  const available = { cpuRam: memory.free, gpuVram: 0 };
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
  const fits = required.cpuRam <= Math.max(available.cpuRam, memory.total * 0.8);
  const summary = fits
    ? localize(
        "Fits: needs about {0} of memory for a {1}-token context; this machine has {2} free of {3}.",
        formatBytes(required.cpuRam),
        contextSize,
        formatBytes(available.cpuRam),
        formatBytes(memory.total),
      )
    : localize(
        "Does not fit: needs about {0} of memory for a {1}-token context but this machine has {2} free of {3}. Lower the context size, or choose a file with fewer bits per weight (such as Q4_K_M) or a smaller model.",
        formatBytes(required.cpuRam),
        contextSize,
        formatBytes(available.cpuRam),
        formatBytes(memory.total),
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

/**
 * Why a model cannot be loaded on this machine's CPU memory, before loading it (a load that runs out
 * of memory can take the whole engine down): the estimate for the weights and the context, what the
 * machine has, and a smaller option — a context that fits, or a catalogue model of the same kind
 * that does. Null when it fits, when a GPU takes the weights, or when the file cannot be estimated.
 */
export async function memoryRefusal(
  lib: typeof import("node-llama-cpp"),
  llama: Llama,
  modelPath: string,
  requestedContextSize: number | undefined,
  gpuLayers: number | "auto" | "max" | undefined,
): Promise<EngineError | null> {
  if (llama.gpu !== false && gpuLayers !== 0) return null;
  let insights: GgufInsights;
  let architecture = "";
  try {
    const fileInfo = await lib.readGgufFileInfo(modelPath, { logWarnings: false });
    architecture = String(fileInfo.metadata.general?.architecture ?? "");
    insights = await lib.GgufInsights.from(fileInfo, llama);
  } catch {
    return null; // the load itself says what is wrong with the file
  }
  const contextSize = resolveContextSize(requestedContextSize, insights.trainContextSize ?? null);
  const fit = estimateFit(insights, contextSize, false);
  if (fit.fits) return null;
  const memory = machineMemory();
  const room = Math.max(fit.available.cpuRam, memory.total * 0.8);
  const options: string[] = [];
  try {
    const weights = insights.estimateModelResourceRequirements({ gpuLayers: 0 }).cpuRam;
    for (const smaller of [2048, 1024, 512]) {
      if (smaller >= contextSize) continue;
      const context = insights.estimateContextResourceRequirements({ contextSize: smaller, modelGpuLayers: 0 }).cpuRam;
      if (weights + context <= room) {
        options.push(localize("load it with a context of {0} tokens (the setting hearth.contextSize, or --ctx)", smaller));
        break;
      }
    }
  } catch {
    // No estimate for smaller contexts: only the model can change.
  }
  const purpose: ModelPurpose = insights.supportsRanking ? "reranker" : /bert/i.test(architecture) ? "embedding" : "code";
  const alternative = modelCatalogue
    .filter((entry) => entry.purpose === purpose && entry.approxSizeBytes * 1.3 <= room && entry.approxSizeBytes < fit.required.cpuRam)
    .sort((a, b) => b.approxSizeBytes - a.approxSizeBytes)[0];
  if (alternative) options.push(localize("choose a smaller model such as {0} ({1})", alternative.name, formatBytes(alternative.approxSizeBytes)));
  options.push(localize("choose a file with fewer bits per weight (such as Q4_K_M)"));
  return new EngineError(
    "outOfMemory",
    localize(
      "{0} needs about {1} of memory for a {2}-token context, but this machine has {3} free of {4}, so Hearth did not load it (running out of memory would stop the engine). Close other programs, or {5}.",
      path.basename(modelPath),
      formatBytes(fit.required.cpuRam),
      contextSize,
      formatBytes(fit.available.cpuRam),
      formatBytes(memory.total),
      options.join(localize(", or ")),
    ),
  );
}
