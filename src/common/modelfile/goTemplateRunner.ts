// Go templates, step 3: running a parsed template on data. Pure and total: nothing here throws;
// an execution error comes back as a diagnostic with offsets into the template, with the output so
// far. A rendering has a budget (steps, output, and the work of the functions) that bounds the
// time it takes whatever the template and its input; renderOllamaPrompt shares one among turns.
//
// Where it departs from Go on purpose: a missing field renders as nothing (Ollama prints
// "<no value>" for a top-level name it does not set, and stops with an error for a message field
// that does not exist; the Modelfile validator warns about both); `len` and `slice` on strings
// count UTF-16 units (Go counts bytes) except `len`, which counts UTF-8 bytes as Go does.
import { localize } from "../localize";
import { goJson, goSprint, goSprintf, goTruth, htmlEscape, isObject, isoDate, jsEscape, printInner, printValue, sameValue, typeName, utf8Length } from "./goTemplateFunctions";
import type { Arg, BlockNode, Command, GoTemplate, GoTemplateRender, GoTemplateSegment, GoTemplateValue, Pipe, TemplateNode } from "./goTemplateSyntax";
import { TemplateError } from "./goTemplateSyntax";
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
export class RenderBudget {
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

export function renderNodes(template: GoTemplate, nodes: readonly TemplateNode[], data: GoTemplateValue, budget: RenderBudget): GoTemplateRender {
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
