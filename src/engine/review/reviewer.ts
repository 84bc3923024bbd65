// Code review on a loaded model: the targets are planned into chunks that fit the context (counted
// with the model's tokenizer), each chunk is one generation held to the findings JSON schema at
// review priority, and each answer is parsed and checked before its findings stream out. An
// answer that does not parse, or a finding that fails the checks, is counted and dropped; the
// review goes on. Cancelling stops the generation in flight and ends the review.
// On a remote engine (remoteReviewEngine) the same plan, prompts and checks run; the server holds
// the answer to the schema with its own structured output (Ollama's `format`, OpenAI's
// `response_format` json_schema), and prompt sizes are estimated, as the server's tokenizer is out
// of reach.
import { readFileSync } from "node:fs";
import type { CountTokensParams, CountTokensResult, GenerateParams, RemoteEngineConfig, ReviewParams, ReviewProgress, ReviewResult } from "../../common/engine/engineProtocol";
import type { GenerateResult } from "../../common/chat/chatTypes";
import { EngineError } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import type { ReviewFinding } from "../../common/review/reviewFindings";
import { findingsJsonSchema, parseFindingsAnswer } from "../../common/review/reviewFindings";
import type { ReviewPlan } from "../../common/review/reviewPrompt";
import { buildReviewPrompt, planReview } from "../../common/review/reviewPrompt";
import type { LlamaEngine } from "../llama/llamaEngine";
import { remoteEngineFor, remoteGenerateResult } from "../remote/remoteEngine";

export type ReviewEngine = Pick<LlamaEngine, "generate" | "countTokens">;

/**
 * The context a review on a remote engine plans for, and asks an Ollama server for (num_ctx):
 * Ollama's default, which OpenAI-compatible servers serving code models also give at least.
 */
export const remoteReviewContextTokens = 4096;

/**
 * Tokens a text is taken to need on a remote server, whose tokenizer is out of reach: one per three
 * UTF-8 bytes — about one per CJK character and at least one per four characters of code or
 * English for the tokenizers of today's code models, so plans err on the small side.
 */
export function estimateRemoteTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, "utf8") / 3);
}

/** A ReviewEngine that generates with `config.model` on the remote server, for runReview. */
export function remoteReviewEngine(config: RemoteEngineConfig): ReviewEngine {
  const remote = remoteEngineFor(config);
  const model = config.model.trim();
  return {
    countTokens(params: CountTokensParams): CountTokensResult {
      return { counts: params.texts.map(estimateRemoteTokens), contextSize: remoteReviewContextTokens };
    },
    async generate(params: GenerateParams, onChunk: (text: string) => void, signal?: AbortSignal): Promise<GenerateResult> {
      const started = performance.now();
      let first: number | null = null;
      const result = await remote.chat(
        {
          model,
          ...(params.systemPrompt !== undefined ? { system: params.systemPrompt } : {}),
          history: [],
          message: params.prompt,
          ...(params.options ? { options: params.options } : {}),
          contextSize: remoteReviewContextTokens,
        },
        (text) => {
          first ??= performance.now();
          onChunk(text);
        },
        signal,
      );
      return remoteGenerateResult(result, started, first);
    },
  };
}

export const reviewSystemPrompt = "You are a careful code reviewer. You answer only with JSON in the shape you are asked for.";

/** Room kept for the chat template's own tokens around the prompt. */
const templateAllowance = 256;

/** The chunks a review will run, with the model's tokenizer and context. */
/**
 * The answer budget when the caller sets none: 1,024 tokens, less on a small context (a quarter of
 * it, at least 256), so a 2,048-token model still has room for the code it reviews.
 */
export function reviewAnswerTokens(contextSize: number): number {
  return Math.max(256, Math.min(1024, Math.floor(contextSize / 4)));
}

