// Go's text/template, the part of it Ollama's TEMPLATEs use: text and actions, `{{- ` and ` -}}`
// trimming, comments, fields (`.System`, `.Messages`, `$.System`, `$m.Content`), variables
// (`$x := …`, `$x = …`, `range $i, $m := …`), `if` / `else if` / `else` / `with` / `else with` /
// `range` (with `else`, `break`, `continue`) / `end`, `define` / `template` / `block`, pipelines
// with `|`, parentheses, literals, and the functions Go and Ollama define (and, or, not, eq, ne,
// lt, le, gt, ge, len, index, slice, print, printf, println, html, js, urlquery, json,
// currentDate, yesterdayDate).
//
// The template is read in four steps, one file each: this one holds the values, the syntax tree
// and the lexer of actions; goTemplateParser.ts builds the tree; goTemplateRunner.ts runs it
// within a budget of steps, output and work; goTemplateFunctions.ts prints values and implements
// the functions (printf…). goTemplate.ts renders a chat with it as Ollama does.
//
// Every step is linear in the text it reads (no regular expression that backtracks over the
// template), so a large or hostile template costs time in proportion to its size.
import { localize } from "../localize";

export interface GoTemplateDiagnostic {
  readonly message: string;
  /** Offsets into the template text. */
  readonly start: number;
  readonly end: number;
}

/** What a template can be given: Ollama passes strings, booleans, lists of messages and tools. */
export type GoTemplateValue = string | number | boolean | null | undefined | GoTemplateValue[] | GoTemplateObject;

export interface GoTemplateObject {
  [key: string]: GoTemplateValue;
}

/** Rendered output: `literal` text comes from the template itself, the rest from values put into it. */
export interface GoTemplateSegment {
  readonly text: string;
  readonly literal: boolean;
}

export interface GoTemplateRender {
  readonly text: string;
  readonly segments: readonly GoTemplateSegment[];
  /** The first parse or execution error; the output stops there. */
  readonly error?: GoTemplateDiagnostic;
}

// ── Syntax tree ─────────────────────────────────────────────────────────────────────────────

export type Arg =
  | { readonly kind: "field"; readonly names: readonly string[]; readonly start: number; readonly end: number }
  | { readonly kind: "variable"; readonly name: string; readonly names: readonly string[]; readonly start: number; readonly end: number }
  | { readonly kind: "dot"; readonly start: number; readonly end: number }
  | { readonly kind: "literal"; readonly value: GoTemplateValue; readonly start: number; readonly end: number }
  | { readonly kind: "nil"; readonly start: number; readonly end: number }
  | { readonly kind: "function"; readonly name: string; readonly start: number; readonly end: number }
  | { readonly kind: "pipe"; readonly pipe: Pipe; readonly names: readonly string[]; readonly start: number; readonly end: number };

export interface Command {
  readonly args: readonly Arg[];
  readonly start: number;
  readonly end: number;
}

export interface Pipe {
  readonly declare: readonly string[];
  /** `=` rather than `:=`. */
  readonly assign: boolean;
  readonly commands: readonly Command[];
  readonly start: number;
  readonly end: number;
}

export interface BlockNode {
  readonly kind: "if" | "with" | "range";
  readonly pipe: Pipe;
  list: TemplateNode[];
  elseList: TemplateNode[] | null;
}

export type TemplateNode =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "action"; readonly pipe: Pipe }
  | BlockNode
  | { readonly kind: "template"; readonly name: string; readonly pipe: Pipe | null; readonly start: number; readonly end: number }
  | { readonly kind: "break" | "continue" };

export interface GoTemplate {
  readonly source: string;
  /** Parse errors, in source order; a template with any renders nothing. */
  readonly diagnostics: readonly GoTemplateDiagnostic[];
  /** Every field name the template reads (`.System`, `$.Messages`, `$m.Content` → System, Messages, Content). */
  readonly fields: ReadonlySet<string>;
  /** @internal */
  readonly root: readonly TemplateNode[];
  /** @internal */
  readonly defines: ReadonlyMap<string, readonly TemplateNode[]>;
}

// ── Lexing actions ──────────────────────────────────────────────────────────────────────────

export type TokenKind =
  | "identifier"
  | "field"
  | "variable"
  | "dot"
  | "string"
  | "number"
  | "char"
  | "open"
  | "close"
  | "pipe"
  | "comma"
  | "declare"
  | "assign";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** For strings, numbers and chars: the value. */
  readonly value?: string | number;
}

export class TemplateError {
  constructor(
    readonly message: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

const trimSpace = /[ \t\r\n]/;

export function isSpaceChar(ch: string | undefined): boolean {
  return ch !== undefined && trimSpace.test(ch);
}

/**
 * The text without its trailing spaces, tabs and newlines. A loop from the end: the regular
 * expression /[ \t\r\n]+$/ tries every run of spaces in the text and is quadratic in it.
 */
export function trimTrailingSpace(text: string): string {
  let end = text.length;
  while (end > 0 && isSpaceChar(text[end - 1])) end--;
  return text.slice(0, end);
}

function isIdentifierStart(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z_]/.test(ch);
}

function isIdentifierChar(ch: string | undefined): boolean {
  return ch !== undefined && /[A-Za-z0-9_]/.test(ch);
}

const numberPattern =
  /^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?\d+)?|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d+)?)(?:i)?/;

