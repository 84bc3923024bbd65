// `#file:` and `#folder:` in the Chat view inside real VS Code, through the provider the view talks
// to, with the real engine and the fixture models: a file's exact text (or only the lines of a
// range) fenced in the prompt, a quoted path with spaces, a folder's retrieval kept under it (the
// workspace indexed first with the fixture embedding model), and the notices for a path outside
// the workspace, a missing one, and a folder before the workspace is indexed. Also the composer's
// suggestions (findFiles, honouring files.exclude) and `@hearth` given a folder reference.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { ParticipantResultMetadata } from "../../../src/extension/chat/chatParticipant";
import type { HearthApi } from "../../../src/extension/extension";
import { activateHearth, fixtureModel } from "./support";
import { fakePrivateKey, fakeTokens } from "../../support/fakeSecrets";

/** A ChatResponseStream that keeps what the handler wrote. */
class RecordingStream implements vscode.ChatResponseStream {
  readonly markdowns: string[] = [];
  readonly references: Array<vscode.Uri | vscode.Location> = [];
  get text(): string {
    return this.markdowns.join("");
  }
  markdown(value: string | vscode.MarkdownString): void {
    this.markdowns.push(typeof value === "string" ? value : value.value);
  }
  anchor(): void {}
  button(): void {}
  filetree(): void {}
  progress(): void {}
  reference(value: vscode.Uri | vscode.Location): void {
    this.references.push(value);
  }
  push(): void {}
}

