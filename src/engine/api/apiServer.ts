// The local HTTP API: Ollama's REST API (ollamaApi.ts) and OpenAI's (openaiApi.ts) over one
// engine, on Node's http module. This file is the server: it listens (127.0.0.1:11435 by
// default), refuses foreign Host headers and origins (DNS rebinding), limits request bodies,
// routes, streams NDJSON and server-sent events, turns a client that goes away into an aborted
// generation, and writes errors as each API's clients expect them. It also decides who may do
// what (issue 14): a bearer key every request carries when one is set, store changes only from
// browser origins named explicitly, pulls and Modelfile paths within the API's limits, and
// timeouts and a connection cap so slow clients cannot hold the server.
import { createHash, timingSafeEqual } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { LogLevel } from "../../common/engine/engineProtocol";
import type { StopReason } from "../../common/chat/chatTypes";
import type { ListenAddress } from "../../common/api/apiAccess";
import { addressUrl, bearerToken, hostAllowed, listensBeyondLoopback, originAllowed, originMayChangeStore } from "../../common/api/apiAccess";
import { EngineError, errorText, isEngineError } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import { openaiErrorType } from "../../common/api/openaiApiTypes";
import { ApiModels } from "./apiModels";
import type { ApiCall, ApiContext, ApiFlavor, ApiReply, ApiRoute } from "./apiRoutes";
import type { DownloadEndpoints } from "../../common/models/modelCatalogue";
import { engineStoreScope } from "../models/storeOperations";
import type { StoreScope } from "../models/storeOperations";
import type { AddressPolicy } from "../../node/publicFetch";
import type { LlamaEngine } from "../llama/llamaEngine";
import { ollamaRoutes } from "./ollamaApi";
import { openaiRoutes } from "./openaiApi";
import { llamaServerRoutes } from "./infillApi";

/** Largest request body accepted (a long prompt or a batch of texts to embed fits easily). */
export const defaultMaxBodyBytes = 16 * 1024 * 1024;

/** How long a client may take, and how many may be connected at once. */
export interface ApiConnectionLimits {
  /** From connecting (or the previous response) to the end of the request's headers. */
  headersTimeoutMs: number;
  /** From connecting to the end of the request's body: a client that trickles its body is cut off. */
  requestTimeoutMs: number;
  /** A kept-alive connection with no request in flight is closed after this long. */
  idleTimeoutMs: number;
  /** How often the two request timeouts are checked (Node checks them on a timer). */
  checkIntervalMs: number;
  /** Connections beyond this many are closed as they arrive. */
  maxConnections: number;
}

export const defaultConnectionLimits: ApiConnectionLimits = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 120_000,
  idleTimeoutMs: 5_000,
  checkIntervalMs: 1_000,
  maxConnections: 128,
};

/** One request as the log (and `onRequestFinished`) sees it. */
export interface ApiRequestRecord {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  stopReason?: StopReason;
  outputTokens?: number;
  /** True when the client went away before the answer was complete. */
  clientGone: boolean;
}

export interface ApiServerOptions {
  engine: LlamaEngine;
  /** Where pulls through the API download from (the settings' or the environment's endpoints). */
  endpoints?: () => DownloadEndpoints;
  address: ListenAddress;
  /** Extra browser origins (and host names) to answer: HEARTH_ORIGINS, hearth.api.allowedOrigins. */
  allowedOrigins?: readonly string[];
  version: string;
  /**
   * A key every request must carry as `Authorization: Bearer <key>` (HEARTH_API_KEY, or the key
   * kept in VS Code's secret storage); empty or absent: none is asked for.
   */
  apiKey?: string;
  /** Whether a pull (and a Modelfile's FROM) may name a URL; then only public addresses are fetched. Off by default. */
  allowUrlPulls?: boolean;
  /** Folders besides the store whose files a Modelfile sent to /api/create may name. */
  modelFolders?: readonly string[];
  /** Which addresses a URL pull may reach; public internet addresses by default (tests widen it). */
  addressPolicy?: AddressPolicy;
  /** Timeouts and the connection cap; each defaults to defaultConnectionLimits. */
  limits?: Partial<ApiConnectionLimits>;
  maxBodyBytes?: number;
  log?: (level: LogLevel, message: string) => void;
  onRequestFinished?: (record: ApiRequestRecord) => void;
}

const routes: readonly ApiRoute[] = [...ollamaRoutes, ...openaiRoutes, ...llamaServerRoutes];

