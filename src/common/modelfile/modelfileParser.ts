// The Modelfile parser, with the semantics of Ollama's own (parser/parser.go, ParseFile), which
// reads a file one character at a time:
// - an instruction is letters in any case, ended by one space or tab. A line end or any other
//   character right after it is an error, so a bare `SYSTEM` line is refused while `SYSTEM `
//   (nothing after the space) is a SYSTEM with an empty value;
// - PARAMETER and MESSAGE read one more word the same way, the name (letters, digits, `_`) or the
//   role (letters), ended by the next space or tab. A second space right after PARAMETER ends an
//   empty name (`PARAMETER  temperature 0.7` is a parameter named "" with the value
//   "temperature 0.7"), and right after MESSAGE an empty role, which is refused;
// - a value runs to the first line end at which it is complete, trimmed: not quoted, or opened
//   and closed by `"` or by `"""` (so a quoted value may span lines). It keeps the line ends
//   inside it as written (a CRLF file's `\r\n`), has no escapes, and loses the characters Go does
//   not print (controls, format characters, spaces other than the ASCII space; tabs stay);
// - `#` starts a comment only where an instruction could start.
//
// Unlike Ollama's, this parser never stops at the first error and never throws: it reports every
// problem with its range and goes on, so an editor can show them all. Its first error is the one
// Ollama's parser stops at (firstModelfileProblem). Ollama's "unexpected EOF" errors carry no
// line; here they get the line of the instruction, or of the quote that is never closed.
//
// Positions are zero-based lines and UTF-16 characters, as VS Code counts them: `\r\n` is one
// line break, and so are a lone `\r` and `\n`.
// Over 600 lines on purpose: it ports Ollama's one-character-at-a-time state machine, whose states
// and transitions read best together, beside the parser.go lines they follow.

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
  /** The value with its quotes removed; line breaks inside it are as written (`\r\n` in a CRLF file). */
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
  /**
   * As written; Ollama's parameter names are case-sensitive. Empty when a second space follows
   * PARAMETER (Ollama then reads the intended name as the start of the value).
   */
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
  // an extra space after PARAMETER or MESSAGE, which Ollama reads as an empty name or role
  | "extraSpace"
  // meaning (from the validator)
  | "emptyValue"
  | "emptyReference"
  | "draftSameAsFrom"
  // how the file is stored (from the editor, which knows the encoding it decoded)
  | "fileEncoding"
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
  /**
   * The problem is the file as a whole (no FROM), not a line: `range` is only where an editor
   * shows it, and messages outside the editor name no line.
   */
  readonly wholeFile?: boolean;
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
/** Go's strconv.IsPrint beyond ASCII: letters, marks, numbers, punctuation and symbols. */
const printableRune = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

function isPrintable(rune: string, code: number): boolean {
  if (code < 0x80) return code >= 0x20 && code < 0x7f;
  return code >= 0xa0 && printableRune.test(rune);
}

function isLetter(rune: string): boolean {
  return (rune >= "a" && rune <= "z") || (rune >= "A" && rune <= "Z");
}

function isNameRune(rune: string): boolean {
  return isLetter(rune) || (rune >= "0" && rune <= "9") || rune === "_";
}

/** Splits on `\r\n`, `\n` and a lone `\r` (Ollama and VS Code both treat `\r` as a line break). */
export function splitModelfileLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function dropUnprintable(text: string): string {
  return unprintable.test(text) ? text.replace(unprintableGlobal, (ch) => (ch === "\t" ? ch : "")) : text;
}

/**
 * A value as Ollama's parser collects it: the printable characters, spaces and tabs, and the line
 * ends met while a quote is still open. `close()` is Go's unquote(strings.TrimSpace(…)).
 */
class ValueBuffer {
  private readonly runes: string[] = [];
  private first = -1;
  private last = -1;
  /** Where the first and after the last character that is not blank are (the trimmed value). */
  firstPosition: ModelfilePosition | null = null;
  lastEnd: ModelfilePosition | null = null;

