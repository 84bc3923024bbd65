import * as vscode from "vscode";

export type StatusState =
  | { kind: "noModel" }
  | { kind: "starting" }
  | { kind: "loading"; model: string }
  | { kind: "ready"; model: string; detail: string }
  | { kind: "generating"; model: string; tokensPerSecond: number | null }
  | { kind: "crashed"; reason: string; model: string | null };

/**
 * The status-bar item: the active model and what the engine is doing; a click opens the model
 * picker (which leads on to the engine's status menu).
 */
export class StatusBarController implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private current: StatusState = { kind: "noModel" };
  /** The remote model answering ("model @ host:port"), when hearth.remote.* set one. */
  private remote: string | null = null;

  constructor() {
    this.item = vscode.window.createStatusBarItem("hearth.status", vscode.StatusBarAlignment.Right, 100);
    this.item.name = vscode.l10n.t("Hearth");
    this.render();
    this.item.show();
  }

  get state(): StatusState {
    return this.current;
  }

  get text(): string {
    return this.item.text;
  }

  get tooltip(): string {
    return typeof this.item.tooltip === "string" ? this.item.tooltip : (this.item.tooltip?.value ?? "");
  }

  set(state: StatusState): void {
    this.current = state;
    this.render();
  }

  /** Shows the remote model instead of the local one while a remote engine answers (null: local again). */
  setRemote(label: string | null): void {
    this.remote = label;
    this.render();
  }

  get remoteLabel(): string | null {
    return this.remote;
  }

  private render(): void {
    const state = this.current;
    this.item.backgroundColor = undefined;
    // After a crash the log and a restart matter most; otherwise the model picker.
    this.item.command = state.kind === "crashed" ? "hearth.showMenu" : "hearth.selectModel";
    if (this.remote !== null && state.kind !== "crashed") {
      // Chats and reviews go to the remote; the embedded engine only indexes, so say who answers.
      this.item.text = `$(remote) ${this.remote}`;
      this.item.tooltip = vscode.l10n.t(
        "Hearth: chats and reviews are answered by {0} (a remote engine, settings hearth.remote.*). Click to see it or go back to local models.",
        this.remote,
      );
      this.item.accessibilityInformation = { label: this.item.tooltip };
      return;
    }
    switch (state.kind) {
      case "noModel":
        this.item.text = "$(flame) Hearth";
        this.item.tooltip = vscode.l10n.t("Hearth: no model loaded. Click to load a model.");
        break;
      case "starting":
        this.item.text = "$(loading~spin) Hearth";
        this.item.tooltip = vscode.l10n.t("Hearth: starting the engine…");
        break;
      case "loading":
        this.item.text = `$(loading~spin) ${state.model}`;
        this.item.tooltip = vscode.l10n.t("Hearth: loading {0}…", state.model);
        break;
      case "ready":
        this.item.text = `$(flame) ${state.model}`;
        this.item.tooltip = vscode.l10n.t("Hearth: {0} is ready ({1}). Click to switch models or for more actions.", state.model, state.detail);
        break;
      case "generating":
        this.item.text =
          state.tokensPerSecond === null
            ? `$(loading~spin) ${state.model}`
            : `$(loading~spin) ${state.model} · ${state.tokensPerSecond.toFixed(0)} tok/s`;
        this.item.tooltip = vscode.l10n.t("Hearth: {0} is generating.", state.model);
        break;
      case "crashed":
        this.item.text = "$(warning) Hearth";
        this.item.tooltip = vscode.l10n.t(
          "Hearth: the engine stopped unexpectedly ({0}). It restarts on your next request; click for the log and actions.",
          state.reason,
        );
        this.item.backgroundColor = new vscode.ThemeColor("statusBarItem.warningBackground");
        break;
    }
    this.item.accessibilityInformation = {
      label: typeof this.item.tooltip === "string" ? this.item.tooltip : this.item.text,
    };
  }

  dispose(): void {
    this.item.dispose();
  }
}
