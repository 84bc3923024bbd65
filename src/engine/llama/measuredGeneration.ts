// One generation, run and measured: stop sequences matched on the text (so none reaches the caller),
// the tokens evaluated, reused and produced, the first token's time and the speed; and the
// translation of the request's sampling options and node-llama-cpp's stop reasons and errors.
import type { GenerateResult, GenerationOptions, StopReason, TokenUsage } from "../../common/chat/chatTypes";
import { EngineError, errorText } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import { StopSequenceMatcher } from "../../common/chat/stopSequences";
import type { ChunkSink, GenerationState } from "./loadedModel";

/** Told of each generated token (the thread governor paces itself on them). */
export interface TokenPace {
  generationStarted(): void;
  tokenGenerated(): void;
  generationEnded(): void;
}

/**
 * Runs one generation and measures what it evaluated, reused and produced. Stop sequences are
 * matched here, on the text, so none ever reaches the caller and generation ends within a token.
 */
export async function measureGeneration(
  state: Pick<GenerationState, "sequence">,
  mode: "chat" | "completion",
  onChunk: ChunkSink,
  stops: readonly string[] | undefined,
  signal: AbortSignal | undefined,
  run: (
    onText: (text: string) => void,
    onToken: (tokens: readonly unknown[]) => void,
    signal: AbortSignal,
  ) => Promise<{ text: string; stopReason: StopReason }>,
  pace?: TokenPace,
): Promise<GenerateResult> {
  const meter = state.sequence.tokenMeter;
  const inputBefore = meter.usedInputTokens;
  const outputBefore = meter.usedOutputTokens;
  const started = performance.now();
  let firstTokenAt: number | null = null;
  let produced = 0;
  let shown = "";
  const matcher = new StopSequenceMatcher(stops ?? []);
  const controller = new AbortController();
  const forwardAbort = (): void => controller.abort();
  if (signal?.aborted) controller.abort();
  else signal?.addEventListener("abort", forwardAbort, { once: true });
  const emit = (text: string): void => {
    if (!text) return;
    if (firstTokenAt === null) firstTokenAt = performance.now();
    shown += text;
    onChunk(text);
  };
  let result: { text: string; stopReason: StopReason };
  pace?.generationStarted();
  try {
    result = await run(
      (text) => {
        const step = matcher.push(text);
        emit(step.emit);
        if (step.stopped) controller.abort();
      },
      (tokens) => {
        produced += tokens.length;
        pace?.tokenGenerated();
      },
      controller.signal,
    ).catch((error: unknown) => {
      throw mapGenerationError(error);
    });
  } finally {
    pace?.generationEnded();
    signal?.removeEventListener("abort", forwardAbort);
  }
  if (matcher.stopped) result = { text: shown, stopReason: "stopSequence" };
  else if (matcher.active) {
    emit(matcher.flush());
    result = { ...result, text: shown };
  }
  const ended = performance.now();
  const evaluatedPromptTokens = meter.usedInputTokens - inputBefore;
  // The sequence's meter counts the tokens the model sampled, which maxTokens bounds. The
  // onToken count can be larger: LlamaChat holds back the start of an answer (to detect segments
  // and function calls) and releases the held text re-tokenized, one token per character with a
  // byte-level vocabulary, so a 3-token answer reported 7. It stands in only when the meter
  // recorded nothing.
  const metered = meter.usedOutputTokens - outputBefore;
  const outputTokens = metered > 0 ? metered : produced;
  const promptTokens = Math.max(state.sequence.contextTokens.length - outputTokens, evaluatedPromptTokens);
  const generationMs = firstTokenAt === null ? ended - started : ended - firstTokenAt;
  const usage: TokenUsage = {
    promptTokens,
    evaluatedPromptTokens,
    reusedPromptTokens: Math.max(0, promptTokens - evaluatedPromptTokens),
    outputTokens,
    firstTokenMs: firstTokenAt === null ? null : firstTokenAt - started,
    durationMs: ended - started,
    tokensPerSecond: generationMs > 0 ? (outputTokens / generationMs) * 1000 : 0,
  };
  return { text: result.text, mode, stopReason: result.stopReason, usage };
}

export function samplingOptions(options: GenerationOptions | undefined): {
  maxTokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  seed?: number;
  repeatPenalty?: { penalty: number };
} {
  if (!options) return {};
  return {
    ...(options.maxTokens !== undefined ? { maxTokens: options.maxTokens } : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.topK !== undefined ? { topK: options.topK } : {}),
    ...(options.topP !== undefined ? { topP: options.topP } : {}),
    ...(options.minP !== undefined ? { minP: options.minP } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.repeatPenalty !== undefined ? { repeatPenalty: { penalty: options.repeatPenalty } } : {}),
  };
}

export function mapStopReason(reason: string | undefined): StopReason {
  switch (reason) {
    case "abort":
      return "cancelled";
    case "maxTokens":
      return "maxTokens";
    case "customStopTrigger":
    case "stopGenerationTrigger":
      return "stopSequence";
    default:
      return "endOfText";
  }
}

export function mapGenerationError(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const text = errorText(error);
  if (/context size|context shift|too small/i.test(text)) {
    return new EngineError(
      "badRequest",
      localize(
        "The prompt does not fit in the model's context window: {0}. Shorten the prompt or raise the context size (setting hearth.contextSize).",
        text,
      ),
      text,
    );
  }
  return new EngineError("internal", localize("Generation failed: {0}. See the Hearth log for details.", text), text);
}
