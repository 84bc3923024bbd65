// Answers with tools and thinking (engine method chatRespond): a conversation the request carries in
// full, with tool calls and their results in it, becomes node-llama-cpp's chat history; the model
// answers through node-llama-cpp's function calling in its own chat-template syntax where the
// template has one (its default syntax where not), or, when a call is required or named, as JSON
// under a grammar built from the tools' schemas, so even a tiny model's call parses and matches
// the schema. Thinking is the chat wrapper's thought segment: streamed apart from the answer,
// closed before it starts when `think` is false, and fed back into later turns only as the
// template renders it (most keep only the last answer's).
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelFunctions, ChatWrapper, GbnfJsonSchema, Llama, LlamaChatResponseFunctionCallParamsChunk } from "node-llama-cpp";
import type { ChatCapabilities, ConversationMessage, ThinkSetting, ToolCall, ToolChoice, ToolDefinition } from "../../common/chat/toolCalls";
import { argumentsSchemaFor, ForcedCallStreamer, forcedCallSchema, parseForcedCall } from "../../common/chat/toolCalls";
import type { ChatRespondChunk, ChatRespondParams, ChatRespondResult } from "../../common/engine/engineProtocol";
import { EngineError } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import type { ModelProfile } from "../../common/models/modelProfile";
import { mergeProfileOptions, profileTemplate } from "../../common/models/modelProfile";
import { jsonSchemaProblem } from "../requestChecks";
import { initialHistory, toHistoryItems } from "./chatHistory";
import { cachedGrammar } from "./grammarCache";
import type { GenerationState, LoadedModel } from "./loadedModel";
import type { TokenPace } from "./measuredGeneration";
import { mapStopReason, measureGeneration, samplingOptions } from "./measuredGeneration";
import { stringOrNull } from "./modelInspection";

type NodeLlamaCpp = typeof import("node-llama-cpp");

/** The least room for an answer; under it the conversation is refused. */
const minimumAnswerTokens = 16;

/** What a chat wrapper can do; `template` is the GGUF's Jinja chat template when the wrapper comes from it. */
export function wrapperCapabilities(lib: NodeLlamaCpp, wrapper: ChatWrapper, template: string | null): ChatCapabilities {
  const jinja = wrapper instanceof lib.JinjaTemplateChatWrapper ? wrapper : null;
  const tools = jinja
    ? jinja.usingJinjaFunctionCallTemplate
    : JSON.stringify(wrapper.settings.functions.call) !== JSON.stringify(lib.ChatWrapper.defaultSettings.functions.call);
  // Some wrappers (Qwen's) always know a thought segment; the model thinks only when its template does.
  const thinking = wrapper.settings.segments?.thought != null && (template === null || /think|reasoning/i.test(template));
  const thinkingLevels = thinking && (wrapper instanceof lib.HarmonyChatWrapper || (jinja !== null && /reasoning_effort/.test(jinja.template)));
  return { tools, thinking, thinkingLevels };
}

/** The GGUF's Jinja chat template, unless a Modelfile TEMPLATE formats the prompt instead. */
export function jinjaTemplateOf(loaded: LoadedModel): string | null {
  return loaded.template ? null : stringOrNull(loaded.model.fileInfo.metadata.tokenizer?.chat_template);
}

/** What a model file's chat template can do, read without loading the model (for /api/show). */
export async function fileChatCapabilities(lib: NodeLlamaCpp, modelPath: string, profile: ModelProfile | undefined): Promise<ChatCapabilities> {
  if (profileTemplate(profile)) return { tools: false, thinking: false, thinkingLevels: false };
  const fileInfo = await lib.readGgufFileInfo(modelPath, { readTensorInfo: false });
  const wrapper = lib.resolveChatWrapper({ fileInfo, filename: path.basename(modelPath), warningLogs: false });
  if (!wrapper) return { tools: false, thinking: false, thinkingLevels: false };
  return wrapperCapabilities(lib, wrapper, stringOrNull(fileInfo.metadata.tokenizer?.chat_template));
}

function newCallId(): string {
  return `call_${randomBytes(12).toString("hex")}`;
}

function badRequest(message: string): EngineError {
  return new EngineError("badRequest", message);
}

/** A tool's result as the template gets it: the JSON it holds, else the text. */
function toolResult(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      // text that only looks like JSON
    }
  }
  return text;
}

