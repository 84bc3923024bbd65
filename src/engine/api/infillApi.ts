// Code completion (fill-in-the-middle) over the local HTTP API: llama.cpp server's `POST /infill`
// (as llama.vscode and llama.vim send it), and the shared piece behind Ollama's /api/generate and
// OpenAI's /v1/completions when they carry a `suffix`. All of them run the engine's infill (its own
// context per model, KV reuse while typing, the newer request cancelling the older).
import type { GenerationOptions } from "../../common/chat/chatTypes";
import type { InfillExtraChunk, InfillOptions, InfillResult } from "../../common/engine/engineProtocol";
import { EngineError } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import type { JsonObject } from "../../common/api/ollamaApiTypes";
import { isJsonObject, optionalBoolean, optionalNumber, optionalString, optionalStringList, requestObject } from "../../common/api/ollamaApiTypes";
import { recommendedInfillModel } from "../llama/infill";
import type { ModelLease } from "./apiModels";
import type { ApiContext, ApiRoute } from "./apiRoutes";
import { textCoalescer } from "./apiStreaming";

/** Ollama and OpenAI requests give no time cap; their token cap when they give none. */
const apiDefaultMaxTokens = 256;
const apiTimeoutMs = 600_000;

/** The engine's infill options for an Ollama or OpenAI request's generation options. */
export function infillOptionsFrom(options: GenerationOptions): InfillOptions {
  return {
    maxTokens: options.maxTokens ?? apiDefaultMaxTokens,
    timeoutMs: apiTimeoutMs,
    temperature: options.temperature ?? 0,
    ...(options.stop ? { stop: options.stop } : {}),
  };
}

/** Fill-in-the-middle on a leased model: `prompt` is the text before the cursor, `suffix` the text after. */
export function infillOnLease(
  context: ApiContext,
  lease: ModelLease,
  request: { prefix: string; suffix: string; extra?: InfillExtraChunk[]; options: InfillOptions },
  onText: (text: string) => void,
  signal: AbortSignal,
): Promise<InfillResult> {
  if (!lease.info.supportsInfill) {
    throw new EngineError(
      "notSupported",
      localize(
        "\"{0}\" cannot fill in the middle: its GGUF has no infill tokens (prefix, suffix and middle). Send the request without \"suffix\", or use a code model that has them, for example {1} (hearth pull {1}).",
        lease.name,
        recommendedInfillModel,
      ),
    );
  }
  return context.engine.infill(
    { modelId: lease.info.modelId, prefix: request.prefix, suffix: request.suffix, ...(request.extra ? { extra: request.extra } : {}), options: request.options },
    onText,
    signal,
  );
}

/**
 * The model a llama.cpp-style request completes with: the one it names, else a loaded model that
 * can complete code (the most recently loaded), else the catalogue's code model when installed.
 */
async function leaseInfillModel(context: ApiContext, body: JsonObject): Promise<ModelLease> {
  const named = optionalString(body, "model");
  if (named) return context.models.acquire(named, { generates: true });
  const loaded = context.engine
    .listModels()
    .filter((info) => info.supportsInfill && info.storeName !== null)
    .sort((a, b) => b.loadedAt - a.loadedAt)[0];
  if (loaded?.storeName) return context.models.acquire(loaded.storeName, { generates: true });
  if (await context.engine.store.get(recommendedInfillModel)) return context.models.acquire(recommendedInfillModel, { generates: true });
  throw new EngineError(
    "badRequest",
    localize(
      "No model that can complete code is loaded or installed, so /infill has nothing to run. Pull one (hearth pull {0}), or name an installed code model in \"model\".",
      recommendedInfillModel,
    ),
  );
}

function extraChunks(body: JsonObject): InfillExtraChunk[] {
  const raw = body.input_extra;
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw) || !raw.every((chunk) => isJsonObject(chunk) && typeof chunk.text === "string")) {
    throw new EngineError("badRequest", localize("Invalid request: \"{0}\" must be {1}.", "input_extra", "[{\"filename\": string, \"text\": string}]"));
  }
  return raw.map((chunk) => {
    const object = chunk as JsonObject;
    return { path: typeof object.filename === "string" ? object.filename : "", text: object.text as string };
  });
}

