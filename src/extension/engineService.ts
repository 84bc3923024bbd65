// The extension's view of the engine: starts it on first use (never at activation), keeps the
// active model loaded across engine restarts, mirrors what happens in the status bar, and turns
// VS Code cancellation tokens into AbortSignals.
import * as path from "node:path";
import * as vscode from "vscode";
import type {
  ChatTurn,
  ChatTurnResult,
  GenerateResult,
  LoadedModelInfo,
  LogLevel,
  ModelInspection,
  PromptMode,
} from "../common/engineProtocol";
import { formatBytes } from "../common/formatBytes";
import { EngineClient } from "../engine/engineClient";
import type { EngineState } from "../engine/engineClient";
import { readSettings } from "./settingsAccess";
import type { StatusBarController } from "./statusBar";

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
  private readonly onDidChangeModelEmitter = new vscode.EventEmitter<LoadedModelInfo | null>();
  readonly onDidChangeModel = this.onDidChangeModelEmitter.event;

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

  /** The model Hearth loads when a request needs one: the last one loaded, else the setting. */
  preferredModelPath(): string | null {
    const remembered = this.active?.modelPath ?? this.context.globalState.get<string>(lastModelKey);
    const configured = readSettings().defaultModel.trim();
    return remembered || configured || null;
  }

  private engine(): EngineClient {
    if (!this.client) {
      const settings = readSettings();
      this.client = new EngineClient({
        enginePath: this.context.asAbsolutePath(path.join("dist", "engine.js")),
        env: {
          HEARTH_THREADS: String(settings.threads),
          HEARTH_CONTEXT_SIZE: String(settings.contextSize),
          HEARTH_GPU: settings.gpu,
          HEARTH_LOCALE: vscode.env.language,
        },
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
    if (state.kind === "crashed") {
      this.statusBar.set({ kind: "crashed", reason: state.reason, model: this.active?.info.name ?? null });
      this.onDidChangeModelEmitter.fire(null);
    } else if (state.kind === "starting" && !this.activeModel) {
      this.statusBar.set({ kind: "starting" });
    } else if (state.kind === "stopped") {
      this.statusBar.set({ kind: "noModel" });
    }
  }

  private showReady(info: LoadedModelInfo): void {
    this.statusBar.set({
      kind: "ready",
      model: info.name,
      detail: vscode.l10n.t(
        "{0}, context {1}, {2} threads",
        formatBytes(info.sizeBytes),
        info.contextSize,
        info.threads,
      ),
    });
  }

  async loadModel(modelPath: string, token?: vscode.CancellationToken): Promise<LoadedModelInfo> {
    const engine = this.engine();
    const settings = readSettings();
    const name = path.basename(modelPath, path.extname(modelPath));
    this.statusBar.set({ kind: "loading", model: name });
    try {
      const previous = this.activeModel;
      const info = await engine.request(
        "loadModel",
        { modelPath, contextSize: settings.contextSize, threads: settings.threads },
        { signal: toAbortSignal(token) },
      );
      if (previous && previous.modelId !== info.modelId) {
        await engine.request("unloadModel", { modelId: previous.modelId }).catch(() => undefined);
      }
      this.active = { modelPath: info.modelPath, info, generation: engine.generation };
      await this.context.globalState.update(lastModelKey, info.modelPath);
      this.showReady(info);
      this.onDidChangeModelEmitter.fire(info);
      return info;
    } catch (error) {
      const still = this.activeModel;
      if (still) this.showReady(still);
      else if (engine.state.kind === "crashed") this.onEngineState(engine.state);
      else this.statusBar.set({ kind: "noModel" });
      throw error;
    }
  }

  /** The loaded model, loading the preferred one when the engine has none (first use, after a crash). */
  async ensureModel(token?: vscode.CancellationToken): Promise<LoadedModelInfo | null> {
    const loaded = this.activeModel;
    if (loaded) return loaded;
    const preferred = this.preferredModelPath();
    if (!preferred) return null;
    return this.loadModel(preferred, token);
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

  async generate(
    prompt: string,
    onText: (text: string) => void,
    token?: vscode.CancellationToken,
    mode: PromptMode = "auto",
  ): Promise<GenerateResult> {
    const info = await this.requireModel(token);
    const settings = readSettings();
    return this.streaming(info, onText, (engine, onChunk) =>
      engine.request(
        "generate",
        {
          modelId: info.modelId,
          prompt,
          mode,
          options: { maxTokens: settings.maxTokens, temperature: settings.temperature },
        },
        { signal: toAbortSignal(token), onChunk },
      ),
    );
  }

  /** One chat turn; reuses the engine session (and its KV cache) while the model stays loaded. */
  async chatTurn(
    conversation: Conversation,
    message: string,
    onText: (text: string) => void,
    token?: vscode.CancellationToken,
  ): Promise<ChatTurnResult> {
    const info = await this.requireModel(token);
    const settings = readSettings();
    const result = await this.streaming(info, onText, async (engine, onChunk) => {
      const known = conversation.engineSession;
      if (!known || known.modelId !== info.modelId || known.generation !== engine.generation) {
        const { sessionId } = await engine.request("chatCreate", { modelId: info.modelId, history: conversation.history });
        conversation.engineSession = { sessionId, modelId: info.modelId, generation: engine.generation };
      }
      return engine.request(
        "chatSend",
        {
          sessionId: conversation.engineSession!.sessionId,
          message,
          options: { maxTokens: settings.maxTokens, temperature: settings.temperature },
        },
        { signal: toAbortSignal(token), onChunk },
      );
    });
    conversation.history.push({ role: "user", text: message }, { role: "assistant", text: result.text });
    return result;
  }

  private async requireModel(token: vscode.CancellationToken | undefined): Promise<LoadedModelInfo> {
    const info = await this.ensureModel(token);
    if (!info) throw new Error(vscode.l10n.t("No model is loaded. Run \"Hearth: Load Model from File…\" first."));
    return info;
  }

  /** Runs a streamed request, showing its speed in the status bar while it runs. */
  private async streaming<T>(
    info: LoadedModelInfo,
    onText: (text: string) => void,
    run: (engine: EngineClient, onChunk: (chunk: { text: string }) => void) => Promise<T>,
  ): Promise<T> {
    const engine = this.engine();
    const started = Date.now();
    let chunks = 0;
    this.statusBar.set({ kind: "generating", model: info.name, tokensPerSecond: null });
    try {
      return await run(engine, (chunk) => {
        chunks++;
        const seconds = (Date.now() - started) / 1000;
        if (chunks % 8 === 0 && seconds > 0) {
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
    if (reload) await this.loadModel(reload);
    else await this.engine().start();
  }

  async dispose(): Promise<void> {
    this.onDidChangeModelEmitter.dispose();
    const client = this.client;
    this.client = null;
    await client?.dispose();
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
