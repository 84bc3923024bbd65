// Go's text/template, the part of it Ollama's TEMPLATEs use, parsed and rendered here so that a
// Modelfile's TEMPLATE formats the prompt exactly as Ollama would: text and actions, `{{- ` and
// ` -}}` trimming, comments, fields (`.System`, `.Messages`, `$.System`, `$m.Content`), variables
// (`$x := …`, `$x = …`, `range $i, $m := …`), `if` / `else if` / `else` / `with` / `else with` /
// `range` (with `else`, `break`, `continue`) / `end`, `define` / `template` / `block`, pipelines
// with `|`, parentheses, literals, and the functions Go and Ollama define (and, or, not, eq, ne,
// lt, le, gt, ge, len, index, slice, print, printf, println, html, js, urlquery, json,
// currentDate, yesterdayDate).
//
// On top of it, `renderOllamaPrompt` does what Ollama's template.Execute does with a chat: the
// `.Messages` form renders the whole conversation at once; the older `.System` / `.Prompt` /
// `.Response` form renders once per user + assistant pair, and the last time only up to
// `.Response`, where the model's answer starts.
//
// Pure and total: nothing here throws. Parse errors and execution errors come back as
// diagnostics with offsets into the template text.
//
// Where it departs from Go on purpose: a missing field renders as nothing (Ollama prints
// "<no value>" for a top-level name it does not set, and stops with an error for a message field
// that does not exist; the Modelfile validator warns about both); `len` and `slice` on strings
// count UTF-16 units (Go counts bytes) except `len`, which counts UTF-8 bytes as Go does.
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

type Arg =
  | { readonly kind: "field"; readonly names: readonly string[]; readonly start: number; readonly end: number }
  | { readonly kind: "variable"; readonly name: string; readonly names: readonly string[]; readonly start: number; readonly end: number }
  | { readonly kind: "dot"; readonly start: number; readonly end: number }
  | { readonly kind: "literal"; readonly value: GoTemplateValue; readonly start: number; readonly end: number }
  | { readonly kind: "nil"; readonly start: number; readonly end: number }
  | { readonly kind: "function"; readonly name: string; readonly start: number; readonly end: number }
  | { readonly kind: "pipe"; readonly pipe: Pipe; readonly names: readonly string[]; readonly start: number; readonly end: number };

interface Command {
  readonly args: readonly Arg[];
  readonly start: number;
  readonly end: number;
}

interface Pipe {
  readonly declare: readonly string[];
  /** `=` rather than `:=`. */
  readonly assign: boolean;
  readonly commands: readonly Command[];
  readonly start: number;
  readonly end: number;
}

interface BlockNode {
  readonly kind: "if" | "with" | "range";
  readonly pipe: Pipe;
  list: TemplateNode[];
  elseList: TemplateNode[] | null;
}

type TemplateNode =
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

type TokenKind =
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

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** For strings, numbers and chars: the value. */
  readonly value?: string | number;
}

class TemplateError {
  constructor(
    readonly message: string,
    readonly start: number,
    readonly end: number,
  ) {}
}

const trimSpace = /[ \t\r\n]/;

function isSpaceChar(ch: string | undefined): boolean {
  return ch !== undefined && trimSpace.test(ch);
}

/**
 * The text without its trailing spaces, tabs and newlines. A loop from the end: the regular
 * expression /[ \t\r\n]+$/ tries every run of spaces in the text and is quadratic in it.
 */
