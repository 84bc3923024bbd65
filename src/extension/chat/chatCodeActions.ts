// What a code block in a reply can do in the editor: Insert at Cursor, Apply to File (the change is
// shown as a diff first and made only when the user accepts it) and New File. The editor they act on
// is the last text editor the user was in: focusing the chat takes focus away from it.
import * as path from "node:path";
import * as vscode from "vscode";
import { languageIdForFence } from "../../common/chat/chatPrompt";

const proposalScheme = "hearth-proposal";

interface Proposal {
  target: vscode.Uri;
  /** The document's version the proposal was made against: a changed file is not overwritten. */
  version: number;
  range: vscode.Range;
  text: string;
  proposed: string;
  /**
   * For agent mode's propose_edit: Accept and Discard only answer this (true: accepted), and the
   * agent makes the change it was shown (applyAccepted) once it has the answer.
   */
  decide?: (accepted: boolean) => void;
}

/** A change agent mode proposed and the user accepted: made by applyAccepted. */
export interface AcceptedProposal {
  target: vscode.Uri;
  version: number;
  range: vscode.Range;
  text: string;
}

export class ChatCodeActions implements vscode.Disposable, vscode.TextDocumentContentProvider {
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly proposals = new Map<string, Proposal>();
  private nextProposal = 1;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor() {
    this.disposables.push(
      this.changed,
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && editor.document.uri.scheme !== proposalScheme) this.lastEditor = editor;
      }),
      vscode.workspace.registerTextDocumentContentProvider(proposalScheme, this),
      vscode.commands.registerCommand("hearth.acceptProposal", (uri?: vscode.Uri) => this.accept(uri)),
      vscode.commands.registerCommand("hearth.discardProposal", (uri?: vscode.Uri) => this.discard(uri)),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.proposals.get(uri.path)?.proposed ?? "";
  }

  /** The editor code goes into: the active one, else the last one used (if still open). */
  targetEditor(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (active && active.document.uri.scheme !== proposalScheme) return active;
    const last = this.lastEditor;
    if (last && !last.document.isClosed) {
      return vscode.window.visibleTextEditors.find((editor) => editor.document === last.document) ?? last;
    }
    return undefined;
  }

  async insert(code: string): Promise<boolean> {
    const editor = this.targetEditor();
    if (!editor) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t("There is no editor to insert the code into. Open a file, put the cursor where the code should go, and click Insert again."),
      );
      return false;
    }
    const shown = await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn, preserveFocus: false });
    return shown.edit((edit) => {
      for (const selection of shown.selections) edit.replace(selection, code);
    });
  }

  async newFile(code: string, language: string): Promise<vscode.TextEditor> {
    const languageId = languageIdForFence(language);
    const known = languageId ? (await vscode.languages.getLanguages()).includes(languageId) : false;
    const document = await vscode.workspace.openTextDocument({ content: code, ...(known && languageId ? { language: languageId } : {}) });
    return vscode.window.showTextDocument(document);
  }

  /**
   * Proposes the code for the last editor: it replaces the selection there, or the whole file when
   * nothing is selected. A diff opens; the change is made by Accept (the diff's title bar or the
   * notification) and never without it.
   */
  async apply(code: string): Promise<vscode.Uri | null> {
    const editor = this.targetEditor();
    if (!editor) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t("There is no file to apply the code to. Open the file (select the lines to replace, or nothing to replace the whole file) and click Apply again."),
      );
      return null;
    }
    const document = editor.document;
    const selection = editor.selection;
    const range = selection.isEmpty
      ? new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length))
      : new vscode.Range(selection.start, selection.end);
    const before = document.getText();
    const start = document.offsetAt(range.start);
    const end = document.offsetAt(range.end);
    let text = code;
    // A block that ends in a newline replacing lines that do not keeps the file's line structure.
    if (!selection.isEmpty && !document.getText(range).endsWith("\n") && text.endsWith("\n")) text = text.slice(0, -1);
    const proposed = before.slice(0, start) + text + before.slice(end);
    const key = `/${this.nextProposal++}/${path.basename(document.uri.path) || "untitled"}`;
    const proposalUri = vscode.Uri.from({ scheme: proposalScheme, path: key });
    this.proposals.set(key, { target: document.uri, version: document.version, range, text, proposed });
    const title = vscode.l10n.t("{0} ↔ Hearth's change", path.basename(document.uri.path) || document.uri.toString());
    await vscode.commands.executeCommand("vscode.diff", document.uri, proposalUri, title, { preview: true });
    const file = vscode.workspace.asRelativePath(document.uri);
    void this.askToAccept(
      proposalUri,
      selection.isEmpty
        ? vscode.l10n.t("Replace the whole of {0} with the code block? The diff shows the change.", file)
        : vscode.l10n.t("Replace the selected lines of {0} with the code block? The diff shows the change.", file),
    );
    return proposalUri;
  }

  /**
   * Agent mode's propose_edit: shows `text` replacing `range` of `document` as a diff and waits for
   * the user's Accept (true) or Discard (false; also when `signal` aborts: Stop). Changes nothing:
   * the caller makes the accepted change with applyAccepted.
   */
  async review(document: vscode.TextDocument, range: vscode.Range, text: string, signal: AbortSignal): Promise<AcceptedProposal | null> {
    const before = document.getText();
    const proposed = before.slice(0, document.offsetAt(range.start)) + text + before.slice(document.offsetAt(range.end));
    const key = `/${this.nextProposal++}/${path.basename(document.uri.path) || "untitled"}`;
    const proposalUri = vscode.Uri.from({ scheme: proposalScheme, path: key });
    const answer = new Promise<boolean>((resolve) => {
      this.proposals.set(key, { target: document.uri, version: document.version, range, text, proposed, decide: resolve });
    });
    const onStop = (): void => void this.discard(proposalUri);
    signal.addEventListener("abort", onStop, { once: true });
    try {
      const title = vscode.l10n.t("{0} ↔ Hearth's change", path.basename(document.uri.path) || document.uri.toString());
      // Not awaited: during a chat turn the command's promise may settle only once the diff closes,
      // and the answer is what the turn waits for.
      void Promise.resolve(vscode.commands.executeCommand("vscode.diff", document.uri, proposalUri, title, { preview: true })).catch(() => onStop());
      const file = vscode.workspace.asRelativePath(document.uri);
      void this.askToAccept(proposalUri, vscode.l10n.t("Hearth's agent proposes a change to {0}. Accept it? The diff shows the change; nothing changes unless you accept.", file));
      if (signal.aborted) onStop();
      return (await answer) ? { target: document.uri, version: document.version, range, text } : null;
    } finally {
      signal.removeEventListener("abort", onStop);
    }
  }

  /** Makes a change the user accepted; false (with a warning) when the file changed since the diff. */
  async applyAccepted(change: AcceptedProposal): Promise<boolean> {
    const document = await vscode.workspace.openTextDocument(change.target);
    if (document.version !== change.version) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t("{0} changed after the diff was made, so Hearth left it as it is. Ask again for a fresh proposal.", vscode.workspace.asRelativePath(change.target)),
      );
      return false;
    }
    // Saved, so a command the agent runs next sees it, unless the file held unsaved edits of the user's.
    const wasDirty = document.isDirty;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(change.target, change.range, change.text);
    if (!(await vscode.workspace.applyEdit(edit))) return false;
    if (!wasDirty) await document.save();
    return true;
  }

  /** The notification beside the diff; Accept and Discard are also in the diff's title bar. */
  private async askToAccept(proposalUri: vscode.Uri, question: string): Promise<void> {
    const accept = vscode.l10n.t("Accept");
    const discard = vscode.l10n.t("Discard");
    const choice = await vscode.window.showInformationMessage(question, accept, discard);
    if (!this.proposals.has(proposalUri.path)) return; // Settled from the diff's title bar meanwhile.
    if (choice === accept) await this.accept(proposalUri);
    else if (choice === discard) await this.discard(proposalUri);
  }

  /** Proposals waiting for Accept or Discard (for tests and the diff's title bar). */
  get pending(): number {
    return this.proposals.size;
  }

  private proposalFor(uri: vscode.Uri | undefined): [string, Proposal] | undefined {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (target?.scheme === proposalScheme) {
      const proposal = this.proposals.get(target.path);
      return proposal ? [target.path, proposal] : undefined;
    }
    // From the diff's title bar the argument may be the left side: find the newest proposal for it.
    const entries = [...this.proposals.entries()].filter(([, proposal]) => proposal.target.toString() === target?.toString());
    return entries.at(-1);
  }

  /** Makes the proposed change; false when there is none or the file changed since. */
  async accept(uri?: vscode.Uri): Promise<boolean> {
    const found = this.proposalFor(uri);
    if (!found) return false;
    const [key, proposal] = found;
    this.proposals.delete(key);
    if (proposal.decide) {
      await this.closeDiff(key);
      proposal.decide(true);
      return true;
    }
    const document = await vscode.workspace.openTextDocument(proposal.target);
    if (document.version !== proposal.version) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t("{0} changed after the diff was made, so Hearth left it as it is. Click Apply on the code block again to see a fresh diff.", vscode.workspace.asRelativePath(proposal.target)),
      );
      await this.closeDiff(key);
      return false;
    }
    const edit = new vscode.WorkspaceEdit();
    edit.replace(proposal.target, proposal.range, proposal.text);
    const applied = await vscode.workspace.applyEdit(edit);
    await this.closeDiff(key);
    if (applied) await vscode.window.showTextDocument(document, { preview: false });
    return applied;
  }

  async discard(uri?: vscode.Uri): Promise<void> {
    const found = this.proposalFor(uri);
    if (!found) return;
    this.proposals.delete(found[0]);
    found[1].decide?.(false);
    await this.closeDiff(found[0]);
  }

  private async closeDiff(key: string): Promise<void> {
    const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
    const open = tabs.filter(
      (tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === proposalScheme && tab.input.modified.path === key,
    );
    if (open.length > 0) await vscode.window.tabGroups.close(open);
  }

  dispose(): void {
    for (const proposal of this.proposals.values()) proposal.decide?.(false);
    this.proposals.clear();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
