// Context the user attaches to a question, read from the editors and the workspace: the selection,
// the current file, the open editors, a `#file` reference, a location VS Code's chat attached. Each
// becomes an attachment with its text and a label (the chat pipeline, chatPipeline.ts, counts its
// tokens). Binary and huge content is refused or cut, and says so. Secrets are refused by the rules
// the index and review use (common/index/secretRules.ts: the file's path, its real path when it is a
// link, and the text), and a `#file`/`#folder` path must really be inside the workspace folders
// (links resolved), so neither a link to ~/.aws/credentials nor `#file:.env` reaches a model.
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { ChatAttachment } from "../../common/chat/chatPrompt";
import type { SecretMatch } from "../../common/index/secretRules";
import { secretByPath, secretInContent, secretMatchText } from "../../common/index/secretRules";
import { capAttachment } from "../../common/chat/chatBudget";
import { fenceLanguage, looksBinary } from "../../common/chat/chatPrompt";

export type AttachKind = "selection" | "file" | "openEditors" | "workspace";

/** Raised for context that cannot be attached; the message says why and what to do. */
export class AttachError extends Error {}

let nextAttachment = 1;

function attachmentId(): string {
  return `a${nextAttachment++}`;
}

function relative(uri: vscode.Uri): string {
  return uri.scheme === "untitled" ? path.basename(uri.path) : vscode.workspace.asRelativePath(uri, false);
}

/** The refusal for a secret: which file, which rule, and what to do instead. */
function secretRefused(label: string, match: SecretMatch): AttachError {
  return new AttachError(
    vscode.l10n.t(
      "Hearth did not attach {0}: {1}. Hearth never sends secrets to a model. If it holds no secret, paste the part you mean into a new untitled editor and attach that selection.",
      label,
      secretMatchText(match),
    ),
  );
}

/** `file` relative to the workspace folder that holds it (`/`-separated), else the whole path. */
function rulesPath(file: string, roots: ReadonlyArray<string> = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath)): string {
  for (const root of roots) {
    if (file === root || file.startsWith(root + path.sep)) return path.relative(root, file).split(path.sep).join("/");
  }
  return file.split(path.sep).join("/");
}

/** The real path of `file` (links resolved), or the path itself when it cannot be resolved. */
function realPathOf(file: string): string {
  try {
    return fs.realpathSync.native(file);
  } catch {
    return file;
  }
}

/**
 * The secret rule `uri`'s path meets, or null: its path as opened and, for a link, the path of
 * what it points at (a folder with `isFolder`).
 */
function secretAtPath(uri: vscode.Uri, isFolder = false): SecretMatch | null {
  const suffix = isFolder ? "/x" : "";
  if (uri.scheme !== "file") return secretByPath(path.basename(uri.path) + suffix);
  const roots = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === "file").map((folder) => folder.uri.fsPath);
  const found = secretByPath(rulesPath(uri.fsPath, roots) + suffix);
  if (found) return found;
  const real = realPathOf(uri.fsPath);
  if (real === uri.fsPath) return null;
  return secretByPath(rulesPath(real, roots.map(realPathOf)) + suffix);
}

/** Refuses a document's text when its path or `text` (what would be attached) holds a secret. */
function refuseSecrets(label: string, uri: vscode.Uri, text: string): void {
  const found = secretAtPath(uri) ?? secretInContent(text);
  if (found) throw secretRefused(label, found);
}

/** Refuses a folder (#folder, a folder VS Code's chat attached) that holds credentials as a whole. */
export function refuseSecretFolder(uri: vscode.Uri, label: string): void {
  const found = secretAtPath(uri, true);
  if (found) throw secretRefused(label, found);
}

function fromText(
  kind: ChatAttachment["kind"],
  label: string,
  detail: string,
  text: string,
  languageId: string,
): Omit<ChatAttachment, "tokens"> {
  if (looksBinary(text)) {
    throw new AttachError(
      vscode.l10n.t("{0} looks like a binary file, so Hearth did not attach it: a model reads text. Attach a text file or a selection instead.", label),
    );
  }
  const capped = capAttachment(text);
  return {
    id: attachmentId(),
    kind,
    label,
    detail: capped.cut ? vscode.l10n.t("{0} (cut to its first {1} characters)", detail, capped.content.length) : detail,
    content: capped.content,
    language: fenceLanguage(languageId),
  };
}

