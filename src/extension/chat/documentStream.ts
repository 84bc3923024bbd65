import * as vscode from "vscode";

/**
 * Appends streamed text to the end of a document, one edit at a time, batching what arrives
 * while an edit is in flight. Keeps the whole text, so nothing is lost when the user closes the
 * document mid-stream.
 */
export class DocumentStream {
  private pending = "";
  private flushing: Promise<void> | null = null;
  private closed = false;
  private readonly written: string[] = [];
  private readonly closeListener: vscode.Disposable;

  constructor(private readonly document: vscode.TextDocument) {
    this.closeListener = vscode.workspace.onDidCloseTextDocument((closedDocument) => {
      if (closedDocument === this.document) this.closed = true;
    });
  }

  /** True when the user closed the document before the stream ended. */
  get documentClosed(): boolean {
    return this.closed;
  }

  /** Everything appended so far, whether or not it reached the document. */
  get text(): string {
    return this.written.join("");
  }

  append(text: string): void {
    if (!text) return;
    this.written.push(text);
    this.pending += text;
    if (!this.flushing) this.flushing = this.flushLoop();
  }

  private async flushLoop(): Promise<void> {
    while (this.pending && !this.closed) {
      const text = this.pending;
      this.pending = "";
      const edit = new vscode.WorkspaceEdit();
      const end = this.document.lineAt(this.document.lineCount - 1).range.end;
      edit.insert(this.document.uri, end, text);
      const applied = await vscode.workspace.applyEdit(edit);
      if (!applied) {
        this.closed = this.document.isClosed;
        if (!this.closed) this.pending = text + this.pending;
        if (!this.closed) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    this.flushing = null;
  }

  /** Waits until everything appended has reached the document (or the document was closed). */
  async finish(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.closeListener.dispose();
  }
}
