// "Hearth: Start Local API" / "Hearth: Stop Local API": the HTTP API (Ollama's and OpenAI's)
// runs inside the engine process; this keeps it running as the user asked — started again when
// the engine restarts or crashes, restarted when its settings change, started with VS Code when
// hearth.api.startWithVSCode says so — and shows its address in the status bar. Its key lives in
// SecretStorage ("Hearth: Set Local API Key…"); listening beyond loopback without one is warned
// about in a notification, the log and the status bar item's tooltip.
import * as vscode from "vscode";
import type { ApiStatusResult } from "../../common/engine/engineProtocol";
import type { EngineState } from "../../node/engineClient";
import type { EngineService } from "../engineHost/engineService";
import { readSettings } from "../settingsAccess";

/** Restarts after crashes within this window are counted; past the limit the API stays off. */
const crashWindowMs = 60_000;
const crashLimit = 3;

/** Where the local API's key is kept (never in settings or the log). */
const apiKeySecret = "hearth.localApi.key";

/** The settings that change how the running API answers: a change restarts it. */
const apiSettings = ["hearth.api.host", "hearth.api.allowedOrigins", "hearth.api.allowUrlPulls", "hearth.api.modelFolders"];

export class LocalApiController implements vscode.Disposable {
  private wanted = false;
  private url: string | null = null;
  /** Listening beyond loopback without a key (warned about). */
  private unprotected = false;
  /** Other computers can reach it (with a key). */
  private exposed = false;
  /** The engine process the API runs in (a new process needs it started again). */
  private pid: number | null = null;
  private starting: Promise<string> | null = null;
  private crashes: number[] = [];
  private readonly item: vscode.StatusBarItem;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly engine: EngineService,
    private readonly log: vscode.LogOutputChannel,
    private readonly secrets: vscode.SecretStorage,
  ) {
    this.item = vscode.window.createStatusBarItem("hearth.api", vscode.StatusBarAlignment.Right, 99);
    this.item.name = vscode.l10n.t("Hearth Local API");
    this.item.command = "hearth.localApiMenu";
    this.subscriptions.push(
      this.item,
      engine.onDidChangeEngineState((state) => this.onEngineState(state)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (this.wanted && apiSettings.some((key) => event.affectsConfiguration(key))) {
          void this.start(false).catch((error: unknown) => this.reportBackgroundFailure(error));
        }
      }),
    );
  }

  /** The API's address while it runs. */
  get address(): string | null {
    return this.url;
  }

  /** Starts the API (or applies changed settings to it); resolves to its URL. */
  async start(announce = true): Promise<string> {
    this.wanted = true;
    const settings = readSettings();
    const run = (async (): Promise<string> => {
      const apiKey = (await this.secrets.get(apiKeySecret)) ?? "";
      const result = await this.engine.engineRequest("apiStart", {
        host: settings["api.host"],
        origins: settings["api.allowedOrigins"],
        ...(apiKey !== "" ? { apiKey } : {}),
        allowUrlPulls: settings["api.allowUrlPulls"],
        modelFolders: settings["api.modelFolders"],
      });
      this.url = result.url;
      this.noteProtection(result);
      this.pid = this.engine.enginePid ?? null;
      this.render();
      return result.url ?? "";
    })();
    this.starting = run;
    try {
      const url = await run;
      this.log.info(`local API listening on ${url}`);
      if (this.unprotected) {
        this.log.warn(`local API listens on ${url}, which other computers can reach, without a key`);
        void this.warnUnprotected(url);
      } else if (announce) void this.announce(url);
      return url;
    } catch (error) {
      this.wanted = false;
      this.url = null;
      this.render();
      throw error;
    } finally {
      if (this.starting === run) this.starting = null;
    }
  }

  async stop(): Promise<boolean> {
    const was = this.wanted;
    this.wanted = false;
    this.url = null;
    this.render();
    if (!this.engine.engineRunning) return was;
    const { stopped } = await this.engine.engineRequest("apiStop", {});
    if (stopped) void vscode.window.showInformationMessage(vscode.l10n.t("Hearth's local API has stopped."));
    return stopped || was;
  }

  /** The status bar item's menu: the address, copy it, stop. */
  async menu(): Promise<void> {
    if (!this.url) {
      await this.start();
      return;
    }
    const copy = vscode.l10n.t("Copy the Address");
    const stop = vscode.l10n.t("Stop Local API");
    const picked = await vscode.window.showQuickPick([copy, stop], {
      title: vscode.l10n.t("Hearth's local API is listening on {0}", this.url),
    });
    if (picked === copy) await vscode.env.clipboard.writeText(this.url);
    else if (picked === stop) await this.stop();
  }

  /** Asks for the local API's key and keeps it in SecretStorage (empty removes it); a running API restarts with it. */
  async setApiKey(): Promise<boolean> {
    const key = await vscode.window.showInputBox({
      title: vscode.l10n.t("Hearth: Set Local API Key"),
      prompt: vscode.l10n.t(
        "A key every request to Hearth's local API must carry as Authorization: Bearer <key> (OpenAI clients: apiKey; Ollama clients: a headers option). It is kept in VS Code's secret storage, never in settings. Leave empty to remove it.",
      ),
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) return false;
    if (key.trim() === "") await this.secrets.delete(apiKeySecret);
    else await this.secrets.store(apiKeySecret, key.trim());
    if (this.wanted) await this.start(false);
    void vscode.window.showInformationMessage(
      key.trim() === ""
        ? vscode.l10n.t("The local API key was removed: requests to Hearth's local API no longer need one.")
        : vscode.l10n.t("The local API key is saved in VS Code's secret storage: every request to Hearth's local API must now carry it."),
    );
    return true;
  }

  private noteProtection(result: ApiStatusResult): void {
    this.unprotected = result.running && result.exposed && !result.requiresKey;
    this.exposed = result.running && result.exposed;
  }

  private async warnUnprotected(url: string): Promise<void> {
    const setKey = vscode.l10n.t("Set Local API Key…");
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t(
        "Hearth's local API listens on {0}, which other computers can reach, and asks for no key: anyone on your network can use your models. Set a key, or set hearth.api.host to 127.0.0.1:11435.",
        url,
      ),
      setKey,
    );
    if (choice === setKey) await this.setApiKey();
  }

  private async announce(url: string): Promise<void> {
    const copy = vscode.l10n.t("Copy the Address");
    const choice = await vscode.window.showInformationMessage(
      this.exposed
        ? vscode.l10n.t(
            "Hearth's local API is listening on {0}. Point Ollama clients at {0} and OpenAI clients at {0}/v1; other computers can reach it, and every request must carry the local API key.",
            url,
          )
        : vscode.l10n.t(
            "Hearth's local API is listening on {0}. Point Ollama clients at {0} and OpenAI clients at {0}/v1; only this computer can call it.",
            url,
          ),
      copy,
    );
    if (choice === copy) await vscode.env.clipboard.writeText(url);
  }

  private onEngineState(state: EngineState): void {
    if (!this.wanted) return;
    if (state.kind === "ready" && state.pid !== this.pid && !this.starting) {
      // A new engine process (a restart, or the first request after a crash): the API goes with it.
      void this.start(false).catch((error: unknown) => this.reportBackgroundFailure(error));
    } else if (state.kind === "crashed" || state.kind === "stopped") {
      this.url = null;
      this.pid = null;
      this.render();
      if (state.kind !== "crashed") return;
      const now = Date.now();
      this.crashes = [...this.crashes.filter((at) => now - at < crashWindowMs), now];
      if (this.crashes.length > crashLimit) {
        this.wanted = false;
        void vscode.window.showErrorMessage(
          vscode.l10n.t("The Hearth engine keeps stopping, so the local API is off. See the Hearth log, then start the API again with \"Hearth: Start Local API\"."),
        );
        return;
      }
      setTimeout(() => {
        if (this.wanted && !this.url) void this.start(false).catch((error: unknown) => this.reportBackgroundFailure(error));
      }, 1000);
    }
  }

  private reportBackgroundFailure(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.log.error(`local API: ${message}`);
    void vscode.window.showErrorMessage(vscode.l10n.t("Hearth's local API could not start again: {0}", message));
  }

  private render(): void {
    if (!this.url) {
      this.item.hide();
      return;
    }
    this.item.text = `$(radio-tower) ${this.url.replace(/^http:\/\//, "")}`;
    this.item.tooltip = this.unprotected
      ? vscode.l10n.t(
          "Warning: Hearth's local API is listening on {0}, which other computers can reach, without a key. Set one with \"Hearth: Set Local API Key…\". Click to copy the address or stop it.",
          this.url,
        )
      : vscode.l10n.t("Hearth's local API is listening on {0}. Click to copy the address or stop it.", this.url);
    this.item.backgroundColor = this.unprotected ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
    this.item.show();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
