// Agent mode's tools in VS Code: what the loop (src/common/agent/agentLoop.ts) runs for each call
// the model makes. Reads go through the same doors as #file and #folder (chatAttachments.ts): a
// path must really be inside the workspace folders (links followed), never a secret, never a binary
// file, cut to size. propose_edit shows the change as a diff and waits for Accept (the chat's
// Apply-with-diff flow, chatCodeActions.ts); run_command asks in a modal that shows the exact command,
// every time, and runs it in a terminal only after Run.
import * as path from "node:path";
import * as vscode from "vscode";
import type { ConfirmedAction, ReadAction } from "../../common/agent/agentTools";
import { AgentRefusal, maxToolResultChars, numberLines, plainTerminalText } from "../../common/agent/agentTools";
import { secretByPath } from "../../common/index/secretRules";
import { AttachError, referencedFileAttachment, resolveWorkspacePath } from "../chat/chatAttachments";
import type { AcceptedProposal, ChatCodeActions } from "../chat/chatCodeActions";
import type { ChatPipeline } from "../chat/chatPipeline";

/** Entries list_folder shows at most. */
const maxListed = 300;
/** Definitions find_definition shows at most, and lines of each. */
const maxDefinitions = 5;
const definitionLines = 20;
/** How long a new terminal may take to report its shell integration before the command is only sent. */
const shellIntegrationWaitMs = 5_000;

/** A #file/#folder refusal (outside the workspace, a secret, a binary file) as the agent's. */
async function confined<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AttachError) throw new AgentRefusal(error.message);
    if (error instanceof vscode.FileSystemError) throw new AgentRefusal(error.message);
    throw error;
  }
}

export class AgentWorkspaceTools {
  /** The changes the user accepted in a diff, until they are made (keyed by the action shown). */
  private readonly accepted = new WeakMap<ConfirmedAction, AcceptedProposal>();

  constructor(
    private readonly pipeline: ChatPipeline,
    private readonly code: ChatCodeActions,
    private readonly signal: AbortSignal,
  ) {}

  async read(action: ReadAction): Promise<string> {
    switch (action.tool) {
      case "search_workspace":
        return this.search(action.query);
      case "read_file":
        return confined(async () => {
          const uri = await resolveWorkspacePath(action.path, "file");
          const read = await referencedFileAttachment(uri, action.path, action.startLine, action.endLine);
          return `${read.detail ?? action.path}\n${numberLines(read.content, action.startLine ?? 1)}`;
        });
      case "list_folder":
        return confined(() => this.list(action.path));
      case "find_definition":
        return this.findDefinition(action.symbol);
    }
  }

  private async search(query: string): Promise<string> {
    const notes: string[] = [];
    const passages = await this.pipeline.searchIndex(query, undefined, (note) => notes.push(note));
    if (passages.length === 0) return notes.join("\n") || vscode.l10n.t("No passages in the workspace index match \"{0}\".", query);
    return passages.map((passage) => `--- ${passage.detail ?? passage.label}\n${passage.content}`).join("\n\n");
  }

  private async list(folder: string): Promise<string> {
    const uri = await resolveWorkspacePath(folder, "folder");
    const entries = await vscode.workspace.fs.readDirectory(uri);
    const shown: string[] = [];
    let hidden = 0;
    for (const [name, type] of entries.sort(([a], [b]) => a.localeCompare(b))) {
      const isFolder = (type & vscode.FileType.Directory) !== 0;
      const relative = folder === "." ? name : `${folder}/${name}`;
      if (secretByPath(isFolder ? `${relative}/x` : relative)) {
        hidden++;
        continue;
      }
      shown.push(isFolder ? `${name}/` : name);
    }
    const lines = shown.slice(0, maxListed);
    if (shown.length > maxListed) lines.push(vscode.l10n.t("… and {0} more", shown.length - maxListed));
    if (hidden > 0) lines.push(vscode.l10n.t("({0} entries not shown: they hold secrets, which Hearth never reads)", hidden));
    return lines.length > 0 ? lines.join("\n") : vscode.l10n.t("{0} is empty.", folder);
  }

