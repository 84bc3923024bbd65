// "Hearth: Run Prompt": a prompt from an input box, the answer streamed into an untitled
// Markdown editor, cancellable from the progress notification.
import * as vscode from "vscode";
import { isEngineError } from "../../common/engine/engineError";
import { DocumentStream } from "./documentStream";
import type { EngineService } from "../engineHost/engineService";
import { showEngineError } from "../errorMessages";
import { offerFirstModel } from "../models/gettingStarted";
import type { PullTracker } from "../models/pullTracker";

export interface RunPromptOutcome {
  document: vscode.TextDocument;
  text: string;
  stopReason: string;
}

export async function runPromptCommand(
  engine: EngineService,
  pulls: PullTracker,
  promptArgument?: unknown,
): Promise<RunPromptOutcome | undefined> {
  const model = engine.activeModel;
  // A remote engine (hearth.remote.kind) answers without a local model.
  const remote = (await engine.remote?.target().catch(() => null)) ?? null;
  if (!model && !remote && !engine.preferredModelPath()) {
    // Nothing chosen yet: an installed model will do; with none, offer the recommended download.
    const installed = await engine.installedChatModel().catch(() => null);
    if (!installed && !(await offerFirstModel(engine, pulls))) return undefined;
  }
  const modelName = remote?.label ?? model?.name ?? vscode.l10n.t("the model");
  const prompt =
    typeof promptArgument === "string" && promptArgument.trim()
      ? promptArgument
      : await vscode.window.showInputBox({
          title: vscode.l10n.t("Hearth: Run Prompt"),
          prompt: vscode.l10n.t("What should {0} answer? The reply streams into a new editor.", modelName),
          placeHolder: vscode.l10n.t("Explain what a GGUF file is, in two sentences."),
          ignoreFocusOut: true,
        });
  if (!prompt || !prompt.trim()) return undefined;

  const quoted = prompt
    .split(/\r?\n/)
    .map((line) => `> ${line}`)
    .join("\n");
  const document = await vscode.workspace.openTextDocument({ language: "markdown", content: `${quoted}\n\n` });
  await vscode.window.showTextDocument(document, { preview: false });
  const stream = new DocumentStream(document);

  return vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t("Hearth is answering…"),
      cancellable: true,
    },
    async (progress, token) => {
      try {
        const result = await engine.generate(prompt, (text) => stream.append(text), token);
        const state =
          result.stopReason === "cancelled"
            ? vscode.l10n.t("stopped")
            : result.stopReason === "maxTokens"
              ? vscode.l10n.t("reached the token limit (setting hearth.maxTokens)")
              : vscode.l10n.t("done");
        stream.append(
          `\n\n---\n*${remote?.label ?? engine.activeModel?.name ?? modelName} · ${vscode.l10n.t(
            "{0} tokens · {1} tok/s · {2}",
            result.usage.outputTokens,
            result.usage.tokensPerSecond.toFixed(1),
            state,
          )}*\n`,
        );
        progress.report({ increment: 100 });
        await stream.finish();
        await offerTextIfClosed(stream);
        return { document, text: stream.text, stopReason: result.stopReason };
      } catch (error) {
        await stream.finish();
        await offerTextIfClosed(stream);
        if (isEngineError(error, "cancelled")) return { document, text: stream.text, stopReason: "cancelled" };
        void showEngineError(error);
        return undefined;
      }
    },
  );
}

/** The user closed the editor while the answer streamed: keep what was written. */
async function offerTextIfClosed(stream: DocumentStream): Promise<void> {
  if (!stream.documentClosed || !stream.text) return;
  const open = vscode.l10n.t("Open Answer");
  const choice = await vscode.window.showInformationMessage(
    vscode.l10n.t("The editor closed before Hearth finished answering. The answer was kept."),
    open,
  );
  if (choice === open) {
    const document = await vscode.workspace.openTextDocument({ language: "markdown", content: stream.text });
    await vscode.window.showTextDocument(document);
  }
}
