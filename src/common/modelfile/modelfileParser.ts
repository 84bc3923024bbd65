// The Modelfile parser, with the semantics of Ollama's own (parser/parser.go): instructions are
// case-insensitive; a value runs to the end of its line unless it starts with `"` or `"""`, in
// which case it runs on, across lines, to the first line that ends with the closing quote; there
// are no escapes (a quoted value keeps its backslashes); `#` starts a comment only where an
// instruction could start; MESSAGE roles are exactly system, user or assistant.
//
// Unlike Ollama's, this parser never stops at the first error and never throws: it reports every
// problem with its range and goes on with the next line, so an editor can show them all. Where it
// departs from Ollama on purpose: line breaks inside values are `\n` (Ollama keeps a CRLF file's
// `\r`), extra spaces between PARAMETER or MESSAGE and the name or role are allowed, and an empty
// value (`FROM ` with nothing after it) is an error rather than an empty FROM.
//
// Positions are zero-based lines and UTF-16 characters, as VS Code counts them.
import { localize } from "../localize";

export interface ModelfilePosition {
  readonly line: number;
  readonly character: number;
}

export interface ModelfileRange {
  readonly start: ModelfilePosition;
  readonly end: ModelfilePosition;
}

export type ModelfileInstruction =
  | "FROM"
  | "PARAMETER"
  | "TEMPLATE"
  | "SYSTEM"
  | "ADAPTER"
  | "LICENSE"
  | "MESSAGE"
  | "REQUIRES"
  | "DRAFT"
  | "RENDERER"
  | "PARSER";

export const modelfileInstructions: readonly ModelfileInstruction[] = [
  "FROM",
  "PARAMETER",
  "TEMPLATE",
  "SYSTEM",
  "ADAPTER",
  "LICENSE",
  "MESSAGE",
  "REQUIRES",
  "DRAFT",
  "RENDERER",
  "PARSER",
];

export type ModelfileMessageRole = "system" | "user" | "assistant";

export const modelfileMessageRoles: readonly ModelfileMessageRole[] = ["system", "user", "assistant"];

/** How the value was written: bare to the end of the line, `"quoted"`, or `"""triple-quoted"""`. */
export type ModelfileQuoting = "none" | "quoted" | "triple";

interface ModelfileCommandBase {
  /** The instruction keyword as written (`from`, `Parameter`…). */
  readonly keyword: string;
  readonly keywordRange: ModelfileRange;
  /** The value with its quotes removed; line breaks inside it are `\n`. */
  readonly value: string;
  /** The value as written, quotes included. */
  readonly valueRange: ModelfileRange;
  /** The value without its quotes (equal to valueRange when unquoted). */
  readonly contentRange: ModelfileRange;
  readonly quoting: ModelfileQuoting;
  /** From the keyword to the end of the value. */
  readonly range: ModelfileRange;
}

export interface ModelfileParameterCommand extends ModelfileCommandBase {
  readonly instruction: "PARAMETER";
  /** As written; Ollama's parameter names are case-sensitive. */
  readonly name: string;
  readonly nameRange: ModelfileRange;
}

export interface ModelfileMessageCommand extends ModelfileCommandBase {
  readonly instruction: "MESSAGE";
  readonly role: ModelfileMessageRole;
  readonly roleRange: ModelfileRange;
}

export interface ModelfileSimpleCommand extends ModelfileCommandBase {
  readonly instruction: Exclude<ModelfileInstruction, "PARAMETER" | "MESSAGE">;
}

export type ModelfileCommand = ModelfileParameterCommand | ModelfileMessageCommand | ModelfileSimpleCommand;

export interface ModelfileComment {
  /** The comment's text after `#`. */
  readonly text: string;
  readonly range: ModelfileRange;
}

export type ModelfileSeverity = "error" | "warning" | "info";

