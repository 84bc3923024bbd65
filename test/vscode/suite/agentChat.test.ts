// The Chat view's Thinking block and agent mode (issue 19, items 2 and 3) inside real VS Code, on the
// fixture llama whose template has a tool syntax and thinking (`tiny-llama-tools.gguf`): a thinking
// model's thought streams apart and is kept with the conversation; an agent turn runs several steps
// with a card per tool call, a secret refused, and an edit that changes nothing until the user
// accepts its diff. The tiny model cannot choose tools, so HEARTH_TEST_AGENT_STEPS pins each step's
// call (generated under a grammar by the real engine); everything else is the product path.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { ChatMessageView } from "../../../src/common/webviewProtocol";
import type { HearthApi } from "../../../src/extension/extension";
import { activateHearth, fixtureModel, waitFor } from "./support";

/** Waits for the proposed edit's diff; on a timeout, says where the turn stood. */
async function waitForDiff(api: HearthApi): Promise<void> {
  try {
    await waitFor(() => proposalTab() !== undefined, "the proposed edit's diff", 60_000);
  } catch (error) {
    const messages = api.chat.state.messages.map((message) => ({ role: message.role, text: message.text.slice(0, 200), tools: message.tools, streaming: message.streaming }));
    throw new Error(`${(error as Error).message}: ${JSON.stringify(messages)}`);
  }
}

function proposalTab(): vscode.Uri | undefined {
  for (const tab of vscode.window.tabGroups.all.flatMap((group) => group.tabs)) {
    if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === "hearth-proposal") return tab.input.modified;
  }
  return undefined;
}

