// The language model chat provider API of VS Code 1.104 and later (vscode.lm.registerLanguageModelChatProvider),
// declared here as far as Hearth uses it: Hearth targets VS Code 1.100, whose typings lack it, so
// the function is looked up at run time and the provider is registered only where it exists.
import * as vscode from "vscode";

/** What VS Code's model picker and vscode.lm.selectChatModels show of one model. */
export interface LanguageModelChatInformation {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  readonly version: string;
  readonly tooltip?: string;
  readonly detail?: string;
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  readonly capabilities: {
    readonly imageInput?: boolean;
    readonly toolCalling?: boolean | number;
  };
}

/** A message of a request, as VS Code hands it to the provider. */
export interface LanguageModelChatRequestMessage {
  readonly role: vscode.LanguageModelChatMessageRole;
  readonly content: ReadonlyArray<unknown>;
  readonly name: string | undefined;
}

export interface ProvideLanguageModelChatResponseOptions {
  readonly modelOptions?: { readonly [name: string]: unknown };
  readonly tools?: readonly vscode.LanguageModelChatTool[];
  readonly toolMode: vscode.LanguageModelChatToolMode;
}

export type LanguageModelResponsePart = vscode.LanguageModelTextPart | vscode.LanguageModelToolResultPart | vscode.LanguageModelToolCallPart;

export interface LanguageModelChatProvider<T extends LanguageModelChatInformation = LanguageModelChatInformation> {
  readonly onDidChangeLanguageModelChatInformation?: vscode.Event<void>;
  provideLanguageModelChatInformation(options: { readonly silent: boolean }, token: vscode.CancellationToken): vscode.ProviderResult<T[]>;
  provideLanguageModelChatResponse(
    model: T,
    messages: readonly LanguageModelChatRequestMessage[],
    options: ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Thenable<void>;
  provideTokenCount(model: T, text: string | LanguageModelChatRequestMessage, token: vscode.CancellationToken): Thenable<number>;
}

type RegisterProvider = (vendor: string, provider: LanguageModelChatProvider) => vscode.Disposable;

/** vscode.lm.registerLanguageModelChatProvider where the running VS Code has it (1.104 and later); else undefined. */
export function chatProviderRegistration(): RegisterProvider | undefined {
  const lm = (vscode as { lm?: unknown }).lm;
  if (typeof lm !== "object" || lm === null) return undefined;
  const register = (lm as { registerLanguageModelChatProvider?: unknown }).registerLanguageModelChatProvider;
  return typeof register === "function" ? (register.bind(lm) as RegisterProvider) : undefined;
}
