// `hearth mcp`'s read_file: a workspace file's text with its line numbers, for an agent to quote
// and cite as `path:line`. Only inside the workspace: a path that leaves it, or a symbolic link
// that points out of it, is refused; so are what the indexer never reads (secrets by name, folder
// or content, by the same rules — secretRules.ts — and binary files), version control's own folders
// (a remote's URL there can carry a password), and files too large to read whole. A PDF is read
// as the indexer reads it: its text, page by page, cited by page.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { languageForPath, looksBinary } from "../../common/index/fileFilters";
import { findSecret, secretInContent, secretMatchText } from "../../common/index/secretRules";
import { localize } from "../../common/localize";
import { pdfPages } from "../../engine/index/pdfText";

/** At most this many lines (or PDF pages) in one answer; the answer says where to go on. */
export const maxLinesPerRead = 400;
/** At most this many characters of text in one answer (long lines: fewer lines). */
export const maxCharsPerRead = 60_000;
/** Files larger than this are not read (the whole file is checked for secrets before any of it is shown). */
export const maxReadBytes = 8 * 1024 * 1024;

export type ReadRefusalReason = "outside" | "linkOutside" | "secret" | "versionControl" | "binary" | "notFound" | "notAFile" | "tooLarge" | "badRange";

/** Why a file was not read, in words for the agent and its user. */
export class ReadRefusal extends Error {
  constructor(
    readonly reason: ReadRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = "ReadRefusal";
  }
}

export interface FileExcerpt {
  /** Relative to the workspace, `/`-separated. */
  path: string;
  /** "line" for text, "page" for a PDF: what startLine/endLine/total count. */
  unit: "line" | "page";
  startLine: number;
  endLine: number;
  /** Lines (or pages) in the whole file. */
  total: number;
  /** The lines shown, without numbers (the text content carries them numbered); a PDF's pages are separated by a form feed. */
  text: string;
  /** The range was cut at maxLinesPerRead/maxCharsPerRead: read on from nextStartLine. */
  truncated: boolean;
  nextStartLine?: number;
  /** `path:start-end`, or `path#page=N` (`path#page=N-M`) for a PDF. */
  citation: string;
  /** SHA-256 of the file's bytes, to tell a later read of a changed file. */
  sha256: string;
}

const versionControlFolders = new Set([".git", ".hg", ".svn"]);