export type ModelfileDiagnosticCode =
  // syntax (from the parser)
  | "unknownInstruction"
  | "missingValue"
  | "unterminatedValue"
  | "invalidParameterName"
  | "invalidMessageRole"
  // meaning (from the validator)
  | "missingFrom"
  | "duplicateFrom"
  | "overriddenInstruction"
  | "overriddenParameter"
  | "unknownParameter"
  | "deprecatedParameter"
  | "removedParameter"
  | "invalidParameterValue"
  | "parameterOutOfRange"
  | "invalidRequires"
  | "requiresNewerOllama"
  | "unknownRenderer"
  | "unknownParser"
  | "unknownTemplateVariable"
  | "templateSyntax"
  | "fileNotFound"
  | "invalidModelName"
  | "unknownModel";

export interface ModelfileDiagnostic {
  readonly severity: ModelfileSeverity;
  readonly range: ModelfileRange;
  readonly message: string;
  readonly code: ModelfileDiagnosticCode;
  /** A replacement for `range` that fixes the problem (a quick fix), when there is an obvious one. */
  readonly suggestion?: string;
}

export interface ParsedModelfile {
  /** In source order. */
  readonly commands: readonly ModelfileCommand[];
  /** Syntax errors (severity "error"), in source order. The commands hold everything that did parse. */
  readonly errors: readonly ModelfileDiagnostic[];
  readonly comments: readonly ModelfileComment[];
}

/** More than this many syntax errors (a binary file, say) are not worth listing. */
const maxErrors = 500;

const instructionSet: ReadonlySet<string> = new Set(modelfileInstructions);

/** Go's strconv.IsPrint is false for these (other than the ASCII space); Ollama drops them from values. */
const unprintable = /[\p{C}\p{Z}]/u;
const unprintableGlobal = /(?! )[\p{C}\p{Z}]/gu;

function isSpace(ch: string | undefined): boolean {
  return ch === " " || ch === "\t";
}

