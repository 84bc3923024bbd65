// Context the user attaches to a question: the selection, the current file, the open editors, or
// @workspace. Each becomes an attachment with its text, a label and a token count (counted with the
// model's tokenizer when one is loaded). Binary and huge content is refused or cut, and says so.
import * as path from "node:path";
import * as vscode from "vscode";
import type { ChatAttachment } from "../common/chatPrompt";
import { capAttachment, fenceLanguage, looksBinary } from "../common/chatPrompt";

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
  return fromText("selection", `${path.basename(document.uri.path)}:${lines}`, `${name}:${lines}`, text, document.languageId);
}

/** The whole document. */
export function fileAttachment(document: vscode.TextDocument | undefined): Omit<ChatAttachment, "tokens"> {
  if (!document) {
    throw new AttachError(vscode.l10n.t("No file is open in an editor. Open the file to ask about, then attach it again."));
  }
  return fromText("file", path.basename(document.uri.path), relative(document.uri), document.getText(), document.languageId);
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
  for (const uri of uris.values()) {
    try {
      attachments.push(fileAttachment(await vscode.workspace.openTextDocument(uri)));
    } catch {
      // A binary tab among the open editors (VS Code will not even open it as text) is skipped.
    }
  }
  if (attachments.length === 0) {
    throw new AttachError(vscode.l10n.t("None of the open editors holds text Hearth can attach. Open a text file, then attach again."));
  }
  return attachments;
}