/** llama-server's stop_type for a stop reason. */
function stopType(reason: InfillResult["stopReason"]): "eos" | "limit" | "word" | "none" {
  switch (reason) {
    case "endOfText":
      return "eos";
    case "maxTokens":
      return "limit";
    case "stopSequence":
      return "word";
    default:
      return "none";
  }
}

/**
 * llama.cpp server's POST /infill: `input_prefix`, `input_suffix`, `input_extra` ([{filename, text}],
 * before the prefix), `prompt` (text typed after the prefix, llama.vscode's cursor line),
 * `n_predict` (0: only evaluate, to warm the cache), `t_max_predict_ms`, `stop`, `temperature`,
 * `stream`; the answer as llama-server gives it (`content`, `stop`, `stop_type`, `tokens_predicted`,
 * `tokens_evaluated`, `tokens_cached`, `truncated`, `timings`). Sampler settings other than the
 * temperature (top_k, top_p, samplers) are accepted and not used: completions are greedy by default.
 */
const infillRoute: ApiRoute = {
  method: "POST",
  path: "/infill",
  flavor: "openai",
  handler: async (context, call, reply) => {
    const body = requestObject(call.body);
    const prefix = (optionalString(body, "input_prefix") ?? "") + (optionalString(body, "prompt") ?? "");
    const suffix = optionalString(body, "input_suffix") ?? "";
    const extra = extraChunks(body);
    const nPredict = optionalNumber(body, "n_predict", true);
    const maxTokens = nPredict === undefined || nPredict < 0 ? apiDefaultMaxTokens : nPredict;
    const timeLimit = optionalNumber(body, "t_max_predict_ms");
    const temperature = optionalNumber(body, "temperature");
    const stop = optionalStringList(body, "stop")?.filter((item) => item !== "");
    const stream = optionalBoolean(body, "stream") ?? false;
    const options: InfillOptions = {
      maxTokens,
      timeoutMs: timeLimit !== undefined && timeLimit > 0 ? timeLimit : apiTimeoutMs,
      temperature: temperature ?? 0,
      ...(stop && stop.length > 0 ? { stop } : {}),
    };
    const lease = await leaseInfillModel(context, body);
    try {
      const send = stream ? reply.sse() : null;
      const pieces = textCoalescer((text) => send?.({ content: text, stop: false, id_slot: 0, multimodal: false, index: 0 }));
      const result = await infillOnLease(context, lease, { prefix, suffix, extra, options }, pieces.push, call.signal);
      pieces.flush();
      call.note({ stopReason: result.stopReason, outputTokens: result.usage.outputTokens });
      const usage = result.usage;
      const promptMs = usage.firstTokenMs ?? usage.durationMs;
      const predictedMs = Math.max(0, usage.durationMs - promptMs);
      const final = {
        content: send ? "" : result.text,
        id_slot: 0,
        stop: true,
        model: lease.name,
        tokens_predicted: usage.outputTokens,
        tokens_evaluated: usage.promptTokens,
        tokens_cached: usage.reusedPromptTokens,
        generation_settings: { n_predict: maxTokens, temperature: options.temperature, stop: options.stop ?? [], model: lease.name },
        prompt: "",
        has_new_line: result.text.includes("\n"),
        truncated: result.truncated ?? false,
        stop_type: stopType(result.stopReason),
        stopping_word: "",
        timings: {
          prompt_n: usage.evaluatedPromptTokens,
          prompt_ms: promptMs,
          prompt_per_token_ms: usage.evaluatedPromptTokens > 0 ? promptMs / usage.evaluatedPromptTokens : 0,
          prompt_per_second: promptMs > 0 ? (usage.evaluatedPromptTokens / promptMs) * 1000 : 0,
          predicted_n: usage.outputTokens,
          predicted_ms: predictedMs,
          predicted_per_token_ms: usage.outputTokens > 0 ? predictedMs / usage.outputTokens : 0,
          predicted_per_second: usage.tokensPerSecond,
        },
      };
      if (send) {
        send(final);
        reply.end();
      } else reply.json(200, final);
    } finally {
      lease.release(undefined);
    }
  },
};

export const llamaServerRoutes: readonly ApiRoute[] = [infillRoute];
