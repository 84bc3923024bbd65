// Hearth's installed models in VS Code's own chat (the model picker, vscode.lm.selectChatModels):
// a language model chat provider, vendor `hearth`, registered where VS Code has the API (1.104+).
// A request loads the picked model when it is not the loaded one (as Select Model does) and
// streams the answer through the engine, cancellable; follow-ups reuse the engine session (and its
// KV cache) that holds the conversation so far. A model whose chat template has its own tool-call
// syntax says so (capabilities.toolCalling, read from its file without loading it); a request with
// tools (or a `think` model option) goes to the engine's chatRespond as a whole conversation, and
// the model's calls come back as LanguageModelToolCallParts. A thinking model's thought is kept out
// of the answer: VS Code 1.104 has LanguageModelThinkingPart only as a proposed API, which an
// extension on the Marketplace cannot use.
import { createHash } from "node:crypto";
import * as vscode from "vscode";
import { estimateTokens } from "../../common/chat/chatBudget";
import type { ChatTurn } from "../../common/chat/chatTypes";
import { errorText, isEngineError } from "../../common/engine/engineError";
import type { ChatModelInformation } from "../../common/languageModels/chatModelInformation";
import { chatModelInformation } from "../../common/languageModels/chatModelInformation";
import type { RequestMessage, RequestPart } from "../../common/languageModels/requestMessages";
import { engineTurn, generationOptions, partText, RequestShapeError } from "../../common/languageModels/requestMessages";
import type { RequestTool } from "../../common/languageModels/toolRequest";
import { conversationMessages, thinkSetting, toolChoiceFor, toolDefinitions } from "../../common/languageModels/toolRequest";
import type { ThinkSetting } from "../../common/chat/toolCalls";
import type { StoredModel } from "../../common/models/modelManifest";
import type { Conversation, EngineService } from "../engineHost/engineService";
import { readSettings } from "../settingsAccess";
import type {
  LanguageModelChatInformation,
  LanguageModelChatProvider,
  LanguageModelChatRequestMessage,
  LanguageModelResponsePart,
  ProvideLanguageModelChatResponseOptions,
} from "./chatProviderApi";

/** Engine sessions kept for conversations of VS Code's chat; the least recently used goes first. */
const maxCachedConversations = 4;

type HearthModel = LanguageModelChatInformation & { readonly hearth: ChatModelInformation };