describe("Agent mode and thinking in the Chat view", function () {
  let api: HearthApi;
  let workspace: string;
  const created: string[] = [];

  before(async () => {
    api = await activateHearth();
    await vscode.workspace.getConfiguration("hearth").update("threads", 1, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration("hearth").update("maxTokens", 400, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration("hearth").update("temperature", 0, vscode.ConfigurationTarget.Global);
    await api.engine.loadModel(fixtureModel("tiny-llama-tools.gguf"));
    workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  });

  after(async () => {
    delete process.env.HEARTH_TEST_AGENT_STEPS;
    for (const key of ["maxTokens", "temperature"]) await vscode.workspace.getConfiguration("hearth").update(key, undefined, vscode.ConfigurationTarget.Global);
    await api.chat.setAgent(false);
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    for (const file of created) fs.rmSync(file, { force: true });
  });

  function write(name: string, text: string): string {
    const file = path.join(workspace, name);
    fs.writeFileSync(file, text);
    created.push(file);
    return file;
  }

  function lastAnswer(): ChatMessageView {
    const answer = api.chat.state.messages.filter((message) => message.role === "assistant").at(-1);
    assert.ok(answer, "there is an answer");
    return answer;
  }

  it("streams a thinking model's thought apart from its answer, and keeps it with the conversation", async () => {
    await vscode.workspace.getConfiguration("hearth").update("maxTokens", 24, vscode.ConfigurationTarget.Global);
    await api.chat.newChat();
    assert.equal(api.chat.state.agent, false, "agent mode is off in a new conversation");
    await api.chat.send("Why is the sky blue?");
    const answer = lastAnswer();
    assert.ok((answer.thinking ?? "").length > 0, JSON.stringify(answer));
    assert.equal(answer.streaming, false);
    const session = api.chat.state.sessionId;
    await api.chat.flush();
    const saved = JSON.parse(fs.readFileSync(path.join(api.chat.historyFolder, `${session}.json`), "utf8")) as { messages: ChatMessageView[] };
    assert.equal(saved.messages[1]!.thinking, answer.thinking, "the thinking is saved with the turn");
    // Restored when the conversation is opened again.
    await api.chat.newChat();
    await api.chat.openSession(session);
    assert.equal(lastAnswer().thinking, answer.thinking);
    // The thought is the model's own: never put into what the model is given as history.
    assert.ok(!api.chat.modelHistory().some((turn) => turn.text.includes(answer.thinking!)));
    await vscode.workspace.getConfiguration("hearth").update("maxTokens", 400, vscode.ConfigurationTarget.Global);
  });

  it("runs a multi-step agent turn with a card per call, a secret refused, and an edit made only once accepted", async () => {
    const original = "# Agent notes\nThe build uses esbuild.\n";
    const proposed = "# Agent notes\nThe build uses esbuild and tsc.\n";
    const notes = write("agent-notes.md", original);
    write(".env.agent", "API_KEY=do-not-read\n");
    await api.chat.newChat();
    await api.chat.setAgent(true);
    assert.equal(api.chat.state.agent, true);
    process.env.HEARTH_TEST_AGENT_STEPS = JSON.stringify([
      { tool: "list_folder", arguments: { path: "." } },
      { tool: "read_file", arguments: { path: ".env.agent" } },
      { tool: "read_file", arguments: { path: "agent-notes.md" } },
      { tool: "propose_edit", arguments: { path: "agent-notes.md", text: proposed } },
      "none",
    ]);
    const sending = api.chat.send("Tidy the agent notes.");
    await waitForDiff(api);
    const waiting = lastAnswer();
    assert.deepEqual(waiting.tools?.map((card) => card.state), ["done", "refused", "done", "waiting"]);
    assert.equal(fs.readFileSync(notes, "utf8"), original, "nothing changes while the diff waits");
    assert.equal(await vscode.commands.executeCommand("hearth.acceptProposal", proposalTab()), true);
    await sending;
    delete process.env.HEARTH_TEST_AGENT_STEPS;

    assert.equal(fs.readFileSync(notes, "utf8"), proposed, "the accepted edit was made (and saved)");
    const answer = lastAnswer();
    const cards = answer.tools ?? [];
    assert.deepEqual(cards.map((card) => [card.tool, card.state]), [
      ["list_folder", "done"],
      ["read_file", "refused"],
      ["read_file", "done"],
      ["propose_edit", "done"],
    ]);
    assert.match(cards[0]!.arguments, /"path":"\."/);
    assert.ok((cards[0]!.resultChars ?? 0) > 0 && (cards[2]!.resultChars ?? 0) >= original.length, JSON.stringify(cards));
    assert.match(cards[1]!.detail ?? "", /secret|\.env/);
    assert.match(answer.footer ?? "", /4 tool calls/);
    // The last step offered no tools: the step limit (the pinned steps) said so.
    assert.ok(api.chat.state.messages.some((message) => message.role === "notice" && /used all 5 steps/.test(message.text)));

    // Kept with the conversation: the cards and agent mode come back with it.
    const session = api.chat.state.sessionId;
    await api.chat.flush();
    await api.chat.newChat();
    assert.equal(api.chat.state.agent, false);
    await api.chat.openSession(session);
    assert.equal(api.chat.state.agent, true);
    assert.deepEqual(lastAnswer().tools?.map((card) => card.state), ["done", "refused", "done", "done"]);
  });

  it("leaves a file as it was when the user discards the proposed edit", async () => {
    const original = "line one\nline two\nline three\n";
    const file = write("agent-discard.txt", original);
    await api.chat.newChat();
    await api.chat.setAgent(true);
    process.env.HEARTH_TEST_AGENT_STEPS = JSON.stringify([{ tool: "propose_edit", arguments: { path: "agent-discard.txt", text: "LINE TWO", startLine: 2, endLine: 2 } }, "none"]);
    const sending = api.chat.send("Shout line two.");
    await waitForDiff(api);
    const shown = await vscode.workspace.openTextDocument(proposalTab()!);
    assert.equal(shown.getText(), "line one\nLINE TWO\nline three\n", "the diff shows the line replaced, its newline kept");
    await vscode.commands.executeCommand("hearth.discardProposal", proposalTab());
    await sending;
    delete process.env.HEARTH_TEST_AGENT_STEPS;
    assert.equal(fs.readFileSync(file, "utf8"), original);
    assert.deepEqual(lastAnswer().tools?.map((card) => card.state), ["declined"]);
    assert.equal(api.chat.code.pending, 0);
  });
});
