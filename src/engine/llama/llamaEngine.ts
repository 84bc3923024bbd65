// The engine: node-llama-cpp and the models it runs. It lives in the engine process (see
// engineMain.ts) and, for the command line, in-process. Everything that evaluates a model goes
// through the scheduler, so jobs run one at a time in priority order and can be cancelled.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type {
  ChatHistoryItem,
  GbnfJsonSchema,
  Llama,
  LlamaChatSession,
  LlamaContext,
  LlamaContextSequence,
  LlamaEmbeddingContext,
  LlamaGrammar,
  LlamaModel,
  LlamaRankingContext,
  Token,
} from "node-llama-cpp";
import type { ChatCreateParams, ChatCreateResult, ChatSendParams, ChatTurnResult, CountTokensParams, CountTokensResult, EmbedParams, EmbedResult, EngineStatus, FitEstimate, GenerateParams, InspectParams, LoadedModelInfo, LoadModelParams, LogLevel, ModelInspection, StoreCopyParams, StoreCreateParams, StoreImportParams, StoreListResult, StorePullParams, StoreRemoveParams, StoreShowParams, StoreShowResult, RankParams, RankResult } from "../../common/engine/engineProtocol";
import type { ChatTurn, GenerateResult, GenerationOptions, PromptMode, StopReason, TokenUsage } from "../../common/chat/chatTypes";
import { EngineError, errorText } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import { formatBytes } from "../../common/formatBytes";
import { StopSequenceMatcher } from "../../common/chat/stopSequences";
import type { GoTemplate } from "../../common/modelfile/goTemplate";
import type { ModelProfile } from "../../common/models/modelProfile";
import {
  mergeProfileOptions,
  ollamaCompatibilityVersion,
  profileFromModelfile,
  profileStopSequences,
  profileTemplate,
  requiresProblem,
} from "../../common/models/modelProfile";
import { parseModelReference, storeNameForReference } from "../../common/models/modelName";
import { blocksModelCreation, resolveModelfilePath, validateModelfile } from "../../common/modelfile/modelfileValidator";
import type { DownloadEndpoints } from "../../common/models/modelCatalogue";
import type { ModelManifest, PullProgress, PullResult, RemoveResult, RepairReport } from "../../common/models/modelManifest";
import { quantizationName } from "../models/ggufSummary";
import { checkModelFile, damagedModelError } from "../models/modelFileCheck";
import { partialDownloads, pull } from "../models/modelDownloader";
import { defaultStoreRoot, expandHome, ModelStore } from "../models/modelStore";
import type { EngineKind } from "../../node/runningRegistry";
import { removeRunningRecord, writeRunningRecord } from "../../node/runningRegistry";
import { countTokensProblem, jsonSchemaProblem } from "../requestValidation";
import { cancelledError, Scheduler } from "../scheduler";
import { createTemplateChatWrapper, templateChatWrapperName } from "./templateChatWrapper";
import { resolveThreads } from "../threads";

type NodeLlamaCpp = typeof import("node-llama-cpp");

export interface LlamaEngineOptions {
  /** Where the engine's log lines go. */
  log?: (level: LogLevel, message: string) => void;
  /** Threads when a request does not say; 0 = physical cores. */
  defaultThreads?: number;
  /** Context size when a request does not say; 0 = min(4096, the model's training context). */
  defaultContextSize?: number;
  /** "auto" uses a GPU when node-llama-cpp finds one; false forces the CPU. */
  gpu?: "auto" | false;
  /** The model store's folder; $HEARTH_HOME or ~/.hearth by default. */
  storeRoot?: string;
  /** Where pulls download from (Hugging Face mirrors, ModelScope). */
  endpoints?: DownloadEndpoints;
  /** Who runs this engine, for `hearth ps`; absent: not recorded. */
  kind?: EngineKind;
}

export type ChunkSink = (text: string) => void;

interface GenerationState {
  context: LlamaContext;
  sequence: LlamaContextSequence;
  chat: LlamaChatSession;
  /** The chat session whose history is in the sequence now; null after a one-off generation. */
  owner: string | null;
}

interface LoadedModel {
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
  /** Compiled grammars by their text (GBNF or JSON schema), most recently used last. */
  grammars: Map<string, LlamaGrammar>;
}

interface ChatSessionRecord {
  sessionId: string;
  modelId: string;
  systemPrompt: string | undefined;
  /** The full history once a turn ran; before that, the turns to restore. */
  history: ChatHistoryItem[] | null;
  restore: ChatTurn[];
  /** The profile's MESSAGE turns at the start of `restore`/`history` (after the system prompt): kept while anything else can go. */
  seeded: number;
  turns: number;
}

/** A chat history that fits the context with room for an answer (see `fitHistory`). */
interface ContextFit {
  history: ChatHistoryItem[];
  /** Seeded MESSAGE items still in `history`. */
  seeded: number;
  droppedTurns: number;
  /** The tokens the prompt will put in the context: history, the new message, the answer's lead-in. */
  tokens: Token[];
  /** How many tokens the dropped turns took. */
  droppedTokens: number;
  /** The answer's budget: the request's maxTokens, never past the end of the context. */
  maxTokens: number;
}

const defaultContextCap = 4096;
/** Compiled grammars kept per model. */
const grammarCacheSize = 16;
/** The least room for an answer a chat turn starts with; under it the message is refused. */
const minimumAnswerTokens = 16;

export class LlamaEngine {
  readonly scheduler = new Scheduler();
  readonly startedAt = Date.now();
  private readonly options: LlamaEngineOptions;
  private llamaPromise: Promise<Llama> | null = null;
  private moduleCache: NodeLlamaCpp | null = null;
  private readonly models = new Map<string, LoadedModel>();
  private readonly sessions = new Map<string, ChatSessionRecord>();
  private nextModelId = 1;
  private nextSessionId = 1;
  readonly store: ModelStore;

  constructor(options: LlamaEngineOptions = {}) {
    this.options = options;
    this.store = new ModelStore(options.storeRoot ?? defaultStoreRoot(process.env));
  }

