// LangChain's chat model over a Hearth model (an installed model's name or a .gguf path): the
// conversation goes to the engine as a chat session (system message, earlier turns, the last
// human message), answered through the model's own chat template and the engine's scheduler.
import type { CallbackManagerForLLMRun } from "@langchain/core/callbacks/manager";
import { SimpleChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseChatModelParams } from "@langchain/core/language_models/chat_models";
import type { BaseMessage } from "@langchain/core/messages";
import type { ChatTurn, GenerationOptions } from "../../common/chat/chatTypes";
import { EngineError } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import type { LlamaEngine } from "../llama/llamaEngine";

export interface HearthChatModelParams extends BaseChatModelParams {
  engine: Pick<LlamaEngine, "loadModel" | "chats" | "listModels">;
  /** An installed model's name or a `.gguf` path. */
  model: string;
  options?: GenerationOptions;
}

function textOf(message: BaseMessage): string {
  return typeof message.content === "string"
    ? message.content
    : message.content.map((part) => (part.type === "text" && "text" in part ? String(part.text) : "")).join("");
}

export class HearthChatModel extends SimpleChatModel {
  private readonly engine: HearthChatModelParams["engine"];
  readonly model: string;
  private readonly options: GenerationOptions | undefined;
  private modelId: string | null = null;

  constructor(params: HearthChatModelParams) {
    super(params);
    this.engine = params.engine;
    this.model = params.model;
    this.options = params.options;
  }

  _llmType(): string {
    return "hearth";
  }

  private async loaded(signal: AbortSignal | undefined): Promise<string> {
    if (this.modelId && this.engine.listModels().some((model) => model.modelId === this.modelId)) return this.modelId;
    this.modelId = (await this.engine.loadModel({ model: this.model }, signal)).modelId;
    return this.modelId;
  }

  async _call(messages: BaseMessage[], options: this["ParsedCallOptions"], _runManager?: CallbackManagerForLLMRun): Promise<string> {
    const system = messages.filter((message) => message.getType() === "system").map(textOf).join("\n\n");
    const turns = messages.filter((message) => message.getType() !== "system");
    const last = turns.at(-1);
    if (!last || last.getType() !== "human") {
      throw new EngineError("badRequest", localize("The last message must be the user's (the one to answer)."));
    }
    const history: ChatTurn[] = turns.slice(0, -1).map((message) => ({ role: message.getType() === "ai" ? "assistant" : "user", text: textOf(message) }));
    const modelId = await this.loaded(options.signal);
    const { sessionId } = await this.engine.chats.create({ modelId, history, ...(system ? { systemPrompt: system } : {}) });
    try {
      const result = await this.engine.chats.send(
        { sessionId, message: textOf(last), ...(this.options ? { options: this.options } : {}), priority: "interactive" },
        () => undefined,
        options.signal,
      );
      return result.text;
    } finally {
      this.engine.chats.dispose(sessionId);
    }
  }
}
