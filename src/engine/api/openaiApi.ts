// OpenAI's API over Hearth's engine: /v1/chat/completions (server-sent events when streamed,
// ending with `data: [DONE]`), /v1/completions, /v1/embeddings (float or base64) and /v1/models.
// Objects, finish reasons, usage and error objects follow OpenAI's API reference, so the
// official `openai` clients and LangChain's OpenAI integration work when pointed at Hearth.
import { randomBytes } from "node:crypto";
import type { GenerateResult } from "../../common/chat/chatTypes";
import { EngineError } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import { isJsonObject, optionalBoolean, optionalNumber, optionalString, requestObject, requiredString, splitConversation } from "../../common/api/ollamaApiTypes";
import { conversationMessages, conversationUsesTools, requestReasoningEffort, requestToolChoice, requestTools } from "../../common/api/toolMessages";
import type { ChatRespondResult } from "../../common/engine/engineProtocol";
import { respondWithTools } from "./apiToolChat";
import { mapOpenaiOptions, mapResponseFormat, openaiFinishReason, openaiMessages } from "../../common/api/openaiApiTypes";
import { ApiModels } from "./apiModels";
import type { ApiRoute } from "./apiRoutes";
import { textCoalescer } from "./apiStreaming";
import { infillOnLease, infillOptionsFrom } from "./infillApi";
import { answerConversation, embedTexts, normalizeVector } from "./ollamaApi";

