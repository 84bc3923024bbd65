// A model as the engine holds it once loaded: its file and settings, its profile, and the contexts
// made on first use for generation, embeddings and ranking.
import * as path from "node:path";
import type { LlamaChatSession, LlamaContext, LlamaContextSequence, LlamaEmbeddingContext, LlamaGrammar, LlamaModel, LlamaRankingContext } from "node-llama-cpp";
import { EngineError, errorText } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import { profileStopSequences } from "../../common/models/modelProfile";
import { createTemplateChatWrapper } from "./templateChatWrapper";
import type { LoadedModelInfo, LoadModelParams } from "../../common/engine/engineProtocol";
import type { GoTemplate } from "../../common/modelfile/goTemplateSyntax";
import type { ModelProfile } from "../../common/models/modelProfile";
import type { InfillState } from "./infill";

/** Where streamed text goes. */
export type ChunkSink = (text: string) => void;

export interface GenerationState {
  context: LlamaContext;
  sequence: LlamaContextSequence;
  chat: LlamaChatSession;
  /** The chat session whose history is in the sequence now; null after a one-off generation. */
  owner: string | null;
}

export interface LoadedModel {
  info: LoadedModelInfo;
  model: LlamaModel;
  /** Defaults from the Modelfile the model was created from. */
  profile: ModelProfile | undefined;
  /** The profile's TEMPLATE, parsed, when it formats the chat prompt. */
  template: GoTemplate | undefined;
  /** The profile's DRAFT model, which drafts tokens for speculative decoding; its context is made with the generation context. */
  draft: { model: LlamaModel; path: string; context: LlamaContext | null } | null;
  loraAdapters: LoadModelParams["loraAdapters"];
  generation: GenerationState | null;
  embedding: LlamaEmbeddingContext | null;
  ranking: LlamaRankingContext | null;
  /** The completion (fill-in-the-middle) context, made on first use (infill.ts). */
  infill: Promise<InfillState> | null;
  /** Compiled grammars by their text (GBNF or JSON schema), most recently used last. */
  grammars: Map<string, LlamaGrammar>;
}

/** Frees everything a loaded model holds. */
export async function disposeLoaded(loaded: LoadedModel): Promise<void> {
  const infill = loaded.infill;
  loaded.infill = null;
  const infillState = await infill?.catch(() => null);
  infillState?.current?.abort();
  await infillState?.context.dispose();
  loaded.generation?.chat.dispose({ disposeSequence: false });
  await loaded.generation?.context.dispose();
  await loaded.draft?.context?.dispose();
  await loaded.draft?.model.dispose();
  await loaded.embedding?.dispose();
  await loaded.ranking?.dispose();
  await loaded.model.dispose();
}

/**
 * Makes a model's generation context (with its LoRA adapters), its draft model's context for
 * speculative decoding, and the chat session over them, with the profile's TEMPLATE as the prompt
 * format when it has one. Memory and adapter problems become errors written for the user.
 */
export async function createGenerationState(lib: typeof import("node-llama-cpp"), loaded: LoadedModel): Promise<GenerationState> {
  let context: LlamaContext;
  try {
    context = await loaded.model.createContext({
      contextSize: loaded.info.contextSize,
      threads: loaded.info.threads,
      sequences: 1,
      ...(loaded.loraAdapters && loaded.loraAdapters.length > 0
        ? {
            lora: {
              adapters: loaded.loraAdapters.map((adapter) => ({
                filePath: adapter.path,
                scale: adapter.scale ?? 1,
              })),
            },
          }
        : {}),
    });
  } catch (error) {
    if (error instanceof lib.InsufficientMemoryError) {
      throw new EngineError(
        "outOfMemory",
        localize(
          "There is not enough memory for a {0}-token context with {1}. Lower the context size (setting hearth.contextSize) or choose a smaller model.",
          loaded.info.contextSize,
          loaded.info.name,
        ),
        errorText(error),
      );
    }
    const adapters = loaded.loraAdapters?.map((adapter) => path.basename(adapter.path)).join(", ");
    throw new EngineError(
      "invalidModel",
      adapters
        ? localize(
            "Hearth could not prepare {0} with the adapter {1}: {2}. Check that the adapter was made for this base model.",
            loaded.info.name,
            adapters,
            errorText(error),
          )
        : localize(
            "Hearth could not prepare {0} for generation: {1}. The model may not support text generation (an embedding-only model, for example).",
            loaded.info.name,
            errorText(error),
          ),
      errorText(error),
    );
  }
  let tokenPredictor: InstanceType<(typeof lib)["DraftSequenceTokenPredictor"]> | undefined;
  if (loaded.draft) {
    try {
      loaded.draft.context = await loaded.draft.model.createContext({
        contextSize: Math.min(loaded.info.contextSize, loaded.draft.model.trainContextSize || loaded.info.contextSize),
        threads: loaded.info.threads,
        sequences: 1,
      });
    } catch (error) {
      await context.dispose();
      throw new EngineError(
        error instanceof lib.InsufficientMemoryError ? "outOfMemory" : "invalidModel",
        localize(
          "Hearth could not prepare the draft model {0} for {1}: {2}. Lower the context size, or remove DRAFT from the Modelfile.",
          path.basename(loaded.draft.path),
          loaded.info.name,
          errorText(error),
        ),
        errorText(error),
      );
    }
    tokenPredictor = new lib.DraftSequenceTokenPredictor(loaded.draft.context.getSequence());
  }
  const sequence = context.getSequence(tokenPredictor ? { tokenPredictor } : undefined);
  const chatWrapper = loaded.template
    ? createTemplateChatWrapper(lib, {
        template: loaded.template,
        stops: profileStopSequences(loaded.profile) ?? [],
        prependBos: loaded.model.tokens.shouldPrependBosToken,
        bosText: loaded.model.tokens.bosString,
        modelName: loaded.info.name,
        tokenizer: loaded.model.tokenizer,
      })
    : undefined;
  const chat = new lib.LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false, ...(chatWrapper ? { chatWrapper } : {}) });
  loaded.info.chatWrapper = chat.chatWrapper.wrapperName ?? chat.chatWrapper.constructor.name;
  loaded.generation = { context, sequence, chat, owner: null };
  return loaded.generation;}
