// Splits a file into retrieval chunks that follow its structure: functions, classes and their
// members for brace languages (TypeScript/JavaScript, Go, Java, C/C++, C#, Rust, Kotlin, Swift,
// PHP) through a scanner that knows strings, comments, template literals, raw strings and char
// literals (not a parser); Python by indentation; Markdown by headings; PDF by page; anything else
// (and anything too big) by line windows that overlap. Each chunk carries its path, 1-based line
// range, language, the symbol it belongs to and a content hash.
// Small neighbours (functions, members, statements) merge into one chunk up to `mergeLines` (40, the
// size people read at once), and a file's header (package, imports) is a chunk of its own (issue 16).
// Over 600 lines for now: each language's boundary rules sit together.
import { contentHash } from "./contentHash";
import type { ChunkLanguage } from "./fileFilters";
import { languageForPath } from "./fileFilters";

export interface ChunkDraft {
  path: string;
  /** 1-based, inclusive. For a PDF: the page number. */
  startLine: number;
  /** 1-based, inclusive. For a PDF: the page number. */
  endLine: number;
  /** The PDF page the chunk comes from. */
  page?: number;
  language: ChunkLanguage;
  /** The function, class or heading the chunk belongs to (`Class.method`, `Intro > Setup`). */
  symbol?: string;
  text: string;
  contentHash: string;
}

export interface ChunkOptions {
  /** A unit longer than this is split (into members, or windows). */
  maxLines?: number;
  maxChars?: number;
  /** Window size and overlap of the fallback. */
  windowLines?: number;
  overlapLines?: number;
  /** Neighbouring small units (members, functions, statements) merge into one chunk up to this many lines. */
  mergeLines?: number;
}

interface Limits {
  maxLines: number;
  maxChars: number;
  windowLines: number;
  overlapLines: number;
  mergeLines: number;
}

function limitsOf(options: ChunkOptions | undefined): Limits {
  const maxLines = options?.maxLines ?? 80;
  const windowLines = Math.min(options?.windowLines ?? 40, maxLines);
  return {
    maxLines,
    maxChars: options?.maxChars ?? 3000,
    windowLines,
    overlapLines: Math.min(options?.overlapLines ?? 8, Math.max(0, windowLines - 1)),
    mergeLines: Math.min(options?.mergeLines ?? 40, maxLines),
  };
}

const braceLanguages = new Set<ChunkLanguage>([
  "typescript",
  "javascript",
  "go",
  "java",
  "c",
  "cpp",
  "csharp",
  "rust",
  "kotlin",
  "swift",
  "php",
]);

/** Chunks `text`, the content of `path` (a `/`-separated relative path). */
export function chunkDocument(path: string, text: string, options?: ChunkOptions): ChunkDraft[] {
  const language = languageForPath(path);
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines.length > 0 && lines.at(-1) === "") lines.pop();
  const limits = limitsOf(options);
  const builder = new ChunkBuilder(path, language, lines, limits);
  if (lines.length === 0 || text.trim().length === 0) return [];
  if (braceLanguages.has(language)) chunkBraces(builder, language);
  else if (language === "python") chunkPython(builder);
  else if (language === "markdown") chunkMarkdown(builder);
  else builder.windows(0, lines.length - 1, undefined);
  return builder.chunks;
}

/** Chunks a PDF's text, one entry per page (page 1 first): a page per chunk, long pages in windows. */
export function chunkPdfPages(path: string, pages: readonly string[], options?: ChunkOptions): ChunkDraft[] {
  const limits = limitsOf(options);
  const chunks: ChunkDraft[] = [];
  pages.forEach((pageText, index) => {
    const page = index + 1;
    const lines = pageText.replace(/\r\n?/g, "\n").split("\n");
    const builder = new ChunkBuilder(path, "pdf", lines, limits);
    if (pageText.trim().length === 0) return;
    builder.windows(0, lines.length - 1, undefined);
    for (const chunk of builder.chunks) chunks.push({ ...chunk, startLine: page, endLine: page, page });
  });
  return chunks;
}

