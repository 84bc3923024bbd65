// Entry point of the engine process (dist/engine.js). The extension host forks it on first use
// and talks to it over Node's IPC channel with the messages in src/common/engine/engineProtocol.ts.
// A crash here (a native abort in llama.cpp, out of memory) ends only this process.
import type { EngineRequestMessage, IndexProgress, EngineToHostMessage, LogLevel, RemoteEngineConfig, ReviewProgress, TextChunk } from "../common/engine/engineProtocol";
import type { PullProgress } from "../common/models/modelManifest";
import { parseHostMessage } from "../common/engine/engineProtocol";
import { EngineError, errorText } from "../common/engine/engineError";
import { localeFromEnvironment, localize } from "../common/localize";
import type { ApiStartParams, ApiStatusResult } from "../common/engine/engineProtocol";
import { parseListenAddress, parseOriginList } from "../common/api/apiAccess";
import { ApiServer } from "./api/apiServer";
import { applyCustomCatalogue } from "../node/customCatalogue";
import { applyLocale } from "../node/messageBundles";
import { LlamaEngine } from "./llama/llamaEngine";
import { llamaEmbeddingBackend } from "./index/llamaEmbeddingBackend";
import { remoteEmbeddingBackend, remoteEmbeddingModelName, withRemoteEmbedding } from "./index/remoteEmbeddingBackend";
import { WorkspaceIndexes } from "./index/workspaceIndexes";
import { remoteReviewEngine, runReview } from "./review/reviewer";
import { validateRequestParams } from "./requestValidation";

const localeProblem = applyLocale(localeFromEnvironment(process.env));

function send(message: EngineToHostMessage): void {
  if (process.connected) process.send?.(message);
}

function log(level: LogLevel, message: string): void {
  send({ type: "log", level, message });
}

const catalogueProblem = applyCustomCatalogue(process.env.HEARTH_CATALOGUE);

const engine = new LlamaEngine({
  log,
  defaultThreads: Number(process.env.HEARTH_THREADS) || 0,
  defaultContextSize: Number(process.env.HEARTH_CONTEXT_SIZE) || 0,
  gpu: process.env.HEARTH_GPU === "off" ? false : "auto",
  ...(process.env.HEARTH_MODELS_PATH ? { storeRoot: process.env.HEARTH_MODELS_PATH } : {}),
  endpoints: {
    ...(process.env.HEARTH_DOWNLOAD_ENDPOINT ? { huggingFaceEndpoint: process.env.HEARTH_DOWNLOAD_ENDPOINT } : {}),
    ...(process.env.HEARTH_MODELSCOPE_ENDPOINT ? { modelScopeEndpoint: process.env.HEARTH_MODELSCOPE_ENDPOINT } : {}),
  },
  kind: "extension",
});

/** A remote's host for the log: never a user name or password the address may carry. */
function remoteHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(an address that does not parse)";
  }
}

/** The remote engine for reviews and index embeddings (remoteConfigure); its key is never logged. */
let remote: RemoteEngineConfig | null = null;

const indexes = new WorkspaceIndexes(remoteEmbeddingBackend(llamaEmbeddingBackend(engine), () => remote));

const inFlight = new Map<number, AbortController>();
let shuttingDown = false;

/** Streamed text is coalesced: the first piece goes out at once, then at most one message per frame. */
const chunkIntervalMs = 16;

function chunkSender(id: number): { push: (text: string) => void; flush: () => void } {
  let buffer = "";
  let pieces = 0;
  let lastSent = 0;
  let timer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!buffer) return;
    const chunk: TextChunk = { text: buffer, pieces };
    buffer = "";
    pieces = 0;
    lastSent = performance.now();
    send({ type: "chunk", id, chunk });
  };
  const push = (text: string): void => {
    buffer += text;
    pieces++;
    const since = performance.now() - lastSent;
    if (since >= chunkIntervalMs) flush();
    else if (!timer) timer = setTimeout(flush, chunkIntervalMs - since);
  };
  return { push, flush };
}

declare const HEARTH_VERSION: string | undefined;

/** The HTTP API, while it runs, with what it was started with. */
let api: { server: ApiServer; key: string } | null = null;

async function startApi(params: ApiStartParams): Promise<ApiStatusResult> {
  const host = params.host ?? "";
  const origins = params.origins ?? "";
  const key = JSON.stringify([host.trim(), origins.trim()]);
  if (api?.key === key) return { running: true, url: api.server.url };
  await stopApi();
  const server = new ApiServer({
    engine,
    address: parseListenAddress(host),
    allowedOrigins: parseOriginList(origins),
    version: typeof HEARTH_VERSION === "string" ? HEARTH_VERSION : "dev",
    log,
  });
  const url = await server.start();
  api = { server, key };
  return { running: true, url };
}

async function stopApi(): Promise<{ stopped: boolean }> {
  const running = api;
  api = null;
  if (!running) return { stopped: false };
  await running.server.stop();
  log("info", "api: stopped");
  return { stopped: true };
}

