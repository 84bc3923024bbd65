// What a route of the local HTTP API is given and answers with: the engine and models it serves
// (the context), the request as parsed (the call), and the ways to answer (the reply). The server
// (apiServer.ts) owns the sockets; ollamaApi.ts and openaiApi.ts declare routes against these.
import type { LogLevel } from "../../common/engine/engineProtocol";
import type { StopReason } from "../../common/chat/chatTypes";
import type { ApiModels } from "./apiModels";
import type { LlamaEngine } from "../llama/llamaEngine";
import type { StoreScope } from "../models/storeOperations";

export type ApiFlavor = "ollama" | "openai";

export interface ApiContext {
  engine: LlamaEngine;
  /** The store as pulls, creates and removals through the API see it (with the configured endpoints). */
  storeScope: StoreScope;
  models: ApiModels;
  /** Hearth's version, for /api/version. */
  version: string;
  log: (level: LogLevel, message: string) => void;
}

export interface ApiCall {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The parsed JSON body; undefined when there was none. */
  body: unknown;
  /** Aborted when the client goes away before the answer is complete. */
  signal: AbortSignal;
  /** Records what a generation did, for the request log (and tests). */
  note(result: { stopReason: StopReason; outputTokens: number }): void;
}

export interface ApiReply {
  json(status: number, body: unknown): void;
  text(status: number, text: string): void;
  /** Starts an NDJSON stream (Ollama); each call writes one object as a line. */
  ndjson(): (value: unknown) => void;
  /** Starts a server-sent event stream (OpenAI); each call writes one `data:` event. */
  sse(): (value: unknown) => void;
  /** Ends a stream. */
  end(): void;
}

export type ApiHandler = (context: ApiContext, call: ApiCall, reply: ApiReply) => Promise<void>;

export interface ApiRoute {
  method: "GET" | "POST" | "DELETE" | "HEAD";
  /** An exact path, or a pattern (OpenAI's /v1/models/{id}). */
  path: string | RegExp;
  flavor: ApiFlavor;
  /** The route changes the model store (pull, create, copy, delete): browser pages may call it only when named in the allowed origins. */
  changesStore?: boolean;
  handler: ApiHandler;
}