  /** Keeps <store>/run/engine-<pid>.json in step with what is loaded (for `hearth ps`). */
  private recordRunning(): void {
    if (!this.options.kind) return;
    writeRunningRecord(this.store.root, {
      pid: process.pid,
      kind: this.options.kind,
      startedAt: this.startedAt,
      updatedAt: Date.now(),
      models: this.listModels(),
    });
  }

  /** A `.gguf` path as is; anything else is the name of an installed model. */
  private async resolveModelPath(
    reference: string,
  ): Promise<{ modelPath: string; storeName: string | null; profile: ModelProfile | undefined }> {
    const looksLikePath =
      /[\\/]/.test(reference) || reference.toLowerCase().endsWith(".gguf") || reference.startsWith("~") || reference.startsWith(".");
    if (looksLikePath) return { modelPath: path.resolve(expandHome(reference)), storeName: null, profile: undefined };
    const modelPath = await this.store.resolvePath(reference);
    const stored = await this.store.get(reference);
    return { modelPath, storeName: stored?.name ?? reference, profile: stored?.manifest?.profile };
  }

  private log(level: LogLevel, message: string): void {
    this.options.log?.(level, message);
  }

  private async module(): Promise<NodeLlamaCpp> {
    if (!this.moduleCache) this.moduleCache = await import("node-llama-cpp");
    return this.moduleCache;
  }

  /** node-llama-cpp's Llama, created once; never builds llama.cpp at run time. */
  async llama(): Promise<Llama> {
    if (!this.llamaPromise) {
      this.llamaPromise = (async () => {
        const lib = await this.module();
        const started = Date.now();
        try {
          const llama = await lib.getLlama({
            gpu: this.options.gpu ?? "auto",
            build: "never",
            logLevel: lib.LlamaLogLevel.warn,
            logger: (level, message) => {
              const text = message.trim();
              if (!text) return;
              const mapped: LogLevel =
                level === lib.LlamaLogLevel.error || level === lib.LlamaLogLevel.fatal
                  ? "error"
                  : level === lib.LlamaLogLevel.warn
                    ? "warn"
                    : "debug";
              this.log(mapped, `llama.cpp: ${text}`);
            },
          });
          this.log(
            "info",
            `llama.cpp ready in ${Date.now() - started} ms (${llama.gpu === false ? "CPU" : llama.gpu}, ${llama.buildType} build, ${llama.cpuMathCores} math cores)`,
          );
          return llama;
        } catch (error) {
          this.llamaPromise = null;
          throw new EngineError(
            "engineUnavailable",
            localize(
              "llama.cpp could not start on this machine: {0}. Reinstall Hearth for your platform (its package carries llama.cpp for one operating system and processor).",
              errorText(error),
            ),
            errorText(error),
          );
        }
      })();
    }
    return this.llamaPromise;
  }

  // ── Models ────────────────────────────────────────────────────────────────────────────────

  async loadModel(params: LoadModelParams, signal?: AbortSignal): Promise<LoadedModelInfo> {
    const { modelPath, storeName, profile } = await this.resolveModelPath(params.modelPath);
    const displayName = storeName ?? path.basename(modelPath);
    if (profile?.requires !== undefined) {
      const problem = requiresProblem(profile.requires, displayName);
      if (problem) throw new EngineError("notSupported", problem);
    }
    const template = profileTemplate(profile);
    const templateError = template?.diagnostics[0];
    if (templateError) {
      throw new EngineError(
        "badRequest",
        localize(
          "The TEMPLATE of {0} does not parse: {1} Fix it in the model's Modelfile (Show Modelfile) and create the model again.",
          displayName,
          templateError.message,
        ),
      );
    }
    const draftPath = profile?.draft !== undefined ? await this.resolveDraftPath(profile.draft, displayName) : null;
    params = withProfileDefaults(params, profile);
    return this.scheduler.run(`load ${storeName ?? path.basename(modelPath)}`, "interactive", signal, async () => {
      const threads = resolveThreads(params.threads ?? this.options.defaultThreads);
      for (const loaded of this.models.values()) {
        if (
          loaded.info.modelPath === modelPath &&
          JSON.stringify(loaded.profile) === JSON.stringify(profile) &&
          (profile === undefined || loaded.info.storeName === storeName) &&
          loaded.info.threads === threads &&
          sameAdapters(loaded.loraAdapters, params.loraAdapters) &&
          (params.contextSize === undefined || params.contextSize === 0 || params.contextSize === loaded.info.contextSize)
        ) {
          return loaded.info;
        }
      }
      const sizeBytes = await checkModelFile(modelPath);
      const lib = await this.module();
      const llama = await this.llama();
      const started = Date.now();
      let model: LlamaModel;
      try {
        model = await llama.loadModel({
          modelPath,
          gpuLayers: params.gpuLayers ?? (llama.gpu === false ? 0 : "auto"),
          loadSignal: signal,
        });
      } catch (error) {
        if (signal?.aborted) throw cancelledError();
        if (error instanceof lib.InsufficientMemoryError) {
          throw new EngineError(
            "outOfMemory",
            localize(
              "There is not enough memory to load {0} ({1}). Close other programs, or choose a smaller or more quantized model (for example a Q4_K_M file).",
              path.basename(modelPath),
              formatBytes(sizeBytes),
            ),
            errorText(error),
          );
        }
        throw damagedModelError(modelPath, errorText(error));
      }
      let draft: LoadedModel["draft"] = null;
      if (draftPath !== null) {
        try {
          draft = { model: await this.loadDraftModel(model, draftPath, displayName, signal), path: draftPath, context: null };
        } catch (error) {
          await model.dispose();
          throw error;
        }
      }
      const insights = model.fileInsights;
      const trainContextSize = insights.trainContextSize ?? null;
      const contextSize = resolveContextSize(
        params.contextSize ?? this.options.defaultContextSize,
        trainContextSize,
      );
      const modelId = `m${this.nextModelId++}`;
      const metadata = model.fileInfo.metadata;
      const name = stringOrNull(metadata.general?.name) ?? path.basename(modelPath, path.extname(modelPath));
      const architecture = String(metadata.general?.architecture ?? "unknown");
      const chatTemplate = stringOrNull(metadata.tokenizer?.chat_template);
      let memory = { cpuRam: sizeBytes, gpuVram: 0 };
      try {
        const modelNeeds = insights.estimateModelResourceRequirements({ gpuLayers: model.gpuLayers });
        const contextNeeds = insights.estimateContextResourceRequirements({
          contextSize,
          modelGpuLayers: model.gpuLayers,
        });
        memory = {
          cpuRam: modelNeeds.cpuRam + contextNeeds.cpuRam,
          gpuVram: modelNeeds.gpuVram + contextNeeds.gpuVram,
        };
      } catch (error) {
        this.log("debug", `memory estimate unavailable for ${name}: ${errorText(error)}`);
      }
      const info: LoadedModelInfo = {
        modelId,
        modelPath,
        storeName,
        name: storeName ?? name,
        architecture,
        sizeBytes,
        contextSize,
        trainContextSize,
        threads,
        gpuLayers: model.gpuLayers,
        hasChatTemplate: chatTemplate !== null || template !== undefined,
        chatWrapper: template !== undefined ? templateChatWrapperName : "",
        supportsRanking: insights.supportsRanking,
        memory,
        loadedAt: Date.now(),
      };
      this.models.set(modelId, {
        info,
        model,
        profile,
        template,
        draft,
        loraAdapters: params.loraAdapters,
        generation: null,
        embedding: null,
        ranking: null,
        grammars: new Map(),
      });
      this.recordRunning();
      this.log(
        "info",
        `loaded ${name} (${architecture}, ${formatBytes(sizeBytes)}) as ${modelId} in ${Date.now() - started} ms: context ${contextSize}, ${threads} threads, ${model.gpuLayers} GPU layers` +
          (template ? ", prompt format from the profile's TEMPLATE" : "") +
          (draft ? `, draft model ${path.basename(draft.path)} for speculative decoding` : ""),
      );
      return info;
    });
  }

