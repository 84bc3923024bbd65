// The host side of the engine boundary: forks the engine process on first use, matches replies
// to requests, streams chunks, turns AbortSignals into cancel messages, and supervises the
// process. When it dies (crash, native abort, kill -9), every request in flight fails with a
// clear error and the next request starts a fresh engine. Used by the extension and by tools
// (tests, benchmarks); it never loads node-llama-cpp itself.
//
// A watchdog covers what a crash does not: an engine whose event loop is blocked (a runaway
// synchronous computation) neither answers nor dies, and every request would hang. While requests
// are in flight the client pings the engine every second; the engine's event loop answers. When
// nothing at all has come from the engine for `watchdogMs`, the engine is killed and handled as a
// crash: the requests in flight fail with a clear error and the next request starts a fresh one.
// Legitimate long work does not trip it: llama.cpp loads models and evaluates on its own threads
// (node-llama-cpp's AsyncWorkers), downloads and indexing await I/O, so the loop stays free to
// answer. What does block the loop is short: importing node-llama-cpp, and its resolving a model's
// chat wrapper on a first turn (it renders the GGUF's Jinja template many times, synchronously:
// about a second with the test fixture); hence a default limit of 30 s.
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import type { ChunkOf, ConfigureResult, EngineMethod, EngineSettings, EngineToHostMessage, HostToEngineMessage, LogLevel, ParamsOf, ResultOf } from "../common/engine/engineProtocol";
import { defaultEngineSettings, parseEngineMessage } from "../common/engine/engineProtocol";
import { EngineError } from "../common/engine/engineError";
import { localize } from "../common/localize";

export type EngineState =
  | { kind: "stopped" }
  | { kind: "starting" }
  | { kind: "ready"; pid: number; generation: number }
  | { kind: "crashed"; reason: string; at: number };

export interface EngineClientOptions {
  /** Absolute path of dist/engine.js. */
  enginePath: string;
  /** Extra environment for the engine process (its settings travel in `configure`, not here). */
  env?: Record<string, string>;
  /** The settings the engine runs with, sent as the first request of every engine process. */
  settings?: () => EngineSettings | Promise<EngineSettings>;
  log?: (level: LogLevel, message: string) => void;
  onStateChange?: (state: EngineState) => void;
  /** How long to wait for the engine's `ready` message. */
  startTimeoutMs?: number;
  /**
   * How long the engine may be silent (no pong, chunk, reply or log) while a request is in flight
   * before it is taken for hung, killed and restarted; 0 turns the watchdog off.
   */
  watchdogMs?: number;
}

/** The watchdog's limit unless the options set one: far above any pause of a healthy engine's event loop. */
export const defaultWatchdogMs = 30_000;

export interface RequestOptions<M extends EngineMethod> {
  signal?: AbortSignal;
  onChunk?: (chunk: ChunkOf<M>) => void;
}

interface PendingRequest {
  method: EngineMethod;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onChunk: ((chunk: never) => void) | undefined;
  cleanup: () => void;
}

interface RunningEngine {
  child: ChildProcess;
  ready: Promise<void>;
  generation: number;
  expectedExit: boolean;
  /** The settings last sent to this process, as JSON. */
  sentSettings: string | null;
  /** When anything last came from this process (Date.now()). */
  lastHeard: number;
}

export class EngineClient {
  private readonly options: EngineClientOptions;
  private running: RunningEngine | null = null;
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 1;
  private generationCounter = 0;
  private currentState: EngineState = { kind: "stopped" };
  private disposed = false;
  private watchdog: NodeJS.Timeout | null = null;
  private lastTick = 0;

  constructor(options: EngineClientOptions) {
    this.options = options;
  }

  get state(): EngineState {
    return this.currentState;
  }

  /** Increases every time a fresh engine process starts; loaded models do not survive a change. */
  get generation(): number {
    return this.generationCounter;
  }

  get pid(): number | undefined {
    return this.running?.child.pid;
  }

  private setState(state: EngineState): void {
    this.currentState = state;
    this.options.onStateChange?.(state);
  }

  private log(level: LogLevel, message: string): void {
    this.options.log?.(level, message);
  }

  /** Starts the engine when it is not running and waits until it is ready. */
  async start(): Promise<void> {
    if (this.disposed) {
      throw new EngineError("engineUnavailable", localize("The Hearth engine has been shut down with the extension."));
    }
    if (!this.running) this.running = this.spawn();
    await this.running.ready;
  }