  /**
   * Where `symbol` is defined, from the language servers (VS Code's workspace symbol provider),
   * else the index's passages that mention it.
   */
  private async findDefinition(symbol: string): Promise<string> {
    const symbols = (await vscode.commands.executeCommand<vscode.SymbolInformation[] | undefined>("vscode.executeWorkspaceSymbolProvider", symbol)) ?? [];
    const exact = symbols.filter((found) => found.location.uri.scheme === "file" && found.name.replace(/\(.*$/, "") === symbol);
    const shown: string[] = [];
    for (const found of exact) {
      if (shown.length >= maxDefinitions) break;
      const relative = vscode.workspace.asRelativePath(found.location.uri, false);
      const start = found.location.range.start.line + 1;
      const end = Math.max(start, Math.min(found.location.range.end.line + 1, start + definitionLines - 1));
      try {
        const uri = await resolveWorkspacePath(relative, "file");
        const read = await referencedFileAttachment(uri, relative, start, end);
        shown.push(`--- ${relative}:${start} (${vscode.SymbolKind[found.kind] ?? ""})\n${numberLines(read.content, start)}`);
      } catch (error) {
        // Outside the workspace, a secret or a binary file: not shown.
        if (!(error instanceof AttachError)) throw error;
      }
    }
    if (shown.length > 0) return shown.join("\n\n");
    const passages = await this.pipeline.searchIndex(symbol, undefined, () => undefined);
    const mentioning = passages.filter((passage) => passage.content.includes(symbol));
    if (mentioning.length === 0) return vscode.l10n.t("No definition of {0} was found: no language server knows it, and no passage of the workspace index mentions it.", symbol);
    return [
      vscode.l10n.t("No language server knows {0}; these passages of the workspace index mention it:", symbol),
      ...mentioning.map((passage) => `--- ${passage.detail ?? passage.label}\n${passage.content}`),
    ].join("\n\n");
  }

  /** Asks the user about this exact action: a diff to accept, or a modal that shows the command. */
  async confirm(action: ConfirmedAction): Promise<boolean> {
    if (action.tool === "run_command") {
      if (!vscode.workspace.isTrusted) {
        throw new AgentRefusal(
          vscode.l10n.t("This workspace is in Restricted Mode, so Hearth runs no commands in it. Trust the workspace (Manage Workspace Trust) to let the agent ask to run commands."),
        );
      }
      const run = vscode.l10n.t("Run");
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t("Hearth's agent asks to run this command in a terminal in {0}. Run it? It runs with your permissions; read it first.", this.workingFolder() ?? "~"),
        { modal: true, detail: action.command },
        run,
      );
      return choice === run && !this.signal.aborted;
    }
    const change = await confined(async () => {
      const uri = await resolveWorkspacePath(action.path, "file");
      // Read as read_file reads it: never a secret (the diff would show it), never a binary file.
      await referencedFileAttachment(uri, action.path);
      const document = await vscode.workspace.openTextDocument(uri);
      return { document, range: editRange(document, action) };
    });
    // Lines replaced with their newline get the replacement's own.
    const text = action.startLine !== undefined && change.range.end.character === 0 && !action.text.endsWith("\n") ? `${action.text}\n` : action.text;
    const accepted = await this.code.review(change.document, change.range, text, this.signal);
    if (!accepted) return false;
    this.accepted.set(action, accepted);
    return true;
  }

  /** Does what the user confirmed: makes the accepted change, or runs the command. */
  async perform(action: ConfirmedAction): Promise<string> {
    if (action.tool === "run_command") return this.runCommand(action.command);
    const accepted = this.accepted.get(action);
    // Never without the user's Accept of this very action.
    if (!accepted) throw new AgentRefusal(vscode.l10n.t("The change was not accepted, so Hearth did not make it."));
    this.accepted.delete(action);
    if (!(await this.code.applyAccepted(accepted))) {
      throw new AgentRefusal(vscode.l10n.t("{0} changed after the diff was made, so Hearth left it as it is.", action.path));
    }
    return vscode.l10n.t("The user accepted the change: {0} now has it.", action.path);
  }