  unloadModel(modelId: string): Promise<{ unloaded: boolean }> {
    return this.scheduler.run(`unload ${modelId}`, "interactive", undefined, async () => {
      const loaded = this.models.get(modelId);
      if (!loaded) return { unloaded: false };
      this.models.delete(modelId);
      for (const [sessionId, record] of this.sessions) {
        if (record.modelId === modelId) this.sessions.delete(sessionId);
      }
      await disposeLoaded(loaded);
      this.recordRunning();
      this.log("info", `unloaded ${loaded.info.name} (${modelId})`);
      return { unloaded: true };
    });
  }

  /** A DRAFT value (a path, or an installed model's name) as the file to load. */
  private async resolveDraftPath(draft: string, modelName: string): Promise<string> {
    try {
      return await this.store.resolvePath(draft);
    } catch (error) {
      throw new EngineError(
        "modelNotFound",
        localize("The draft model of {0} ({1}) cannot be found: {2}", modelName, draft, errorText(error)),
        errorText(error),
      );
    }
  }

  /**
   * Loads a profile's DRAFT model and checks that it tokenizes as the model it drafts for (the
   * same vocabulary), which speculative decoding needs.
   */
  private async loadDraftModel(model: LlamaModel, draftPath: string, modelName: string, signal: AbortSignal | undefined): Promise<LlamaModel> {
    await checkModelFile(draftPath);
    const llama = await this.llama();
    let draft: LlamaModel;
    try {
      draft = await llama.loadModel({ modelPath: draftPath, gpuLayers: llama.gpu === false ? 0 : "auto", loadSignal: signal });
    } catch (error) {
      if (signal?.aborted) throw cancelledError();
      throw damagedModelError(draftPath, errorText(error));
    }
    const sample = "Hello, world! def main():\n    return 42  # 你好";
    const same =
      draft.vocabularyType === model.vocabularyType &&
      draft.tokens.bos === model.tokens.bos &&
      draft.tokens.eos === model.tokens.eos &&
      draft.tokenize(sample).join(",") === model.tokenize(sample).join(",");
    if (!same) {
      await draft.dispose();
      throw new EngineError(
        "invalidModel",
        localize(
          "The draft model {0} does not use the tokenizer of {1}, so it cannot draft tokens for it. Name a smaller model of the same family in DRAFT, or remove DRAFT.",
          path.basename(draftPath),
          modelName,
        ),
      );
    }
    return draft;
  }

  listModels(): LoadedModelInfo[] {
    return [...this.models.values()].map((loaded) => loaded.info);
  }

  private requireModel(modelId: string): LoadedModel {
    const loaded = this.models.get(modelId);
    if (!loaded) {
      throw new EngineError(
        "modelNotLoaded",
        localize("The model is no longer loaded (it was unloaded or the engine restarted). Load it again and retry."),
        `unknown model id ${modelId}`,
      );
    }
    return loaded;
  }

  private async generationState(loaded: LoadedModel): Promise<GenerationState> {
    if (loaded.generation) return loaded.generation;
    const lib = await this.module();
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
    let tokenPredictor: InstanceType<NodeLlamaCpp["DraftSequenceTokenPredictor"]> | undefined;
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
    return loaded.generation;
  }

  // ── Generation ────────────────────────────────────────────────────────────────────────────

  async generate(params: GenerateParams, onChunk: ChunkSink, signal?: AbortSignal): Promise<GenerateResult> {
    const loaded = this.requireModel(params.modelId);
    return this.scheduler.run(`generate on ${loaded.info.name}`, params.priority ?? "interactive", signal, async () => {
      const options = mergeProfileOptions(loaded.profile, params.options, params.defaults);
      const grammar = await this.grammarFor(loaded, options);
      const state = await this.generationState(loaded);
      const mode = resolveMode(params.mode ?? "auto", loaded.info.hasChatTemplate);
      if (mode === "chat") {
        state.chat.setChatHistory([
          ...initialHistory(state.chat, params.systemPrompt ?? loaded.profile?.system ?? params.defaultSystemPrompt),
          ...toHistoryItems(loaded.profile?.messages ?? []),
        ]);
        state.owner = null;
        return this.runChatTurn(state, params.prompt, options, onChunk, signal, { grammar });
      }
      const lib = await this.module();
      const completion = new lib.LlamaCompletion({ contextSequence: state.sequence });
      state.owner = null;
      try {
        return await this.measure(state, "completion", onChunk, options?.stop, signal, async (onText, onToken, runSignal) => {
          const response = await completion.generateCompletionWithMeta(params.prompt, {
            ...samplingOptions(options),
            ...(grammar ? { grammar } : {}),
            signal: runSignal,
            stopOnAbortSignal: true,
            onTextChunk: onText,
            onToken,
          });
          return { text: response.response, stopReason: mapStopReason(response.metadata.stopReason) };
        });
      } finally {
        completion.dispose({ disposeSequence: false });
      }
    });
  }

