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
import { modelReferenceKind, parseModelReference, storeNameForReference } from "../../common/models/modelName";
import { ollamaCompatibilityVersion, profileFromModelfile } from "../../common/models/modelProfile";
import { resolveModelfilePath } from "../../common/modelfile/modelfilePaths";
import { blocksModelCreation, validateModelfile } from "../../common/modelfile/modelfileValidator";
import type { ModelfileRange } from "../../common/modelfile/modelfileParser";
import { checkModelFile } from "./modelFileCheck";
import { partialDownloads, pull } from "./modelDownloader";
import type { ModelStore } from "./modelStore";
import type { AddressPolicy } from "../../node/publicFetch";

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
  /** Set when the operations run for the local HTTP API's callers; absent for the user's own CLI or editor. */
  readonly apiLimits?: ApiStoreLimits;
}

/**
 * What callers of the local HTTP API may make Hearth reach through the store (issue 14, item 1):
 * a pull names a catalogue model or an hf:/ms: reference, a URL only when allowed and then only to
 * public internet addresses; a Modelfile names files only inside the store and the allowed folders.
 */
export interface ApiStoreLimits {
  /** hearth.api.allowUrlPulls / HEARTH_API_ALLOW_URL_PULLS: whether a pull (or FROM) may be a URL. */
  allowUrlPulls: boolean;
  /** hearth.api.modelFolders / HEARTH_API_MODEL_FOLDERS: folders besides the store a Modelfile may name files in. */
  modelFolders: readonly string[];
  /** Which addresses a URL pull may reach; public internet addresses by default (tests widen it). */
  addressPolicy?: AddressPolicy;
}

/** The one answer for a path the API may not read and a path that does not exist, so neither tells which. */
function unreadablePathError(value: string): EngineError {
  return new EngineError(
    "forbidden",
    localize(
      "The Modelfile names {0}, which Hearth's local API may not read or which does not exist. Through the API, FROM, ADAPTER and DRAFT may name installed models, catalogue models, hf:/ms: references, or files inside the model store and the folders of the hearth.api.modelFolders setting (HEARTH_API_MODEL_FOLDERS for hearth serve). Move the file there, or create the model with the hearth command line.",
      value,
    ),
  );
}

/** The text a diagnostic's range covers (on one line: a FROM, ADAPTER or DRAFT value). */
function textAt(modelfile: string, range: ModelfileRange): string {
  const line = modelfile.split(/\r\n|\r|\n/)[range.start.line] ?? "";
  return line.slice(range.start.character, range.end.line === range.start.line ? range.end.character : undefined).trim();
}

function realPathOrNull(file: string): string | null {
  try {
    return fs.realpathSync.native(file);
  } catch {
    return null;
  }
}

function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  const compare = process.platform === "win32" ? relative.toLowerCase() : relative;
  return compare !== "" && !compare.startsWith("..") && !path.isAbsolute(compare);
}

/** Whether the API may read `file`: it exists and its real path (links followed) is inside the store or an allowed folder. */
export function apiMayReadPath(scope: StoreScope, file: string): boolean {
  const limits = scope.apiLimits;
  const real = realPathOrNull(file);
  if (real === null) return false;
  if (!limits) return true;
  const folders = [scope.store.root, ...limits.modelFolders];
  return folders.some((folder) => {
    const realFolder = realPathOrNull(folder);
    return realFolder !== null && isInside(realFolder, real);
  });
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
  const limits = scope.apiLimits;
  if (limits) {
    const kind = modelReferenceKind(params.reference);
    if (kind === "path") {
      return Promise.reject(
        new EngineError(
          "forbidden",
          localize("Hearth's local API does not pull files from this computer ({0}). Pull a catalogue name or an hf:/ms: reference, or import the file with the hearth command line.", params.reference),
        ),
      );
    }
    if (kind === "url" && !limits.allowUrlPulls) {
      return Promise.reject(
        new EngineError(
          "forbidden",
          localize(
            "Hearth's local API does not pull URLs ({0}): it pulls catalogue names and hf:/ms: references, so a web page or client cannot make Hearth fetch addresses. Pull an hf: reference instead, pull the URL with the hearth command line, or turn on the hearth.api.allowUrlPulls setting (HEARTH_API_ALLOW_URL_PULLS=1 for hearth serve); even then only public internet addresses are fetched.",
            params.reference,
          ),
        ),
      );
    }
  }
  return pull(params.reference, scope.store, {
    endpoints: scope.endpoints(),
    ...(limits && modelReferenceKind(params.reference) === "url" ? { addressPolicy: limits.addressPolicy ?? {} } : {}),
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
    // Through the API a path outside the store and the allowed folders looks missing, so the
    // answer never tells whether it exists.
    fileExists: (file) => (scope.apiLimits ? apiMayReadPath(scope, file) : fs.existsSync(file)),
    isInstalledModel: (name) => installed.has(name),
    ollamaVersion: ollamaCompatibilityVersion,
  });
  // Errors, and a FROM, ADAPTER or DRAFT that names nothing (a warning in the editor).
  const errors = validation.diagnostics.filter(blocksModelCreation);
  const unreadable = scope.apiLimits ? errors.find((diagnostic) => diagnostic.code === "fileNotFound") : undefined;
  if (unreadable) {
    throw unreadablePathError(textAt(params.modelfile, unreadable.range));
  }
  if (errors.length > 0) {
    const first = errors[0]!;
    const line = first.range.start.line + 1;
    let message: string;
    if (errors.length === 1) {
      message = first.wholeFile
        ? localize("The Modelfile has an error that concerns the whole file: {0} Fix it and create the model again.", first.message)
        : localize("The Modelfile has an error on line {0}: {1} Fix it and create the model again.", line, first.message);
    } else {
      message = first.wholeFile
        ? localize("The Modelfile has {0} errors; the first concerns the whole file: {1} Fix them and create the model again.", errors.length, first.message)
        : localize("The Modelfile has {0} errors; the first is on line {1}: {2} Fix them and create the model again.", errors.length, line, first.message);
    }
    throw new EngineError("badRequest", message);
  }
  const resolve = (value: string): string =>
    resolveModelfilePath(value, params.baseDir, os.homedir()) ?? path.resolve(params.baseDir, value);
  for (const warning of validation.diagnostics.filter((diagnostic) => diagnostic.severity === "warning")) {
    scope.log("warn", `Modelfile for ${params.name}, line ${warning.range.start.line + 1}: ${warning.message}`);
  }
  const profile = profileFromModelfile(validation.parsed, resolve);
  const readable = (file: string): string => {
    if (scope.apiLimits && !apiMayReadPath(scope, file)) throw unreadablePathError(file);
    return file;
  };
  for (const adapter of profile.adapters) await checkModelFile(readable(adapter));
  if (profile.draft !== undefined) await checkModelFile(readable(await draftModelPath(scope.store, profile.draft, params.name)));
  const isReference = /^(hf|ms):|^https?:\/\//i.test(profile.from);
  const fromPath = !isReference && /[\\/]|\.gguf$/i.test(profile.from) ? resolve(profile.from) : null;
  let base: ModelManifest | null;
  if (fromPath) {
    await checkModelFile(readable(fromPath));
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
