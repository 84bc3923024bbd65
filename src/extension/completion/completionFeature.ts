// Completion's place in VS Code (issue 18): the inline completion provider for every file, its
// status-bar item (on, off, snoozed, working, or why no model completes) and its menu: turn it
// off or on, snooze it, turn it off for the current language, choose the model, pull one.
import * as vscode from "vscode";
import type { EngineService } from "../engineHost/engineService";
import type { WorkspaceIndexController } from "../index/workspaceIndex";
import { readSettings } from "../settingsAccess";
import { CompletionModel } from "./completionModel";
import { HearthInlineCompletions } from "./inlineCompletions";
import type { CompletionActivity } from "./inlineCompletions";

const snoozeMinutes = 15;

export class CompletionFeature implements vscode.Disposable {
  readonly model: CompletionModel;
  readonly provider: HearthInlineCompletions;
  private readonly item: vscode.StatusBarItem;
  private activity: CompletionActivity = { state: "idle", lastMs: null };
  private snoozeTimer: NodeJS.Timeout | null = null;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly engine: EngineService,
    index: WorkspaceIndexController | null,
    log: vscode.LogOutputChannel,
  ) {
    this.model = new CompletionModel(engine, log);
    this.provider = new HearthInlineCompletions(engine, this.model, index, log);
    this.item = vscode.window.createStatusBarItem("hearth.completion", vscode.StatusBarAlignment.Right, 98);
    this.item.name = vscode.l10n.t("Hearth Completion");
    this.item.command = "hearth.completionMenu";
    this.disposables.push(
      this.model,
      this.provider,
      this.item,
      vscode.languages.registerInlineCompletionItemProvider({ pattern: "**" }, this.provider),
      this.model.onDidChange(() => this.render()),
      this.provider.onDidChangeActivity((activity) => {
        this.activity = activity;
        this.render();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration("hearth.completion")) this.render();
      }),
    );
    this.render();
    this.item.show();
  }

  /** The status bar's words for the current state, also its accessible name. */
  private render(): void {
    const settings = readSettings();
    const editor = vscode.window.activeTextEditor;
    const language = editor?.document.languageId;
    const model = this.model.info?.name;
    const problem = this.model.problem;
    let icon: string;
    let label: string;
    if (!settings["completion.enabled"]) {
      icon = "$(circle-slash)";
      label = vscode.l10n.t("Hearth completion is off. Click to turn it on.");
    } else if (Date.now() < this.provider.snoozedUntil) {
      icon = "$(clock)";
      label = vscode.l10n.t("Hearth completion is snoozed until {0}. Click to resume it.", new Date(this.provider.snoozedUntil).toLocaleTimeString());
    } else if (language && settings["completion.disabledLanguages"].includes(language)) {
      icon = "$(circle-slash)";
      label = vscode.l10n.t("Hearth completion is off for {0} (setting hearth.completion.disabledLanguages). Click to turn it on.", language);
    } else if (problem) {
      icon = "$(warning)";
      label = problem.message;
    } else if (this.activity.state === "working") {
      icon = "$(loading~spin)";
      label = model ? vscode.l10n.t("Hearth is completing with {0}…", model) : vscode.l10n.t("Hearth is preparing a model to complete code…");
    } else {
      icon = "$(sparkle)";
      label = model
        ? this.activity.lastMs !== null
          ? vscode.l10n.t("Hearth completion is on ({0}; last suggestion in {1} ms). Click for options.", model, this.activity.lastMs)
          : vscode.l10n.t("Hearth completion is on ({0}). Click for options.", model)
        : vscode.l10n.t("Hearth completion is on: it loads a code model when you type. Click for options.");
    }
    this.item.text = icon;
    this.item.tooltip = label;
    this.item.accessibilityInformation = { label, role: "button" };
  }

  /** The status bar item's menu. */
  async menu(): Promise<void> {
    const settings = readSettings();
    const language = vscode.window.activeTextEditor?.document.languageId;
    const enabled = settings["completion.enabled"];
    const snoozed = Date.now() < this.provider.snoozedUntil;
    const languageOff = language !== undefined && settings["completion.disabledLanguages"].includes(language);
    type Action = vscode.QuickPickItem & { run: () => Promise<unknown> };
    const actions: Action[] = [];
    const problem = this.model.problem;
    if (problem?.pull) {
      const pull = problem.pull;
      actions.push({ label: vscode.l10n.t("$(cloud-download) Pull {0}", pull), detail: problem.message, run: () => this.pullAndUse(pull) });
    }
    if (snoozed) actions.push({ label: vscode.l10n.t("$(play) Resume completion now"), run: async () => this.snooze(0) });
    if (enabled) {
      if (!snoozed) actions.push({ label: vscode.l10n.t("$(clock) Snooze completion for {0} minutes", snoozeMinutes), run: async () => this.snooze(snoozeMinutes) });
      actions.push({ label: vscode.l10n.t("$(circle-slash) Turn completion off"), run: () => this.setEnabled(false) });
    } else {
      actions.push({ label: vscode.l10n.t("$(sparkle) Turn completion on"), run: () => this.setEnabled(true) });
    }
    if (language) {
      actions.push(
        languageOff
          ? { label: vscode.l10n.t("$(check) Complete {0} files again", language), run: () => this.setLanguage(language, true) }
          : { label: vscode.l10n.t("$(circle-slash) Turn completion off for {0} files", language), run: () => this.setLanguage(language, false) },
      );
    }
    actions.push({
      label: vscode.l10n.t("$(settings-gear) Choose the completion model…"),
      description: this.model.info?.name ?? "",
      run: () => this.chooseModel(),
    });
    const picked = await vscode.window.showQuickPick(actions, { title: vscode.l10n.t("Hearth Completion"), placeHolder: this.item.tooltip as string });
    await picked?.run();
  }

  async setEnabled(enabled: boolean): Promise<void> {
    await vscode.workspace.getConfiguration("hearth").update("completion.enabled", enabled, vscode.ConfigurationTarget.Global);
    if (enabled) this.snooze(0);
  }

  /** Snoozes completion for `minutes` (0: resumes it now). */
  snooze(minutes: number): void {
    if (this.snoozeTimer) clearTimeout(this.snoozeTimer);
    this.snoozeTimer = null;
    this.provider.snoozedUntil = minutes > 0 ? Date.now() + minutes * 60_000 : 0;
    if (minutes > 0) this.snoozeTimer = setTimeout(() => this.snooze(0), minutes * 60_000);
    this.render();
  }

  private async setLanguage(language: string, on: boolean): Promise<void> {
    const current = readSettings()["completion.disabledLanguages"];
    const next = on ? current.filter((id) => id !== language) : [...new Set([...current, language])];
    await vscode.workspace.getConfiguration("hearth").update("completion.disabledLanguages", next, vscode.ConfigurationTarget.Global);
  }

  private async chooseModel(): Promise<void> {
    const automatic = vscode.l10n.t("Automatic: the loaded model when it can complete, else the recommended installed code model");
    let names: string[] = [];
    try {
      names = (await this.engine.storeList()).models.filter((model) => model.status === "ok" && model.manifest?.purpose === "code").map((model) => model.name);
    } catch {
      // The list still offers "automatic".
    }
    const current = readSettings()["completion.model"].trim();
    const picked = await vscode.window.showQuickPick(
      [
        { label: automatic, value: "", picked: current === "" },
        ...names.map((name) => ({ label: name, value: name, description: name === current ? vscode.l10n.t("current") : "" })),
      ],
      { title: vscode.l10n.t("The model that completes code"), placeHolder: vscode.l10n.t("Installed code models (they need fill-in-the-middle tokens)") },
    );
    if (!picked) return;
    await vscode.workspace.getConfiguration("hearth").update("completion.model", picked.value, vscode.ConfigurationTarget.Global);
  }

  private async pullAndUse(name: string): Promise<void> {
    await vscode.commands.executeCommand("hearth.pullModel", name);
    this.model.reset();
  }

  dispose(): void {
    if (this.snoozeTimer) clearTimeout(this.snoozeTimer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
