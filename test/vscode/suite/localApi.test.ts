// Hearth: Start Local API / Stop Local API in real VS Code: the API runs inside the engine
// process at the address the hearth.api.host setting names, comes back after the engine
// restarts, and stops on the command. Then the same API serves as a remote engine
// (hearth.remote.*): Run Prompt answers from it with no model loaded in the extension.
import * as assert from "node:assert/strict";
import * as net from "node:net";
import * as path from "node:path";
import * as vscode from "vscode";
import type { HearthApi } from "../../../src/extension/extension";

const extensionId = "hearth-dev.hearth";

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

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("Hearth local API in VS Code", function () {
  let url: string;
  let api: HearthApi;
  let fixtureLlama: string;

  before(async () => {
    const extension = vscode.extensions.getExtension<HearthApi | undefined>(extensionId);
    assert.ok(extension);
    const exported = await extension.activate();
    assert.ok(exported);
    api = exported;
    fixtureLlama = path.join(extension.extensionPath, "test", "fixtures", ".generated", "tiny-llama.gguf");
    const port = await freePort();
    await vscode.workspace.getConfiguration("hearth").update("api.host", `127.0.0.1:${port}`, vscode.ConfigurationTarget.Global);
    url = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    await vscode.commands.executeCommand("hearth.stopApi");
    const configuration = vscode.workspace.getConfiguration("hearth");
    for (const key of ["api.host", "remote.kind", "remote.url", "remote.model", "maxTokens"]) {
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
    await waitFor(async () => (await versionAt(url)) !== null, "the API after the restart");
  });

  it("stops on Hearth: Stop Local API", async () => {
    await vscode.commands.executeCommand("hearth.stopApi");
    assert.equal(await versionAt(url), null);
  });

  it("answers Run Prompt from a remote engine (this API) when hearth.remote.* say so", async () => {
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
});