/** The HTTP status an engine error becomes. */
export function statusForError(error: unknown): number {
  if (!isEngineError(error)) return 500;
  switch (error.code) {
    case "badRequest":
    case "notSupported":
      return 400;
    case "modelNotFound":
      return 404;
    case "storeBusy":
      return 409;
    case "forbidden":
      return 403;
    case "cancelled":
      return 499;
    case "diskFull":
      return 507;
    case "network":
    case "unauthorized":
    case "checksumMismatch":
      return 502;
    case "engineUnavailable":
    case "engineCrashed":
      return 503;
    default:
      return 500;
  }
}

/** The error body each API's clients read: Ollama's `{error}`, OpenAI's `{error: {message, type, param, code}}`. */
export function errorBody(flavor: ApiFlavor, status: number, message: string): unknown {
  if (flavor === "ollama") return { error: message };
  return {
    error: {
      message,
      type: openaiErrorType(status),
      param: null,
      code: status === 404 ? "model_not_found" : null,
    },
  };
}

export class ApiServer {
  private readonly options: ApiServerOptions;
  private readonly server: http.Server;
  private readonly models: ApiModels;
  private readonly inFlight = new Set<AbortController>();
  private listening: ListenAddress | null = null;

  private readonly keyDigest: Buffer | null;

  constructor(options: ApiServerOptions) {
    this.options = options;
    this.models = new ApiModels(options.engine, (message) => this.log("info", `api: ${message}`));
    const limits = { ...defaultConnectionLimits, ...options.limits };
    this.server = http.createServer(
      {
        headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
        requestTimeout: limits.requestTimeoutMs,
        connectionsCheckingInterval: limits.checkIntervalMs,
      },
      (req, res) => this.handle(req, res),
    );
    this.server.keepAliveTimeout = limits.idleTimeoutMs;
    this.server.maxConnections = limits.maxConnections;
    const key = options.apiKey?.trim() ?? "";
    this.keyDigest = key === "" ? null : createHash("sha256").update(key).digest();
  }

  /** Whether requests must carry the API key. */
  get requiresKey(): boolean {
    return this.keyDigest !== null;
  }

  /** Whether other computers can reach the API (it listens on an address other than loopback). */
  get exposed(): boolean {
    return listensBeyondLoopback(this.options.address.host);
  }

  private keyMatches(header: string | undefined): boolean {
    if (this.keyDigest === null) return true;
    const token = bearerToken(header);
    if (token === null) return false;
    return timingSafeEqual(createHash("sha256").update(token).digest(), this.keyDigest);
  }

  /** `http://HOST:PORT` once listening. */
  get url(): string | null {
    return this.listening ? addressUrl(this.listening) : null;
  }

  private log(level: LogLevel, message: string): void {
    this.options.log?.(level, message);
  }

