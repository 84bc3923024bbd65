// Ollama's REST API over Hearth's engine: generate and chat (streamed NDJSON or one object),
// embed and embeddings, tags, ps, show, create, copy, delete, pull (streamed progress), version,
// and `GET /` "Ollama is running". Field names, status codes and error bodies follow Ollama's API
// documentation, so Ollama's clients (and LangChain's Ollama integration) work unchanged.
import * as os from "node:os";
import type { LoadedModelInfo } from "../../common/engine/engineProtocol";
import type { ChatTurn, GenerateResult, GenerationOptions, TokenUsage } from "../../common/chat/chatTypes";
import type { ModelManifest, PullProgress, StoredModel } from "../../common/models/modelManifest";
import { ollamaCompatibilityVersion } from "../../common/models/modelProfile";
import type { JsonObject } from "../../common/api/ollamaApiTypes";
import {
  imagesRefused,
  mapFormat,
  mapOllamaOptions,
  modelfileFromCreateRequest,
  nanoseconds,
  ollamaDoneReason,
  ollamaMessages,
  optionalBoolean,
  optionalNumber,
  optionalString,
  optionalStringList,
  parameterSizeText,
  parametersText,
  parseKeepAlive,
  requestModelName,
  requestObject,
  requiredString,
  splitConversation,
} from "../../common/api/ollamaApiTypes";
import { conversationMessages, conversationUsesTools, ollamaCapabilities, requestThink, requestTools } from "../../common/api/toolMessages";
import type { ChatRespondResult } from "../../common/engine/engineProtocol";
import { respondWithTools } from "./apiToolChat";
import { shownModelfile } from "../../common/modelfile/shownModelfile";
import { ApiModels } from "./apiModels";
import type { ApiContext, ApiRoute } from "./apiRoutes";
import { textCoalescer } from "./apiStreaming";
import { infillOnLease, infillOptionsFrom } from "./infillApi";
import { createModel, pullModel, removeModel, showStoredModel } from "../models/storeOperations";

/**
 * Ollama's figures for a finished generation, in nanoseconds. As Ollama reports them since it
 * counts cache hits: prompt_eval_count is the whole prompt, prompt_eval_cached_count the part of it
 * reused from the KV cache (present when there was one), and prompt_eval_duration the time spent
 * on the rest, so count minus cached over duration is the prompt processing rate.
 */
export function ollamaFigures(usage: TokenUsage, startedAt: number, loadMs: number): Record<string, number> {
  const first = usage.firstTokenMs ?? usage.durationMs;
  return {
    total_duration: nanoseconds(performance.now() - startedAt),
    load_duration: nanoseconds(loadMs),
    prompt_eval_count: usage.promptTokens,
    ...(usage.reusedPromptTokens > 0 ? { prompt_eval_cached_count: usage.reusedPromptTokens } : {}),
    prompt_eval_duration: nanoseconds(first),
    eval_count: usage.outputTokens,
    eval_duration: nanoseconds(usage.durationMs - first),
  };
}

function now(): string {
  return new Date().toISOString();
}

function refuseImages(body: JsonObject): void {
  if (Array.isArray(body.images) && body.images.length > 0) throw imagesRefused();
}

