// The remote engine's settings in VS Code (issue 8 item 3): when hearth.remote.kind names a
// protocol, the Chat view, @hearth, Run Prompt and reviews answer from the server at
// hearth.remote.url (an Ollama server, an OpenAI-compatible one, or another Hearth's local API) with
// hearth.remote.model, instead of the embedded engine. The engine process talks to the server
// (src/engine/remote/): the engine service sends it these settings with `configure`, including
// hearth.remote.embeddingModel for the index (empty: the index keeps the local
// hearth.index.embeddingModel, or keyword search without one). This file keeps what only VS Code has:
// the API key in SecretStorage ("Hearth: Set Remote API Key…", never in settings or the log), the
// label in the status bar, and the model picker while a remote is set.
import * as vscode from "vscode";
import { openSetting } from "../openSetting";
import { remoteLabel } from "../../common/chat/remoteLabel";
import type { RemoteEngineConfig } from "../../common/engine/engineProtocol";
import { readSettings } from "../settingsAccess";
import type { StatusBarController } from "../statusBar";

const apiKeySecret = "hearth.remote.apiKey";

export interface RemoteTarget {
  model: string;
  /** Where it runs, for messages: the model and the server. */
  label: string;
}

export class RemoteChat {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  /**
   * The configured remote engine, or null when hearth.remote.kind is "off"; throws, saying what
   * to set, when the kind is set without an address or model.
   */
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
    return { model, label: remoteLabel(model, url) };
  }

  /**
   * Who answers when a remote is set, as "model @ host:port" (settings only, no key needed); null
   * when hearth.remote.kind is off or the address or model is empty (the embedded engine answers).
   */
  label(): string | null {
    const settings = readSettings();
    const url = settings["remote.url"].trim();
    const model = settings["remote.model"].trim();
    if (settings["remote.kind"] === "off" || !url || !model) return null;
    return remoteLabel(model, url);
  }

  /** Keeps the status bar on the remote model while one is set. */
  showIn(statusBar: StatusBarController): vscode.Disposable {
    statusBar.setRemote(this.label());
    return vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("hearth.remote")) statusBar.setRemote(this.label());
    });
  }

  /**
   * The model picker while a remote is set: it says which remote model answers, instead of listing
   * local models as if they would, and offers to go back to local models or change the settings.
   * Returns true when the user chose local models (the caller then shows its usual picker).
   */
  async pickWhileRemote(label: string): Promise<boolean> {
    const useLocal = vscode.l10n.t("Use Local Models Instead");
    const settings = vscode.l10n.t("Change the Remote Settings…");
    const choice = await vscode.window.showQuickPick(
      [
        {
          label: `$(remote) ${label}`,
          description: vscode.l10n.t("answers chats and reviews"),
          detail: vscode.l10n.t("A remote engine is set (hearth.remote.*): chats, @hearth, Run Prompt and reviews go to this server, not to a model on this machine."),
          action: "keep" as const,
        },
        { label: `$(vm) ${useLocal}`, detail: vscode.l10n.t("Sets hearth.remote.kind to off, then lists the models on this machine."), action: "local" as const },
        { label: `$(settings-gear) ${settings}`, action: "settings" as const },
      ],
      { title: vscode.l10n.t("Hearth: the model answering"), placeHolder: vscode.l10n.t("{0} answers (remote engine)", label) },
    );
    if (choice?.action === "local") {
      await vscode.workspace.getConfiguration("hearth").update("remote.kind", "off", vscode.ConfigurationTarget.Global);
      return true;
    }
    if (choice?.action === "settings") await openSetting("remote");
    return false;
  }

  /** The settings as the engine process takes them; null when hearth.remote.kind is off or the address is empty. */
  async engineConfig(): Promise<RemoteEngineConfig | null> {
    const settings = readSettings();
    const kind = settings["remote.kind"];
    const url = settings["remote.url"].trim();
    if (kind === "off" || !url) return null;
    const apiKey = await this.secrets.get(apiKeySecret);
    return {
      kind,
      url,
      model: settings["remote.model"].trim(),
      embeddingModel: settings["remote.embeddingModel"].trim(),
      ...(apiKey ? { apiKey } : {}),
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
