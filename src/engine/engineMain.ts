// Entry point of the engine process (dist/engine.js). The extension host forks it on first use
// and talks to it over Node's IPC channel with the messages in src/common/engine/engineProtocol.ts;
// its first request is always `configure`, with the host's settings. Each request is looked up in
// the dispatch table (engineMethods.ts), its params checked, and its handler run.
// A crash here (a native abort in llama.cpp, out of memory) ends only this process.
import type { ChunkOf, EngineMethod, EngineRequestMessage, EngineToHostMessage, LogLevel, TextChunk } from "../common/engine/engineProtocol";
import { parseHostMessage } from "../common/engine/engineProtocol";
import { EngineError, errorText } from "../common/engine/engineError";
import { localeFromEnvironment, localize } from "../common/localize";
import { applyLocale } from "../node/messageBundles";
import type { MethodHandler } from "./engineMethod";
import { engineMethodTable, isEngineMethod } from "./engineMethods";
import { EngineProcessScope } from "./engineProcessScope";

// Until the host's settings arrive, messages follow the environment's language.
const localeProblem = applyLocale(localeFromEnvironment(process.env));

function send(message: EngineToHostMessage): void {
  if (process.connected) process.send?.(message);
}

function log(level: LogLevel, message: string): void {
  send({ type: "log", level, message });
}

declare const HEARTH_VERSION: string | undefined;

const scope = new EngineProcessScope(typeof HEARTH_VERSION === "string" ? HEARTH_VERSION : "dev", log);
const inFlight = new Map<number, AbortController>();
let shuttingDown = false;

/** Streamed text is coalesced: the first piece goes out at once, then at most one message per frame. */
const chunkIntervalMs = 16;

function chunkSender(id: number): { push: (chunk: TextChunk) => void; flush: () => void } {
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
  const push = (chunk: TextChunk): void => {
    buffer += chunk.text;
    pieces += chunk.pieces ?? 1;
    const since = performance.now() - lastSent;
    if (since >= chunkIntervalMs) flush();
    else if (!timer) timer = setTimeout(flush, chunkIntervalMs - since);
  };
  return { push, flush };
}

function isTextChunk(chunk: unknown): chunk is TextChunk {
  return typeof chunk === "object" && chunk !== null && typeof (chunk as TextChunk).text === "string" && Object.keys(chunk).every((key) => key === "text" || key === "pieces");
}

function toEngineError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  return new EngineError(
    "internal",
    localize("The Hearth engine hit an unexpected error: {0}. See the Hearth log for details.", errorText(error)),
    error instanceof Error ? (error.stack ?? error.message) : String(error),
  );
}

/**
 * For tests of the host's watchdog only: HEARTH_TEST_BLOCK_EVENT_LOOP names a method whose
 * requests block this process's event loop for good, as a runaway synchronous computation would.
 */
function blockForTests(method: EngineMethod): void {
  if (process.env.HEARTH_TEST_BLOCK_EVENT_LOOP !== method) return;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

function dispatch(request: EngineRequestMessage): void {
  blockForTests(request.method);
  const handler = engineMethodTable[request.method] as unknown as MethodHandler<EngineMethod>;
  const problem = handler.check(request.params as unknown as Record<string, unknown>);
  if (problem) {
    send({ type: "error", id: request.id, error: new EngineError("badRequest", problem).toInfo() });
    return;
  }
  const controller = new AbortController();
  inFlight.set(request.id, controller);
  const text = chunkSender(request.id);
  const emit = (chunk: ChunkOf<EngineMethod>): void => {
    if (isTextChunk(chunk)) text.push(chunk);
    else send({ type: "chunk", id: request.id, chunk });
  };
  // Run synchronously up to its first await, so a `configure` applies before the next message.
  let result: Promise<unknown>;
  try {
    result = Promise.resolve(handler.run(scope, { params: request.params, signal: controller.signal, emit }));
  } catch (error) {
    result = Promise.reject(error);
  }
  result
    .then((value) => {
      text.flush();
      send({ type: "done", id: request.id, result: value });
    })
    .catch((error: unknown) => {
      text.flush();
      const engineError = toEngineError(error);
      if (engineError.code === "internal") log("error", engineError.detail ?? engineError.message);
      send({ type: "error", id: request.id, error: engineError.toInfo() });
    })
    .finally(() => inFlight.delete(request.id));
}

async function shutdown(exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  for (const controller of inFlight.values()) controller.abort();
  try {
    await scope.dispose();
  } finally {
    process.exit(exitCode);
  }
}

process.on("message", (raw: unknown) => {
  const message = parseHostMessage(raw, isEngineMethod);
  if (!message) {
    log("warn", `dropped a malformed message: ${JSON.stringify(raw).slice(0, 200)}`);
    return;
  }
  if (message.type === "shutdown") {
    void shutdown(0);
    return;
  }
  // Answered here, by the event loop itself: no answer means the loop is blocked.
  if (message.type === "ping") {
    send({ type: "pong" });
    return;
  }
  if (message.type === "cancel") {
    inFlight.get(message.id)?.abort();
    return;
  }
  dispatch(message);
});

// The host went away (window closed, extension host crashed): free the memory at once.
process.on("disconnect", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
process.on("unhandledRejection", (reason) => log("error", `unhandled rejection: ${errorText(reason)}`));

send({ type: "ready", pid: process.pid, nodeVersion: process.version });
if (localeProblem) log("warn", localeProblem);
