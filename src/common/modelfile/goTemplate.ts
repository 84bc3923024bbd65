// Ollama's prompt templates: what Ollama's template.Execute does with a chat. The `.Messages`
// form renders the whole conversation at once; the older `.System` / `.Prompt` / `.Response` form
// renders once per user + assistant pair, and the last time only up to `.Response`, where the
// model's answer starts. Also the turn markers a template's text holds, which a profile stops on.
// The Go templates themselves are parsed and run by goTemplateParser.ts and goTemplateRunner.ts.
import type { Arg, Command, GoTemplate, GoTemplateObject, GoTemplateRender, GoTemplateSegment, Pipe, TemplateNode } from "./goTemplateSyntax";
import { RenderBudget, renderGoTemplate, renderNodes } from "./goTemplateRunner";
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
