// Unified diffs (git's, or diff -u's) read into files and hunks with their line numbers, over the
// parse-diff package. What parse-diff leaves out is handled here: renames and copies, binary
// files, "\ No newline at end of file" markers, CRLF line ends, and which lines of the new file a
// change touched (the lines a diff review may comment on).
import parseDiff from "parse-diff";

export type DiffLineKind = "context" | "added" | "removed";

export interface DiffLine {
  kind: DiffLineKind;
  /** The line's text without its +/-/space prefix and without a line end. */
  text: string;
  /** Its number in the old file (context and removed lines), else null. */
  oldLine: number | null;
  /** Its number in the new file (context and added lines), else null. */
  newLine: number | null;
}

export interface DiffHunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The `@@ … @@` line, with any function name git put after it. */
  header: string;
  lines: DiffLine[];
}

export interface DiffFile {
  /** Path before the change (relative, without `a/`); null for an added file. */
  oldPath: string | null;
  /** Path after the change (relative, without `b/`); null for a deleted file. */
  newPath: string | null;
  added: boolean;
  deleted: boolean;
  renamed: boolean;
  binary: boolean;
  /** The old / new side's last line has no line end. */
  oldNoNewlineAtEnd: boolean;
  newNoNewlineAtEnd: boolean;
  /** The diff's lines ended with CRLF. */
  crlf: boolean;
  hunks: DiffHunk[];
  additions: number;
  deletions: number;
}

const noNewlineMarker = /^\\ No newline at end of file/;

function stripPrefix(path: string | undefined): string | null {
  if (path === undefined || path === "/dev/null" || path === "") return null;
  return path.replace(/^"|"$/g, "").replace(/^[abciwo12]\//, "");
}

/** Splits a diff into one text per file: at each `diff --git` header, else the whole text. */
function fileSegments(lines: readonly string[]): string[][] {
  const segments: string[][] = [];
  let current: string[] | null = null;
  for (const line of lines) {
    if (line.startsWith("diff --git ") || line.startsWith("diff --cc ") || current === null) {
      current = [];
      segments.push(current);
    }
    current.push(line);
  }
  return segments;
}

/** The `diff --git a/X b/Y` header's two paths (unquoted, no spaces in names). */
function headerPaths(header: string): [string, string] | null {
  const match = /^diff --git "?a\/(.+?)"? "?b\/(.+?)"?$/.exec(header);
  return match ? [match[1]!, match[2]!] : null;
}

function parseSegment(lines: readonly string[]): DiffFile | null {
  const crlf = lines.some((line) => line.endsWith("\r"));
  const clean = lines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
  const header = clean[0]?.startsWith("diff --git ") ? headerPaths(clean[0]) : null;
  let renameFrom: string | null = null;
  let renameTo: string | null = null;
  let binary = false;
  // Only the extended header (before the first hunk) says these things.
  for (const line of clean) {
    if (line.startsWith("@@")) break;
    if (line.startsWith("rename from ") || line.startsWith("copy from ")) renameFrom = line.replace(/^(rename|copy) from /, "");
    else if (line.startsWith("rename to ") || line.startsWith("copy to ")) renameTo = line.replace(/^(rename|copy) to /, "");
    else if (/^Binary files .* differ$/.test(line) || line === "GIT binary patch") binary = true;
  }
  // parse-diff copies a "\ No newline" marker as a change of the line before it: record it and drop it.
  let oldNoNewline = false;
  let newNoNewline = false;
  let previous: string | null = null;
  for (const line of clean) {
    if (noNewlineMarker.test(line) && previous !== null) {
      if (previous.startsWith("-")) oldNoNewline = true;
      else if (previous.startsWith("+")) newNoNewline = true;
      else {
        oldNoNewline = true;
        newNoNewline = true;
      }
    }
    previous = line;
  }
  const parsed = parseDiff(clean.filter((line) => !noNewlineMarker.test(line)).join("\n"))[0];
  if (!parsed && !header) return null;
  const added = parsed?.new === true || clean.some((line) => line.startsWith("new file mode"));
  const deleted = parsed?.deleted === true || clean.some((line) => line.startsWith("deleted file mode"));
  let oldPath = renameFrom ?? stripPrefix(parsed?.from) ?? header?.[0] ?? null;
  let newPath = renameTo ?? stripPrefix(parsed?.to) ?? header?.[1] ?? null;
  if (added) oldPath = null;
  if (deleted) newPath = null;
  if (oldPath === null && newPath === null) return null;
  const hunks: DiffHunk[] = (parsed?.chunks ?? []).map((chunk) => ({
    oldStart: chunk.oldStart,
    oldLines: chunk.oldLines,
    newStart: chunk.newStart,
    newLines: chunk.newLines,
    header: chunk.content,
    lines: chunk.changes.map((change): DiffLine => {
      const text = change.content.slice(1);
      if (change.type === "add") return { kind: "added", text, oldLine: null, newLine: change.ln };
      if (change.type === "del") return { kind: "removed", text, oldLine: change.ln, newLine: null };
      return { kind: "context", text, oldLine: change.ln1, newLine: change.ln2 };
    }),
  }));
  return {
    oldPath,
    newPath,
    added,
    deleted,
    renamed: !added && !deleted && oldPath !== null && newPath !== null && oldPath !== newPath,
    binary,
    oldNoNewlineAtEnd: oldNoNewline,
    newNoNewlineAtEnd: newNoNewline,
    crlf,
    hunks,
    additions: hunks.reduce((sum, hunk) => sum + hunk.lines.filter((line) => line.kind === "added").length, 0),
    deletions: hunks.reduce((sum, hunk) => sum + hunk.lines.filter((line) => line.kind === "removed").length, 0),
  };
}

/** Every file of a unified diff, in order; an empty or unreadable diff gives []. */
export function parseUnifiedDiff(text: string): DiffFile[] {
  if (!text.trim()) return [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return fileSegments(lines)
    .map(parseSegment)
    .filter((file): file is DiffFile => file !== null);
}

/** The new file's lines that the diff added (sorted, 1-based). A deleted file has none. */
export function changedNewLines(file: DiffFile): number[] {
  const lines: number[] = [];
  for (const hunk of file.hunks) {
    for (const line of hunk.lines) if (line.kind === "added" && line.newLine !== null) lines.push(line.newLine);
  }
  return lines.sort((a, b) => a - b);
}

/**
 * The new file's lines a diff review may comment on: the added lines, and for a hunk that only
 * removed lines, the new line where the removal happened (the line after it, or the last line).
 */
export function reviewableNewLines(file: DiffFile): Set<number> {
  const lines = new Set(changedNewLines(file));
  for (const hunk of file.hunks) {
    if (hunk.lines.some((line) => line.kind === "added")) continue;
    let next: number | null = null;
    let last: number | null = null;
    let seenRemoval = false;
    for (const line of hunk.lines) {
      if (line.kind === "removed") seenRemoval = true;
      else if (line.newLine !== null) {
        if (seenRemoval && next === null) next = line.newLine;
        last = line.newLine;
      }
    }
    const anchor = next ?? last ?? Math.max(1, hunk.newStart);
    if (seenRemoval) lines.add(anchor);
  }
  return lines;
}

/** The new file's changed lines as ranges `[start, end]` (inclusive), merged when adjacent. */
export function changedRanges(lines: Iterable<number>): Array<[number, number]> {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (const line of sorted) {
    const last = ranges.at(-1);
    if (last && line === last[1] + 1) last[1] = line;
    else ranges.push([line, line]);
  }
  return ranges;
}
