// A question to the model as the chat puts it together: its context in the order the model reads
// it (what was attached before the message was sent, then what its references name, in the order
// typed, then the passages retrieved from the workspace index for #folder or @workspace) and the
// prompt built around it. Also what a message asks for by itself (@workspace, its references) and
// the chip an attachment shows as. src/extension/chat/chatPipeline.ts runs the steps.
import type { ChatAttachmentView } from "../webviewProtocol";
import type { ChatAttachment } from "./chatPrompt";
import { buildPrompt } from "./chatPrompt";
import type { ParsedReferences } from "./chatReferences";

/** True when the message asks for passages from the whole workspace index. */
export function mentionsWorkspace(text: string): boolean {
  return /(^|\s)@workspace\b/.test(text);
}

/** What @workspace searches the index for: the message without "@workspace" (all of it when nothing else is left). */
export function workspaceQuery(text: string): string {
  return text.replace(/(^|\s)@workspace\b/g, " ").trim() || text;
}

/** What a message asks to attach by itself: its #file/#folder tokens and @workspace. */
export function referenceKey(parsed: ParsedReferences, text: string): string {
  return JSON.stringify([parsed.references.map((reference) => reference.raw), mentionsWorkspace(text)]);
}

/** The same file twice (say, two ranges of it) stays two attachments; the exact same one, once. */
export function uniqueAttachments<T extends { label: string; detail?: string }>(attachments: readonly T[]): T[] {
  const seen = new Set<string>();
  return attachments.filter((attachment) => {
    const key = attachment.detail ?? attachment.label;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface QuestionContext {
  /** Read before the message was sent: the Chat view's composer chips. */
  attached: readonly ChatAttachment[];
  /** Read from the message's references. */
  referenced: readonly ChatAttachment[];
  /** Retrieved from the workspace index. */
  retrieved: readonly ChatAttachment[];
}

export interface AssembledQuestion {
  attachments: ChatAttachment[];
  /** What the model is given: the context, then the question (the question alone without context). */
  prompt: string;
}

export function assembleQuestion(question: string, context: QuestionContext): AssembledQuestion {
  const attachments = [...context.attached, ...context.referenced, ...context.retrieved];
  return { attachments, prompt: buildPrompt(question, attachments) };
}

/** The prompt of an edited question that keeps its context: that context, then the new question. */
export function editedPrompt(prompt: string, oldQuestion: string, newQuestion: string): string {
  return prompt.slice(0, prompt.length - oldQuestion.length) + newQuestion;
}

/** What the view shows of an attachment (its chip): never its content. */
export function attachmentView(attachment: ChatAttachment | ChatAttachmentView): ChatAttachmentView {
  return {
    id: attachment.id,
    kind: attachment.kind,
    label: attachment.label,
    tokens: attachment.tokens,
    ...(attachment.approximate ? { approximate: true } : {}),
    ...(attachment.detail ? { detail: attachment.detail } : {}),
  };
}
