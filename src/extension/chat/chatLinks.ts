// Links in the model's replies, handed from the rendered reply to the editor or the browser: a
// `path:line` citation opens that workspace file at those lines; a web link opens only after the
// user saw the whole address, since the model may have made it up.
import * as path from "node:path";
import * as vscode from "vscode";
import { parseCitation } from "../../common/chat/markdownRender";

/**
 * A `path:line` citation in a reply: opens that file of the workspace with the lines selected.
 * Only files inside the workspace folders open; anything else is said, not opened.
 */
export async function openCitation(cite: string): Promise<vscode.TextEditor | undefined> {
  const citation = parseCitation(cite);
  if (!citation) return undefined;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const root = folder.uri.fsPath;
    const file = path.resolve(root, citation.path);
    if (file !== root && !file.startsWith(root + path.sep)) continue;
    const uri = vscode.Uri.file(file);
    const exists = await vscode.workspace.fs.stat(uri).then((stat) => stat.type === vscode.FileType.File, () => false);
    if (!exists) continue;
    const document = await vscode.workspace.openTextDocument(uri);
    const last = Math.min(citation.endLine, document.lineCount) - 1;
    const first = Math.min(citation.startLine - 1, last);
    const range = new vscode.Range(first, 0, last, document.lineAt(last).text.length);
    const editor = await vscode.window.showTextDocument(document, { selection: range, preview: true });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  }
  void vscode.window.showInformationMessage(
    vscode.l10n.t("{0} is not a file in this workspace, so Hearth cannot open it. The model may have cited a file that does not exist (or one outside the workspace).", citation.path),
  );
  return undefined;
}

/** Links in replies come from the model: open one only after the user saw the full URL. */
export async function openLink(url: string): Promise<void> {
  const uri = vscode.Uri.parse(url, true);
  if (!["http", "https", "mailto"].includes(uri.scheme)) return;
  const open = vscode.l10n.t("Open Link");
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t("Open this link from the model's reply? Check the address first: the model may have made it up."),
    { modal: true, detail: url },
    open,
  );
  if (choice === open) await vscode.env.openExternal(uri);
}
