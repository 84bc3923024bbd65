// A new user on a machine with no models, as issue 3's "done when" describes: the download
// endpoint points at a loopback server (hearth.downloadEndpoint), a team catalogue
// (hearth.catalogueFile) recommends a model that server publishes, and "Download Recommended
// Model" — the walkthrough's first step — leads to a verified model and a working prompt.
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import type { PullResult } from "../../../src/common/models/modelManifest";
import type { HearthApi } from "../../../src/extension/extension";
import { FixtureModelServer } from "../../support/fixtureModelServer";

describe("First run: from no model to a working prompt", function () {
  let api: HearthApi;
  let server: FixtureModelServer;
  let storeDir: string;
  let catalogueFile: string;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration("hearth");

  before(async () => {
    const extension = vscode.extensions.getExtension<HearthApi | undefined>("hearth-dev.hearth")!;
    const exported = await extension.activate();
    assert.ok(exported);
    api = exported;
    const bytes = fs.readFileSync(path.join(extension.extensionPath, "test", "fixtures", ".generated", "tiny-llama.gguf"));
    server = await FixtureModelServer.start();
    const repo = "hearth-test/tiny-coder-GGUF";
    const file = "tiny-coder-q8_0.gguf";
    server.serveHuggingFace(repo, file, bytes);
    storeDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-first-run-"));
    catalogueFile = path.join(storeDir, "team-catalogue.json");
    fs.writeFileSync(
      catalogueFile,
      JSON.stringify([
        {
          name: "tiny-coder:test",
          purpose: "code",
          source: { repo, file },
          approxSizeBytes: bytes.length,
          minMemoryBytes: 1,
          license: "mit",
          description: "The suite's tiny llama, published on the loopback server.",
          sha256: createHash("sha256").update(bytes).digest("hex"),
          recommended: true,
        },
      ]),
    );
    // A user who has never chosen a model.
    await api.engine.unloadModel();
    await config().update("threads", 1, vscode.ConfigurationTarget.Global);
    await config().update("maxTokens", 24, vscode.ConfigurationTarget.Global);
    await config().update("modelsPath", path.join(storeDir, "store"), vscode.ConfigurationTarget.Global);
    await config().update("downloadEndpoint", server.url, vscode.ConfigurationTarget.Global);
    await config().update("catalogueFile", catalogueFile, vscode.ConfigurationTarget.Global);
    await api.engine.restartEngine();
  });

  after(async () => {
    await api.engine.unloadModel();
    for (const key of ["threads", "maxTokens", "modelsPath", "downloadEndpoint", "catalogueFile"]) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await api.engine.restartEngine();
    await server.close();
    fs.rmSync(storeDir, { recursive: true, force: true });
  });

  it("starts with no model installed or loaded", async () => {
    const { models } = await api.engine.storeList();
    assert.deepEqual(models, []);
    assert.equal(api.engine.activeModel, null);
  });

  it("Download Recommended Model pulls the team catalogue's model from the configured endpoint and verifies it", async () => {
    const result = (await vscode.commands.executeCommand("hearth.pullRecommended")) as PullResult | undefined;
    assert.ok(result, "the pull finished");
    assert.equal(result.name, "tiny-coder:test");
    assert.equal(result.alreadyInstalled, false);
    const { models } = await api.engine.storeList();
    assert.deepEqual(models.map((model) => [model.name, model.status]), [["tiny-coder:test", "ok"]]);
    assert.ok(server.requests.some((request) => request.path.includes("/hearth-test/tiny-coder-GGUF/resolve/main/")));
  });

  it("then Run Prompt loads that model by itself and answers", async () => {
    const outcome = (await vscode.commands.executeCommand("hearth.runPrompt", "Write a function")) as
      | { text: string }
      | undefined;
    assert.ok(outcome && outcome.text.trim().length > 0, "an answer streamed");
    assert.equal(api.engine.activeModel?.storeName, "tiny-coder:test");
    assert.match(api.statusBar.text, /tiny-coder:test/);
  });
});
