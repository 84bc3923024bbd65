// The workspace tools agent mode offers the model in the Chat view, as every side shares them: their
// definitions (JSON schemas the engine turns into the model's tool syntax or a grammar), the checks
// a call's arguments pass before anything runs (types, bounds, paths relative to the workspace and
// never above it, one-line commands), which tools change something and so wait for the user's
// confirmation, and how a result is cut to size before it goes back to the model. Pure: the Chat
// view's adapters (src/extension/agent/) run the tools, the loop (agentLoop.ts) drives them.
import type { ToolDefinition } from "../chat/toolCalls";
import { localize } from "../localize";

/** A call whose arguments passed the checks: what a tool is asked to do. */
export type AgentAction =
  | { tool: "search_workspace"; query: string }
  | { tool: "read_file"; path: string; startLine?: number; endLine?: number }
  | { tool: "list_folder"; path: string }
  | { tool: "find_definition"; symbol: string }
  | { tool: "propose_edit"; path: string; text: string; startLine?: number; endLine?: number }
  | { tool: "run_command"; command: string };

export type AgentToolName = AgentAction["tool"];

/** Tools that change something (a file, the machine): they run only after the user confirms that exact action. */
export type ConfirmedAction = Extract<AgentAction, { tool: "propose_edit" | "run_command" }>;
/** Tools that only read the workspace (the secret rules apply to every read). */
export type ReadAction = Exclude<AgentAction, ConfirmedAction>;

/** What a call's card shows: the tool, its arguments, its state and how big its result was. */
export type ToolCardState = "running" | "waiting" | "done" | "refused" | "declined" | "failed";

/** The most characters a tool result gives back to the model (the rest is cut, and it says so). */
export const maxToolResultChars = 12_000;
/** The most characters of a path, a query or a command the tools take. */
const maxPathLength = 1_000;
const maxQueryLength = 500;
const maxCommandLength = 2_000;
const maxSymbolLength = 200;
/** The most characters propose_edit takes as a file's new text. */
export const maxEditChars = 200_000;

const pathProperty = { type: "string", description: "A path relative to the workspace folder, with / between folders." };
const lineProperty = (what: string): Record<string, unknown> => ({ type: "integer", description: what });

const toolList: ToolDefinition[] = [
  {
    name: "search_workspace",
    description: "Search the workspace index (code and documents) for passages about a query. Returns passages with their path and lines, as data.",
    parameters: {
      type: "object",
      properties: { query: { type: "string", description: "What to look for: words, an identifier, a question." } },
      required: ["query"],
      additionalProperties: false,
    },
  },
  {
    name: "read_file",
    description: "Read a text file of the workspace, or lines startLine to endLine of it (counting from 1). Returns the text with line numbers, as data.",
    parameters: {
      type: "object",
      properties: { path: pathProperty, startLine: lineProperty("First line to read (from 1)."), endLine: lineProperty("Last line to read.") },
      required: ["path"],
      additionalProperties: false,
    },
  },
  {
    name: "list_folder",
    description: "List the files and folders in a workspace folder (\".\" for the workspace folder itself). Folders end with /.",
    parameters: { type: "object", properties: { path: pathProperty }, required: ["path"], additionalProperties: false },
  },
  {
    name: "find_definition",
    description: "Find where a symbol (a function, class, type or variable name) is defined in the workspace. Returns its locations and the lines there.",
    parameters: {
      type: "object",
      properties: { symbol: { type: "string", description: "The symbol's name, e.g. parseConfig." } },
      required: ["symbol"],
      additionalProperties: false,
    },
  },
  {
    name: "propose_edit",
    description:
      "Propose a change to a workspace file: its whole new text, or a replacement for lines startLine to endLine. The user sees a diff and decides; nothing changes unless they accept.",
    parameters: {
      type: "object",
      properties: {
        path: pathProperty,
        text: { type: "string", description: "The new text (the whole file, or the lines that replace startLine..endLine)." },
        startLine: lineProperty("First line to replace (from 1); leave out to replace the whole file."),
        endLine: lineProperty("Last line to replace."),
      },
      required: ["path", "text"],
      additionalProperties: false,
    },
  },
  {
    name: "run_command",
    description: "Run one shell command in a terminal in the workspace folder. The user sees the exact command and must confirm it first; they may decline.",
    parameters: {
      type: "object",
      properties: { command: { type: "string", description: "One command line." } },
      required: ["command"],
      additionalProperties: false,
    },
  },
];

