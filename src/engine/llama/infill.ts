// Code completion (fill-in-the-middle) on a loaded model: a context and sequence of its own per
// model, so chat and completion never evict each other's KV cache; the prompt from infillPrompt.ts,
// evaluated with KV reuse (node-llama-cpp keeps the longest common start of the cached tokens and the
// new prompt, so a keystroke evaluates only what changed); and the caps a completion needs on a
// CPU: a token limit, a time limit, the end of the line, and cancellation by the next keystroke.
//
// Scheduling: a completion does not queue behind the scheduler's one-at-a-time jobs. It runs beside
// them on its own context (Scheduler.runBeside), so it never waits for a chat answer to finish;
// while both run, node-llama-cpp's thread splitter hands the cores to one context's decode at a
// time, so a completion waits at most one decode step of the chat. Background jobs (the indexer's
// embeddings) do not start while a completion runs. A newer completion on the same model cancels the
// one still in flight, which stops within one decode step, before the newer one starts.
import type { LlamaContext, LlamaContextSequence, Token } from "node-llama-cpp";
import type { InfillParams, InfillResult } from "../../common/engine/engineProtocol";
import type { StopReason } from "../../common/chat/chatTypes";
import { EngineError, errorText } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import type { Scheduler } from "../scheduler";
import type { ChunkSink, LoadedModel } from "./loadedModel";
import type { TokenPace } from "./measuredGeneration";
import { mapStopReason, measureGeneration } from "./measuredGeneration";
import type { FimTokens, InfillOrder } from "./infillPrompt";
import { buildInfillPrompt, fimTokensOf, infillOrderFor } from "./infillPrompt";

/** The catalogue's code model with infill tokens that a refusal points to. */
export const recommendedInfillModel = "qwen2.5-coder:1.5b";

export const infillDefaults = {
  maxTokens: 64,
  timeoutMs: 2000,
  temperature: 0,
  prefixTokens: 1024,
  suffixTokens: 256,
  extraTokens: 1024,
  /** The completion context's size at most. */
  contextSize: 4096,
} as const;

/** A model's completion context, made on first use and disposed with the model. */
export interface InfillState {
  context: LlamaContext;
  sequence: LlamaContextSequence;
  fim: FimTokens;
  order: InfillOrder;
  /** The request running (or waiting) now; a newer one aborts it. */
  current: AbortController | null;
  /** Settles when the request before the newest has ended. */
  tail: Promise<void>;
}

export interface InfillRuntime {
  lib: typeof import("node-llama-cpp");
  scheduler: Scheduler;
  /** The thread governor, told when a completion starts and ends (its prompt gets every core). */
  governor: Pick<TokenPace, "generationStarted" | "generationEnded"> | undefined;
}

/** The refusal for a model without infill tokens. */
export function infillRefusal(modelName: string): EngineError {
  return new EngineError(
    "notSupported",
    localize(
      "{0} cannot complete code: its GGUF has no fill-in-the-middle tokens (prefix, suffix and middle). Pull a code model that has them, for example {1} (hearth pull {1}), and choose it for completion.",
      modelName,
      recommendedInfillModel,
    ),
  );
}

async function createInfillState(runtime: InfillRuntime, loaded: LoadedModel): Promise<InfillState> {
  const fim = fimTokensOf(loaded.model);
  if (!fim) throw infillRefusal(loaded.info.name);
  const contextSize = Math.min(infillDefaults.contextSize, loaded.info.trainContextSize ?? loaded.info.contextSize);
  let context: LlamaContext;
  try {
    context = await loaded.model.createContext({
      contextSize,
      threads: loaded.info.threads,
      sequences: 1,
      ...(loaded.loraAdapters && loaded.loraAdapters.length > 0
        ? { lora: { adapters: loaded.loraAdapters.map((adapter) => ({ filePath: adapter.path, scale: adapter.scale ?? 1 })) } }
        : {}),
    });
  } catch (error) {
    throw new EngineError(
      error instanceof runtime.lib.InsufficientMemoryError ? "outOfMemory" : "internal",
      localize(
        "Hearth could not prepare {0} for code completion: {1}. Close other programs or choose a smaller model for completion.",
        loaded.info.name,
        errorText(error),
      ),
      errorText(error),
    );
  }
  return { context, sequence: context.getSequence(), fim, order: infillOrderFor(fim), current: null, tail: Promise.resolve() };
}