  push(rune: string, at: ModelfilePosition, end: ModelfilePosition): void {
    this.runes.push(rune);
    if (rune === " " || rune === "\t" || rune === "\r" || rune === "\n") return;
    if (this.first < 0) {
      this.first = this.runes.length - 1;
      this.firstPosition = at;
    }
    this.last = this.runes.length - 1;
    this.lastEnd = end;
  }

  /** Whether the value, trimmed, opens with """. */
  get opensTriple(): boolean {
    const { runes, first } = this;
    return first >= 0 && runes[first] === '"' && runes[first + 1] === '"' && runes[first + 2] === '"';
  }

  /** The value and its quoting when it is complete; null while a quote is open. */
  close(): { value: string; quoting: ModelfileQuoting } | null {
    if (this.first < 0) return { value: "", quoting: "none" };
    const { runes, first, last } = this;
    const length = last - first + 1;
    if (length >= 3 && runes[first] === '"' && runes[first + 1] === '"' && runes[first + 2] === '"') {
      const closed = length >= 6 && runes[last] === '"' && runes[last - 1] === '"' && runes[last - 2] === '"';
      return closed ? { value: runes.slice(first + 3, last - 2).join(""), quoting: "triple" } : null;
    }
    if (runes[first] === '"') {
      return length >= 2 && runes[last] === '"' ? { value: runes.slice(first + 1, last).join(""), quoting: "quoted" } : null;
    }
    return { value: runes.slice(first, last + 1).join(""), quoting: "none" };
  }
}

type ScanState =
  | "nil" // between instructions
  | "comment"
  | "instruction" // reading the instruction word
  | "parameterName"
  | "messageRole"
  | "value"
  | "skipWord" // after an error inside a word: the rest of the word belongs to the error
  | "skipValue"; // the value of a line in error, read only to step over it

/** An error found inside a word, reported once the word is read (its range and text end there). */
interface PendingError {
  readonly code: ModelfileDiagnosticCode;
  readonly startIndex: number;
  readonly start: ModelfilePosition;
  readonly message: (word: string) => string;
  readonly suggestion?: (word: string) => string | undefined;
}

function unknownInstructionMessage(word: string): string {
  return localize(
    "Unknown instruction \"{0}\". A Modelfile line starts with FROM, PARAMETER, TEMPLATE, SYSTEM, ADAPTER, LICENSE, MESSAGE, REQUIRES, DRAFT, RENDERER or PARSER, or with # for a comment.",
    dropUnprintable(word),
  );
}

function invalidRoleMessage(word: string): string {
  return localize("\"{0}\" is not a message role. Use system, user or assistant, in lower case.", dropUnprintable(word));
}

/** The role that was surely meant (`User`, `user:` → `user`), if any. */
function closestRole(word: string): ModelfileMessageRole | undefined {
  const fixed = word.toLowerCase().replace(/[^a-z]/g, "");
  return modelfileMessageRoles.find((role) => role === fixed);
}

/** A bare instruction (nothing after it on the line, not even a space): Ollama refuses it. */
function bareInstructionMessage(instruction: string): string {
  if (instruction === "PARAMETER") return localize("PARAMETER needs a name and a value, for example PARAMETER temperature 0.7.");
  if (instruction === "MESSAGE") return localize("MESSAGE needs a role (system, user or assistant) and the message, for example MESSAGE user Hello.");
  return localize("{0} needs a value after it on the same line.", instruction);
}