/** The tools agent mode offers, in the order the model is told about them. */
export const agentTools: readonly ToolDefinition[] = toolList;

export const agentToolNames: readonly AgentToolName[] = toolList.map((tool) => tool.name as AgentToolName);

export function isConfirmedAction(action: AgentAction): action is ConfirmedAction {
  return action.tool === "propose_edit" || action.tool === "run_command";
}

/** Why a call was refused before it ran (bad arguments, a path outside the workspace, a secret). */
export class AgentRefusal extends Error {}

/**
 * A workspace path as a tool takes it: relative, `/`-separated, never above the workspace folder
 * (no `..`), never absolute; "." and "" mean the folder itself. The adapters still resolve it
 * inside the workspace folders with links followed (a link out is refused there).
 */
export function checkWorkspacePath(value: unknown, name = "path"): string {
  if (typeof value !== "string") throw new AgentRefusal(localize("The argument \"{0}\" must be a string: a path relative to the workspace folder.", name));
  const slashed = value.trim().replace(/\\/g, "/");
  if (slashed.length > maxPathLength || slashed.includes("\0")) throw new AgentRefusal(localize("The path {0} is not one Hearth can use: it is too long or holds a NUL character.", JSON.stringify(value.slice(0, 80))));
  if (slashed.startsWith("/") || /^[a-zA-Z]:/.test(slashed) || slashed.startsWith("~")) {
    throw new AgentRefusal(localize("The path {0} is absolute; the tools take paths relative to the workspace folder (for example src/main.ts).", JSON.stringify(value)));
  }
  const parts = slashed.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) {
    throw new AgentRefusal(localize("The path {0} goes above the workspace folder (..); the tools only reach the workspace's own files.", JSON.stringify(value)));
  }
  return parts.length === 0 ? "." : parts.join("/");
}

function checkString(args: Record<string, unknown>, name: string, max: number, required = true): string | undefined {
  const value = args[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== "string" || value.trim() === "") throw new AgentRefusal(localize("The argument \"{0}\" must be a non-empty string.", name));
  if (value.length > max) throw new AgentRefusal(localize("The argument \"{0}\" is too long: {1} characters, at most {2}.", name, value.length, max));
  return value;
}

function checkLines(args: Record<string, unknown>): { startLine?: number; endLine?: number } {
  const { startLine, endLine } = args;
  if (startLine === undefined && endLine === undefined) return {};
  const isLine = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 10_000_000;
  if (!isLine(startLine)) throw new AgentRefusal(localize("\"startLine\" must be a line number (a whole number from 1) when a line range is given."));
  if (endLine !== undefined && !isLine(endLine)) throw new AgentRefusal(localize("\"endLine\" must be a line number (a whole number from 1)."));
  const end = endLine ?? startLine;
  if (end < startLine) throw new AgentRefusal(localize("The line range {0}-{1} ends before it starts: give the first line, then the last.", startLine, end));
  return { startLine, endLine: end };
}

/**
 * Checks a call the model made against the tool's rules and returns what it asks for. Arguments a
 * tool does not take are refused, not ignored: a call carries nothing but what the tool shows.
 */
