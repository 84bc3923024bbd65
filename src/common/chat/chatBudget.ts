// How much of the model's context the attached context takes. Each attachment is cut at a line end
// to `maxAttachmentChars` when it is read (its chip says so), and measured in tokens: with the loaded
// model's tokenizer where there is one, else estimated and marked approximate. The chips show these
// counts. Nothing is dropped to fit the context here: the user chose every attachment, and a
// question that still does not fit is refused by the engine, which says how big it is.

/** The most characters one attachment contributes; more is cut, and the chip says so. */
export const maxAttachmentChars = 100_000;

/** Cuts `content` to `maxAttachmentChars` at a line end; `cut` says whether anything was left out. */
export function capAttachment(content: string): { content: string; cut: boolean } {
  if (content.length <= maxAttachmentChars) return { content, cut: false };
  const slice = content.slice(0, maxAttachmentChars);
  const lineEnd = slice.lastIndexOf("\n");
  return { content: lineEnd > maxAttachmentChars / 2 ? slice.slice(0, lineEnd + 1) : slice, cut: true };
}

/** A rough token count for when no model is loaded to count with (about four characters a token). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * `attachments` with their token counts: `counts[i]` where the model's tokenizer counted the i-th
 * one (an exact count, so no longer approximate), else an estimate marked approximate. `counts` is
 * null when no model is loaded to count with.
 */
export function measuredAttachments<T extends { content: string }>(
  attachments: readonly T[],
  counts: readonly number[] | null,
): Array<T & { tokens: number; approximate?: boolean }> {
  return attachments.map((attachment, index) => {
    const exact = counts?.[index];
    if (exact !== undefined) {
      const { approximate: _, ...rest } = attachment as T & { approximate?: boolean };
      return { ...rest, tokens: exact } as T & { tokens: number };
    }
    return { ...attachment, tokens: estimateTokens(attachment.content), approximate: true };
  });
}
