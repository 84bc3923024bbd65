// Go templates, step 2: the parser. Splits the text into text and actions (applying the trim
// markers), lexes each action (goTemplateSyntax.ts) and builds the tree: blocks, variables in
// scope, named templates. Never throws; problems come back as diagnostics with offsets.
import { localize } from "../localize";
import type { Arg, BlockNode, Command, GoTemplate, GoTemplateDiagnostic, Pipe, TemplateNode, Token } from "./goTemplateSyntax";
import { TemplateError, isSpaceChar, lexAction, trimTrailingSpace } from "./goTemplateSyntax";
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
