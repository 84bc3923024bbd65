// The words of a generation that every side shares: sampling options, how a prompt is wrapped,
// why a generation stopped, what it cost, and a past turn of a conversation. The engine protocol,
// Modelfile profiles, the HTTP APIs and the remote-engine client all speak in these.

export interface GenerationOptions {
  maxTokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  minP?: number;
  seed?: number;
  repeatPenalty?: number;
  stop?: string[];
  /**
   * A GBNF grammar (llama.cpp's grammar format) the output must follow. At most one of `grammar`
   * and `jsonSchema`; when `options` gives either, neither is taken from `defaults`.
   */
  grammar?: string;
  /** A JSON schema the output must follow (a JSON value that parses and matches it). */
  jsonSchema?: Record<string, unknown>;
}

/**
 * `chat` wraps the prompt in the model's chat template; `completion` continues the raw text;
 * `auto` chooses chat when the model has a chat template and completion otherwise.
 */
export type PromptMode = "auto" | "chat" | "completion";

export type StopReason = "endOfText" | "maxTokens" | "stopSequence" | "cancelled";

export interface TokenUsage {
  /** Tokens in the context once the prompt was in place (history + new prompt). */
  promptTokens: number;
  /** Prompt tokens that had to be evaluated in this request; the rest came from the KV cache. */
  evaluatedPromptTokens: number;
  /** Prompt tokens reused from the KV cache. */
  reusedPromptTokens: number;
  outputTokens: number;
  /** Milliseconds from the start of the job to the first streamed text. */
  firstTokenMs: number | null;
  /** Milliseconds the job ran (not counting time queued). */
  durationMs: number;
  /** Output tokens per second of generation. */
  tokensPerSecond: number;
}

export interface GenerateResult {
  text: string;
  mode: Exclude<PromptMode, "auto">;
  stopReason: StopReason;
  usage: TokenUsage;
}

/** A past turn, to restore a conversation into a fresh engine (after a restart or a reload). */
export interface ChatTurn {
  role: "user" | "assistant";
  text: string;
}
