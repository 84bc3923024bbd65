// The extension's view of the engine: starts it on first use (never at activation), keeps the
// active model loaded across engine restarts, mirrors what happens in the status bar, and turns
// VS Code cancellation tokens into AbortSignals.
import { errorText } from "../../common/engine/engineError";
import * as path from "node:path";
import * as vscode from "vscode";
import type { ChatCapabilities } from "../../common/chat/toolCalls";
import type { ChatRespondChunk, ChatRespondParams, ChatRespondResult, ChatTurnResult, EngineSettings, LoadedModelInfo, LogLevel, ModelInspection, ChunkOf, ParamsOf, ResultOf, StoreImportParams, TextChunk, StoreListResult, StoreShowResult } from "../../common/engine/engineProtocol";
import type { ChatTurn, GenerateResult, GenerationOptions, PromptMode } from "../../common/chat/chatTypes";
import { formatBytes } from "../../common/formatBytes";
import { findCatalogueEntry } from "../../common/models/modelCatalogue";
import type { ModelManifest, PullProgress, PullResult, RemoveResult, RepairReport } from "../../common/models/modelManifest";
import { EngineClient } from "../../node/engineClient";
import type { EngineState } from "../../node/engineClient";
import type { RemoteChat } from "../chat/remoteChat";
import { readSettings } from "../settingsAccess";
import type { StatusBarController } from "../statusBar";
import { configuredStoreRoot } from "./storeLocation";
import type { InfillParams, InfillResult, ReviewParams, ReviewProgress, ReviewResult } from "../../common/engine/engineProtocol";
import { isModelPath } from "../../common/models/modelName";

interface ActiveModel {
  modelPath: string;
  info: LoadedModelInfo;
  /** The engine generation the model was loaded into; a restarted engine has lost it. */
  generation: number;
}

const lastModelKey = "hearth.lastModelPath";

/** A conversation as the extension keeps it; the engine session is recreated when it was lost. */
export interface Conversation {
  history: ChatTurn[];
  engineSession: { sessionId: string; modelId: string; generation: number } | null;
}