async function handle(request: EngineRequestMessage, signal: AbortSignal, onChunk: (text: string) => void): Promise<unknown> {
  const onProgress = (progress: PullProgress): void => send({ type: "chunk", id: request.id, chunk: progress });
  const onIndexProgress = (progress: IndexProgress): void => send({ type: "chunk", id: request.id, chunk: progress });
  switch (request.method) {
    case "loadModel":
      return engine.loadModel(request.params, signal);
    case "unloadModel":
      return engine.unloadModel(request.params.modelId);
    case "generate":
      return engine.generate(request.params, onChunk, signal);
    case "chatCreate":
      return engine.chatCreate(request.params);
    case "chatSend":
      return engine.chatSend(request.params, onChunk, signal);
    case "chatDispose":
      return engine.chatDispose(request.params.sessionId);
    case "embed":
      return engine.embed(request.params, signal);
    case "countTokens":
      return engine.countTokens(request.params);
    case "rank":
      return engine.rank(request.params, signal);
    case "inspect":
      return engine.inspect(request.params);
    case "status":
      return engine.status();
    case "storeList":
      return engine.storeList();
    case "storeShow":
      return engine.storeShow(request.params);
    case "storePull":
      return engine.storePull(request.params, onProgress, signal);
    case "storeRemove":
      return engine.storeRemove(request.params);
    case "storeCopy":
      return engine.storeCopy(request.params);
    case "storeImport":
      return engine.storeImport(request.params, signal);
    case "storeRepair":
      return engine.storeRepair();
    case "storeCreate":
      return engine.storeCreate(request.params, onProgress, signal);
    case "indexBuild":
      return indexes.build(
        await withRemoteEmbedding(request.params, remote, async () => (await indexes.status(request.params.storeDir)).embeddingModel),
        onIndexProgress,
        signal,
      );
    case "indexUpdateFiles":
      return indexes.updateFiles(request.params, onIndexProgress, signal);
    case "indexSearch":
      return indexes.search(request.params, signal);
    case "indexStatus":
      return indexes.status(request.params.storeDir);
    case "indexClear":
      return indexes.clear(request.params.storeDir);
    case "apiStart":
      return startApi(request.params);
    case "apiStop":
      return stopApi();
    case "apiStatus":
      return { running: api !== null, url: api?.server.url ?? null };
    case "remoteConfigure":
      remote = request.params.remote;
      log(
        "info",
        remote
          ? `remote engine: ${remote.kind} at ${remoteHost(remote.url)}, reviews with ${remote.model || "(none)"}, index embeddings with ${remoteEmbeddingModelName(remote) ?? "the local model"}${remote.apiKey ? ", with an API key" : ""}`
          : "remote engine: off",
      );
      return { configured: remote !== null };
    case "review": {
      const onReviewProgress = (progress: ReviewProgress): void => send({ type: "chunk", id: request.id, chunk: progress });
      if (!request.params.remote) return runReview(engine, request.params, onReviewProgress, signal);
      if (!remote?.model.trim()) {
        throw new EngineError(
          "badRequest",
          localize("A review on the remote engine was asked for, but no remote engine with a model is set. Set hearth.remote.kind, hearth.remote.url and hearth.remote.model, or set hearth.remote.kind to off to review with the embedded engine."),
        );
      }
      return runReview(remoteReviewEngine(remote), request.params, onReviewProgress, signal);
    }
  }
}

function toErrorInfo(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  return new EngineError(
    "internal",
    localize("The Hearth engine hit an unexpected error: {0}. See the Hearth log for details.", errorText(error)),
    error instanceof Error ? (error.stack ?? error.message) : String(error),
  );
}

async function shutdown(exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  for (const controller of inFlight.values()) controller.abort();
  try {
    await stopApi().catch(() => undefined);
    await engine.dispose();
  } finally {
    process.exit(exitCode);
  }
}

process.on("message", (raw: unknown) => {
  const message = parseHostMessage(raw);
  if (!message) {
    log("warn", `dropped a malformed message: ${JSON.stringify(raw).slice(0, 200)}`);
    return;
  }
  if (message.type === "shutdown") {
    void shutdown(0);
    return;
  }
  if (message.type === "cancel") {
    inFlight.get(message.id)?.abort();
    return;
  }
  const problem = validateRequestParams(message);
  if (problem) {
    send({ type: "error", id: message.id, error: new EngineError("badRequest", problem).toInfo() });
    return;
  }
  const controller = new AbortController();
  inFlight.set(message.id, controller);
  const chunks = chunkSender(message.id);
  handle(message, controller.signal, chunks.push)
    .then((result) => {
      chunks.flush();
      send({ type: "done", id: message.id, result });
    })
    .catch((error: unknown) => {
      chunks.flush();
      const engineError = toErrorInfo(error);
      if (engineError.code === "internal") log("error", engineError.detail ?? engineError.message);
      send({ type: "error", id: message.id, error: engineError.toInfo() });
    })
    .finally(() => inFlight.delete(message.id));
});

// The host went away (window closed, extension host crashed): free the memory at once.
process.on("disconnect", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
process.on("unhandledRejection", (reason) => log("error", `unhandled rejection: ${errorText(reason)}`));

send({ type: "ready", pid: process.pid, nodeVersion: process.version });
if (localeProblem) log("warn", localeProblem);
if (catalogueProblem) log("warn", catalogueProblem);
