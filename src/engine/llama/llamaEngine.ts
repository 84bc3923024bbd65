// The engine's llama.cpp runtime: node-llama-cpp, the models it has loaded, and what runs on them
// (one-off generations, embeddings, rankings, token counts). Chat sessions are in chatSessions.ts,
// the model store's operations in ../models/storeOperations.ts. It lives in the engine process
// (see engineMain.ts) and, for the command line, in-process. Everything that evaluates a model
// goes through the scheduler, so jobs run one at a time in priority order and can be cancelled.
// A little over ~600 lines: loading (the memory check, drafts, adapters) and the scheduler-guarded
// runs share the loaded-model table; chat sessions, generation measurement and inspection are split out.
import * as path from "node:path";
import type { Llama, LlamaGrammar, LlamaModel } from "node-llama-cpp";
import type { ChatCapabilitiesParams, ChatRespondChunk, ChatRespondParams, ChatRespondResult, CountTokensParams, CountTokensResult, EmbedParams, EmbedResult, EngineStatus, GenerateParams, InfillParams, InfillResult, InspectParams, LoadedModelInfo, LoadModelParams, LogLevel, ModelInspection, RankParams, RankResult } from "../../common/engine/engineProtocol";
import type { GenerateResult, GenerationOptions, PromptMode } from "../../common/chat/chatTypes";
import { EngineError, errorText } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import { formatBytes } from "../../common/formatBytes";
import type { ModelProfile } from "../../common/models/modelProfile";
import { mergeProfileOptions, profileTemplate, requiresProblem } from "../../common/models/modelProfile";
import { isModelPath } from "../../common/models/modelName";
import { checkModelFile, damagedModelError } from "../models/modelFileCheck";
import { ModelStore } from "../models/modelStore";
import { expandHome, storeRootFromEnvironment } from "../../node/storeRoot";
import { draftModelPath } from "../models/storeOperations";
import type { EngineKind } from "../../node/runningRegistry";
import { removeRunningRecord, writeRunningRecord } from "../../node/runningRegistry";
import { countTokensProblem } from "../requestChecks";
import { cancelledError, Scheduler } from "../scheduler";
import { resolveThreads } from "../threads";
import { ThreadGovernor } from "../threadGovernor";
import { physicalCoreCount } from "../../node/machine";
import { initialHistory, toHistoryItems } from "./chatHistory";
import { ChatSessions } from "./chatSessions";
import { cachedGrammar } from "./grammarCache";
import type { ChunkSink, GenerationState, LoadedModel } from "./loadedModel";
import { createGenerationState, disposeLoaded } from "./loadedModel";
import { mapStopReason, measureGeneration, samplingOptions } from "./measuredGeneration";
import { runInfill } from "./infill";
import { fimTokensOf } from "./infillPrompt";
import { inspectModel, memoryRefusal, resolveContextSize, stringOrNull } from "./modelInspection";
import { templateChatWrapperName } from "./templateChatWrapper";
import type { ChatCapabilities } from "../../common/chat/toolCalls";
import { fileChatCapabilities, jinjaTemplateOf, respondToConversation, wrapperCapabilities } from "./toolCalls";

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
  /** The model store's folder; by default $HEARTH_MODELS_PATH, $HEARTH_HOME or ~/.hearth (src/node/storeRoot.ts). */
  storeRoot?: string;
  /** Who runs this engine, for `hearth ps`; absent: not recorded. */
  kind?: EngineKind;
}

export class LlamaEngine {
  readonly scheduler = new Scheduler();
  readonly startedAt = Date.now();
  private readonly options: LlamaEngineOptions;
  private llamaPromise: Promise<Llama> | null = null;
  private llamaReady: Llama | null = null;
  private governor: ThreadGovernor | null = null;
  private maxThreadsAtStart: number | undefined;
  private moduleCache: NodeLlamaCpp | null = null;
  private readonly models = new Map<string, LoadedModel>();
  private nextModelId = 1;
  readonly store: ModelStore;
  /** The chat sessions on the loaded models. */
  readonly chats = new ChatSessions(this);