function isInside(folder: string, target: string): boolean {
  const relative = path.relative(folder, target);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

function toSlashes(relative: string): string {
  return relative.split(path.sep).join("/");
}

/** The secret rule `relative` (`/`-separated) breaks by its path, or version control's folders; throws. */
function refuseByPath(relative: string, shown: string): void {
  if (relative.split("/").some((part) => versionControlFolders.has(part))) {
    throw new ReadRefusal("versionControl", localize("{0} was not read: it is inside version control's own folder, which can hold credentials. Ask about the code, not the repository's internals.", shown));
  }
  const secret = findSecret(relative, null);
  if (secret) throw new ReadRefusal("secret", localize("{0} was not read because {1}. Hearth never hands secrets to a model or an agent.", shown, secretMatchText(secret)));
}

/**
 * Reads `requested` (relative to `workspace`, or absolute inside it) from line `startLine` to
 * `endLine` (1-based, inclusive; absent: from the start, up to the limits).
 */
export async function readWorkspaceFile(workspace: string, requested: string, startLine?: number, endLine?: number): Promise<FileExcerpt> {
  const root = path.resolve(workspace);
  const target = path.resolve(root, requested);
  if (!isInside(root, target)) {
    throw new ReadRefusal("outside", localize("{0} is outside the workspace {1}. Only files inside it can be read; give a path relative to it.", requested, root));
  }
  const shown = toSlashes(path.relative(root, target)) || ".";
  refuseByPath(shown, shown);
  let real: string;
  let realRoot: string;
  try {
    realRoot = await fs.promises.realpath(root);
    real = await fs.promises.realpath(target);
  } catch {
    throw new ReadRefusal("notFound", localize("{0} does not exist in the workspace. Search the index or check the path (relative to {1}).", shown, root));
  }
  if (!isInside(realRoot, real)) {
    throw new ReadRefusal("linkOutside", localize("{0} was not read: it is a symbolic link to {1}, outside the workspace. Only files inside the workspace can be read.", shown, real));
  }
  // A link inside the workspace is judged by what it points at too (`notes.txt` → `.env`).
  const realRelative = toSlashes(path.relative(realRoot, real));
  if (realRelative !== shown) refuseByPath(realRelative, shown);
  const stat = await fs.promises.stat(real);
  if (!stat.isFile()) {
    throw new ReadRefusal("notAFile", localize("{0} is a folder, not a file. Search with a path filter to find what is in it, then read a file.", shown));
  }
  if (stat.size > maxReadBytes) {
    throw new ReadRefusal("tooLarge", localize("{0} is {1} MB, more than the {2} MB read_file reads. Search for the part you need instead.", shown, (stat.size / 1048576).toFixed(1), maxReadBytes / 1048576));
  }
  const bytes = await fs.promises.readFile(real);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  let units: string[];
  let unit: "line" | "page" = "line";
  if (languageForPath(realRelative) === "pdf" && bytes.subarray(0, 5).equals(Buffer.from("%PDF-"))) {
    units = await pdfPages(bytes);
    unit = "page";
    const secret = units.map((page) => secretInContent(page)).find((match) => match !== null);
    if (secret) throw new ReadRefusal("secret", localize("{0} was not read because {1}. Hearth never hands secrets to a model or an agent.", shown, secretMatchText(secret)));
  } else {
    if (looksBinary(bytes)) throw new ReadRefusal("binary", localize("{0} is a binary file, not text; read_file reads text, Markdown and PDF files.", shown));
    const text = bytes.toString("utf8");
    const secret = secretInContent(text);
    if (secret) throw new ReadRefusal("secret", localize("{0} was not read because {1}. Hearth never hands secrets to a model or an agent.", shown, secretMatchText(secret)));
    units = text.split(/\r?\n/);
    if (units.length > 1 && units.at(-1) === "") units.pop();
  }
  const total = units.length;
  const start = startLine ?? 1;
  if (start < 1 || (total > 0 && start > total) || (endLine !== undefined && endLine < start)) {
    throw new ReadRefusal(
      "badRange",
      localize("Lines {0}-{1} are not in {2}, which has {3} lines. Ask for a range from 1 to {3}.", start, endLine ?? start, shown, total),
    );
  }
  const wantedEnd = Math.min(endLine ?? total, total);
  let end = Math.min(wantedEnd, start + maxLinesPerRead - 1);
  let chars = 0;
  for (let line = start; line <= end; line++) {
    chars += units[line - 1]!.length + 1;
    if (chars > maxCharsPerRead && line > start) {
      end = line - 1;
      break;
    }
  }
  const truncated = end < wantedEnd;
  // Citations are a fixed shape, in every language: path:12-30, or path#page=3 (as PDF viewers open it).
  const citation = unit === "page" ? `${shown}#page=${start === end ? start : `${start}-${end}`}` : `${shown}:${start}-${end}`;
  return {
    path: shown,
    unit,
    startLine: start,
    endLine: end,
    total,
    text: units.slice(start - 1, end).join(unit === "page" ? "\f" : "\n"),
    truncated,
    ...(truncated ? { nextStartLine: end + 1 } : {}),
    citation,
    sha256,
  };
}

/** The excerpt as an agent reads it: where it is from, then each line after its number (`  12\t…`), or each page under its number. */
export function numberedExcerpt(excerpt: FileExcerpt): string {
  const header =
    excerpt.unit === "page"
      ? localize("{0} — pages {1}-{2} of {3}", excerpt.path, excerpt.startLine, excerpt.endLine, excerpt.total)
      : localize("{0} — lines {1}-{2} of {3}", excerpt.path, excerpt.startLine, excerpt.endLine, excerpt.total);
  let body: string;
  if (excerpt.unit === "page") {
    // Pages are shown whole, each under its number: a page's text may hold many lines.
    body = excerpt.text
      .split("\f")
      .map((page, index) => `${localize("[page {0}]", excerpt.startLine + index)}\n${page}`)
      .join("\n\n");
  } else {
    const width = String(excerpt.endLine).length;
    const lines = excerpt.total === 0 ? [] : excerpt.text.split("\n");
    body = lines.map((line, index) => `${String(excerpt.startLine + index).padStart(width)}\t${line}`).join("\n");
  }
  const more = excerpt.truncated ? `\n${localize("(cut at the read limit: read on with startLine {0})", excerpt.nextStartLine ?? excerpt.endLine + 1)}` : "";
  return `${header}\n${body}${more}`;
}