function isLetter(ch: string | undefined): boolean {
  return ch !== undefined && ((ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z"));
}

function isNameChar(ch: string | undefined): boolean {
  return isLetter(ch) || (ch !== undefined && ((ch >= "0" && ch <= "9") || ch === "_"));
}

/** Go's strings.TrimSpace, near enough: JavaScript's whitespace class. */
function trimEndIndex(line: string, from: number): number {
  let end = line.length;
  while (end > from && /\s/.test(line[end - 1]!)) end--;
  return end;
}

function position(line: number, character: number): ModelfilePosition {
  return { line, character };
}

function range(line: number, start: number, endLine: number, end: number): ModelfileRange {
  return { start: position(line, start), end: position(endLine, end) };
}

/** Splits on `\r\n`, `\n` and a lone `\r` (Ollama and VS Code both treat `\r` as a line break). */
export function splitModelfileLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function dropUnprintable(text: string): string {
  return unprintable.test(text) ? text.replace(unprintableGlobal, (ch) => (ch === "\t" ? ch : "")) : text;
}

/** Parses a Modelfile. Never throws; syntax errors come back in `errors`. */
export function parseModelfile(text: string): ParsedModelfile {
  const lines = splitModelfileLines(text);
  const commands: ModelfileCommand[] = [];
  const errors: ModelfileDiagnostic[] = [];
  const comments: ModelfileComment[] = [];

  const error = (code: ModelfileDiagnosticCode, at: ModelfileRange, message: string, suggestion?: string): void => {
    if (errors.length >= maxErrors) return;
    errors.push(suggestion === undefined ? { severity: "error", range: at, message, code } : { severity: "error", range: at, message, code, suggestion });
  };

  interface ValueScan {
    readonly value: string;
    readonly quoting: ModelfileQuoting;
    readonly valueRange: ModelfileRange;
    readonly contentRange: ModelfileRange;
    /** The last line the value occupies. */
    readonly endLine: number;
  }

  /**
   * Reads a value that starts at `character` on `lineIndex` (spaces before it allowed). Returns
   * null, after reporting it, when the value is empty or never closed. `nextLine` is set either way.
   */
  let nextLine = 0;
  const scanValue = (lineIndex: number, character: number, instructionRange: ModelfileRange, keyword: string): ValueScan | null => {
    const line = lines[lineIndex]!;
    let start = character;
    while (start < line.length && /\s/.test(line[start]!)) start++;
    const end = trimEndIndex(line, start);
    nextLine = lineIndex + 1;
    if (start >= end) {
      error("missingValue", instructionRange, localize("{0} needs a value after it on the same line.", keyword.toUpperCase()));
      return null;
    }
    const first = line.slice(start, end);
    const quoting: ModelfileQuoting = first.startsWith('"""') ? "triple" : first.startsWith('"') ? "quoted" : "none";
    if (quoting === "none") {
      const valueRange = range(lineIndex, start, lineIndex, end);
      return { value: dropUnprintable(first), quoting, valueRange, contentRange: valueRange, endLine: lineIndex };
    }
    const delimiter = quoting === "triple" ? '"""' : '"';
    const minimum = delimiter.length * 2;
    // The value closes at the first line end where everything so far, trimmed, ends with the
    // delimiter and is long enough to hold both delimiters.
    const cleanedFirst = dropUnprintable(first);
    if (cleanedFirst.length >= minimum && cleanedFirst.endsWith(delimiter)) {
      return {
        value: cleanedFirst.slice(delimiter.length, cleanedFirst.length - delimiter.length),
        quoting,
        valueRange: range(lineIndex, start, lineIndex, end),
        contentRange: range(lineIndex, start + delimiter.length, lineIndex, end - delimiter.length),
        endLine: lineIndex,
      };
    }
    const pieces = [dropUnprintable(line.slice(start + delimiter.length))];
    for (let index = lineIndex + 1; index < lines.length; index++) {
      const current = lines[index]!;
      const currentEnd = trimEndIndex(current, 0);
      const cleaned = dropUnprintable(current.slice(0, currentEnd));
      if (cleaned.endsWith(delimiter)) {
        pieces.push(cleaned.slice(0, cleaned.length - delimiter.length));
        nextLine = index + 1;
        return {
          value: pieces.join("\n"),
          quoting,
          valueRange: range(lineIndex, start, index, currentEnd),
          contentRange: range(lineIndex, start + delimiter.length, index, currentEnd - delimiter.length),
          endLine: index,
        };
      }
      pieces.push(dropUnprintable(current));
    }
    nextLine = lines.length;
    error(
      "unterminatedValue",
      range(lineIndex, start, lineIndex, start + delimiter.length),
      quoting === "triple"
        ? localize("This value opens with \"\"\" but no later line ends with \"\"\", so it runs to the end of the file. End the value's last line with \"\"\".")
        : localize("This value opens with a quote (\") but no line ends with the closing quote, so it runs to the end of the file. A quoted value ends only at a line that ends with \"; use \"\"\" for text that contains quotes."),
    );
    return null;
  };

  let lineIndex = 0;
  while (lineIndex < lines.length) {
    const line = lines[lineIndex]!;
    let i = 0;
    // Spaces, tabs and (at the very start of the file) a byte order mark before an instruction.
    while (i < line.length && (isSpace(line[i]) || (lineIndex === 0 && i === 0 && line[i] === "\uFEFF"))) i++;
    if (i >= line.length) {
      lineIndex++;
      continue;
    }
    if (line[i] === "#") {
      comments.push({ text: line.slice(i + 1), range: range(lineIndex, i, lineIndex, line.length) });
      lineIndex++;
      continue;
    }

    const keywordStart = i;
    while (isLetter(line[i])) i++;
    if (i < line.length && !isSpace(line[i])) {
      // Something other than a letter inside the instruction word: not an instruction.
      while (i < line.length && !isSpace(line[i])) i++;
    }
    const keyword = line.slice(keywordStart, i);
    const keywordRange = range(lineIndex, keywordStart, lineIndex, i);
    const instruction = keyword.toUpperCase();

    if (!instructionSet.has(instruction)) {
      error(
        "unknownInstruction",
        keywordRange,
        localize("Unknown instruction \"{0}\". A Modelfile line starts with FROM, PARAMETER, TEMPLATE, SYSTEM, ADAPTER, LICENSE, MESSAGE, REQUIRES, DRAFT, RENDERER or PARSER, or with # for a comment.", dropUnprintable(keyword)),
      );
      // Skip its value too, so that a """ block after it does not read as instructions.
      if (i < line.length) {
        const skipped = scanValueQuietly(lines, lineIndex, i);
        lineIndex = skipped;
      } else {
        lineIndex++;
      }
      continue;
    }

    if (instruction === "PARAMETER" || instruction === "MESSAGE") {
      let j = i;
      while (isSpace(line[j])) j++;
      const wordStart = j;
      const accepts = instruction === "PARAMETER" ? isNameChar : isLetter;
      while (accepts(line[j])) j++;
      let malformed = false;
      if (j < line.length && !isSpace(line[j])) {
        malformed = true;
        while (j < line.length && !isSpace(line[j])) j++;
      }
      const word = line.slice(wordStart, j);
      const wordRange = range(lineIndex, wordStart, lineIndex, j);
      if (word === "") {
        error(
          "missingValue",
          keywordRange,
          instruction === "PARAMETER"
            ? localize("PARAMETER needs a name and a value, for example PARAMETER temperature 0.7.")
            : localize("MESSAGE needs a role (system, user or assistant) and the message, for example MESSAGE user Hello."),
        );
        lineIndex++;
        continue;
      }
      if (instruction === "PARAMETER" && malformed) {
        error(
          "invalidParameterName",
          wordRange,
          localize("\"{0}\" is not a parameter name: names use only letters, digits and _ (for example num_ctx).", dropUnprintable(word)),
        );
        lineIndex = scanValueQuietly(lines, lineIndex, j);
        continue;
      }
      if (instruction === "MESSAGE" && !(modelfileMessageRoles as readonly string[]).includes(word)) {
        const fixed = word.toLowerCase().replace(/[^a-z]/g, "");
        const suggestion = (modelfileMessageRoles as readonly string[]).includes(fixed) ? fixed : undefined;
        error(
          "invalidMessageRole",
          wordRange,
          localize("\"{0}\" is not a message role. Use system, user or assistant, in lower case.", dropUnprintable(word)),
          suggestion,
        );
        lineIndex = scanValueQuietly(lines, lineIndex, j);
        continue;
      }
      if (j >= line.length || trimEndIndex(line, j) <= j) {
        error(
          "missingValue",
          range(lineIndex, keywordStart, lineIndex, j),
          instruction === "PARAMETER"
            ? localize("PARAMETER {0} needs a value after the name.", word)
            : localize("MESSAGE {0} needs the message text after the role.", word),
        );
        lineIndex++;
        continue;
      }
      const scanned = scanValue(lineIndex, j, keywordRange, keyword);
      if (scanned) {
        const base = {
          keyword,
          keywordRange,
          value: scanned.value,
          valueRange: scanned.valueRange,
          contentRange: scanned.contentRange,
          quoting: scanned.quoting,
          range: { start: keywordRange.start, end: scanned.valueRange.end },
        };
        commands.push(
          instruction === "PARAMETER"
            ? { ...base, instruction: "PARAMETER", name: word, nameRange: wordRange }
            : { ...base, instruction: "MESSAGE", role: word as ModelfileMessageRole, roleRange: wordRange },
        );
      }
      lineIndex = nextLine;
      continue;
    }

    if (i >= line.length) {
      error("missingValue", keywordRange, localize("{0} needs a value after it on the same line.", instruction));
      lineIndex++;
      continue;
    }
    const scanned = scanValue(lineIndex, i, keywordRange, keyword);
    if (scanned) {
      commands.push({
        instruction: instruction as ModelfileSimpleCommand["instruction"],
        keyword,
        keywordRange,
        value: scanned.value,
        valueRange: scanned.valueRange,
        contentRange: scanned.contentRange,
        quoting: scanned.quoting,
        range: { start: keywordRange.start, end: scanned.valueRange.end },
      });
    }
    lineIndex = nextLine;
  }

  return { commands, errors, comments };
}

/** The line after a value that starts at `character` (used to step over lines in error). */
function scanValueQuietly(lines: readonly string[], lineIndex: number, character: number): number {
  const line = lines[lineIndex]!;
  let start = character;
  while (start < line.length && /\s/.test(line[start]!)) start++;
  const first = dropUnprintable(line.slice(start, trimEndIndex(line, start)));
  const delimiter = first.startsWith('"""') ? '"""' : first.startsWith('"') ? '"' : null;
  if (delimiter === null || (first.length >= delimiter.length * 2 && first.endsWith(delimiter))) return lineIndex + 1;
  for (let index = lineIndex + 1; index < lines.length; index++) {
    const current = lines[index]!;
    if (dropUnprintable(current.slice(0, trimEndIndex(current, 0))).endsWith(delimiter)) return index + 1;
  }
  return lines.length;
}

// ---------------------------------------------------------------------------------------------
// Writing Modelfiles back

function survivesParse(candidate: string, value: string): boolean {
  const parsed = parseModelfile(`SYSTEM ${candidate}\n`);
  return parsed.errors.length === 0 && parsed.commands.length === 1 && parsed.commands[0]!.value === value;
}

/**
 * A value written so that parsing gives it back: bare when it is one word, `"quoted"` when it
 * holds spaces or starts with a quote, `"""triple-quoted"""` when it spans lines. A value no
 * quoting can carry (a line inside it ends with `"""`) comes back triple-quoted as the best effort.
 */
export function quoteModelfileValue(value: string): string {
  const normalized = value.replace(/\r\n|\r/g, "\n");
  if (normalized.includes("\n")) {
    const triple = `"""${normalized}"""`;
    if (survivesParse(triple, normalized)) return triple;
    const quoted = `"${normalized}"`;
    return !normalized.startsWith('""') && survivesParse(quoted, normalized) ? quoted : triple;
  }
  if (normalized !== "" && !/\s/.test(normalized) && !normalized.startsWith('"') && survivesParse(normalized, normalized)) {
    return normalized;
  }
  const quoted = `"${normalized}"`;
  if (!normalized.startsWith('""') && survivesParse(quoted, normalized)) return quoted;
  return `"""${normalized}"""`;
}

/** One command written canonically: upper-case instruction, canonical quoting. */
export function formatModelfileCommand(command: ModelfileCommand): string {
  switch (command.instruction) {
    case "PARAMETER":
      return `PARAMETER ${command.name} ${quoteModelfileValue(command.value)}`;
    case "MESSAGE":
      return `MESSAGE ${command.role} ${quoteModelfileValue(command.value)}`;
    default:
      return `${command.instruction} ${quoteModelfileValue(command.value)}`;
  }
}

/**
 * The Modelfile written canonically: one instruction per line, comments kept in place, runs of
 * blank lines reduced to one. `parseModelfile(formatModelfile(p))` has the same commands as `p`.
 */
export function formatModelfile(parsed: Pick<ParsedModelfile, "commands"> & Partial<Pick<ParsedModelfile, "comments">>): string {
  type Item = { readonly startLine: number; readonly endLine: number; readonly text: string };
  const items: Item[] = [
    ...parsed.commands.map((command) => ({
      startLine: command.range.start.line,
      endLine: command.range.end.line,
      text: formatModelfileCommand(command),
    })),
    ...(parsed.comments ?? []).map((comment) => ({
      startLine: comment.range.start.line,
      endLine: comment.range.end.line,
      text: `#${comment.text.replace(/\s+$/, "")}`,
    })),
  ].sort((a, b) => a.startLine - b.startLine);
  const out: string[] = [];
  let previousEnd: number | null = null;
  for (const item of items) {
    if (previousEnd !== null && item.startLine > previousEnd + 1) out.push("");
    out.push(item.text);
    previousEnd = item.endLine;
  }
  return out.length === 0 ? "" : `${out.join("\n")}\n`;
}

/** Parses and reformats `text`; null when it has syntax errors (formatting would lose text). */
export function formatModelfileText(text: string): string | null {
  const parsed = parseModelfile(text);
  return parsed.errors.length > 0 ? null : formatModelfile(parsed);
}
