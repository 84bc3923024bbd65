// Chat sessions on the loaded models: each keeps its history, and a turn reuses the KV cache of
// the turns before it (node-llama-cpp re-evaluates only what differs from what the context
// holds). When a conversation outgrows the context, its oldest turns are dropped, and taken out
// of the cache so the rest is reused rather than evaluated again.
import type { ChatHistoryItem, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import type { ChatCreateParams, ChatCreateResult, ChatSendParams, ChatTurnResult } from "../../common/engine/engineProtocol";
import type { ChatTurn, GenerateResult, GenerationOptions } from "../../common/chat/chatTypes";
import type { LlamaGrammar } from "node-llama-cpp";
import type { Scheduler } from "../scheduler";
import type { LogLevel } from "../../common/engine/engineProtocol";
import { mergeProfileOptions } from "../../common/models/modelProfile";
import { EngineError } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import type { ChunkSink, GenerationState, LoadedModel } from "./loadedModel";
import { initialHistory, toHistoryItems } from "./chatHistory";

interface ChatSessionRecord {
  sessionId: string;
  modelId: string;
  systemPrompt: string | undefined;
  /** The full history once a turn ran; before that, the turns to restore. */
  history: ChatHistoryItem[] | null;
  restore: ChatTurn[];
  /** The profile's MESSAGE turns at the start of `restore`/`history` (after the system prompt): kept while anything else can go. */
  seeded: number;
  turns: number;
}

/** A chat history that fits the context with room for an answer (see `fitHistory`). */
interface ContextFit {
  history: ChatHistoryItem[];
  /** Seeded MESSAGE items still in `history`. */
  seeded: number;
  droppedTurns: number;
  /** The tokens the prompt will put in the context: history, the new message, the answer's lead-in. */
  tokens: Token[];
  /** How many tokens the dropped turns took. */
  droppedTokens: number;
  /** The answer's budget: the request's maxTokens, never past the end of the context. */
  maxTokens: number;
}

/** The least room for an answer a chat turn starts with; under it the message is refused. */
const minimumAnswerTokens = 16;

/** What chat sessions use of the engine (LlamaEngine): its models, scheduler and generation. */
export interface ChatHost {
  readonly scheduler: Scheduler;
  requireModel(modelId: string): LoadedModel;
  loadedModel(modelId: string): LoadedModel | undefined;
  generationState(loaded: LoadedModel): Promise<GenerationState>;
  grammarFor(loaded: LoadedModel, options: GenerationOptions | undefined): Promise<LlamaGrammar | undefined>;
  runChatTurn(
    state: GenerationState,
    message: string,
    options: GenerationOptions | undefined,
    onChunk: ChunkSink,
    signal: AbortSignal | undefined,
    extra?: { grammar?: LlamaGrammar | undefined; maxTokens?: number },
  ): Promise<GenerateResult>;
  log(level: LogLevel, message: string): void;
}

export class ChatSessions {
  private readonly sessions = new Map<string, ChatSessionRecord>();
  private nextSessionId = 1;

  constructor(private readonly engine: ChatHost) {}

  /** How many sessions are open. */
  get size(): number {
    return this.sessions.size;
  }

  /** Forgets the sessions of a model that is unloaded. */
  forgetModel(modelId: string): void {
    for (const [sessionId, record] of this.sessions) {
      if (record.modelId === modelId) this.sessions.delete(sessionId);
    }
  }

  /** Forgets every session (the engine shuts down). */
  clear(): void {
    this.sessions.clear();
  }

  create(params: ChatCreateParams): ChatCreateResult {
    const loaded = this.engine.requireModel(params.modelId);
    const sessionId = `s${this.nextSessionId++}`;
    this.sessions.set(sessionId, {
      sessionId,
      modelId: params.modelId,
      systemPrompt: params.systemPrompt ?? loaded.profile?.system ?? params.defaultSystemPrompt,
      history: null,
      restore: [...(loaded.profile?.messages ?? []), ...(params.history ?? [])],
      seeded: loaded.profile?.messages.length ?? 0,
      turns: (params.history ?? []).filter((turn) => turn.role === "assistant").length,
    });
    return { sessionId };
  }

  async send(params: ChatSendParams, onChunk: ChunkSink, signal?: AbortSignal): Promise<ChatTurnResult> {
    const record = this.sessions.get(params.sessionId);
    if (!record) {
      throw new EngineError(
        "sessionNotFound",
        localize("This chat session no longer exists in the engine (the engine restarted or the model was unloaded). Start a new chat and send your message again."),
        `unknown session ${params.sessionId}`,
      );
    }
    const loaded = this.engine.requireModel(record.modelId);
    return this.engine.scheduler.run(`chat on ${loaded.info.name}`, params.priority ?? "interactive", signal, async () => {
      const options = mergeProfileOptions(loaded.profile, params.options, params.defaults);
      const grammar = await this.engine.grammarFor(loaded, options);
      const state = await this.engine.generationState(loaded);
      const history =
        record.history ?? [...initialHistory(state.chat, record.systemPrompt), ...toHistoryItems(record.restore)];
      const fit = this.fitHistory(loaded, state, history, record.seeded, params.message, options?.maxTokens);
      if (state.owner === record.sessionId) {
        if (fit.droppedTurns > 0) {
          await dropFromCache(loaded.model, state.sequence, fit.tokens, fit.droppedTokens);
          state.chat.setChatHistory(fit.history);
        }
      } else {
        // Another conversation used the sequence: put this one's history back. node-llama-cpp
        // compares tokens and re-evaluates only what differs from what is in the KV cache.
        state.chat.setChatHistory(fit.history);
        state.owner = record.sessionId;
      }
      if (fit.droppedTurns > 0) {
        this.engine.log(
          "info",
          `chat ${record.sessionId}: dropped the ${fit.droppedTurns} oldest turn(s) (${fit.droppedTokens} tokens) to fit the ${loaded.info.contextSize}-token context`,
        );
      }
      let result: GenerateResult;
      try {
        result = await this.engine.runChatTurn(state, params.message, options, onChunk, signal, { grammar, maxTokens: fit.maxTokens });
      } catch (error) {
        // What the sequence holds is unknown now: the next turn puts the record's history back.
        state.owner = null;
        throw error;
      }
      record.history = state.chat.getChatHistory();
      record.seeded = fit.seeded;
      record.turns += 1;
      return {
        ...result,
        turns: record.turns,
        droppedTurns: fit.droppedTurns,
        contextTokens: state.sequence.contextTokens.length,
        contextSize: loaded.info.contextSize,
      };
    }, { followUp: true });
  }

  /**
   * The history a chat turn prompts with, so that it, the new message and room for the answer fit
   * the context: the oldest user + model pairs go first, then (only when nothing else is left)
   * the profile's seeded MESSAGEs; the system prompt and the new message always stay. The room
   * kept for the answer is the request's maxTokens, at most a quarter of the context and at least
   * `minimumAnswerTokens`. A message that does not fit even alone is refused in plain words.
   */
  private fitHistory(
    loaded: LoadedModel,
    state: GenerationState,
    history: ChatHistoryItem[],
    seeded: number,
    message: string,
    maxTokens: number | undefined,
  ): ContextFit {
    const contextSize = loaded.info.contextSize;
    const tokenize = (items: ChatHistoryItem[]): Token[] =>
      state.chat.chatWrapper
        .generateContextState({ chatHistory: [...items, { type: "user", text: message }, { type: "model", response: [] }] })
        .contextText.tokenize(loaded.model.tokenizer);
    const reserve = Math.min(Math.floor(contextSize / 4), Math.max(minimumAnswerTokens, maxTokens ?? contextSize));
    // Droppable units: a user message with its answer (or a lone item), turns oldest first, then seeded MESSAGEs.
    let pinned = 0;
    while (pinned < history.length && history[pinned]!.type === "system") pinned++;
    const seededEnd = Math.min(history.length, pinned + seeded);
    const unitsOf = (from: number, to: number): number[][] => {
      const units: number[][] = [];
      for (let i = from; i < to; i++) {
        if (history[i]!.type === "user" && i + 1 < to && history[i + 1]!.type === "model") units.push([i, ++i]);
        else units.push([i]);
      }
      return units;
    };
    const units = [...unitsOf(seededEnd, history.length), ...unitsOf(pinned, seededEnd)];
    const without = (count: number): ChatHistoryItem[] => {
      const dropped = new Set(units.slice(0, count).flat());
      return history.filter((_, index) => !dropped.has(index));
    };
    const full = tokenize(history);
    let dropCount = 0;
    let tokens = full;
    if (full.length + reserve > contextSize && units.length > 0) {
      // The fewest units to drop, by bisection: the count shrinks as units go.
      let low = 1;
      let high = units.length;
      while (low < high) {
        const middle = Math.floor((low + high) / 2);
        if (tokenize(without(middle)).length + reserve <= contextSize) high = middle;
        else low = middle + 1;
      }
      dropCount = low;
      tokens = tokenize(without(dropCount));
    }
    if (tokens.length + Math.min(reserve, minimumAnswerTokens) > contextSize) {
      const messageTokens = loaded.model.tokenize(message).length;
      throw new EngineError(
        "badRequest",
        localize(
          "Your message does not fit in the model's context window: it is {0} tokens long and, with the system prompt and room for an answer, needs {1} tokens, but the context holds {2}. Shorten the message or send it in parts, or raise the context size (setting hearth.contextSize) and load the model again.",
          messageTokens,
          tokens.length + Math.min(reserve, minimumAnswerTokens),
          contextSize,
        ),
      );
    }
    const droppedIndexes = new Set(units.slice(0, dropCount).flat());
    let seededLeft = 0;
    for (let i = pinned; i < seededEnd; i++) if (!droppedIndexes.has(i)) seededLeft++;
    return {
      history: dropCount > 0 ? without(dropCount) : history,
      seeded: seededLeft,
      droppedTurns: dropCount,
      tokens,
      droppedTokens: full.length - tokens.length,
      // The answer ends cleanly at the end of the context (stop reason "maxTokens") rather than
      // shifting the context in the middle of a turn.
      maxTokens: Math.max(1, Math.min(maxTokens ?? Infinity, contextSize - tokens.length - 1)),
    };
  }

  dispose(sessionId: string): { disposed: boolean } {
    const record = this.sessions.get(sessionId);
    if (!record) return { disposed: false };
    this.sessions.delete(sessionId);
    const generation = this.engine.loadedModel(record.modelId)?.generation;
    if (generation?.owner === sessionId) generation.owner = null;
    return { disposed: true };
  }
}

/**
 * Takes the dropped turns out of the KV cache so the turns kept after them are reused, shifted
 * into place, rather than evaluated again. `tokens` is the new prompt; `droppedTokens` how many
 * tokens the dropped turns took. Where the cache does not line up as expected (a template that
 * renders turns differently once earlier ones are gone), nothing is erased here and
 * node-llama-cpp re-evaluates from the first difference, as it always does.
 */
async function dropFromCache(model: LlamaModel, sequence: LlamaContextSequence, tokens: Token[], droppedTokens: number): Promise<void> {
  if (droppedTokens <= 0 || model.fileInsights.isRecurrent) return;
  const cached = sequence.contextTokens;
  const start = sequence.compareContextTokens(tokens).firstDifferentIndex;
  const window = Math.min(16, tokens.length - start);
  if (window <= 0) return;
  const lineUp = (offset: number): boolean => {
    if (offset <= 0 || start + offset + window > cached.length) return false;
    for (let k = 0; k < window; k++) if (cached[start + offset + k] !== tokens[start + k]) return false;
    return true;
  };
  for (let slack = 0; slack <= 8; slack++) {
    for (const offset of slack === 0 ? [droppedTokens] : [droppedTokens - slack, droppedTokens + slack]) {
      if (lineUp(offset)) {
        await sequence.eraseContextTokenRanges([{ start, end: start + offset }]);
        return;
      }
    }
  }
}
