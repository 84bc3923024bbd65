// The pulls running in this window: their latest progress for the Models view's Downloads group,
// and a cancellation source each, so the view's Cancel action and the progress notification's
// Cancel button stop the same download.
import * as vscode from "vscode";
import type { ActivePull } from "../../common/models/modelsOverview";
import type { PullProgress } from "../../common/models/modelManifest";

export interface TrackedPull extends ActivePull {
  readonly cancellation: vscode.CancellationTokenSource;
}

export class PullTracker implements vscode.Disposable {
  private readonly pulls = new Map<string, TrackedPull>();
  private nextId = 1;
  private readonly onDidChangeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.onDidChangeEmitter.event;

  get active(): readonly TrackedPull[] {
    return [...this.pulls.values()];
  }

  /** The pull of `reference` already running here, if any. */
  find(reference: string): TrackedPull | undefined {
    return this.active.find((pull) => pull.reference === reference);
  }

  get(id: string): TrackedPull | undefined {
    return this.pulls.get(id);
  }

  start(reference: string): TrackedPull {
    const pull: TrackedPull = {
      id: `pull-${this.nextId++}`,
      reference,
      name: reference,
      progress: null,
      cancellation: new vscode.CancellationTokenSource(),
    };
    this.pulls.set(pull.id, pull);
    this.onDidChangeEmitter.fire();
    return pull;
  }

  update(pull: TrackedPull, progress: PullProgress): void {
    pull.progress = progress;
    pull.name = progress.name;
    this.onDidChangeEmitter.fire();
  }

  /** Cancels a pull started here; false when there is no such pull. */
  cancel(id: string): boolean {
    const pull = this.pulls.get(id);
    if (!pull) return false;
    pull.cancellation.cancel();
    return true;
  }

  finish(pull: TrackedPull): void {
    if (!this.pulls.delete(pull.id)) return;
    pull.cancellation.dispose();
    this.onDidChangeEmitter.fire();
  }

  dispose(): void {
    for (const pull of this.pulls.values()) {
      pull.cancellation.cancel();
      pull.cancellation.dispose();
    }
    this.pulls.clear();
    this.onDidChangeEmitter.dispose();
  }
}