class ChunkBuilder {
  readonly chunks: ChunkDraft[] = [];

  constructor(
    readonly path: string,
    readonly language: ChunkLanguage,
    readonly lines: readonly string[],
    readonly limits: Limits,
  ) {}

  isBlank(line: number): boolean {
    return (this.lines[line] ?? "").trim().length === 0;
  }

  chars(from: number, to: number): number {
    let total = 0;
    for (let i = from; i <= to; i++) total += (this.lines[i]?.length ?? 0) + 1;
    return total;
  }

  fits(from: number, to: number): boolean {
    return to - from + 1 <= this.limits.maxLines && this.chars(from, to) <= this.limits.maxChars;
  }

  /** True when lines `from`..`to` are small enough to merge with a neighbour. */
  mergeable(from: number, to: number): boolean {
    return to - from + 1 <= this.limits.mergeLines && this.chars(from, to) <= (this.limits.maxChars * this.limits.mergeLines) / this.limits.maxLines;
  }

  /** Adds lines `from`..`to` (0-based, inclusive) as one chunk, trimmed of blank edge lines. */
  emit(from: number, to: number, symbol: string | undefined): void {
    while (from <= to && this.isBlank(from)) from++;
    while (to >= from && this.isBlank(to)) to--;
    if (from > to) return;
    if (!this.fits(from, to)) {
      this.windows(from, to, symbol);
      return;
    }
    this.push(from, to, this.lines.slice(from, to + 1).join("\n"), symbol);
  }

  private push(from: number, to: number, text: string, symbol: string | undefined): void {
    this.chunks.push({
      path: this.path,
      startLine: from + 1,
      endLine: to + 1,
      language: this.language,
      ...(symbol ? { symbol } : {}),
      text,
      contentHash: contentHash(text),
    });
  }

  /** Overlapping line windows over `from`..`to`, each also held under maxChars. */
  windows(from: number, to: number, symbol: string | undefined): void {
    while (from <= to && this.isBlank(from)) from++;
    while (to >= from && this.isBlank(to)) to--;
    const { windowLines, overlapLines, maxChars } = this.limits;
    let start = from;
    while (start <= to) {
      let end = Math.min(to, start + windowLines - 1);
      while (end > start && this.chars(start, end) > maxChars) end--;
      if (end === start && (this.lines[start]?.length ?? 0) > maxChars) {
        // One very long line: cut it into pieces that all cite that line.
        const line = this.lines[start]!;
        for (let offset = 0; offset < line.length; offset += maxChars) {
          this.push(start, start, line.slice(offset, offset + maxChars), symbol);
        }
      } else if (!(this.isBlank(start) && start === end)) {
        this.push(start, end, this.lines.slice(start, end + 1).join("\n"), symbol);
      }
      if (end >= to) break;
      const next = end + 1 - overlapLines;
      start = next > start ? next : end + 1;
    }
  }
}

// ── Brace languages ─────────────────────────────────────────────────────────────────────────

interface LineShape {
  /** Brace depth at the start and end of each line. */
  startDepth: number[];
  endDepth: number[];
  /** Open parentheses/brackets at the end of each line (a signature or call that continues). */
  endParens: number[];
  /** Lines that start inside a block comment or a multi-line string. */
  startsInside: boolean[];
  /** Lines with nothing but a comment. */
  commentOnly: boolean[];
}

