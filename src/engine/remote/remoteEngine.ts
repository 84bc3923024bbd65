// A remote engine (issue 8 item 3): chat, embeddings and review on a server the team shares —
// Ollama, an OpenAI-compatible server (llama.cpp's llama-server, vLLM), or another Hearth's local
// API — instead of the embedded engine. This is the client. It runs in the engine process, which
// decides in one place whether the loaded model or the remote answers: chat (remoteChat.ts, the
// remoteChat method the Chat view, @hearth and Run Prompt use), reviews
// (src/engine/review/reviewer.ts, remoteReviewEngine) and the workspace index's embeddings
// (src/engine/index/remoteEmbeddingBackend.ts), all from the remote settings that `configure` sends.
// The API key is kept in VS Code's SecretStorage ("Hearth: Set Remote API Key…") and passed in;
// it is sent only as the Authorization header, never logged or written.
import type { ChatTurn, GenerateResult, GenerationOptions, StopReason, TokenUsage } from "../../common/chat/chatTypes";
import { EngineError, errorText } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import type { RemoteEngineConfig } from "../../common/engine/engineProtocol";

export type RemoteKind = "ollama" | "openai";

export interface RemoteEngineOptions {
  kind: RemoteKind;
  /** The server's address: `http://gpu-box:11434` (Ollama), `https://llm.example.com/v1` (OpenAI-compatible). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; never logged. */
  apiKey?: string;
}

export interface RemoteChatRequest {
  model: string;
  system?: string;
  history: ChatTurn[];
  message: string;
  options?: GenerationOptions;
  /** The context the server should give the request (Ollama's num_ctx; OpenAI servers have none). */
  contextSize?: number;
}