  private runChatTurn(
    state: GenerationState,
    message: string,
    options: GenerationOptions | undefined,
    onChunk: ChunkSink,
    signal: AbortSignal | undefined,
    extra: { grammar?: LlamaGrammar | undefined; maxTokens?: number } = {},
  ): Promise<GenerateResult> {
    return this.measure(state, "chat", onChunk, options?.stop, signal, async (onText, onToken, runSignal) => {
      const response = await state.chat.promptWithMeta(message, {
        ...samplingOptions(options),
        ...(extra.maxTokens !== undefined ? { maxTokens: extra.maxTokens } : {}),
        ...(extra.grammar ? { grammar: extra.grammar } : {}),
        signal: runSignal,
        stopOnAbortSignal: true,
        onTextChunk: onText,
        onToken,
      });
      return { text: response.responseText, stopReason: mapStopReason(response.stopReason) };
    });
  }

  /**
   * The compiled grammar the options ask for (GBNF text or a JSON schema), or undefined. Compiled
   * once per model and text; a grammar llama.cpp cannot parse is a badRequest that leaves
   * nothing behind, so the next request runs as usual.
   */
  private async grammarFor(loaded: LoadedModel, options: GenerationOptions | undefined): Promise<LlamaGrammar | undefined> {
    if (!options || (options.grammar === undefined && options.jsonSchema === undefined)) return undefined;
    if (options.grammar !== undefined && options.jsonSchema !== undefined) {
      throw new EngineError(
        "badRequest",
        localize("Invalid request: \"{0}\" gives both a grammar and a JSON schema. Give only one of them.", "options"),
      );
    }
    const schemaProblem = options.grammar === undefined ? jsonSchemaProblem(options.jsonSchema) : null;
    if (schemaProblem) throw new EngineError("badRequest", schemaProblem);
    const key = options.grammar !== undefined ? `gbnf:${options.grammar}` : `json:${JSON.stringify(options.jsonSchema)}`;
    const cached = loaded.grammars.get(key);
    if (cached) {
      loaded.grammars.delete(key);
      loaded.grammars.set(key, cached);
      return cached;
    }
    const llama = await this.llama();
    let grammar: LlamaGrammar;
    if (options.grammar !== undefined) {
      if (!/(^|\n)[ \t]*root[ \t]*::=/.test(options.grammar)) {
        throw new EngineError(
          "badRequest",
          localize("The grammar has no \"root\" rule, so llama.cpp does not know where the output starts. Add a rule written root ::= … and send the request again."),
        );
      }
      try {
        grammar = await llama.createGrammar({ grammar: options.grammar });
      } catch (error) {
        throw new EngineError(
          "badRequest",
          localize(
            "llama.cpp could not parse the grammar ({0}). Check its GBNF syntax: each rule is written name ::= …, strings are quoted and closed, and every rule it uses is defined. Fix the grammar and send the request again.",
            errorText(error),
          ),
          errorText(error),
        );
      }
    } else {
      try {
        grammar = await llama.createGrammarForJsonSchema<GbnfJsonSchema>(options.jsonSchema as unknown as GbnfJsonSchema);
      } catch (error) {
        throw new EngineError(
          "badRequest",
          localize("The JSON schema could not be turned into a grammar: {0}. Fix the schema and send the request again.", errorText(error)),
          errorText(error),
        );
      }
    }
    loaded.grammars.set(key, grammar);
    if (loaded.grammars.size > grammarCacheSize) loaded.grammars.delete(loaded.grammars.keys().next().value as string);
    return grammar;
  }

  /**
   * Runs one generation and measures what it evaluated, reused and produced. Stop sequences are
   * matched here, on the text, so none ever reaches the caller and generation ends within a token.
   */
  private async measure(
    state: GenerationState,
    mode: "chat" | "completion",
    onChunk: ChunkSink,
    stops: readonly string[] | undefined,
    signal: AbortSignal | undefined,
    run: (
      onText: (text: string) => void,
      onToken: (tokens: readonly unknown[]) => void,
      signal: AbortSignal,
    ) => Promise<{ text: string; stopReason: StopReason }>,
  ): Promise<GenerateResult> {
    const meter = state.sequence.tokenMeter;
    const inputBefore = meter.usedInputTokens;
    const outputBefore = meter.usedOutputTokens;
    const started = performance.now();
    let firstTokenAt: number | null = null;
    let produced = 0;
    let shown = "";
    const matcher = new StopSequenceMatcher(stops ?? []);
    const controller = new AbortController();
    const forwardAbort = (): void => controller.abort();
    if (signal?.aborted) controller.abort();
    else signal?.addEventListener("abort", forwardAbort, { once: true });
    const emit = (text: string): void => {
      if (!text) return;
      if (firstTokenAt === null) firstTokenAt = performance.now();
      shown += text;
      onChunk(text);
    };
    let result: { text: string; stopReason: StopReason };
    try {
      result = await run(
        (text) => {
          const step = matcher.push(text);
          emit(step.emit);
          if (step.stopped) controller.abort();
        },
        (tokens) => {
          produced += tokens.length;
        },
        controller.signal,
      ).catch((error: unknown) => {
        throw mapGenerationError(error);
      });
    } finally {
      signal?.removeEventListener("abort", forwardAbort);
    }
    if (matcher.stopped) result = { text: shown, stopReason: "stopSequence" };
    else if (matcher.active) {
      emit(matcher.flush());
      result = { ...result, text: shown };
    }
    const ended = performance.now();
    const evaluatedPromptTokens = meter.usedInputTokens - inputBefore;
    // The sequence's meter counts the tokens the model sampled, which maxTokens bounds. The
    // onToken count can be larger: LlamaChat holds back the start of an answer (to detect segments
    // and function calls) and releases the held text re-tokenized, one token per character with a
    // byte-level vocabulary, so a 3-token answer reported 7. It stands in only when the meter
    // recorded nothing.
    const metered = meter.usedOutputTokens - outputBefore;
    const outputTokens = metered > 0 ? metered : produced;
    const promptTokens = Math.max(state.sequence.contextTokens.length - outputTokens, evaluatedPromptTokens);
    const generationMs = firstTokenAt === null ? ended - started : ended - firstTokenAt;
    const usage: TokenUsage = {
      promptTokens,
      evaluatedPromptTokens,
      reusedPromptTokens: Math.max(0, promptTokens - evaluatedPromptTokens),
      outputTokens,
      firstTokenMs: firstTokenAt === null ? null : firstTokenAt - started,
      durationMs: ended - started,
      tokensPerSecond: generationMs > 0 ? (outputTokens / generationMs) * 1000 : 0,
    };
    return { text: result.text, mode, stopReason: result.stopReason, usage };
  }