function emptyResult(stopReason: StopReason): InfillResult {
  return {
    text: "",
    stopReason,
    usage: { promptTokens: 0, evaluatedPromptTokens: 0, reusedPromptTokens: 0, outputTokens: 0, firstTokenMs: null, durationMs: 0, tokensPerSecond: 0 },
  };
}

/** Runs one completion (see the file's header). A request overtaken by a newer one ends with stopReason "cancelled". */
export async function runInfill(
  runtime: InfillRuntime,
  loaded: LoadedModel,
  params: InfillParams,
  onChunk: ChunkSink,
  signal: AbortSignal | undefined,
): Promise<InfillResult> {
  if (!loaded.info.supportsInfill) throw infillRefusal(loaded.info.name);
  if (!loaded.infill) {
    loaded.infill = createInfillState(runtime, loaded);
    loaded.infill.catch(() => {
      loaded.infill = null;
    });
  }
  const state = await loaded.infill;

  // This request replaces the one in flight; it starts once that one has stopped.
  state.current?.abort();
  const mine = new AbortController();
  state.current = mine;
  const forwardAbort = (): void => mine.abort();
  if (signal?.aborted) mine.abort();
  else signal?.addEventListener("abort", forwardAbort, { once: true });
  const previous = state.tail;
  let release!: () => void;
  state.tail = new Promise<void>((resolve) => (release = resolve));
  try {
    await previous;
    if (mine.signal.aborted) return emptyResult("cancelled");
    return await runtime.scheduler.runBeside(`complete on ${loaded.info.name}`, () => completeOn(runtime, loaded, state, params, onChunk, mine.signal));
  } finally {
    signal?.removeEventListener("abort", forwardAbort);
    if (state.current === mine) state.current = null;
    release();
  }
}

