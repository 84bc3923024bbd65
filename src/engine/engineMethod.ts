// What one engine method is on the engine's side: the check its params pass before anything runs,
// and the handler that runs it. Every method is declared once in the protocol (its name and its
// params, result and chunk types, src/common/engine/engineProtocol.ts) and once in the dispatch
// table (engineMethods.ts), which the type below keeps complete: a method the protocol declares
// and the table lacks does not compile.
import type { ChunkOf, EngineMethod, EngineSettings, LogLevel, ParamsOf, ResultOf } from "../common/engine/engineProtocol";
import type { ApiHost } from "./api/apiHost";
import type { WorkspaceIndexes } from "./index/workspaceIndexes";
import type { LlamaEngine } from "./llama/llamaEngine";
import type { ModelStore } from "./models/modelStore";
import type { Params } from "./requestChecks";

/** What the methods run against: the engine process's long-lived parts. */
export interface EngineScope {
  readonly engine: LlamaEngine;
  readonly store: ModelStore;
  readonly indexes: WorkspaceIndexes;
  readonly api: ApiHost;
  /** The settings the host sent last (`configure`). */
  settings(): EngineSettings;
  /** Applies new settings; says which apply only after a restart. */
  configure(settings: EngineSettings): { restartNeeded: Array<keyof EngineSettings>; problem: string | null };
  log(level: LogLevel, message: string): void;
}

/** One request as its handler sees it. */
export interface MethodCall<M extends EngineMethod> {
  params: ParamsOf<M>;
  /** Aborted when the caller cancels or the engine shuts down. */
  signal: AbortSignal;
  /** Streams a chunk to the caller (text is coalesced to about one message a frame). */
  emit: (chunk: ChunkOf<M>) => void;
}

export interface MethodHandler<M extends EngineMethod> {
  /** Why the params are malformed, in words for the caller, or null. Runs before `run`. */
  check: (params: Params) => string | null;
  run: (scope: EngineScope, call: MethodCall<M>) => Promise<ResultOf<M>> | ResultOf<M>;
}

export type MethodTable = { [M in EngineMethod]: MethodHandler<M> };

/** A handler for a method whose params are empty. */
export const noParams = (): string | null => null;