const generateRoute: ApiRoute = {
  method: "POST",
  path: "/api/generate",
  flavor: "ollama",
  handler: async (context, call, reply) => {
    const started = performance.now();
    const body = requestObject(call.body);
    const model = requestModelName(body);
    const prompt = optionalString(body, "prompt") ?? "";
    const suffix = optionalString(body, "suffix");
    refuseImages(body);
    const stream = optionalBoolean(body, "stream") ?? true;
    const raw = optionalBoolean(body, "raw") ?? false;
    const system = optionalString(body, "system");
    const mapped = mapOllamaOptions(body.options);
    const format = mapFormat(body.format);
    const keepAlive = parseKeepAlive(body.keep_alive);
    const lease = await context.models.acquire(model, { generates: true, ...(mapped.contextSize !== undefined ? { contextSize: mapped.contextSize } : {}) });
    try {
      if (prompt === "") {
        const loaded = { model: lease.name, created_at: now(), response: "", done: true, done_reason: keepAlive === 0 ? "unload" : "load" };
        if (stream) {
          reply.ndjson()(loaded);
          reply.end();
        } else reply.json(200, loaded);
        return;
      }
      const write = stream ? reply.ndjson() : null;
      const pieces = textCoalescer((text) => write?.({ model: lease.name, created_at: now(), response: text, done: false }));
      // With a suffix (as Ollama does): fill in the middle, `prompt` before the cursor and `suffix` after it.
      const result = suffix
        ? await infillOnLease(context, lease, { prefix: prompt, suffix, options: infillOptionsFrom(mapped.options) }, pieces.push, call.signal)
        : await context.engine.generate(
            {
              modelId: lease.info.modelId,
              prompt,
              mode: raw ? "completion" : "auto",
              ...(system !== undefined ? { systemPrompt: system } : {}),
              defaultSystemPrompt: "",
              options: { ...mapped.options, ...format },
              priority: "interactive",
            },
            pieces.push,
            call.signal,
          );
      pieces.flush();
      call.note({ stopReason: result.stopReason, outputTokens: result.usage.outputTokens });
      const final = {
        model: lease.name,
        created_at: now(),
        response: write ? "" : result.text,
        done: true,
        done_reason: ollamaDoneReason(result.stopReason),
        context: [],
        ...ollamaFigures(result.usage, started, lease.loadMs),
      };
      if (write) {
        write(final);
        reply.end();
      } else reply.json(200, final);
    } finally {
      lease.release(keepAlive);
    }
  },
};

/** One chat turn on a conversation the request carries in full; the engine reuses what its KV cache still holds. */
export async function answerConversation(
  context: ApiContext,
  modelId: string,
  conversation: { system: string | undefined; history: ChatTurn[]; message: string },
  options: GenerationOptions,
  onText: (text: string) => void,
  signal: AbortSignal,
): Promise<GenerateResult> {
  const { sessionId } = context.engine.chats.create({
    modelId,
    ...(conversation.system !== undefined ? { systemPrompt: conversation.system } : {}),
    defaultSystemPrompt: "",
    history: conversation.history,
  });
  try {
    return await context.engine.chats.send({ sessionId, message: conversation.message, options, priority: "interactive" }, onText, signal);
  } finally {
    context.engine.chats.dispose(sessionId);
  }
}

/** Ollama's `tool_calls` for a message: the arguments as an object. */
function ollamaToolCalls(toolCalls: ChatRespondResult["toolCalls"]): Array<Record<string, unknown>> {
  return toolCalls.map((call, index) => ({ id: call.id, function: { index, name: call.name, arguments: call.arguments } }));
}