  // ── Chat sessions (KV cache reused across turns) ──────────────────────────────────────────

  chatCreate(params: ChatCreateParams): ChatCreateResult {
    const loaded = this.requireModel(params.modelId);
    const sessionId = `s${this.nextSessionId++}`;
    this.sessions.set(sessionId, {
      sessionId,
      modelId: params.modelId,
      systemPrompt: params.systemPrompt ?? loaded.profile?.system ?? params.defaultSystemPrompt,
      history: null,
      restore: [...(loaded.profile?.messages ?? []), ...(params.history ?? [])],
      seeded: loaded.profile?.messages.length ?? 0,
      turns: (params.history ?? []).filter((turn) => turn.role === "assistant").length,
    });
    return { sessionId };
  }

  async chatSend(params: ChatSendParams, onChunk: ChunkSink, signal?: AbortSignal): Promise<ChatTurnResult> {
    const record = this.sessions.get(params.sessionId);
    if (!record) {
      throw new EngineError(
        "sessionNotFound",
        localize("This chat session no longer exists in the engine (the engine restarted or the model was unloaded). Start a new chat and send your message again."),
        `unknown session ${params.sessionId}`,
      );
    }
    const loaded = this.requireModel(record.modelId);
    return this.scheduler.run(`chat on ${loaded.info.name}`, params.priority ?? "interactive", signal, async () => {
      const options = mergeProfileOptions(loaded.profile, params.options, params.defaults);
      const grammar = await this.grammarFor(loaded, options);
      const state = await this.generationState(loaded);
      const history =
        record.history ?? [...initialHistory(state.chat, record.systemPrompt), ...toHistoryItems(record.restore)];
      const fit = this.fitHistory(loaded, state, history, record.seeded, params.message, options?.maxTokens);
      if (state.owner === record.sessionId) {
        if (fit.droppedTurns > 0) {
          await dropFromCache(loaded.model, state.sequence, fit.tokens, fit.droppedTokens);
          state.chat.setChatHistory(fit.history);
        }
      } else {
        // Another conversation used the sequence: put this one's history back. node-llama-cpp
        // compares tokens and re-evaluates only what differs from what is in the KV cache.
        state.chat.setChatHistory(fit.history);
        state.owner = record.sessionId;
      }
      if (fit.droppedTurns > 0) {
        this.log(
          "info",
          `chat ${record.sessionId}: dropped the ${fit.droppedTurns} oldest turn(s) (${fit.droppedTokens} tokens) to fit the ${loaded.info.contextSize}-token context`,
        );
      }
      let result: GenerateResult;
      try {
        result = await this.runChatTurn(state, params.message, options, onChunk, signal, { grammar, maxTokens: fit.maxTokens });
      } catch (error) {
        // What the sequence holds is unknown now: the next turn puts the record's history back.
        state.owner = null;
        throw error;
      }
      record.history = state.chat.getChatHistory();
      record.seeded = fit.seeded;
      record.turns += 1;
      return {
        ...result,
        turns: record.turns,
        droppedTurns: fit.droppedTurns,
        contextTokens: state.sequence.contextTokens.length,
        contextSize: loaded.info.contextSize,
      };
    });
  }

  /**
   * The history a chat turn prompts with, so that it, the new message and room for the answer fit
   * the context: the oldest user + model pairs go first, then (only when nothing else is left)
   * the profile's seeded MESSAGEs; the system prompt and the new message always stay. The room
   * kept for the answer is the request's maxTokens, at most a quarter of the context and at least
   * `minimumAnswerTokens`. A message that does not fit even alone is refused in plain words.
   */
  private fitHistory(
    loaded: LoadedModel,
    state: GenerationState,
    history: ChatHistoryItem[],
    seeded: number,
    message: string,
    maxTokens: number | undefined,
  ): ContextFit {
    const contextSize = loaded.info.contextSize;
    const tokenize = (items: ChatHistoryItem[]): Token[] =>
      state.chat.chatWrapper
        .generateContextState({ chatHistory: [...items, { type: "user", text: message }, { type: "model", response: [] }] })
        .contextText.tokenize(loaded.model.tokenizer);
    const reserve = Math.min(Math.floor(contextSize / 4), Math.max(minimumAnswerTokens, maxTokens ?? contextSize));
    // Droppable units: a user message with its answer (or a lone item), turns oldest first, then seeded MESSAGEs.
    let pinned = 0;
    while (pinned < history.length && history[pinned]!.type === "system") pinned++;
    const seededEnd = Math.min(history.length, pinned + seeded);
    const unitsOf = (from: number, to: number): number[][] => {
      const units: number[][] = [];
      for (let i = from; i < to; i++) {
        if (history[i]!.type === "user" && i + 1 < to && history[i + 1]!.type === "model") units.push([i, ++i]);
        else units.push([i]);
      }
      return units;
    };
    const units = [...unitsOf(seededEnd, history.length), ...unitsOf(pinned, seededEnd)];
    const without = (count: number): ChatHistoryItem[] => {
      const dropped = new Set(units.slice(0, count).flat());
      return history.filter((_, index) => !dropped.has(index));
    };
    const full = tokenize(history);
    let dropCount = 0;
    let tokens = full;
    if (full.length + reserve > contextSize && units.length > 0) {
      // The fewest units to drop, by bisection: the count shrinks as units go.
      let low = 1;
      let high = units.length;
      while (low < high) {
        const middle = Math.floor((low + high) / 2);
        if (tokenize(without(middle)).length + reserve <= contextSize) high = middle;
        else low = middle + 1;
      }
      dropCount = low;
      tokens = tokenize(without(dropCount));
    }
    if (tokens.length + Math.min(reserve, minimumAnswerTokens) > contextSize) {
      const messageTokens = loaded.model.tokenize(message).length;
      throw new EngineError(
        "badRequest",
        localize(
          "Your message does not fit in the model's context window: it is {0} tokens long and, with the system prompt and room for an answer, needs {1} tokens, but the context holds {2}. Shorten the message or send it in parts, or raise the context size (setting hearth.contextSize) and load the model again.",
          messageTokens,
          tokens.length + Math.min(reserve, minimumAnswerTokens),
          contextSize,
        ),
      );
    }
    const droppedIndexes = new Set(units.slice(0, dropCount).flat());
    let seededLeft = 0;
    for (let i = pinned; i < seededEnd; i++) if (!droppedIndexes.has(i)) seededLeft++;
    return {
      history: dropCount > 0 ? without(dropCount) : history,
      seeded: seededLeft,
      droppedTurns: dropCount,
      tokens,
      droppedTokens: full.length - tokens.length,
      // The answer ends cleanly at the end of the context (stop reason "maxTokens") rather than
      // shifting the context in the middle of a turn.
      maxTokens: Math.max(1, Math.min(maxTokens ?? Infinity, contextSize - tokens.length - 1)),
    };
  }