  constructor(options: LlamaEngineOptions = {}) {
    this.options = options;
    this.store = new ModelStore(options.storeRoot ?? storeRootFromEnvironment(process.env));
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

  /** A file path as is; anything else is the name of an installed model (see modelReferenceKind). */
  private async resolveModelPath(
    reference: string,
  ): Promise<{ modelPath: string; storeName: string | null; profile: ModelProfile | undefined }> {
    if (isModelPath(reference)) return { modelPath: path.resolve(expandHome(reference.trim())), storeName: null, profile: undefined };
    const modelPath = await this.store.resolvePath(reference);
    const stored = await this.store.get(reference);
    return { modelPath, storeName: stored?.name ?? reference, profile: stored?.manifest?.profile };
  }

  log(level: LogLevel, message: string): void {
    this.options.log?.(level, message);
  }

  /** Threads and context size for the models loaded from now on, when a request does not say. */
  setDefaults(defaults: { threads: number; contextSize: number }): void {
    this.options.defaultThreads = defaults.threads;
    this.options.defaultContextSize = defaults.contextSize;
    if (this.llamaReady) this.updateGovernor(this.llamaReady);
  }

  /**
   * With threads left to Hearth (the setting 0), a governor picks how many threads decode while the
   * machine is busy or quiet (threadGovernor.ts); a thread count the user set is used as set.
   */
  private updateGovernor(llama: Llama): void {
    this.maxThreadsAtStart ??= llama.maxThreads;
    const automatic = !(this.options.defaultThreads && this.options.defaultThreads > 0) && process.env.HEARTH_ADAPTIVE_THREADS !== "0";
    if (automatic && !this.governor) {
      this.governor = new ThreadGovernor({
        maxThreads: physicalCoreCount(),
        apply: (threads) => {
          llama.maxThreads = threads;
        },
        log: (message) => this.log("info", message),
      });
    } else if (!automatic && this.governor) {
      this.governor = null;
      llama.maxThreads = this.maxThreadsAtStart;
    }
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
          this.llamaReady = llama;
          this.updateGovernor(llama);
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
    const { modelPath, storeName, profile } = await this.resolveModelPath(params.model);
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
    const draftPath = profile?.draft !== undefined ? await draftModelPath(this.store, profile.draft, displayName) : null;
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
      const refusal = await memoryRefusal(lib, llama, modelPath, params.contextSize ?? this.options.defaultContextSize, params.gpuLayers);
      if (refusal) throw refusal;
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
      // The name the user knows it by: the store name, else the file's. A GGUF's general.name is
      // often only the architecture ("llama"), and the same for many files.
      const name = storeName ?? path.basename(modelPath, path.extname(modelPath));
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
        supportsInfill: fimTokensOf(model) !== null,
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
        infill: null,
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
      this.chats.forgetModel(modelId);
      await disposeLoaded(loaded);
      this.recordRunning();
      this.log("info", `unloaded ${loaded.info.name} (${modelId})`);
      return { unloaded: true };
    });
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

  /** A loaded model by id, or undefined. */
  loadedModel(modelId: string): LoadedModel | undefined {
    return this.models.get(modelId);
  }

