// The one way a question reaches the model, for the Chat view and for `@hearth`: its references are
// read (the `#file:`/`#folder:` typed in the Chat view, or what VS Code's chat attached), passages are
// retrieved from the workspace index for #folder and @workspace, every attachment is measured in
// tokens (the budget, common/chat/chatBudget.ts), the prompt is built around the question
// (common/chat/chatQuestion.ts), and the turn goes to the engine, its answer streaming back
// (EngineService.chatTurn sends it to the embedded engine, or to the remote one hearth.remote.* sets).
// Each surface keeps only what is its own: where its references come from, how it shows a note,
// and what the answer becomes on screen.
import * as vscode from "vscode";
import { capAttachment, measuredAttachments } from "../../common/chat/chatBudget";
import type { ChatAttachment } from "../../common/chat/chatPrompt";
import type { AssembledQuestion } from "../../common/chat/chatQuestion";
import { assembleQuestion, uniqueAttachments } from "../../common/chat/chatQuestion";
import type { ChatReference } from "../../common/chat/chatReferences";
import type { GenerationOptions } from "../../common/chat/chatTypes";
import { errorText } from "../../common/engine/engineError";
import type { ChatTurnResult } from "../../common/engine/engineProtocol";
import { AttachError, fileAttachment, isFolder, locationAttachment, referencedFileAttachment, refuseSecretFolder, resolveWorkspacePath } from "./chatAttachments";
import type { Conversation, EngineService } from "../engineHost/engineService";
import type { WorkspaceIndexSearch } from "../index/workspaceIndex";

/** A reference a question makes, as its surface has it. */
export type QuestionReference =
  /** `#file:`/`#folder:` typed in the Chat view: a path inside the workspace folders. */
  | { kind: "typed"; reference: ChatReference }
  /** A file or a folder VS Code's chat attached to an `@hearth` request. */
  | { kind: "uri"; uri: vscode.Uri }
  /** A range of a file VS Code's chat attached (`#selection`, a symbol). */
  | { kind: "location"; location: vscode.Location }
  /** A value VS Code's chat attached as text. */
  | { kind: "value"; id: string; label: string; text: string };

/** A folder whose passages a question asks for (`#folder`), and its name in notes. */
export interface FolderScope {
  label: string;
  fsPath: string;
}

export interface QuestionRequest {
  /** The question as the user wrote it. */
  text: string;
  references: readonly QuestionReference[];
  /** What the index is searched for under the #folder references; empty: the folders' names. */
  folderQuery: string;
  /** What @workspace searches the whole index for, when the message asks for it and names no folder. */
  workspaceQuery?: string;
  /**
   * Called once every reference is read, before the index is searched: the context attached
   * besides the references (the Chat view's composer chips), which comes first in the prompt.
   */
  attached?: () => Promise<readonly ChatAttachment[]>;
  /** A reference that could not be read: say why, and answer true to go on without it, false to send nothing. */
  unusable: (reference: QuestionReference, error: unknown) => boolean;
  /** A reference that was read (`@hearth` lists them with its answer). */
  used?: (reference: QuestionReference) => void;
  /** News for the user about the question's context (no index, nothing matched); `error` when something failed. */
  note: (text: string, error: boolean) => void;
}

type ReadReference = { attachment: Omit<ChatAttachment, "tokens"> } | { folder: FolderScope };

export class ChatPipeline {
  /** @workspace's and #folder's passages, from the workspace index (null: none set yet). */
  private indexSearch: WorkspaceIndexSearch | null = null;

  constructor(private readonly engine: EngineService) {}

  /** Lets @workspace and #folder search the workspace index (the index calls this when it starts). */
  setWorkspaceIndex(indexSearch: WorkspaceIndexSearch | null): void {
    this.indexSearch = indexSearch;
  }

  /** Whether there is an index to search (read from disk; starts no engine). */
  indexed(): boolean {
    return this.indexSearch?.indexed() ?? false;
  }

  /**
   * References → attachments → budget → prompt: the question's context read and measured, and the
   * prompt the model is given. Null when a reference could not be read and `unusable` said to stop.
   */
  async prepare(request: QuestionRequest): Promise<AssembledQuestion | null> {
    const read: Array<Omit<ChatAttachment, "tokens">> = [];
    const folders: FolderScope[] = [];
    for (const reference of request.references) {
      let found: ReadReference;
      try {
        found = await this.read(reference);
      } catch (error) {
        if (request.unusable(reference, error)) continue;
        return null;
      }
      if ("folder" in found) folders.push(found.folder);
      else read.push(found.attachment);
      request.used?.(reference);
    }
    const referenced = uniqueAttachments(read);
    const attached = (await request.attached?.()) ?? [];
    let retrieved: ChatAttachment[] = [];
    if (folders.length > 0) retrieved = await this.searchIndex(request.folderQuery || scopeName(folders), folders, request.note);
    else if (request.workspaceQuery !== undefined) retrieved = await this.searchIndex(request.workspaceQuery, undefined, request.note);
    const measured = await this.measure([...referenced, ...retrieved]);
    return assembleQuestion(request.text, {
      attached,
      referenced: measured.slice(0, referenced.length),
      retrieved: measured.slice(referenced.length),
    });
  }

