// Hearth: Start Local API / Stop Local API in real VS Code: the API runs inside the engine
// process at the address the hearth.api.host setting names, comes back after the engine
// restarts, and stops on the command. Then the same API serves as a remote engine
// (hearth.remote.*): Run Prompt answers from it with no model loaded in the extension, and Review
// Selection / Review File generate on it with its structured output.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import * as vscode from "vscode";
import type { HearthApi } from "../../../src/extension/extension";
import type { ReviewRunResult } from "../../../src/extension/review/reviewCommands";
import { activateHearth, fixtureModel, waitFor } from "./support";

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function versionAt(url: string): Promise<string | null> {
  try {
    const response = await fetch(`${url}/api/version`);
    return response.ok ? ((await response.json()) as { version: string }).version : null;
  } catch {
    return null;
  }
}

describe("Hearth local API in VS Code", function () {
  let url: string;
  let api: HearthApi;
  let fixtureLlama: string;

  before(async () => {
    api = await activateHearth();
    fixtureLlama = fixtureModel("tiny-llama.gguf");
    const port = await freePort();
    await vscode.workspace.getConfiguration("hearth").update("api.host", `127.0.0.1:${port}`, vscode.ConfigurationTarget.Global);
    url = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    await vscode.commands.executeCommand("hearth.stopApi");
    const configuration = vscode.workspace.getConfiguration("hearth");
    for (const key of ["api.host", "remote.kind", "remote.url", "remote.model", "remote.embeddingModel", "maxTokens"]) {
      await configuration.update(key, undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it("starts the API in the engine process at the configured address", async () => {
    const started = await vscode.commands.executeCommand<string>("hearth.startApi");
    assert.equal(started, url);
    assert.match((await versionAt(url)) ?? "", /^\d+\.\d+\.\d+$/);
  });

  it("brings the API back after the engine restarts", async () => {
    await vscode.commands.executeCommand("hearth.restartEngine");
    await waitFor(async () => (await versionAt(url)) !== null, "the API after the restart", 60_000);
  });

  it("stops on Hearth: Stop Local API", async () => {
    await vscode.commands.executeCommand("hearth.stopApi");
    assert.equal(await versionAt(url), null);
  });

  it("answers Run Prompt from a remote engine (this API) when hearth.remote.* say so", async () => {
    // What earlier suites loaded is unloaded: the point is that the remote answers without a local model.
    await api.engine.unloadModel();
    await api.engine.importModel({ path: fixtureLlama, name: "remote-tiny", mode: "link" });
    const started = await vscode.commands.executeCommand<string>("hearth.startApi");
    const configuration = vscode.workspace.getConfiguration("hearth");
    await configuration.update("remote.kind", "ollama", vscode.ConfigurationTarget.Global);
    await configuration.update("remote.url", started, vscode.ConfigurationTarget.Global);
    await configuration.update("remote.model", "remote-tiny", vscode.ConfigurationTarget.Global);
    await configuration.update("maxTokens", 24, vscode.ConfigurationTarget.Global);
    const outcome = await vscode.commands.executeCommand<{ text: string; document: vscode.TextDocument } | undefined>(
      "hearth.runPrompt",
      "Say something",
    );
    assert.ok(outcome && outcome.text.trim().length > 0, "the remote model answered");
    assert.match(outcome.document.getText(), /remote-tiny @ 127\.0\.0\.1/);
    assert.equal(api.engine.activeModel, null, "no model was loaded in the extension");
    assert.ok((await api.engine.loadedModels()).some((model) => model.storeName === "remote-tiny:latest"), "the API loaded it");
    await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
  });

  it("indexes the workspace with the remote's embedding model when hearth.remote.embeddingModel names one", async function () {
    this.timeout(300_000);
    // hearth.remote.* still name this API and remote-tiny (the test before set them).
    await api.engine.importModel({ path: fixtureModel("tiny-bert-embed.gguf"), name: "remote-embed", mode: "link" });
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const file = path.join(folder, "src", "remoteIndexed.ts");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "export function blendColours(a: string, b: string): string {\n  return a + b;\n}\n");
    const configuration = vscode.workspace.getConfiguration("hearth");
    await configuration.update("remote.embeddingModel", "remote-embed", vscode.ConfigurationTarget.Global);
    try {
      const built = await api.workspaceIndex.index(true);
      assert.ok(built, "the index was built");
      assert.match(built.status.embeddingModel ?? "", /^remote-embed @ 127\.0\.0\.1:\d+$/);
      assert.ok(built.chunksEmbedded >= 1);
      // A vector search embeds the query on the remote too (it throws when it cannot).
      const vector = await api.engine.indexRequest("indexSearch", { storeDir: api.workspaceIndex.storeDir(), query: "blend colours", k: 3, mode: "vector" });
      assert.equal(vector.mode, "vector");
      assert.ok(vector.results.length > 0 && vector.results.every((hit) => hit.vectorRank !== null));
      const passages = await api.workspaceIndex.search("blendColours");
      assert.ok(passages?.some((passage) => passage.content.includes("blendColours")), JSON.stringify(passages?.map((p) => p.label)));
      assert.ok((await api.engine.loadedModels()).some((model) => model.storeName === "remote-embed:latest"), "the API loaded the embedding model");
    } finally {
      await configuration.update("remote.embeddingModel", undefined, vscode.ConfigurationTarget.Global);
      await api.workspaceIndex.clear();
      fs.rmSync(file, { force: true });
    }
  });

  it("names the remote model and server in the status bar, the chat view and a chat answer's footer", async () => {
    // hearth.remote.* still name this API and remote-tiny (the test before set them).
    const label = new RegExp(`^remote-tiny @ ${new URL(url).host.replace(/\./g, "\\.")}$`);
    assert.match(api.statusBar.remoteLabel ?? "", label);
    assert.match(api.statusBar.text, /^\$\(remote\) remote-tiny @ 127\.0\.0\.1:\d+$/);
    assert.match(api.statusBar.tooltip, /remote engine/);
    assert.match(api.chat.state.model ?? "", label);
    assert.equal(api.chat.state.nextModel, null, "no local model is offered as the next to load");
    await vscode.commands.executeCommand("hearth.newChat");
    await api.chat.send("Hello remote");
    const answer = api.chat.state.messages.at(-1)!;
    assert.equal(answer.role, "assistant");
    assert.ok(answer.text.trim().length > 0);
    assert.match(answer.footer ?? "", /^remote-tiny @ 127\.0\.0\.1:\d+/);
    assert.equal(api.engine.activeModel, null);
    // Back to the embedded engine: the status bar and the view stop naming the remote.
    const configuration = vscode.workspace.getConfiguration("hearth");
    await configuration.update("remote.kind", "off", vscode.ConfigurationTarget.Global);
    await waitFor(async () => api.statusBar.remoteLabel === null, "the status bar to drop the remote", 10_000);
    assert.doesNotMatch(api.statusBar.text, /remote/);
    assert.equal(api.chat.state.model, null);
    await configuration.update("remote.kind", "ollama", vscode.ConfigurationTarget.Global);
    await waitFor(async () => /remote-tiny @/.test(api.statusBar.text), "the status bar to name the remote again", 10_000);
  });

  it("reviews a selection and a file on the remote engine, findings on the reviewed lines", async function () {
    this.timeout(300_000);
    // hearth.remote.* still name this API and remote-tiny (the test before set them).
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const file = path.join(folder, "src", "remoteReview.ts");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const code = Array.from({ length: 12 }, (_, i) => `const r${i + 1} = compute(${i + 1});`).join("\n") + "\n";
    fs.writeFileSync(file, code);
    try {
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
      editor.selection = new vscode.Selection(2, 0, 5, 0); // lines 3–5
      const selection = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewSelection");
      assert.ok(selection);
      assert.equal(selection.cancelled, false);
      assert.equal(selection.reviewedLines, 3);
      assert.match(selection.model, /^remote-tiny @ 127\.0\.0\.1:\d+$/);
      assert.ok(selection.outputTokens > 0, "the remote model answered");
      for (const finding of selection.findings) assert.ok(finding.line >= 3 && finding.endLine <= 5, JSON.stringify(finding));
      const whole = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewFile", vscode.Uri.file(file));
      assert.ok(whole);
      assert.equal(whole.reviewedLines, 12);
      assert.match(whole.model, /^remote-tiny @ /);
      for (const finding of whole.findings) assert.ok(finding.path === "src/remoteReview.ts" && finding.endLine <= 12, JSON.stringify(finding));
      assert.equal(api.engine.activeModel, null, "no model was loaded in the extension for the reviews");
    } finally {
      await vscode.commands.executeCommand("workbench.action.closeAllEditors");
      fs.rmSync(file, { force: true });
    }
  });
});