export function planReviewFor(engine: ReviewEngine, params: ReviewParams): ReviewPlan {
  const { contextSize } = engine.countTokens({ modelId: params.modelId, texts: [] });
  const maxTokens = params.maxTokens ?? reviewAnswerTokens(contextSize);
  const fromContext = contextSize - maxTokens - templateAllowance;
  const budgetTokens = Math.min(params.budgetTokens ?? Infinity, fromContext);
  const count = (text: string): number => engine.countTokens({ modelId: params.modelId, texts: [text] }).counts[0]!;
  // The instructions and rules alone, with one short line of code, must fit.
  const smallest = count(buildReviewPrompt({ path: "file", language: "text" }, ["+ 1 | x"], "diff", params.rules ?? null));
  if (budgetTokens < smallest) {
    throw new EngineError(
      "badRequest",
      localize(
        "The model's context ({0} tokens) leaves too little room to review code with answers of {1} tokens. Load the model with a larger context, up to the length it was trained for (hearth.contextSize in VS Code, --ctx with hearth review), or use a model with a longer context, and review again.",
        contextSize,
        maxTokens,
      ),
    );
  }
  return planReview(params.targets, {
    budgetTokens,
    countTokens: count,
    rules: params.rules ?? null,
  });
}

/**
 * For end-to-end tests only: HEARTH_TEST_REVIEW_GRAMMAR names a GBNF file that holds the answers
 * instead of the findings schema, so the tiny fixture model (which answers with no findings) gives
 * a known one; its answer is parsed and checked like any other.
 */
function testReviewGrammar(): string | undefined {
  const file = process.env.HEARTH_TEST_REVIEW_GRAMMAR;
  return file ? readFileSync(file, "utf8") : undefined;
}

export async function runReview(
  engine: ReviewEngine,
  params: ReviewParams,
  onProgress: (progress: ReviewProgress) => void,
  signal?: AbortSignal,
): Promise<ReviewResult> {
  const started = performance.now();
  // The answer budget fits the context when the caller sets none (see reviewAnswerTokens).
  params = { ...params, maxTokens: params.maxTokens ?? reviewAnswerTokens(engine.countTokens({ modelId: params.modelId, texts: [] }).contextSize) };
  const plan = planReviewFor(engine, params);
  const schema = findingsJsonSchema({ maxFindings: params.maxFindings ?? 8 });
  const testGrammar = testReviewGrammar();
  const findings: ReviewFinding[] = [];
  let dropped = 0;
  let unreadableChunks = 0;
  let promptTokens = 0;
  let evaluatedPromptTokens = 0;
  let outputTokens = 0;
  let reviewedLines = 0;
  let cancelled = false;
  for (const [index, chunk] of plan.chunks.entries()) {
    if (signal?.aborted) {
      cancelled = true;
      break;
    }
    let result: GenerateResult;
    try {
      result = await engine.generate(
        {
          modelId: params.modelId,
          prompt: chunk.prompt,
          mode: "auto",
          systemPrompt: reviewSystemPrompt,
          options: {
            ...(testGrammar ? { grammar: testGrammar } : { jsonSchema: schema }),
            maxTokens: params.maxTokens ?? 1024,
            temperature: params.temperature ?? 0.2,
            ...(params.seed !== undefined ? { seed: params.seed } : {}),
          },
          priority: params.priority ?? "review",
        },
        () => undefined,
        signal,
      );
    } catch (error) {
      if (error instanceof EngineError && error.code === "cancelled") {
        cancelled = true;
        break;
      }
      throw error;
    }
    promptTokens += result.usage.promptTokens;
    evaluatedPromptTokens += result.usage.evaluatedPromptTokens;
    outputTokens += result.usage.outputTokens;
    if (result.stopReason === "cancelled" || signal?.aborted) {
      cancelled = true;
      break;
    }
    reviewedLines += chunk.reviewedLines;
    const checked = parseFindingsAnswer(result.text, [chunk.scope]);
    if (checked.unreadable) unreadableChunks++;
    dropped += checked.dropped;
    findings.push(...checked.findings);
    onProgress({
      kind: "review",
      path: chunk.path,
      findings: checked.findings,
      dropped: checked.dropped,
      chunksDone: index + 1,
      chunks: plan.chunks.length,
      fileDone: plan.chunks[index + 1]?.path !== chunk.path,
    });
  }
  return {
    findings,
    dropped,
    unreadableChunks,
    skipped: plan.skipped,
    chunks: plan.chunks.length,
    reviewedLines,
    promptTokens,
    evaluatedPromptTokens,
    outputTokens,
    durationMs: performance.now() - started,
    cancelled,
  };
}
