// The extension's view of the engine: starts it on first use (never at activation), keeps the
// active model loaded across engine restarts, mirrors what happens in the status bar, and turns
// VS Code cancellation tokens into AbortSignals.
import * as path from "node:path";
import * as vscode from "vscode";
import type {
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
    return this.active && this.client && this.active.generation === this.client.generation ? this.active.info : null;
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
    const info = await this.ensureModel(token);
    if (!info) throw new Error(vscode.l10n.t("No model is loaded."));
    const settings = readSettings();
    const engine = this.engine();
    const started = Date.now();
    let chunks = 0;
    this.statusBar.set({ kind: "generating", model: info.name, tokensPerSecond: null });
    try {
      const result = await engine.request(
        "generate",
        {
          modelId: info.modelId,
          prompt,
          mode,
          options: { maxTokens: settings.maxTokens, temperature: settings.temperature },
        },
        {
          signal: toAbortSignal(token),
          onChunk: (chunk) => {
            chunks++;
            const seconds = (Date.now() - started) / 1000;
            if (chunks % 8 === 0 && seconds > 0) {
              this.statusBar.set({ kind: "generating", model: info.name, tokensPerSecond: chunks / seconds });
            }
            onText(chunk.text);
          },
        },
      );
      return result;
    } finally {
      const still = this.activeModel;
      if (still) this.showReady(still);
      else if (engine.state.kind === "crashed") this.onEngineState(engine.state);
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