/** Parses a Modelfile. Never throws; syntax errors come back in `errors`. */
export function parseModelfile(text: string): ParsedModelfile {
  const commands: ModelfileCommand[] = [];
  const errors: ModelfileDiagnostic[] = [];
  const comments: ModelfileComment[] = [];
  const error = (code: ModelfileDiagnosticCode, at: ModelfileRange, message: string, suggestion?: string): void => {
    if (errors.length >= maxErrors) return;
    errors.push(suggestion === undefined ? { severity: "error", range: at, message, code } : { severity: "error", range: at, message, code, suggestion });
  };

  // Widened on purpose: the closures below change it, which narrowing cannot see.
  let state = "nil" as ScanState;
  let line = 0;
  let lineStart = 0;

  // The instruction being read.
  let keywordStartIndex = 0;
  let keywordStart: ModelfilePosition = { line: 0, character: 0 };
  let keywordRange: ModelfileRange = { start: keywordStart, end: keywordStart };
  let keyword = "";
  /** The instruction word as Ollama collects it: printable characters only. */
  let letters = "";
  let instruction: ModelfileInstruction = "FROM";
  let word = "";
  let wordStart: ModelfilePosition = keywordStart;
  let wordRange: ModelfileRange | null = null;
  let valueStart: ModelfilePosition = keywordStart;
  let buffer = new ValueBuffer();
  let commentStartIndex = 0;
  let commentStart: ModelfilePosition = keywordStart;
  let pending: PendingError | null = null;

  const startValue = (at: ModelfilePosition, skip: boolean): void => {
    buffer = new ValueBuffer();
    valueStart = at;
    state = skip ? "skipValue" : "value";
  };

  const emitCommand = (closed: { value: string; quoting: ModelfileQuoting }): void => {
    const delimiter = closed.quoting === "triple" ? 3 : closed.quoting === "quoted" ? 1 : 0;
    const first = buffer.firstPosition ?? valueStart;
    const end = buffer.lastEnd ?? valueStart;
    const valueRange: ModelfileRange = { start: first, end };
    const contentRange: ModelfileRange = {
      start: { line: first.line, character: first.character + delimiter },
      end: { line: end.line, character: end.character - delimiter },
    };
    const base = {
      keyword,
      keywordRange,
      value: closed.value,
      valueRange,
      contentRange,
      quoting: closed.quoting,
      range: { start: keywordRange.start, end },
    };
    if (instruction === "PARAMETER") {
      commands.push({ ...base, instruction, name: word, nameRange: wordRange! });
    } else if (instruction === "MESSAGE") {
      commands.push({ ...base, instruction, role: word as ModelfileMessageRole, roleRange: wordRange! });
    } else {
      commands.push({ ...base, instruction });
    }
  };

  const finishPending = (end: ModelfilePosition, endIndex: number): void => {
    if (!pending) return;
    const written = text.slice(pending.startIndex, endIndex);
    error(pending.code, { start: pending.start, end }, pending.message(written), pending.suggestion?.(written));
    pending = null;
  };

  /** The instruction word ends at a line end or the end of the file: a bare instruction. */
  const bareInstruction = (end: ModelfilePosition, endIndex: number): void => {
    const upper = letters.toUpperCase();
    const range: ModelfileRange = { start: keywordStart, end };
    if (instructionSet.has(upper)) error("missingValue", range, bareInstructionMessage(upper));
    else error("unknownInstruction", range, unknownInstructionMessage(text.slice(keywordStartIndex, endIndex)));
  };

  /** The PARAMETER name or MESSAGE role ends at a line end or the end of the file. */
  const wordWithoutValue = (end: ModelfilePosition): void => {
    const range: ModelfileRange = { start: wordStart, end };
    if (instruction === "MESSAGE" && word !== "" && !modelfileMessageRoles.includes(word as ModelfileMessageRole)) {
      error("invalidMessageRole", range, invalidRoleMessage(word), closestRole(word));
    } else if (word === "") {
      error("missingValue", keywordRange, bareInstructionMessage(instruction));
    } else {
      error(
        "missingValue",
        { start: keywordStart, end },
        instruction === "PARAMETER"
          ? localize("PARAMETER {0} needs a value after the name.", word)
          : localize("MESSAGE {0} needs the message text after the role.", word),
      );
    }
  };

  /** MESSAGE followed by two spaces: the role Ollama reads is empty. Suggests the line with one space. */
  const emptyRole = (spaceIndex: number): void => {
    let wordEnd = spaceIndex;
    while (text[wordEnd] === " " || text[wordEnd] === "\t") wordEnd++;
    const next = /^[^\s]*/.exec(text.slice(wordEnd))![0];
    const role = closestRole(next);
    const end: ModelfilePosition = { line, character: wordEnd + next.length - lineStart };
    error(
      "extraSpace",
      { start: keywordStart, end },
      localize(
        "Ollama reads this as a MESSAGE with an empty role and refuses it: the role ends at the first space after MESSAGE, so a second space leaves it empty. Remove the extra space.",
      ),
      role === undefined ? undefined : `${keyword} ${role}`,
    );
  };

  let index = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte order mark that was not decoded away
  while (index < text.length) {
    const code = text.codePointAt(index)!;
    const width = code > 0xffff ? 2 : 1;
    const rune = width === 1 ? text[index]! : text.slice(index, index + 2);
    const at: ModelfilePosition = { line, character: index - lineStart };
    const after: ModelfilePosition = { line, character: index + width - lineStart };
    const newline = rune === "\n" || rune === "\r";
    const blank = rune === " " || rune === "\t";

    switch (state) {
      case "nil":
        if (rune === "#") {
          state = "comment";
          commentStartIndex = index;
          commentStart = at;
        } else if (!newline && !blank) {
          state = "instruction";
          keywordStartIndex = index;
          keywordStart = at;
          // Ollama starts the word with any character here but keeps only a printable one.
          letters = isPrintable(rune, code) ? rune : "";
        }
        break;
      case "comment":
        if (newline) {
          comments.push({ text: text.slice(commentStartIndex + 1, index), range: { start: commentStart, end: at } });
          state = "nil";
        }
        break;
      case "instruction":
        if (isLetter(rune)) {
          letters += rune;
        } else if (blank) {
          keyword = text.slice(keywordStartIndex, index);
          keywordRange = { start: keywordStart, end: at };
          const upper = letters.toUpperCase();
          if (!instructionSet.has(upper)) {
            error("unknownInstruction", keywordRange, unknownInstructionMessage(keyword));
            // Step over its value too, so that a """ block after it is not read as instructions.
            startValue(after, true);
            break;
          }
          instruction = upper as ModelfileInstruction;
          if (instruction === "PARAMETER" || instruction === "MESSAGE") {
            state = instruction === "PARAMETER" ? "parameterName" : "messageRole";
            word = "";
            wordStart = after;
          } else {
            startValue(after, false);
          }
        } else if (newline) {
          bareInstruction(at, index);
          state = "nil";
        } else {
          pending = { code: "unknownInstruction", startIndex: keywordStartIndex, start: keywordStart, message: unknownInstructionMessage };
          state = "skipWord";
        }
        break;
      case "parameterName":
      case "messageRole":
        if (state === "parameterName" ? isNameRune(rune) : isLetter(rune)) {
          word += rune;
        } else if (blank) {
          wordRange = { start: wordStart, end: at };
          if (instruction === "MESSAGE" && !modelfileMessageRoles.includes(word as ModelfileMessageRole)) {
            if (word === "") emptyRole(index);
            else error("invalidMessageRole", wordRange, invalidRoleMessage(word), closestRole(word));
            startValue(after, true);
          } else {
            startValue(after, false);
          }
        } else if (newline) {
          wordWithoutValue(at);
          state = "nil";
        } else {
          const wordStartIndex = index - (at.character - wordStart.character);
          pending =
            state === "parameterName"
              ? {
                  code: "invalidParameterName",
                  startIndex: wordStartIndex,
                  start: wordStart,
                  message: (written) =>
                    localize("\"{0}\" is not a parameter name: names use only letters, digits and _ (for example num_ctx).", dropUnprintable(written)),
                }
              : { code: "invalidMessageRole", startIndex: wordStartIndex, start: wordStart, message: invalidRoleMessage, suggestion: closestRole };
          state = "skipWord";
        }
        break;
      case "value":
      case "skipValue":
        if (newline) {
          const closed = buffer.close();
          if (closed) {
            if (state === "value") emitCommand(closed);
            state = "nil";
          } else {
            buffer.push(rune, at, after);
          }
        } else if (blank || isPrintable(rune, code)) {
          buffer.push(rune, at, after);
        }
        break;
      case "skipWord":
        if (newline || blank) {
          finishPending(at, index);
          if (blank) startValue(after, true);
          else state = "nil";
        }
        break;
    }

    index += width;
    if (rune === "\n" || (rune === "\r" && text[index] !== "\n")) {
      line++;
      lineStart = index;
    }
  }

  // The end of the file.
  const end: ModelfilePosition = { line, character: text.length - lineStart };
  switch (state) {
    case "comment":
      comments.push({ text: text.slice(commentStartIndex + 1), range: { start: commentStart, end } });
      break;
    case "instruction":
      bareInstruction(end, text.length);
      break;
    case "parameterName":
    case "messageRole":
      wordWithoutValue(end);
      break;
    case "value": {
      const closed = buffer.close();
      if (closed) {
        emitCommand(closed);
        break;
      }
      const opening = buffer.firstPosition ?? valueStart;
      error(
        "unterminatedValue",
        { start: opening, end: { line: opening.line, character: opening.character + (buffer.opensTriple ? 3 : 1) } },
        buffer.opensTriple
          ? localize("This value opens with \"\"\" but no later line ends with \"\"\", so it runs to the end of the file. End the value's last line with \"\"\".")
          : localize("This value opens with a quote (\") but no line ends with the closing quote, so it runs to the end of the file. A quoted value ends only at a line that ends with \"; use \"\"\" for text that contains quotes."),
      );
      break;
    }
    case "skipWord":
      finishPending(end, text.length);
      break;
    default:
      break;
  }

  return { commands, errors, comments };
}

