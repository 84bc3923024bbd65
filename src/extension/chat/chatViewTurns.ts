// The Chat view's turns: a message sent, the last answer regenerated, the last question edited.
// Each question goes through the chat pipeline (chatPipeline.ts) and its answer streams into the
// open conversation. One turn runs at a time; a message sent meanwhile waits its turn.
import { readFileSync } from "node:fs";
import * as vscode from "vscode";
import type { ChatAttachment } from "../../common/chat/chatPrompt";
import { attachmentView, editedPrompt, mentionsWorkspace, referenceKey, workspaceQuery } from "../../common/chat/chatQuestion";
import type { ParsedReferences } from "../../common/chat/chatReferences";
import { parseChatReferences, referenceText } from "../../common/chat/chatReferences";
import { conversationOf, messageForView, titleFromText } from "../../common/chat/chatSessions";
import type { GenerationOptions } from "../../common/chat/chatTypes";
import { errorText, isEngineError } from "../../common/engine/engineError";
import type { ChatMessageView, ToolCardView } from "../../common/webviewProtocol";
import { AttachError } from "./chatAttachments";
import type { ChatComposer } from "./chatComposer";
import type { ChatConversation } from "./chatConversation";
import { streamingSaveMs } from "./chatConversation";
import type { ChatPipeline, QuestionRequest } from "./chatPipeline";
import { trimmedHistoryNotice } from "./chatPipeline";
import type { ChatSurface, ChatSurfaces } from "./chatSurfaces";
import type { EngineService } from "../engineHost/engineService";
import { NoModelError } from "../engineHost/engineService";
import { offerFirstModel } from "../models/gettingStarted";
import type { PullTracker } from "../models/pullTracker";
import type { AgentChatTurns, RespondOutcome } from "../agent/agentChatTurn";

export class ChatViewTurns {
  private running: vscode.CancellationTokenSource | null = null;
  private queue: Promise<void> = Promise.resolve();
  /**
   * The chips the last question took from the composer (this window only), so an edit that changes
   * its #file/#folder references keeps them while it reads the new references.
   */
  private lastComposerAttachments: { id: string; attachments: ChatAttachment[] } | null = null;

  constructor(
    private readonly engine: EngineService,
    private readonly pulls: PullTracker,
    private readonly pipeline: ChatPipeline,
    private readonly conversation: ChatConversation,
    private readonly composer: ChatComposer,
    private readonly surfaces: ChatSurfaces,
    private readonly postState: () => void,
    private readonly respondTurns: AgentChatTurns,
  ) {}

  /** Conversations (by id and model) already told that agent mode's model has no tool syntax of its own. */
  private readonly toldNoTools = new Set<string>();

  /** True while an answer is being written. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** Stops the answer being written (it keeps what it has). */
  stop(): void {
    this.running?.cancel();
  }

