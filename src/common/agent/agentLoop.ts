// Agent mode's loop: the model answers with the workspace tools on offer (agentTools.ts); each call
// it makes is checked, shown as a card and run, and its result goes back to it as a tool message,
// until it answers in text, the step limit is reached (the last step offers no tools, so it answers
// with what it has), or the user stops. Pure: the Chat view gives it the model (`respond`) and the
// tools (`read`, `confirm`, `perform`).
//
// Confirmation is structural: a tool that changes something (propose_edit, run_command) is known by
// Hearth's own table, never by what the model says, and the loop calls `perform` for it only after
// `confirm` — the user, through VS Code's UI — said yes to that very action (a frozen object, the
// same one shown). Tool results are data in tool messages: nothing in them is read as an order by
// Hearth, so a file that says "run rm -rf" can at most make the model ask, and the user decides.
import type { StopReason, TokenUsage } from "../chat/chatTypes";
import type { ConversationMessage, ToolCall, ToolChoice, ToolDefinition } from "../chat/toolCalls";
import { localize } from "../localize";
import type { ToolCardView } from "../webviewProtocol";
import type { AgentAction, ConfirmedAction, ReadAction } from "./agentTools";
import { AgentRefusal, agentTools, capToolResult, cardArguments, checkToolCall, isConfirmedAction } from "./agentTools";

/** Steps (model answers) in one agent turn unless the setting says otherwise. */
export const defaultAgentSteps = 8;

export interface AgentStepRequest {
  messages: ConversationMessage[];
  tools: readonly ToolDefinition[];
  toolChoice: ToolChoice;
  /** From 1. */
  step: number;
}

export interface AgentStepAnswer {
  text: string;
  thinking: string;
  toolCalls: ToolCall[];
  stopReason: StopReason;
  usage: TokenUsage;
}

/** What the loop runs on: the model, the tools, and where cards go. */
export interface AgentEnvironment {
  /** One answer of the model to the conversation so far (streaming its text and thinking is the caller's). */
  respond(request: AgentStepRequest): Promise<AgentStepAnswer>;
  /** Runs a tool that only reads; an AgentRefusal says why it would not (a secret, outside the workspace). */
  read(action: ReadAction): Promise<string>;
  /** Asks the user about this exact action; true only when they said yes. */
  confirm(action: ConfirmedAction): Promise<boolean>;
  /** Does an action the user confirmed; its result for the model. */
  perform(action: ConfirmedAction): Promise<string>;
  /** A card was added or changed (the same id). */
  card(card: ToolCardView): void;
}

export interface AgentTurnResult {
  /** The messages the turn added: the model's answers with their calls, and the tool results. */
  added: ConversationMessage[];
  /** Everything the model said in text over the turn's steps. */
  text: string;
  thinking: string;
  cards: ToolCardView[];
  /** Model answers made. */
  steps: number;
  /** True when the turn used its last step (which offers no tools). */
  reachedStepLimit: boolean;
  /** The last answer (for its speed and why it stopped); null when none came. */
  last: AgentStepAnswer | null;
  cancelled: boolean;
}

/** Runs one agent turn on `conversation` (which ends with the user's message). */
export async function runAgentTurn(
  conversation: readonly ConversationMessage[],
  environment: AgentEnvironment,
  options: { maxSteps: number; signal: AbortSignal; tools?: readonly ToolDefinition[] },
): Promise<AgentTurnResult> {
  const { signal } = options;
  // At least one step with tools and the last one without.
  const maxSteps = Math.max(2, Math.floor(options.maxSteps));
  const messages = [...conversation];
  const result: AgentTurnResult = { added: [], text: "", thinking: "", cards: [], steps: 0, reachedStepLimit: false, last: null, cancelled: false };
  const add = (message: ConversationMessage): void => {
    messages.push(message);
    result.added.push(message);
  };
  for (let step = 1; step <= maxSteps; step++) {
    if (signal.aborted) break;
    const lastStep = step === maxSteps;
    const answer = await environment.respond({ messages: [...messages], tools: options.tools ?? agentTools, toolChoice: lastStep ? "none" : "auto", step });
    result.steps = step;
    result.last = answer;
    result.text += answer.text;
    if (answer.thinking) result.thinking += (result.thinking ? "\n\n" : "") + answer.thinking;
    if (answer.stopReason === "cancelled" || signal.aborted) break;
    add({ role: "assistant", text: answer.text, ...(answer.thinking ? { thinking: answer.thinking } : {}), ...(answer.toolCalls.length > 0 ? { toolCalls: answer.toolCalls } : {}) });
    if (answer.toolCalls.length === 0) break;
    for (const call of answer.toolCalls) {
      const text = await runCall(call, environment, result.cards, signal);
      add({ role: "tool", text, toolCallId: call.id, toolName: call.name });
      if (signal.aborted) break;
    }
  }
  result.cancelled = signal.aborted || result.last?.stopReason === "cancelled";
  // The last step offers no tools: a turn that got there was cut short by the limit.
  result.reachedStepLimit = !result.cancelled && result.steps === maxSteps;
  return result;
}

async function runCall(call: ToolCall, environment: AgentEnvironment, cards: ToolCardView[], signal: AbortSignal): Promise<string> {
  const card: ToolCardView = { id: call.id, tool: call.name, arguments: cardArguments(call.arguments), state: "running" };
  cards.push(card);
  const show = (change: Partial<ToolCardView>): void => {
    Object.assign(card, change);
    environment.card({ ...card });
  };
  show({});
  let action: AgentAction;
  try {
    action = Object.freeze(checkToolCall(call.name, call.arguments));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    show({ state: "refused", detail: reason });
    return localize("Refused: {0}", reason);
  }
  try {
    let output: string;
    if (isConfirmedAction(action)) {
      show({ state: "waiting" });
      const confirmed = await environment.confirm(action);
      if (!confirmed || signal.aborted) {
        show({ state: "declined" });
        return action.tool === "run_command"
          ? localize("The user declined to run this command, so it did not run. Do not ask to run it again; answer with what you have.")
          : localize("The user declined this change, so the file is as it was. Answer with what you have, or propose a different change.");
      }
      show({ state: "running" });
      output = await environment.perform(action);
    } else {
      output = await environment.read(action);
    }
    show({ state: "done", resultChars: output.length });
    return capToolResult(output);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    show({ state: error instanceof AgentRefusal ? "refused" : "failed", detail: reason });
    return error instanceof AgentRefusal ? localize("Refused: {0}", reason) : localize("The tool failed: {0}", reason);
  }
}
