// Pages Hearth shows (a model's details, a GGUF file's metadata): read-only documents under their
// own scheme, so closing one never asks to save an "Untitled" file, and their text cannot be edited
// by mistake. A page's text is kept while its document is open.
import * as vscode from "vscode";

const pageScheme = "hearth-page";

class PageContents implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private next = 1;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? "";
  }

  add(fileName: string, text: string): vscode.Uri {
    // The query keeps two pages of the same name apart (an older one may still be open).
    const uri = vscode.Uri.from({ scheme: pageScheme, path: `/${fileName}`, query: String(this.next++) });
    this.texts.set(uri.toString(), text);
    return uri;
  }

  forget(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
  }
}

const pages = new PageContents();

export function registerReadOnlyPages(): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(pageScheme, pages),
    vscode.workspace.onDidCloseTextDocument((document) => {
      if (document.uri.scheme === pageScheme) pages.forget(document.uri);
    }),
  );
}

/** Opens `text` as a read-only page titled `fileName` (its extension sets the language, e.g. `.md`). */
export async function showReadOnlyPage(fileName: string, text: string): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(pages.add(fileName.replace(/[\\/]/g, "_"), text));
  await vscode.window.showTextDocument(document, { preview: true });
  return document;
}