/**
 * Where Ollama's parser stops reading the file: its first syntax error or, when there is none and
 * no FROM, the missing FROM. Undefined when Ollama's parser accepts the file.
 */
export function firstModelfileProblem(parsed: ParsedModelfile): ModelfileDiagnostic | undefined {
  return parsed.errors[0] ?? missingFromProblem(parsed);
}

/** The file has no FROM (a problem of the whole file, shown on its first instruction); undefined when it has one. */
export function missingFromProblem(parsed: Pick<ParsedModelfile, "commands">): ModelfileDiagnostic | undefined {
  if (parsed.commands.some((command) => command.instruction === "FROM")) return undefined;
  const first = parsed.commands[0];
  return {
    severity: "error",
    code: "missingFrom",
    wholeFile: true,
    range: first ? first.keywordRange : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    message: first
      ? localize("This Modelfile has no FROM line. Add one that names the base model, for example FROM qwen2.5-coder:1.5b, or a GGUF file: FROM ./model.gguf.")
      : localize("This Modelfile has no instructions: it is empty, or holds only comments and blank lines. Start it with FROM and the base model, for example FROM qwen2.5-coder:1.5b, or a GGUF file: FROM ./model.gguf."),
  };
}

// ---------------------------------------------------------------------------------------------
// Writing Modelfiles back