  private workingFolder(): string | undefined {
    return (vscode.workspace.workspaceFolders ?? []).find((folder) => folder.uri.scheme === "file")?.uri.fsPath;
  }

  private async runCommand(command: string): Promise<string> {
    const terminal = vscode.window.createTerminal({ name: vscode.l10n.t("Hearth Agent"), ...(this.workingFolder() ? { cwd: this.workingFolder()! } : {}) });
    terminal.show(true);
    const integration = await shellIntegration(terminal, this.signal);
    if (!integration) {
      terminal.sendText(command, true);
      return vscode.l10n.t(
        "The command was started in the terminal \"Hearth Agent\", but its output cannot be read from here (the terminal has no shell integration). Ask the user what it printed.",
      );
    }
    const execution = integration.executeCommand(command);
    const ended = new Promise<number | undefined>((resolve) => {
      const listener = vscode.window.onDidEndTerminalShellExecution((event) => {
        if (event.execution !== execution) return;
        listener.dispose();
        resolve(event.exitCode);
      });
    });
    let output = "";
    const read = (async (): Promise<void> => {
      for await (const data of execution.read()) {
        output += data;
        // Keep the end: a long output's last lines say how it finished.
        if (output.length > 4 * maxToolResultChars) output = output.slice(-2 * maxToolResultChars);
      }
    })();
    const stopped = new Promise<"stopped">((resolve) => {
      if (this.signal.aborted) resolve("stopped");
      this.signal.addEventListener("abort", () => resolve("stopped"), { once: true });
    });
    const outcome = await Promise.race([Promise.all([read, ended]).then(([, code]) => code), stopped]);
    if (outcome === "stopped") {
      terminal.sendText("\u0003", false);
      return vscode.l10n.t("Stopped by the user before the command finished.");
    }
    let text = plainTerminalText(output).trim();
    if (text.length > maxToolResultChars) text = `…${text.slice(-maxToolResultChars)}`;
    return `${outcome === undefined ? vscode.l10n.t("The command finished (its exit code is unknown).") : vscode.l10n.t("The command finished with exit code {0}.", outcome)}\n${text}`;
  }
}

/** The lines propose_edit replaces: startLine..endLine, or the whole document. */
function editRange(document: vscode.TextDocument, action: Extract<ConfirmedAction, { tool: "propose_edit" }>): vscode.Range {
  if (action.startLine === undefined) return new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
  const lineCount = document.lineCount > 1 && document.lineAt(document.lineCount - 1).text === "" ? document.lineCount - 1 : document.lineCount;
  if (action.startLine > lineCount) {
    throw new AgentRefusal(vscode.l10n.t("{0} has only {1} lines, so it has no line {2}.", path.basename(action.path), lineCount, action.startLine));
  }
  const last = Math.min(action.endLine ?? action.startLine, lineCount);
  // Whole lines, their newline included: the replacement text ends with its own.
  const end = last < document.lineCount - 1 ? new vscode.Position(last, 0) : document.lineAt(last - 1).range.end;
  return new vscode.Range(new vscode.Position(action.startLine - 1, 0), end);
}

/** The terminal's shell integration, once its shell reports it (not every shell does); null if it does not. */
async function shellIntegration(terminal: vscode.Terminal, signal: AbortSignal): Promise<vscode.TerminalShellIntegration | null> {
  if (terminal.shellIntegration) return terminal.shellIntegration;
  return new Promise((resolve) => {
    const done = (value: vscode.TerminalShellIntegration | null): void => {
      clearTimeout(timer);
      listener.dispose();
      resolve(value);
    };
    const listener = vscode.window.onDidChangeTerminalShellIntegration((event) => {
      if (event.terminal === terminal) done(event.shellIntegration);
    });
    const timer = setTimeout(() => done(terminal.shellIntegration ?? null), shellIntegrationWaitMs);
    signal.addEventListener("abort", () => done(null), { once: true });
  });
}