/** The selection in `editor` (the current line when nothing is selected). */
export function selectionAttachment(editor: vscode.TextEditor | undefined): Omit<ChatAttachment, "tokens"> {
  if (!editor) {
    throw new AttachError(vscode.l10n.t("There is no editor with a selection. Select some code in an editor, then attach it again."));
  }
  const document = editor.document;
  const selection = editor.selection;
  const range = selection.isEmpty ? document.lineAt(selection.active.line).range : selection;
  const text = document.getText(range);
  if (!text.trim()) {
    throw new AttachError(vscode.l10n.t("The selection is empty. Select the code to ask about, then attach it again."));
  }
  const first = range.start.line + 1;
  const last = range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1;
  const name = relative(document.uri);
  const lines = first === last ? `${first}` : `${first}-${last}`;
  refuseSecrets(`${name}:${lines}`, document.uri, text);
  return fromText("selection", `${path.basename(document.uri.path)}:${lines}`, `${name}:${lines}`, text, document.languageId);
}

/** The whole document. */
export function fileAttachment(document: vscode.TextDocument | undefined): Omit<ChatAttachment, "tokens"> {
  if (!document) {
    throw new AttachError(vscode.l10n.t("No file is open in an editor. Open the file to ask about, then attach it again."));
  }
  const text = document.getText();
  refuseSecrets(relative(document.uri), document.uri, text);
  return fromText("file", path.basename(document.uri.path), relative(document.uri), text, document.languageId);
}

/**
 * The text at `range` of `document` (all of it for an empty range): a location VS Code's chat
 * attached (`#selection`, a symbol). Named after its lines, as the Chat view names a selection.
 */
export function locationAttachment(document: vscode.TextDocument, range: vscode.Range): Omit<ChatAttachment, "tokens"> {
  const name = path.basename(document.uri.path);
  const first = range.start.line + 1;
  const last = range.end.character === 0 && range.end.line > range.start.line ? range.end.line : range.end.line + 1;
  const lines = first === last ? `${first}` : `${first}-${last}`;
  const text = range.isEmpty ? document.getText() : document.getText(range);
  refuseSecrets(`${vscode.workspace.asRelativePath(document.uri, false)}:${lines}`, document.uri, text);
  if (looksBinary(text)) {
    throw new AttachError(
      vscode.l10n.t("{0} looks like a binary file, so Hearth did not attach it: a model reads text. Attach a text file or a selection instead.", name),
    );
  }
  const capped = capAttachment(text);
  const relative = vscode.workspace.asRelativePath(document.uri, false);
  return {
    id: `${name}:${lines}`,
    kind: "selection",
    label: `${name}:${lines}`,
    detail: `${relative}:${lines}`,
    content: capped.content,
    language: fenceLanguage(document.languageId),
  };
}

/** Every text document open in an editor tab (files only), skipping binary ones. */
export async function openEditorAttachments(): Promise<Array<Omit<ChatAttachment, "tokens">>> {
  const uris = new Map<string, vscode.Uri>();
  for (const tab of vscode.window.tabGroups.all.flatMap((group) => group.tabs)) {
    if (tab.input instanceof vscode.TabInputText && ["file", "untitled"].includes(tab.input.uri.scheme)) {
      uris.set(tab.input.uri.toString(), tab.input.uri);
    }
  }
  if (uris.size === 0) {
    throw new AttachError(vscode.l10n.t("No files are open in editors. Open the files to ask about, then attach them again."));
  }
  const attachments: Array<Omit<ChatAttachment, "tokens">> = [];
  let refused: AttachError | null = null;
  for (const uri of uris.values()) {
    try {
      attachments.push(fileAttachment(await vscode.workspace.openTextDocument(uri)));
    } catch (error) {
      // A binary tab among the open editors (VS Code will not even open it as text) or a secret is skipped.
      if (error instanceof AttachError && !refused) refused = error;
    }
  }
  if (attachments.length === 0 && refused) throw refused;
  if (attachments.length === 0) {
    throw new AttachError(vscode.l10n.t("None of the open editors holds text Hearth can attach. Open a text file, then attach again."));
  }
  return attachments;
}

/** Files bigger than this are not read for `#file` (even for a line range): a model cannot take them. */
const maxReferencedFileBytes = 20 * 1024 * 1024;

/**
 * A `#file:`/`#folder:` path resolved inside the workspace folders: relative to a folder (or, with
 * several, starting with a folder's name), or absolute inside one. Never anything outside them.
 */