const chatRoute: ApiRoute = {
  method: "POST",
  path: "/api/chat",
  flavor: "ollama",
  handler: async (context, call, reply) => {
    const started = performance.now();
    const body = requestObject(call.body);
    const model = requestModelName(body);
    const messages = conversationMessages(body);
    const tools = requestTools(body);
    const think = requestThink(body);
    // Tools, tool results, thinking: the engine's chatRespond. A plain conversation keeps the chat
    // session path (which drops the oldest turns when the conversation outgrows the context).
    let withTools = tools.length > 0 || think !== undefined || conversationUsesTools(messages);
    const conversation = withTools ? null : splitConversation(ollamaMessages(body));
    const stream = optionalBoolean(body, "stream") ?? true;
    const mapped = mapOllamaOptions(body.options);
    const format = mapFormat(body.format);
    const keepAlive = parseKeepAlive(body.keep_alive);
    const lease = await context.models.acquire(model, { generates: true, ...(mapped.contextSize !== undefined ? { contextSize: mapped.contextSize } : {}) });
    try {
      const message = conversation ? conversation.message : messages.some((item) => item.role !== "system") ? "" : null;
      if (message === null) {
        const loaded = {
          model: lease.name,
          created_at: now(),
          message: { role: "assistant", content: "" },
          done: true,
          done_reason: keepAlive === 0 ? "unload" : "load",
        };
        if (stream) {
          reply.ndjson()(loaded);
          reply.end();
        } else reply.json(200, loaded);
        return;
      }
      // A thinking model's thoughts come back apart from the answer (message.thinking), as Ollama gives them.
      if (!withTools) withTools = (await context.engine.chatCapabilities({ modelId: lease.info.modelId })).thinking;
      const write = stream ? reply.ndjson() : null;
      const line = (fields: Record<string, unknown>): void =>
        write?.({ model: lease.name, created_at: now(), message: { role: "assistant", content: "", ...fields }, done: false });
      let result: GenerateResult & Partial<Pick<ChatRespondResult, "thinking" | "toolCalls">>;
      if (withTools) {
        const answer = await respondWithTools(
          context,
          {
            modelId: lease.info.modelId,
            messages,
            defaultSystemPrompt: "",
            tools,
            ...(think !== undefined ? { think } : {}),
            options: { ...mapped.options, ...format },
          },
          write ? { text: (content) => line({ content }), thinking: (thinking) => line({ thinking }), toolCall: () => undefined } : null,
          call.signal,
        );
        if (write && answer.toolCalls.length > 0) line({ tool_calls: ollamaToolCalls(answer.toolCalls) });
        result = answer;
      } else {
        const pieces = textCoalescer((text) => line({ content: text }));
        result = await answerConversation(
          context,
          lease.info.modelId,
          { system: conversation!.system, history: conversation!.history, message: message },
          { ...mapped.options, ...format },
          pieces.push,
          call.signal,
        );
        pieces.flush();
      }
      call.note({ stopReason: result.stopReason, outputTokens: result.usage.outputTokens });
      const final = {
        model: lease.name,
        created_at: now(),
        message: {
          role: "assistant",
          content: write ? "" : result.text,
          ...(!write && result.thinking ? { thinking: result.thinking } : {}),
          ...(!write && result.toolCalls && result.toolCalls.length > 0 ? { tool_calls: ollamaToolCalls(result.toolCalls) } : {}),
        },
        done: true,
        done_reason: ollamaDoneReason(result.stopReason),
        ...ollamaFigures(result.usage, started, lease.loadMs),
      };
      if (write) {
        write(final);
        reply.end();
      } else reply.json(200, final);
    } finally {
      lease.release(keepAlive);
    }
  },
};

/** Scales a vector to length 1 (Ollama's /api/embed and OpenAI's embeddings are normalized). */
export function normalizeVector(vector: readonly number[], dimensions?: number): number[] {
  const cut = dimensions !== undefined && dimensions > 0 && dimensions < vector.length ? vector.slice(0, dimensions) : [...vector];
  const length = Math.sqrt(cut.reduce((sum, value) => sum + value * value, 0));
  return length > 0 ? cut.map((value) => value / length) : cut;
}

/** Embeds `texts` with a leased model: vectors as the engine gives them, and the tokens they took. */
export async function embedTexts(
  context: ApiContext,
  info: LoadedModelInfo,
  texts: string[],
  signal: AbortSignal,
): Promise<{ vectors: number[][]; tokens: number }> {
  if (texts.length === 0) return { vectors: [], tokens: 0 };
  const counts = context.engine.countTokens({ modelId: info.modelId, texts });
  const result = await context.engine.embed({ modelId: info.modelId, texts, priority: "review" }, signal);
  return { vectors: result.vectors, tokens: counts.counts.reduce((sum, count) => sum + count, 0) };
}

const embedRoute: ApiRoute = {
  method: "POST",
  path: "/api/embed",
  flavor: "ollama",
  handler: async (context, call, reply) => {
    const started = performance.now();
    const body = requestObject(call.body);
    const model = requestModelName(body);
    const input = optionalStringList(body, "input") ?? [];
    const dimensions = optionalNumber(body, "dimensions", true);
    const keepAlive = parseKeepAlive(body.keep_alive);
    const lease = await context.models.acquire(model);
    try {
      const { vectors, tokens } = await embedTexts(context, lease.info, input, call.signal);
      reply.json(200, {
        model: lease.name,
        embeddings: vectors.map((vector) => normalizeVector(vector, dimensions)),
        total_duration: nanoseconds(performance.now() - started),
        load_duration: nanoseconds(lease.loadMs),
        prompt_eval_count: tokens,
      });
    } finally {
      lease.release(keepAlive);
    }
  },
};

