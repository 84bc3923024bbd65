// The chat inside real VS Code, through the provider the view talks to: conversations kept on disk,
// switched, searched, renamed and deleted; context attached with token counts; code blocks inserted,
// applied through an accepted diff, or opened as new files; regenerate and edit; the chat in an
// editor panel. The real engine answers with the fixture model.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { ChatMessageView } from "../../../src/common/webviewProtocol";
import type { HearthApi } from "../../../src/extension/extension";
import { activateHearth, fixtureModel, waitFor } from "./support";

describe("Chat view in VS Code", function () {
  let api: HearthApi;
  let workspace: string;

  before(async () => {
    api = await activateHearth();
    await vscode.workspace.getConfiguration("hearth").update("threads", 1, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration("hearth").update("maxTokens", 24, vscode.ConfigurationTarget.Global);
    await api.engine.loadModel(fixtureModel("tiny-llama.gguf"));
    workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  async function openFile(name: string, content: string): Promise<vscode.TextEditor> {
    const file = path.join(workspace, name);
    fs.writeFileSync(file, content);
    const document = await vscode.workspace.openTextDocument(file);
    return vscode.window.showTextDocument(document, { preview: false });
  }

  it("keeps several conversations on disk, switches, searches, renames and deletes them", async () => {
    await api.chat.newChat();
    await api.chat.send("How do I read a file in Rust?");
    const first = api.chat.state.sessionId;
    assert.equal(api.chat.state.sessionTitle, "How do I read a file in Rust?");
    await api.chat.newChat();
    assert.notEqual(api.chat.state.sessionId, first);
    assert.equal(api.chat.state.messages.length, 0);
    await api.chat.send("What is a goroutine?");
    const second = api.chat.state.sessionId;
    await api.chat.flush();

    // Each conversation is its own file in the workspace's storage.
    const files = fs.readdirSync(api.chat.historyFolder).filter((name) => name.endsWith(".json"));
    assert.ok(files.includes(`${first}.json`) && files.includes(`${second}.json`), files.join(", "));
    const saved = JSON.parse(fs.readFileSync(path.join(api.chat.historyFolder, `${first}.json`), "utf8")) as { messages: Array<{ text: string }> };
    assert.equal(saved.messages[0]!.text, "How do I read a file in Rust?");
    assert.ok(saved.messages[1]!.text.length > 0, "the answer is saved");

    const found = await api.chat.listSessions("rust file");
    assert.deepEqual(found.map((s) => s.id), [first]);
    assert.ok((await api.chat.listSessions("")).length >= 2);

    await api.chat.openSession(first);
    assert.equal(api.chat.state.sessionId, first);
    assert.equal(api.chat.state.messages[0]!.text, "How do I read a file in Rust?");
    // The reopened conversation goes on where it was.
    await api.chat.send("And a directory?");
    assert.deepEqual(api.chat.state.messages.map((m) => m.role), ["user", "assistant", "user", "assistant"]);

    await api.chat.renameSession(first, "Rust notes");
    assert.equal(api.chat.state.sessionTitle, "Rust notes");
    await api.chat.send("One more");
    assert.equal(api.chat.state.sessionTitle, "Rust notes", "a renamed conversation keeps its name");

    await api.chat.deleteSession(second, { confirm: false });
    await api.chat.flush();
    assert.ok(!fs.existsSync(path.join(api.chat.historyFolder, `${second}.json`)));
    assert.deepEqual((await api.chat.listSessions("goroutine")).map((s) => s.id), []);
    assert.ok(fs.existsSync(path.join(api.chat.historyFolder, `${first}.json`)));
  });

  it("keeps conversations and the index in the workspace's folder under Hearth's home, shared with other windows", async () => {
    // Not in VS Code's storage folder for this window (a second window or a reconnect gets `…-1`).
    const home = process.env.HEARTH_HOME!;
    const root = path.dirname(api.chat.historyFolder);
    assert.equal(path.dirname(root), path.join(home, "workspaces"), api.chat.historyFolder);
    assert.equal(path.dirname(api.workspaceIndex.storeDir()), root, "the index sits beside the conversations");
    assert.match(fs.readFileSync(path.join(root, "workspace.json"), "utf8"), new RegExp(path.basename(workspace)));

    // Another window on this folder saves a conversation and adds to the one open here.
    await api.chat.newChat();
    await api.chat.send("Shared question");
    await api.chat.flush();
    const open = api.chat.state.sessionId;
    const file = path.join(api.chat.historyFolder, `${open}.json`);
    const saved = JSON.parse(fs.readFileSync(file, "utf8")) as { updatedAt: number; messages: unknown[] };
    saved.messages.push({ id: "c99", role: "user", text: "Asked in the other window" });
    saved.updatedAt = Date.now() + 1000;
    fs.writeFileSync(`${file}.other.tmp`, JSON.stringify(saved));
    fs.renameSync(`${file}.other.tmp`, file);
    const other = { id: "other-window-1", title: "", createdAt: Date.now(), updatedAt: Date.now(), messages: [{ id: "c1", role: "user", text: "Only in the other window" }] };
    fs.writeFileSync(path.join(api.chat.historyFolder, "other-window-1.json"), JSON.stringify(other));
    await waitFor(() => api.chat.state.messages.some((m) => m.text === "Asked in the other window"), "the open conversation to show the other window's message", 10_000);
    assert.ok((await api.chat.listSessions("other window")).some((s) => s.id === "other-window-1"), "History lists the other window's conversation");
    fs.rmSync(path.join(api.chat.historyFolder, "other-window-1.json"));
    await waitFor(async () => !(await api.chat.listSessions("")).some((s) => s.id === "other-window-1"), "a conversation deleted in the other window to leave History", 10_000);
  });

  it("attaches the selection with a token count from the model's tokenizer and sends it as context", async () => {
    await api.chat.newChat();
    const editor = await openFile("sample.ts", "export function add(a: number, b: number): number {\n  return a + b;\n}\n\nconsole.log(add(1, 2));\n");
    editor.selection = new vscode.Selection(0, 0, 3, 0);
    await vscode.commands.executeCommand("hearth.askAboutSelection");
    const [chip] = api.chat.state.attachments;
    assert.ok(chip, "Ask About Selection attached the selection");
    assert.equal(chip.label, "sample.ts:1-3");
    assert.equal(chip.kind, "selection");
    assert.ok(chip.tokens > 5 && !chip.approximate, `counted with the tokenizer: ${JSON.stringify(chip)}`);

    await api.chat.send("What does this do?");
    const question = api.chat.state.messages[0]!;
    assert.equal(question.text, "What does this do?", "the view shows what the user typed");
    assert.equal(question.attachments?.[0]?.label, "sample.ts:1-3");
    assert.equal((question as { prompt?: string }).prompt, undefined, "the prompt text stays in the host");
    assert.equal(api.chat.state.attachments.length, 0, "attachments go with one message");
    const given = api.chat.modelHistory()[0]!.text;
    assert.ok(given.includes("return a + b;"), "the model was given the selection");
    assert.ok(given.endsWith("Question: What does this do?"), given);
  });

  it("attaches the current file and the open editors, and refuses binary files", async () => {
    await api.chat.newChat();
    await openFile("notes.md", "# Notes\n\nSome text.\n");
    await api.chat.attachContext("file");
    await api.chat.attachContext("openEditors");
    const labels = api.chat.state.attachments.map((a) => a.label).sort();
    assert.deepEqual(labels, ["notes.md", "sample.ts"], "the file again replaces its chip; open editors adds the other");

    // Binary data without NULs, which VS Code still opens as text (full of replacement characters).
    const binary = path.join(workspace, "image.dat");
    fs.writeFileSync(binary, Buffer.from(Array.from({ length: 600 }, (_, i) => 0x80 + ((i * 37) % 0x7f))));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(binary));
    await api.chat.attachContext("file");
    assert.equal(api.chat.state.attachments.filter((a) => a.label === "image.dat").length, 0);
    // Without an index (an earlier suite may have built one), @workspace says how to make one.
    await vscode.commands.executeCommand("hearth.clearIndex");
    await api.chat.attachContext("workspace");
    assert.match(api.chat.state.messages.at(-1)?.text ?? "", /not indexed yet/);
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  it("inserts a code block at the cursor, opens one as a new file, and applies one through an accepted diff", async () => {
    const editor = await openFile("apply.py", "def greet():\n    print('hi')\n\ngreet()\n");
    editor.selection = new vscode.Selection(4, 0, 4, 0);
    assert.ok(await api.chat.code.insert("# inserted\n"));
    assert.equal(editor.document.getText().endsWith("greet()\n# inserted\n"), true, editor.document.getText());

    const created = await api.chat.code.newFile("fn main() {}\n", "rust");
    assert.equal(created.document.isUntitled, true);
    assert.equal(created.document.languageId, "rust");
    assert.equal(created.document.getText(), "fn main() {}\n");
    await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");

    // Apply with lines selected: a diff first, nothing changes until Accept.
    const target = await vscode.window.showTextDocument(editor.document);
    target.selection = new vscode.Selection(0, 0, 2, 0);
    const before = target.document.getText();
    const proposal = await api.chat.code.apply("def greet():\n    print('hello, world')\n");
    assert.ok(proposal);
    await waitFor(
      () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === "hearth-proposal")),
      "the diff to open",
    );
    assert.equal(target.document.getText(), before, "nothing changes before Accept");
    assert.equal(await vscode.commands.executeCommand("hearth.acceptProposal", proposal), true);
    assert.equal(target.document.getText(), "def greet():\n    print('hello, world')\n\ngreet()\n# inserted\n");
    await waitFor(
      () => !vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputTextDiff)),
      "the diff to close",
    );

    // Discard leaves the file alone; a file edited after the diff is not overwritten.
    await vscode.window.showTextDocument(target.document);
    const discarded = await api.chat.code.apply("nothing\n");
    await vscode.commands.executeCommand("hearth.discardProposal", discarded);
    assert.ok(target.document.getText().includes("hello, world"));
    await vscode.window.showTextDocument(target.document);
    const stale = await api.chat.code.apply("stale\n");
    const meanwhile = new vscode.WorkspaceEdit();
    meanwhile.insert(target.document.uri, new vscode.Position(0, 0), "# edited meanwhile\n");
    assert.ok(await vscode.workspace.applyEdit(meanwhile));
    assert.equal(await vscode.commands.executeCommand("hearth.acceptProposal", stale), false);
    assert.ok(!target.document.getText().includes("stale"));
    assert.equal(api.chat.code.pending, 0);
    await target.document.save();
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  it("regenerates the last answer and edits the last question in place", async () => {
    await api.chat.newChat();
    await api.chat.send("First question");
    await api.chat.send("Second question");
    await api.chat.regenerate();
    assert.deepEqual(api.chat.state.messages.map((m) => m.role), ["user", "assistant", "user", "assistant"]);
    await api.chat.editLast("Second question, reworded");
    const messages = api.chat.state.messages;
    assert.deepEqual(messages.map((m) => m.role), ["user", "assistant", "user", "assistant"]);
    assert.equal(messages[2]!.text, "Second question, reworded");
    assert.ok(messages[3]!.text.length > 0);
  });

  it("stops an answer on request and keeps what was written", async () => {
    await vscode.workspace.getConfiguration("hearth").update("maxTokens", 4000, vscode.ConfigurationTarget.Global);
    let answer: ChatMessageView | undefined;
    const tries: string[] = [];
    // The random-weight tiny model can end an answer on its own (end of text) before the stop
    // arrives, at ~1,000 tokens a second; then the stop had nothing to stop, so ask again, in other
    // words (the same words could end the same way).
    for (let attempt = 1; attempt <= 5; attempt++) {
      await api.chat.newChat();
      const sending = api.chat.send(`Tell me a very long story (take ${attempt}, about ${["a fox", "the sea", "a city", "a robot", "winter"][attempt - 1]})`);
      await waitFor(() => (api.chat.state.messages[1]?.text.length ?? 0) > 0, "the answer to start streaming");
      api.chat.stop();
      await sending;
      answer = api.chat.state.messages[1]!;
      tries.push(`${answer.text.length} chars, "${answer.footer ?? ""}"`);
      if (/stopped/.test(answer.footer ?? "")) break;
    }
    assert.ok(answer && answer.text.length > 0);
    assert.match(answer.footer ?? "", /stopped/, `every try ended before the stop: ${tries.join("; ")}`);
    assert.equal(api.chat.state.busy, false);
    await vscode.workspace.getConfiguration("hearth").update("maxTokens", 24, vscode.ConfigurationTarget.Global);
  });

  it("tells the user when the oldest exchanges no longer fit the context, and refuses a message that cannot fit", async () => {
    const config = vscode.workspace.getConfiguration("hearth");
    await config.update("contextSize", 256, vscode.ConfigurationTarget.Global);
    await api.engine.restartEngine();
    try {
      assert.equal(api.engine.activeModel?.contextSize, 256);
      await api.chat.newChat();
      const long = `Tell me about ${"the quick brown fox jumps over the lazy dog ".repeat(4)}`;
      const trimmed = (): ChatMessageView | undefined =>
        api.chat.state.messages.find((m) => m.role === "notice" && /no longer sees its oldest/.test(m.text));
      for (let turn = 1; turn <= 8 && !trimmed(); turn++) await api.chat.send(`${turn}. ${long}`);
      const notice = trimmed();
      assert.ok(notice, `a notice after ${api.chat.state.messages.length} messages: ${JSON.stringify(api.chat.state.messages.filter((m) => m.role === "notice").map((m) => m.text).slice(0, 3))}`);
      assert.match(notice.text, /context of 256 tokens/);
      assert.equal(notice.error, undefined, "trimming is news, not an error");
      // Every question and answer is still in the transcript (the model sees fewer of them).
      assert.ok(api.chat.state.messages.filter((m) => m.role === "assistant").every((m) => m.text.length > 0));

      await api.chat.send(`Summarise: ${"lorem ipsum dolor sit amet ".repeat(120)}`);
      const refusal = api.chat.state.messages.at(-1)!;
      assert.equal(refusal.role, "notice");
      assert.equal(refusal.error, true);
      assert.match(refusal.text, /does not fit in the model's context window/);
      assert.ok(api.chat.state.messages.some((m) => m.role === "user" && m.text.startsWith("Summarise:")), "the message is kept");
      // And the conversation goes on.
      await api.chat.send("Short one");
      const messages = api.chat.state.messages;
      const reply = messages[messages.findIndex((m) => m.role === "user" && m.text === "Short one") + 1];
      assert.ok(reply?.role === "assistant" && reply.text.length > 0, JSON.stringify(messages.slice(-3)));
    } finally {
      await config.update("contextSize", undefined, vscode.ConfigurationTarget.Global);
      await api.engine.restartEngine();
    }
  });

  it("opens a reply's path:line citation in the editor with those lines selected, and only inside the workspace", async () => {
    fs.mkdirSync(path.join(workspace, "src"), { recursive: true });
    fs.writeFileSync(path.join(workspace, "src", "cited.ts"), "one\ntwo\nthree\nfour\n");
    const editor = await api.chat.openCitation("src/cited.ts:2-3");
    assert.ok(editor, "the cited file opened");
    assert.equal(path.basename(editor.document.uri.fsPath), "cited.ts");
    assert.equal(editor.document.getText(editor.selection), "two\nthree");
    assert.equal(await api.chat.openCitation("../outside.ts:1"), undefined, "a path outside the workspace does not open");
    assert.equal(await api.chat.openCitation("src/missing.ts:1"), undefined);
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  it("gives its webviews scripts but no command links, forms or other folders", () => {
    const options = api.chat.webviewOptions();
    assert.equal(options.enableScripts, true);
    assert.equal(options.enableCommandUris, false);
    assert.equal(options.enableForms, false);
    assert.deepEqual(options.localResourceRoots?.map((uri) => path.basename(uri.path)).sort(), ["dist", "media"]);
  });

  it("answers a message sent while another answer streams after it, losing neither", async () => {
    await api.chat.newChat();
    const first = api.chat.send("First, while nothing runs");
    const second = api.chat.send("Second, sent at once");
    await Promise.all([first, second]);
    const messages = api.chat.state.messages;
    assert.deepEqual(messages.map((m) => m.role), ["user", "assistant", "user", "assistant"]);
    assert.deepEqual(messages.filter((m) => m.role === "user").map((m) => m.text), ["First, while nothing runs", "Second, sent at once"]);
    assert.ok(messages[1]!.text.length > 0 && messages[3]!.text.length > 0);
  });

  it("opens the same conversation in an editor panel", async () => {
    await vscode.commands.executeCommand("hearth.openChatInEditor");
    await waitFor(
      () => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes("hearth.chatPanel"))),
      "the chat panel tab",
    );
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  after(async () => {
    await vscode.workspace.getConfiguration("hearth").update("threads", undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration("hearth").update("maxTokens", undefined, vscode.ConfigurationTarget.Global);
  });
});
