// Review findings in the editor: a comment thread on each finding's lines (severity, category,
// message, its suggestion, with Apply Fix and Dismiss), the same findings as diagnostics (source
// "Hearth") with quick fixes, and Clear. Threads move with edits above them and go away when
// their own lines change. Apply Fix shows the change as a diff and makes it only when accepted.
import * as path from "node:path";
import * as vscode from "vscode";
import { anchorFinding } from "../../common/review/findingAnchor";
import type { ReviewedLines } from "../../common/review/findingAnchor";
import { findingMessageMarkdown } from "../../common/review/findingText";
import type { FindingSeverity, ReviewFinding } from "../../common/review/reviewFindings";
import { fenceFor } from "../../common/review/reviewPrompt";

export const reviewControllerId = "hearth-review";
const fixScheme = "hearth-review-fix";

interface Entry {
  id: string;
  finding: ReviewFinding;
  uri: vscode.Uri;
  /** 0-based lines, kept up to date as the document changes above them. */
  startLine: number;
  endLine: number;
  thread: vscode.CommentThread;
}

interface PendingFix {
  entryId: string;
  version: number;
  proposed: string;
}

class FindingComment implements vscode.Comment {
  readonly mode = vscode.CommentMode.Preview;
  readonly author: vscode.CommentAuthorInformation = { name: "Hearth" };
  constructor(
    readonly body: vscode.MarkdownString,
    readonly contextValue: string,
  ) {}
}

function severityLabel(severity: FindingSeverity): string {
  switch (severity) {
    case "error":
      return vscode.l10n.t("Error");
    case "warning":
      return vscode.l10n.t("Warning");
    case "info":
      return vscode.l10n.t("Info");
  }
}

function diagnosticSeverity(severity: FindingSeverity): vscode.DiagnosticSeverity {
  if (severity === "error") return vscode.DiagnosticSeverity.Error;
  if (severity === "warning") return vscode.DiagnosticSeverity.Warning;
  return vscode.DiagnosticSeverity.Information;
}

/** What showing a batch of findings did. */
export interface AddOutcome {
  shown: number;
  /** Findings whose code had moved, and the line (1-based) each was shown at instead. */
  moved: Array<{ finding: ReviewFinding; line: number }>;
  /** Findings left out because the code they were about is no longer in the file. */
  stale: ReviewFinding[];
}

/** The thread (or its id) a command from a thread's title bar or a quick fix refers to. */
export type FindingTarget = vscode.CommentThread | vscode.Comment | string | undefined;

export class ReviewComments implements vscode.Disposable, vscode.CodeActionProvider, vscode.TextDocumentContentProvider {
  private readonly controller: vscode.CommentController;
  private readonly diagnostics: vscode.DiagnosticCollection;
  private readonly entries = new Map<string, Entry>();
  private readonly pendingFixes = new Map<string, PendingFix>();
  private readonly disposables: vscode.Disposable[] = [];
  private nextId = 1;

