// The Chat view's turns: a message sent, the last answer regenerated, the last question edited.
// Each question goes through the chat pipeline (chatPipeline.ts) and its answer streams into the
// open conversation. One turn runs at a time; a message sent meanwhile waits its turn.
import { readFileSync } from "node:fs";
import * as vscode from "vscode";
import type { ChatAttachment } from "../../common/chat/chatPrompt";
import { attachmentView, editedPrompt, mentionsWorkspace, referenceKey, workspaceQuery } from "../../common/chat/chatQuestion";
import type { ParsedReferences } from "../../common/chat/chatReferences";
import { parseChatReferences, referenceText } from "../../common/chat/chatReferences";
import { messageForView, titleFromText } from "../../common/chat/chatSessions";
import type { GenerationOptions } from "../../common/chat/chatTypes";
import { errorText, isEngineError } from "../../common/engine/engineError";
import type { ChatMessageView } from "../../common/webviewProtocol";
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
  ) {}

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
    const answer = this.conversation.addMessage({ role: "assistant", text: "", streaming: true });
    const source = new vscode.CancellationTokenSource();
    this.running = source;
    this.surfaces.post({ type: "busy", busy: true });
    this.conversation.scheduleSave(0);
    try {
      const result = await this.pipeline.answer(
        this.conversation.conversation,
        question.prompt ?? question.text,
        (chunk) => {
          answer.text += chunk;
          this.surfaces.post({ type: "chunk", id: answer.id, text: chunk });
          this.conversation.scheduleSave(streamingSaveMs);
        },
        source.token,
        testChatOptions(),
      );
      answer.text = result.text;
      answer.footer = [
        result.model,
        vscode.l10n.t("{0} tok/s", result.usage.tokensPerSecond.toFixed(1)),
        result.stopReason === "cancelled"
          ? vscode.l10n.t("stopped")
          : result.stopReason === "maxTokens"
            ? vscode.l10n.t("token limit reached")
            : "",
      ]
        .filter(Boolean)
        .join(" · ");
      const trimmed = trimmedHistoryNotice(result);
      if (trimmed) this.conversation.appendNotice(trimmed, false);
    } catch (error) {
      if (isEngineError(error, "cancelled")) {
        answer.footer = [this.engine.remote?.label() ?? this.engine.activeModel?.name ?? "", vscode.l10n.t("stopped")].filter(Boolean).join(" · ");
      } else {
        this.conversation.appendNotice(errorText(error), true);
      }
      // No model at all: offer the recommended download (or a file) instead of only an error.
      if (error instanceof NoModelError) void offerFirstModel(this.engine, this.pulls);
      // The partial answer stays, and the model sees it next turn; the question stays either way.
      if (answer.text) {
        const conversation = this.conversation.conversation;
        conversation.history.push({ role: "user", text: question.prompt ?? question.text }, { role: "assistant", text: answer.text });
        await this.engine.disposeConversation(conversation);
      }
    } finally {
      answer.streaming = false;
      this.surfaces.post({ type: "update", message: messageForView(answer) });
      this.running = null;
      source.dispose();
      this.surfaces.post({ type: "busy", busy: false });
      await this.conversation.saveNow(this.conversation.session);
    }
  }
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
