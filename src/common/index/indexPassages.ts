// Retrieved passages as chat attachments: each labelled with where it comes from
// (`src/store.ts:10-24`, `guide.pdf p. 3`) so the answer can cite it, and put in the prompt in
// its own fence (see chatPrompt.ts), as data to read rather than instructions to follow.
import type { ChatAttachment } from "../chat/chatPrompt";
import { estimateTokens } from "../chat/chatBudget";
import { fenceLanguage } from "../chat/chatPrompt";

export interface IndexPassage {
  /** Relative to the workspace folder, `/`-separated. */
  path: string;
  startLine: number;
  endLine: number;
  page?: number;
  language: string;
  text: string;
}

/** `path:start-end` (`path:line` for one line), or `path p. N` for a PDF page. */
export function passageLabel(passage: IndexPassage): string {
  if (passage.page !== undefined) return `${passage.path} p. ${passage.page}`;
  return passage.startLine === passage.endLine ? `${passage.path}:${passage.startLine}` : `${passage.path}:${passage.startLine}-${passage.endLine}`;
}

/** One workspace attachment per passage, in the order given (best first). */
export function passageAttachments(passages: readonly IndexPassage[], idPrefix = "workspace"): ChatAttachment[] {
  return passages.map((passage, index) => {
    const language = passage.language === "pdf" || passage.language === "plaintext" ? "" : fenceLanguage(passage.language);
    return {
      id: `${idPrefix}-${index + 1}`,
      kind: "workspace",
      label: passageLabel(passage),
      tokens: estimateTokens(passage.text),
      approximate: true,
      detail: passageLabel(passage),
      content: passage.text,
      ...(language ? { language } : {}),
    };
  });
}