export interface RemoteChatResult {
  text: string;
  stopReason: StopReason;
  promptTokens: number;
  outputTokens: number;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export class RemoteEngine {
  private readonly options: RemoteEngineOptions;
  private readonly base: string;

  constructor(options: RemoteEngineOptions) {
    this.options = options;
    this.base = options.baseUrl.trim().replace(/\/+$/, "");
  }

  /** `/v1/...` for OpenAI-compatible servers whether or not the base URL already ends in /v1. */
  private url(pathname: string): string {
    if (this.options.kind === "openai") return `${this.base.replace(/\/v1$/, "")}/v1${pathname}`;
    return `${this.base}${pathname}`;
  }

  private async request(pathname: string, body: Json | undefined, signal: AbortSignal | undefined): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (this.options.apiKey) headers.Authorization = `Bearer ${this.options.apiKey}`;
    let response: Response;
    try {
      response = await fetch(this.url(pathname), {
        method: body === undefined ? "GET" : "POST",
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (signal?.aborted) throw new EngineError("cancelled", localize("The request was cancelled."));
      throw new EngineError(
        "network",
        localize("Hearth could not reach the remote server at {0}: {1}. Check that it runs and that its address is right.", this.base, errorText(error)),
        errorText(error),
      );
    }
    if (!response.ok) throw await this.failure(response);
    return response;
  }

  /** An error response as an EngineError, with the server's own message. */
  private async failure(response: Response): Promise<EngineError> {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = (await response.json()) as unknown;
      if (isObject(body) && typeof body.error === "string") message = body.error;
      else if (isObject(body) && isObject(body.error) && typeof body.error.message === "string") message = body.error.message;
    } catch {
      // Not JSON: the status says enough.
    }
    if (response.status === 401 || response.status === 403) {
      return new EngineError(
        "unauthorized",
        localize("The remote server at {0} refused the request ({1}). Check the API key.", this.base, message),
        message,
      );
    }
    if (response.status === 404) return new EngineError("modelNotFound", localize("The remote server at {0} says: {1}", this.base, message), message);
    if (response.status === 400) return new EngineError("badRequest", localize("The remote server at {0} says: {1}", this.base, message), message);
    return new EngineError("network", localize("The remote server at {0} failed: {1}", this.base, message), message);
  }

  /** The models the server offers. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    const response = await this.request(this.options.kind === "ollama" ? "/api/tags" : "/models", undefined, signal);
    const body = (await response.json()) as unknown;
    const list = isObject(body) ? (this.options.kind === "ollama" ? body.models : body.data) : undefined;
    if (!Array.isArray(list)) return [];
    return list
      .map((item) => (isObject(item) ? (this.options.kind === "ollama" ? item.name : item.id) : undefined))
      .filter((name): name is string => typeof name === "string");
  }

  /** One chat turn, streamed to `onText`. */
  async chat(request: RemoteChatRequest, onText: (text: string) => void, signal?: AbortSignal): Promise<RemoteChatResult> {
    const messages = [
      ...(request.system !== undefined ? [{ role: "system", content: request.system }] : []),
      ...request.history.map((turn) => ({ role: turn.role, content: turn.text })),
      { role: "user", content: request.message },
    ];
    const options = request.options ?? {};
    if (options.grammar !== undefined) {
      throw new EngineError(
        "notSupported",
        localize("The remote server cannot follow a GBNF grammar: give a JSON schema instead, or use the embedded engine."),
      );
    }
    let text = "";
    let stopReason: StopReason = "endOfText";
    let promptTokens = 0;
    let outputTokens = 0;
    try {
      if (this.options.kind === "ollama") {
        const response = await this.request(
          "/api/chat",
          {
            model: request.model,
            messages,
            stream: true,
            options: { ...ollamaOptions(options), ...(request.contextSize !== undefined ? { num_ctx: request.contextSize } : {}) },
            ...(options.jsonSchema ? { format: options.jsonSchema } : {}),
          },
          signal,
        );
        for await (const line of lines(response)) {
          const part = JSON.parse(line) as unknown;
          if (!isObject(part)) continue;
          if (typeof part.error === "string") throw new EngineError("network", localize("The remote server at {0} failed: {1}", this.base, part.error), part.error);
          const piece = isObject(part.message) && typeof part.message.content === "string" ? part.message.content : "";
          if (piece) {
            text += piece;
            onText(piece);
          }
          if (part.done === true) {
            stopReason = part.done_reason === "length" ? "maxTokens" : "endOfText";
            promptTokens = typeof part.prompt_eval_count === "number" ? part.prompt_eval_count : 0;
            outputTokens = typeof part.eval_count === "number" ? part.eval_count : 0;
          }
        }
      } else {
        const response = await this.request(
          "/chat/completions",
          {
            model: request.model,
            messages,
            stream: true,
            stream_options: { include_usage: true },
            ...openaiOptions(options),
            ...(options.jsonSchema
              ? { response_format: { type: "json_schema", json_schema: { name: "answer", schema: options.jsonSchema } } }
              : {}),
          },
          signal,
        );
        for await (const line of lines(response)) {
          if (!line.startsWith("data:")) continue;
          const data = line.slice(5).trim();
          if (data === "[DONE]") break;
          const chunk = JSON.parse(data) as unknown;
          if (!isObject(chunk)) continue;
          if (isObject(chunk.error)) {
            const message = typeof chunk.error.message === "string" ? chunk.error.message : JSON.stringify(chunk.error);
            throw new EngineError("network", localize("The remote server at {0} failed: {1}", this.base, message), message);
          }
          const choice = Array.isArray(chunk.choices) && isObject(chunk.choices[0]) ? chunk.choices[0] : null;
          const piece = choice && isObject(choice.delta) && typeof choice.delta.content === "string" ? choice.delta.content : "";
          if (piece) {
            text += piece;
            onText(piece);
          }
          if (choice?.finish_reason === "length") stopReason = "maxTokens";
          if (isObject(chunk.usage)) {
            promptTokens = typeof chunk.usage.prompt_tokens === "number" ? chunk.usage.prompt_tokens : 0;
            outputTokens = typeof chunk.usage.completion_tokens === "number" ? chunk.usage.completion_tokens : 0;
          }
        }
      }
    } catch (error) {
      if (signal?.aborted) return { text, stopReason: "cancelled", promptTokens, outputTokens };
      throw error;
    }
    return { text, stopReason, promptTokens, outputTokens };
  }

  /** One vector per text, in order; an answer with another count or shape is an error. */
  async embed(model: string, texts: string[], signal?: AbortSignal): Promise<number[][]> {
    if (texts.length === 0) return [];
    let vectors: unknown[] = [];
    if (this.options.kind === "ollama") {
      const body = (await (await this.request("/api/embed", { model, input: texts }, signal)).json()) as unknown;
      if (isObject(body) && Array.isArray(body.embeddings)) vectors = body.embeddings;
    } else {
      const body = (await (await this.request("/embeddings", { model, input: texts, encoding_format: "float" }, signal)).json()) as unknown;
      if (isObject(body) && Array.isArray(body.data)) {
        for (const item of body.data) {
          if (isObject(item) && Array.isArray(item.embedding)) vectors[typeof item.index === "number" ? item.index : vectors.length] = item.embedding;
        }
      }
    }
    const valid = (vector: unknown): vector is number[] =>
      Array.isArray(vector) && vector.length > 0 && vector.every((value) => typeof value === "number" && Number.isFinite(value));
    if (vectors.length !== texts.length || !vectors.every(valid)) {
      const detail = `${vectors.length} vectors for ${texts.length} texts`;
      throw new EngineError(
        "network",
        localize(
          "The remote server at {0} did not answer with one embedding per text ({1}). Check that {2} is an embedding model the server serves.",
          this.base,
          detail,
          model,
        ),
        detail,
      );
    }
    return vectors;
  }
}

/** A response body's lines (NDJSON, or SSE's `data:` lines). */
async function* lines(response: Response): AsyncGenerator<string> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const part of parts) if (part.trim() !== "") yield part.trim();
  }
  buffer += decoder.decode();
  if (buffer.trim() !== "") yield buffer.trim();
}

