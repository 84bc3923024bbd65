// Which model completes code (issue 18): hearth.completion.model when set; else the loaded model
// when it has fill-in-the-middle tokens; else the installed code model recommended for this
// machine, then any other installed code model. A model without infill tokens is never used, and
// the reason (with the catalogue model to pull) is kept for the status bar.
import * as vscode from "vscode";
import type { LoadedModelInfo } from "../../common/engine/engineProtocol";
import { errorText } from "../../common/engine/engineError";
import { findCatalogueEntry } from "../../common/models/modelCatalogue";
import type { EngineService } from "../engineHost/engineService";
import { recommendedCodeModel } from "../models/recommendedModel";
import { readSettings } from "../settingsAccess";

/** Why no model completes code now, and the catalogue model that would. */
export interface CompletionModelProblem {
  message: string;
  /** The catalogue model to pull, when pulling one would help. */
  pull: string | null;
}

export class CompletionModel implements vscode.Disposable {
  private current: LoadedModelInfo | null = null;
  private pending: Promise<LoadedModelInfo | null> | null = null;
  private lastProblem: CompletionModelProblem | null = null;
  /** Models found to have no infill tokens, by name or path, so they are not loaded again to find out. */
  private readonly withoutInfill = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the model or the problem changes. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly engine: EngineService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      engine.onDidChangeModel(() => this.reset()),
      engine.onDidChangeStore(() => {
        this.withoutInfill.clear();
        this.reset();
      }),
      engine.onDidChangeEngineState((state) => {
        if (state.kind !== "ready") this.reset();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration("hearth.completion.model")) this.reset();
      }),
    );
  }

  /** The model completing now (null until the first completion loads it). */
  get info(): LoadedModelInfo | null {
    return this.current;
  }

  get problem(): CompletionModelProblem | null {
    return this.lastProblem;
  }

  /** Forgets the model chosen, so the next completion chooses again. */
  reset(): void {
    this.current = null;
    this.pending = null;
    this.lastProblem = null;
    this.changed.fire();
  }

  /** The model to complete with, loading it on first use; null (see `problem`) when none can. */
  async model(): Promise<LoadedModelInfo | null> {
    const current = this.current;
    if (current && this.engine.engineRunning) return current;
    if (this.lastProblem) return null;
    this.pending ??= this.choose().then(
      (info) => {
        this.current = info;
        this.pending = null;
        this.changed.fire();
        return info;
      },
      (error: unknown) => {
        this.pending = null;
        this.lastProblem = {
          message: vscode.l10n.t("Hearth could not load a model to complete code: {0} Choose another in Hearth: Code Completion Options.", errorText(error)),
          pull: null,
        };
        this.log.warn(`completion: ${errorText(error)}`);
        this.changed.fire();
        return null;
      },
    );
    return this.pending;
  }

  private async choose(): Promise<LoadedModelInfo | null> {
    const recommended = recommendedCodeModel().entry.name;
    const configured = readSettings()["completion.model"].trim();
    if (configured) {
      const info = await this.engine.loadSideModel(configured);
      if (info.supportsInfill) return info;
      this.lastProblem = {
        message: vscode.l10n.t(
          "{0} (the setting hearth.completion.model) has no fill-in-the-middle tokens, so it cannot complete code. Pull {1}, or choose a code model such as Qwen2.5-Coder, StarCoder2 or CodeLlama.",
          info.name,
          recommended,
        ),
        pull: recommended,
      };
      return null;
    }
    const active = this.engine.activeModel;
    if (active?.supportsInfill) return active;
    const { models } = await this.engine.storeList();
    const code = models
      .filter((model) => model.status === "ok" && model.manifest?.purpose === "code" && !this.withoutInfill.has(model.name))
      .map((model) => model.name)
      .sort((a, b) => Number(b === recommended) - Number(a === recommended) || Number(!!findCatalogueEntry(b)) - Number(!!findCatalogueEntry(a)));
    for (const name of code) {
      const info = await this.engine.loadSideModel(name);
      if (info.supportsInfill) return info;
      this.withoutInfill.add(name);
      if (info.modelId !== this.engine.activeModel?.modelId) await this.engine.unloadModelById(info.modelId).catch(() => false);
    }
    this.lastProblem = {
      message: active
        ? vscode.l10n.t(
            "{0} has no fill-in-the-middle tokens, so it cannot complete code, and no installed code model has them. Pull {1} to complete code as you type.",
            active.name,
            recommended,
          )
        : vscode.l10n.t("No installed model can complete code. Pull {0} (it has fill-in-the-middle tokens) to complete code as you type.", recommended),
      pull: recommended,
    };
    return null;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