  constructor() {
    this.controller = vscode.comments.createCommentController(reviewControllerId, vscode.l10n.t("Hearth Review"));
    this.diagnostics = vscode.languages.createDiagnosticCollection("hearth-review");
    this.disposables.push(
      this.controller,
      this.diagnostics,
      vscode.languages.registerCodeActionsProvider({ scheme: "file" }, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
      vscode.workspace.registerTextDocumentContentProvider(fixScheme, this),
      vscode.workspace.onDidChangeTextDocument((event) => this.onDocumentChanged(event)),
    );
  }

  /** Findings shown now (for the summary and tests). */
  get findings(): ReviewFinding[] {
    return [...this.entries.values()].map((entry) => ({ ...entry.finding, line: entry.startLine + 1, endLine: entry.endLine + 1 }));
  }

  /** The comment threads shown now, with the finding each is about (for tests). */
  get threads(): Array<{ id: string; thread: vscode.CommentThread; finding: ReviewFinding; uri: vscode.Uri }> {
    return [...this.entries.values()].map((entry) => ({ id: entry.id, thread: entry.thread, finding: entry.finding, uri: entry.uri }));
  }

  /**
   * Shows findings whose paths are relative to `root` (the repository or workspace folder). The
   * engine's streamed results come through here, as do findings from anywhere else. A finding
   * whose lines fall outside the file as it is now is not shown. Returns how many were shown.
   */
  async add(root: vscode.Uri, findings: readonly ReviewFinding[], reviewed?: ReadonlyMap<string, ReviewedLines>): Promise<number> {
    return (await this.addChecked(root, findings, reviewed)).shown;
  }

  /**
   * As add, checking each finding against the document's current text when `reviewed` has the
   * text the review saw for its file: a finding whose code moved (edits since, or the working tree
   * differs from what was staged) moves with it, and one whose code is gone is left out.
   */
  async addChecked(root: vscode.Uri, findings: readonly ReviewFinding[], reviewed?: ReadonlyMap<string, ReviewedLines>): Promise<AddOutcome> {
    const outcome: AddOutcome = { shown: 0, moved: [], stale: [] };
    for (const original of findings) {
      const uri = vscode.Uri.joinPath(root, ...original.path.split("/"));
      let document: vscode.TextDocument;
      try {
        document = await vscode.workspace.openTextDocument(uri);
      } catch {
        continue;
      }
      let finding = original;
      const seen = reviewed?.get(original.path);
      if (seen) {
        const current = Array.from({ length: document.lineCount }, (_, index) => document.lineAt(index).text);
        const anchored = anchorFinding(original, seen, current);
        if (!anchored) {
          outcome.stale.push(original);
          continue;
        }
        if (anchored.moved) {
          outcome.moved.push({ finding: original, line: anchored.line });
          finding = { ...original, line: anchored.line, endLine: anchored.endLine };
        }
      } else if (finding.endLine > document.lineCount) continue;
      const duplicate = [...this.entries.values()].some(
        (entry) => entry.uri.toString() === uri.toString() && entry.startLine === finding.line - 1 && entry.finding.message === finding.message,
      );
      if (duplicate) continue;
      const id = `f${this.nextId++}`;
      const range = new vscode.Range(finding.line - 1, 0, finding.endLine - 1, 0);
      const hasFix = finding.suggestion !== undefined;
      const thread = this.controller.createCommentThread(uri, range, [new FindingComment(this.commentBody(finding), hasFix ? "hearthFindingFix" : "hearthFinding")]);
      thread.label = `${severityLabel(finding.severity)} · ${finding.category}`;
      thread.canReply = false;
      thread.contextValue = hasFix ? "hearthFindingFix" : "hearthFinding";
      thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
      this.entries.set(id, { id, finding, uri, startLine: finding.line - 1, endLine: finding.endLine - 1, thread });
      this.threadIds.set(thread, id);
      outcome.shown++;
      this.refreshDiagnostics(uri);
    }
    return outcome;
  }

  private readonly threadIds = new WeakMap<vscode.CommentThread, string>();

  private commentBody(finding: ReviewFinding): vscode.MarkdownString {
    // The thread's label says the severity and category; the comment says what and how to fix it.
    const body = new vscode.MarkdownString();
    body.appendMarkdown(findingMessageMarkdown(finding.message));
    if (finding.suggestion !== undefined) {
      const fence = fenceFor(finding.suggestion);
      body.appendMarkdown(`\n\n${vscode.l10n.t("Suggested fix:")}\n\n`);
      body.appendMarkdown(`${fence}\n${finding.suggestion}\n${fence}\n`);
    }
    return body;
  }

  private refreshDiagnostics(uri: vscode.Uri): void {
    const list: vscode.Diagnostic[] = [];
    for (const entry of this.entries.values()) {
      if (entry.uri.toString() !== uri.toString()) continue;
      const range = new vscode.Range(entry.startLine, 0, entry.endLine, Number.MAX_SAFE_INTEGER);
      const diagnostic = new vscode.Diagnostic(range, entry.finding.message, diagnosticSeverity(entry.finding.severity));
      diagnostic.source = "Hearth";
      diagnostic.code = entry.finding.category;
      list.push(diagnostic);
      this.diagnosticIds.set(diagnostic, entry.id);
    }
    this.diagnostics.set(uri, list);
  }

  private readonly diagnosticIds = new WeakMap<vscode.Diagnostic, string>();

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of context.diagnostics) {
      if (diagnostic.source !== "Hearth") continue;
      const entry = this.entryForDiagnostic(document.uri, diagnostic);
      if (!entry) continue;
      if (entry.finding.suggestion !== undefined) {
        const fix = new vscode.CodeAction(vscode.l10n.t("Apply Hearth's fix…"), vscode.CodeActionKind.QuickFix);
        fix.diagnostics = [diagnostic];
        fix.isPreferred = true;
        fix.command = { command: "hearth.applyReviewFix", title: fix.title, arguments: [entry.id] };
        actions.push(fix);
      }
      const dismiss = new vscode.CodeAction(vscode.l10n.t("Dismiss Hearth's finding"), vscode.CodeActionKind.QuickFix);
      dismiss.diagnostics = [diagnostic];
      dismiss.command = { command: "hearth.dismissReviewFinding", title: dismiss.title, arguments: [entry.id] };
      actions.push(dismiss);
    }
    return actions;
  }

  private entryForDiagnostic(uri: vscode.Uri, diagnostic: vscode.Diagnostic): Entry | undefined {
    const id = this.diagnosticIds.get(diagnostic);
    if (id) return this.entries.get(id);
    // Diagnostics reach code actions as copies: match by place and message.
    return [...this.entries.values()].find(
      (entry) => entry.uri.toString() === uri.toString() && entry.startLine === diagnostic.range.start.line && entry.finding.message === diagnostic.message,
    );
  }

  private entryFor(target: FindingTarget): Entry | undefined {
    if (typeof target === "string") return this.entries.get(target);
    if (target && "uri" in target && "range" in target) {
      const id = this.threadIds.get(target);
      if (id) return this.entries.get(id);
    }
    if (target && "body" in target) {
      return [...this.entries.values()].find((entry) => entry.thread.comments.includes(target));
    }
    return undefined;
  }

  dismiss(target: FindingTarget): boolean {
    const entry = this.entryFor(target);
    if (!entry) return false;
    this.remove(entry);
    return true;
  }

  private remove(entry: Entry): void {
    this.entries.delete(entry.id);
    entry.thread.dispose();
    this.refreshDiagnostics(entry.uri);
  }

  clear(): void {
    for (const entry of this.entries.values()) entry.thread.dispose();
    this.entries.clear();
    this.diagnostics.clear();
  }

  /** Threads below an edit move with it; a thread whose own lines the edit touches goes away. */
  private onDocumentChanged(event: vscode.TextDocumentChangeEvent): void {
    if (event.contentChanges.length === 0) return;
    const key = event.document.uri.toString();
    const touched = [...this.entries.values()].filter((entry) => entry.uri.toString() === key);
    if (touched.length === 0) return;
    // Changes arrive with ranges in the document before the event; apply them bottom-up.
    const changes = [...event.contentChanges].sort((a, b) => b.range.start.line - a.range.start.line);
    for (const change of changes) {
      const first = change.range.start.line;
      const last = change.range.end.line;
      const delta = (change.text.match(/\n/g)?.length ?? 0) - (last - first);
      for (const entry of touched) {
        if (!this.entries.has(entry.id)) continue;
        if (entry.endLine < first) continue;
        if (entry.startLine > last) {
          entry.startLine += delta;
          entry.endLine += delta;
          entry.thread.range = new vscode.Range(entry.startLine, 0, entry.endLine, 0);
          continue;
        }
        this.remove(entry);
      }
    }
    this.refreshDiagnostics(event.document.uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.pendingFixes.get(uri.path)?.proposed ?? "";
  }

  /**
   * Shows the finding's suggestion as a diff of its file; the change is made only by Apply in the
   * notification (or `acceptFix`), and only if the file has not changed meanwhile. Returns the
   * diff's right-hand URI, or null when the finding has no suggestion.
   */
  async proposeFix(target: FindingTarget, options: { ask?: boolean } = {}): Promise<vscode.Uri | null> {
    const entry = this.entryFor(target);
    if (!entry || entry.finding.suggestion === undefined) return null;
    const document = await vscode.workspace.openTextDocument(entry.uri);
    const range = this.linesRange(document, entry);
    const eol = document.eol === vscode.EndOfLine.CRLF ? "\r\n" : "\n";
    const replacement = entry.finding.suggestion.split(/\r?\n/).join(eol);
    const text = document.getText();
    const proposed = text.slice(0, document.offsetAt(range.start)) + replacement + text.slice(document.offsetAt(range.end));
    const key = `/${entry.id}/${path.basename(entry.uri.path)}`;
    this.pendingFixes.set(key, { entryId: entry.id, version: document.version, proposed });
    const fixUri = vscode.Uri.from({ scheme: fixScheme, path: key });
    const title = vscode.l10n.t("{0} ↔ Hearth's fix", path.basename(entry.uri.path));
    await vscode.commands.executeCommand("vscode.diff", entry.uri, fixUri, title, { preview: true });
    if (options.ask !== false) void this.askToApply(fixUri, entry);
    return fixUri;
  }

  private async askToApply(fixUri: vscode.Uri, entry: Entry): Promise<void> {
    const apply = vscode.l10n.t("Apply");
    const discard = vscode.l10n.t("Discard");
    const where =
      entry.startLine === entry.endLine
        ? vscode.l10n.t("line {0} of {1}", entry.startLine + 1, vscode.workspace.asRelativePath(entry.uri))
        : vscode.l10n.t("lines {0}–{1} of {2}", entry.startLine + 1, entry.endLine + 1, vscode.workspace.asRelativePath(entry.uri));
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t("Apply Hearth's fix to {0}? The diff shows the change.", where), apply, discard);
    if (!this.pendingFixes.has(fixUri.path)) return;
    if (choice === apply) await this.acceptFix(fixUri);
    else await this.discardFix(fixUri);
  }

  /** The finding's whole lines, without the line end after the last. */
  private linesRange(document: vscode.TextDocument, entry: Entry): vscode.Range {
    return new vscode.Range(entry.startLine, 0, entry.endLine, document.lineAt(entry.endLine).text.length);
  }

  /** Makes a proposed fix; false when there is none or the file changed since the diff. */
  async acceptFix(fixUri: vscode.Uri): Promise<boolean> {
    const pending = this.pendingFixes.get(fixUri.path);
    if (!pending) return false;
    this.pendingFixes.delete(fixUri.path);
    await this.closeDiff(fixUri);
    const entry = this.entries.get(pending.entryId);
    if (!entry || entry.finding.suggestion === undefined) return false;
    const document = await vscode.workspace.openTextDocument(entry.uri);
    if (document.version !== pending.version) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t("{0} changed after the diff was made, so Hearth left it as it is. Apply the fix again to see a fresh diff.", vscode.workspace.asRelativePath(entry.uri)),
      );
      return false;
    }
    const eol = document.eol === vscode.EndOfLine.CRLF ? "\r\n" : "\n";
    const edit = new vscode.WorkspaceEdit();
    edit.replace(entry.uri, this.linesRange(document, entry), entry.finding.suggestion.split(/\r?\n/).join(eol));
    const applied = await vscode.workspace.applyEdit(edit);
    // The edit touched the finding's lines, so its thread has gone; make sure of it.
    if (applied && this.entries.has(entry.id)) this.remove(entry);
    return applied;
  }

  async discardFix(fixUri: vscode.Uri): Promise<void> {
    this.pendingFixes.delete(fixUri.path);
    await this.closeDiff(fixUri);
  }

  private async closeDiff(fixUri: vscode.Uri): Promise<void> {
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
    const open = tabs.filter(
      (tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === fixScheme && tab.input.modified.path === fixUri.path,
    );
    if (open.length > 0) await vscode.window.tabGroups.close(open);
  }

  dispose(): void {
    this.clear();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