describe("#file and #folder in the chat", function () {
  let api: HearthApi;
  let workspace: string;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration("hearth");
  const write = (relative: string, text: string): void => {
    const file = path.join(workspace, ...relative.split("/"));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  const pricing = (flavour: string): string =>
    `export function computeDiscountRate(total: number): number {\n  // ${flavour} pricing\n  return total > 100 ? 0.1 : 0;\n}\n`;

  /** Sends `text` in a new conversation; the prompt the model was given (null when nothing was sent). */
  async function promptFor(text: string): Promise<string | null> {
    await api.chat.newChat();
    await api.chat.send(text);
    return api.chat.modelHistory()[0]?.text ?? null;
  }

  const notices = (): string[] => api.chat.state.messages.filter((message) => message.role === "notice").map((message) => message.text);

  before(async () => {
    api = await activateHearth();
    workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    await config().update("threads", 1, vscode.ConfigurationTarget.Global);
    await config().update("maxTokens", 8, vscode.ConfigurationTarget.Global);
    await config().update("index.embeddingModel", fixtureModel("tiny-bert-embed.gguf"), vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration("files").update("exclude", { "**/secret-drafts": true }, vscode.ConfigurationTarget.Global);
    write("refs/notes/my file.md", "# Notes\n\nThe exact text of my file, `with` backticks.\n");
    write("refs/lines.ts", "const one = 1;\nconst two = 2;\nconst three = 3;\nconst four = 4;\n");
    write("refs/alpha/pricing.ts", pricing("alpha"));
    write("refs/beta/pricing.ts", pricing("beta"));
    write("refs/secret-drafts/draft.md", "hidden by files.exclude\n");
    await api.engine.loadModel(fixtureModel("tiny-llama.gguf"));
  });

  after(async () => {
    await config().update("index.embeddingModel", undefined, vscode.ConfigurationTarget.Global);
    await config().update("maxTokens", undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration("files").update("exclude", undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand("hearth.clearIndex");
    fs.rmSync(path.join(workspace, "refs"), { recursive: true, force: true });
  });

  it("#file attaches the file's exact text, a quoted path with spaces, and only the lines of a range", async () => {
    const whole = await promptFor("Summarize #file:\"refs/notes/my file.md\" please");
    assert.ok(whole, "sent");
    assert.equal(
      whole,
      "Context for the question below:\n\nrefs/notes/my file.md\n```markdown\n# Notes\n\nThe exact text of my file, `with` backticks.\n```\n\nQuestion: Summarize #file:\"refs/notes/my file.md\" please",
    );
    const question = api.chat.state.messages.find((message) => message.role === "user")!;
    assert.equal(question.attachments?.[0]?.label, "my file.md");
    assert.ok((question.attachments?.[0]?.tokens ?? 0) > 0, "the chip counts its tokens");

    const range = await promptFor("What do #file:refs/lines.ts:2-3 hold?");
    assert.ok(range?.includes("refs/lines.ts:2-3\n```typescript\nconst two = 2;\nconst three = 3;\n```"), range ?? "");
    assert.ok(!range?.includes("const one") && !range?.includes("const four"), "only the range's lines");
  });

  it("an edit that changes a #file reads the new file, keeping the chips sent from the composer; a bad one leaves the conversation as it was", async () => {
    await api.chat.newChat();
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(workspace, "refs", "alpha", "pricing.ts")));
    editor.selection = new vscode.Selection(1, 0, 1, 20);
    await api.chat.attachContext("selection");
    await api.chat.send("What is #file:refs/lines.ts:1 next to this?");
    assert.ok(api.chat.modelHistory()[0]!.text.includes("const one = 1;"));
    await api.chat.editLast("What is #file:refs/lines.ts:4 next to this?");
    const edited = api.chat.modelHistory()[0]!.text;
    assert.ok(edited.includes("refs/lines.ts:4\n```typescript\nconst four = 4;\n```"), edited);
    assert.ok(!edited.includes("const one"), "the old reference's text is gone");
    assert.ok(edited.includes("refs/alpha/pricing.ts:2\n```typescript\n  // alpha pricing\n```"), "the selection chip stays");
    assert.deepEqual(
      api.chat.state.messages.filter((message) => message.role === "user").map((message) => message.text),
      ["What is #file:refs/lines.ts:4 next to this?"],
    );

    await api.chat.editLast("What is #file:refs/gone.ts next to this?");
    assert.match(notices().at(-1) ?? "", /There is no file refs\/gone\.ts in the workspace/);
    assert.ok(api.chat.modelHistory()[0]!.text.includes("const four = 4;"), "the edited question and its answer stay");
    assert.equal(api.chat.state.messages.filter((message) => message.role === "user")[0]!.text, "What is #file:refs/lines.ts:4 next to this?");
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
  });

  it("keeps a message with a path outside the workspace, a missing one or a bad range out, and says why", async () => {
    fs.writeFileSync(path.join(path.dirname(workspace), "outside-refs.ts"), "export const outside = 1;\n");
    for (const [text, said] of [
      ["Explain #file:../outside-refs.ts", /\.\.\/outside-refs\.ts is outside the workspace/],
      ["Explain #file:refs/nope.ts", /There is no file refs\/nope\.ts in the workspace/],
      ["Explain #folder:refs/gamma", /There is no folder refs\/gamma in the workspace/],
      ["Explain #file:refs/lines.ts:9-12", /refs\/lines\.ts has only 4 lines/],
      ["Explain #file:refs/alpha", /refs\/alpha is a folder/],
    ] as const) {
      const prompt = await promptFor(text);
      assert.equal(prompt, null, `${text}: nothing reaches the model`);
      assert.equal(api.chat.state.messages.filter((message) => message.role === "user").length, 0, `${text}: no question added`);
      const notice = notices().at(-1) ?? "";
      assert.match(notice, said);
      assert.match(notice, /^Hearth did not send the message: .+ The message is back in the box below to fix and send\.$/);
    }
  });

  it("never attaches a secret: by name, by content, through a link inside or outside the workspace, nor a credential folder (issue 14)", async () => {
    const key = fakePrivateKey("OPENSSH");
    write("secrets/.env", "API_TOKEN=abc\n");
    write("secrets/notes.txt", `deploy key:\n${key}`);
    write("secrets/settings.ts", `export const awsKey = "${fakeTokens.aws()}";\nexport const region = "eu";\n`);
    write(".ssh/config", "Host x\n");
    const outside = path.join(path.dirname(workspace), "outside-credentials");
    fs.writeFileSync(outside, "[default]\naws_secret_access_key = abc\n");
    fs.symlinkSync(outside, path.join(workspace, "secrets", "aws-link.txt"));
    fs.symlinkSync(path.join(workspace, "secrets", ".env"), path.join(workspace, "secrets", "env-link.txt"));
    for (const [text, said] of [
      ["Explain #file:secrets/.env", /Hearth did not attach secrets\/\.env: its name, \.env, is that of a file that holds keys or credentials\. Hearth never sends secrets to a model\./],
      ["Explain #file:secrets/notes.txt", /Hearth did not attach secrets\/notes\.txt: it contains a private key\./],
      ["Explain #file:secrets/settings.ts:2", /Hearth did not attach secrets\/settings\.ts: it contains an AWS access key ID\./],
      ["Explain #file:secrets/aws-link.txt", /secrets\/aws-link\.txt is a link to .*outside-credentials, outside the workspace, so Hearth did not read it/],
      ["Explain #file:secrets/env-link.txt", /Hearth did not attach secrets\/env-link\.txt: its name, \.env, is that of a file/],
      ["Explain #folder:.ssh", /Hearth did not attach \.ssh: it is inside \.ssh\/, a folder that holds credentials\./],
    ] as const) {
      const prompt = await promptFor(text);
      assert.equal(prompt, null, `${text}: nothing reaches the model`);
      const notice = notices().at(-1) ?? "";
      assert.match(notice, said);
    }
    // The composer's "current file" refuses a secret too: no chip.
    await api.chat.newChat();
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(path.join(workspace, "secrets", "notes.txt")));
    await api.chat.attachContext("file");
    // A selection is checked for what it holds: the key's lines are refused, the line before is not.
    editor.selection = new vscode.Selection(1, 0, editor.document.lineCount - 1, 0);
    await api.chat.attachContext("selection");
    assert.equal(api.chat.state.attachments.length, 0, "neither the file nor the key's lines were attached");
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await api.chat.attachContext("selection");
    assert.deepEqual(api.chat.state.attachments.map((a) => a.label), ["notes.txt:1"]);
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    fs.rmSync(path.join(workspace, "secrets"), { recursive: true, force: true });
    fs.rmSync(path.join(workspace, ".ssh"), { recursive: true, force: true });
    fs.rmSync(outside, { force: true });
  });

  it("#folder says how to index when there is no index, then keeps retrieved passages under the folder", async () => {
    await vscode.commands.executeCommand("hearth.clearIndex");
    const unindexed = await promptFor("#folder:refs/beta where is computeDiscountRate?");
    assert.equal(unindexed, "#folder:refs/beta where is computeDiscountRate?", "sent, with nothing attached");
    assert.match(notices()[0] ?? "", /The workspace is not indexed yet, so #folder:refs\/beta has no passages to add\. Run "Hearth: Index Workspace"/);

    await vscode.commands.executeCommand("hearth.indexWorkspace");
    assert.ok(api.workspaceIndex.hasIndex());
    const everywhere = (await api.workspaceIndex.search("computeDiscountRate"))!.map((passage) => passage.label);
    assert.ok(everywhere.some((label) => label.startsWith("refs/alpha/")), `both folders match without #folder: ${everywhere.join(", ")}`);

    const scoped = await promptFor("#folder:refs/beta where is computeDiscountRate?");
    assert.ok(scoped?.includes("refs/beta/pricing.ts:1-4\n```typescript\nexport function computeDiscountRate"), scoped ?? "");
    assert.ok(!scoped?.includes("refs/alpha/"), "nothing from outside the folder");
    const chips = api.chat.state.messages.find((message) => message.role === "user")!.attachments ?? [];
    assert.ok(chips.length > 0 && chips.every((chip) => chip.label.startsWith("refs/beta/")), JSON.stringify(chips));
  });

  it("suggests workspace files and folders for the composer, leaving out what files.exclude hides", async () => {
    const files = await api.chat.completePaths("file", "my fi");
    assert.equal(files[0], "refs/notes/my file.md");
    assert.deepEqual((await api.chat.completePaths("folder", "refs/b"))[0], "refs/beta");
    const all = await api.chat.completePaths("file", "draft");
    assert.ok(!all.some((file) => file.includes("secret-drafts")), `files.exclude is honoured: ${all.join(", ")}`);
    assert.ok((await api.chat.completePaths("file", "")).length <= 12, "a short list");
  });

  it("@hearth keeps a folder reference's passages under that folder", async () => {
    assert.ok(api.workspaceIndex.hasIndex(), "indexed by the test before");
    const folder = vscode.Uri.file(path.join(workspace, "refs", "beta"));
    const prompt = "where is computeDiscountRate defined? #folder:beta";
    const stream = new RecordingStream();
    const source = new vscode.CancellationTokenSource();
    const request = { prompt, command: undefined, references: [{ id: "vscode.folder", value: folder, range: [prompt.length - 12, prompt.length] }], toolReferences: [] } as unknown as vscode.ChatRequest;
    const result = await api.participant.handle(request, { history: [] }, stream, source.token);
    source.dispose();
    assert.ok(!(result.metadata as ParticipantResultMetadata).error, stream.text);
    assert.equal(stream.references.length, 1);
    const history = [
      { prompt, participant: "hearth.chat", references: [], toolReferences: [] } as unknown as vscode.ChatRequestTurn,
      { response: [new vscode.ChatResponseMarkdownPart(stream.text)], result, participant: "hearth.chat" } as unknown as vscode.ChatResponseTurn,
    ];
    const given = api.participant.modelHistory(history)![0]!.text;
    assert.ok(given.includes("refs/beta/pricing.ts:1-4\n```typescript\nexport function computeDiscountRate"), given);
    assert.ok(!given.includes("refs/alpha/"), "nothing from outside the folder");
    api.participant.forget();
  });
});
