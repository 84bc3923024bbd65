// Code completion as you type (issue 18): ghost text from the local model's fill-in-the-middle.
// The text around the cursor, plus extra context reused across requests (chunks of recently edited
// and opened files, and the definitions of the names near the cursor from the workspace index),
// goes to the engine's `infill`; the answer is trimmed by the rules in src/common/completion/.
// Keystrokes debounce, a newer keystroke cancels the request in flight, and a context seen before
// (or a suggestion the user is typing through) is answered from memory.
import * as vscode from "vscode";
import { CompletionCache } from "../../common/completion/completionCache";
import { CompletionContextRing, definitionChunks, symbolsNearCursor } from "../../common/completion/completionContext";
import type { InfillExtraChunk } from "../../common/completion/completionContext";
import { finishCompletion, infillOptionsFor } from "../../common/completion/completionRules";
import type { CompletionPosition } from "../../common/completion/completionRules";
import { errorText, isEngineError } from "../../common/engine/engineError";
import { findSecret } from "../../common/index/secretRules";
import type { EngineService } from "../engineHost/engineService";
import type { WorkspaceIndexController } from "../index/workspaceIndex";
import { readSettings } from "../settingsAccess";
import type { CompletionModel } from "./completionModel";

/** Lines of the document around the cursor the request carries (the engine trims them to its token budgets). */
const prefixLines = 120;
const suffixLines = 40;
/** A completion is cut off after this long (what was produced is kept). */
const completionTimeoutMs = 3000;

/** What the status bar shows about the last completion. */
export interface CompletionActivity {
  state: "idle" | "working";
  /** Milliseconds of the last completion the model answered (from the keystroke's request to the answer). */
  lastMs: number | null;
}

export class HearthInlineCompletions implements vscode.InlineCompletionItemProvider, vscode.Disposable {
  private readonly cache = new CompletionCache();
  private readonly ring = new CompletionContextRing();
  /** Definitions found in the index by symbol name (null: looked up, none found). */
  private readonly definitions = new Map<string, InfillExtraChunk | null>();
  private lookup: Promise<void> | null = null;
  private inFlight: AbortController | null = null;
  private readonly activityEmitter = new vscode.EventEmitter<CompletionActivity>();
  readonly onDidChangeActivity = this.activityEmitter.event;
  private lastMs: number | null = null;
  private readonly disposables: vscode.Disposable[] = [this.activityEmitter];
  /** Snoozed until this time (ms since the epoch); 0 when not snoozed. */
  snoozedUntil = 0;
  /** The last answer given to VS Code: where, and the text (null: nothing to show). For tests and the log. */
  lastShown: { uri: string; offset: number; text: string | null; fromCache: boolean } | null = null;

