// The models the HTTP API uses, by store name: a request for a model that is not loaded loads it
// (once, however many requests ask at the same time), and `keep_alive` decides when it goes
// again — at once (0), after a while idle, or never (Hearth's default: the engine keeps it).
import type { LoadedModelInfo } from "../../common/engine/engineProtocol";
import type { ModelPurpose } from "../../common/models/modelManifest";
import { EngineError, errorText } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import { normalizeModelName } from "../../common/models/modelName";
import type { KeepAlive } from "../../common/api/ollamaApiTypes";
import type { LlamaEngine } from "../llama/llamaEngine";

export interface ModelLease {
  info: LoadedModelInfo;
  /** The store name the request used, with its tag (`tiny:latest`). */
  name: string;
  /** Milliseconds this request waited for the model to load (0 when it was loaded). */
  loadMs: number;
  /** Ends the request's use of the model; `keepAlive` as the request gave it. */
  release(keepAlive: KeepAlive | undefined): void;
}

export class ApiModels {
  private readonly loads = new Map<string, Promise<LoadedModelInfo>>();
  private readonly users = new Map<string, number>();
  private readonly expiries = new Map<string, { timer: NodeJS.Timeout; at: number }>();
  private readonly purposes = new Map<string, ModelPurpose | null>();

  constructor(
    private readonly engine: LlamaEngine,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  /** The store name a request's model means (`tiny` → `tiny:latest`); a badRequest for an invalid name. */
  static normalize(name: string): string {
    return normalizeModelName(name);
  }

  /** When a loaded model will be unloaded for being idle; null when it stays. */
  expiresAt(modelId: string): number | null {
    return this.expiries.get(modelId)?.at ?? null;
  }

  /**
   * Loads `name` when no loaded model has that name (and context size, when one is asked for).
   * `generates`: the request writes text, which embedding and reranker models cannot (a 400, as Ollama answers).
   */
  async acquire(requested: string, options: { contextSize?: number; generates?: boolean } = {}): Promise<ModelLease> {
    const name = ApiModels.normalize(requested);
    const started = performance.now();
    if (options.generates) {
      if (!this.purposes.has(name)) this.purposes.set(name, (await this.engine.store.get(name))?.manifest?.purpose ?? null);
      const purpose = this.purposes.get(name);
      if (purpose === "embedding" || purpose === "reranker") {
        throw new EngineError(
          "notSupported",
          localize("\"{0}\" does not generate text (its purpose is {1}). Use it with /api/embed or /v1/embeddings, and a chat or code model here.", name, purpose),
        );
      }
    }
    let info = this.findLoaded(name, options.contextSize);
    if (!info) {
      const key = `${name}@${options.contextSize ?? ""}`;
      let load = this.loads.get(key);
      if (!load) {
        load = this.load(name, options.contextSize).finally(() => this.loads.delete(key));
        this.loads.set(key, load);
      }
      info = await load;
    }
    const modelId = info.modelId;
    if (!this.purposes.has(name)) this.purposes.set(name, (await this.engine.store.get(name))?.manifest?.purpose ?? null);
    this.users.set(modelId, (this.users.get(modelId) ?? 0) + 1);
    const expiry = this.expiries.get(modelId);
    if (expiry) {
      clearTimeout(expiry.timer);
      this.expiries.delete(modelId);
    }
    let released = false;
    return {
      info,
      name,
      loadMs: performance.now() - started,
      release: (keepAlive) => {
        if (released) return;
        released = true;
        const left = (this.users.get(modelId) ?? 1) - 1;
        if (left > 0) {
          this.users.set(modelId, left);
          return;
        }
        this.users.delete(modelId);
        if (keepAlive === 0) this.unload(modelId);
        else if (typeof keepAlive === "number") {
          const timer = setTimeout(() => {
            this.expiries.delete(modelId);
            if (!this.users.has(modelId)) this.unload(modelId);
          }, keepAlive);
          timer.unref();
          this.expiries.set(modelId, { timer, at: Date.now() + keepAlive });
        }
      },
    };
  }

  private findLoaded(name: string, contextSize: number | undefined): LoadedModelInfo | undefined {
    return this.engine
      .listModels()
      .find((model) => model.storeName === name && (contextSize === undefined || model.contextSize === contextSize));
  }

  private async load(name: string, contextSize: number | undefined): Promise<LoadedModelInfo> {
    const stored = await this.engine.store.get(name);
    this.purposes.set(name, stored?.manifest?.purpose ?? null);
    if (!stored) {
      throw new EngineError(
        "modelNotFound",
        localize("model \"{0}\" not found: it is not installed in Hearth. Pull it first (hearth pull {0}, or POST /api/pull).", name),
      );
    }
    const info = await this.engine.loadModel({ model: name, ...(contextSize !== undefined ? { contextSize } : {}) });
    // A request for another context size replaces the instance loaded with the old one, once idle.
    for (const other of this.engine.listModels()) {
      if (other.storeName === name && other.modelId !== info.modelId && !this.users.has(other.modelId)) this.unload(other.modelId);
    }
    return info;
  }

  private unload(modelId: string): void {
    this.engine.unloadModel(modelId).then(
      ({ unloaded }) => {
        if (unloaded) this.log(`unloaded ${modelId} (keep_alive)`);
      },
      (error: unknown) => this.log(`could not unload ${modelId}: ${errorText(error)}`),
    );
  }

  /** Stops the idle timers (the server is stopping; the engine keeps what is loaded). */
  dispose(): void {
    for (const expiry of this.expiries.values()) clearTimeout(expiry.timer);
    this.expiries.clear();
  }
}