/**
 * The messages as node-llama-cpp's history after `opening` (the system prompt and seeded turns): an
 * assistant message's calls carry their results from the tool messages that follow (matched by
 * call id, else by tool name, else in order), and what the assistant said after the results
 * continues the same model response, as node-llama-cpp keeps a response with calls. The history
 * ends with the model response to generate: a new one after a user message, the open one after
 * tool results.
 */
export function conversationHistory(opening: ChatHistoryItem[], messages: readonly ConversationMessage[]): ChatHistoryItem[] {
  const history = [...opening];
  const pending: Array<{ id: string; call: ChatModelFunctionCall }> = [];
  let last: ConversationMessage["role"] | null = null;
  for (const [index, message] of messages.entries()) {
    switch (message.role) {
      case "system":
        break;
      case "user":
        if (pending.length > 0) throw unanswered(pending[0]!.call.name);
        history.push({ type: "user", text: message.text });
        break;
      case "assistant": {
        if (pending.length > 0) throw unanswered(pending[0]!.call.name);
        const previous = history.at(-1);
        const continues = last === "tool" && previous?.type === "model";
        const item: Extract<ChatHistoryItem, { type: "model" }> = continues ? previous : { type: "model", response: [] };
        if (message.thinking) item.response.push({ type: "segment", segmentType: "thought", text: message.thinking, ended: true });
        if (message.text !== "") item.response.push(message.text);
        for (const [callIndex, call] of (message.toolCalls ?? []).entries()) {
          const part: ChatModelFunctionCall = { type: "functionCall", name: call.name, params: call.arguments, result: undefined, startsNewChunk: callIndex === 0 };
          item.response.push(part);
          pending.push({ id: call.id, call: part });
        }
        if (!continues) history.push(item);
        break;
      }
      case "tool": {
        let at = message.toolCallId ? pending.findIndex((entry) => entry.id === message.toolCallId) : -1;
        if (at < 0 && message.toolName) at = pending.findIndex((entry) => entry.call.name === message.toolName);
        if (at < 0) at = 0;
        const entry = pending[at];
        if (!entry) {
          throw badRequest(
            localize(
              "Invalid request: message {0} is a tool result, but no tool call before it is waiting for one. Send each tool result after the assistant message that made the call.",
              index,
            ),
          );
        }
        entry.call.result = toolResult(message.text);
        pending.splice(at, 1);
        break;
      }
    }
    if (message.role !== "system") last = message.role;
  }
  if (pending.length > 0) throw unanswered(pending[0]!.call.name);
  if (last === "user") history.push({ type: "model", response: [] });
  else if (last !== "tool") {
    throw badRequest(
      last === null
        ? localize("Invalid request: \"messages\" holds no user message to answer.")
        : localize("Invalid request: the last message must be the user's or a tool result (the one to answer), but it is the assistant's."),
    );
  }
  return history;
}

function unanswered(name: string): EngineError {
  return badRequest(
    localize(
      "Invalid request: the assistant called the tool \"{0}\", but no tool message with its result follows. Send one \"tool\" message per call, after the assistant message.",
      name,
    ),
  );
}

/** The think setting that applies, or an error for what the model cannot do. */
function resolveThink(think: ThinkSetting | undefined, capabilities: ChatCapabilities, lenient: boolean, modelName: string): ThinkSetting | undefined {
  if (think === undefined || think === false) return think;
  if (!capabilities.thinking) {
    if (lenient) return undefined;
    throw badRequest(
      localize(
        "{0} does not support thinking: its chat template has no thinking section. Send the request without \"think\" (or with \"think\": false), or choose a thinking model (for example Qwen3 or DeepSeek-R1).",
        modelName,
      ),
    );
  }
  if (typeof think === "string" && !capabilities.thinkingLevels) {
    if (lenient) return true;
    throw badRequest(
      localize(
        "{0} does not take a thinking level (\"{1}\"): its chat template has no reasoning effort. Send \"think\": true or false instead.",
        modelName,
        think,
      ),
    );
  }
  return think;
}

