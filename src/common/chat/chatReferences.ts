// The chat composer's `#file:` and `#folder:` references: finding them in a message
// (`#file:src/a.ts`, `#file:src/a.ts:10-20`, `#file:"my notes.md"`, `#folder:src/engine`), the
// query a `#folder` retrieves with, and the autocomplete's pieces: which token the caret is in, ranking workspace
// paths against what was typed, and the text after a suggestion is picked. The host resolves the
// paths (inside the workspace folders only); this file knows nothing of files.

export type ChatReferenceKind = "file" | "folder";

export interface ChatReference {
  kind: ChatReferenceKind;
  /** As typed, without quotes or a line range; `/`-separated. */
  path: string;
  /** A `#file`'s line range (1-based, inclusive), when one was given. */
  startLine?: number;
  endLine?: number;
  /** The range as typed when it is not a valid one (`0`, `20-10`): the host says so. */
  badRange?: string;
  /** The token as typed, and where it lies in the message. */
  raw: string;
  start: number;
  end: number;
}

export interface ParsedReferences {
  references: ChatReference[];
  /** The message without the references (and without @workspace): what a `#folder` searches for. */
  query: string;
}

/** `#file:` or `#folder:` at the start or after whitespace or an opening bracket. */
const tokenStart = /(^|[\s([{])#(file|folder):/g;
/** Punctuation that ends a sentence rather than a path (`see #file:a.ts.`). */
const trailingPunctuation = /[.,;:!?)\]}>'"]+$/;

/** The `#file:`/`#folder:` references in `text`, in order. */
export function parseChatReferences(text: string): ParsedReferences {
  const references: ChatReference[] = [];
  for (const match of text.matchAll(tokenStart)) {
    const start = match.index + match[1]!.length;
    if (references.length > 0 && start < references[references.length - 1]!.end) continue;
    const kind = match[2] as ChatReferenceKind;
    const bodyStart = match.index + match[0].length;
    const reference = readReference(text, kind, start, bodyStart);
    if (reference) references.push(reference);
  }
  const query = withoutRanges(text, references.map((reference) => [reference.start, reference.end] as const))
    .replace(/(^|\s)@workspace\b/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return { references, query };
}

/**
 * `text` with each `[start, end)` range replaced by a space: a message without its references (the
 * Chat view's `#file:`/`#folder:` tokens, or the ranges VS Code's chat gives `@hearth`), as a query.
 */
export function withoutRanges(text: string, ranges: ReadonlyArray<readonly [number, number]>): string {
  let rest = "";
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    rest += `${text.slice(at, start)} `;
    at = Math.max(at, end);
  }
  return rest + text.slice(at);
}

function readReference(text: string, kind: ChatReferenceKind, start: number, bodyStart: number): ChatReference | null {
  let pathText: string;
  let end: number;
  let rangeText = "";
  if (text[bodyStart] === "\"") {
    const close = text.indexOf("\"", bodyStart + 1);
    if (close < 0) return null;
    pathText = text.slice(bodyStart + 1, close);
    end = close + 1;
    const range = /^:(\d+(?:-\d+)?)/.exec(text.slice(end));
    if (range && kind === "file") {
      rangeText = range[1]!;
      end += range[0].length;
    }
  } else {
    const word = /^\S+/.exec(text.slice(bodyStart))?.[0] ?? "";
    const body = word.replace(trailingPunctuation, "");
    end = bodyStart + body.length;
    const range = kind === "file" ? /^(.*[^:]):(\d+(?:-\d+)?)$/.exec(body) : null;
    if (range) {
      pathText = range[1]!;
      rangeText = range[2]!;
    } else {
      pathText = body;
    }
  }
  const cleaned = pathText.replace(/\\/g, "/").trim();
  if (!cleaned) return null;
  const reference: ChatReference = { kind, path: cleaned, raw: text.slice(start, end), start, end };
  if (rangeText) {
    const [first, last = first] = rangeText.split("-").map(Number) as [number, number?];
    if (first >= 1 && last >= first) {
      reference.startLine = first;
      reference.endLine = last;
    } else {
      reference.badRange = rangeText;
    }
  }
  return reference;
}

/** A reference as notices name it: its path, and its lines for a range. */
export function referenceText(reference: ChatReference): string {
  if (reference.startLine === undefined) return reference.path;
  return reference.startLine === reference.endLine ? `${reference.path}:${reference.startLine}` : `${reference.path}:${reference.startLine}-${reference.endLine}`;
}

// ── Autocomplete ──────────────────────────────────────────────────────────────────────────────

/** What the caret is in: a `#` being typed (offer `#file:`/`#folder:`), or a path after one. */
export type CompletionContext =
  | { kind: "keyword"; start: number; end: number; partial: string }
  | { kind: ChatReferenceKind; start: number; end: number; partial: string; quoted: boolean };

/** The keywords the composer offers after `#`. */
export const referenceKeywords: readonly string[] = ["#file:", "#folder:"];

/** The completion the caret at `caret` of `text` is in, or null when it is in none. */
export function completionContext(text: string, caret: number): CompletionContext | null {
  const before = text.slice(0, caret);
  // A quoted path may hold spaces: `#file:"my fi|`.
  const quoted = /(^|[\s([{])#(file|folder):"([^"]*)$/.exec(before);
  if (quoted) {
    const start = quoted.index + quoted[1]!.length;
    const closing = text.indexOf("\"", caret);
    const afterClose = closing >= 0 && !/\s/.test(text.slice(caret, closing)) ? closing + 1 : caret;
    return { kind: quoted[2] as ChatReferenceKind, start, end: afterClose, partial: quoted[3]!, quoted: true };
  }
  const word = /(^|[\s([{])(#\S*)$/.exec(before);
  if (!word) return null;
  const start = word.index + word[1]!.length;
  const token = word[2]!;
  const rest = /^\S*/.exec(text.slice(caret))![0];
  const end = caret + rest.length;
  const path = /^#(file|folder):(.*)$/.exec(token);
  if (path) return { kind: path[1] as ChatReferenceKind, start, end, partial: path[2]!, quoted: false };
  if (token.includes(":")) return null;
  const partial = token.toLowerCase();
  return referenceKeywords.some((keyword) => keyword.startsWith(partial)) ? { kind: "keyword", start, end, partial: token } : null;
}

/** The keywords that start with what was typed after `#`. */
export function matchingKeywords(partial: string): string[] {
  const lower = partial.toLowerCase();
  return referenceKeywords.filter((keyword) => keyword.startsWith(lower));
}

/**
 * `text` with the completion at `context` replaced by `value` (a keyword, or a path for a
 * `#file`/`#folder`), and where the caret goes. A path with spaces is quoted; a path is followed
 * by a space, a keyword is not (its path comes next).
 */
export function applyCompletion(text: string, context: CompletionContext, value: string): { text: string; caret: number } {
  let inserted: string;
  if (context.kind === "keyword") {
    inserted = value;
  } else {
    const needsQuotes = /[\s"]/.test(value) || context.quoted;
    inserted = `#${context.kind}:${needsQuotes ? `"${value.replace(/"/g, "")}"` : value}`;
    const next = text.slice(context.end, context.end + 1);
    if (next === "" || !/\s/.test(next)) inserted += " ";
  }
  const result = text.slice(0, context.start) + inserted + text.slice(context.end);
  const caret = context.start + inserted.length + (context.kind !== "keyword" && /\s/.test(text.slice(context.end, context.end + 1)) ? 1 : 0);
  return { text: result, caret };
}

/**
 * The workspace paths that match `query` (case-insensitive), best first, at most `limit`: a file
 * name that starts with it, then a path that starts with it, then one that contains it, then one
 * that holds its characters in order. Shorter paths first within each group. Empty: the shortest.
 */
export function rankPaths(paths: readonly string[], query: string, limit: number): string[] {
  const needle = query.replace(/\\/g, "/").toLowerCase();
  const scored: Array<{ path: string; score: number }> = [];
  for (const candidate of paths) {
    const lower = candidate.toLowerCase();
    const name = lower.slice(lower.lastIndexOf("/", lower.length - 2) + 1);
    let score: number;
    if (!needle) score = 0;
    else if (name.startsWith(needle)) score = 0;
    else if (lower.startsWith(needle)) score = 1;
    else if (lower.includes(needle)) score = 2;
    else if (isSubsequence(needle, lower)) score = 3;
    else continue;
    scored.push({ path: candidate, score });
  }
  scored.sort((a, b) => a.score - b.score || a.path.length - b.path.length || a.path.localeCompare(b.path));
  return scored.slice(0, limit).map((entry) => entry.path);
}

function isSubsequence(needle: string, haystack: string): boolean {
  let at = 0;
  for (const char of haystack) {
    if (char === needle[at]) at++;
    if (at === needle.length) return true;
  }
  return at === needle.length;
}

/** The folders that hold `files` (every ancestor, `/`-separated, without a trailing slash). */
export function foldersOf(files: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const file of files) {
    const parts = file.split("/");
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join("/"));
  }
  return [...folders];
}
