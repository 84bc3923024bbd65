// The models the HTTP API uses, by store name: a request for a model that is not loaded loads it
// (once, however many requests ask at the same time), and `keep_alive` decides when it goes
// again — at once (0), after a while idle, or never (Hearth's default: the engine keeps it).
// Each context size asked for (`num_ctx`) is an instance of the model; the API keeps at most
// `maxInstancesPerModel` of its own per model: a request reuses an instance whose context is at
// least as large, and otherwise, at the cap, waits for one to go idle and replaces it (as Ollama
// reloads a model for another num_ctx), so concurrent requests with different sizes cannot pile
// up loaded copies (issue 14, item 8).
import type { LoadedModelInfo } from "../../common/engine/engineProtocol";
import type { ModelPurpose } from "../../common/models/modelManifest";
import { EngineError, errorText } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import { normalizeModelName } from "../../common/models/modelName";
import type { KeepAlive } from "../../common/api/ollamaApiTypes";
import { maxKeepAliveMs } from "../../common/api/ollamaApiTypes";
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

/** Instances of one model (one per context size) the API keeps loaded at once, by default. */
export const defaultMaxInstancesPerModel = 1;

export class ApiModels {
  private readonly users = new Map<string, number>();
  private readonly expiries = new Map<string, { timer: NodeJS.Timeout; at: number }>();
  private readonly purposes = new Map<string, ModelPurpose | null>();
  /** Instances this API loaded (the ones it may replace); the editor's own stay as they are. */
  private readonly owned = new Set<string>();
  /** Per model name: the tail of the queue of requests choosing (or loading) an instance. */
  private readonly gates = new Map<string, Promise<unknown>>();
  private readonly idleWaiters = new Map<string, Array<() => void>>();

  constructor(
    private readonly engine: LlamaEngine,
    private readonly log: (message: string) => void = () => undefined,
    private readonly maxInstancesPerModel = defaultMaxInstancesPerModel,
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
   * An instance of `name` with the context size asked for (or a larger one), loaded when needed.
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
    // One request at a time per model decides which instance it uses, so two requests never load
    // two copies, and the count it is given is taken before the next one looks.
    const info = await this.gated(name, () => this.claim(name, options.contextSize));
    const modelId = info.modelId;
    if (!this.purposes.has(name)) this.purposes.set(name, (await this.engine.store.get(name))?.manifest?.purpose ?? null);
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
        else if (typeof keepAlive === "number" && keepAlive <= maxKeepAliveMs) {
          const timer = setTimeout(() => {
            this.expiries.delete(modelId);
            if (!this.users.has(modelId)) this.unload(modelId);
          }, keepAlive);
          timer.unref();
          this.expiries.set(modelId, { timer, at: Date.now() + keepAlive });
        }
        for (const wake of this.idleWaiters.get(modelId)?.splice(0) ?? []) wake();
      },
    };
  }

  private gated<T>(name: string, run: () => Promise<T>): Promise<T> {
    const previous = this.gates.get(name) ?? Promise.resolve();
    const next = previous.then(run, run);
    const tail = next.catch(() => undefined);
    this.gates.set(name, tail);
    void tail.then(() => {
      if (this.gates.get(name) === tail) this.gates.delete(name);
    });
    return next;
  }

  /** Chooses (or loads) the instance for one request and counts the request as its user. */
  private async claim(name: string, contextSize: number | undefined): Promise<LoadedModelInfo> {
    let info = this.fitting(name, contextSize);
    if (!info) {
      const stored = await this.engine.store.get(name);
      this.purposes.set(name, stored?.manifest?.purpose ?? null);
      if (!stored) {
        throw new EngineError(
          "modelNotFound",
          localize("model \"{0}\" not found: it is not installed in Hearth. Pull it first (hearth pull {0}, or POST /api/pull).", name),
        );
      }
      await this.makeRoom(name);
      info = await this.engine.loadModel({ model: name, ...(contextSize !== undefined ? { contextSize } : {}) });
      this.owned.add(info.modelId);
    }
    this.users.set(info.modelId, (this.users.get(info.modelId) ?? 0) + 1);
    const expiry = this.expiries.get(info.modelId);
    if (expiry) {
      clearTimeout(expiry.timer);
      this.expiries.delete(info.modelId);
    }
    return info;
  }

  /** A loaded instance of `name` for `contextSize`: the same size, else the smallest larger one. */
  private fitting(name: string, contextSize: number | undefined): LoadedModelInfo | undefined {
    const loaded = this.engine.listModels().filter((model) => model.storeName === name);
    if (contextSize === undefined) return loaded[0];
    return (
      loaded.find((model) => model.contextSize === contextSize) ??
      loaded.filter((model) => model.contextSize >= contextSize).sort((a, b) => a.contextSize - b.contextSize)[0]
    );
  }

  /** At the cap, waits until one of this API's instances of `name` is idle and unloads it. */
  private async makeRoom(name: string): Promise<void> {
    for (;;) {
      const loadedIds = new Set(this.engine.listModels().map((model) => model.modelId));
      for (const id of this.owned) if (!loadedIds.has(id)) this.owned.delete(id);
      const mine = this.engine.listModels().filter((model) => model.storeName === name && this.owned.has(model.modelId));
      if (mine.length < this.maxInstancesPerModel) return;
      const idle = mine.find((model) => !this.users.has(model.modelId));
      if (idle) {
        this.log(`unloading ${idle.modelId} (context ${idle.contextSize}) to load ${name} with another context size`);
        await this.unloadNow(idle.modelId);
        continue;
      }
      await new Promise<void>((resolve) => {
        for (const model of mine) {
          const waiters = this.idleWaiters.get(model.modelId) ?? [];
          waiters.push(resolve);
          this.idleWaiters.set(model.modelId, waiters);
        }
      });
    }
  }

  private async unloadNow(modelId: string): Promise<void> {
    const expiry = this.expiries.get(modelId);
    if (expiry) clearTimeout(expiry.timer);
    this.expiries.delete(modelId);
    try {
      const { unloaded } = await this.engine.unloadModel(modelId);
      if (unloaded) this.log(`unloaded ${modelId}`);
    } catch (error) {
      this.log(`could not unload ${modelId}: ${errorText(error)}`);
    } finally {
      this.owned.delete(modelId);
    }
  }

  private unload(modelId: string): void {
    void this.unloadNow(modelId);
  }

  /** Stops the idle timers (the server is stopping; the engine keeps what is loaded). */
  dispose(): void {
    for (const expiry of this.expiries.values()) clearTimeout(expiry.timer);
    this.expiries.clear();
  }
}
