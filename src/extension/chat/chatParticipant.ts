// The `@hearth` participant in VS Code's own chat (where the host offers the stable chat API): it
// answers through the same chat pipeline (chatPipeline.ts), engine and model as the Chat view.
// VS Code hands each request the conversation so far; the engine session that already holds it
// (and its KV cache) is found again by that history's content, so a follow-up does not re-evaluate
// the conversation.
import { createHash } from "node:crypto";
import * as path from "node:path";
import * as vscode from "vscode";
import { withoutRanges } from "../../common/chat/chatReferences";
import { errorText, isEngineError } from "../../common/engine/engineError";
import type { ChatTurn } from "../../common/chat/chatTypes";
import { AttachError } from "./chatAttachments";
import type { ChatPipeline, QuestionReference } from "./chatPipeline";
import { trimmedHistoryNotice } from "./chatPipeline";
import type { Conversation, EngineService } from "../engineHost/engineService";
import { NoModelError } from "../engineHost/engineService";
import { isModelPath } from "../../common/models/modelName";
import { noModelInstalledText } from "../models/recommendedModel";

export const chatParticipantId = "hearth.chat";

/** Engine sessions kept for VS Code chat conversations; the least recently used goes first. */
const maxCachedConversations = 8;

/** What a `@hearth` answer reports in its result (VS Code keeps it with the turn). */
export interface ParticipantResultMetadata {
  model?: string;
  tokensPerSecond?: number;
  /** Prompt tokens of this turn, and how many of them came from the KV cache. */
  promptTokens?: number;
  reusedPromptTokens?: number;
  /** Where the answer lies in the turn's markdown (notes around it stay out of the model's history). */
  answerStart?: number;
  answerChars?: number;
  stopReason?: string;
  /** The turn failed; it is left out of the history the model sees. */
  error?: boolean;
}

/** Answers `@hearth` requests; holds the engine sessions of the conversations it has answered. */
export class HearthChatParticipant implements vscode.Disposable {
  private readonly conversations = new Map<string, Conversation>();
  /** The participant VS Code knows; undefined where the host has no chat API. */
  registration: vscode.ChatParticipant | undefined;

  constructor(
    private readonly engine: EngineService,
    private readonly pipeline: ChatPipeline,
    private readonly log?: vscode.LogOutputChannel,
  ) {}