  private spawn(): RunningEngine {
    const generation = ++this.generationCounter;
    this.setState({ kind: "starting" });
    const child = fork(this.options.enginePath, [], {
      execPath: process.execPath,
      env: { ...process.env, ...this.options.env, ELECTRON_RUN_AS_NODE: "1" },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      serialization: "json",
    });
    const engine: RunningEngine = { child, generation, expectedExit: false, ready: Promise.resolve(), sentSettings: null, lastHeard: Date.now() };
    engine.ready = new Promise<void>((resolve, reject) => {
      const timeoutMs = this.options.startTimeoutMs ?? 30_000;
      const timer = setTimeout(() => {
        reject(
          new EngineError(
            "engineUnavailable",
            localize("The Hearth engine did not start within {0} seconds. See the Hearth log, then retry.", timeoutMs / 1000),
          ),
        );
        engine.expectedExit = true;
        child.kill("SIGKILL");
      }, timeoutMs);
      child.on("message", (raw: unknown) => {
        engine.lastHeard = Date.now();
        const message = parseEngineMessage(raw);
        if (!message) {
          this.log("warn", `engine sent a malformed message: ${JSON.stringify(raw).slice(0, 200)}`);
          return;
        }
        if (message.type === "ready") {
          clearTimeout(timer);
          this.log("info", `engine started (pid ${message.pid}, Node ${message.nodeVersion})`);
          // The settings go first: the engine applies them before any other request is read.
          Promise.resolve(this.options.settings?.() ?? defaultEngineSettings)
            .then((settings) => {
              const configured = this.send(engine, "configure", settings, {});
              engine.sentSettings = JSON.stringify(settings);
              return configured;
            })
            .then((result) => {
              if (result.problem) this.log("warn", result.problem);
              if (this.running === engine) this.setState({ kind: "ready", pid: message.pid, generation });
              resolve();
            }, reject);
          return;
        }
        this.onMessage(message);
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(
          new EngineError(
            "engineUnavailable",
            localize("The Hearth engine could not be started: {0}.", error.message),
            error.stack,
          ),
        );
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        const reason = signal ? `signal ${signal}` : `exit code ${code ?? "?"}`;
        reject(
          new EngineError(
            "engineCrashed",
            localize("The Hearth engine stopped while starting ({0}). See the Hearth log for the cause.", reason),
          ),
        );
        this.onExit(engine, reason);
      });
    });
    // A failed start must not leave an unhandled rejection when nobody awaits it yet.
    engine.ready.catch(() => undefined);
    const forward = (level: LogLevel) => (data: Buffer) => {
      for (const line of data.toString("utf8").split(/\r?\n/)) if (line.trim()) this.log(level, `engine: ${line}`);
    };
    child.stdout?.on("data", forward("info"));
    child.stderr?.on("data", forward("warn"));
    return engine;
  }

  private onMessage(message: Exclude<EngineToHostMessage, { type: "ready" }>): void {
    if (message.type === "pong") return;
    if (message.type === "log") {
      this.log(message.level, message.message);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === "chunk") {
      pending.onChunk?.(message.chunk as never);
      return;
    }
    this.pending.delete(message.id);
    pending.cleanup();
    if (this.pending.size === 0) this.stopWatchdog();
    if (message.type === "done") pending.resolve(message.result);
    else pending.reject(EngineError.fromInfo(message.error));
  }

  private onExit(engine: RunningEngine, reason: string): void {
    if (this.running !== engine) return;
    this.running = null;
    if (engine.expectedExit || this.disposed) {
      this.failAll(new EngineError("engineUnavailable", localize("The Hearth engine was stopped.")));
      this.setState({ kind: "stopped" });
      return;
    }
    const inFlight = [...this.pending.values()].map((request) => request.method);
    const what = inFlight.length > 0 ? inFlight.join(", ") : "idle";
    this.log("error", `engine process ended unexpectedly (${reason}) while: ${what}`);
    this.failAll(
      new EngineError(
        "engineCrashed",
        localize(
          "The Hearth engine stopped unexpectedly ({0}) and its loaded models were unloaded. Hearth starts a fresh engine on your next request; the cause is in the Hearth log (Output → Hearth).",
          reason,
        ),
        `in flight: ${what}`,
      ),
    );
    this.setState({ kind: "crashed", reason, at: Date.now() });
  }