  /** A loaded model by id; a modelNotLoaded error when it is gone. */
  requireModel(modelId: string): LoadedModel {
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

  /** The model's generation context, sequence and chat session, made on first use. */
  async generationState(loaded: LoadedModel): Promise<GenerationState> {
    return loaded.generation ?? createGenerationState(await this.module(), loaded);
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
        return await measureGeneration(state, "completion", onChunk, options?.stop, signal, async (onText, onToken, runSignal) => {
          const response = await completion.generateCompletionWithMeta(params.prompt, {
            ...samplingOptions(options),
            ...(grammar ? { grammar } : {}),
            signal: runSignal,
            stopOnAbortSignal: true,
            onTextChunk: onText,
            onToken,
          });
          return { text: response.response, stopReason: mapStopReason(response.metadata.stopReason) };
        }, this.governor ?? undefined);
      } finally {
        completion.dispose({ disposeSequence: false });
      }
    }, { followUp: true });
  }

  /**
   * Code completion (fill-in-the-middle) on the model's completion context, beside the scheduler's
   * queue so it never waits for a chat answer (infill.ts). Refused for a model without infill tokens.
   */
  async infill(params: InfillParams, onChunk: ChunkSink, signal?: AbortSignal): Promise<InfillResult> {
    const loaded = this.requireModel(params.modelId);
    return runInfill({ lib: await this.module(), scheduler: this.scheduler, governor: this.governor ?? undefined }, loaded, params, onChunk, signal);
  }

  /** One chat turn on the model's chat session, measured. */
  runChatTurn(
    state: GenerationState,
    message: string,
    options: GenerationOptions | undefined,
    onChunk: ChunkSink,
    signal: AbortSignal | undefined,
    extra: { grammar?: LlamaGrammar | undefined; maxTokens?: number } = {},
  ): Promise<GenerateResult> {
    return measureGeneration(state, "chat", onChunk, options?.stop, signal, async (onText, onToken, runSignal) => {
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
    }, this.governor ?? undefined);
  }



  /** One answer to a whole conversation, with tools and thinking (see toolCalls.ts). */
  async chatRespond(params: ChatRespondParams, onChunk: (chunk: ChatRespondChunk) => void, signal?: AbortSignal): Promise<ChatRespondResult> {
    const loaded = this.requireModel(params.modelId);
    return this.scheduler.run(`chat on ${loaded.info.name}`, params.priority ?? "interactive", signal, async () => {
      const run = { lib: await this.module(), llama: await this.llama(), loaded, state: await this.generationState(loaded), pace: this.governor ?? undefined };
      return respondToConversation(run, params, onChunk, signal);
    }, { followUp: true });
  }

  /**
   * What a model's chat template can do: its own tool syntax, thinking, thinking levels. A loaded
   * model (`modelId`) answers from its chat wrapper; an installed one (`model`, a store name or GGUF
   * path) from its file's metadata and its Modelfile, without being loaded.
   */
  async chatCapabilities(params: ChatCapabilitiesParams): Promise<ChatCapabilities> {
    if (params.modelId === undefined) {
      const { modelPath, profile } = await this.resolveModelPath(params.model ?? "");
      return this.fileChatCapabilities(modelPath, profile);
    }
    const loaded = this.requireModel(params.modelId);
    return this.scheduler.run(`capabilities of ${loaded.info.name}`, "interactive", undefined, async () =>
      wrapperCapabilities(await this.module(), (await this.generationState(loaded)).chat.chatWrapper, jinjaTemplateOf(loaded)),
    );
  }

  /** What a model file's chat template can do, without loading it. */
  async fileChatCapabilities(modelPath: string, profile: ModelProfile | undefined): Promise<ChatCapabilities> {
    return fileChatCapabilities(await this.module(), modelPath, profile);
  }

  /**
   * The compiled grammar the options ask for (GBNF text or a JSON schema), or undefined. Compiled
   * once per model and text; a grammar llama.cpp cannot parse is a badRequest that leaves
   * nothing behind, so the next request runs as usual.
   */
  async grammarFor(loaded: LoadedModel, options: GenerationOptions | undefined): Promise<LlamaGrammar | undefined> {
    if (!options || (options.grammar === undefined && options.jsonSchema === undefined)) return undefined;
    return cachedGrammar(await this.llama(), loaded.grammars, options);
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

  /** Reads a model file's metadata and memory estimate without loading it. */
  async inspect(params: InspectParams): Promise<ModelInspection> {
    return inspectModel(await this.module(), await this.llama(), params, this.options.defaultContextSize);
  }

  status(): EngineStatus {
    return {
      pid: process.pid,
      storeRoot: this.store.root,
      startedAt: this.startedAt,
      rssBytes: process.memoryUsage().rss,
      models: this.listModels(),
      chatSessions: this.chats.size,
      queuedJobs: this.scheduler.queuedJobs,
      runningJob: this.scheduler.runningJob,
      backgroundHeldMs: this.scheduler.backgroundHeldMs,
    };
  }

  async dispose(): Promise<void> {
    this.scheduler.rejectAll(
      new EngineError("engineUnavailable", localize("The Hearth engine is shutting down. Retry in a moment.")),
    );
    const loaded = [...this.models.values()];
    this.models.clear();
    this.chats.clear();
    if (this.options.kind) removeRunningRecord(this.store.root, process.pid);
    for (const model of loaded) await disposeLoaded(model);
    if (this.llamaPromise) {
      const llama = await this.llamaPromise.catch(() => null);
      await llama?.dispose();
    }
  }
}

// ── Helpers ─────────────────────────────────────────────────────────────────────────────────



function sameAdapters(a: LoadModelParams["loraAdapters"], b: LoadModelParams["loraAdapters"]): boolean {
  const left = (a ?? []).map((x) => `${path.resolve(x.path)}@${x.scale ?? 1}`).join("|");
  const right = (b ?? []).map((x) => `${path.resolve(x.path)}@${x.scale ?? 1}`).join("|");
  return left === right;
}


function resolveMode(mode: PromptMode, hasChatTemplate: boolean): "chat" | "completion" {
  if (mode === "auto") return hasChatTemplate ? "chat" : "completion";
  return mode;
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