  chatDispose(sessionId: string): { disposed: boolean } {
    const record = this.sessions.get(sessionId);
    if (!record) return { disposed: false };
    this.sessions.delete(sessionId);
    const loaded = this.models.get(record.modelId);
    if (loaded?.generation?.owner === sessionId) loaded.generation.owner = null;
    return { disposed: true };
  }

  // ── Token counting ────────────────────────────────────────────────────────────────────────

  /**
   * Tokens per text by the model's own tokenizer: the text alone, without the BOS token or the
   * chat template's tokens around a message (those depend on where the text goes; a chat turn
   * reports what the whole context holds in `contextTokens`). Special-token text such as `<s>` is
   * counted as plain text, as a message's text is. Not queued: tokenizing reads only the
   * vocabulary and takes microseconds, so a counter never waits behind an answer.
   */
  countTokens(params: CountTokensParams): CountTokensResult {
    const loaded = this.requireModel(params.modelId);
    const problem = countTokensProblem(params.texts);
    if (problem) throw new EngineError("badRequest", problem);
    return {
      counts: params.texts.map((text) => loaded.model.tokenize(text).length),
      contextSize: loaded.info.contextSize,
    };
  }

  // ── Embeddings and ranking ────────────────────────────────────────────────────────────────

  async embed(params: EmbedParams, signal?: AbortSignal): Promise<EmbedResult> {
    const loaded = this.requireModel(params.modelId);
    const priority = params.priority ?? "background";
    if (priority === "background" && params.texts.length > 1) {
      // Background work (the indexer's batches) queues one text at a time, so a chat turn or a
      // search that arrives meanwhile waits for one text's embedding, not the whole batch's.
      const vectors: number[][] = [];
      let dimensions = 0;
      for (const text of params.texts) {
        const one = await this.embed({ ...params, texts: [text] }, signal);
        vectors.push(one.vectors[0]!);
        dimensions = one.dimensions;
      }
      return { dimensions, vectors };
    }
    return this.scheduler.run(`embed on ${loaded.info.name}`, priority, signal, async () => {
      if (!loaded.embedding) {
        try {
          loaded.embedding = await loaded.model.createEmbeddingContext({
            threads: loaded.info.threads,
            contextSize: auxiliaryContextSize(loaded.info),
          });
        } catch (error) {
          throw new EngineError(
            "notSupported",
            localize("{0} cannot compute embeddings: {1}. Choose an embedding model.", loaded.info.name, errorText(error)),
            errorText(error),
          );
        }
      }
      const vectors: number[][] = [];
      // Room for the special tokens the model adds around the text (BOS/CLS, EOS/SEP).
      const maxTokens = Math.max(1, auxiliaryContextSize(loaded.info) - 8);
      for (const text of params.texts) {
        if (signal?.aborted) throw cancelledError();
        let input = text;
        if (params.truncate) {
          const tokens = loaded.model.tokenize(text);
          if (tokens.length > maxTokens) input = loaded.model.detokenize(tokens.slice(0, maxTokens));
        }
        const embedding = await loaded.embedding.getEmbeddingFor(input);
        vectors.push([...embedding.vector]);
      }
      return { dimensions: vectors[0]?.length ?? loaded.model.embeddingVectorSize ?? 0, vectors };
    });
  }

  async rank(params: RankParams, signal?: AbortSignal): Promise<RankResult> {
    const loaded = this.requireModel(params.modelId);
    if (!loaded.info.supportsRanking) {
      throw new EngineError(
        "notSupported",
        localize(
          "{0} cannot rank documents: it is not a reranker model (it has no ranking head). Use a reranker GGUF (for example bge-reranker) for ranking.",
          loaded.info.name,
        ),
      );
    }
    return this.scheduler.run(`rank on ${loaded.info.name}`, params.priority ?? "background", signal, async () => {
      if (!loaded.ranking) {
        try {
          loaded.ranking = await loaded.model.createRankingContext({
            threads: loaded.info.threads,
            contextSize: auxiliaryContextSize(loaded.info),
          });
        } catch (error) {
          throw new EngineError(
            "notSupported",
            localize("{0} cannot rank documents: {1}.", loaded.info.name, errorText(error)),
            errorText(error),
          );
        }
      }
      if (signal?.aborted) throw cancelledError();
      const scores = await loaded.ranking.rankAll(params.query, params.documents);
      return { scores: [...scores] };
    });
  }

  // ── Inspection ────────────────────────────────────────────────────────────────────────────

