// Chat on a remote engine (issue 8 item 3): when hearth.remote.kind names a protocol, the Chat
// view, @hearth and Run Prompt answer from the server at hearth.remote.url (an Ollama server, an
// OpenAI-compatible one, or another Hearth's local API) with hearth.remote.model, instead of the
// embedded engine. The API key lives in VS Code's SecretStorage ("Hearth: Set Remote API Key…"),
// never in settings or the log. Embeddings, review and the indexer still use the embedded engine.
import * as vscode from "vscode";
import type { ChatTurn, ChatTurnResult, GenerateResult, GenerationOptions, TokenUsage } from "../common/engineProtocol";
import { RemoteEngine } from "../engine/remoteEngine";
import type { RemoteChatResult } from "../engine/remoteEngine";
import { readSettings } from "./settingsAccess";

const apiKeySecret = "hearth.remote.apiKey";

export interface RemoteTarget {
  engine: RemoteEngine;
  model: string;
  /** Where it runs, for messages: the model and the server. */
  label: string;
}

export class RemoteChat {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  /** The configured remote engine, or null when hearth.remote.kind is "off". */
  async target(): Promise<RemoteTarget | null> {
    const settings = readSettings();
    const kind = settings["remote.kind"];
    if (kind === "off") return null;
    const url = settings["remote.url"].trim();
    const model = settings["remote.model"].trim();
    if (!url || !model) {
      throw new Error(
        vscode.l10n.t(
          "hearth.remote.kind is {0}, but hearth.remote.url or hearth.remote.model is empty. Set both (the server's address and a model it serves), or set hearth.remote.kind to off to use the embedded engine.",
          kind,
        ),
      );
    }
    const apiKey = await this.secrets.get(apiKeySecret);
    return {
      engine: new RemoteEngine({ kind, baseUrl: url, ...(apiKey ? { apiKey } : {}) }),
      model,
      label: `${model} @ ${url.replace(/^https?:\/\//, "")}`,
    };
  }

  /** One turn of a conversation the extension keeps (the whole history goes to the server). */
  async chatTurn(
    target: RemoteTarget,
    history: ChatTurn[],
    message: string,
    onText: (text: string) => void,
    signal: AbortSignal | undefined,
    systemPrompt: string,
    options: GenerationOptions,
  ): Promise<ChatTurnResult & { model: string }> {
    const started = performance.now();
    let first: number | null = null;
    const result = await target.engine.chat(
      { model: target.model, system: systemPrompt, history, message, options },
      (text) => {
        if (first === null) first = performance.now();
        onText(text);
      },
      signal,
    );
    return {
      ...toGenerateResult(result, started, first),
      turns: history.filter((turn) => turn.role === "assistant").length + 1,
      droppedTurns: 0,
      contextTokens: result.promptTokens + result.outputTokens,
      contextSize: 0,
      model: target.label,
    };
  }

  /** Asks for the API key and keeps it in SecretStorage; an empty answer removes it. */
  async setApiKey(): Promise<boolean> {
    const key = await vscode.window.showInputBox({
      title: vscode.l10n.t("Hearth: Set Remote API Key"),
      prompt: vscode.l10n.t("The API key of the server at hearth.remote.url. It is kept in VS Code's secret storage, never in settings. Leave empty to remove it."),
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) return false;
    if (key.trim() === "") await this.secrets.delete(apiKeySecret);
    else await this.secrets.store(apiKeySecret, key.trim());
    void vscode.window.showInformationMessage(
      key.trim() === "" ? vscode.l10n.t("The remote API key was removed.") : vscode.l10n.t("The remote API key is saved in VS Code's secret storage."),
    );
    return true;
  }
}

function toGenerateResult(result: RemoteChatResult, started: number, first: number | null): GenerateResult {
  const ended = performance.now();
  const generationMs = first === null ? ended - started : ended - first;
  const usage: TokenUsage = {
    promptTokens: result.promptTokens,
    evaluatedPromptTokens: result.promptTokens,
    reusedPromptTokens: 0,
    outputTokens: result.outputTokens,
    firstTokenMs: first === null ? null : first - started,
    durationMs: ended - started,
    tokensPerSecond: generationMs > 0 ? (result.outputTokens / generationMs) * 1000 : 0,
  };
  return { text: result.text, mode: "chat", stopReason: result.stopReason, usage };
}
