// A finding is about the code the model was shown: the staged version, HEAD, the file as it was
// read when the review began. The editor shows the file as it is now, which may differ (unstaged
// edits, typing while the review ran). Before a finding is shown it is checked against the current
// text: kept where its code still is, moved to where its code went, or left out when its code is
// gone, so no finding is pinned to a line that no longer holds what it talks about.
import type { DiffFile } from "./diffParsing";

/** The text of a reviewed line (1-based), or undefined when the review did not see it. */
export type ReviewedLines = (line: number) => string | undefined;

/** The reviewed text of a file: its whole content when known, else the new side of its diff. */
export function reviewedLinesOf(content: string | null | undefined, diff?: DiffFile): ReviewedLines {
  if (typeof content === "string") {
    const lines = content.split(/\r?\n/);
    return (line) => lines[line - 1];
  }
  const known = new Map<number, string>();
  for (const hunk of diff?.hunks ?? []) {
    for (const line of hunk.lines) if (line.newLine !== null) known.set(line.newLine, line.text);
  }
  return (line) => known.get(line);
}

export interface AnchoredFinding {
  /** Where the finding's code is now (1-based, inclusive). */
  line: number;
  endLine: number;
  /** True when its code moved and the finding moved with it. */
  moved: boolean;
}

function same(a: string, b: string): boolean {
  return a.trim() === b.trim();
}

/** A line that says something (a lone `}` or a blank line could be anywhere). */
function distinctive(text: string): boolean {
  return text.replace(/[\s{}()[\];,]/g, "").length >= 3;
}

/**
 * Where `finding` belongs in `current` (the document's lines now), or null when the code it was
 * about is no longer there. A finding whose lines the review did not see is kept where it is,
 * if the file still has those lines.
 */
export function anchorFinding(finding: { line: number; endLine: number }, reviewed: ReviewedLines, current: readonly string[]): AnchoredFinding | null {
  const span = finding.endLine - finding.line;
  const expected: Array<{ offset: number; text: string }> = [];
  for (let line = finding.line; line <= finding.endLine; line++) {
    const text = reviewed(line);
    if (text !== undefined) expected.push({ offset: line - finding.line, text });
  }
  const fits = (start: number): boolean => start >= 1 && start + span <= current.length;
  const matchesAt = (start: number): boolean => fits(start) && expected.every(({ offset, text }) => same(current[start - 1 + offset]!, text));
  if (expected.length === 0) return fits(finding.line) ? { line: finding.line, endLine: finding.endLine, moved: false } : null;
  if (matchesAt(finding.line)) return { line: finding.line, endLine: finding.endLine, moved: false };
  // Only code that could not be mistaken for other code is followed to where it moved.
  if (!expected.some(({ text }) => distinctive(text))) return null;
  let best: number | null = null;
  for (let start = 1; start + span <= current.length; start++) {
    if (!matchesAt(start)) continue;
    if (best === null || Math.abs(start - finding.line) < Math.abs(best - finding.line)) best = start;
  }
  return best === null ? null : { line: best, endLine: best + span, moved: true };
}