  private failAll(error: EngineError): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    this.stopWatchdog();
    for (const request of pending) {
      request.cleanup();
      request.reject(error);
    }
  }

  /** Sends one request; resolves with its result, streams its chunks, rejects with an EngineError. */
  async request<M extends EngineMethod>(
    method: M,
    params: ParamsOf<M>,
    options: RequestOptions<M> = {},
  ): Promise<ResultOf<M>> {
    if (options.signal?.aborted) throw new EngineError("cancelled", localize("The request was cancelled."));
    await this.start();
    const engine = this.running;
    if (!engine) throw new EngineError("engineUnavailable", localize("The Hearth engine is not running. Retry."));
    return this.send(engine, method, params, options);
  }

  /**
   * Sends changed settings to the running engine (a process that starts later asks `settings` for
   * them itself). Resolves with the engine's answer, or null when nothing was sent.
   */
  async configure(settings: EngineSettings): Promise<ConfigureResult | null> {
    const engine = this.running;
    if (!engine) return null;
    await engine.ready;
    if (this.running !== engine || engine.sentSettings === JSON.stringify(settings)) return null;
    engine.sentSettings = JSON.stringify(settings);
    return this.send(engine, "configure", settings, {});
  }

  private send<M extends EngineMethod>(engine: RunningEngine, method: M, params: ParamsOf<M>, options: RequestOptions<M>): Promise<ResultOf<M>> {
    const { signal, onChunk } = options;
    const id = this.nextId++;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const onAbort = (): void => {
        this.post(engine, { type: "cancel", id });
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.pending.set(id, {
        method,
        resolve: resolve as (value: unknown) => void,
        reject,
        onChunk: onChunk as ((chunk: never) => void) | undefined,
        cleanup: () => signal?.removeEventListener("abort", onAbort),
      });
      this.startWatchdog(engine);
      const message = { type: "request", id, method, params } as HostToEngineMessage;
      if (!this.post(engine, message)) {
        this.pending.delete(id);
        if (this.pending.size === 0) this.stopWatchdog();
        signal?.removeEventListener("abort", onAbort);
        reject(new EngineError("engineUnavailable", localize("The Hearth engine is not running. Retry.")));
      }
    });
  }

  private get watchdogMs(): number {
    return this.options.watchdogMs ?? defaultWatchdogMs;
  }

  /** Starts watching when the first request goes out; silence before it (an idle engine) does not count. */
  private startWatchdog(engine: RunningEngine): void {
    if (this.watchdog || this.watchdogMs <= 0) return;
    engine.lastHeard = Date.now();
    this.lastTick = Date.now();
    const interval = Math.max(50, Math.min(1000, this.watchdogMs / 4));
    this.watchdog = setInterval(() => this.watchdogTick(), interval);
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }

  private watchdogTick(): void {
    const engine = this.running;
    const now = Date.now();
    const sinceTick = now - this.lastTick;
    this.lastTick = now;
    if (!engine || this.pending.size === 0) {
      this.stopWatchdog();
      return;
    }
    if (sinceTick > this.watchdogMs / 2) {
      // This process was not running either (a suspended machine, a debugger, a busy host):
      // the silence says nothing about the engine, so it starts counting again.
      engine.lastHeard = now;
    } else if (now - engine.lastHeard > this.watchdogMs) {
      this.onUnresponsive(engine, now - engine.lastHeard);
      return;
    }
    this.post(engine, { type: "ping" });
  }

  /** The engine's event loop is blocked: kill it and fail what it was doing, as a crash does. */
  private onUnresponsive(engine: RunningEngine, silentMs: number): void {
    const seconds = Math.round(silentMs / 1000);
    const what = [...new Set([...this.pending.values()].map((request) => request.method))].join(", ");
    this.log("error", `engine process (pid ${engine.child.pid ?? "?"}) did not answer for ${seconds} s while: ${what}; killing it`);
    this.running = null;
    engine.expectedExit = true;
    engine.child.kill("SIGKILL");
    this.failAll(
      new EngineError(
        "engineCrashed",
        localize(
          "The Hearth engine stopped answering for {0} seconds while running {1}, so Hearth stopped it and its loaded models were unloaded; a fresh engine starts on your next request. If the same request does this again, its input (a Modelfile TEMPLATE, a very large text) is the likely cause; the Hearth log (Output → Hearth) has the details.",
          seconds,
          what,
        ),
        `no answer for ${seconds} s; in flight: ${what}`,
      ),
    );
    this.setState({ kind: "crashed", reason: `not answering for ${seconds} s`, at: Date.now() });
  }

  private post(engine: RunningEngine, message: HostToEngineMessage): boolean {
    if (!engine.child.connected) return false;
    try {
      engine.child.send(message);
      return true;
    } catch {
      return false;
    }
  }

  /** Asks the engine to exit (freeing all model memory); kills it when it does not within the grace period. */
  async stop(graceMs = 3000): Promise<void> {
    const engine = this.running;
    if (!engine) return;
    engine.expectedExit = true;
    const exited = new Promise<void>((resolve) => {
      if (engine.child.exitCode !== null || engine.child.signalCode !== null) resolve();
      else engine.child.once("exit", () => resolve());
    });
    this.post(engine, { type: "shutdown" });
    const timer = setTimeout(() => engine.child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
  }
}