  /** Listens; port 0 picks a free port. Fails with a message for the user when the address is taken. */
  async start(): Promise<string> {
    const { host, port } = this.options.address;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        this.server.off("listening", onListening);
        reject(
          new EngineError(
            "badRequest",
            error.code === "EADDRINUSE"
              ? localize(
                  "Hearth's API cannot listen on {0}: another program already uses that port. Stop it, or choose another port with HEARTH_HOST or the hearth.api.host setting (for example 127.0.0.1:11436).",
                  addressUrl({ host, port }),
                )
              : localize("Hearth's API cannot listen on {0}: {1}. Check HEARTH_HOST or the hearth.api.host setting.", addressUrl({ host, port }), errorText(error)),
            errorText(error),
          ),
        );
      };
      const onListening = (): void => {
        this.server.off("error", onError);
        resolve();
      };
      this.server.once("error", onError);
      this.server.once("listening", onListening);
      this.server.listen(port, host);
    });
    const bound = this.server.address() as AddressInfo;
    this.listening = { host, port: bound.port };
    const url = addressUrl(this.listening);
    this.log("info", `api: listening on ${url}`);
    if (this.exposed && !this.requiresKey) {
      this.log(
        "warn",
        localize(
          "Hearth's API listens on {0}, which other computers can reach, and asks for no key: anyone on the network can use your models. Set a key (HEARTH_API_KEY for hearth serve, \"Hearth: Set Local API Key…\" in VS Code), or listen on 127.0.0.1.",
          url,
        ),
      );
    }
    return url;
  }

  /** Stops listening, cancels the generations in flight and closes every connection. */
  async stop(): Promise<void> {
    for (const controller of this.inFlight) controller.abort();
    this.models.dispose();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.listening = null;
  }

  private refuse(res: http.ServerResponse, flavor: ApiFlavor, status: number, message: string): void {
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
    res.end(JSON.stringify(errorBody(flavor, status, message)));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
    const flavor: ApiFlavor = path.startsWith("/v1/") ? "openai" : "ollama";
    const allowed = this.options.allowedOrigins ?? [];
    const record: ApiRequestRecord = { method: req.method ?? "GET", path, status: 0, durationMs: 0, clientGone: false };
    // Reported once the response has closed and, for a routed request, its handler has returned
    // (a generation the client left reports how it stopped).
    const tracker = { waits: 1, finish: (): void => undefined };
    tracker.finish = (): void => {
      if (--tracker.waits > 0) return;
      record.durationMs = performance.now() - started;
      this.log("debug", `api: ${record.method} ${path} ${record.status} ${Math.round(record.durationMs)} ms${record.clientGone ? " (client went away)" : ""}`);
      this.options.onRequestFinished?.(record);
    };
    res.on("close", () => {
      record.status = res.statusCode;
      record.clientGone = !res.writableFinished;
      tracker.finish();
    });

    if (!hostAllowed(req.headers.host, this.options.address.host, allowed)) {
      req.resume();
      this.refuse(
        res,
        flavor,
        403,
        localize(
          "Hearth refused the request: its Host header \"{0}\" is not this computer, so it may come from a web page that is not allowed to call Hearth (DNS rebinding). Call Hearth as localhost or 127.0.0.1, or add the host to HEARTH_ORIGINS (the hearth.api.allowedOrigins setting).",
          req.headers.host ?? "",
        ),
      );
      return;
    }
    const origin = typeof req.headers.origin === "string" ? req.headers.origin : null;
    if (!originAllowed(origin, allowed)) {
      req.resume();
      this.refuse(
        res,
        flavor,
        403,
        localize(
          "Hearth refused a request from the web page at {0}: only pages on this computer may call Hearth's API. To allow that site, add it to HEARTH_ORIGINS (the hearth.api.allowedOrigins setting), for example {0}.",
          origin ?? "",
        ),
      );
      return;
    }
    if (origin !== null) {
      res.setHeader("Access-Control-Allow-Origin", origin);
      res.setHeader("Vary", "Origin");
    }
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "Access-Control-Allow-Methods": "GET, POST, DELETE, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": "Authorization, Content-Type, User-Agent, Accept, X-Requested-With, OpenAI-Beta, X-Stainless-Arch, X-Stainless-Lang, X-Stainless-OS, X-Stainless-Package-Version, X-Stainless-Runtime, X-Stainless-Runtime-Version, X-Stainless-Retry-Count, X-Stainless-Timeout",
        "Access-Control-Max-Age": "86400",
      });
      res.end();
      req.resume();
      return;
    }

    if (!this.keyMatches(req.headers.authorization)) {
      req.resume();
      res.setHeader("WWW-Authenticate", 'Bearer realm="hearth"');
      this.refuse(
        res,
        flavor,
        401,
        localize(
          "Hearth's API asks for a key, and this request did not carry the right one. Send it as the header Authorization: Bearer <key> (OpenAI clients: the apiKey option; Ollama clients: a headers option). The key is HEARTH_API_KEY for hearth serve, or the one set with \"Hearth: Set Local API Key…\" in VS Code.",
        ),
      );
      return;
    }

    const matching = routes.filter((route) => (typeof route.path === "string" ? route.path === path : route.path.test(path)));
    const route = matching.find((candidate) => candidate.method === req.method || (req.method === "HEAD" && candidate.method === "GET"));
    if (!route) {
      req.resume();
      if (matching.length > 0) {
        res.setHeader("Allow", [...new Set(matching.map((candidate) => candidate.method))].join(", "));
        this.refuse(res, flavor, 405, localize("{0} does not take {1} requests.", path, req.method ?? ""));
      } else {
        this.refuse(res, flavor, 404, localize("There is no {0} in Hearth's API. See Hearth's README (Local API) for the endpoints.", path));
      }
      return;
    }
    if (route.changesStore && !originMayChangeStore(origin, allowed)) {
      req.resume();
      this.refuse(
        res,
        route.flavor,
        403,
        localize(
          "Hearth refused to change its models ({0}) for the web page at {1}: pages may generate and read through Hearth's API, but only sites named in HEARTH_ORIGINS (the hearth.api.allowedOrigins setting) may pull, create, copy or delete models. Name that site there if you trust it, or manage models from VS Code or the hearth command line.",
          path,
          origin ?? "",
        ),
      );
      return;
    }

    const maxBytes = this.options.maxBodyBytes ?? defaultMaxBodyBytes;
    const tooLarge = (): void => {
      res.setHeader("Connection", "close");
      this.refuse(
        res,
        route.flavor,
        413,
        localize(
          "The request body is larger than Hearth accepts ({0} bytes at most). Send less text per request (split a batch of texts to embed into several requests).",
          maxBytes,
        ),
      );
      // Read and discard the rest, so the client sees the answer rather than a reset connection.
      req.resume();
    };
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > maxBytes) {
      tooLarge();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBytes) {
        refused = true;
        chunks.length = 0;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on("error", () => undefined);
    req.on("end", () => {
      if (refused) return;
      let body: unknown;
      const text = Buffer.concat(chunks).toString("utf8");
      if (text.trim() !== "") {
        try {
          body = JSON.parse(text) as unknown;
        } catch (error) {
          this.refuse(res, route.flavor, 400, localize("The request body is not valid JSON: {0}. Send a JSON object.", errorText(error)));
          return;
        }
      }
      tracker.waits++;
      void this.run(route, req, res, url, path, body, record).finally(tracker.finish);
    });
  }

  private async run(
    route: ApiRoute,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    path: string,
    body: unknown,
    record: ApiRequestRecord,
  ): Promise<void> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const reply = new HttpReply(res, route.flavor, req.method === "HEAD");
    const call: ApiCall = {
      method: req.method ?? "GET",
      path,
      query: url.searchParams,
      body,
      signal: controller.signal,
      note: (result) => {
        record.stopReason = result.stopReason;
        record.outputTokens = result.outputTokens;
      },
    };
    const storeScope: StoreScope = {
      ...engineStoreScope(this.options.engine, this.options.endpoints),
      apiLimits: {
        allowUrlPulls: this.options.allowUrlPulls === true,
        modelFolders: this.options.modelFolders ?? [],
        ...(this.options.addressPolicy ? { addressPolicy: this.options.addressPolicy } : {}),
      },
    };
    const context: ApiContext = {
      engine: this.options.engine,
      storeScope,
      models: this.models,
      version: this.options.version,
      log: (level, message) => this.log(level, message),
    };
    try {
      await route.handler(context, call, reply);
    } catch (error) {
      const status = statusForError(error);
      if (status >= 500 && !controller.signal.aborted) this.log("error", `api: ${call.method} ${path}: ${isEngineError(error) ? (error.detail ?? error.message) : errorText(error)}`);
      reply.fail(status, errorText(error));
    } finally {
      this.inFlight.delete(controller);
    }
  }
}