/** The wrapper for a thinking level: the model's own, told the level. */
function wrapperForLevel(lib: NodeLlamaCpp, loaded: LoadedModel, wrapper: ChatWrapper, think: ThinkSetting | undefined): ChatWrapper {
  if (typeof think !== "string") return wrapper;
  if (wrapper instanceof lib.HarmonyChatWrapper) return new lib.HarmonyChatWrapper({ reasoningEffort: think });
  if (wrapper instanceof lib.JinjaTemplateChatWrapper) {
    return new lib.JinjaTemplateChatWrapper({
      template: wrapper.template,
      tokenizer: loaded.model.tokenizer,
      additionalRenderParameters: { ...(wrapper.additionalRenderParameters ?? {}), reasoning_effort: think },
    });
  }
  return wrapper;
}

function checkTools(tools: readonly ToolDefinition[], choice: ToolChoice): void {
  const names = new Set<string>();
  for (const tool of tools) {
    if (names.has(tool.name)) {
      throw badRequest(localize("Invalid request: two tools are named \"{0}\". Give each tool its own name.", tool.name));
    }
    names.add(tool.name);
    const problem = jsonSchemaProblem(argumentsSchemaFor(tool));
    if (problem) throw badRequest(localize("The parameters of the tool \"{0}\" cannot be followed: {1}", tool.name, problem));
  }
  if (typeof choice === "object" && !names.has(choice.name)) {
    throw badRequest(
      localize("Invalid request: \"tool_choice\" names the tool \"{0}\", which is not among the request's tools. Name one of them, or send \"auto\".", choice.name),
    );
  }
  if (choice !== "none" && tools.length === 0 && choice !== "auto") {
    throw badRequest(localize("Invalid request: \"tool_choice\" asks for a tool call, but the request has no tools. Send the tools, or leave \"tool_choice\" out."));
  }
}

export interface RespondRun {
  lib: NodeLlamaCpp;
  llama: Llama;
  loaded: LoadedModel;
  state: GenerationState;
  pace: TokenPace | undefined;
}