export async function resolveWorkspacePath(typed: string, kind: "file" | "folder"): Promise<vscode.Uri> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === "file");
  if (folders.length === 0) {
    throw new AttachError(vscode.l10n.t("#{0}:{1} needs a workspace: open a folder, then ask again.", kind, typed));
  }
  const candidates: string[] = [];
  let outside = false;
  for (const folder of folders) {
    const root = folder.uri.fsPath;
    const tries = [path.resolve(root, typed)];
    const [first, ...rest] = typed.split("/");
    if (folders.length > 1 && first === folder.name && rest.length > 0) tries.push(path.resolve(root, rest.join("/")));
    for (const file of tries) {
      if (file === root || file.startsWith(root + path.sep)) candidates.push(file);
      else outside = true;
    }
  }
  const realRoots = await Promise.all(folders.map((folder) => fs.promises.realpath(folder.uri.fsPath).catch(() => folder.uri.fsPath)));
  for (const file of candidates) {
    const stat = await vscode.workspace.fs.stat(vscode.Uri.file(file)).then((found) => found, () => null);
    if (!stat) continue;
    // The path text is inside; what it really is (links resolved, at any depth) must be too.
    const real = await fs.promises.realpath(file).catch(() => null);
    if (real === null) continue;
    if (!realRoots.some((root) => real === root || real.startsWith(root + path.sep))) {
      throw new AttachError(
        vscode.l10n.t("{0} is a link to {1}, outside the workspace, so Hearth did not read it: #file and #folder only reach the workspace's folders, links included. Open that folder as a workspace (or copy the file into it) to ask about it.", typed, real),
      );
    }
    const isFolder = (stat.type & vscode.FileType.Directory) !== 0;
    if (kind === "file" && isFolder) {
      throw new AttachError(vscode.l10n.t("{0} is a folder, so #file cannot attach it. Use #folder:{0} to search the index under it, or name a file.", typed));
    }
    if (kind === "folder" && !isFolder) {
      throw new AttachError(vscode.l10n.t("{0} is a file, not a folder. Use #file:{0} to attach it, or name a folder for #folder.", typed));
    }
    const secret = secretAtPath(vscode.Uri.file(file), isFolder);
    if (secret) throw secretRefused(typed, secret);
    return vscode.Uri.file(file);
  }
  if (outside && candidates.length === 0) {
    throw new AttachError(
      vscode.l10n.t("{0} is outside the workspace, so Hearth did not read it: #file and #folder only reach the workspace's folders. Open that folder as a workspace (or copy the file into it) to ask about it.", typed),
    );
  }
  throw new AttachError(
    kind === "file"
      ? vscode.l10n.t("There is no file {0} in the workspace. Check the path (relative to the workspace folder; type #file: for suggestions) and send again.", typed)
      : vscode.l10n.t("There is no folder {0} in the workspace. Check the path (relative to the workspace folder; type #folder: for suggestions) and send again.", typed),
  );
}

/** A `#file` reference: the whole file, or lines `startLine`…`endLine` of it, as an attachment. */
export async function referencedFileAttachment(uri: vscode.Uri, typed: string, startLine?: number, endLine?: number): Promise<Omit<ChatAttachment, "tokens">> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.size > maxReferencedFileBytes) {
    throw new AttachError(
      vscode.l10n.t("{0} is too large to attach ({1} MB); Hearth reads files up to {2} MB. Ask about a smaller file, or select the part you mean in an editor and attach the selection.", typed, Math.round(stat.size / 1048576), maxReferencedFileBytes / 1048576),
    );
  }
  let document: vscode.TextDocument;
  try {
    document = await vscode.workspace.openTextDocument(uri);
  } catch {
    // VS Code will not open binary files as text.
    throw new AttachError(
      vscode.l10n.t("{0} looks like a binary file, so Hearth did not attach it: a model reads text. Attach a text file or a selection instead.", path.basename(uri.path)),
    );
  }
  const name = relative(uri);
  // The whole file is checked, even for a line range: a file with a key in it is a secret.
  refuseSecrets(typed, uri, document.getText());
  if (startLine === undefined) return fromText("file", path.basename(uri.path), name, document.getText(), document.languageId);
  // A file that ends with a newline has that many lines (VS Code counts one more, empty).
  const lineCount = document.lineCount > 1 && document.lineAt(document.lineCount - 1).text === "" ? document.lineCount - 1 : document.lineCount;
  if (startLine > lineCount) {
    throw new AttachError(
      vscode.l10n.t("{0} has only {1} lines, so it has no line {2}. Fix the range after the path (#file:{0}:10-20) and send again.", typed, lineCount, startLine),
    );
  }
  const last = Math.min(endLine ?? startLine, lineCount);
  const range = new vscode.Range(startLine - 1, 0, last - 1, document.lineAt(last - 1).text.length);
  const lines = startLine === last ? `${startLine}` : `${startLine}-${last}`;
  return fromText("selection", `${path.basename(uri.path)}:${lines}`, `${name}:${lines}`, `${document.getText(range)}\n`, document.languageId);
}

export async function isFolder(uri: vscode.Uri): Promise<boolean> {
  const stat = await vscode.workspace.fs.stat(uri).then((found) => found, () => null);
  return stat !== null && (stat.type & vscode.FileType.Directory) !== 0;
}