function trimTrailingSpace(text: string): string {
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

function lexAction(source: string, from: number, to: number): Token[] {
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

// ── Parsing ─────────────────────────────────────────────────────────────────────────────────

/** Functions Go's templates and Ollama define, with the number of arguments each takes (min, max). */
const functionArity: ReadonlyMap<string, readonly [number, number]> = new Map<string, readonly [number, number]>([
  ["and", [1, Infinity]],
  ["or", [1, Infinity]],
  ["not", [1, 1]],
  ["eq", [1, Infinity]],
  ["ne", [2, 2]],
  ["lt", [2, 2]],
  ["le", [2, 2]],
  ["gt", [2, 2]],
  ["ge", [2, 2]],
  ["len", [1, 1]],
  ["index", [1, Infinity]],
  ["slice", [1, 4]],
  ["print", [0, Infinity]],
  ["printf", [1, Infinity]],
  ["println", [0, Infinity]],
  ["html", [0, Infinity]],
  ["js", [0, Infinity]],
  ["urlquery", [0, Infinity]],
  ["call", [1, Infinity]],
  ["json", [1, 1]],
  ["currentDate", [0, Infinity]],
  ["yesterdayDate", [0, Infinity]],
  ["toTypeScriptType", [1, 1]],
]);

/** How deep blocks may nest: the tree is walked recursively, and no chat template comes near. */
const maxNesting = 200;

const keywords: ReadonlySet<string> = new Set(["if", "else", "end", "range", "with", "define", "template", "block", "break", "continue"]);

interface RawAction {
  readonly start: number;
  readonly end: number;
  readonly bodyStart: number;
  readonly bodyEnd: number;
  readonly comment: boolean;
}

type Frame =
  | {
      readonly kind: "if" | "with" | "range";
      /** The outermost node of an if / else if chain. */
      readonly node: BlockNode;
      current: BlockNode;
      list: TemplateNode[];
      sawElse: boolean;
      readonly start: number;
      readonly end: number;
      readonly variables: number;
    }
  | {
      readonly kind: "define" | "block";
      readonly name: string;
      list: TemplateNode[];
      readonly start: number;
      readonly end: number;
      readonly variables: number;
      readonly pipe: Pipe | null;
      readonly outerVariables: ParseScope;
    };

/** The variables in scope while parsing, counted by name so that a look-up never scans them all. */
class ParseScope {
  private readonly names: string[] = ["$"];
  private readonly counts = new Map<string, number>([["$", 1]]);

  get size(): number {
    return this.names.length;
  }

  has(name: string): boolean {
    return (this.counts.get(name) ?? 0) > 0;
  }

  push(names: readonly string[]): void {
    for (const name of names) {
      this.names.push(name);
      this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    }
  }

  truncate(size: number): void {
    while (this.names.length > size) {
      const name = this.names.pop()!;
      this.counts.set(name, this.counts.get(name)! - 1);
    }
  }
}

/** Parses a template. Never throws; problems come back in `diagnostics`. */
export function parseGoTemplate(source: string): GoTemplate {
  const diagnostics: GoTemplateDiagnostic[] = [];
  const fields = new Set<string>();
  const defines = new Map<string, TemplateNode[]>();
  const root: TemplateNode[] = [];
  const frames: Frame[] = [];
  let list = root;
  let variables = new ParseScope();
  const report = (error: TemplateError): void => {
    if (diagnostics.length < 50) diagnostics.push({ message: error.message, start: error.start, end: error.end });
  };

  // 1. Split into text and actions, applying the trim markers.
  const items: Array<{ kind: "text"; text: string } | { kind: "action"; action: RawAction }> = [];
  let position = 0;
  let trimNext = false;
  while (position < source.length) {
    const open = source.indexOf("{{", position);
    let text = source.slice(position, open === -1 ? source.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, "");
    trimNext = false;
    if (open === -1) {
      if (text) items.push({ kind: "text", text });
      break;
    }
    const trimLeft = source[open + 2] === "-" && isSpaceChar(source[open + 3]);
    if (trimLeft) text = trimTrailingSpace(text);
    if (text) items.push({ kind: "text", text });
    const bodyStart = open + (trimLeft ? 3 : 2);
    let cursor = bodyStart;
    while (isSpaceChar(source[cursor])) cursor++;
    const comment = source.startsWith("/*", cursor);
    let close = -1;
    if (comment) {
      const commentEnd = source.indexOf("*/", cursor + 2);
      if (commentEnd === -1) {
        report(new TemplateError(localize("This comment has no closing */."), open, open + 2));
        break;
      }
      const after = commentEnd + 2;
      if (source.startsWith("}}", after)) close = after;
      else if (source.startsWith(" -}}", after)) close = after + 2;
      else {
        report(new TemplateError(localize("A comment must end the action: write */}} or */ -}} right after it."), cursor, after));
        const skip = source.indexOf("}}", after);
        if (skip === -1) break;
        position = skip + 2;
        continue;
      }
    } else {
      // Find the closing }} outside string literals.
      let i = bodyStart;
      while (i < source.length) {
        const ch = source[i];
        if (ch === '"' || ch === "'") {
          i++;
          while (i < source.length && source[i] !== ch && source[i] !== "\n") i += source[i] === "\\" ? 2 : 1;
          i++;
          continue;
        }
        if (ch === "`") {
          const closeQuote = source.indexOf("`", i + 1);
          i = closeQuote === -1 ? source.length : closeQuote + 1;
          continue;
        }
        if (ch === "}" && source[i + 1] === "}") {
          close = i;
          break;
        }
        i++;
      }
      if (close === -1) {
        report(new TemplateError(localize("This {{ has no matching }}: the template does not parse."), open, open + 2));
        break;
      }
    }
    const trimRight = source[close - 1] === "-" && isSpaceChar(source[close - 2]) && close - 1 > bodyStart;
    const bodyEnd = trimRight ? close - 1 : close;
    items.push({ kind: "action", action: { start: open, end: close + 2, bodyStart, bodyEnd, comment } });
    trimNext = trimRight;
    position = close + 2;
  }

  // 2. Parse each action and build the tree.
  const declared = (name: string): boolean => variables.has(name);
  for (const item of items) {
    if (item.kind === "text") {
      list.push({ kind: "text", text: item.text });
      continue;
    }
    const action = item.action;
    if (action.comment) continue;
    let tokens: Token[];
    try {
      tokens = lexAction(source, action.bodyStart, action.bodyEnd);
    } catch (error) {
      if (error instanceof TemplateError) report(error);
      continue;
    }
    if (tokens.length === 0) {
      report(new TemplateError(localize("This action is empty: write something between {{ and }}."), action.start, action.end));
      continue;
    }
    const first = tokens[0]!;
    const keyword = first.kind === "identifier" && keywords.has(first.text) ? first.text : null;
    const parser = new PipelineParser(tokens, action, declared, fields);
    try {
      if ((keyword === "if" || keyword === "with" || keyword === "range" || keyword === "block" || keyword === "define") && frames.length >= maxNesting) {
        throw new TemplateError(localize("Blocks (if, range, with, define, block) are nested more than {0} deep here; no chat template needs that many. Close some with {{ end }}.", maxNesting), action.start, action.end);
      }
      switch (keyword) {
        case "if":
        case "with":
        case "range": {
          const mark = variables.size;
          const pipe = parser.pipeline(1, keyword, keyword === "range" ? 2 : 1);
          if (!pipe.assign) variables.push(pipe.declare);
          const node: BlockNode = { kind: keyword, pipe, list: [], elseList: null };
          list.push(node);
          frames.push({ kind: keyword, node, current: node, list: node.list, sawElse: false, start: action.start, end: action.end, variables: mark });
          list = node.list;
          break;
        }
        case "else": {
          const frame = frames[frames.length - 1];
          if (!frame || (frame.kind !== "if" && frame.kind !== "with" && frame.kind !== "range")) {
            throw new TemplateError(localize("This {{ else }} belongs to no if, with or range."), action.start, action.end);
          }
          if (frame.sawElse) throw new TemplateError(localize("This {{ else }} comes after another {{ else }} of the same block."), action.start, action.end);
          const chained = tokens[1];
          if (chained && chained.kind === "identifier" && (chained.text === "if" || chained.text === "with")) {
            if (chained.text !== frame.kind) {
              throw new TemplateError(localize("\"else {0}\" is allowed only inside {{ {0} }}.", chained.text), action.start, action.end);
            }
            const pipe = parser.pipeline(2, chained.text, 1);
            if (!pipe.assign) variables.push(pipe.declare);
            const node: BlockNode = { kind: frame.kind, pipe, list: [], elseList: null };
            frame.current.elseList = [node];
            frame.current = node;
            frame.list = node.list;
            list = node.list;
          } else {
            if (tokens.length > 1) throw new TemplateError(localize("Unexpected \"{0}\" after else.", tokens[1]!.text), tokens[1]!.start, tokens[tokens.length - 1]!.end);
            frame.sawElse = true;
            frame.current.elseList = [];
            frame.list = frame.current.elseList;
            list = frame.list;
          }
          break;
        }
        case "end": {
          if (tokens.length > 1) throw new TemplateError(localize("Unexpected \"{0}\" after end.", tokens[1]!.text), tokens[1]!.start, tokens[tokens.length - 1]!.end);
          const frame = frames.pop();
          if (!frame) throw new TemplateError(localize("This {{ end }} closes nothing: there is no open if, range, with, define or block before it."), action.start, action.end);
          if (frame.kind === "define" || frame.kind === "block") {
            defines.set(frame.name, frame.list);
            variables = frame.outerVariables;
          } else {
            variables.truncate(frame.variables);
          }
          const parent = frames[frames.length - 1];
          list = parent ? parent.list : root;
          if (frame.kind === "block") {
            list.push({ kind: "template", name: frame.name, pipe: frame.pipe, start: frame.start, end: frame.end });
          }
          break;
        }
        case "break":
        case "continue": {
          if (tokens.length > 1) throw new TemplateError(localize("Unexpected \"{0}\" after {1}.", tokens[1]!.text, keyword), tokens[1]!.start, tokens[tokens.length - 1]!.end);
          if (!frames.some((frame) => frame.kind === "range")) {
            throw new TemplateError(localize("{{ {0} }} is allowed only inside {{ range }}.", keyword), action.start, action.end);
          }
          list.push({ kind: keyword });
          break;
        }
        case "define":
        case "block":
        case "template": {
          const nameToken = tokens[1];
          if (!nameToken || nameToken.kind !== "string") {
            throw new TemplateError(localize("{0} needs a template name in quotes, for example {{ {0} \"header\" }}.", keyword), action.start, action.end);
          }
          const name = String(nameToken.value);
          if (keyword === "define") {
            if (tokens.length > 2) throw new TemplateError(localize("Unexpected \"{0}\" after define.", tokens[2]!.text), tokens[2]!.start, tokens[tokens.length - 1]!.end);
            if (frames.length > 0) throw new TemplateError(localize("{{ define }} is allowed only at the top level of a template."), action.start, action.end);
            frames.push({ kind: "define", name, list: [], start: action.start, end: action.end, variables: 0, pipe: null, outerVariables: variables });
            variables = new ParseScope();
            list = frames[frames.length - 1]!.list;
          } else if (keyword === "block") {
            const pipe = parser.pipeline(2, "block", 0);
            frames.push({ kind: "block", name, list: [], start: action.start, end: action.end, variables: 0, pipe, outerVariables: variables });
            variables = new ParseScope();
            list = frames[frames.length - 1]!.list;
          } else {
            const pipe = tokens.length > 2 ? parser.pipeline(2, "template", 0) : null;
            list.push({ kind: "template", name, pipe, start: action.start, end: action.end });
          }
          break;
        }
        default: {
          const pipe = parser.pipeline(0, null, 1);
          if (pipe.declare.length > 0 && !pipe.assign) variables.push(pipe.declare);
          list.push({ kind: "action", pipe });
        }
      }
    } catch (error) {
      if (error instanceof TemplateError) report(error);
    }
  }
  for (const frame of frames.reverse()) {
    report(
      new TemplateError(
        frame.kind === "define" || frame.kind === "block"
          ? localize("This {{ {0} }} has no {{ end }}.", frame.kind)
          : localize("This {{ {0} }} has no {{ end }}: every if, range and with needs one.", frame.kind),
        frame.start,
        frame.end,
      ),
    );
  }
  // Templates called by name must exist (Go reports this when it runs; reporting it here shows it in the editor).
  const checkCalls = (nodes: readonly TemplateNode[]): void => {
    for (const node of nodes) {
      if (node.kind === "template" && !defines.has(node.name)) {
        report(new TemplateError(localize("No template named \"{0}\" is defined.", node.name), node.start, node.end));
      } else if (node.kind === "if" || node.kind === "with" || node.kind === "range") {
        checkCalls(node.list);
        if (node.elseList) checkCalls(node.elseList);
      }
    }
  };
  checkCalls(root);
  for (const body of defines.values()) checkCalls(body);
  diagnostics.sort((a, b) => a.start - b.start);
  return { source, diagnostics, fields, root, defines };
}

class PipelineParser {
  private index = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly action: RawAction,
    private readonly declared: (name: string) => boolean,
    private readonly fields: Set<string>,
  ) {}

  /**
   * The pipeline from token `from`: optional declarations (`$x :=`, and for range `$i, $x :=`),
   * then commands separated by `|`. `context` names the keyword for messages; `minimum` is 1
   * when a pipeline is required.
   */
  pipeline(from: number, context: string | null, minimum: number, maxDeclarations = context === "range" ? 2 : 1): Pipe {
    this.index = from;
    const declare: string[] = [];
    let assign = false;
    const t = this.tokens;
    // Declarations: $x := / $x = / $i, $x :=
    const lookahead = (offset: number): Token | undefined => t[this.index + offset];
    if (lookahead(0)?.kind === "variable") {
      if (lookahead(1)?.kind === "declare" || lookahead(1)?.kind === "assign") {
        declare.push(lookahead(0)!.text);
        assign = lookahead(1)!.kind === "assign";
        if (assign && !this.declared(lookahead(0)!.text)) {
          throw new TemplateError(localize("The variable {0} is not defined; declare it with := first.", lookahead(0)!.text), lookahead(0)!.start, lookahead(0)!.end);
        }
        this.index += 2;
      } else if (lookahead(1)?.kind === "comma" && lookahead(2)?.kind === "variable" && (lookahead(3)?.kind === "declare" || lookahead(3)?.kind === "assign")) {
        if (maxDeclarations < 2) {
          throw new TemplateError(localize("Two variables can be declared only in a range: {{ range $i, $m := .Messages }}."), lookahead(0)!.start, lookahead(3)!.end);
        }
        declare.push(lookahead(0)!.text, lookahead(2)!.text);
        assign = lookahead(3)!.kind === "assign";
        this.index += 4;
      }
    }
    if (declare.includes("$")) {
      throw new TemplateError(localize("$ cannot be declared or assigned: it is always the data the template was given."), this.action.start, this.action.end);
    }
    const commands: Command[] = [];
    if (this.index < t.length) {
      for (;;) {
        commands.push(this.command(commands.length > 0));
        if (this.index >= t.length) break;
        const next = t[this.index]!;
        if (next.kind === "pipe") {
          this.index++;
          continue;
        }
        throw new TemplateError(localize("Unexpected \"{0}\" in this action.", next.text), next.start, next.end);
      }
    }
    if (commands.length === 0 && minimum > 0) {
      throw new TemplateError(
        context ? localize("{{ {0} }} needs a value to test, for example {{ {0} .System }}.", context) : localize("This action is empty: write something between {{ and }}."),
        this.action.start,
        this.action.end,
      );
    }
    const start = t[from]?.start ?? this.action.bodyStart;
    const end = t[t.length - 1]?.end ?? this.action.bodyEnd;
    return { declare, assign, commands, start, end };
  }

  private command(piped: boolean): Command {
    const t = this.tokens;
    const args: Arg[] = [];
    const start = t[this.index]?.start ?? this.action.bodyEnd;
    while (this.index < t.length) {
      const token = t[this.index]!;
      if (token.kind === "pipe" || token.kind === "close") break;
      args.push(this.operand());
    }
    if (args.length === 0) {
      const at = t[this.index];
      throw new TemplateError(localize("A value is missing here."), at?.start ?? this.action.start, at?.end ?? this.action.end);
    }
    const end = t[this.index - 1]!.end;
    const head = args[0]!;
    if (head.kind === "function") {
      const arity = functionArity.get(head.name)!;
      const count = args.length - 1 + (piped ? 1 : 0);
      if (count < arity[0] || count > arity[1]) {
        throw new TemplateError(
          arity[0] === arity[1]
            ? localize("{0} takes {1} argument(s), not {2}.", head.name, arity[0], count)
            : count < arity[0]
              ? localize("{0} needs at least {1} argument(s).", head.name, arity[0])
              : localize("{0} takes at most {1} argument(s), not {2}.", head.name, arity[1], count),
          start,
          end,
        );
      }
    } else if (args.length > 1 || piped) {
      if (head.kind === "nil") throw new TemplateError(localize("nil is not a command."), head.start, head.end);
      if (head.kind !== "field" && head.kind !== "variable" && head.kind !== "pipe") {
        throw new TemplateError(localize("Only a function takes arguments; {0} is a value.", this.text(head)), head.start, end);
      }
      // `.Method arg` calls a method in Go; Ollama's values have no methods a template uses with arguments.
      throw new TemplateError(localize("{0} is not a function, so it cannot take arguments.", this.text(head)), head.start, end);
    } else if (head.kind === "nil") {
      throw new TemplateError(localize("nil is not a command."), head.start, head.end);
    }
    return { args, start, end };
  }

  private text(arg: Arg): string {
    return this.tokens.find((token) => token.start === arg.start)?.text ?? "";
  }

  private fieldChain(): { names: string[]; end: number } {
    const t = this.tokens;
    const names: string[] = [];
    let end = t[this.index - 1]!.end;
    while (this.index < t.length && t[this.index]!.kind === "field" && t[this.index]!.start === end) {
      const name = t[this.index]!.text.slice(1);
      names.push(name);
      this.fields.add(name);
      end = t[this.index]!.end;
      this.index++;
    }
    return { names, end };
  }

  private operand(): Arg {
    const t = this.tokens;
    const token = t[this.index]!;
    this.index++;
    switch (token.kind) {
      case "field": {
        const name = token.text.slice(1);
        this.fields.add(name);
        const chain = this.fieldChain();
        return { kind: "field", names: [name, ...chain.names], start: token.start, end: chain.end };
      }
      case "variable": {
        if (!this.declared(token.text)) {
          throw new TemplateError(localize("The variable {0} is not defined here.", token.text), token.start, token.end);
        }
        const chain = this.fieldChain();
        return { kind: "variable", name: token.text, names: chain.names, start: token.start, end: chain.end };
      }
      case "dot": {
        if (t[this.index]?.kind === "field" && t[this.index]!.start === token.end) {
          throw new TemplateError(localize("Unexpected \".\" before a field."), token.start, token.end);
        }
        return { kind: "dot", start: token.start, end: token.end };
      }
      case "string":
        return { kind: "literal", value: String(token.value), start: token.start, end: token.end };
      case "number":
      case "char":
        return { kind: "literal", value: Number(token.value), start: token.start, end: token.end };
      case "open": {
        const inner = this.parenthesized(token);
        const chain = this.fieldChain();
        return { kind: "pipe", pipe: inner, names: chain.names, start: token.start, end: chain.end };
      }
      case "identifier": {
        if (token.text === "true" || token.text === "false") return { kind: "literal", value: token.text === "true", start: token.start, end: token.end };
        if (token.text === "nil") return { kind: "nil", start: token.start, end: token.end };
        if (keywords.has(token.text)) {
          throw new TemplateError(localize("\"{0}\" cannot be used here: it starts an action of its own.", token.text), token.start, token.end);
        }
        if (!functionArity.has(token.text)) {
          throw new TemplateError(localize("The function \"{0}\" is not defined.", token.text), token.start, token.end);
        }
        return { kind: "function", name: token.text, start: token.start, end: token.end };
      }
      default:
        throw new TemplateError(localize("Unexpected \"{0}\" in this action.", token.text), token.start, token.end);
    }
  }

  private parenthesized(open: Token): Pipe {
    const t = this.tokens;
    const commands: Command[] = [];
    for (;;) {
      if (this.index >= t.length) throw new TemplateError(localize("This ( has no matching )."), open.start, open.end);
      if (t[this.index]!.kind === "close" && commands.length === 0) {
        throw new TemplateError(localize("A value is missing here."), open.start, t[this.index]!.end);
      }
      commands.push(this.command(commands.length > 0));
      const next = t[this.index];
      if (!next) throw new TemplateError(localize("This ( has no matching )."), open.start, open.end);
      if (next.kind === "close") {
        this.index++;
        return { declare: [], assign: false, commands, start: open.start, end: next.end };
      }
      if (next.kind === "pipe") {
        this.index++;
        continue;
      }
      throw new TemplateError(localize("Unexpected \"{0}\" in this action.", next.text), next.start, next.end);
    }
  }
}

// ── Running ─────────────────────────────────────────────────────────────────────────────────

const maxDepth = 200;
const maxOutput = 4_000_000;
/** Actions and loop turns one rendering may take: far above any chat's, low enough that a runaway loop stops in well under a second. */
const maxSteps = 2_000_000;
/**
 * Characters (and list items) the functions may read and write in one rendering: printf's format
 * and output, print, json, html, js, urlquery, len, index, slice, the comparisons, range over a map. Every
 * function is linear in what it is charged, so this bounds the time a rendering takes whatever the
 * template and its input; 16 times the output a rendering may have.
 */
const maxWork = 64_000_000;

/** What one rendering may spend; renderOllamaPrompt shares one among the turns it renders. */
class RenderBudget {
  steps = 0;
  output = 0;
  work = 0;
}

type Signal = "break" | "continue" | undefined;

interface Variable {
  readonly name: string;
  value: GoTemplateValue;
}

/**
 * The variables in scope while running: in order of declaration (a block's end drops those
 * declared in it), and by name, so that a look-up takes the same time however many there are.
 */
class VariableScope {
  private readonly order: Variable[] = [];
  private readonly byName = new Map<string, Variable[]>();

  constructor(dollar: GoTemplateValue) {
    this.declare("$", dollar);
  }

  get size(): number {
    return this.order.length;
  }

  declare(name: string, value: GoTemplateValue): void {
    const variable: Variable = { name, value };
    this.order.push(variable);
    const same = this.byName.get(name);
    if (same) same.push(variable);
    else this.byName.set(name, [variable]);
  }

  /** The innermost variable of that name. */
  find(name: string): Variable | undefined {
    const same = this.byName.get(name);
    return same?.[same.length - 1];
  }

  truncate(size: number): void {
    while (this.order.length > size) this.byName.get(this.order.pop()!.name)!.pop();
  }
}

function isObject(value: GoTemplateValue): value is GoTemplateObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeName(value: GoTemplateValue): string {
  if (value === undefined || value === null) return "nil";
  if (Array.isArray(value)) return "slice";
  if (isObject(value)) return "map";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float64";
  return typeof value === "boolean" ? "bool" : "string";
}

/** Go's notion of "true": non-zero, non-empty, not nil. */
export function goTruth(value: GoTemplateValue): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return Object.keys(value).length > 0;
}

