// The words of the chat webview's page, in the user's language (vscode.l10n): the webview itself
// knows none and shows what the host sends with each state.
import * as vscode from "vscode";

/**
 * Every string the page shows. `remote` names the remote model answering (hearth.remote.*); the
 * page puts the name of the model that answers into the composer's placeholder itself.
 */
export function chatViewStrings(remote: string | null): Record<string, string> {
  return {
    // {0} stays for the page, which names the model that answers as it changes.
    placeholder: vscode.l10n.t("Ask {0} anything. Enter sends, Shift+Enter adds a line, ↑ edits your last message, Esc stops.", "{0}"),
    // Whole, not "the model" put into the sentence above: Chinese spaces a name, not a word.
    placeholderNoModel: vscode.l10n.t("Ask the model anything. Enter sends, Shift+Enter adds a line, ↑ edits your last message, Esc stops."),
    send: vscode.l10n.t("Send"),
    stop: vscode.l10n.t("Stop"),
    newChat: vscode.l10n.t("New Chat"),
    loadModel: vscode.l10n.t("Choose a model"),
    noModel: vscode.l10n.t("No model loaded"),
    nextModel: vscode.l10n.t("{0} (loads when you send)"),
    you: vscode.l10n.t("You"),
    assistant: vscode.l10n.t("Hearth"),
    empty: remote
      ? vscode.l10n.t("Chat with {0}, a model on a remote server (settings hearth.remote.*). Your messages go to that server.", remote)
      : vscode.l10n.t("Chat with a model that runs on this machine. Nothing leaves it."),
    input: vscode.l10n.t("Message to the model"),
    transcript: vscode.l10n.t("Conversation"),
    copy: vscode.l10n.t("Copy"),
    copied: vscode.l10n.t("Copied"),
    copyCode: vscode.l10n.t("Copy code"),
    copyMessage: vscode.l10n.t("Copy message"),
    insert: vscode.l10n.t("Insert"),
    insertTitle: vscode.l10n.t("Insert at the cursor in the last editor"),
    apply: vscode.l10n.t("Apply"),
    applyTitle: vscode.l10n.t("Apply to the last editor's file (shows a diff to accept first)"),
    newFile: vscode.l10n.t("New File"),
    newFileTitle: vscode.l10n.t("Open the code in a new untitled file"),
    regenerate: vscode.l10n.t("Regenerate"),
    regenerateTitle: vscode.l10n.t("Answer the last question again"),
    edit: vscode.l10n.t("Edit"),
    editTitle: vscode.l10n.t("Edit your last message and send it again"),
    cancelEdit: vscode.l10n.t("Cancel editing"),
    editing: vscode.l10n.t("Editing your last message: Enter sends it again in place of the old one."),
    attach: vscode.l10n.t("Attach context"),
    attachTitle: vscode.l10n.t("Attach the selection, the current file, the open editors or @workspace"),
    detach: vscode.l10n.t("Remove {0}"),
    tokens: vscode.l10n.t("{0} tokens"),
    approxTokens: vscode.l10n.t("≈{0} tokens"),
    history: vscode.l10n.t("History"),
    historyTitle: vscode.l10n.t("Conversations in this workspace"),
    search: vscode.l10n.t("Search conversations"),
    noSessions: vscode.l10n.t("No conversations match."),
    deleteSession: vscode.l10n.t("Delete conversation {0}"),
    renameSession: vscode.l10n.t("Rename conversation {0}"),
    messagesCount: vscode.l10n.t("{0} messages"),
    close: vscode.l10n.t("Close"),
    modelTitle: vscode.l10n.t("The model answering; click to choose another model or profile"),
    suggestions: vscode.l10n.t("Suggestions"),
    fileKeyword: vscode.l10n.t("attach a workspace file (add :10-20 for lines)"),
    folderKeyword: vscode.l10n.t("search the index under a workspace folder"),
    noPaths: vscode.l10n.t("No matching files or folders in the workspace"),
    agent: vscode.l10n.t("Agent"),
    agentOffTitle: vscode.l10n.t("Agent mode is off: turn it on to let the model search, read and list workspace files, propose edits and ask to run commands in this conversation"),
    agentOnTitle: vscode.l10n.t("Agent mode is on: the model may call workspace tools; edits and commands wait for your confirmation. Click to turn it off"),
    thinking: vscode.l10n.t("Thinking"),
    thinkingNow: vscode.l10n.t("Thinking…"),
    toolCalls: vscode.l10n.t("Tool calls"),
    resultChars: vscode.l10n.t("{0} characters"),
    tool_running: vscode.l10n.t("running"),
    tool_waiting: vscode.l10n.t("waiting for you"),
    tool_done: vscode.l10n.t("done"),
    tool_refused: vscode.l10n.t("refused"),
    tool_declined: vscode.l10n.t("declined"),
    tool_failed: vscode.l10n.t("failed"),
  };
}