  constructor(
    private readonly engine: EngineService,
    private readonly model: CompletionModel,
    private readonly index: WorkspaceIndexController | null,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const noteEditor = (editor: vscode.TextEditor | undefined): void => {
      if (editor) this.noteDocument(editor.document, editor.selection.active.line);
    };
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor((editor) => noteEditor(editor)),
      vscode.workspace.onDidSaveTextDocument((document) => {
        const editor = vscode.window.visibleTextEditors.find((visible) => visible.document === document);
        this.noteDocument(document, editor?.selection.active.line ?? 0);
      }),
      vscode.workspace.onDidChangeTextDocument((event) => {
        // Text edited elsewhere (another file, a far place in this one) joins the ring.
        const change = event.contentChanges[0];
        const active = vscode.window.activeTextEditor;
        if (!change || !active || event.document !== active.document) return;
        if (Math.abs(change.range.start.line - active.selection.active.line) > 40) this.noteDocument(event.document, change.range.start.line);
      }),
      vscode.workspace.onDidDeleteFiles((event) => {
        for (const uri of event.files) this.ring.forget(vscode.workspace.asRelativePath(uri, false));
      }),
      model.onDidChange(() => this.cache.clear()),
    );
    for (const editor of vscode.window.visibleTextEditors) noteEditor(editor);
  }

  private noteDocument(document: vscode.TextDocument, line: number): void {
    if (document.uri.scheme !== "file" && document.uri.scheme !== "untitled") return;
    if (document.lineCount > 20_000) return;
    this.ring.note(vscode.workspace.asRelativePath(document.uri, false), document.getText(), line);
  }

  /** Whether completion is on for this document now (setting, language, snooze, secret file). */
  enabledFor(document: vscode.TextDocument): boolean {
    const settings = readSettings();
    if (!settings["completion.enabled"] || Date.now() < this.snoozedUntil) return false;
    if (settings["completion.disabledLanguages"].includes(document.languageId)) return false;
    if (document.uri.scheme === "output" || document.uri.scheme === "vscode-scm" || document.uri.scheme === "comment") return false;
    return !findSecret(vscode.workspace.asRelativePath(document.uri, false), null);
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    if (!this.enabledFor(document)) return undefined;
    const prefix = document.getText(new vscode.Range(new vscode.Position(Math.max(0, position.line - prefixLines), 0), position));
    const endLine = Math.min(document.lineCount - 1, position.line + suffixLines);
    const suffix = document.getText(new vscode.Range(position, document.lineAt(endLine).range.end));
    const at: CompletionPosition = { prefix, suffix };
    const relativePath = vscode.workspace.asRelativePath(document.uri, false);
    // A file holding a secret around the cursor is not sent, even to the local model.
    if (findSecret(relativePath, prefix.slice(-4000) + suffix.slice(0, 1000))) return undefined;
    const remembered = this.cache.lookup(at);
    if (remembered !== undefined) {
      this.lastShown = { uri: document.uri.toString(), offset: document.offsetAt(position), text: remembered || null, fromCache: true };
      return remembered ? [this.item(remembered, position)] : undefined;
    }
    if (context.triggerKind === vscode.InlineCompletionTriggerKind.Automatic) {
      const waited = await delay(readSettings()["completion.debounceMs"], token);
      if (!waited) return undefined;
    }
    // A newer keystroke's request cancels the one in flight (the engine stops within a token).
    this.inFlight?.abort();
    const controller = new AbortController();
    this.inFlight = controller;
    const onCancel = token.onCancellationRequested(() => controller.abort());
    const started = Date.now();
    this.activityEmitter.fire({ state: "working", lastMs: this.lastMs });
    try {
      const model = await this.model.model();
      if (!model || controller.signal.aborted) return undefined;
      const symbols = symbolsNearCursor(prefix, suffix);
      void this.lookUpDefinitions(symbols);
      const definitions = symbols.map((symbol) => this.definitions.get(symbol)).filter((chunk): chunk is InfillExtraChunk => !!chunk);
      const extra = [...this.ring.extra(relativePath, prefix + suffix), ...definitions.filter((chunk) => chunk.path !== relativePath)];
      const result = await this.engine.infill(
        { modelId: model.modelId, prefix, suffix, extra, options: { ...infillOptionsFor(at), timeoutMs: completionTimeoutMs } },
        controller.signal,
      );
      if (result.stopReason === "cancelled" || controller.signal.aborted) return undefined;
      const shown = finishCompletion(result.text, at);
      this.cache.remember(at, shown);
      this.lastMs = Date.now() - started;
      this.lastShown = { uri: document.uri.toString(), offset: document.offsetAt(position), text: shown, fromCache: false };
      return shown ? [this.item(shown, position)] : undefined;
    } catch (error) {
      if (isEngineError(error) && error.code === "cancelled") return undefined;
      // The engine restarted or dropped the model: choose (and load) again on the next keystroke.
      if (isEngineError(error) && ["modelNotLoaded", "engineCrashed", "engineUnavailable", "notSupported"].includes(error.code)) this.model.reset();
      this.log.warn(`completion: ${errorText(error)}`);
      return undefined;
    } finally {
      onCancel.dispose();
      if (this.inFlight === controller) this.inFlight = null;
      this.activityEmitter.fire({ state: "idle", lastMs: this.lastMs });
    }
  }

  private item(text: string, position: vscode.Position): vscode.InlineCompletionItem {
    return new vscode.InlineCompletionItem(text, new vscode.Range(position, position));
  }

  /** Looks the symbols up in the index in the background; the next completion uses what it found. */
  private async lookUpDefinitions(symbols: string[]): Promise<void> {
    const missing = symbols.filter((symbol) => !this.definitions.has(symbol));
    if (missing.length === 0 || this.lookup || !this.index?.indexed()) return;
    this.lookup = (async () => {
      try {
        const candidates = await this.index!.symbolPassages(missing);
        const current = vscode.window.activeTextEditor ? vscode.workspace.asRelativePath(vscode.window.activeTextEditor.document.uri, false) : "";
        for (const symbol of missing) {
          this.definitions.set(symbol, definitionChunks(candidates, [symbol], current)[0] ?? null);
        }
        while (this.definitions.size > 256) this.definitions.delete(this.definitions.keys().next().value!);
      } catch (error) {
        this.log.debug(`completion definitions: ${errorText(error)}`);
      } finally {
        this.lookup = null;
      }
    })();
    await this.lookup;
  }

  /** Forgets the index's definitions (the index changed). */
  forgetDefinitions(): void {
    this.definitions.clear();
  }

  dispose(): void {
    this.inFlight?.abort();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** Waits `ms`, false when the token is cancelled first. */
function delay(ms: number, token: vscode.CancellationToken): Promise<boolean> {
  if (token.isCancellationRequested) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      listener.dispose();
      resolve(true);
    }, ms);
    const listener = token.onCancellationRequested(() => {
      clearTimeout(timer);
      listener.dispose();
      resolve(false);
    });
  });
}