/** One answer to `params.messages` on the model's generation sequence (the caller holds the scheduler). */
export async function respondToConversation(
  run: RespondRun,
  params: ChatRespondParams,
  onChunk: (chunk: ChatRespondChunk) => void,
  signal: AbortSignal | undefined,
): Promise<ChatRespondResult> {
  const { lib, loaded, state } = run;
  const options = mergeProfileOptions(loaded.profile, params.options, params.defaults);
  const baseWrapper = state.chat.chatWrapper;
  const capabilities = wrapperCapabilities(lib, baseWrapper, jinjaTemplateOf(loaded));
  const think = resolveThink(params.think, capabilities, params.thinkLeniently === true, loaded.info.name);
  const tools = params.tools ?? [];
  const choice: ToolChoice = tools.length === 0 ? "none" : (params.toolChoice ?? "auto");
  checkTools(tools, params.toolChoice ?? choice);
  const forced = choice === "required" || typeof choice === "object";
  if (choice !== "none" && (options?.grammar !== undefined || options?.jsonSchema !== undefined)) {
    throw badRequest(
      localize("Hearth cannot constrain an answer to a format and offer tools at once: send \"format\" (or \"response_format\") or \"tools\", not both."),
    );
  }
  const wrapper = wrapperForLevel(lib, loaded, baseWrapper, think);
  const system = params.messages.filter((message) => message.role === "system").map((message) => message.text);
  const systemPrompt = system.length > 0 ? system.join("\n\n") : (loaded.profile?.system ?? params.defaultSystemPrompt);
  const opening = [...initialHistory(state.chat, systemPrompt), ...toHistoryItems(loaded.profile?.messages ?? [])];
  const history = conversationHistory(opening, params.messages);
  // Earlier answers' thinking goes back in only where the wrapper keeps it (its template renders past thinking).
  if ((wrapper as { keepOnlyLastThought?: boolean }).keepOnlyLastThought !== false) {
    history.forEach((item, index) => {
      if (item.type === "model" && index < history.length - 1) {
        item.response = item.response.filter((part) => typeof part === "string" || part.type !== "segment" || part.segmentType !== "thought");
      }
    });
  }
  const closeThinking = wrapper.settings.segments?.thought != null && (think === false || forced);
  if (closeThinking) {
    const answer = history.at(-1) as Extract<ChatHistoryItem, { type: "model" }>;
    answer.response.push({ type: "segment", segmentType: "thought", text: "", ended: true });
  }
  const functions: ChatModelFunctions | undefined =
    choice === "auto"
      ? Object.fromEntries(
          tools.map((tool) => [
            tool.name,
            { ...(tool.description ? { description: tool.description } : {}), params: argumentsSchemaFor(tool) as unknown as GbnfJsonSchema },
          ]),
        )
      : undefined;
  const grammar = forced
    ? await cachedGrammar(run.llama, loaded.grammars, { jsonSchema: forcedCallSchema(tools, choice) })
    : await cachedGrammar(run.llama, loaded.grammars, options);

  const contextSize = loaded.info.contextSize;
  const promptTokens = wrapper
    .generateContextState({ chatHistory: history, ...(functions ? { availableFunctions: functions, documentFunctionParams: true } : {}) })
    .contextText.tokenize(loaded.model.tokenizer).length;
  if (promptTokens + minimumAnswerTokens > contextSize) {
    throw badRequest(
      localize(
        "The conversation does not fit in the model's context window: with the tools and room for an answer it needs {0} tokens, but the context holds {1}. Send fewer or shorter messages (or fewer tools), or load the model with a larger context (num_ctx, or the setting hearth.contextSize).",
        promptTokens + minimumAnswerTokens,
        contextSize,
      ),
    );
  }
  const maxTokens = Math.max(1, Math.min(options?.maxTokens ?? Infinity, contextSize - promptTokens - 1));

  let thinking = "";
  const callIds: string[] = [];
  const sentArguments: string[] = [];
  const sendCall = (index: number, name: string, fragment: string): void => {
    if (callIds[index] === undefined) {
      callIds[index] = newCallId();
      sentArguments[index] = "";
      onChunk({ kind: "respond", toolCall: { index, id: callIds[index], name, arguments: "" } });
    }
    if (fragment !== "") {
      sentArguments[index] += fragment;
      onChunk({ kind: "respond", toolCall: { index, id: callIds[index], name, arguments: fragment } });
    }
  };
  const streamer = forced ? new ForcedCallStreamer((delta) => sendCall(0, delta.name, delta.arguments)) : null;
  const chat = new lib.LlamaChat({ contextSequence: state.sequence, chatWrapper: wrapper });
  state.owner = null;
  let functionCalls: Array<{ functionName: string; params: unknown }> = [];
  try {
    const result = await measureGeneration(
      state,
      "chat",
      (text) => (streamer ? streamer.push(text) : onChunk({ kind: "respond", text })),
      forced ? undefined : options?.stop,
      signal,
      async (onText, onToken, runSignal) => {
        const response = await chat.generateResponse(history, {
          ...samplingOptions(options),
          maxTokens,
          signal: runSignal,
          stopOnAbortSignal: true,
          onTextChunk: onText,
          onToken,
          onResponseChunk: (chunk) => {
            if (chunk.type !== "segment" || chunk.segmentType !== "thought" || chunk.text === "") return;
            thinking += chunk.text;
            if (think !== false) onChunk({ kind: "respond", thinking: chunk.text });
          },
          ...(think === false ? { budgets: { thoughtTokens: 0 } } : {}),
          ...(functions
            ? {
                functions,
                documentFunctionParams: true,
                ...(params.parallelToolCalls === false ? { maxParallelFunctionCalls: 1 } : {}),
                onFunctionCallParamsChunk: (chunk: LlamaChatResponseFunctionCallParamsChunk) => sendCall(chunk.callIndex, chunk.functionName, chunk.paramsChunk),
              }
            : grammar
              ? { grammar }
              : {}),
        });
        functionCalls = response.functionCalls ?? [];
        return { text: response.response, stopReason: mapStopReason(response.metadata.stopReason) };
      },
      run.pace,
    );
    const toolCalls: ToolCall[] = [];
    let text = result.text;
    if (streamer) {
      streamer.finish();
      const call = parseForcedCall(streamer.received);
      if (call) {
        toolCalls.push({ id: callIds[0] ?? newCallId(), name: call.name, arguments: call.arguments });
        text = "";
      } else text = streamer.received;
    } else {
      functionCalls.forEach((call, index) => {
        const args = call.params !== null && typeof call.params === "object" && !Array.isArray(call.params) ? (call.params as Record<string, unknown>) : {};
        if (!sentArguments[index]) sendCall(index, call.functionName, JSON.stringify(args));
        toolCalls.push({ id: callIds[index]!, name: call.functionName, arguments: args });
      });
    }
    return { ...result, text, thinking: think === false ? "" : thinking, toolCalls };
  } finally {
    chat.dispose({ disposeSequence: false });
  }
}
