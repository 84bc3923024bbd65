// The `@hearth` participant in VS Code's own chat (where the host offers the stable chat API): it
// answers through the same engine and model as the Chat view. VS Code hands each request the
// conversation so far; the engine session that already holds it (and its KV cache) is found again
// by that history's content, so a follow-up does not re-evaluate the conversation.
import { createHash } from "node:crypto";
import * as path from "node:path";
import * as vscode from "vscode";
import type { ChatAttachment } from "../../common/chat/chatPrompt";
import { capAttachment } from "../../common/chat/chatBudget";
import { buildPrompt, fenceLanguage, looksBinary } from "../../common/chat/chatPrompt";
import { errorText, isEngineError } from "../../common/engine/engineError";
import type { ChatTurn } from "../../common/chat/chatTypes";
import { AttachError, fileAttachment } from "./chatAttachments";
import type { Conversation, EngineService } from "../engineHost/engineService";
import { NoModelError } from "../engineHost/engineService";
import { isModelPath } from "../../common/models/modelName";
import { noModelInstalledText } from "../models/recommendedModel";
import type { WorkspaceRetriever } from "../index/workspaceIndex";

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
  /** Passages for a folder reference (`#folder`), from the workspace index. */
  private workspaceRetriever: WorkspaceRetriever | null = null;

  constructor(
    private readonly engine: EngineService,
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
      const attachments = await this.attachments(request.references, stream, write, request.prompt);
      answerStart = shown.length;
      const result = await this.engine.chatTurn(conversation, buildPrompt(request.prompt, attachments), write, token);
      const metadata: ParticipantResultMetadata = {
        model: result.model,
        tokensPerSecond: Number(result.usage.tokensPerSecond.toFixed(1)),
        promptTokens: result.usage.promptTokens,
        reusedPromptTokens: result.usage.reusedPromptTokens,
        ...(answerStart > 0 ? { answerStart } : {}),
        answerChars: shown.length - answerStart,
        stopReason: result.stopReason,
      };
      if (result.droppedTurns > 0) {
        write(
          `\n\n---\n*${vscode.l10n.t(
            "The conversation no longer fits in {0}'s context of {1} tokens, so the model no longer sees its oldest {2} exchanges (they stay here). Start a new chat, or raise hearth.contextSize, to keep everything in view.",
            result.model,
            result.contextSize,
            result.droppedTurns,
          )}*`,
        );
      }
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

  /** Lets a folder reference retrieve passages under it (the workspace index calls this). */
  setWorkspaceRetriever(retriever: WorkspaceRetriever | null): void {
    this.workspaceRetriever = retriever;
  }

  /**
   * The attached `#file`s, selections and values, each also shown as a reference of the answer;
   * a folder (`#folder`) adds the index's passages under it for the question.
   */
  private async attachments(
    references: readonly vscode.ChatPromptReference[],
    stream: vscode.ChatResponseStream,
    write: (text: string) => void,
    prompt = "",
  ): Promise<ChatAttachment[]> {
    const attached: ChatAttachment[] = [];
    const folders: vscode.Uri[] = [];
    // VS Code lists them last first; the prompt reads better in the order they were typed.
    for (const reference of [...references].reverse()) {
      try {
        const value = reference.value;
        if (value instanceof vscode.Uri && (await isFolder(value))) {
          folders.push(value);
          stream.reference(value);
        } else if (value instanceof vscode.Uri) {
          attached.push({ ...fileAttachment(await vscode.workspace.openTextDocument(value)), tokens: 0 });
          stream.reference(value);
        } else if (value instanceof vscode.Location) {
          attached.push(locationAttachment(await vscode.workspace.openTextDocument(value.uri), value.range));
          stream.reference(value);
        } else if (typeof value === "string" && value.trim()) {
          const capped = capAttachment(value);
          const label = reference.modelDescription ?? reference.id;
          attached.push({ id: reference.id, kind: "file", label, detail: label, content: capped.content, tokens: 0 });
        }
      } catch (error) {
        const reason = error instanceof AttachError ? error.message : errorText(error);
        write(`*${vscode.l10n.t("Hearth left {0} out of the question: {1}", referenceName(reference), reason)}*\n\n`);
      }
    }
    if (folders.length > 0) attached.push(...(await this.folderPassages(folders, questionWithout(prompt, references), write)));
    return attached;
  }

  /** The index's passages under `folders` for `query`; a note instead when there is no index. */
  private async folderPassages(folders: vscode.Uri[], query: string, write: (text: string) => void): Promise<ChatAttachment[]> {
    const names = folders.map((folder) => vscode.workspace.asRelativePath(folder, false)).join(", ");
    try {
      const found = await this.workspaceRetriever?.retrieve(query || names, undefined, folders.map((folder) => folder.fsPath));
      if (found) {
        if (found.length === 0) {
          write(`*${vscode.l10n.t("The index has no passages under {0} that match the question, so none were added. Check that the folder is indexed (\"Hearth: Show Index Status\"), or ask with other words.", names)}*\n\n`);
        }
        return found;
      }
      write(
        `*${vscode.l10n.t("The workspace is not indexed yet, so {0} has no passages to add. Run \"Hearth: Index Workspace\" to build the index (it runs in the background), or attach files with #file: instead.", names)}*\n\n`,
      );
    } catch (error) {
      write(`*${vscode.l10n.t("{0} could not search the index: {1}", names, errorText(error))}*\n\n`);
    }
    return [];
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
  log: vscode.LogOutputChannel,
): HearthChatParticipant {
  const handler = new HearthChatParticipant(engine, log);
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

/** The text at `range` of `document`, as the Chat view attaches a selection. */
function locationAttachment(document: vscode.TextDocument, range: vscode.Range): ChatAttachment {
  const name = path.basename(document.uri.path);
  const first = range.start.line + 1;
  const last = range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1;
  const lines = first === last ? `${first}` : `${first}-${last}`;
  const text = range.isEmpty ? document.getText() : document.getText(range);
  if (looksBinary(text)) {
    throw new AttachError(
      vscode.l10n.t("{0} looks like a binary file, so Hearth did not attach it: a model reads text. Attach a text file or a selection instead.", name),
    );
  }
  const capped = capAttachment(text);
  const relative = vscode.workspace.asRelativePath(document.uri, false);
  return {
    id: `${name}:${lines}`,
    kind: "selection",
    label: `${name}:${lines}`,
    detail: `${relative}:${lines}`,
    content: capped.content,
    language: fenceLanguage(document.languageId),
    tokens: 0,
  };
}

async function isFolder(uri: vscode.Uri): Promise<boolean> {
  const stat = await vscode.workspace.fs.stat(uri).then((found) => found, () => null);
  return stat !== null && (stat.type & vscode.FileType.Directory) !== 0;
}

/** The prompt without the references' own text (`#folder:src`), as a search query. */
function questionWithout(prompt: string, references: readonly vscode.ChatPromptReference[]): string {
  const ranges = references.flatMap((reference) => (reference.range ? [reference.range] : [])).sort((a, b) => b[0] - a[0]);
  let query = prompt;
  for (const [start, end] of ranges) query = `${query.slice(0, start)} ${query.slice(end)}`;
  return query.replace(/\s+/g, " ").trim();
}

function referenceName(reference: vscode.ChatPromptReference): string {
  const value = reference.value;
  if (value instanceof vscode.Uri) return path.basename(value.path);
  if (value instanceof vscode.Location) return path.basename(value.uri.path);
  return reference.id;
}

function displayName(reference: string): string {
  return isModelPath(reference) ? path.basename(reference, path.extname(reference)) : reference;
}
