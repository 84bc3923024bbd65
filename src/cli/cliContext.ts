// What every command needs from its surroundings: where the store is and where pulls download
// from (environment variables), an engine that does not start llama.cpp until a command needs
// it, output to stdout/stderr, and Ctrl+C turned into an AbortSignal.
import type { DownloadEndpoints } from "../common/models/modelCatalogue";
import type { EngineKind } from "../node/runningRegistry";
import { LlamaEngine } from "../engine/llama/llamaEngine";
import type { LlamaEngineOptions } from "../engine/llama/llamaEngine";
import { storeRootFromEnvironment } from "../node/storeRoot";
import type { StoreScope } from "../engine/models/storeOperations";
import { engineStoreScope } from "../engine/models/storeOperations";


/** `$HEARTH_DOWNLOAD_ENDPOINT` (a Hugging Face mirror) and `$HEARTH_MODELSCOPE_ENDPOINT`. */
export function endpointsFromEnvironment(env: NodeJS.ProcessEnv = process.env): DownloadEndpoints {
  const huggingFace = env.HEARTH_DOWNLOAD_ENDPOINT?.trim();
  const modelScope = env.HEARTH_MODELSCOPE_ENDPOINT?.trim();
  return {
    ...(huggingFace ? { huggingFaceEndpoint: huggingFace } : {}),
    ...(modelScope ? { modelScopeEndpoint: modelScope } : {}),
  };
}

/**
 * An engine on the environment's store (`HEARTH_GPU=off` keeps it on the CPU). Creating one starts nothing: llama.cpp starts only when a
 * method needs it (loading a model, or `inspect` for its memory estimate).
 */
export function createEngine(options: Omit<LlamaEngineOptions, "storeRoot"> & { kind?: EngineKind } = {}): LlamaEngine {
  return new LlamaEngine({
    gpu: process.env.HEARTH_GPU === "off" ? false : "auto",
    ...options,
    storeRoot: storeRootFromEnvironment(),
  });
}

/** The store as the CLI's commands change it: the engine's store, pulling from the environment's endpoints. */
export function cliStoreScope(engine: LlamaEngine): StoreScope {
  return engineStoreScope(engine, () => endpointsFromEnvironment());
}

export function writeOut(text: string): void {
  process.stdout.write(text);
}

export function writeErr(text: string): void {
  process.stderr.write(text);
}

export function printLine(text = ""): void {
  writeOut(`${text}\n`);
}

export function printJson(value: unknown): void {
  writeOut(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Runs `action` with a signal that the first Ctrl+C aborts; a second Ctrl+C (the action did not
 * stop) exits at once with 130.
 */
export async function withInterrupt<T>(action: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = (): void => {
    if (!controller.signal.aborted) {
      controller.abort();
      return;
    }
    process.exit(130);
  };
  process.on("SIGINT", onSigint);
  try {
    return await action(controller.signal);
  } finally {
    process.off("SIGINT", onSigint);
  }
}