function ollamaOptions(options: GenerationOptions): Json {
  return {
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.topK !== undefined ? { top_k: options.topK } : {}),
    ...(options.topP !== undefined ? { top_p: options.topP } : {}),
    ...(options.minP !== undefined ? { min_p: options.minP } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.repeatPenalty !== undefined ? { repeat_penalty: options.repeatPenalty } : {}),
    ...(options.maxTokens !== undefined ? { num_predict: options.maxTokens } : {}),
    ...(options.stop !== undefined ? { stop: options.stop } : {}),
  };
}

function openaiOptions(options: GenerationOptions): Json {
  return {
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.topP !== undefined ? { top_p: options.topP } : {}),
    ...(options.topK !== undefined ? { top_k: options.topK } : {}),
    ...(options.minP !== undefined ? { min_p: options.minP } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.repeatPenalty !== undefined ? { repeat_penalty: options.repeatPenalty } : {}),
    ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
    ...(options.stop !== undefined ? { stop: options.stop } : {}),
  };
}

/** A remote answer as the engine's own GenerateResult: timings measured here, token counts the server's. */
export function remoteGenerateResult(result: RemoteChatResult, started: number, first: number | null): GenerateResult {
  const ended = performance.now();
  const generationMs = first === null ? ended - started : ended - first;
  const usage: TokenUsage = {
    promptTokens: result.promptTokens,
    evaluatedPromptTokens: result.promptTokens,
    reusedPromptTokens: 0,
    outputTokens: result.outputTokens,
    firstTokenMs: first === null ? null : first - started,
    durationMs: ended - started,
    tokensPerSecond: generationMs > 0 ? (result.outputTokens / generationMs) * 1000 : 0,
  };
  return { text: result.text, mode: "chat", stopReason: result.stopReason, usage };
}

/** The client for the remote engine of the settings. */
export function remoteEngineFor(config: RemoteEngineConfig): RemoteEngine {
  return new RemoteEngine({ kind: config.kind, baseUrl: config.url, ...(config.apiKey ? { apiKey: config.apiKey } : {}) });
}