function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  const text = String(value);
  return text.replace(/e([+-])(\d)$/, "e$10$2");
}

/** Go's fmt %v, near enough. */
function printValue(value: GoTemplateValue): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map(printInner).join(" ")}]`;
  return `map[${Object.keys(value).sort().map((key) => `${key}:${printInner(value[key])}`).join(" ")}]`;
}

function printInner(value: GoTemplateValue): string {
  return value === undefined || value === null ? "<nil>" : printValue(value);
}

function goSprint(values: readonly GoTemplateValue[]): string {
  let out = "";
  values.forEach((value, index) => {
    if (index > 0 && typeof value !== "string" && typeof values[index - 1] !== "string") out += " ";
    out += printInner(value);
  });
  return out;
}

const printfFlags = "-+# 0";
/** Go's fmt refuses widths and precisions above this ("%!(NOVERB)"), as fmt's tooLarge does. */
const maxPrintfNumber = 1_000_000;

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= "0" && ch <= "9";
}

function isVerb(ch: string | undefined): boolean {
  return ch !== undefined && (ch === "%" || (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z"));
}

/**
 * Go's fmt.Sprintf for the verbs templates use. One pass over the format (each character is looked
 * at a bounded number of times), so its cost is linear in the format and the output; the output
 * stops with null once it would pass `maxLength` characters, so a width of a million repeated a
 * thousand times does not build a gigabyte first.
 */
function goSprintf(format: string, values: readonly GoTemplateValue[], maxLength = Infinity): string | null {
  const parts: string[] = [];
  let length = 0;
  const add = (text: string): boolean => {
    length += text.length;
    parts.push(text);
    return length <= maxLength;
  };
  let next = 0;
  let copied = 0;
  let search = 0;
  const n = format.length;
  for (;;) {
    const percent = format.indexOf("%", search);
    if (percent === -1) break;
    // %[flags][width][.precision]verb; anything else stays as written (flags, width and precision
    // hold no %, so the next search starts past them and nothing is read twice).
    let i = percent + 1;
    while (i < n && printfFlags.includes(format[i]!)) i++;
    const widthStart = i;
    while (isDigit(format[i])) i++;
    const width = i > widthStart ? Number(format.slice(widthStart, i)) : undefined;
    let precision: number | undefined;
    if (format[i] === "." && isDigit(format[i + 1])) {
      const precisionStart = ++i;
      while (isDigit(format[i])) i++;
      precision = Number(format.slice(precisionStart, i));
    }
    const verb = format[i];
    if (!isVerb(verb)) {
      search = percent + 1;
      continue;
    }
    if (!add(format.slice(copied, percent))) return null;
    copied = i + 1;
    search = i + 1;
    if ((width !== undefined && width > maxPrintfNumber) || (precision !== undefined && precision > maxPrintfNumber)) {
      // Go gives up on the rest of the format here.
      if (!add("%!(NOVERB)")) return null;
      copied = n;
      break;
    }
    if (verb === "%") {
      if (!add("%")) return null;
      continue;
    }
    if (next >= values.length) {
      if (!add(`%!${verb}(MISSING)`)) return null;
      continue;
    }
    const value = values[next++];
    let text: string;
    switch (verb) {
      case "q":
        text = typeof value === "string" ? JSON.stringify(value) : printInner(value);
        break;
      case "d":
        text = typeof value === "number" ? String(Math.trunc(value)) : `%!d(${typeName(value)}=${printInner(value)})`;
        break;
      case "f":
      case "F":
        text = typeof value === "number" ? value.toFixed(precision === undefined ? 6 : Math.min(precision, 100)) : `%!f(${typeName(value)}=${printInner(value)})`;
        break;
      case "t":
        text = typeof value === "boolean" ? String(value) : `%!t(${typeName(value)}=${printInner(value)})`;
        break;
      case "x":
        text = typeof value === "number" ? Math.trunc(value).toString(16) : [...new TextEncoder().encode(printInner(value))].map((b) => b.toString(16).padStart(2, "0")).join("");
        break;
      case "s":
      case "v":
        text = printInner(value);
        break;
      default:
        if (!add(format.slice(percent, i + 1))) return null;
        continue;
    }
    if (precision !== undefined && verb === "s") text = text.slice(0, precision);
    if (width !== undefined && width > text.length && length + width > maxLength) return null;
    if (!add(width !== undefined ? text.padStart(width) : text)) return null;
  }
  if (!add(format.slice(copied))) return null;
  if (next < values.length && !add(`%!(EXTRA ${values.slice(next).map((v) => `${typeName(v)}=${printInner(v)}`).join(", ")})`)) return null;
  return parts.join("");
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Go's json.Marshal: compact, with <, > and & escaped. */
function goJson(value: GoTemplateValue): string {
  const text = JSON.stringify(value === undefined ? null : value) ?? "null";
  return text.replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function isoDate(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function htmlEscape(text: string): string {
  return text.replace(/[&<>"'\0]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;", "\0": "\uFFFD" })[ch] ?? ch);
}

function jsEscape(text: string): string {
  return text.replace(/[\\'"<>&=\n\r\t]/g, (ch) =>
    ({ "\\": "\\\\", "'": "\\'", '"': "\\\"", "<": "\\u003C", ">": "\\u003E", "&": "\\u0026", "=": "\\u003D", "\n": "\\n", "\r": "\\r", "\t": "\\t" })[ch] ?? ch,
  );
}

function sameValue(a: GoTemplateValue, b: GoTemplateValue): boolean {
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  return a === b;
}

class Runner {
  private readonly segments: GoTemplateSegment[] = [];
  private depth = 0;

  constructor(
    private readonly template: GoTemplate,
    private readonly budget: RenderBudget,
  ) {}

  output(): GoTemplateSegment[] {
    return this.segments;
  }

  private emit(text: string, literal: boolean): void {
    if (text === "") return;
    this.budget.output += text.length;
    if (this.budget.output > maxOutput) throw new TemplateError(localize("The template's output grew past {0} characters; it probably loops.", maxOutput), 0, 0);
    const last = this.segments[this.segments.length - 1];
    if (last && last.literal === literal) this.segments[this.segments.length - 1] = { text: last.text + text, literal };
    else this.segments.push({ text, literal });
  }

  private step(start: number, end: number): void {
    if (++this.budget.steps > maxSteps) throw new TemplateError(localize("The template ran more than {0} steps; it probably loops.", maxSteps), start, end);
  }

  /** Counts `amount` characters (or list items) of a function's work against the budget. */
  private charge(amount: number, start: number, end: number): void {
    this.budget.work += amount;
    if (this.budget.work > maxWork) {
      throw new TemplateError(
        localize("The template's functions handled more than {0} characters in one rendering (printf, print, json, slice and the like); the template or the text given to it is too large. Simplify the TEMPLATE or shorten the input.", maxWork),
        start,
        end,
      );
    }
  }

  /** Charges a function's text result, which may not be longer than the output a rendering may have. */
  private chargeText(text: string, command: Command): string {
    this.charge(text.length, command.start, command.end);
    if (text.length > maxOutput) throw new TemplateError(localize("The template's output grew past {0} characters; it probably loops.", maxOutput), command.start, command.end);
    return text;
  }

  run(nodes: readonly TemplateNode[], dot: GoTemplateValue, variables: VariableScope): Signal {
    for (const node of nodes) {
      this.step(0, 0);
      switch (node.kind) {
        case "text":
          this.emit(node.text, true);
          break;
        case "action": {
          const value = this.pipeline(node.pipe, dot, variables);
          if (node.pipe.declare.length === 0) this.emit(printValue(value), false);
          break;
        }
        case "if":
        case "with": {
          const mark = variables.size;
          const value = this.pipeline(node.pipe, dot, variables);
          const signal = goTruth(value)
            ? this.run(node.list, node.kind === "with" ? value : dot, variables)
            : node.elseList
              ? this.run(node.elseList, dot, variables)
              : undefined;
          variables.truncate(mark);
          if (signal) return signal;
          break;
        }
        case "range": {
          const signal = this.range(node, dot, variables);
          if (signal) return signal;
          break;
        }
        case "template": {
          const body = this.template.defines.get(node.name);
          if (!body) throw new TemplateError(localize("No template named \"{0}\" is defined.", node.name), node.start, node.end);
          if (++this.depth > maxDepth) throw new TemplateError(localize("Templates call each other more than {0} levels deep.", maxDepth), node.start, node.end);
          const value = node.pipe ? this.pipeline(node.pipe, dot, variables) : undefined;
          this.run(body, value, new VariableScope(value));
          this.depth--;
          break;
        }
        case "break":
        case "continue":
          return node.kind;
      }
    }
    return undefined;
  }

  private range(node: BlockNode, dot: GoTemplateValue, variables: VariableScope): Signal {
    const mark = variables.size;
    const value = this.pipeline({ ...node.pipe, declare: [] }, dot, variables);
    // The entries are read one turn at a time (each turn is a step), so a long list or a large
    // number costs only the turns the loop really takes.
    let count: number;
    let entry: (index: number) => [GoTemplateValue, GoTemplateValue];
    if (value === undefined || value === null) {
      count = 0;
      entry = () => [null, null];
    } else if (Array.isArray(value)) {
      count = value.length;
      entry = (index) => [index, value[index]];
    } else if (isObject(value)) {
      const keys = Object.keys(value).sort();
      this.charge(keys.length, node.pipe.start, node.pipe.end);
      count = keys.length;
      entry = (index) => [keys[index]!, value[keys[index]!]];
    } else if (typeof value === "number" && Number.isInteger(value)) {
      count = Math.max(0, value);
      entry = (index) => [index, index];
    } else {
      throw new TemplateError(localize("range cannot go over a {0}.", typeName(value)), node.pipe.start, node.pipe.end);
    }
    if (count === 0) {
      const signal = node.elseList ? this.run(node.elseList, dot, variables) : undefined;
      variables.truncate(mark);
      return signal;
    }
    const declare = node.pipe.declare;
    for (let index = 0; index < count; index++) {
      this.step(node.pipe.start, node.pipe.end);
      const [key, item] = entry(index);
      variables.truncate(mark);
      const values = declare.length === 2 ? [key, item] : [item];
      declare.forEach((name, index) => {
        if (node.pipe.assign) this.assign(name, values[index], variables, node.pipe);
        else variables.declare(name, values[index]);
      });
      const signal = this.run(node.list, item, variables);
      if (signal === "break") break;
    }
    variables.truncate(mark);
    return undefined;
  }

  private assign(name: string, value: GoTemplateValue, variables: VariableScope, pipe: Pipe): void {
    const found = variables.find(name);
    if (found) {
      found.value = value;
      return;
    }
    throw new TemplateError(localize("The variable {0} is not defined here.", name), pipe.start, pipe.end);
  }

  private pipeline(pipe: Pipe, dot: GoTemplateValue, variables: VariableScope): GoTemplateValue {
    let value: GoTemplateValue;
    let piped = false;
    for (const command of pipe.commands) {
      value = this.command(command, dot, variables, piped ? [value] : []);
      piped = true;
    }
    for (const name of pipe.declare) {
      if (pipe.assign) this.assign(name, value, variables, pipe);
      else variables.declare(name, value);
    }
    return value;
  }

  private command(command: Command, dot: GoTemplateValue, variables: VariableScope, piped: GoTemplateValue[]): GoTemplateValue {
    const head = command.args[0]!;
    if (head.kind !== "function") return this.arg(head, dot, variables);
    const lazy = command.args.slice(1).map((arg) => () => this.arg(arg, dot, variables));
    const all = [...lazy, ...piped.map((value) => () => value)];
    const evaluate = (): GoTemplateValue[] => all.map((get) => get());
    const fail = (message: string): never => {
      throw new TemplateError(message, command.start, command.end);
    };
    switch (head.name) {
      case "and": {
        let value: GoTemplateValue;
        for (const get of all) {
          value = get();
          if (!goTruth(value)) return value;
        }
        return value;
      }
      case "or": {
        let value: GoTemplateValue;
        for (const get of all) {
          value = get();
          if (goTruth(value)) return value;
        }
        return value;
      }
      case "not":
        return !goTruth(all[0]!());
      case "eq": {
        const [first, ...rest] = evaluate();
        if (rest.length === 0) fail(localize("eq needs at least two values to compare."));
        for (const value of rest) this.chargeComparison(first, value, command);
        return rest.some((value) => sameValue(first, value));
      }
      case "ne": {
        const [a, b] = evaluate();
        this.chargeComparison(a, b, command);
        return !sameValue(a, b);
      }
      case "lt":
      case "le":
      case "gt":
      case "ge": {
        const [a, b] = evaluate();
        if (!((typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string"))) {
          fail(localize("{0} compares two numbers or two strings, not a {1} and a {2}.", head.name, typeName(a), typeName(b)));
        }
        this.chargeComparison(a, b, command);
        const order = (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0;
        return head.name === "lt" ? order < 0 : head.name === "le" ? order <= 0 : head.name === "gt" ? order > 0 : order >= 0;
      }
      case "len": {
        const value = all[0]!();
        if (typeof value === "string") {
          this.charge(value.length, command.start, command.end);
          return utf8Length(value);
        }
        if (Array.isArray(value)) return value.length;
        if (isObject(value)) return Object.keys(value).length;
        return fail(localize("len cannot measure a {0}.", typeName(value)));
      }
      case "index": {
        const [collection, ...keys] = evaluate();
        let value = collection;
        for (const key of keys) {
          this.charge(1, command.start, command.end);
          if (Array.isArray(value) || typeof value === "string") {
            if (typeof key !== "number" || !Number.isInteger(key) || key < 0 || key >= value.length) {
              fail(localize("index {0} is out of range (the length is {1}).", printInner(key), value.length));
            }
            value = typeof value === "string" ? value.charCodeAt(key as number) : value[key as number];
          } else if (isObject(value)) {
            value = value[this.chargeText(printValue(key), command)];
          } else if (value === undefined || value === null) {
            fail(localize("index of a nil value."));
          } else {
            fail(localize("index cannot look into a {0}.", typeName(value)));
          }
        }
        return value;
      }
      case "slice": {
        const [collection, ...bounds] = evaluate();
        if (!Array.isArray(collection) && typeof collection !== "string") fail(localize("slice cannot cut a {0}.", typeName(collection)));
        const items = collection as GoTemplateValue[] | string;
        if (bounds.some((bound) => typeof bound !== "number" || !Number.isInteger(bound))) fail(localize("slice needs whole numbers as bounds."));
        const [low = 0, high = items.length] = bounds as number[];
        if (low < 0 || high < low || high > items.length) fail(localize("slice bounds out of range [{0}:{1}] with length {2}.", low, high, items.length));
        this.charge(high - low, command.start, command.end);
        return items.slice(low, high);
      }
      // Each of these is linear in its arguments and its result; both are charged, the arguments
      // before the work (so a huge argument stops before it is copied again), the result after.
      case "print":
        return this.chargeText(goSprint(evaluate()), command);
      case "println":
        return this.chargeText(`${evaluate().map(printInner).join(" ")}\n`, command);
      case "printf": {
        const [format, ...values] = evaluate();
        const formatText = this.chargeText(typeof format === "string" ? format : printInner(format), command);
        const room = Math.min(maxOutput, maxWork - this.budget.work);
        const text = goSprintf(formatText, values, room);
        if (text === null) {
          // Too long to build: charged past whichever limit was the nearer, the work or the output.
          this.charge(room + 1, command.start, command.end);
          return fail(localize("The template's output grew past {0} characters; it probably loops.", maxOutput));
        }
        return this.chargeText(text, command);
      }
      case "html":
        return this.chargeText(htmlEscape(this.chargeText(goSprint(evaluate()), command)), command);
      case "js":
        return this.chargeText(jsEscape(this.chargeText(goSprint(evaluate()), command)), command);
      case "urlquery":
        return this.chargeText(
          encodeURIComponent(this.chargeText(goSprint(evaluate()), command)).replace(/%20/g, "+").replace(/[!'()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`),
          command,
        );
      case "json":
        return this.chargeText(goJson(all[0]!()), command);
      case "currentDate":
        return isoDate(new Date());
      case "yesterdayDate":
        return isoDate(new Date(Date.now() - 86_400_000));
      case "toTypeScriptType":
        return "unknown";
      default:
        return fail(localize("The function \"{0}\" is not supported by Hearth's templates.", head.name));
    }
  }

  /** Comparing two strings reads at most the shorter one. */
  private chargeComparison(a: GoTemplateValue, b: GoTemplateValue, command: Command): void {
    if (typeof a === "string" && typeof b === "string") this.charge(Math.min(a.length, b.length), command.start, command.end);
  }

  private arg(arg: Arg, dot: GoTemplateValue, variables: VariableScope): GoTemplateValue {
    switch (arg.kind) {
      case "literal":
        return arg.value;
      case "nil":
        return null;
      case "dot":
        return dot;
      case "field":
        return this.fieldsOf(dot, arg.names, arg);
      case "variable": {
        const found = variables.find(arg.name);
        if (!found) throw new TemplateError(localize("The variable {0} is not defined here.", arg.name), arg.start, arg.end);
        return this.fieldsOf(found.value, arg.names, arg);
      }
      case "pipe":
        return this.fieldsOf(this.pipeline(arg.pipe, dot, variables), arg.names, arg);
      case "function":
        return this.command({ args: [arg], start: arg.start, end: arg.end }, dot, variables, []);
    }
  }

  private fieldsOf(value: GoTemplateValue, names: readonly string[], arg: Arg): GoTemplateValue {
    let current = value;
    for (const name of names) {
      if (isObject(current)) current = Object.prototype.hasOwnProperty.call(current, name) ? current[name] : undefined;
      else if (current === undefined || current === null) current = undefined;
      else throw new TemplateError(localize("A {0} has no field {1}.", typeName(current), name), arg.start, arg.end);
    }
    return current;
  }
}

