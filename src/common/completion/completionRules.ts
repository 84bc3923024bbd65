// What a code completion may look like, decided by where the cursor is (issue 18): the request's
// shape (one line in the middle of a line, a block at the end of one) and the post-processing of what
// the model wrote — stop rules by position and indentation, never repeating the text after the
// cursor, brackets kept balanced, nothing that is only whitespace. Pure: the editor's provider, the
// CLI (`hearth complete`) and the tests apply the same rules.

/** The text around the cursor. */
export interface CompletionPosition {
  /** The text before the cursor (the whole document's, or a window of it). */
  prefix: string;
  /** The text after the cursor. */
  suffix: string;
}

/** The most lines a block completion shows. */
export const maxBlockLines = 12;

const closers: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
const openers: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

/** The cursor's line split at the cursor, and its indentation. */
export function cursorLine(position: CompletionPosition): { before: string; after: string; indent: string } {
  const before = position.prefix.slice(position.prefix.lastIndexOf("\n") + 1).replace(/\r$/, "");
  const newline = position.suffix.indexOf("\n");
  const after = (newline < 0 ? position.suffix : position.suffix.slice(0, newline)).replace(/\r$/, "");
  return { before, after, indent: /^[ \t]*/.exec(before)![0] };
}

/**
 * True when the text after the cursor on its line is more than closing brackets, quotes and
 * punctuation: the completion then finishes this line only.
 */
export function isMidLine(position: CompletionPosition): boolean {
  return /[^\s)\]}"'`;,.:]/.test(cursorLine(position).after);
}

/** The request's shape for this position: one line in the middle of a line, a block at the end of one. */
export function infillOptionsFor(position: CompletionPosition): { singleLine: boolean; maxTokens: number } {
  const singleLine = isMidLine(position);
  return singleLine ? { singleLine: true, maxTokens: 48 } : { singleLine: false, maxTokens: 128 };
}

function indentWidth(indent: string): number {
  let width = 0;
  for (const char of indent) width += char === "\t" ? 4 : 1;
  return width;
}

/** The first line of `suffix` after the cursor's that has text, trimmed; "" when none. */
function nextTextLine(suffix: string): string {
  const lines = suffix.split("\n").slice(1);
  return lines.find((line) => line.trim().length > 0)?.trim() ?? "";
}

/**
 * Cuts a single-line completion where the text after the cursor takes over: at the closing bracket
 * or quote that the rest of the line already has, and drops an ending the line already shows.
 */
function fitToLine(text: string, after: string): string {
  const rest = after.trimStart();
  if (!rest) return text;
  // The longest end of the completion that the rest of the line starts with (`foo)` before `)`).
  for (let length = Math.min(text.length, rest.length); length > 0; length--) {
    if (text.endsWith(rest.slice(0, length)) && /[^\s]/.test(rest.slice(0, length))) return text.slice(0, text.length - length);
  }
  // A closer that no opener in the completion matches belongs to what follows the cursor.
  const open: string[] = [];
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (openers[char]) open.push(char);
    else if (closers[char]) {
      if (open.at(-1) === closers[char]) open.pop();
      else if (rest.startsWith(char)) return text.slice(0, index);
    }
  }
  return text;
}

/**
 * Keeps the lines of a block completion that belong to the block being written: stops at a line
 * indented less than the cursor's line (the block ended), at the line the suffix goes on with (the
 * model repeating the code after the cursor, such as the closing brace the editor already added),
 * and after `maxBlockLines` lines.
 */
function fitToBlock(text: string, position: CompletionPosition, before: string, indent: string): string {
  const lines = text.split("\n");
  const base = indentWidth(before.trim().length === 0 ? before : indent);
  const following = nextTextLine(position.suffix);
  const kept: string[] = [lines[0]!];
  for (const line of lines.slice(1)) {
    if (kept.length >= maxBlockLines) break;
    const trimmed = line.trim();
    if (trimmed.length > 0) {
      if (following && trimmed === following) break;
      if (indentWidth(/^[ \t]*/.exec(line)![0]) < base) break;
    }
    kept.push(line);
  }
  // A block does not end in blank lines.
  while (kept.length > 1 && kept.at(-1)!.trim() === "") kept.pop();
  return kept.join("\n");
}

/**
 * What to show for the model's raw completion at `position`: trimmed to the position's rules;
 * null when nothing worth showing is left (only whitespace, or only what already follows).
 */
export function finishCompletion(raw: string, position: CompletionPosition): string | null {
  let text = raw.replace(/\r\n/g, "\n");
  const { before, after, indent } = cursorLine(position);
  if (isMidLine(position)) {
    const newline = text.indexOf("\n");
    if (newline >= 0) text = text.slice(0, newline);
    text = fitToLine(text, after).replace(/[ \t]+$/, "");
  } else {
    // At the end of a line: a completion that starts on the next line keeps that line break.
    text = fitToBlock(text, position, before, indent).replace(/[ \t]+$/gm, "");
    if (after.trim().length > 0) {
      const firstLine = text.split("\n")[0]!;
      const fitted = fitToLine(firstLine, after);
      if (fitted !== firstLine) text = fitted;
    }
  }
  // Text the cursor's line already has right after the cursor is not suggested again.
  if (after.length > 0 && text === after.slice(0, text.length)) return null;
  if (text.trim().length === 0) return null;
  return text;
}