async function completeOn(
  runtime: InfillRuntime,
  loaded: LoadedModel,
  state: InfillState,
  params: InfillParams,
  onChunk: ChunkSink,
  signal: AbortSignal,
): Promise<InfillResult> {
  const options = params.options ?? {};
  const maxTokens = Math.max(0, Math.floor(options.maxTokens ?? infillDefaults.maxTokens));
  const timeoutMs = options.timeoutMs ?? infillDefaults.timeoutMs;
  const order = options.order ?? state.order;
  // The prompt and the answer must fit the context: the extra context gives way first, then the
  // prefix and suffix in proportion.
  const room = state.context.contextSize - maxTokens - 8;
  let prefixTokens = options.prefixTokens ?? infillDefaults.prefixTokens;
  let suffixTokens = options.suffixTokens ?? infillDefaults.suffixTokens;
  let extraTokens = options.extraTokens ?? infillDefaults.extraTokens;
  if (prefixTokens + suffixTokens + extraTokens > room) {
    extraTokens = Math.max(0, room - prefixTokens - suffixTokens);
    if (prefixTokens + suffixTokens > room) {
      const scale = Math.max(0, room) / (prefixTokens + suffixTokens);
      prefixTokens = Math.floor(prefixTokens * scale);
      suffixTokens = Math.floor(suffixTokens * scale);
    }
  }
  const prompt = buildInfillPrompt(
    loaded.model,
    state.fim,
    order,
    { prefix: params.prefix, suffix: params.suffix, extra: params.extra ?? [], path: params.path },
    { prefixTokens, suffixTokens, extraTokens },
  );
  const fimStops: Token[][] = [state.fim.fileSep, state.fim.repoName, state.fim.prefix, state.fim.suffix, state.fim.middle]
    .filter((token): token is Token => token !== null)
    .map((token) => [token]);
  const pace: TokenPace = {
    generationStarted: () => runtime.governor?.generationStarted(),
    tokenGenerated: () => undefined,
    generationEnded: () => runtime.governor?.generationEnded(),
  };
  // What the KV cache already holds of this prompt. node-llama-cpp keeps the common start and
  // evaluates the rest, always including the last prompt token (its logits start the answer); the
  // sequence's token meter counts that last token as output, so the figures are taken from here.
  const bos = loaded.model.tokens.bos;
  const promptLength = prompt.tokens.length + (loaded.model.tokens.shouldPrependBosToken && bos !== null ? 1 : 0);
  const common = commonStart(state.sequence.contextTokens, loaded.model.tokens.shouldPrependBosToken && bos !== null ? [bos, ...prompt.tokens] : prompt.tokens);
  const reused = maxTokens === 0 ? common : Math.min(common, promptLength - 1);
  let generated = 0;
  const completion = new runtime.lib.LlamaCompletion({ contextSequence: state.sequence });
  try {
    const result = await measureGeneration(state, "completion", onChunk, options.stop, signal, async (onText, onToken, runSignal) => {
      if (maxTokens === 0) {
        // Only evaluate the prompt (a client warming the cache with its extra context).
        await evaluateOnly(loaded, state.sequence, prompt.tokens);
        return { text: "", stopReason: "maxTokens" };
      }
      const local = new AbortController();
      const forward = (): void => local.abort();
      if (runSignal.aborted) local.abort();
      else runSignal.addEventListener("abort", forward, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        local.abort();
      }, timeoutMs);
      let text = "";
      let lineEnded = false;
      try {
        const response = await completion.generateCompletionWithMeta(prompt.tokens, {
          maxTokens,
          temperature: options.temperature ?? infillDefaults.temperature,
          signal: local.signal,
          stopOnAbortSignal: true,
          customStopTriggers: fimStops,
          onToken: (tokens) => {
            generated += tokens.length;
            onToken(tokens);
          },
          onTextChunk: (chunk) => {
            if (lineEnded || chunk === "") return;
            let piece = chunk;
            if (options.singleLine) {
              // The end of the line ends the completion once it holds some text (a leading newline does not).
              for (let index = piece.indexOf("\n"); index >= 0; index = piece.indexOf("\n", index + 1)) {
                if ((text + piece.slice(0, index)).trim() !== "") {
                  piece = piece.slice(0, index);
                  lineEnded = true;
                  break;
                }
              }
            }
            text += piece;
            onText(piece);
            if (lineEnded) local.abort();
          },
        });
        const stopReason: StopReason = lineEnded ? "stopSequence" : timedOut ? "maxTokens" : mapStopReason(response.metadata.stopReason);
        return { text, stopReason };
      } finally {
        clearTimeout(timer);
        runSignal.removeEventListener("abort", forward);
      }
    }, pace);
    const usage = { ...result.usage, promptTokens: promptLength, reusedPromptTokens: reused, evaluatedPromptTokens: promptLength - reused, outputTokens: generated };
    return { text: result.text, stopReason: result.stopReason, usage, truncated: prompt.truncated };
  } finally {
    completion.dispose({ disposeSequence: false });
  }
}

function commonStart(a: readonly Token[], b: readonly Token[]): number {
  let index = 0;
  while (index < a.length && index < b.length && a[index] === b[index]) index++;
  return index;
}

/** Evaluates a prompt without generating, reusing what the sequence already holds. */
async function evaluateOnly(loaded: LoadedModel, sequence: LlamaContextSequence, tokens: Token[]): Promise<void> {
  const bos = loaded.model.tokens.bos;
  const all = loaded.model.tokens.shouldPrependBosToken && bos !== null ? [bos, ...tokens] : tokens;
  await sequence.adaptStateToTokens(all, false);
  const rest = all.slice(sequence.nextTokenIndex);
  if (rest.length > 0) await sequence.evaluateWithoutGeneratingNewTokens(rest);
}