function newId(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString("hex")}`;
}

function unixSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function usageOf(result: Pick<GenerateResult, "usage">): {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
} {
  return {
    prompt_tokens: result.usage.promptTokens,
    completion_tokens: result.usage.outputTokens,
    total_tokens: result.usage.promptTokens + result.usage.outputTokens,
    // The part of the prompt reused from the KV cache, as OpenAI (and Ollama's bridge) report it.
    prompt_tokens_details: { cached_tokens: result.usage.reusedPromptTokens },
  };
}

function wantsUsage(body: Record<string, unknown>): boolean {
  return isJsonObject(body.stream_options) && body.stream_options.include_usage === true;
}

/** OpenAI's `tool_calls` for a message: the arguments as a JSON string. */
function openaiToolCalls(toolCalls: ChatRespondResult["toolCalls"]): Array<Record<string, unknown>> {
  return toolCalls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: JSON.stringify(call.arguments) } }));
}

const chatCompletionsRoute: ApiRoute = {
  method: "POST",
  path: "/v1/chat/completions",
  flavor: "openai",
  handler: async (context, call, reply) => {
    const body = requestObject(call.body);
    const model = requiredString(body, "model");
    const messages = conversationMessages(body);
    const tools = requestTools(body);
    const toolChoice = requestToolChoice(body);
    const parallelToolCalls = optionalBoolean(body, "parallel_tool_calls");
    const think = requestReasoningEffort(body);
    // Tools, tool results, reasoning: the engine's chatRespond; a plain conversation the chat session path.
    let withTools = tools.length > 0 || think !== undefined || conversationUsesTools(messages);
    const conversation = withTools ? null : splitConversation(openaiMessages(body));
    const options = { ...mapOpenaiOptions(body), ...mapResponseFormat(body) };
    const stream = optionalBoolean(body, "stream") ?? false;
    const message = conversation ? conversation.message : messages.some((item) => item.role === "user" || item.role === "tool") ? "" : null;
    if (message === null) {
      throw new EngineError("badRequest", localize("Invalid request: \"messages\" holds no user message to answer."));
    }
    const lease = await context.models.acquire(model, { generates: true });
    try {
      const id = newId("chatcmpl");
      const created = unixSeconds();
      const chunk = (delta: Record<string, unknown>, finishReason: string | null): Record<string, unknown> => ({
        id,
        object: "chat.completion.chunk",
        created,
        model: lease.name,
        system_fingerprint: "hearth",
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      });
      // A thinking model's reasoning comes back apart from the answer (reasoning_content).
      if (!withTools) withTools = (await context.engine.chatCapabilities({ modelId: lease.info.modelId })).thinking;
      const send = stream ? reply.sse() : null;
      send?.(chunk({ role: "assistant", content: "" }, null));
      let result: GenerateResult & Partial<Pick<ChatRespondResult, "thinking" | "toolCalls">>;
      if (withTools) {
        result = await respondWithTools(
          context,
          {
            modelId: lease.info.modelId,
            messages,
            defaultSystemPrompt: "",
            tools,
            ...(toolChoice !== undefined ? { toolChoice } : {}),
            ...(parallelToolCalls !== undefined ? { parallelToolCalls } : {}),
            ...(think !== undefined ? { think, thinkLeniently: true } : {}),
            options,
          },
          send
            ? {
                text: (content) => send(chunk({ content }, null)),
                thinking: (reasoning) => send(chunk({ reasoning_content: reasoning }, null)),
                toolCall: (piece) =>
                  send(
                    chunk(
                      {
                        tool_calls: [
                          piece.arguments === ""
                            ? { index: piece.index, id: piece.id, type: "function", function: { name: piece.name, arguments: "" } }
                            : { index: piece.index, function: { arguments: piece.arguments } },
                        ],
                      },
                      null,
                    ),
                  ),
              }
            : null,
          call.signal,
        );
      } else {
        const pieces = textCoalescer((text) => send?.(chunk({ content: text }, null)));
        result = await answerConversation(
          context,
          lease.info.modelId,
          { system: conversation!.system, history: conversation!.history, message },
          options,
          pieces.push,
          call.signal,
        );
        pieces.flush();
      }
      call.note({ stopReason: result.stopReason, outputTokens: result.usage.outputTokens });
      const toolCalls = result.toolCalls ?? [];
      const finishReason = toolCalls.length > 0 ? "tool_calls" : openaiFinishReason(result.stopReason);
      if (send) {
        send(chunk({}, finishReason));
        if (wantsUsage(body)) {
          send({ id, object: "chat.completion.chunk", created, model: lease.name, system_fingerprint: "hearth", choices: [], usage: usageOf(result) });
        }
        send("[DONE]");
        reply.end();
        return;
      }
      const answer = {
        role: "assistant",
        content: toolCalls.length > 0 && result.text === "" ? null : result.text,
        ...(result.thinking ? { reasoning_content: result.thinking } : {}),
        ...(toolCalls.length > 0 ? { tool_calls: openaiToolCalls(toolCalls) } : {}),
        refusal: null,
      };
      reply.json(200, {
        id,
        object: "chat.completion",
        created,
        model: lease.name,
        system_fingerprint: "hearth",
        choices: [{ index: 0, message: answer, logprobs: null, finish_reason: finishReason }],
        usage: usageOf(result),
      });
    } finally {
      lease.release(undefined);
    }
  },
};

const completionsRoute: ApiRoute = {
  method: "POST",
  path: "/v1/completions",
  flavor: "openai",
  handler: async (context, call, reply) => {
    const body = requestObject(call.body);
    const model = requiredString(body, "model");
    let prompt = optionalString(body, "prompt");
    if (prompt === undefined && Array.isArray(body.prompt)) {
      if (body.prompt.length !== 1 || typeof body.prompt[0] !== "string") {
        throw new EngineError("badRequest", localize("Invalid request: \"prompt\" must be one string (Hearth completes one prompt per request)."));
      }
      prompt = body.prompt[0];
    }
    if (prompt === undefined) throw new EngineError("badRequest", localize("Invalid request: \"prompt\" must be one string (Hearth completes one prompt per request)."));
    // With a suffix: fill in the middle, `prompt` before the cursor and `suffix` after it.
    const suffix = optionalString(body, "suffix");
    const echo = optionalBoolean(body, "echo") ?? false;
    const options = mapOpenaiOptions(body);
    const stream = optionalBoolean(body, "stream") ?? false;
    const lease = await context.models.acquire(model, { generates: true });
    try {
      const id = newId("cmpl");
      const created = unixSeconds();
      const chunk = (text: string, finishReason: string | null): Record<string, unknown> => ({
        id,
        object: "text_completion",
        created,
        model: lease.name,
        system_fingerprint: "hearth",
        choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }],
      });
      const send = stream ? reply.sse() : null;
      if (send && echo) send(chunk(prompt, null));
      const pieces = textCoalescer((text) => send?.(chunk(text, null)));
      const result = suffix
        ? await infillOnLease(context, lease, { prefix: prompt, suffix, options: infillOptionsFrom(options) }, pieces.push, call.signal)
        : await context.engine.generate({ modelId: lease.info.modelId, prompt, mode: "completion", options, priority: "interactive" }, pieces.push, call.signal);
      pieces.flush();
      call.note({ stopReason: result.stopReason, outputTokens: result.usage.outputTokens });
      const finishReason = openaiFinishReason(result.stopReason);
      if (send) {
        send(chunk("", finishReason));
        if (wantsUsage(body)) send({ id, object: "text_completion", created, model: lease.name, choices: [], usage: usageOf(result) });
        send("[DONE]");
        reply.end();
        return;
      }
      reply.json(200, {
        id,
        object: "text_completion",
        created,
        model: lease.name,
        system_fingerprint: "hearth",
        choices: [{ text: echo ? prompt + result.text : result.text, index: 0, logprobs: null, finish_reason: finishReason }],
        usage: usageOf(result),
      });
    } finally {
      lease.release(undefined);
    }
  },
};

function base64Vector(vector: readonly number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString("base64");
}

const embeddingsRoute: ApiRoute = {
  method: "POST",
  path: "/v1/embeddings",
  flavor: "openai",
  handler: async (context, call, reply) => {
    const body = requestObject(call.body);
    const model = requiredString(body, "model");
    const input = body.input;
    let texts: string[];
    if (typeof input === "string") texts = [input];
    else if (Array.isArray(input) && input.every((item) => typeof item === "string")) texts = input as string[];
    else {
      throw new EngineError(
        "badRequest",
        localize("Invalid request: \"input\" must be a string or a list of strings (Hearth does not take token arrays)."),
      );
    }
    const format = optionalString(body, "encoding_format") ?? "float";
    if (format !== "float" && format !== "base64") {
      throw new EngineError("badRequest", localize("Invalid request: \"{0}\" must be {1}.", "encoding_format", "\"float\" | \"base64\""));
    }
    const dimensions = optionalNumber(body, "dimensions", true);
    const lease = await context.models.acquire(model);
    try {
      const { vectors, tokens } = await embedTexts(context, lease.info, texts, call.signal);
      reply.json(200, {
        object: "list",
        data: vectors.map((vector, index) => {
          const normalized = normalizeVector(vector, dimensions);
          return { object: "embedding", index, embedding: format === "base64" ? base64Vector(normalized) : normalized };
        }),
        model: lease.name,
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      });
    } finally {
      lease.release(undefined);
    }
  },
};

function modelObject(name: string, createdAt: string): Record<string, unknown> {
  const created = Date.parse(createdAt);
  return { id: name, object: "model", created: Number.isFinite(created) ? Math.floor(created / 1000) : 0, owned_by: "hearth" };
}

const modelsRoute: ApiRoute = {
  method: "GET",
  path: "/v1/models",
  flavor: "openai",
  handler: async (context, _call, reply) => {
    const models = await context.engine.store.list();
    reply.json(200, {
      object: "list",
      data: models.filter((model) => model.status === "ok" && model.manifest).map((model) => modelObject(model.name, model.manifest!.createdAt)),
    });
  },
};

const modelRoute: ApiRoute = {
  method: "GET",
  path: /^\/v1\/models\/.+$/,
  flavor: "openai",
  handler: async (context, call, reply) => {
    const requested = decodeURIComponent(call.path.slice("/v1/models/".length));
    const name = ApiModels.normalize(requested);
    const stored = await context.engine.store.get(name);
    if (!stored?.manifest) {
      throw new EngineError("modelNotFound", localize("The model \"{0}\" does not exist in Hearth: it is not installed. Pull it first (hearth pull {0}).", requested));
    }
    reply.json(200, modelObject(stored.name, stored.manifest.createdAt));
  },
};

export const openaiRoutes: readonly ApiRoute[] = [chatCompletionsRoute, completionsRoute, embeddingsRoute, modelsRoute, modelRoute];