function survivesParse(candidate: string, value: string): boolean {
  const parsed = parseModelfile(`SYSTEM ${candidate}\n`);
  return parsed.errors.length === 0 && parsed.commands.length === 1 && parsed.commands[0]!.value === value;
}

/**
 * A value written so that parsing gives it back: bare when it is one word, `"quoted"` when it
 * holds spaces or starts with a quote, `"""triple-quoted"""` when it spans lines. Line breaks
 * inside stay as they are (parsing keeps them). A value no quoting can carry (a line inside it
 * ends with `"""`) comes back triple-quoted as the best effort.
 */
export function quoteModelfileValue(value: string): string {
  if (/[\r\n]/.test(value)) {
    const triple = `"""${value}"""`;
    if (survivesParse(triple, value)) return triple;
    const quoted = `"${value}"`;
    return !value.startsWith('""') && survivesParse(quoted, value) ? quoted : triple;
  }
  if (value !== "" && !/\s/.test(value) && !value.startsWith('"') && survivesParse(value, value)) {
    return value;
  }
  const quoted = `"${value}"`;
  if (!value.startsWith('""') && survivesParse(quoted, value)) return quoted;
  return `"""${value}"""`;
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

/**
 * Parses and reformats `text`; null when it has syntax errors (formatting would lose text) or a
 * PARAMETER with an empty name (formatting would make Ollama's misreading of an extra space
 * permanent, see modelfileValidator).
 */
export function formatModelfileText(text: string): string | null {
  const parsed = parseModelfile(text);
  if (parsed.errors.length > 0) return null;
  if (parsed.commands.some((command) => command.instruction === "PARAMETER" && command.name === "")) return null;
  return formatModelfile(parsed);
}