function unquote(body: string, start: number): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = body[++i];
    const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", "\\": "\\", '"': '"', "'": "'" };
    if (next !== undefined && simple[next] !== undefined) {
      out += simple[next];
      continue;
    }
    const hexLength = next === "x" ? 2 : next === "u" ? 4 : next === "U" ? 8 : 0;
    if (hexLength > 0) {
      const hex = body.slice(i + 1, i + 1 + hexLength);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) {
        throw new TemplateError(localize("This string has a broken escape sequence (\\{0}).", next!), start + i - 1, start + i + 1 + hex.length);
      }
      out += next === "x" ? String.fromCharCode(parseInt(hex, 16)) : String.fromCodePoint(parseInt(hex, 16));
      i += hexLength;
      continue;
    }
    if (next !== undefined && /[0-7]/.test(next)) {
      const octal = body.slice(i, i + 3);
      out += String.fromCharCode(parseInt(octal, 8));
      i += 2;
      continue;
    }
    throw new TemplateError(localize("This string has a broken escape sequence (\\{0}).", next ?? ""), start + i - 1, start + i + 1);
  }
  return out;
}

export function lexAction(source: string, from: number, to: number): Token[] {
  const tokens: Token[] = [];
  let i = from;
  const push = (kind: TokenKind, start: number, end: number, value?: string | number): void => {
    tokens.push(value === undefined ? { kind, text: source.slice(start, end), start, end } : { kind, text: source.slice(start, end), start, end, value });
  };
  while (i < to) {
    const ch = source[i]!;
    if (isSpaceChar(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (ch === '"') {
      i++;
      while (i < to && source[i] !== '"') {
        if (source[i] === "\n") break;
        i += source[i] === "\\" ? 2 : 1;
      }
      if (i >= to || source[i] !== '"') throw new TemplateError(localize("This string has no closing quote (\")."), start, Math.min(i, to));
      i++;
      push("string", start, i, unquote(source.slice(start + 1, i - 1), start + 1));
      continue;
    }
    if (ch === "`") {
      const close = source.indexOf("`", i + 1);
      if (close === -1 || close >= to) throw new TemplateError(localize("This raw string has no closing backquote (`)."), start, to);
      i = close + 1;
      push("string", start, i, source.slice(start + 1, close).replace(/\r/g, ""));
      continue;
    }
    if (ch === "'") {
      i++;
      while (i < to && source[i] !== "'") i += source[i] === "\\" ? 2 : 1;
      if (i >= to) throw new TemplateError(localize("This character constant has no closing quote (')."), start, to);
      i++;
      const text = unquote(source.slice(start + 1, i - 1), start + 1);
      if ([...text].length !== 1) throw new TemplateError(localize("A character constant holds exactly one character."), start, i);
      push("char", start, i, text.codePointAt(0)!);
      continue;
    }
    if (ch === "(") {
      i++;
      push("open", start, i);
      continue;
    }
    if (ch === ")") {
      i++;
      push("close", start, i);
      continue;
    }
    if (ch === "|") {
      i++;
      push("pipe", start, i);
      continue;
    }
    if (ch === ",") {
      i++;
      push("comma", start, i);
      continue;
    }
    if (ch === ":" && source[i + 1] === "=") {
      i += 2;
      push("declare", start, i);
      continue;
    }
    if (ch === "=") {
      i++;
      push("assign", start, i);
      continue;
    }
    if (ch === "$") {
      i++;
      while (i < to && isIdentifierChar(source[i])) i++;
      push("variable", start, i);
      continue;
    }
    if (ch === "." && isIdentifierStart(source[i + 1])) {
      i++;
      while (i < to && isIdentifierChar(source[i])) i++;
      push("field", start, i);
      continue;
    }
    if (/[0-9+\-.]/.test(ch)) {
      const match = numberPattern.exec(source.slice(i, to));
      if (match && match[0] !== "" && match[0] !== "+" && match[0] !== "-" && match[0] !== ".") {
        i += match[0].length;
        if (isIdentifierChar(source[i]) || source[i] === ".") {
          while (i < to && (isIdentifierChar(source[i]) || source[i] === ".")) i++;
          throw new TemplateError(localize("\"{0}\" is not a number.", source.slice(start, i)), start, i);
        }
        const text = match[0].replace(/_/g, "");
        let value: number;
        if (text.endsWith("i")) throw new TemplateError(localize("Complex numbers are not supported in templates."), start, i);
        const sign = text.startsWith("-") ? -1 : 1;
        const unsigned = text.replace(/^[+-]/, "");
        if (/^0[xX]/.test(unsigned) && !/[pP.]/.test(unsigned)) value = sign * parseInt(unsigned.slice(2), 16);
        else if (/^0[bB]/.test(unsigned)) value = sign * parseInt(unsigned.slice(2), 2);
        else if (/^0[oO]/.test(unsigned)) value = sign * parseInt(unsigned.slice(2), 8);
        else if (/^0[0-7]+$/.test(unsigned)) value = sign * parseInt(unsigned.slice(1), 8);
        else value = sign * Number(unsigned);
        if (!Number.isFinite(value)) throw new TemplateError(localize("\"{0}\" is not a number.", source.slice(start, i)), start, i);
        push("number", start, i, value);
        continue;
      }
      if (ch === ".") {
        i++;
        push("dot", start, i);
        continue;
      }
    }
    if (isIdentifierStart(ch)) {
      while (i < to && isIdentifierChar(source[i])) i++;
      push("identifier", start, i);
      continue;
    }
    throw new TemplateError(localize("Unexpected \"{0}\" in this action.", ch), start, start + 1);
  }
  return tokens;
}