export class HearthChatModelProvider implements LanguageModelChatProvider<HearthModel>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Conversations answered, by the content of everything they hold (model, turns). */
  private readonly conversations = new Map<string, Conversation>();
  /** Whether a model's chat template has its own tool-call syntax, by model file and manifest (a re-pulled model is read again). */
  private readonly toolCalling = new Map<string, Promise<boolean>>();

  constructor(
    private readonly engine: EngineService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // The list changes with the store; the limits with the loaded context and the settings.
    this.disposables.push(
      engine.onDidChangeStore(() => this.changed.fire()),
      engine.onDidChangeModel(() => this.changed.fire()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration("hearth.contextSize") || event.affectsConfiguration("hearth.maxTokens")) this.changed.fire();
      }),
    );
  }

  async provideLanguageModelChatInformation(_options: { readonly silent: boolean }, _token: vscode.CancellationToken): Promise<HearthModel[]> {
    try {
      const [store, loaded] = await Promise.all([this.engine.storeList(), this.engine.loadedModels()]);
      const settings = readSettings();
      const models = chatModelInformation(store.models, loaded, { contextSize: settings.contextSize, maxTokens: settings.maxTokens });
      return Promise.all(
        models.map(async (model) => ({
          id: model.id,
          name: model.name,
          family: model.family,
          version: model.version,
          detail: model.detail,
          tooltip: model.tooltip,
          maxInputTokens: model.maxInputTokens,
          maxOutputTokens: model.maxOutputTokens,
          capabilities: { toolCalling: await this.callsTools(store.models.find((stored) => stored.name === model.id)), imageInput: false },
          hearth: model,
        })),
      );
    } catch (error) {
      // The picker shows no Hearth models then; the log says why.
      this.log.warn(`VS Code's model picker: could not list the installed models: ${errorText(error)}`);
      return [];
    }
  }

  async provideLanguageModelChatResponse(
    model: HearthModel,
    messages: readonly LanguageModelChatRequestMessage[],
    options: ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const tools = options.tools ?? [];
    const think = thinkSetting(options.modelOptions);
    if (tools.length > 0 || think !== undefined) return this.respond(model, messages, options, tools, think, progress, token);
    let turn: { history: ChatTurn[]; message: string };
    try {
      turn = engineTurn(messages.map(requestMessage));
    } catch (error) {
      if (error instanceof RequestShapeError) throw new Error(error.message);
      throw error;
    }
    const conversation = this.take(model.id, turn.history);
    try {
      if (this.engine.activeModel?.storeName !== model.id) await this.engine.loadModel(model.id, token);
      if (token.isCancellationRequested) return;
      await this.engine.chatTurn(
        conversation,
        turn.message,
        (text) => {
          if (text) progress.report(new vscode.LanguageModelTextPart(text));
        },
        token,
        generationOptions(options.modelOptions),
      );
      this.keep(model.id, conversation);
    } catch (error) {
      // What the engine session holds is unknown now: the next request starts from VS Code's messages.
      void this.engine.disposeConversation(conversation);
      if (token.isCancellationRequested || isEngineError(error, "cancelled")) return;
      this.log.error(`VS Code's chat, ${model.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      throw new Error(vscode.l10n.t("Hearth could not answer with {0}: {1}", model.name, errorText(error)));
    }
  }

  /**
   * A request with tools (or a think setting): the whole conversation through the engine's
   * chatRespond. Answer text streams as it comes, the model's calls follow it, thinking is left out.
   */
  private async respond(
    model: HearthModel,
    messages: readonly LanguageModelChatRequestMessage[],
    options: ProvideLanguageModelChatResponseOptions,
    tools: readonly RequestTool[],
    think: ThinkSetting | undefined,
    progress: vscode.Progress<LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const toolChoice = toolChoiceFor(options.toolMode === vscode.LanguageModelChatToolMode.Required ? "required" : "auto", tools.length);
    const sampling = generationOptions(options.modelOptions);
    try {
      if (this.engine.activeModel?.storeName !== model.id) await this.engine.loadModel(model.id, token);
      if (token.isCancellationRequested) return;
      const result = await this.engine.chatRespond(
        {
          messages: conversationMessages(messages.map(requestMessage)),
          ...(tools.length > 0 ? { tools: toolDefinitions(tools), toolChoice } : {}),
          ...(think !== undefined ? { think } : {}),
          // A caller of vscode.lm cannot know which models think: one that cannot answers without.
          thinkLeniently: true,
          ...(sampling ? { options: sampling } : {}),
        },
        (chunk) => {
          // chunk.thinking is not shown: see the top of this file.
          if (chunk.text) progress.report(new vscode.LanguageModelTextPart(chunk.text));
        },
        token,
      );
      if (token.isCancellationRequested) return;
      for (const call of result.toolCalls) progress.report(new vscode.LanguageModelToolCallPart(call.id, call.name, call.arguments));
      if (toolChoice === "required" && result.toolCalls.length === 0) {
        throw new Error(
          vscode.l10n.t(
            "{0} was asked to call a tool, but its answer ended after {1} tokens, before the call was complete. Send the request again with a larger maxTokens model option (or a larger hearth.maxTokens).",
            model.name,
            result.usage.outputTokens,
          ),
        );
      }
    } catch (error) {
      if (token.isCancellationRequested || isEngineError(error, "cancelled")) return;
      this.log.error(`VS Code's chat, ${model.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      throw new Error(vscode.l10n.t("Hearth could not answer with {0}: {1}", model.name, errorText(error)));
    }
  }

  /** Whether the model's chat template has its own tool-call syntax; read once per model file, never loading the model. */
  private async callsTools(stored: StoredModel | undefined): Promise<boolean> {
    const manifest = stored?.manifest;
    if (!stored || !manifest) return false;
    const key = `${stored.name}\0${manifest.sha256}\0${manifest.createdAt}`;
    let known = this.toolCalling.get(key);
    if (!known) {
      known = this.engine.modelCapabilities(stored.name).then((capabilities) => capabilities.tools);
      this.toolCalling.set(key, known);
    }
    try {
      return await known;
    } catch (error) {
      // Asked again next time; the picker shows the model without tool calling meanwhile.
      this.toolCalling.delete(key);
      this.log.warn(`VS Code's model picker: could not read whether ${stored.name} calls tools: ${errorText(error)}`);
      return false;
    }
  }

  async provideTokenCount(model: HearthModel, text: string | LanguageModelChatRequestMessage, _token: vscode.CancellationToken): Promise<number> {
    const content = typeof text === "string" ? text : requestMessage(text).parts.map(partText).join("");
    // The model's own tokenizer when it is the loaded one; counting never loads a model.
    if (this.engine.activeModel?.storeName === model.id) {
      const counted = await this.engine.countTokens([content]).catch(() => null);
      if (counted) return counted.counts[0] ?? 0;
    }
    return estimateTokens(content);
  }

  /** The engine session that holds `history` for `modelId`, taken out of the cache; a new one when none does. */
  private take(modelId: string, history: ChatTurn[]): Conversation {
    const key = conversationKey(modelId, history);
    const cached = this.conversations.get(key);
    if (cached) {
      this.conversations.delete(key);
      return cached;
    }
    return { history: history.map((turn) => ({ ...turn })), engineSession: null };
  }

  private keep(modelId: string, conversation: Conversation): void {
    this.conversations.set(conversationKey(modelId, conversation.history), conversation);
    while (this.conversations.size > maxCachedConversations) {
      const [oldestKey, oldest] = this.conversations.entries().next().value as [string, Conversation];
      this.conversations.delete(oldestKey);
      void this.engine.disposeConversation(oldest);
    }
  }

  dispose(): void {
    for (const conversation of this.conversations.values()) void this.engine.disposeConversation(conversation);
    this.conversations.clear();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

function conversationKey(modelId: string, history: readonly ChatTurn[]): string {
  return createHash("sha256")
    .update(JSON.stringify([modelId, history.map((turn) => [turn.role, turn.text.trim()])]))
    .digest("hex");
}

/** A message of VS Code's as plain data (src/common/languageModels/requestMessages.ts). */
function requestMessage(message: LanguageModelChatRequestMessage): RequestMessage {
  const role = message.role === vscode.LanguageModelChatMessageRole.Assistant ? "assistant" : message.role === vscode.LanguageModelChatMessageRole.User ? "user" : "system";
  return { role, parts: message.content.map(requestPart) };
}

function requestPart(part: unknown): RequestPart {
  if (part instanceof vscode.LanguageModelTextPart) return { kind: "text", text: part.value };
  if (part instanceof vscode.LanguageModelToolCallPart) return { kind: "toolCall", callId: part.callId, name: part.name, input: part.input };
  if (part instanceof vscode.LanguageModelToolResultPart) {
    return { kind: "toolResult", callId: part.callId, text: part.content.map((item) => (item instanceof vscode.LanguageModelTextPart ? item.value : "")).join("") };
  }
  const mimeType = typeof part === "object" && part !== null && typeof (part as { mimeType?: unknown }).mimeType === "string" ? (part as { mimeType: string }).mimeType : "unknown";
  return { kind: "other", mimeType };
}

