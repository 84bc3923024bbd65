// The Chat view's composer, host side: the context attached to the next question (its chips, each
// with a token count) and the workspace paths suggested after `#file:` and `#folder:`.
import * as vscode from "vscode";
import type { ChatAttachment } from "../../common/chat/chatPrompt";
import { attachmentView } from "../../common/chat/chatQuestion";
import { foldersOf, rankPaths } from "../../common/chat/chatReferences";
import type { AttachKind } from "./chatAttachments";
import { AttachError, fileAttachment, openEditorAttachments, selectionAttachment } from "./chatAttachments";
import type { ChatPipeline } from "./chatPipeline";
import { workspaceNotIndexedNotice } from "./chatPipeline";
import type { ChatSurfaces } from "./chatSurfaces";

/** The composer's `#file:`/`#folder:` suggestions: how many files are listed from the workspace, how many are shown, and how long a listing is reused. */
const completionFileLimit = 10_000;
const completionsShown = 12;
const completionListMs = 5_000;

export class ChatComposer {
  private chips: ChatAttachment[] = [];
  /** The workspace's files for `#file:`/`#folder:` suggestions (from findFiles, honouring files.exclude). */
  private workspaceFiles: { at: number; files: Promise<string[]> } | null = null;

  constructor(
    private readonly pipeline: ChatPipeline,
    private readonly surfaces: ChatSurfaces,
    /** The editor whose selection or file is attached (the last one focused, while the chat has focus). */
    private readonly targetEditor: () => vscode.TextEditor | undefined,
    /** Adds a notice to the conversation. */
    private readonly notice: (text: string, error: boolean) => void,
  ) {}

  /** What is attached to the next question. */
  get attachments(): readonly ChatAttachment[] {
    return this.chips;
  }

  /** Attaches context for the next question; "pick" asks which. Problems are said, not thrown. */
  async attach(kind: AttachKind | "pick"): Promise<void> {
    let chosen: AttachKind | undefined = kind === "pick" ? undefined : kind;
    if (!chosen) {
      const items: Array<vscode.QuickPickItem & { kind2: AttachKind }> = [
        { label: vscode.l10n.t("Selection"), description: vscode.l10n.t("the selected lines in the editor"), kind2: "selection" },
        { label: vscode.l10n.t("Current File"), description: vscode.l10n.t("the whole file in the editor"), kind2: "file" },
        { label: vscode.l10n.t("Open Editors"), description: vscode.l10n.t("every file open in a tab"), kind2: "openEditors" },
        { label: "@workspace", description: vscode.l10n.t("passages retrieved from the workspace index"), kind2: "workspace" },
      ];
      chosen = (await vscode.window.showQuickPick(items, { title: vscode.l10n.t("Attach Context to the Next Message") }))?.kind2;
      if (!chosen) return;
    }
    try {
      const editor = this.targetEditor();
      let added: Array<Omit<ChatAttachment, "tokens">>;
      switch (chosen) {
        case "selection":
          added = [selectionAttachment(editor)];
          break;
        case "file":
          added = [fileAttachment(editor?.document)];
          break;
        case "openEditors":
          added = await openEditorAttachments();
          break;
        case "workspace": {
          if (!this.pipeline.indexed()) {
            this.notice(workspaceNotIndexedNotice(), false);
            return;
          }
          const query = await vscode.window.showInputBox({
            title: "@workspace",
            prompt: vscode.l10n.t("What should Hearth look for in the workspace?"),
          });
          if (!query?.trim()) return;
          added = await this.pipeline.searchIndex(query, undefined, this.notice);
          if (added.length === 0) return;
          break;
        }
      }
      const counted = await this.pipeline.measure(added);
      // Attaching the same range or file twice replaces the older chip.
      const labels = new Set(counted.map((attachment) => attachment.detail ?? attachment.label));
      this.chips = [...this.chips.filter((attachment) => !labels.has(attachment.detail ?? attachment.label)), ...counted];
      this.post();
    } catch (error) {
      if (error instanceof AttachError) void vscode.window.showInformationMessage(error.message);
      else throw error;
    }
  }

  detach(id: string): void {
    this.chips = this.chips.filter((attachment) => attachment.id !== id);
    this.post();
  }

  /** The chips, for the question being sent: the composer is empty again. */
  take(): ChatAttachment[] {
    const taken = this.chips;
    this.chips = [];
    this.post();
    return taken;
  }

  /** Empties the composer without a message (the state that follows carries it). */
  clear(): void {
    this.chips = [];
  }

  /** Counts again with the model now loaded (or estimates, with none). */
  async recount(): Promise<void> {
    if (this.chips.length === 0) return;
    this.chips = await this.pipeline.measure(this.chips);
    this.post();
  }

  /** The composer's suggestions after `#file:`/`#folder:`: workspace paths matching `query`. */
  async completePaths(kind: "file" | "folder", query: string): Promise<string[]> {
    const now = Date.now();
    if (!this.workspaceFiles || now - this.workspaceFiles.at > completionListMs) {
      const several = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
      // Undefined excludes: files.exclude applies (as the Explorer hides those files).
      const files = Promise.resolve(vscode.workspace.findFiles("**/*", undefined, completionFileLimit))
        .then((uris) => uris.filter((uri) => uri.scheme === "file").map((uri) => vscode.workspace.asRelativePath(uri, several).replace(/\\/g, "/")))
        .catch(() => []);
      this.workspaceFiles = { at: now, files };
    }
    const files = await this.workspaceFiles.files;
    return rankPaths(kind === "file" ? files : foldersOf(files), query, completionsShown);
  }

  private post(): void {
    this.surfaces.post({ type: "attachments", attachments: this.chips.map(attachmentView) });
  }
}