/** Runs a parsed template on `data`. Never throws: the first error comes back in `error`. */
export function renderGoTemplate(template: GoTemplate, data: GoTemplateValue): GoTemplateRender {
  return renderNodes(template, template.root, data, new RenderBudget());
}

function renderNodes(template: GoTemplate, nodes: readonly TemplateNode[], data: GoTemplateValue, budget: RenderBudget): GoTemplateRender {
  if (template.diagnostics.length > 0) return { text: "", segments: [], error: template.diagnostics[0]! };
  const runner = new Runner(template, budget);
  try {
    runner.run(nodes, data, new VariableScope(data));
  } catch (error) {
    const segments = runner.output();
    if (error instanceof TemplateError) {
      return { text: segments.map((s) => s.text).join(""), segments, error: { message: error.message, start: error.start, end: error.end } };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { text: segments.map((s) => s.text).join(""), segments, error: { message, start: 0, end: 0 } };
  }
  const segments = runner.output();
  return { text: segments.map((s) => s.text).join(""), segments };
}

// ── Ollama's prompt templates ───────────────────────────────────────────────────────────────

export type TemplateRole = "system" | "user" | "assistant";

export interface TemplateMessage {
  readonly role: TemplateRole;
  readonly content: string;
}

/** Whether the template renders a whole conversation (`.Messages`) rather than one turn at a time. */
export function usesMessages(template: GoTemplate): boolean {
  return [...template.fields].some((name) => name.toLowerCase() === "messages");
}

/** Consecutive messages of one role joined (as Ollama's collate does); the system messages joined. */
function collate(messages: readonly TemplateMessage[]): { system: string; collated: TemplateMessage[] } {
  const system: string[] = [];
  const collated: TemplateMessage[] = [];
  for (const message of messages) {
    if (message.role === "system") system.push(message.content);
    const last = collated[collated.length - 1];
    if (last && last.role === message.role) collated[collated.length - 1] = { role: last.role, content: `${last.content}\n\n${message.content}` };
    else collated.push(message);
  }
  return { system: system.join("\n\n"), collated };
}

function messageValue(message: TemplateMessage): GoTemplateObject {
  return { Role: message.role, Content: message.content, Thinking: "", Images: [], ToolCalls: [], ToolName: "", ToolCallID: "" };
}

function turnValues(system: string, prompt: string, response: string): GoTemplateObject {
  return { System: system, Prompt: prompt, Response: response, Messages: [], Tools: [], Suffix: "", Think: false, ThinkLevel: "", IsThinkSet: false };
}

/**
 * The template with everything after the first `.Response` taken out, as Ollama does for the turn
 * the model answers: the prompt ends where the answer starts.
 */
function cutAtResponse(nodes: readonly TemplateNode[]): TemplateNode[] {
  let cut = false;
  const walkList = (list: readonly TemplateNode[]): TemplateNode[] => {
    const kept: TemplateNode[] = [];
    for (const node of list) {
      const walked = walkNode(node);
      if (walked) kept.push(walked);
    }
    return kept;
  };
  const walkPipe = (pipe: Pipe): Pipe | null => {
    if (cut) return null;
    const commands: Command[] = [];
    for (const command of pipe.commands) {
      const args: Arg[] = [];
      for (const arg of command.args) {
        const walked = walkArg(arg);
        if (walked) args.push(walked);
      }
      if (args.length === 0) return null;
      commands.push({ ...command, args });
    }
    return commands.length === 0 ? null : { ...pipe, commands };
  };
  const walkArg = (arg: Arg): Arg | null => {
    if (arg.kind === "field" && arg.names.includes("Response") && !cut) {
      cut = true;
      return arg;
    }
    if (cut) return null;
    if (arg.kind === "pipe") {
      const pipe = walkPipe(arg.pipe);
      return pipe ? { ...arg, pipe } : null;
    }
    return arg;
  };
  const walkNode = (node: TemplateNode): TemplateNode | null => {
    if (cut) return null;
    switch (node.kind) {
      case "action": {
        const pipe = walkPipe(node.pipe);
        return pipe ? { kind: "action", pipe } : null;
      }
      case "if":
      case "with":
      case "range": {
        const list = walkList(node.list);
        const elseList = node.elseList ? walkList(node.elseList) : null;
        return { ...node, list, elseList };
      }
      default:
        return node;
    }
  };
  return walkList(nodes);
}

/**
 * The prompt Ollama builds from a chat with this template (template.Execute): with `.Messages`,
 * the whole conversation at once (system messages also joined in `.System`); otherwise once per
 * user + assistant pair with `.System`, `.Prompt` and `.Response`, the last time only up to
 * `.Response`. A template that names neither `.Messages` nor `.Response` gets `{{ .Response }}`
 * added at its end, as Ollama does.
 */
export function renderOllamaPrompt(template: GoTemplate, messages: readonly TemplateMessage[]): GoTemplateRender {
  if (template.diagnostics.length > 0) return { text: "", segments: [], error: template.diagnostics[0]! };
  const { system, collated } = collate(messages);
  if (usesMessages(template)) {
    return renderGoTemplate(template, { ...turnValues(system, "", ""), Messages: collated.map(messageValue) });
  }
  // One budget for all the turns: a long conversation does not multiply what a template may spend.
  const budget = new RenderBudget();
  const root: TemplateNode[] = [...template.root];
  const fieldNames = [...template.fields].map((name) => name.toLowerCase());
  if (!fieldNames.includes("response")) {
    root.push({ kind: "action", pipe: { declare: [], assign: false, commands: [{ args: [{ kind: "field", names: ["Response"], start: 0, end: 0 }], start: 0, end: 0 }], start: 0, end: 0 } });
  }
  const segments: GoTemplateSegment[] = [];
  const add = (render: GoTemplateRender): GoTemplateRender | null => {
    for (const segment of render.segments) segments.push(segment);
    return render.error ? { text: segments.map((s) => s.text).join(""), segments, error: render.error } : null;
  };
  let turnSystem = "";
  let prompt = "";
  let response = "";
  for (const message of collated) {
    const execute = (): GoTemplateRender | null => {
      const failed = add(renderNodes(template, root, turnValues(turnSystem, prompt, response), budget));
      turnSystem = "";
      prompt = "";
      response = "";
      return failed;
    };
    let failed: GoTemplateRender | null = null;
    switch (message.role) {
      case "system":
        if (prompt !== "" || response !== "") failed = execute();
        turnSystem = message.content;
        break;
      case "user":
        if (response !== "") failed = execute();
        prompt = message.content;
        break;
      case "assistant":
        response = message.content;
        break;
    }
    if (failed) return failed;
  }
  const failed = add(renderNodes(template, cutAtResponse(root), turnValues(turnSystem, prompt, response), budget));
  if (failed) return failed;
  const merged: GoTemplateSegment[] = [];
  for (const segment of segments) {
    const last = merged[merged.length - 1];
    if (last && last.literal === segment.literal) merged[merged.length - 1] = { text: last.text + segment.text, literal: last.literal };
    else merged.push(segment);
  }
  return { text: merged.map((s) => s.text).join(""), segments: merged };
}

/** Turn markers a model writes when its answer ends or another turn would start. */
const markerPattern = /<\|[A-Za-z0-9_.:-]{1,40}\|>|\[\/?INST\]|<<\/?SYS>>|<\/?(?:start_of_turn|end_of_turn)>|<\/s>|<\/?(?:end_of_text|eos|eot)>/g;

/**
 * The turn markers in the template's own text (`<|im_start|>`, `<|im_end|>`, `[INST]`,
 * `<<SYS>>`, `<start_of_turn>`…), in order of appearance: what Ollama's library models list as
 * PARAMETER stop, and what a profile without a stop of its own stops on.
 */
export function templateStopSequences(template: GoTemplate): string[] {
  const found: string[] = [];
  const visit = (nodes: readonly TemplateNode[]): void => {
    for (const node of nodes) {
      if (node.kind === "text") {
        for (const match of node.text.matchAll(markerPattern)) if (!found.includes(match[0])) found.push(match[0]);
      } else if (node.kind === "if" || node.kind === "with" || node.kind === "range") {
        visit(node.list);
        if (node.elseList) visit(node.elseList);
      }
    }
  };
  visit(template.root);
  for (const body of template.defines.values()) visit(body);
  // A beginning-of-text marker never ends an answer.
  return found.filter((marker) => !/^<\|(?:begin_of_text|startoftext|im_sep)\|>$/.test(marker));
}