  readonly handle = async (
    request: vscode.ChatRequest,
    context: vscode.ChatContext,
    stream: vscode.ChatResponseStream,
    token: vscode.CancellationToken,
  ): Promise<vscode.ChatResult> => {
    let shown = "";
    const write = (text: string): void => {
      if (!text) return;
      shown += text;
      stream.markdown(text);
    };
    let answerStart = 0;
    const pairs = historyPairs(context.history);
    const conversation = this.take(pairs);
    try {
      // With a remote engine (hearth.remote.kind) no local model is needed.
      const remote = (await this.engine.remote?.target().catch(() => null)) ?? null;
      if (!this.engine.activeModel && !remote) {
        const preferred = this.engine.preferredModelPath();
        stream.progress(
          preferred
            ? vscode.l10n.t("Hearth: loading {0}…", displayName(preferred))
            : vscode.l10n.t("Hearth: starting the engine…"),
        );
        const info = await this.engine.ensureModel(token);
        if (!info) throw new NoModelError("");
      }
      const prompt = await this.prompt(request, stream, write);
      answerStart = shown.length;
      const result = await this.pipeline.answer(conversation, prompt, write, token);
      const metadata: ParticipantResultMetadata = {
        model: result.model,
        tokensPerSecond: Number(result.usage.tokensPerSecond.toFixed(1)),
        promptTokens: result.usage.promptTokens,
        reusedPromptTokens: result.usage.reusedPromptTokens,
        ...(answerStart > 0 ? { answerStart } : {}),
        answerChars: shown.length - answerStart,
        stopReason: result.stopReason,
      };
      const trimmed = trimmedHistoryNotice(result);
      if (trimmed) write(`\n\n---\n*${trimmed}*`);
      this.keep([...pairs, { prompt: request.prompt, response: shown }], conversation);
      return { metadata };
    } catch (error) {
      // What the engine session holds is unknown now: the next request starts from VS Code's history.
      void this.engine.disposeConversation(conversation);
      const answered = shown.length - answerStart;
      if (isEngineError(error, "cancelled") || token.isCancellationRequested) {
        const metadata: ParticipantResultMetadata = {
          ...(answerStart > 0 ? { answerStart } : {}),
          answerChars: answered,
          stopReason: "cancelled",
        };
        return { metadata };
      }
      if (error instanceof NoModelError) {
        write(noModelInstalledText());
        stream.button({ command: "hearth.pullRecommended", title: vscode.l10n.t("Download Recommended Model") });
        stream.button({ command: "hearth.loadModelFromFile", title: vscode.l10n.t("Load Model from File…") });
      } else {
        this.log?.error(`@hearth: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        write(`${answered > 0 ? "\n\n" : ""}**${vscode.l10n.t("Hearth could not answer.")}** ${errorText(error)}`);
        if (isEngineError(error, "modelNotFound") || isEngineError(error, "invalidModel") || isEngineError(error, "outOfMemory")) {
          stream.button({ command: "hearth.selectModel", title: vscode.l10n.t("Select Model…") });
        }
      }
      return { metadata: { error: true } satisfies ParticipantResultMetadata };
    }
  };

  /**
   * The prompt for `request`: its question with what VS Code's chat attached (`#file`s, selections
   * and values, each also listed as a reference of the answer; a `#folder` adds the index's
   * passages under it). A reference that cannot be attached is left out with a note saying why.
   */
  private async prompt(request: vscode.ChatRequest, stream: vscode.ChatResponseStream, write: (text: string) => void): Promise<string> {
    const ranges = request.references.flatMap((reference) => (reference.range ? [reference.range] : []));
    const prepared = await this.pipeline.prepare({
      text: request.prompt,
      references: questionReferences(request.references),
      folderQuery: withoutRanges(request.prompt, ranges).replace(/\s+/g, " ").trim(),
      unusable: (reference, error) => {
        const reason = error instanceof AttachError ? error.message : errorText(error);
        write(`*${vscode.l10n.t("Hearth left {0} out of the question: {1}", referenceName(reference), reason)}*\n\n`);
        return true;
      },
      used: (reference) => {
        if (reference.kind === "uri") stream.reference(reference.uri);
        else if (reference.kind === "location") stream.reference(reference.location);
      },
      note: (text) => write(`*${text}*\n\n`),
    });
    // Never null: `unusable` goes on without the reference every time.
    return prepared?.prompt ?? request.prompt;
  }

  /**
   * What the model saw of the conversation whose VS Code history is `history` (attached context
   * included); null when no engine session holds it. For tests and bug reports.
   */
  modelHistory(history: vscode.ChatContext["history"]): readonly ChatTurn[] | null {
    const pairs = historyPairs(history);
    return pairs.length > 0 ? (this.conversations.get(historyKey(pairs))?.history ?? null) : null;
  }

  /** The cached conversation whose history is `pairs`, taken out of the cache; a new one when there is none. */
  private take(pairs: HistoryPair[]): Conversation {
    if (pairs.length > 0) {
      const key = historyKey(pairs);
      const cached = this.conversations.get(key);
      if (cached) {
        this.conversations.delete(key);
        return cached;
      }
    }
    return {
      history: pairs.flatMap((pair): ChatTurn[] => [
        { role: "user", text: pair.prompt },
        { role: "assistant", text: pair.answer ?? pair.response },
      ]),
      engineSession: null,
    };
  }

  private keep(pairs: HistoryPair[], conversation: Conversation): void {
    this.conversations.set(historyKey(pairs), conversation);
    while (this.conversations.size > maxCachedConversations) {
      const [oldestKey, oldest] = this.conversations.entries().next().value as [string, Conversation];
      this.conversations.delete(oldestKey);
      void this.engine.disposeConversation(oldest);
    }
  }

  /** Frees every engine session it holds (as a window reload does); later requests start from VS Code's history. */
  forget(): void {
    for (const conversation of this.conversations.values()) void this.engine.disposeConversation(conversation);
    this.conversations.clear();
  }

  dispose(): void {
    this.forget();
    this.registration = undefined;
  }
}

/**
 * Registers `@hearth` where the host has the stable chat API (VS Code 1.90 and later); elsewhere
 * (and where registration fails) `registration` stays undefined and the rest of Hearth works as before.
 */
export function registerChatParticipant(
  context: vscode.ExtensionContext,
  engine: EngineService,
  pipeline: ChatPipeline,
  log: vscode.LogOutputChannel,
): HearthChatParticipant {
  const handler = new HearthChatParticipant(engine, pipeline, log);
  context.subscriptions.push(handler);
  if (typeof vscode.chat?.createChatParticipant !== "function") return handler;
  try {
    const participant = vscode.chat.createChatParticipant(chatParticipantId, handler.handle);
    participant.iconPath = vscode.Uri.joinPath(context.extensionUri, "media", "hearth.svg");
    handler.registration = participant;
    context.subscriptions.push(participant);
  } catch (error) {
    log.warn(`@hearth is not available in this window: ${errorText(error)}`);
  }
  return handler;
}

/** One exchange from VS Code's history: what the user typed and the markdown of the answer. */
interface HistoryPair {
  prompt: string;
  response: string;
  /** The answer alone, when notes follow it in `response`. */
  answer?: string;
}

/** The finished exchanges of `history` (failed ones left out), oldest first. */
function historyPairs(history: vscode.ChatContext["history"]): HistoryPair[] {
  const pairs: HistoryPair[] = [];
  let prompt: string | null = null;
  for (const turn of history) {
    if ("prompt" in turn) {
      prompt = turn.prompt;
      continue;
    }
    if (prompt === null) continue;
    const metadata = (turn.result.metadata ?? {}) as ParticipantResultMetadata;
    const response = turn.response.map(markdownOf).join("");
    if (!metadata.error && !turn.result.errorDetails && response) {
      const start = typeof metadata.answerStart === "number" ? metadata.answerStart : 0;
      const length = typeof metadata.answerChars === "number" ? metadata.answerChars : response.length - start;
      pairs.push(
        start > 0 || start + length < response.length
          ? { prompt, response, answer: response.slice(start, start + length) }
          : { prompt, response },
      );
    }
    prompt = null;
  }
  return pairs;
}

/** The text of a markdown part of an answer; "" for buttons, anchors and file trees. */
function markdownOf(part: vscode.ChatResponseTurn["response"][number]): string {
  const value: unknown = part.value;
  if (typeof value !== "object" || value === null || !("value" in value)) return "";
  return typeof value.value === "string" ? value.value : "";
}

function historyKey(pairs: readonly HistoryPair[]): string {
  return createHash("sha256")
    .update(JSON.stringify(pairs.map((pair) => [pair.prompt, pair.response])))
    .digest("hex");
}

/**
 * What VS Code's chat attached, in the order it was typed (VS Code lists it last first): files and
 * folders, ranges, and values given as text (empty ones and other kinds left out).
 */
function questionReferences(references: readonly vscode.ChatPromptReference[]): QuestionReference[] {
  const found: QuestionReference[] = [];
  for (const reference of [...references].reverse()) {
    const value = reference.value;
    if (value instanceof vscode.Uri) found.push({ kind: "uri", uri: value });
    else if (value instanceof vscode.Location) found.push({ kind: "location", location: value });
    else if (typeof value === "string" && value.trim()) found.push({ kind: "value", id: reference.id, label: reference.modelDescription ?? reference.id, text: value });
  }
  return found;
}

function referenceName(reference: QuestionReference): string {
  switch (reference.kind) {
    case "uri":
      return path.basename(reference.uri.path);
    case "location":
      return path.basename(reference.location.uri.path);
    case "value":
      return reference.id;
    case "typed":
      return reference.reference.raw;
  }
}

function displayName(reference: string): string {
  return isModelPath(reference) ? path.basename(reference, path.extname(reference)) : reference;
}