  /**
   * Sends `text` (with what is attached) as the user's next message; resolves when the answer has
   * finished.
   */
  async send(text: string, from?: ChatSurface): Promise<void> {
    await this.conversation.ensureLoaded();
    // A message sent while an answer streams (say, from the other chat surface) waits its turn:
    // it is never dropped.
    const turn = this.queue.then(() => this.sendNow(text, from));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async sendNow(text: string, from?: ChatSurface): Promise<void> {
    let composer: ChatAttachment[] = [];
    const prepared = await this.pipeline.prepare(
      this.request(text, parseChatReferences(text), async () => (composer = this.composer.take())),
    );
    if (!prepared) {
      // A #file or #folder that cannot be used: nothing is sent, the message goes back (into the
      // composer it came from) to be fixed.
      this.surfaces.post({ type: "restoreDraft", text }, from);
      return;
    }
    const question = this.addQuestion(text, prepared.attachments, prepared.prompt);
    this.lastComposerAttachments = { id: question.id, attachments: composer };
    const session = this.conversation.session;
    if (!session.titleFixed && !session.title) {
      // The first question names the conversation: the view's title changes with it.
      session.title = titleFromText(text);
      this.postState();
    }
    await this.answer(question);
  }

  /** Answers the last question again (the previous answer goes). */
  async regenerate(): Promise<void> {
    await this.conversation.ensureLoaded();
    if (this.running) return;
    const index = lastQuestionIndex(this.conversation.session.messages);
    if (index < 0) return;
    const question = this.conversation.session.messages[index]!;
    await this.conversation.rewindTo(index + 1);
    await this.answer(question);
  }

  /** Replaces the last question with `text` (keeping its attachments) and answers it. */
  async editLast(text: string): Promise<void> {
    await this.conversation.ensureLoaded();
    if (this.running) return;
    const index = lastQuestionIndex(this.conversation.session.messages);
    if (index < 0) {
      await this.send(text);
      return;
    }
    const old = this.conversation.session.messages[index]!;
    const parsed = parseChatReferences(text);
    if (referenceKey(parsed, text) !== referenceKey(parseChatReferences(old.text), old.text)) {
      await this.editWithNewReferences(index, old, text, parsed);
      return;
    }
    await this.conversation.rewindTo(index);
    const question = this.conversation.addMessage({
      role: "user",
      text,
      ...(old.attachments ? { attachments: old.attachments } : {}),
      ...(old.prompt !== undefined ? { prompt: editedPrompt(old.prompt, old.text, text) } : {}),
    });
    if (this.lastComposerAttachments?.id === old.id) this.lastComposerAttachments = { id: question.id, attachments: this.lastComposerAttachments.attachments };
    if (!this.conversation.session.titleFixed && index === 0) this.conversation.session.title = titleFromText(text);
    await this.answer(question);
  }

  /**
   * An edit that changes the question's #file/#folder references (or @workspace): they are read
   * again, and the composer's chips it was sent with stay (after a window reload those are not
   * known any more, and only the references are attached). A reference that cannot be used leaves
   * the conversation as it was and puts the edit back in the composer.
   */
  private async editWithNewReferences(index: number, old: ChatMessageView, text: string, parsed: ParsedReferences): Promise<void> {
    const composer = this.lastComposerAttachments?.id === old.id ? this.lastComposerAttachments.attachments : [];
    const prepared = await this.pipeline.prepare(
      this.request(text, parsed, async () => {
        await this.conversation.rewindTo(index);
        return composer;
      }),
    );
    if (!prepared) {
      this.surfaces.post({ type: "restoreDraft", text, editing: true });
      return;
    }
    const question = this.addQuestion(text, prepared.attachments, prepared.prompt);
    this.lastComposerAttachments = { id: question.id, attachments: composer };
    if (!this.conversation.session.titleFixed && index === 0) this.conversation.session.title = titleFromText(text);
    await this.answer(question);
  }

  /**
   * What the pipeline is asked for a message typed in the view: its `#file:`/`#folder:` references
   * (one that cannot be used stops the message, with a notice), @workspace, and `attached`, the
   * composer's chips, taken once the references are read.
   */
  private request(text: string, parsed: ParsedReferences, attached: () => Promise<readonly ChatAttachment[]>): QuestionRequest {
    return {
      text,
      references: parsed.references.map((reference) => ({ kind: "typed", reference })),
      folderQuery: parsed.query || text,
      ...(mentionsWorkspace(text) ? { workspaceQuery: workspaceQuery(text) } : {}),
      attached,
      unusable: (reference, error) => {
        if (!(error instanceof AttachError) || reference.kind !== "typed") throw error;
        const typed = reference.reference;
        this.conversation.appendNotice(
          vscode.l10n.t("Hearth did not send the message: {0} {1} The message is back in the box below to fix and send.", `#${typed.kind}:${referenceText(typed)}`, error.message),
          true,
        );
        return false;
      },
      note: (notice, error) => this.conversation.appendNotice(notice, error),
    };
  }

  private addQuestion(text: string, attachments: readonly ChatAttachment[], prompt: string): ChatMessageView {
    return this.conversation.addMessage({
      role: "user",
      text,
      ...(attachments.length > 0 ? { attachments: attachments.map(attachmentView), prompt } : {}),
    });
  }

  private async answer(question: ChatMessageView): Promise<void> {
    const session = this.conversation.session;
    // What the model is given when the conversation goes whole (thinking and agent turns): up to the question.
    const conversation = conversationOf(session.messages.slice(0, session.messages.indexOf(question) + 1));
    const answer = this.conversation.addMessage({ role: "assistant", text: "", streaming: true });
    const source = new vscode.CancellationTokenSource();
    this.running = source;
    this.surfaces.post({ type: "busy", busy: true });
    this.conversation.scheduleSave(0);
    const onText = (chunk: string): void => {
      answer.text += chunk;
      this.surfaces.post({ type: "chunk", id: answer.id, text: chunk });
      this.conversation.scheduleSave(streamingSaveMs);
    };
    let respond = false;
    try {
      const kind = await this.turnKind(session.agent === true, source.token);
      respond = kind !== "chat";
      if (kind === "chat") {
        const result = await this.pipeline.answer(this.conversation.conversation, question.prompt ?? question.text, onText, source.token, testChatOptions());
        answer.text = result.text;
        answer.footer = footerOf(result.model, result.usage.tokensPerSecond, result.stopReason, []);
        const trimmed = trimmedHistoryNotice(result);
        if (trimmed) this.conversation.appendNotice(trimmed, false);
      } else {
        const stream = {
          text: onText,
          thinking: (chunk: string): void => {
            answer.thinking = (answer.thinking ?? "") + chunk;
            this.surfaces.post({ type: "thinking", id: answer.id, text: chunk });
            this.conversation.scheduleSave(streamingSaveMs);
          },
          cards: (cards: readonly ToolCardView[]): void => {
            answer.tools = cards.map((card) => ({ ...card }));
            this.surfaces.post({ type: "update", message: messageForView(answer) });
            this.conversation.scheduleSave(0);
          },
        };
        const outcome: RespondOutcome =
          kind === "agent" ? await this.respondTurns.agentTurn(conversation, stream, source.token) : await this.respondTurns.thinkingTurn(conversation, stream, source.token);
        answer.text = outcome.text;
        if (outcome.thinking) answer.thinking = outcome.thinking;
        if (outcome.cards?.length) answer.tools = outcome.cards.map((card) => ({ ...card }));
        answer.footer = footerOf(outcome.model, outcome.usage?.tokensPerSecond ?? null, outcome.stopReason, outcome.cards ?? []);
        if (outcome.reachedStepLimit) {
          this.conversation.appendNotice(
            vscode.l10n.t(
              "The agent used all {0} steps of this turn, so its last step answered without tools, with what it had found. Ask it to go on, or raise hearth.agent.maxSteps.",
              outcome.maxSteps ?? 0,
            ),
            false,
          );
        }
      }
    } catch (error) {
      if (isEngineError(error, "cancelled")) {
        answer.footer = [this.engine.remote?.label() ?? this.engine.activeModel?.name ?? "", vscode.l10n.t("stopped")].filter(Boolean).join(" · ");
      } else {
        this.conversation.appendNotice(errorText(error), true);
      }
      // No model at all: offer the recommended download (or a file) instead of only an error.
      if (error instanceof NoModelError) void offerFirstModel(this.engine, this.pulls);
      // The partial answer stays, and the model sees it next turn; the question stays either way.
      if (answer.text && !respond) {
        const conversation = this.conversation.conversation;
        conversation.history.push({ role: "user", text: question.prompt ?? question.text }, { role: "assistant", text: answer.text });
        await this.engine.disposeConversation(conversation);
      }
    } finally {
      if (respond) {
        // A turn the engine answered whole holds no engine session: a later plain turn makes one from this history.
        const kept = this.conversation.conversation;
        if (answer.text) kept.history.push({ role: "user", text: question.prompt ?? question.text }, { role: "assistant", text: answer.text });
        await this.engine.disposeConversation(kept);
      }
      answer.streaming = false;
      if (answer.tools) answer.tools = answer.tools.map((card) => (card.state === "running" || card.state === "waiting" ? { ...card, state: "failed" } : card));
      this.surfaces.post({ type: "update", message: messageForView(answer) });
      this.running = null;
      source.dispose();
      this.surfaces.post({ type: "busy", busy: false });
      await this.conversation.saveNow(this.conversation.session);
    }
  }

  /**
   * How a turn goes to the engine: agent mode (when on, with a local model), a thinking model's
   * answer with its thought apart (both through chatRespond), or a plain turn on the engine's chat
   * session (the remote engine's too).
   */
  private async turnKind(agent: boolean, token: vscode.CancellationToken): Promise<"chat" | "thinking" | "agent"> {
    const found = await this.engine.chatCapabilities(token);
    if (!found) {
      if (agent) {
        this.conversation.appendNotice(
          vscode.l10n.t("Agent mode works with a model on this machine, and a remote server answers now (hearth.remote.*), so this answer uses no tools. Set hearth.remote.kind to \"off\" to use the agent."),
          false,
        );
      }
      return "chat";
    }
    if (agent) {
      const key = `${this.conversation.session.id}\u0000${found.model}`;
      if (!found.capabilities.tools && !this.toldNoTools.has(key)) {
        this.toldNoTools.add(key);
        this.conversation.appendNotice(noToolSupportNotice(found.model), false);
      }
      return "agent";
    }
    return found.capabilities.thinking ? "thinking" : "chat";
  }

  /** The Agent toggle: on or off for the open conversation; a model without tool support says so. */
  async setAgent(on: boolean): Promise<void> {
    await this.conversation.ensureLoaded();
    const session = this.conversation.session;
    if ((session.agent === true) === on) return;
    if (on) session.agent = true;
    else delete session.agent;
    this.postState();
    if (session.messages.length > 0) await this.conversation.saveNow(session);
    if (!on) return;
    // Tell now what the model can do, when one is loaded (the first agent turn tells otherwise).
    const model = this.engine.activeModel;
    if (this.engine.remote?.label() || !model) return;
    const found = await this.engine.chatCapabilities().catch(() => null);
    if (found && !found.capabilities.tools) {
      this.toldNoTools.add(`${session.id}\u0000${found.model}`);
      this.conversation.appendNotice(noToolSupportNotice(found.model), false);
    }
  }
}

function noToolSupportNotice(model: string): string {
  return vscode.l10n.t(
    "{0} does not support tools: its chat template has no tool-call syntax, so it may call the workspace tools badly or not at all (Hearth still offers them). For agent mode, choose a model made for tools, such as Qwen2.5-Coder or Llama 3.1.",
    model,
  );
}

/** An answer's footer: the model, its speed, the tool calls made and how it ended. */
function footerOf(model: string, tokensPerSecond: number | null, stopReason: string, cards: readonly ToolCardView[]): string {
  return [
    model,
    tokensPerSecond !== null ? vscode.l10n.t("{0} tok/s", tokensPerSecond.toFixed(1)) : "",
    cards.length === 1 ? vscode.l10n.t("1 tool call") : cards.length > 1 ? vscode.l10n.t("{0} tool calls", cards.length) : "",
    stopReason === "cancelled" ? vscode.l10n.t("stopped") : stopReason === "maxTokens" ? vscode.l10n.t("token limit reached") : "",
  ]
    .filter(Boolean)
    .join(" · ");
}

function lastQuestionIndex(messages: readonly ChatMessageView[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === "user") return i;
  return -1;
}

/**
 * For end-to-end tests only: HEARTH_TEST_CHAT_GRAMMAR names a GBNF file that constrains chat
 * answers, so the tiny fixture model (which otherwise writes noise) answers with, say, a code block.
 */
let testGrammar: string | null | undefined;
function testChatOptions(): GenerationOptions | undefined {
  if (testGrammar === undefined) {
    const file = process.env.HEARTH_TEST_CHAT_GRAMMAR;
    testGrammar = file ? readFileSync(file, "utf8") : null;
  }
  return testGrammar ? { grammar: testGrammar } : undefined;
}
