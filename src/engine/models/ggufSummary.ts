// Reads the GGUF header of a model file into the summary a manifest keeps (architecture,
// parameters, quantization, context, licence…), with node-llama-cpp's reader and insights. No
// model is loaded and no backend started.
import type { GgufSummary } from "../../common/models/modelManifest";
import { errorText } from "../../common/engine/engineError";
import { damagedModelError } from "./modelFileCheck";

export type GgufSummaryReader = (filePath: string) => Promise<GgufSummary>;

type NodeLlamaCpp = typeof import("node-llama-cpp");

let modulePromise: Promise<NodeLlamaCpp> | null = null;

function nodeLlamaCpp(): Promise<NodeLlamaCpp> {
  modulePromise ??= import("node-llama-cpp");
  return modulePromise;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** Throws the "invalidModel" EngineError of modelFileCheck when the header cannot be read. */
export const readGgufSummary: GgufSummaryReader = async (filePath) => {
  const lib = await nodeLlamaCpp();
  try {
    const fileInfo = await lib.readGgufFileInfo(filePath, {
      logWarnings: false,
      sourceType: "filesystem",
      // The vocabulary is most of a header and none of the summary.
      ignoreKeys: ["tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type", "tokenizer.ggml.merges"],
    });
    const insights = await lib.GgufInsights.from(fileInfo);
    const metadata = fileInfo.metadata;
    const architecture = String(metadata.general?.architecture ?? "unknown");
    const quantization = quantizationName(lib, metadata.general?.file_type, insights);
    const architectureMetadata = (metadata as unknown as Record<string, unknown>)[architecture];
    const pooling =
      typeof architectureMetadata === "object" && architectureMetadata !== null
        ? (architectureMetadata as Record<string, unknown>).pooling_type
        : undefined;
    return {
      name: stringOrNull(metadata.general?.name),
      architecture,
      parameters: insights.totalParameters,
      quantization,
      contextLength: insights.trainContextSize ?? null,
      license: stringOrNull(metadata.general?.license),
      hasChatTemplate: typeof metadata.tokenizer?.chat_template === "string" && metadata.tokenizer.chat_template !== "",
      embeddingLength: insights.embeddingVectorSize ?? null,
      poolingType: typeof pooling === "number" ? pooling : null,
      supportsRanking: insights.supportsRanking,
    };
  } catch (error) {
    throw damagedModelError(filePath, errorText(error));
  }
};

/** "Q4_K_M", "F32"…: from `general.file_type`, else the most common tensor type. */
export function quantizationName(
  lib: NodeLlamaCpp,
  fileType: unknown,
  insights: { dominantTensorType?: number | undefined },
): string {
  if (typeof fileType === "number") return (lib.GgufFileType[fileType] ?? `type ${fileType}`).replace(/^(MOSTLY_|ALL_)/, "");
  return insights.dominantTensorType !== undefined ? String(lib.GgmlType[insights.dominantTensorType]) : "unknown";
}