export class EngineService implements vscode.Disposable {
  private client: EngineClient | null = null;
  private active: ActiveModel | null = null;
  /** The model being loaded now, for the status bar while the engine starts under it. */
  private loading: string | null = null;
  private readonly onDidChangeModelEmitter = new vscode.EventEmitter<LoadedModelInfo | null>();
  readonly onDidChangeModel = this.onDidChangeModelEmitter.event;
  private readonly onDidChangeStoreEmitter = new vscode.EventEmitter<void>();
  /** Fires after Hearth changed the model store (pull, remove, import, repair). */
  readonly onDidChangeStore = this.onDidChangeStoreEmitter.event;
  private readonly onDidChangeEngineStateEmitter = new vscode.EventEmitter<EngineState>();
  readonly onDidChangeEngineState = this.onDidChangeEngineStateEmitter.event;
  /** Chat on a remote server when hearth.remote.kind says so (src/extension/chat/remoteChat.ts); set at activation. */
  remote: RemoteChat | null = null;
  /** Runs before every load (the licence check, src/extension/models/licenceGate.ts); a throw stops the load. */
  beforeLoad: ((modelPath: string) => Promise<void>) | null = null;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly statusBar: StatusBarController,
  ) {}

  /** The model loaded now, when the engine still holds it. */
  get activeModel(): LoadedModelInfo | null {
    const client = this.client;
    if (!this.active || !client) return null;
    const alive = client.state.kind === "ready" || client.state.kind === "starting";
    return alive && this.active.generation === client.generation ? this.active.info : null;
  }

  get enginePid(): number | undefined {
    return this.client?.pid;
  }

  get engineState(): EngineState {
    return this.client?.state ?? { kind: "stopped" };
  }

  /** True while an engine process is up and answering. */
  get engineRunning(): boolean {
    return this.client?.state.kind === "ready";
  }

  /** The model Hearth loads when a request needs one: the last one loaded, else the setting. */
  preferredModelPath(): string | null {
    const remembered = this.active?.modelPath ?? this.context.globalState.get<string>(lastModelKey);
    const configured = readSettings().defaultModel.trim();
    return remembered || configured || null;
  }

  private engine(): EngineClient {
    if (!this.client) {
      this.client = new EngineClient({
        enginePath: this.context.asAbsolutePath(path.join("dist", "engine.js")),
        settings: () => this.engineSettings(),
        log: (level, message) => this.writeLog(level, message),
        onStateChange: (state) => this.onEngineState(state),
      });
    }
    return this.client;
  }

  private writeLog(level: LogLevel, message: string): void {
    // HEARTH_LOG_TO_CONSOLE=1 mirrors the log to the extension host's console (test runs, bug reports).
    if (process.env.HEARTH_LOG_TO_CONSOLE === "1") console.log(`[hearth] ${level}: ${message}`);
    switch (level) {
      case "debug":
        this.log.debug(message);
        break;
      case "info":
        this.log.info(message);
        break;
      case "warn":
        this.log.warn(message);
        break;
      case "error":
        this.log.error(message);
        break;
    }
  }

  private onEngineState(state: EngineState): void {
    this.onDidChangeEngineStateEmitter.fire(state);
    if (state.kind === "crashed") {
      this.statusBar.set({ kind: "crashed", reason: state.reason, model: this.active?.info.name ?? null });
      this.onDidChangeModelEmitter.fire(null);
    } else if (state.kind === "starting" && !this.activeModel) {
      this.statusBar.set({ kind: "starting" });
    } else if (state.kind === "ready" && this.statusBar.state.kind === "starting") {
      // Started for a load (which goes on), or for something else (the Models view): say which.
      const active = this.activeModel;
      if (this.loading) this.statusBar.set({ kind: "loading", model: this.loading });
      else if (active) this.showReady(active);
      else this.statusBar.set({ kind: "noModel" });
    } else if (state.kind === "stopped") {
      this.statusBar.set({ kind: "noModel" });
    }
  }

  private showReady(info: LoadedModelInfo): void {
    this.statusBar.set({
      kind: "ready",
      model: info.name,
      detail: vscode.l10n.t(
        "{0}, context {1}, threads: {2}",
        formatBytes(info.sizeBytes),
        info.contextSize,
        info.threads,
      ),
    });
  }

  /** The load in progress, which a request that needs a model waits for rather than saying there is none. */
  private pendingLoad: Promise<LoadedModelInfo> | null = null;

  async loadModel(modelPath: string, token?: vscode.CancellationToken): Promise<LoadedModelInfo> {
    const load = this.loadActive(modelPath, token);
    this.pendingLoad = load;
    try {
      return await load;
    } finally {
      if (this.pendingLoad === load) this.pendingLoad = null;
    }
  }

  private async loadActive(modelPath: string, token?: vscode.CancellationToken): Promise<LoadedModelInfo> {
    await this.beforeLoad?.(modelPath);
    const engine = this.engine();
    const settings = readSettings();
    const name = isModelPath(modelPath) ? path.basename(modelPath, path.extname(modelPath)) : modelPath;
    this.statusBar.set({ kind: "loading", model: name });
    this.loading = name;
    try {
      const previous = this.activeModel;
      const info = await engine.request(
        "loadModel",
        { model: modelPath, contextSize: settings.contextSize, threads: settings.threads },
        { signal: toAbortSignal(token) },
      );
      if (previous && previous.modelId !== info.modelId) {
        await engine.request("unloadModel", { modelId: previous.modelId }).catch(() => undefined);
      }
      // An installed model is remembered by name, so it survives the store moving.
      const remembered = info.storeName ?? info.modelPath;
      this.active = { modelPath: remembered, info, generation: engine.generation };
      await this.context.globalState.update(lastModelKey, remembered);
      this.showReady(info);
      this.onDidChangeModelEmitter.fire(info);
      return info;
    } catch (error) {
      const still = this.activeModel;
      if (still) this.showReady(still);
      else if (engine.state.kind === "crashed") this.onEngineState(engine.state);
      else this.statusBar.set({ kind: "noModel" });
      throw error;
    } finally {
      this.loading = null;
    }
  }

  /**
   * The loaded model, loading the preferred one when the engine has none (first use, after a
   * crash); with no preference, an installed chat or code model (the catalogue's first).
   */
  async ensureModel(token?: vscode.CancellationToken): Promise<LoadedModelInfo | null> {
    const loaded = this.activeModel;
    if (loaded) return loaded;
    // A message sent while the model the user chose is still loading waits for it.
    const pending = this.pendingLoad;
    if (pending) {
      const info = await pending.catch(() => null);
      if (info && this.activeModel) return this.activeModel;
    }
    const preferred = this.preferredModelPath() ?? (await this.installedChatModel());
    if (!preferred) return null;
    return this.loadModel(preferred, token);
  }

  /** The name of an installed model that can chat, preferring code models and catalogue ones; null when none. */
  async installedChatModel(): Promise<string | null> {
    const { models } = await this.storeList();
    const usable = models.filter(
      (model) => model.status === "ok" && (model.manifest?.purpose === "code" || model.manifest?.purpose === "chat"),
    );
    const rank = (name: string, purpose: string | undefined): number =>
      (purpose === "code" ? 0 : 2) + (findCatalogueEntry(name) ? 0 : 1);
    usable.sort((a, b) => rank(a.name, a.manifest?.purpose) - rank(b.name, b.manifest?.purpose));
    return usable[0]?.name ?? null;
  }

  async unloadModel(): Promise<boolean> {
    const loaded = this.activeModel;
    this.active = null;
    await this.context.globalState.update(lastModelKey, undefined);
    this.statusBar.set({ kind: "noModel" });
    this.onDidChangeModelEmitter.fire(null);
    if (!loaded || !this.client) return false;
    await this.client.request("unloadModel", { modelId: loaded.modelId });
    return true;
  }

  /** Unloads one model the engine holds (the active one or another); false when it was not loaded. */
  async unloadModelById(modelId: string): Promise<boolean> {
    if (this.activeModel?.modelId === modelId) return this.unloadModel();
    if (!this.engineRunning || !this.client) return false;
    const { unloaded } = await this.client.request("unloadModel", { modelId });
    this.onDidChangeModelEmitter.fire(this.activeModel);
    return unloaded;
  }

  /** What the engine holds now; empty (without starting it) when no engine runs. */
  async loadedModels(): Promise<LoadedModelInfo[]> {
    if (!this.engineRunning || !this.client) return [];
    const status = await this.client.request("status", {});
    return status.models;
  }

  // ── The model store (the engine owns it; these start the engine when needed) ──

  async storeList(): Promise<StoreListResult> {
    return this.engine().request("storeList", {});
  }

  async storeShow(name: string): Promise<StoreShowResult> {
    return this.engine().request("storeShow", { name, contextSize: readSettings().contextSize });
  }

  /** Downloads a model into the store; progress streams to `onProgress`, cancelling keeps the partial file. */
  /** Creates a model from a Modelfile's text (its base may be pulled: progress streams). */
  async createFromModelfile(
    name: string,
    modelfile: string,
    baseDir: string,
    onProgress: (progress: PullProgress) => void,
    token?: vscode.CancellationToken,
  ): Promise<ModelManifest> {
    try {
      return await this.engine().request(
        "storeCreate",
        { name, modelfile, baseDir },
        { signal: toAbortSignal(token), onChunk: onProgress },
      );
    } finally {
      this.onDidChangeStoreEmitter.fire();
    }
  }

  async pull(
    reference: string,
    onProgress: (progress: PullProgress) => void,
    token?: vscode.CancellationToken,
    name?: string,
  ): Promise<PullResult> {
    try {
      return await this.engine().request(
        "storePull",
        { reference, ...(name ? { name } : {}) },
        { signal: toAbortSignal(token), onChunk: onProgress },
      );
    } finally {
      this.onDidChangeStoreEmitter.fire();
    }
  }

  /** Removes an installed model; the engine unloads it first when it is loaded. */
  async removeModel(name: string): Promise<RemoveResult> {
    const active = this.active;
    const stored = active ? (await this.storeList()).models.find((model) => model.name === name) : undefined;
    try {
      const result = await this.engine().request("storeRemove", { name });
      if (
        active &&
        (active.info.storeName === name || (stored?.blobPath != null && active.info.modelPath === stored.blobPath))
      ) {
        this.active = null;
        this.statusBar.set({ kind: "noModel" });
        this.onDidChangeModelEmitter.fire(null);
      }
      if (this.context.globalState.get<string>(lastModelKey) === name) {
        await this.context.globalState.update(lastModelKey, undefined);
      }
      return result;
    } finally {
      this.onDidChangeStoreEmitter.fire();
    }
  }

  async importModel(params: StoreImportParams, token?: vscode.CancellationToken): Promise<ModelManifest> {
    try {
      return await this.engine().request("storeImport", params, { signal: toAbortSignal(token) });
    } finally {
      this.onDidChangeStoreEmitter.fire();
    }
  }

  async repairStore(): Promise<RepairReport> {
    try {
      return await this.engine().request("storeRepair", {});
    } finally {
      this.onDidChangeStoreEmitter.fire();
    }
  }

  /** The store folder the engine uses (it is started to ask), or the configured one when it cannot say. */
  async storeRoot(): Promise<string> {
    try {
      return (await this.storeList()).root;
    } catch {
      return configuredStoreRoot();
    }
  }

  async generate(
    prompt: string,
    onText: (text: string) => void,
    token?: vscode.CancellationToken,
    mode: PromptMode = "auto",
  ): Promise<GenerateResult> {
    if (await this.remote?.target()) return this.remoteChatTurn([], prompt, onText, token);
    const info = await this.requireModel(token);
    const settings = readSettings();
    return this.streaming(info, onText, (engine, onChunk) =>
      engine.request(
        "generate",
        {
          modelId: info.modelId,
          prompt,
          mode,
          defaultSystemPrompt: settings.systemPrompt,
          defaults: { maxTokens: settings.maxTokens, temperature: settings.temperature },
        },
        { signal: toAbortSignal(token), onChunk },
      ),
    );
  }

  /**
   * A turn on the remote engine of the settings: the engine process asks the server (it has the
   * settings and the key from `configure`), and the whole history goes with each turn.
   */
  private async remoteChatTurn(
    history: ChatTurn[],
    message: string,
    onText: (text: string) => void,
    token?: vscode.CancellationToken,
    options?: GenerationOptions,
  ): Promise<ChatTurnResult & { model: string }> {
    const settings = readSettings();
    await this.syncSettings();
    return this.engine().request(
      "remoteChat",
      {
        system: settings.systemPrompt,
        history,
        message,
        options: { maxTokens: settings.maxTokens, temperature: settings.temperature, ...options },
      },
      { signal: toAbortSignal(token), onChunk: (chunk) => onText(chunk.text) },
    );
  }

  /** One chat turn; reuses the engine session (and its KV cache) while the model stays loaded. */
  async chatTurn(
    conversation: Conversation,
    message: string,
    onText: (text: string) => void,
    token?: vscode.CancellationToken,
    options?: GenerationOptions,
  ): Promise<ChatTurnResult & { model: string }> {
    if (await this.remote?.target()) {
      const answer = await this.remoteChatTurn(conversation.history, message, onText, token, options);
      conversation.history.push({ role: "user", text: message }, { role: "assistant", text: answer.text });
      return answer;
    }
    const info = await this.requireModel(token);
    const settings = readSettings();
    const result = await this.streaming(info, onText, async (engine, onChunk) => {
      const known = conversation.engineSession;
      if (!known || known.modelId !== info.modelId || known.generation !== engine.generation) {
        const { sessionId } = await engine.request("chatCreate", {
          modelId: info.modelId,
          history: conversation.history,
          defaultSystemPrompt: settings.systemPrompt,
        });
        conversation.engineSession = { sessionId, modelId: info.modelId, generation: engine.generation };
      }
      return engine.request(
        "chatSend",
        {
          sessionId: conversation.engineSession!.sessionId,
          message,
          ...(options ? { options } : {}),
          defaults: { maxTokens: settings.maxTokens, temperature: settings.temperature },
        },
        { signal: toAbortSignal(token), onChunk },
      );
    });
    conversation.history.push({ role: "user", text: message }, { role: "assistant", text: result.text });
    return { ...result, model: info.name };
  }

  /**
   * What the model a chat turn would use can do (tools in its template's syntax, thinking), loading
   * it as a turn does; null when the remote engine answers (hearth.remote.*), which is asked no such
   * thing.
   */
  async chatCapabilities(token?: vscode.CancellationToken): Promise<{ model: string; capabilities: ChatCapabilities } | null> {
    if (await this.remote?.target()) return null;
    const info = await this.requireModel(token);
    const engine = this.engine();
    // Not by modelId alone: a restarted engine (a new client) counts its models from m1 again.
    const key = `${info.modelPath}\u0000${info.storeName ?? ""}\u0000${info.loadedAt}`;
    let capabilities = this.capabilities.get(key);
    if (!capabilities) {
      capabilities = await engine.request("chatCapabilities", { modelId: info.modelId });
      this.capabilities.set(key, capabilities);
    }
    return { model: info.name, capabilities };
  }

  private readonly capabilities = new Map<string, ChatCapabilities>();

  /**
   * One answer to a whole conversation on the loaded model (engine method chatRespond), with tools
   * the model may call and its thinking streamed apart from its text. The engine holds no session
   * for it: the conversation goes with each request (the model's context reuses what it has of it).
   */
  async chatRespond(
    params: Omit<ChatRespondParams, "modelId" | "defaultSystemPrompt" | "defaults">,
    onChunk: (chunk: ChatRespondChunk) => void,
    token?: vscode.CancellationToken,
  ): Promise<ChatRespondResult & { model: string }> {
    const info = await this.requireModel(token);
    const settings = readSettings();
    const result = await this.streaming(
      info,
      () => undefined,
      (engine, onText) =>
        engine.request(
          "chatRespond",
          {
            ...params,
            modelId: info.modelId,
            defaultSystemPrompt: settings.systemPrompt,
            defaults: { maxTokens: settings.maxTokens, temperature: settings.temperature },
          },
          {
            signal: toAbortSignal(token),
            onChunk: (chunk) => {
              // The status bar counts streamed text and thinking alike.
              if (chunk.text || chunk.thinking) onText({ text: "", pieces: 1 });
              onChunk(chunk);
            },
          },
        ),
    );
    return { ...result, model: info.name };
  }

  /** What an installed model's chat template can do (its own tool syntax, thinking), read from its file without loading it. */
  async modelCapabilities(storeName: string): Promise<ChatCapabilities> {
    return this.engine().request("chatCapabilities", { model: storeName });
  }

  /**
   * Token counts of `texts` with the loaded model's tokenizer, and its context size; null when no
   * model is loaded (counting never loads one).
   */
  async countTokens(texts: string[]): Promise<{ counts: number[]; contextSize: number } | null> {
    const info = this.activeModel;
    if (!info || !this.client || !this.engineRunning) return null;
    return this.client.request("countTokens", { modelId: info.modelId, texts });
  }

  /**
   * Reviews code with the loaded model (loading one as chat does); each chunk's checked findings
   * stream to `onProgress` as the model answers. Cancelling ends the review with what it found.
   */
  async review(
    request: Omit<ReviewParams, "modelId">,
    onProgress: (progress: ReviewProgress) => void,
    token?: vscode.CancellationToken,
  ): Promise<ReviewResult & { model: string }> {
    const remote = await this.remote?.target();
    if (remote) {
      // On the remote engine (hearth.remote.*): the engine process runs the review against it.
      await this.syncSettings();
      const result = await this.engine().request("review", { ...request, modelId: "", remote: true }, { signal: toAbortSignal(token), onChunk: onProgress });
      return { ...result, model: remote.label };
    }
    const info = await this.requireModel(token);
    const result = await this.engine().request(
      "review",
      { ...request, modelId: info.modelId },
      { signal: toAbortSignal(token), onChunk: onProgress },
    );
    return { ...result, model: info.name };
  }

  private async requireModel(token: vscode.CancellationToken | undefined): Promise<LoadedModelInfo> {
    const info = await this.ensureModel(token);
    if (!info) {
      throw new NoModelError(
        vscode.l10n.t(
          "No model is installed or loaded yet. Download one with \"Hearth: Download Recommended Model\" or \"Hearth: Pull Model…\", or load a GGUF file with \"Hearth: Load Model from File…\".",
        ),
      );
    }
    return info;
  }

  /** Runs a streamed request, showing its speed in the status bar while it runs. */
  private async streaming<T>(
    info: LoadedModelInfo,
    onText: (text: string) => void,
    run: (engine: EngineClient, onChunk: (chunk: TextChunk) => void) => Promise<T>,
  ): Promise<T> {
    const engine = this.engine();
    const started = Date.now();
    let chunks = 0;
    let lastShown = 0;
    this.statusBar.set({ kind: "generating", model: info.name, tokensPerSecond: null });
    try {
      return await run(engine, (chunk) => {
        // Chunks are coalesced (one per frame at most): count the pieces, about one per token.
        chunks += chunk.pieces ?? 1;
        const seconds = (Date.now() - started) / 1000;
        if (seconds > 0 && Date.now() - lastShown >= 250) {
          lastShown = Date.now();
          this.statusBar.set({ kind: "generating", model: info.name, tokensPerSecond: chunks / seconds });
        }
        onText(chunk.text);
      });
    } finally {
      const still = this.activeModel;
      if (still) this.showReady(still);
      else if (engine.state.kind === "crashed") this.onEngineState(engine.state);
    }
  }

  async disposeConversation(conversation: Conversation): Promise<void> {
    const known = conversation.engineSession;
    conversation.engineSession = null;
    if (known && this.client && known.generation === this.client.generation) {
      await this.client.request("chatDispose", { sessionId: known.sessionId }).catch(() => undefined);
    }
  }

  /** The local HTTP API in the engine process (src/extension/api/localApi.ts keeps it running); starts the engine. */
  async engineRequest<M extends "apiStart" | "apiStop" | "apiStatus">(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    return this.engine().request(method, params);
  }

  /** The workspace index's methods (src/extension/index/workspaceIndex.ts); starts the engine. */
  async indexRequest<M extends "indexBuild" | "indexUpdateFiles" | "indexSearch" | "indexStatus" | "indexClear">(
    method: M,
    params: ParamsOf<M>,
    options: { token?: vscode.CancellationToken; onChunk?: (chunk: ChunkOf<M>) => void } = {},
  ): Promise<ResultOf<M>> {
    const signal = toAbortSignal(options.token);
    await this.syncSettings();
    return this.engine().request(method, params, { ...(signal ? { signal } : {}), ...(options.onChunk ? { onChunk: options.onChunk } : {}) });
  }

  /** The engine's settings, as the hearth.* settings and the remote engine's key say now. */
  async engineSettings(): Promise<EngineSettings> {
    const settings = readSettings();
    return {
      locale: vscode.env.language,
      threads: settings.threads,
      contextSize: settings.contextSize,
      gpu: settings.gpu,
      // Empty: the engine's environment decides (HEARTH_MODELS_PATH, HEARTH_HOME, ~/.hearth).
      storeRoot: settings.modelsPath.trim() ? configuredStoreRoot() : "",
      downloadEndpoint: settings.downloadEndpoint.trim(),
      modelScopeEndpoint: settings.modelScopeEndpoint.trim(),
      catalogueFile: settings.catalogueFile.trim(),
      remote: (await this.remote?.engineConfig()) ?? null,
    };
  }

  /**
   * Sends the settings to the running engine when they changed since it last had them (a new
   * engine process is given them as it starts). Called before the requests that use them, so a
   * changed setting or a new remote key is never a step behind.
   */
  async syncSettings(): Promise<void> {
    if (!this.client) return;
    const result = await this.client.configure(await this.engineSettings());
    if (result?.problem) this.log.warn(result.problem);
  }


  /**
   * Loads a model beside the active one without making it the active model (the completion model,
   * src/extension/completion/): the engine gives back the model it already holds when it is the same.
   */
  async loadSideModel(model: string, token?: vscode.CancellationToken): Promise<LoadedModelInfo> {
    await this.beforeLoad?.(model);
    const settings = readSettings();
    return this.engine().request("loadModel", { model, contextSize: settings.contextSize, threads: settings.threads }, { signal: toAbortSignal(token) });
  }

  /**
   * The user is about to ask (typing a chat message): the engine starts no background job (an
   * indexing embedding, which cannot be interrupted once it runs) for `ms`. Never starts an engine;
   * a hint that fails changes nothing, so it is only logged.
   */
  holdBackground(ms: number): void {
    const client = this.client;
    if (!client || !this.engineRunning) return;
    client.request("holdBackground", { ms }).catch((error: unknown) => this.log.debug(`holdBackground: ${errorText(error)}`));
  }

  /** A code completion (fill-in-the-middle) on a loaded model; never queued behind a chat answer. */
  async infill(params: InfillParams, signal?: AbortSignal): Promise<InfillResult> {
    return this.engine().request("infill", params, signal ? { signal } : {});
  }

  async inspect(modelPath: string): Promise<ModelInspection> {
    return this.engine().request("inspect", { modelPath, contextSize: readSettings().contextSize });
  }

  async restartEngine(): Promise<void> {
    const reload = this.active?.modelPath ?? null;
    this.active = null;
    if (this.client) {
      await this.client.dispose();
      this.client = null;
    }
    this.statusBar.set({ kind: "noModel" });
    this.onDidChangeModelEmitter.fire(null);
    if (reload) {
      try {
        await this.loadModel(reload);
        return;
      } catch (error) {
        // E.g. the store folder changed and the model is not in the new one: the engine still runs.
        this.log.warn(`after the restart, ${reload} could not be loaded again: ${errorText(error)}`);
        void vscode.window.showWarningMessage(
          vscode.l10n.t("The engine restarted, but {0} could not be loaded again: {1}", path.basename(reload), errorText(error)),
        );
      }
    }
    await this.engine().start();
  }

  async dispose(): Promise<void> {
    this.onDidChangeModelEmitter.dispose();
    this.onDidChangeStoreEmitter.dispose();
    this.onDidChangeEngineStateEmitter.dispose();
    const client = this.client;
    this.client = null;
    await client?.dispose();
  }
}

/** No model is loaded, none was chosen before, and none is installed. */
export class NoModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoModelError";
  }
}

/** VS Code's CancellationToken becomes an AbortSignal at the engine boundary. */
export function toAbortSignal(token: vscode.CancellationToken | undefined): AbortSignal | undefined {
  if (!token) return undefined;
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  else token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}