export function checkToolCall(name: string, args: Record<string, unknown>): AgentAction {
  const tool = toolList.find((candidate) => candidate.name === name);
  if (!tool) throw new AgentRefusal(localize("There is no tool named \"{0}\". The tools are: {1}.", name, agentToolNames.join(", ")));
  const allowed = Object.keys((tool.parameters?.properties ?? {}) as Record<string, unknown>);
  const extra = Object.keys(args).filter((key) => !allowed.includes(key));
  if (extra.length > 0) throw new AgentRefusal(localize("The tool \"{0}\" takes no argument {1}; it takes: {2}.", name, extra.map((key) => `"${key}"`).join(", "), allowed.join(", ")));
  switch (name as AgentToolName) {
    case "search_workspace":
      return { tool: "search_workspace", query: checkString(args, "query", maxQueryLength)!.trim() };
    case "read_file":
      return { tool: "read_file", path: requireFilePath(args.path), ...checkLines(args) };
    case "list_folder":
      return { tool: "list_folder", path: args.path === undefined ? "." : checkWorkspacePath(args.path) };
    case "find_definition": {
      const symbol = checkString(args, "symbol", maxSymbolLength)!.trim();
      if (/\s/.test(symbol)) throw new AgentRefusal(localize("\"symbol\" must be one name without spaces, for example parseConfig."));
      return { tool: "find_definition", symbol };
    }
    case "propose_edit": {
      const text = args.text;
      if (typeof text !== "string") throw new AgentRefusal(localize("The argument \"{0}\" must be a string.", "text"));
      if (text.length > maxEditChars) throw new AgentRefusal(localize("The argument \"{0}\" is too long: {1} characters, at most {2}.", "text", text.length, maxEditChars));
      return { tool: "propose_edit", path: requireFilePath(args.path), text, ...checkLines(args) };
    }
    case "run_command": {
      const command = checkString(args, "command", maxCommandLength)!.trim();
      // One line: the confirmation shows exactly what runs, and a second line would run unseen in a prompt.
      if (/[\r\n]/.test(command)) throw new AgentRefusal(localize("\"command\" must be one line: Hearth runs one command at a time, each after the user confirms it."));
      return { tool: "run_command", command };
    }
  }
}

function requireFilePath(value: unknown): string {
  const checked = checkWorkspacePath(value);
  if (checked === ".") throw new AgentRefusal(localize("\"path\" must name a file, not the workspace folder."));
  return checked;
}

/** A result cut to `max` characters, saying how much was left out. */
export function capToolResult(text: string, max = maxToolResultChars): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n${localize("[cut: {0} more characters not shown]", text.length - max)}`;
}

/** Text with line numbers, as read_file gives it (so a proposed edit can name its lines). */
export function numberLines(text: string, firstLine: number): string {
  const lines = text.replace(/\n$/, "").split("\n");
  const width = String(firstLine + lines.length - 1).length;
  return lines.map((line, index) => `${String(firstLine + index).padStart(width, " ")}| ${line}`).join("\n");
}

/** A terminal's output without its escape sequences (colours, cursor moves, shell-integration marks). */
export function plainTerminalText(text: string): string {
  return text
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, "")
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, "")
    .replace(/\u001b[@-_]/g, "")
    .replace(/\r\n?/g, "\n");
}

/** The arguments as a card shows them: compact JSON, shortened. */
export function cardArguments(args: Record<string, unknown>, max = 300): string {
  const text = JSON.stringify(args);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * For tests only (the tiny fixture model cannot choose tools): the tools of one step narrowed to
 * one, with the given arguments pinned as constants in its schema, so a grammar-constrained call
 * is deterministic. `"none"` asks for an answer in text.
 */
export type PinnedStep = "none" | { tool: AgentToolName; arguments?: Record<string, unknown> };

export function parsePinnedSteps(json: string): PinnedStep[] {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value)) throw new Error("HEARTH_TEST_AGENT_STEPS must be a JSON array");
  return value.map((step: unknown): PinnedStep => {
    if (step === "none") return "none";
    if (typeof step === "object" && step !== null && agentToolNames.includes((step as { tool?: AgentToolName }).tool as AgentToolName)) {
      const { tool, arguments: args } = step as { tool: AgentToolName; arguments?: Record<string, unknown> };
      return args ? { tool, arguments: args } : { tool };
    }
    throw new Error(`HEARTH_TEST_AGENT_STEPS: not a step: ${JSON.stringify(step)}`);
  });
}

export function pinnedTool(step: Exclude<PinnedStep, "none">): ToolDefinition {
  const tool = toolList.find((candidate) => candidate.name === step.tool)!;
  const parameters = tool.parameters as { properties: Record<string, unknown>; required: string[] };
  // The required arguments and the pinned ones only: an optional argument the test leaves open
  // (a line range) would let the model make one up.
  const properties: Record<string, unknown> = {};
  for (const key of parameters.required) properties[key] = parameters.properties[key];
  for (const [key, value] of Object.entries(step.arguments ?? {})) properties[key] = { const: value };
  return {
    ...tool,
    parameters: { ...parameters, properties, required: [...new Set([...parameters.required, ...Object.keys(step.arguments ?? {})])] },
  };
}