/** Writes one response; after the client has gone every write is a no-op. */
class HttpReply implements ApiReply {
  private streaming: "ndjson" | "sse" | null = null;

  constructor(
    private readonly res: http.ServerResponse,
    private readonly flavor: ApiFlavor,
    private readonly headOnly: boolean,
  ) {}

  private get gone(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  json(status: number, body: unknown): void {
    if (this.gone) return;
    const text = JSON.stringify(body);
    this.res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
    this.res.end(this.headOnly ? undefined : text);
  }

  text(status: number, text: string): void {
    if (this.gone) return;
    this.res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
    this.res.end(this.headOnly ? undefined : text);
  }

  ndjson(): (value: unknown) => void {
    if (!this.gone && !this.streaming) {
      this.streaming = "ndjson";
      this.res.writeHead(200, { "Content-Type": "application/x-ndjson", "Cache-Control": "no-cache" });
    }
    return (value) => {
      if (!this.gone) this.res.write(`${JSON.stringify(value)}\n`);
    };
  }

  sse(): (value: unknown) => void {
    if (!this.gone && !this.streaming) {
      this.streaming = "sse";
      this.res.writeHead(200, { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-cache", Connection: "keep-alive" });
    }
    return (value) => {
      if (!this.gone) this.res.write(`data: ${typeof value === "string" ? value : JSON.stringify(value)}\n\n`);
    };
  }

  end(): void {
    if (!this.gone) this.res.end();
  }

  /** An error: as the status and body when nothing was sent yet, else as the stream's last item. */
  fail(status: number, message: string): void {
    if (this.gone) return;
    if (this.streaming === "ndjson") {
      this.res.end(`${JSON.stringify({ error: message })}\n`);
    } else if (this.streaming === "sse") {
      this.res.end(`data: ${JSON.stringify(errorBody("openai", status, message))}\n\n`);
    } else {
      this.json(status, errorBody(this.flavor, status, message));
    }
  }
}
