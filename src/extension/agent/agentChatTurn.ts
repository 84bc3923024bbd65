// The Chat view's turns that go through the engine's chatRespond (the whole conversation with each
// request): a thinking model's answer, its thought streamed apart into the Thinking block, and agent
// mode's turn, a loop of answers with workspace tools (src/common/agent/agentLoop.ts) whose calls run
// through agentWorkspaceTools.ts. chatViewTurns.ts chooses which kind a turn is.
import * as vscode from "vscode";
import type { AgentStepAnswer, AgentStepRequest } from "../../common/agent/agentLoop";
import { runAgentTurn } from "../../common/agent/agentLoop";
import type { PinnedStep } from "../../common/agent/agentTools";
import { agentTools, parsePinnedSteps, pinnedTool } from "../../common/agent/agentTools";
import type { StopReason, TokenUsage } from "../../common/chat/chatTypes";
import type { ConversationMessage, ToolChoice, ToolDefinition } from "../../common/chat/toolCalls";
import type { ToolCardView } from "../../common/webviewProtocol";
import type { ChatCodeActions } from "../chat/chatCodeActions";
import type { ChatPipeline } from "../chat/chatPipeline";
import type { EngineService } from "../engineHost/engineService";
import { readSettings } from "../settingsAccess";
import { AgentWorkspaceTools } from "./agentWorkspaceTools";

/** Where an answer's pieces go as they come. */
export interface AnswerStream {
  text(chunk: string): void;
  thinking(chunk: string): void;
  /** The turn's tool cards, after one was added or changed. */
  cards(cards: readonly ToolCardView[]): void;
}

export interface RespondOutcome {
  model: string;
  text: string;
  thinking: string;
  stopReason: StopReason;
  usage: TokenUsage | null;
  /** Agent mode: the calls made, and whether the step limit ended the turn. */
  cards?: ToolCardView[];
  reachedStepLimit?: boolean;
  maxSteps?: number;
}

export class AgentChatTurns {
  constructor(
    private readonly engine: EngineService,
    private readonly pipeline: ChatPipeline,
    private readonly code: ChatCodeActions,
  ) {}

  /** A thinking model's answer: its thought and its text streamed apart. */
  async thinkingTurn(messages: ConversationMessage[], stream: AnswerStream, token: vscode.CancellationToken): Promise<RespondOutcome> {
    const result = await this.engine.chatRespond(
      { messages },
      (chunk) => {
        if (chunk.thinking) stream.thinking(chunk.thinking);
        if (chunk.text) stream.text(chunk.text);
      },
      token,
    );
    return { model: result.model, text: result.text, thinking: result.thinking, stopReason: result.stopReason, usage: result.usage };
  }

  /** Agent mode's turn: the model answers with the workspace tools until it answers in text, the step limit, or Stop. */
  async agentTurn(messages: ConversationMessage[], stream: AnswerStream, token: vscode.CancellationToken): Promise<RespondOutcome> {
    const abort = new AbortController();
    const listener = token.onCancellationRequested(() => abort.abort());
    if (token.isCancellationRequested) abort.abort();
    const tools = new AgentWorkspaceTools(this.pipeline, this.code, abort.signal);
    const pinned = testPinnedSteps();
    const maxSteps = pinned ? pinned.length : readSettings()["agent.maxSteps"];
    let model = "";
    let thoughtBefore = false;
    const shown: ToolCardView[] = [];
    try {
      const result = await runAgentTurn(
        messages,
        {
          respond: async (request: AgentStepRequest): Promise<AgentStepAnswer> => {
            let startedThinking = false;
            const answer = await this.engine.chatRespond(
              { messages: request.messages, ...stepTools(request, pinned) },
              (chunk) => {
                if (chunk.thinking) {
                  // Each step's thought in the same block, a blank line between them.
                  if (!startedThinking && thoughtBefore) stream.thinking("\n\n");
                  startedThinking = true;
                  thoughtBefore = true;
                  stream.thinking(chunk.thinking);
                }
                if (chunk.text) stream.text(chunk.text);
              },
              token,
            );
            model = answer.model;
            return answer;
          },
          read: (action) => tools.read(action),
          confirm: (action) => tools.confirm(action),
          perform: (action) => tools.perform(action),
          card: (card) => {
            const at = shown.findIndex((item) => item.id === card.id);
            if (at >= 0) shown[at] = card;
            else shown.push(card);
            stream.cards(shown);
          },
        },
        { maxSteps, signal: abort.signal },
      );
      return {
        model,
        text: result.text,
        thinking: result.thinking,
        stopReason: result.cancelled ? "cancelled" : (result.last?.stopReason ?? "endOfText"),
        usage: result.last?.usage ?? null,
        cards: result.cards,
        reachedStepLimit: result.reachedStepLimit,
        maxSteps,
      };
    } finally {
      listener.dispose();
    }
  }
}

function stepTools(request: AgentStepRequest, pinned: PinnedStep[] | null): { tools: ToolDefinition[]; toolChoice: ToolChoice } {
  if (!pinned) return { tools: [...request.tools], toolChoice: request.toolChoice };
  const step = pinned[request.step - 1] ?? "none";
  if (step === "none") return { tools: [...agentTools], toolChoice: "none" };
  return { tools: [pinnedTool(step)], toolChoice: { name: step.tool } };
}

/**
 * For tests only: HEARTH_TEST_AGENT_STEPS holds, per step, the tool the model must call (with
 * arguments pinned in its schema) or "none", so the tiny fixture model, which cannot choose tools,
 * makes a deterministic multi-step turn. Read at each turn (a test sets it in the extension host).
 */
function testPinnedSteps(): PinnedStep[] | null {
  const json = process.env.HEARTH_TEST_AGENT_STEPS;
  return json ? parsePinnedSteps(json) : null;
}