/** Scans the file once and records brace depth per line, skipping strings and comments. */
export function scanBraces(lines: readonly string[], language: ChunkLanguage): LineShape {
  const shape: LineShape = { startDepth: [], endDepth: [], endParens: [], startsInside: [], commentOnly: [] };
  type Mode = "code" | "block" | "string" | "template" | "raw";
  let mode: Mode = "code";
  let quote = "";
  let rawEnd = "";
  let depth = 0;
  let parens = 0;
  const templateStack: number[] = [];
  const jsLike = language === "typescript" || language === "javascript";
  const charLiterals = !jsLike && language !== "php" && language !== "python";
  let previousSignificant = "";
  for (const line of lines) {
    shape.startDepth.push(depth);
    shape.startsInside.push(mode !== "code");
    let sawCode = false;
    let i = 0;
    const n = line.length;
    while (i < n) {
      const c = line[i]!;
      const next = line[i + 1] ?? "";
      if (mode === "block") {
        if (c === "*" && next === "/") {
          mode = "code";
          i += 2;
        } else i++;
        continue;
      }
      if (mode === "string") {
        if (c === "\\") i += 2;
        else {
          if (c === quote) mode = "code";
          i++;
        }
        continue;
      }
      if (mode === "raw") {
        if (line.startsWith(rawEnd, i)) {
          mode = "code";
          i += rawEnd.length;
        } else i++;
        continue;
      }
      if (mode === "template") {
        if (c === "\\") i += 2;
        else if (c === "`") {
          mode = "code";
          i++;
        } else if (c === "$" && next === "{") {
          depth++;
          templateStack.push(depth);
          mode = "code";
          i += 2;
        } else i++;
        continue;
      }
      // code
      if (c === " " || c === "\t") {
        i++;
        continue;
      }
      if (c === "/" && next === "/") break;
      if (c === "#" && language === "php" && next !== "[") break;
      if (c === "/" && next === "*") {
        mode = "block";
        i += 2;
        continue;
      }
      sawCode = true;
      if (c === '"' || (c === "'" && !charLiterals)) {
        mode = "string";
        quote = c;
        i++;
        previousSignificant = c;
        continue;
      }
      if (c === "'" && charLiterals) {
        const literal = /^'(?:\\(?:u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'])'/.exec(line.slice(i));
        i += literal ? literal[0].length : 1; // else a Rust lifetime or label
        previousSignificant = "'";
        continue;
      }
      if (c === "`") {
        if (jsLike) mode = "template";
        else if (language === "go" || language === "kotlin") {
          mode = "raw";
          rawEnd = "`";
        }
        i++;
        continue;
      }
      if (language === "rust" && c === "r" && /^r#*"/.test(line.slice(i)) && !/[\w]/.test(line[i - 1] ?? "")) {
        const hashes = /^r(#*)"/.exec(line.slice(i))![1]!;
        mode = "raw";
        rawEnd = `"${hashes}`;
        i += 2 + hashes.length;
        continue;
      }
      if (language === "cpp" && c === "R" && next === '"' && !/[\w]/.test(line[i - 1] ?? "")) {
        const open = line.indexOf("(", i + 2);
        if (open > 0) {
          mode = "raw";
          rawEnd = `)${line.slice(i + 2, open)}"`;
          i = open + 1;
          continue;
        }
      }
      if (c === "/" && jsLike && /^$|[(,=:[!&|?{};+\-*%<>~^]$/.test(previousSignificant)) {
        // A regular expression literal: skip to its closing slash (outside a character class).
        let j = i + 1;
        let inClass = false;
        while (j < n) {
          const r = line[j]!;
          if (r === "\\") j += 2;
          else {
            if (r === "[") inClass = true;
            else if (r === "]") inClass = false;
            else if (r === "/" && !inClass) break;
            j++;
          }
        }
        i = j + 1;
        previousSignificant = "/";
        continue;
      }
      if (c === "{") depth++;
      else if (c === "}") {
        if (templateStack.length > 0 && templateStack.at(-1) === depth) {
          templateStack.pop();
          depth--;
          mode = "template";
          i++;
          continue;
        }
        depth = Math.max(0, depth - 1);
      } else if (c === "(" || c === "[") parens++;
      else if (c === ")" || c === "]") parens = Math.max(0, parens - 1);
      previousSignificant = /\w/.test(c) ? "w" : c;
      i++;
    }
    if (mode === "string" && quote !== "`") mode = "code"; // unterminated one-line string
    shape.endDepth.push(depth);
    shape.endParens.push(parens);
    shape.commentOnly.push(!sawCode && line.trim().length > 0);
  }
  return shape;
}

const controlWords = new Set([
  "if", "for", "while", "switch", "catch", "return", "function", "else", "do", "try", "new", "throw", "await",
  "typeof", "sizeof", "match", "loop", "unsafe", "case", "using", "lock", "foreach", "synchronized", "delete",
]);

const containerKinds = new Set([
  "class", "interface", "enum", "namespace", "module", "impl", "trait", "struct", "object", "mod", "record", "union", "extern", "protocol", "extension",
]);

interface Declaration {
  name: string;
  container: boolean;
}

/** The name a unit declares (and whether it holds members), read from its first code line. */
export function declarationOf(line: string, language: ChunkLanguage): Declaration | null {
  const text = line.trim();
  let match: RegExpExecArray | null;
  if (language === "rust") {
    match = /^(?:pub(?:\([^)]*\))?\s+)?(?:default\s+)?(?:async\s+)?(?:const\s+)?(?:unsafe\s+)?(?:extern\s+"[^"]*"\s+)?(fn|struct|enum|trait|mod|union|type|macro_rules!)\s*([A-Za-z_]\w*)/.exec(text);
    if (match) return { name: match[2]!, container: ["trait", "mod", "struct", "enum", "union"].includes(match[1]!) };
    match = /^(?:unsafe\s+)?impl(?:\s*<[^>]*>)?\s+(?:([\w:<>, &']+?)\s+for\s+)?([\w:]+)/.exec(text);
    if (match) return { name: match[2]!, container: true };
    return null;
  }
  if (language === "go") {
    match = /^func\s+(?:\(\s*\w*\s*\*?\s*([\w.]+)[^)]*\)\s*)?([A-Za-z_]\w*)/.exec(text);
    if (match) return { name: match[1] ? `${match[1]}.${match[2]}` : match[2]!, container: false };
    match = /^type\s+([A-Za-z_]\w*)\s+(struct|interface)?/.exec(text);
    if (match) return { name: match[1]!, container: false };
    match = /^(?:var|const)\s+([A-Za-z_]\w*)/.exec(text);
    return match ? { name: match[1]!, container: false } : null;
  }
  const modifiers =
    "(?:(?:export|default|declare|abstract|public|private|protected|internal|static|final|sealed|open|data|inline|async|partial|readonly|override|virtual|extern|const|constexpr|template\\s*<[^>]*>|@\\w+(?:\\([^)]*\\))?)\\s+)*";
  match = new RegExp(`^${modifiers}(class|interface|enum|namespace|module|struct|object|record|union|trait|protocol|extension)\\s+([A-Za-z_$][\\w$]*)`).exec(text);
  if (match) return { name: match[2]!, container: containerKinds.has(match[1]!) };
  if (language === "typescript" || language === "javascript") {
    match = new RegExp(`^${modifiers}function\\s*\\*?\\s*([A-Za-z_$][\\w$]*)`).exec(text);
    if (match) return { name: match[1]!, container: false };
    match = new RegExp(`^${modifiers}type\\s+([A-Za-z_$][\\w$]*)`).exec(text);
    if (match) return { name: match[1]!, container: false };
    match = new RegExp(`^${modifiers}(?:const|let|var)\\s+([A-Za-z_$][\\w$]*)`).exec(text);
    if (match) return { name: match[1]!, container: false };
  }
  if (language === "kotlin" || language === "swift" || language === "php") {
    match = new RegExp(`^${modifiers}(?:fun|func|function)\\s+(?:<[^>]*>\\s*)?(?:[\\w.]+\\.)?([A-Za-z_$][\\w$]*)`).exec(text);
    if (match) return { name: match[1]!, container: false };
  }
  if (language === "cpp" && /^extern\s+"C"/.test(text)) return { name: "extern \"C\"", container: true };
  // A function or method: NAME( with something before it (a type, modifiers) or a member on its own.
  match = /(?:^|[\s*&:>~])((?:[A-Za-z_$~][\w$]*::)*[A-Za-z_$~][\w$]*)\s*(?:<[^<>()]*>)?\s*\(/.exec(text);
  if (match) {
    const name = match[1]!;
    const bare = name.split("::").at(-1)!;
    if (controlWords.has(bare) || /[=;]\s*$/.test(text.slice(0, match.index + 1))) return null;
    if (/^(?:return|throw|await|yield)\b/.test(text)) return null;
    if (/^\w+\s*\(.*\)\s*;\s*$/.test(text)) return null; // a call statement
    return { name, container: false };
  }
  return null;
}

interface Unit {
  from: number;
  to: number;
  /** The first line that is not a comment or decorator. */
  head: number;
}

function chunkBraces(builder: ChunkBuilder, language: ChunkLanguage): void {
  const shape = scanBraces(builder.lines, language);
  splitBraceRange(builder, language, shape, 0, builder.lines.length - 1, 0, undefined);
}

function isDecoration(line: string, language: ChunkLanguage): boolean {
  const text = line.trim();
  if (language === "rust") return text.startsWith("#[") || text.startsWith("#![");
  if (language === "csharp") return text.startsWith("[");
  return /^@\w/.test(text) && !/[{;]\s*$/.test(text);
}

/** The units (declarations, statements) of lines `from`..`to` at brace depth `depth`. */
function braceUnits(builder: ChunkBuilder, language: ChunkLanguage, shape: LineShape, from: number, to: number, depth: number): Unit[] {
  const units: Unit[] = [];
  let i = from;
  let pendingFrom = -1; // comments and decorators waiting for the unit they describe
  while (i <= to) {
    if (builder.isBlank(i)) {
      pendingFrom = -1;
      i++;
      continue;
    }
    const line = builder.lines[i]!;
    if ((shape.commentOnly[i] || isDecoration(line, language)) && shape.startDepth[i] === depth && shape.endDepth[i] === depth) {
      if (pendingFrom < 0) pendingFrom = i;
      i++;
      continue;
    }
    const start = i;
    const base = shape.startDepth[i]!;
    let j = i;
    if (base >= depth) {
      for (;;) {
        const closed = shape.endDepth[j]! <= base && shape.endParens[j]! === 0;
        if (closed || j >= to) {
          // Allman braces and K&R C: the body's `{` on the next line belongs to this unit.
          let k = j + 1;
          while (k <= to && builder.isBlank(k)) k++;
          const opensNext = closed && k <= to && (builder.lines[k] ?? "").trim().startsWith("{") && !/[;}]\s*$/.test(builder.lines[j]!.trim());
          if (opensNext && shape.startDepth[k] === base) {
            j = k;
            continue;
          }
          break;
        }
        j++;
      }
    }
    units.push({ from: pendingFrom >= 0 ? pendingFrom : start, to: j, head: start });
    pendingFrom = -1;
    i = j + 1;
  }
  if (pendingFrom >= 0) units.push({ from: pendingFrom, to: to, head: pendingFrom });
  return units;
}

function splitBraceRange(
  builder: ChunkBuilder,
  language: ChunkLanguage,
  shape: LineShape,
  from: number,
  to: number,
  depth: number,
  owner: string | undefined,
): void {
  const units = braceUnits(builder, language, shape, from, to, depth);
  const group = new UnitGroup(builder, owner);
  // A file's header (package, imports, what comes before its first declaration) is a unit of its own.
  let header = depth === 0 && owner === undefined;
  for (const unit of units) {
    const declaration = declarationOf(builder.lines[unit.head]!, language);
    const multiLine = unit.to > unit.head;
    if (!declaration || !multiLine) {
      // Statements, imports, fields: grouped with their small neighbours.
      group.add(unit.from, unit.to, undefined, header);
      continue;
    }
    if (header) group.flush();
    header = false;
    if (builder.mergeable(unit.from, unit.to)) {
      group.add(unit.from, unit.to, declaration.name, false);
      continue;
    }
    group.flush();
    const symbol = owner ? `${owner}.${declaration.name}` : declaration.name;
    if (builder.fits(unit.from, unit.to)) {
      builder.emit(unit.from, unit.to, symbol);
      continue;
    }
    // Too big: a class-like declaration splits into its members, anything else into windows.
    let bodyStart = unit.head;
    while (bodyStart < unit.to && shape.endDepth[bodyStart]! <= shape.startDepth[unit.head]!) bodyStart++;
    const innerDepth = shape.startDepth[unit.head]! + 1;
    if (declaration.container && bodyStart < unit.to) {
      builder.emit(unit.from, bodyStart, symbol);
      splitBraceRange(builder, language, shape, bodyStart + 1, unit.to, innerDepth, symbol);
    } else {
      builder.windows(unit.from, unit.to, symbol);
    }
  }
  group.flush();
}

/**
 * Neighbouring small units (members, functions, statements) gathered into one chunk up to the merge
 * size, named after the declarations it holds (`Owner.first, second`); statements alone (a file's
 * header: package and imports) may grow to the full chunk size. With `mergeLines` 0 every
 * declaration is a chunk of its own.
 */
class UnitGroup {
  private from = -1;
  private to = -1;
  private header = false;
  private readonly names: string[] = [];

  constructor(
    private readonly builder: ChunkBuilder,
    private readonly owner: string | undefined,
  ) {}

  add(from: number, to: number, name: string | undefined, header: boolean): void {
    if (this.from >= 0) {
      // Statements alone (a header, fields, imports) group up to a whole chunk; with declarations, up to the merge size.
      const statementsOnly = name === undefined && this.names.length === 0;
      const joins = header === this.header && (statementsOnly ? this.builder.fits(this.from, to) : this.builder.mergeable(this.from, to));
      if (!joins) this.flush();
    }
    if (this.from < 0) {
      this.from = from;
      this.header = header;
    }
    this.to = to;
    if (name) this.names.push(name);
  }

  flush(): void {
    if (this.from < 0) return;
    const names = this.names.join(", ");
    const symbol = this.owner ? (names ? `${this.owner}.${names}` : this.owner) : names || undefined;
    this.builder.emit(this.from, this.to, symbol);
    this.from = -1;
    this.names.length = 0;
  }
}

// ── Python ──────────────────────────────────────────────────────────────────────────────────

interface PythonShape {
  indent: number[];
  /** Lines that continue the previous one (inside brackets or a triple-quoted string). */
  continuation: boolean[];
}

function scanPython(lines: readonly string[]): PythonShape {
  const shape: PythonShape = { indent: [], continuation: [] };
  let brackets = 0;
  let triple = "";
  let backslash = false;
  for (const line of lines) {
    shape.continuation.push(brackets > 0 || triple !== "" || backslash);
    shape.indent.push(line.length - line.trimStart().length);
    backslash = false;
    let i = 0;
    while (i < line.length) {
      const c = line[i]!;
      if (triple) {
        if (c === "\\") i += 2;
        else if (line.startsWith(triple, i)) {
          i += 3;
          triple = "";
        } else i++;
        continue;
      }
      if (c === "#") break;
      if ((c === '"' || c === "'") && line.startsWith(c.repeat(3), i)) {
        triple = c.repeat(3);
        i += 3;
        continue;
      }
      if (c === '"' || c === "'") {
        i++;
        while (i < line.length && line[i] !== c) i += line[i] === "\\" ? 2 : 1;
        i++;
        continue;
      }
      if (c === "(" || c === "[" || c === "{") brackets++;
      else if (c === ")" || c === "]" || c === "}") brackets = Math.max(0, brackets - 1);
      i++;
    }
    if (!triple && line.trimEnd().endsWith("\\")) backslash = true;
  }
  return shape;
}

function chunkPython(builder: ChunkBuilder): void {
  const shape = scanPython(builder.lines);
  splitPythonRange(builder, shape, 0, builder.lines.length - 1, undefined);
}

function splitPythonRange(builder: ChunkBuilder, shape: PythonShape, from: number, to: number, owner: string | undefined): void {
  let base = -1;
  for (let i = from; i <= to; i++) {
    if (!builder.isBlank(i) && !shape.continuation[i]) {
      base = shape.indent[i]!;
      break;
    }
  }
  if (base < 0) {
    builder.emit(from, to, owner);
    return;
  }
  const units: Unit[] = [];
  let pendingFrom = -1;
  let i = from;
  while (i <= to) {
    if (builder.isBlank(i)) {
      i++;
      continue;
    }
    const text = builder.lines[i]!.trim();
    if (!shape.continuation[i] && shape.indent[i]! <= base && (text.startsWith("@") || text.startsWith("#"))) {
      if (pendingFrom < 0) pendingFrom = i;
      i++;
      continue;
    }
    const start = i;
    let j = i;
    let k = i + 1;
    while (k <= to && (builder.isBlank(k) || shape.continuation[k] || shape.indent[k]! > base)) {
      if (!builder.isBlank(k)) j = k;
      k++;
    }
    units.push({ from: pendingFrom >= 0 ? pendingFrom : start, to: j, head: start });
    pendingFrom = -1;
    i = k;
  }
  if (pendingFrom >= 0) units.push({ from: pendingFrom, to, head: pendingFrom });
  const group = new UnitGroup(builder, owner);
  let header = owner === undefined;
  for (const unit of units) {
    const match = /^\s*(?:async\s+)?(def|class)\s+([A-Za-z_]\w*)/.exec(builder.lines[unit.head]!);
    if (!match || unit.to === unit.head) {
      group.add(unit.from, unit.to, undefined, header);
      continue;
    }
    if (header) group.flush();
    header = false;
    if (builder.mergeable(unit.from, unit.to)) {
      group.add(unit.from, unit.to, match[2]!, false);
      continue;
    }
    group.flush();
    const symbol = owner ? `${owner}.${match[2]}` : match[2]!;
    if (builder.fits(unit.from, unit.to)) builder.emit(unit.from, unit.to, symbol);
    else if (match[1] === "class") {
      let bodyStart = unit.head + 1;
      while (bodyStart <= unit.to && shape.continuation[bodyStart]) bodyStart++;
      builder.emit(unit.from, bodyStart - 1, symbol);
      splitPythonRange(builder, shape, bodyStart, unit.to, symbol);
    } else builder.windows(unit.from, unit.to, symbol);
  }
  group.flush();
}

// ── Markdown ────────────────────────────────────────────────────────────────────────────────

function chunkMarkdown(builder: ChunkBuilder): void {
  const trail: string[] = [];
  let sectionFrom = 0;
  let symbol: string | undefined;
  let fence = "";
  const lines = builder.lines;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      if (!fence) fence = fenceMatch[1]!;
      else if (fenceMatch[1]!.startsWith(fence[0]!) && fenceMatch[1]!.length >= fence.length) fence = "";
      continue;
    }
    if (fence) continue;
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    if (i > sectionFrom) builder.emit(sectionFrom, i - 1, symbol);
    const level = heading[1]!.length;
    trail.length = Math.min(trail.length, level - 1);
    trail[level - 1] = heading[2]!;
    symbol = trail.filter((part) => part !== undefined && part.length > 0).join(" > ");
    sectionFrom = i;
  }
  builder.emit(sectionFrom, lines.length - 1, symbol);
}