const embeddingsRoute: ApiRoute = {
  method: "POST",
  path: "/api/embeddings",
  flavor: "ollama",
  handler: async (context, call, reply) => {
    const body = requestObject(call.body);
    const model = requestModelName(body);
    const prompt = optionalString(body, "prompt") ?? "";
    const keepAlive = parseKeepAlive(body.keep_alive);
    const lease = await context.models.acquire(model);
    try {
      const { vectors } = await embedTexts(context, lease.info, prompt === "" ? [] : [prompt], call.signal);
      reply.json(200, { embedding: vectors[0] ?? [] });
    } finally {
      lease.release(keepAlive);
    }
  },
};

function details(manifest: ModelManifest | null | undefined): Record<string, unknown> {
  const gguf = manifest?.gguf;
  const family = gguf?.architecture ?? "unknown";
  return {
    parent_model: manifest?.profile?.from ?? "",
    format: "gguf",
    family,
    families: [family],
    parameter_size: gguf ? parameterSizeText(gguf.parameters) : "",
    quantization_level: gguf?.quantization ?? "",
  };
}

function tagEntry(model: StoredModel): Record<string, unknown> {
  const manifest = model.manifest!;
  return {
    name: model.name,
    model: model.name,
    modified_at: manifest.createdAt,
    size: manifest.sizeBytes,
    digest: manifest.sha256,
    details: details(manifest),
  };
}

const tagsRoute: ApiRoute = {
  method: "GET",
  path: "/api/tags",
  flavor: "ollama",
  handler: async (context, _call, reply) => {
    const models = await context.engine.store.list();
    reply.json(200, { models: models.filter((model) => model.status === "ok" && model.manifest).map(tagEntry) });
  },
};

/** Far in the future: a model Hearth keeps loaded until it is unloaded or the engine stops. */
const keptLoaded = "2318-01-01T00:00:00.000Z";

const psRoute: ApiRoute = {
  method: "GET",
  path: "/api/ps",
  flavor: "ollama",
  handler: async (context, _call, reply) => {
    const models = [];
    for (const info of context.engine.listModels()) {
      const stored = info.storeName ? await context.engine.store.get(info.storeName) : null;
      const expires = context.models.expiresAt(info.modelId);
      models.push({
        name: info.storeName ?? info.name,
        model: info.storeName ?? info.name,
        size: info.memory.cpuRam + info.memory.gpuVram,
        digest: stored?.manifest?.sha256 ?? "",
        details: details(stored?.manifest),
        expires_at: expires === null ? keptLoaded : new Date(expires).toISOString(),
        size_vram: info.memory.gpuVram,
        context_length: info.contextSize,
      });
    }
    reply.json(200, { models });
  },
};

const showRoute: ApiRoute = {
  method: "POST",
  path: "/api/show",
  flavor: "ollama",
  handler: async (context, call, reply) => {
    const body = requestObject(call.body);
    const name = ApiModels.normalize(requestModelName(body));
    const { model, inspection } = await showStoredModel(context.storeScope, { name });
    const manifest = model.manifest;
    const profile = manifest?.profile;
    const purpose = manifest?.purpose;
    const chat =
      model.blobPath && purpose !== "embedding" && purpose !== "reranker"
        ? await context.engine.fileChatCapabilities(model.blobPath, profile).catch(() => null)
        : null;
    const capabilities = ollamaCapabilities(purpose, inspection?.metadata ?? {}, chat);
    const modelInfo: Record<string, string | number | boolean> = {};
    for (const [key, value] of Object.entries(inspection?.metadata ?? {})) {
      if (!key.startsWith("tokenizer.ggml.")) modelInfo[key] = value;
    }
    if (inspection) modelInfo["general.parameter_count"] = inspection.parameters;
    reply.json(200, {
      license: profile && profile.license.length > 0 ? profile.license.join("\n") : (inspection?.license ?? ""),
      modelfile: shownModelfile(model),
      parameters: parametersText(profile?.parameters),
      template: profile?.template ?? inspection?.chatTemplate ?? "",
      ...(profile?.system !== undefined ? { system: profile.system } : {}),
      ...(profile && profile.messages.length > 0
        ? { messages: profile.messages.map((turn) => ({ role: turn.role, content: turn.text })) }
        : {}),
      details: details(manifest),
      model_info: modelInfo,
      capabilities,
      modified_at: manifest?.createdAt ?? now(),
    });
  },
};