  async inspect(params: InspectParams): Promise<ModelInspection> {
    const modelPath = path.resolve(params.modelPath);
    const sizeBytes = await checkModelFile(modelPath);
    const lib = await this.module();
    const llama = await this.llama();
    let fileInfo: Awaited<ReturnType<NodeLlamaCpp["readGgufFileInfo"]>>;
    try {
      fileInfo = await lib.readGgufFileInfo(modelPath, { logWarnings: false });
    } catch (error) {
      throw damagedModelError(modelPath, errorText(error));
    }
    const insights = await lib.GgufInsights.from(fileInfo, llama);
    const metadata = fileInfo.metadata;
    const trainContextSize = insights.trainContextSize ?? null;
    const contextSize = resolveContextSize(params.contextSize ?? this.options.defaultContextSize, trainContextSize);
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
      layers: insights.totalLayers,
      chatTemplate: stringOrNull(metadata.tokenizer?.chat_template),
      supportsRanking: insights.supportsRanking,
      license: stringOrNull(metadata.general?.license),
      metadata: flattenMetadata(metadata),
      fit,
    };
  }

  // ── The model store ───────────────────────────────────────────────────────────────────────

  async storeList(): Promise<StoreListResult> {
    const [models, partials, usage] = await Promise.all([
      this.store.list(),
      partialDownloads(this.store),
      this.store.diskUsage(),
    ]);
    return { root: this.store.root, models, partials, usage };
  }

  async storeShow(params: StoreShowParams): Promise<StoreShowResult> {
    const model = await this.store.get(params.name);
    if (!model) {
      throw new EngineError(
        "modelNotFound",
        localize("{0} is not installed. Pull it first: hearth pull {0}", params.name),
      );
    }
    if (model.status !== "ok" || !model.blobPath) return { model, inspection: null };
    const inspection = await this.inspect({
      modelPath: model.blobPath,
      ...(params.contextSize !== undefined ? { contextSize: params.contextSize } : {}),
    });
    return { model, inspection: { ...inspection, name: model.name } };
  }

  storePull(params: StorePullParams, onProgress: (progress: PullProgress) => void, signal?: AbortSignal): Promise<PullResult> {
    return pull(params.reference, this.store, {
      ...(this.options.endpoints ? { endpoints: this.options.endpoints } : {}),
      ...(params.name ? { name: params.name } : {}),
      ...(signal ? { signal } : {}),
      onProgress,
    });
  }

  /** Unloads the model when it is loaded (so its file can go), then removes it from the store. */
  async storeRemove(params: StoreRemoveParams): Promise<RemoveResult> {
    const stored = await this.store.get(params.name);
    for (const loaded of [...this.models.values()]) {
      if (loaded.info.storeName === params.name || (stored?.blobPath && loaded.info.modelPath === stored.blobPath)) {
        await this.unloadModel(loaded.info.modelId);
      }
    }
    return this.store.remove(params.name);
  }

  storeCopy(params: StoreCopyParams): Promise<ModelManifest> {
    return this.store.copy(params.source, params.destination);
  }

  storeImport(params: StoreImportParams, signal?: AbortSignal): Promise<ModelManifest> {
    return this.store.importFile(params.path, params.name, {
      mode: params.mode ?? "copy",
      ...(signal ? { signal } : {}),
    });
  }

  storeRepair(): Promise<RepairReport> {
    return this.store.repair();
  }

  /**
   * `ollama create`: checks the Modelfile, finds its base (a .gguf path, linked into the store;
   * an installed name; or a catalogue name or reference, pulled now) and records the profile.
   */
  async storeCreate(
    params: StoreCreateParams,
    onProgress: (progress: PullProgress) => void,
    signal?: AbortSignal,
  ): Promise<ModelManifest> {
    const installed = new Set((await this.store.list()).map((model) => model.name));
    const validation = validateModelfile(params.modelfile, {
      baseDir: params.baseDir,
      homeDir: os.homedir(),
      fileExists: (file) => fs.existsSync(file),
      isInstalledModel: (name) => installed.has(name),
      ollamaVersion: ollamaCompatibilityVersion,
    });
    // Errors, and a FROM, ADAPTER or DRAFT that names nothing (a warning in the editor).
    const errors = validation.diagnostics.filter(blocksModelCreation);
    if (errors.length > 0) {
      const first = errors[0]!;
      throw new EngineError(
        "badRequest",
        first.wholeFile
          ? localize("The Modelfile has {0} error(s); the first concerns the whole file: {1} Fix it and create the model again.", errors.length, first.message)
          : localize(
              "The Modelfile has {0} error(s); the first is on line {1}: {2} Fix it and create the model again.",
              errors.length,
              first.range.start.line + 1,
              first.message,
            ),
      );
    }
    const resolve = (value: string): string =>
      resolveModelfilePath(value, params.baseDir, os.homedir()) ?? path.resolve(params.baseDir, value);
    for (const warning of validation.diagnostics.filter((diagnostic) => diagnostic.severity === "warning")) {
      this.log("warn", `Modelfile for ${params.name}, line ${warning.range.start.line + 1}: ${warning.message}`);
    }
    const profile = profileFromModelfile(validation.parsed, resolve);
    for (const adapter of profile.adapters) await checkModelFile(adapter);
    if (profile.draft !== undefined) await checkModelFile(await this.resolveDraftPath(profile.draft, params.name));
    const isReference = /^(hf|ms):|^https?:\/\//i.test(profile.from);
    const fromPath = !isReference && /[\\/]|\.gguf$/i.test(profile.from) ? resolve(profile.from) : null;
    let base: ModelManifest | null;
    if (fromPath) {
      await checkModelFile(fromPath);
      base = await this.store.importFile(fromPath, params.name, { mode: "link", ...(signal ? { signal } : {}) });
    } else {
      const baseName = isReference ? storeNameForReference(parseModelReference(profile.from)) : profile.from;
      base = (await this.store.get(baseName))?.manifest ?? null;
      if (!base) {
        const pulled = await this.storePull({ reference: profile.from }, onProgress, signal);
        base = pulled.manifest;
      }
    }
    return this.store.writeProfile(params.name, base, profile);
  }

  status(): EngineStatus {
    return {
      pid: process.pid,
      storeRoot: this.store.root,
      startedAt: this.startedAt,
      rssBytes: process.memoryUsage().rss,
      models: this.listModels(),
      chatSessions: this.sessions.size,
      queuedJobs: this.scheduler.queuedJobs,
      runningJob: this.scheduler.runningJob,
    };
  }

  async dispose(): Promise<void> {
    this.scheduler.rejectAll(
      new EngineError("engineUnavailable", localize("The Hearth engine is shutting down. Retry in a moment.")),
    );
    const loaded = [...this.models.values()];
    this.models.clear();
    this.sessions.clear();
    if (this.options.kind) removeRunningRecord(this.store.root, process.pid);
    for (const model of loaded) await disposeLoaded(model);
    if (this.llamaPromise) {
      const llama = await this.llamaPromise.catch(() => null);
      await llama?.dispose();
    }
  }
}

