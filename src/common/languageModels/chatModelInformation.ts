// What VS Code's model picker shows of Hearth's installed models (vscode.lm's
// LanguageModelChatInformation, as plain data): which models can chat, and the token limits they
// really run with — the loaded context when the model is loaded, else the context it will load
// with (hearth.contextSize, the Modelfile's num_ctx, or the default cap), less what the engine
// keeps free for the answer.
import type { LoadedModelInfo } from "../engine/engineProtocol";
import { resolveContextSize } from "../models/contextSize";
import type { StoredModel } from "../models/modelManifest";
import { tryParseModelName } from "../models/modelName";
import { formatBytes } from "../formatBytes";
import { localize } from "../localize";

/** The vendor Hearth's models have in vscode.lm (and in package.json's languageModelChatProviders). */
export const hearthVendor = "hearth";

/** The engine never leaves less room than this for an answer (src/engine/llama/chatSessions.ts). */
const minimumAnswerTokens = 16;

export interface ChatModelInformation {
  /** The store name: what the provider loads when the model is picked. */
  id: string;
  name: string;
  family: string;
  version: string;
  /** The model's context less the room kept for the answer. */
  maxInputTokens: number;
  /** hearth.maxTokens, never past the context. */
  maxOutputTokens: number;
  /** The context size these limits come from, and whether it is the loaded model's own. */
  contextSize: number;
  loaded: boolean;
  detail: string;
  tooltip: string;
}

export interface ChatModelSettings {
  /** hearth.contextSize (0: the model's default). */
  contextSize: number;
  /** hearth.maxTokens. */
  maxTokens: number;
}

/** The tokens a prompt may use in a context of `contextSize`, and the most an answer may be. */
export function tokenLimits(contextSize: number, maxTokens: number): { maxInputTokens: number; maxOutputTokens: number } {
  // The engine keeps min(a quarter of the context, max(16, maxTokens)) free for the answer.
  const reserve = Math.min(Math.floor(contextSize / 4), Math.max(minimumAnswerTokens, maxTokens));
  return { maxInputTokens: Math.max(1, contextSize - reserve), maxOutputTokens: Math.max(1, Math.min(maxTokens, contextSize)) };
}

/**
 * The installed models that can chat (chat and code models whose entry is intact), in store order,
 * with the limits they run with now. Embedding and reranking models are left out.
 */
export function chatModelInformation(
  stored: readonly StoredModel[],
  loaded: readonly LoadedModelInfo[],
  settings: ChatModelSettings,
): ChatModelInformation[] {
  const found: ChatModelInformation[] = [];
  for (const model of stored) {
    const manifest = model.manifest;
    if (model.status !== "ok" || !manifest || (manifest.purpose !== "chat" && manifest.purpose !== "code")) continue;
    const running = loaded.find((info) => info.storeName === model.name) ?? null;
    const requested = settings.contextSize > 0 ? settings.contextSize : manifest.profile?.parameters.contextSize;
    const contextSize = running?.contextSize ?? resolveContextSize(requested, manifest.gguf?.contextLength ?? null);
    const parsed = tryParseModelName(model.name);
    const gguf = manifest.gguf;
    const facts = [gguf?.architecture, gguf?.quantization, formatBytes(manifest.sizeBytes)].filter((fact): fact is string => Boolean(fact));
    found.push({
      id: model.name,
      name: model.name,
      family: parsed ? parsed.family : model.name,
      version: parsed ? parsed.tag : "latest",
      ...tokenLimits(contextSize, settings.maxTokens),
      contextSize,
      loaded: running !== null,
      detail: localize("Hearth · local"),
      tooltip: running
        ? localize("{0}: {1}; loaded with a {2}-token context.", model.name, facts.join(", "), contextSize)
        : localize("{0}: {1}; loads with a {2}-token context when picked.", model.name, facts.join(", "), contextSize),
    });
  }
  return found;
}