function progressStatus(progress: PullProgress): Record<string, unknown> {
  switch (progress.phase) {
    case "resolving":
      return { status: "pulling manifest" };
    case "downloading":
      return {
        status: `pulling ${progress.name}`,
        digest: progress.name,
        total: progress.totalBytes ?? 0,
        completed: progress.completedBytes,
      };
    case "verifying":
      return { status: "verifying sha256 digest" };
    case "writing manifest":
      return { status: "writing manifest" };
    case "done":
      return { status: "pulled", total: progress.totalBytes ?? progress.completedBytes, completed: progress.completedBytes };
  }
}

const pullRoute: ApiRoute = {
  method: "POST",
  path: "/api/pull",
  flavor: "ollama",
  changesStore: true,
  handler: async (context, call, reply) => {
    const body = requestObject(call.body);
    const reference = requestModelName(body);
    const stream = optionalBoolean(body, "stream") ?? true;
    const write = stream ? reply.ndjson() : null;
    let last = "";
    await pullModel(
      context.storeScope,
      { reference },
      (progress) => {
        const status = progressStatus(progress);
        const key = JSON.stringify(status);
        if (key !== last) write?.(status);
        last = key;
      },
      call.signal,
    );
    if (write) {
      write({ status: "success" });
      reply.end();
    } else reply.json(200, { status: "success" });
  },
};

const createRoute: ApiRoute = {
  method: "POST",
  path: "/api/create",
  flavor: "ollama",
  changesStore: true,
  handler: async (context, call, reply) => {
    const body = requestObject(call.body);
    const name = ApiModels.normalize(requestModelName(body));
    const modelfile = modelfileFromCreateRequest(body);
    const stream = optionalBoolean(body, "stream") ?? true;
    const write = stream ? reply.ndjson() : null;
    write?.({ status: "parsing modelfile" });
    await createModel(
      context.storeScope,
      { name, modelfile, baseDir: os.homedir() },
      (progress) => write?.(progressStatus(progress)),
      call.signal,
    );
    if (write) {
      write({ status: "writing manifest" });
      write({ status: "success" });
      reply.end();
    } else reply.json(200, { status: "success" });
  },
};

const copyRoute: ApiRoute = {
  method: "POST",
  path: "/api/copy",
  flavor: "ollama",
  changesStore: true,
  handler: async (context, call, reply) => {
    const body = requestObject(call.body);
    const source = ApiModels.normalize(requiredString(body, "source"));
    const destination = ApiModels.normalize(requiredString(body, "destination"));
    await context.engine.store.copy(source, destination);
    reply.json(200, {});
  },
};

const deleteRoute: ApiRoute = {
  method: "DELETE",
  path: "/api/delete",
  flavor: "ollama",
  changesStore: true,
  handler: async (context, call, reply) => {
    const body = requestObject(call.body);
    const name = ApiModels.normalize(requestModelName(body));
    await removeModel(context.storeScope, { name });
    reply.json(200, {});
  },
};

const versionRoute: ApiRoute = {
  method: "GET",
  path: "/api/version",
  flavor: "ollama",
  handler: async (context, _call, reply) => {
    reply.json(200, { version: ollamaCompatibilityVersion, hearth: context.version });
  },
};

const rootRoute: ApiRoute = {
  method: "GET",
  path: "/",
  flavor: "ollama",
  handler: async (_context, _call, reply) => {
    reply.text(200, "Ollama is running");
  },
};

export const ollamaRoutes: readonly ApiRoute[] = [
  rootRoute,
  generateRoute,
  chatRoute,
  embedRoute,
  embeddingsRoute,
  tagsRoute,
  psRoute,
  showRoute,
  createRoute,
  copyRoute,
  deleteRoute,
  pullRoute,
  versionRoute,
];
