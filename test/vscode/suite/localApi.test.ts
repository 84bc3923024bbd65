// Hearth: Start Local API / Stop Local API in real VS Code: the API runs inside the engine
// process at the address the hearth.api.host setting names, comes back after the engine
// restarts, and stops on the command.
import * as assert from "node:assert/strict";
import * as net from "node:net";
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

  before(async () => {
    const extension = vscode.extensions.getExtension<HearthApi | undefined>(extensionId);
    assert.ok(extension);
    await extension.activate();
    const port = await freePort();
    await vscode.workspace.getConfiguration("hearth").update("api.host", `127.0.0.1:${port}`, vscode.ConfigurationTarget.Global);
    url = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    await vscode.commands.executeCommand("hearth.stopApi");
    await vscode.workspace.getConfiguration("hearth").update("api.host", undefined, vscode.ConfigurationTarget.Global);
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
});