// ── Helpers ─────────────────────────────────────────────────────────────────────────────────

async function disposeLoaded(loaded: LoadedModel): Promise<void> {
  loaded.generation?.chat.dispose({ disposeSequence: false });
  await loaded.generation?.context.dispose();
  await loaded.draft?.context?.dispose();
  await loaded.draft?.model.dispose();
  await loaded.embedding?.dispose();
  await loaded.ranking?.dispose();
  await loaded.model.dispose();
}

/**
 * Takes the dropped turns out of the KV cache so the turns kept after them are reused, shifted
 * into place, rather than evaluated again. `tokens` is the new prompt; `droppedTokens` how many
 * tokens the dropped turns took. Where the cache does not line up as expected (a template that
 * renders turns differently once earlier ones are gone), nothing is erased here and
 * node-llama-cpp re-evaluates from the first difference, as it always does.
 */
async function dropFromCache(model: LlamaModel, sequence: LlamaContextSequence, tokens: Token[], droppedTokens: number): Promise<void> {
  if (droppedTokens <= 0 || model.fileInsights.isRecurrent) return;
  const cached = sequence.contextTokens;
  const start = sequence.compareContextTokens(tokens).firstDifferentIndex;
  const window = Math.min(16, tokens.length - start);
  if (window <= 0) return;
  const lineUp = (offset: number): boolean => {
    if (offset <= 0 || start + offset + window > cached.length) return false;
    for (let k = 0; k < window; k++) if (cached[start + offset + k] !== tokens[start + k]) return false;
    return true;
  };
  for (let slack = 0; slack <= 8; slack++) {
    for (const offset of slack === 0 ? [droppedTokens] : [droppedTokens - slack, droppedTokens + slack]) {
      if (lineUp(offset)) {
        await sequence.eraseContextTokenRanges([{ start, end: start + offset }]);
        return;
      }
    }
  }
}

function sameAdapters(a: LoadModelParams["loraAdapters"], b: LoadModelParams["loraAdapters"]): boolean {
  const left = (a ?? []).map((x) => `${path.resolve(x.path)}@${x.scale ?? 1}`).join("|");
  const right = (b ?? []).map((x) => `${path.resolve(x.path)}@${x.scale ?? 1}`).join("|");
  return left === right;
}

export function resolveContextSize(requested: number | undefined, trainContextSize: number | null): number {
  if (requested !== undefined && requested > 0) return Math.floor(requested);
  return trainContextSize !== null && trainContextSize > 0 ? Math.min(defaultContextCap, trainContextSize) : defaultContextCap;
}

function resolveMode(mode: PromptMode, hasChatTemplate: boolean): "chat" | "completion" {
  if (mode === "auto") return hasChatTemplate ? "chat" : "completion";
  return mode;
}

function initialHistory(chat: LlamaChatSession, systemPrompt: string | undefined): ChatHistoryItem[] {
  return chat.chatWrapper.generateInitialChatHistory(systemPrompt === undefined ? {} : { systemPrompt });
}

/** A profile's context, threads, GPU layers and adapters, where the request leaves them open. */
function withProfileDefaults(params: LoadModelParams, profile: ModelProfile | undefined): LoadModelParams {
  if (!profile) return params;
  const p = profile.parameters;
  return {
    ...params,
    ...(!params.contextSize && p.contextSize ? { contextSize: p.contextSize } : {}),
    ...(!params.threads && p.threads ? { threads: p.threads } : {}),
    ...(params.gpuLayers === undefined && p.gpuLayers !== undefined ? { gpuLayers: p.gpuLayers } : {}),
    ...(params.loraAdapters === undefined && profile.adapters.length > 0
      ? { loraAdapters: profile.adapters.map((adapterPath) => ({ path: adapterPath, scale: 1 })) }
      : {}),
  };
}

/** Embedding and ranking contexts: the configured size, never past what the model was trained on. */
function auxiliaryContextSize(info: LoadedModelInfo): number {
  return Math.min(info.contextSize, info.trainContextSize ?? info.contextSize);
}

function toHistoryItems(turns: ChatTurn[]): ChatHistoryItem[] {
  return turns.map((turn): ChatHistoryItem =>
    turn.role === "user" ? { type: "user", text: turn.text } : { type: "model", response: [turn.text] },
  );
}

function samplingOptions(options: GenerationOptions | undefined): {
  maxTokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  seed?: number;
  repeatPenalty?: { penalty: number };
} {
  if (!options) return {};
  return {
    ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.topK !== undefined ? { topK: options.topK } : {}),
    ...(options.topP !== undefined ? { topP: options.topP } : {}),
    ...(options.minP !== undefined ? { minP: options.minP } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.repeatPenalty !== undefined ? { repeatPenalty: { penalty: options.repeatPenalty } } : {}),
  };
}

function mapStopReason(reason: string | undefined): StopReason {
  switch (reason) {
    case "abort":
      return "cancelled";
    case "maxTokens":
      return "maxTokens";
    case "customStopTrigger":
    case "stopGenerationTrigger":
      return "stopSequence";
    default:
      return "endOfText";
  }
}

function mapGenerationError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const text = errorText(error);
  if (/context size|context shift|too small/i.test(text)) {
    return new EngineError(
      "badRequest",
      localize(
        "The prompt does not fit in the model's context window: {0}. Shorten the prompt or raise the context size (setting hearth.contextSize).",
        text,
      ),
      text,
    );
  }
  return new EngineError("internal", localize("Generation failed: {0}. See the Hearth log for details.", text), text);
}

function estimateFit(
  insights: import("node-llama-cpp").GgufInsights,
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

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
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
