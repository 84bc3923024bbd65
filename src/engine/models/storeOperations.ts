// The model store's operations that need more than the store: listing with unfinished downloads,
// showing a model with what its file says, pulling with the configured endpoints, removing a model
// that is loaded (unloaded first), and creating a model from a Modelfile (`ollama create`). The
// plain ones (copy, import, repair) are ModelStore's own methods.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { InspectParams, LoadedModelInfo, LogLevel, ModelInspection, StoreCreateParams, StoreListResult, StorePullParams, StoreRemoveParams, StoreShowParams, StoreShowResult } from "../../common/engine/engineProtocol";
import { EngineError, errorText } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import type { DownloadEndpoints } from "../../common/models/modelCatalogue";
import type { ModelManifest, PullProgress, PullResult, RemoveResult } from "../../common/models/modelManifest";
import { parseModelReference, storeNameForReference } from "../../common/models/modelName";
import { ollamaCompatibilityVersion, profileFromModelfile } from "../../common/models/modelProfile";
import { resolveModelfilePath } from "../../common/modelfile/modelfilePaths";
import { blocksModelCreation, validateModelfile } from "../../common/modelfile/modelfileValidator";
import { checkModelFile } from "./modelFileCheck";
import { partialDownloads, pull } from "./modelDownloader";
import type { ModelStore } from "./modelStore";

/** What the store operations use besides the store: the loaded models, the endpoints, the log. */
export interface StoreScope {
  readonly store: ModelStore;
  readonly engine: {
    listModels(): LoadedModelInfo[];
    unloadModel(modelId: string): Promise<{ unloaded: boolean }>;
    inspect(params: InspectParams): Promise<ModelInspection>;
  };
  endpoints(): DownloadEndpoints;
  log(level: LogLevel, message: string): void;
}

/** A DRAFT value (a path, or an installed model's name) as the file to load. */
export async function draftModelPath(store: ModelStore, draft: string, modelName: string): Promise<string> {
  try {
    return await store.resolvePath(draft);
  } catch (error) {
    throw new EngineError(
      "modelNotFound",
      localize("The draft model of {0} ({1}) cannot be found: {2}", modelName, draft, errorText(error)),
      errorText(error),
    );
  }
}

/** Installed models, unfinished downloads and the disk they take. */
export async function listStore(store: ModelStore): Promise<StoreListResult> {
  const [models, partials, usage] = await Promise.all([
    store.list(),
    partialDownloads(store),
    store.diskUsage(),
  ]);
  return { root: store.root, models, partials, usage };
}

/** An installed model with what its file says (null when the file is missing or damaged). */
export async function showStoredModel(scope: StoreScope, params: StoreShowParams): Promise<StoreShowResult> {
  const model = await scope.store.get(params.name);
  if (!model) {
    throw new EngineError(
      "modelNotFound",
      localize("{0} is not installed. Pull it first: hearth pull {0}", params.name),
    );
  }
  if (model.status !== "ok" || !model.blobPath) return { model, inspection: null };
  const inspection = await scope.engine.inspect({
    modelPath: model.blobPath,
    ...(params.contextSize !== undefined ? { contextSize: params.contextSize } : {}),
  });
  return { model, inspection: { ...inspection, name: model.name } };
}

/** Downloads a model into the store (a catalogue name, hf:/ms: reference or URL). */
export function pullModel(
  scope: StoreScope,
  params: StorePullParams,
  onProgress: (progress: PullProgress) => void,
  signal?: AbortSignal,
): Promise<PullResult> {
  return pull(params.reference, scope.store, {
    endpoints: scope.endpoints(),
    ...(params.name ? { name: params.name } : {}),
    ...(signal ? { signal } : {}),
    onProgress,
  });
}

/** Unloads the model when it is loaded (so its file can go), then removes it from the store. */
export async function removeModel(scope: StoreScope, params: StoreRemoveParams): Promise<RemoveResult> {
  const stored = await scope.store.get(params.name);
  for (const info of scope.engine.listModels()) {
    if (info.storeName === params.name || (stored?.blobPath && info.modelPath === stored.blobPath)) {
      await scope.engine.unloadModel(info.modelId);
    }
  }
  return scope.store.remove(params.name);
}

/**
 * `ollama create`: checks the Modelfile, finds its base (a .gguf path, linked into the store;
 * an installed name; or a catalogue name or reference, pulled now) and records the profile.
 */
export async function createModel(
  scope: StoreScope,
  params: StoreCreateParams,
  onProgress: (progress: PullProgress) => void,
  signal?: AbortSignal,
): Promise<ModelManifest> {
  const installed = new Set((await scope.store.list()).map((model) => model.name));
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
    scope.log("warn", `Modelfile for ${params.name}, line ${warning.range.start.line + 1}: ${warning.message}`);
  }
  const profile = profileFromModelfile(validation.parsed, resolve);
  for (const adapter of profile.adapters) await checkModelFile(adapter);
  if (profile.draft !== undefined) await checkModelFile(await draftModelPath(scope.store, profile.draft, params.name));
  const isReference = /^(hf|ms):|^https?:\/\//i.test(profile.from);
  const fromPath = !isReference && /[\\/]|\.gguf$/i.test(profile.from) ? resolve(profile.from) : null;
  let base: ModelManifest | null;
  if (fromPath) {
    await checkModelFile(fromPath);
    base = await scope.store.importFile(fromPath, params.name, { mode: "link", ...(signal ? { signal } : {}) });
  } else {
    const baseName = isReference ? storeNameForReference(parseModelReference(profile.from)) : profile.from;
    base = (await scope.store.get(baseName))?.manifest ?? null;
    if (!base) {
      const pulled = await pullModel(scope, { reference: profile.from }, onProgress, signal);
      base = pulled.manifest;
    }
  }
  return scope.store.writeProfile(params.name, base, profile);
}


/** The store scope of an engine run in-process (the CLI, `hearth serve`, tests): its own store and log. */
export function engineStoreScope(
  engine: StoreScope["engine"] & { readonly store: ModelStore; log(level: LogLevel, message: string): void },
  endpoints: () => DownloadEndpoints = () => ({}),
): StoreScope {
  return { store: engine.store, engine, endpoints, log: (level, message) => engine.log(level, message) };
}