  private async read(reference: QuestionReference): Promise<ReadReference> {
    switch (reference.kind) {
      case "typed": {
        const typed = reference.reference;
        if (typed.badRange !== undefined) {
          throw new AttachError(
            vscode.l10n.t("{0} is not a line range: write the first and last line, the first no greater than the last, counting from 1 (#file:{1}:10-20).", typed.badRange, typed.path),
          );
        }
        const uri = await resolveWorkspacePath(typed.path, typed.kind);
        if (typed.kind === "folder") return { folder: { label: `#folder:${typed.path}`, fsPath: uri.fsPath } };
        return { attachment: await referencedFileAttachment(uri, typed.path, typed.startLine, typed.endLine) };
      }
      case "uri":
        if (await isFolder(reference.uri)) {
          const label = vscode.workspace.asRelativePath(reference.uri, false);
          refuseSecretFolder(reference.uri, label);
          return { folder: { label, fsPath: reference.uri.fsPath } };
        }
        return { attachment: fileAttachment(await vscode.workspace.openTextDocument(reference.uri)) };
      case "location":
        return { attachment: locationAttachment(await vscode.workspace.openTextDocument(reference.location.uri), reference.location.range) };
      case "value": {
        const capped = capAttachment(reference.text);
        return { attachment: { id: reference.id, kind: "file", label: reference.label, detail: reference.label, content: capped.content } };
      }
    }
  }

  /**
   * Passages for `query` from the workspace index (only under `folders`, for #folder); a note (and
   * none) when there is no index or it cannot be searched, or when nothing under the folders matched.
   */
  async searchIndex(query: string, folders: readonly FolderScope[] | undefined, note: (text: string, error: boolean) => void): Promise<ChatAttachment[]> {
    const scope = folders ? scopeName(folders) : undefined;
    let found: ChatAttachment[] | null;
    try {
      found = (await this.indexSearch?.search(query, undefined, folders?.map((folder) => folder.fsPath))) ?? null;
    } catch (error) {
      note(vscode.l10n.t("{0} could not search the index: {1}", scope ?? "@workspace", errorText(error)), true);
      return [];
    }
    if (found === null) {
      note(
        scope
          ? vscode.l10n.t("The workspace is not indexed yet, so {0} has no passages to add. Run \"Hearth: Index Workspace\" to build the index (it runs in the background), or attach files with #file: instead.", scope)
          : workspaceNotIndexedNotice(),
        false,
      );
      return [];
    }
    if (found.length === 0 && scope) {
      note(
        vscode.l10n.t("The index has no passages under {0} that match the question, so none were added. Check that the folder is indexed (\"Hearth: Show Index Status\"), or ask with other words.", scope),
        false,
      );
    }
    return found;
  }

  /** Token counts with the loaded model's tokenizer; estimates (marked ≈) without one. */
  async measure<T extends Omit<ChatAttachment, "tokens">>(attachments: T[]): Promise<Array<T & { tokens: number; approximate?: boolean }>> {
    if (attachments.length === 0) return [];
    const counted = await this.engine.countTokens(attachments.map((attachment) => attachment.content)).catch(() => null);
    return measuredAttachments(attachments, counted?.counts ?? null);
  }

  /** Sends `prompt` as the next turn of `conversation` and streams the answer to `onText`. */
  answer(
    conversation: Conversation,
    prompt: string,
    onText: (text: string) => void,
    token: vscode.CancellationToken,
    options?: GenerationOptions,
  ): Promise<ChatTurnResult & { model: string }> {
    return this.engine.chatTurn(conversation, prompt, onText, token, options);
  }
}

/** What the user is told when @workspace has no index to search. */
export function workspaceNotIndexedNotice(): string {
  return vscode.l10n.t("The workspace is not indexed yet, so @workspace has no passages to add. Run \"Hearth: Index Workspace\" to build the index (it runs in the background), or attach the selection, the current file or the open editors instead.");
}

/** What the user is told when the engine left the oldest exchanges out to fit the context; null when it kept them all. */
export function trimmedHistoryNotice(result: ChatTurnResult & { model: string }): string | null {
  if (result.droppedTurns <= 0) return null;
  return vscode.l10n.t(
    "The conversation no longer fits in {0}'s context of {1} tokens, so the model no longer sees its oldest {2} exchanges (they stay here). Start a new chat, or raise hearth.contextSize, to keep everything in view.",
    result.model,
    result.contextSize,
    result.droppedTurns,
  );
}

function scopeName(folders: readonly FolderScope[]): string {
  return folders.map((folder) => folder.label).join(", ");
}
