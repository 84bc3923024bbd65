// The model store inside real VS Code: the Models view's data, import, load and unload from the
// view's items, details, profiles made from Modelfiles (their group, Show Modelfile, the licence
// asked before first use), pull from a loopback Hugging Face endpoint with progress in the view,
// cancel and resume, repair and remove. The store is a temp folder (hearth.modelsPath) and the
// download endpoint a fixture server started here (hearth.downloadEndpoint); commands get their
// answers as arguments, so no dialog or quick pick opens.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import type { LoadedModelInfo, StoreShowResult } from "../../../src/common/engine/engineProtocol";
import { formatBytes } from "../../../src/common/formatBytes";
import type { ModelManifest, PullResult, RemoveResult, RepairReport } from "../../../src/common/models/modelManifest";
import type { LicenceQuestion } from "../../../src/extension/models/licenceGate";
import type { ModelsOverview } from "../../../src/common/models/modelsOverview";
import type { HearthApi } from "../../../src/extension/extension";
import type { ModelsGroup, ModelsNode } from "../../../src/extension/models/modelsTreeView";
import { FixtureModelServer } from "../../support/fixtureModelServer";

const extensionId = "hearth-dev.hearth";

async function waitUntil(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("Models: the store, the Models view and its commands in VS Code", function () {
  let api: HearthApi;
  let fixtureLlama: string;
  let fixtureEmbedding: string;
  let storeDir: string;
  let server: FixtureModelServer;
  let fixtureBytes: Buffer;
  let cdnPath: string;
  const hfRepo = "hearth-test/tiny-llama-GGUF";
  const hfFile = "tiny-llama-q8_0.gguf";
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration("hearth");

  async function groupNodes(group: ModelsGroup): Promise<ModelsNode[]> {
    await api.models.refresh();
    const roots = await api.models.getChildren();
    const node = roots.find((root) => root.kind === "group" && root.group === group);
    return node ? api.models.getChildren(node) : [];
  }

  async function installedNode(name: string): Promise<ModelsNode & { kind: "installed" }> {
    const node = (await groupNodes("installed")).find((n) => n.kind === "installed" && n.row.stored.name === name);
    assert.ok(node && node.kind === "installed", `${name} is listed under Installed`);
    return node;
  }

  async function profileNode(name: string): Promise<ModelsNode & { kind: "installed" }> {
    const node = (await groupNodes("profiles")).find((n) => n.kind === "installed" && n.row.stored.name === name);
    assert.ok(node && node.kind === "installed", `${name} is listed under Profiles`);
    return node;
  }

  /** Creates `name` from a Modelfile FROM the fixture model, as the Create Model CodeLens does. */
  async function createProfile(name: string, lines: string[]): Promise<ModelManifest> {
    const folder = path.join(storeDir, "modelfiles");
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, `${name.replace(/[^a-z0-9]+/g, "-")}.modelfile`);
    fs.writeFileSync(file, [`FROM ${fixtureLlama}`, ...lines, ""].join("\n"));
    const manifest = (await vscode.commands.executeCommand("hearth.createModelFromModelfile", vscode.Uri.file(file), name)) as
      | ModelManifest
      | undefined;
    assert.ok(manifest?.profile, `${name} was created with a profile`);
    return manifest;
  }

  async function overview(): Promise<ModelsOverview> {
    await api.models.refresh();
    return api.models.overview();
  }

  before(async () => {
    const extension = vscode.extensions.getExtension<HearthApi | undefined>(extensionId);
    assert.ok(extension);
    const exported = await extension.activate();
    assert.ok(exported, "the extension activated");
    api = exported;
    fixtureLlama = path.join(extension.extensionPath, "test", "fixtures", ".generated", "tiny-llama.gguf");
    fixtureEmbedding = path.join(extension.extensionPath, "test", "fixtures", ".generated", "tiny-bert-embed.gguf");
    fixtureBytes = fs.readFileSync(fixtureLlama);

    storeDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-models-test-"));
    server = await FixtureModelServer.start();
    cdnPath = server.serveHuggingFace(hfRepo, hfFile, fixtureBytes).cdn.path;
    server.serve("/files/tiny-resume.gguf", fixtureBytes);

    await config().update("threads", 1, vscode.ConfigurationTarget.Global);
    await config().update("modelsPath", storeDir, vscode.ConfigurationTarget.Global);
    await config().update("downloadEndpoint", server.url, vscode.ConfigurationTarget.Global);
    // Both settings apply when the engine starts: start a fresh one.
    await api.engine.restartEngine();
  });

  it("uses the store folder from hearth.modelsPath, empty at first: the view shows its welcome", async () => {
    const root = (await vscode.commands.executeCommand("hearth.openModelsFolder", { reveal: false })) as string;
    assert.equal(fs.realpathSync(root), fs.realpathSync(storeDir));
    const rows = await overview();
    assert.equal(rows.empty, true);
    assert.deepEqual(await api.models.getChildren(), [], "an empty tree lets the welcome content show");
  });

  it("imports a fixture model and lists it under Installed with size, quantization and parameters", async () => {
    const manifest = (await vscode.commands.executeCommand("hearth.importModel", {
      path: fixtureLlama,
      name: "tiny-llama:test",
    })) as ModelManifest | undefined;
    assert.ok(manifest, "the import answered its manifest");
    assert.equal(manifest.name, "tiny-llama:test");
    assert.equal(manifest.sizeBytes, fixtureBytes.length);

    const roots = await api.models.getChildren();
    assert.deepEqual(
      roots.map((node) => (node.kind === "group" ? node.group : node.kind)),
      ["installed", "recommended"],
    );
    const node = await installedNode("tiny-llama:test");
    const item = api.models.getTreeItem(node);
    assert.equal(item.contextValue, "hearth.model.installed");
    const description = String(item.description);
    assert.ok(description.includes(formatBytes(fixtureBytes.length)), description);
    assert.ok(description.includes(manifest.gguf!.quantization), description);
    const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip);
    assert.match(tooltip, /Context length/);
    assert.match(tooltip, /Licence/);
    assert.equal(await vscode.commands.executeCommand("hearth.copyModelName", node), "tiny-llama:test");
  });

  it("loads and unloads the model from the view's items", async () => {
    const info = (await vscode.commands.executeCommand("hearth.loadModel", await installedNode("tiny-llama:test"))) as
      | LoadedModelInfo
      | undefined;
    assert.ok(info, "Load answered the loaded model");
    assert.equal(info.storeName, "tiny-llama:test");
    assert.equal(api.engine.activeModel?.storeName, "tiny-llama:test");
    assert.equal(api.statusBar.state.kind, "ready");
    assert.ok(api.statusBar.text.includes("tiny-llama:test"), api.statusBar.text);

    const loaded = await groupNodes("loaded");
    assert.equal(loaded.length, 1);
    const loadedItem = api.models.getTreeItem(loaded[0]!);
    assert.equal(loadedItem.label, "tiny-llama:test");
    assert.equal(loadedItem.contextValue, "hearth.model.loaded");
    assert.match(String(loadedItem.description), /since/);
    assert.equal(api.models.getTreeItem(await installedNode("tiny-llama:test")).contextValue, "hearth.model.installedLoaded");
    const ps = (await vscode.commands.executeCommand("hearth.showLoadedModels", { show: false })) as LoadedModelInfo[];
    assert.deepEqual(ps.map((model) => model.storeName), ["tiny-llama:test"]);

    const unloaded = await vscode.commands.executeCommand("hearth.unloadModel", loaded[0]);
    assert.equal(unloaded, true);
    assert.equal(api.engine.activeModel, null);
    assert.equal(api.statusBar.state.kind, "noModel");
    assert.deepEqual(await groupNodes("loaded"), []);
  });

  it("shows a model's details: GGUF metadata and chat template, plus the store's source, sha256 and file", async () => {
    const result = (await vscode.commands.executeCommand("hearth.showModel", await installedNode("tiny-llama:test"))) as
      | StoreShowResult
      | undefined;
    assert.ok(result?.inspection, "Show answered the inspection");
    const text = vscode.window.activeTextEditor?.document.getText() ?? "";
    assert.ok(text.includes(result.model.manifest!.sha256), "the page shows the sha256");
    assert.ok(text.includes(result.model.blobPath!), "the page shows the model file");
    assert.match(text, /## In the model store/);
    assert.match(text, /## Chat template/);
    // A read-only page, not an Untitled file that asks to be saved when closed.
    const document = vscode.window.activeTextEditor!.document;
    assert.equal(document.isUntitled, false);
    assert.equal(document.uri.scheme, "hearth-page");
    assert.equal(document.languageId, "markdown");
    assert.equal(document.isDirty, false);
    await vscode.commands.executeCommand("workbench.action.closeActiveEditor");
  });

  it("lists a model made from a Modelfile under Profiles, with its base model and parameters", async () => {
    await createProfile("brief:test", ["PARAMETER temperature 0", "PARAMETER num_predict 4", 'SYSTEM "Be brief."']);
    const roots = await api.models.getChildren();
    assert.deepEqual(
      roots.map((node) => (node.kind === "group" ? node.group : node.kind)),
      ["installed", "profiles", "recommended"],
    );
    assert.ok(
      !(await groupNodes("installed")).some((n) => n.kind === "installed" && n.row.stored.name === "brief:test"),
      "a profile is not listed under Installed",
    );
    const groupItem = api.models.getTreeItem(roots.find((node) => node.kind === "group" && node.group === "profiles")!);
    assert.equal(groupItem.description, "1");
    const item = api.models.getTreeItem(await profileNode("brief:test"));
    assert.equal(item.contextValue, "hearth.model.profile");
    const description = String(item.description);
    assert.ok(description.includes("from tiny-llama.gguf"), description);
    assert.ok(description.includes("temperature 0") && description.includes("num_predict 4"), description);
    const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : String(item.tooltip);
    assert.match(tooltip, /Base model/);
    assert.ok(tooltip.includes("tiny\\-llama\\.gguf"), "the tooltip names the base model");
    assert.match(tooltip, /Be brief/);

    const details = (await vscode.commands.executeCommand("hearth.showModel", await profileNode("brief:test"))) as
      | StoreShowResult
      | undefined;
    assert.ok(details?.inspection, "details work on a profile");
    const page = vscode.window.activeTextEditor?.document.getText() ?? "";
    assert.match(page, /## Modelfile/);
    assert.match(page, /PARAMETER num_predict 4/);
    await vscode.commands.executeCommand("workbench.action.closeActiveEditor");
  });

  it("Show Modelfile opens a profile's Modelfile in the Modelfile language; created again, it makes the same profile", async () => {
    const original = (await profileNode("brief:test")).row.stored.manifest!;
    const document = (await vscode.commands.executeCommand("hearth.showModelfile", await profileNode("brief:test"))) as
      | vscode.TextDocument
      | undefined;
    assert.ok(document, "Show Modelfile answered the document");
    try {
      assert.equal(document.languageId, "modelfile");
      assert.equal(document.isUntitled, true);
      assert.equal(vscode.window.activeTextEditor?.document, document);
      const text = document.getText();
      assert.match(text, /^PARAMETER temperature 0$/m);
      assert.match(text, /^SYSTEM "Be brief\."$/m);
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>("vscode.executeCodeLensProvider", document.uri);
      assert.ok(lenses.some((lens) => lens.command?.command === "hearth.createModelFromModelfile"), "it offers Create Model");

      const copy = (await vscode.commands.executeCommand("hearth.createModelFromModelfile", document.uri, "brief-copy:test")) as
        | ModelManifest
        | undefined;
      assert.ok(copy?.profile, "the shown Modelfile creates a model");
      assert.equal(copy.sha256, original.sha256, "on the same base file");
      assert.deepEqual({ ...copy.profile, from: "" }, { ...original.profile!, from: "" });
    } finally {
      await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
    }

    const plain = (await vscode.commands.executeCommand("hearth.showModelfile", "tiny-llama:test")) as vscode.TextDocument | undefined;
    assert.match(plain?.getText() ?? "", /^FROM tiny-llama:test$/m, "a plain model's Modelfile is FROM its name");
    await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
  });

  it("asks to accept a profile's LICENSE before its first load: Cancel keeps the previous model, Accept loads, and it asks once", async () => {
    const licence = "Tiny Licence 1.0\n\nFor tests only.";
    await createProfile("licensed:test", ["PARAMETER num_predict 4", `LICENSE """${licence}"""`]);
    const previous = (await vscode.commands.executeCommand("hearth.loadModel", "tiny-llama:test")) as LoadedModelInfo | undefined;
    assert.equal(previous?.storeName, "tiny-llama:test");

    const asked: LicenceQuestion[] = [];
    let answer = false;
    const originalPrompt = api.licences.prompt;
    api.licences.prompt = async (question) => {
      asked.push(question);
      return answer;
    };
    try {
      const declined = await vscode.commands.executeCommand("hearth.loadModel", await profileNode("licensed:test"));
      assert.equal(declined, undefined, "nothing was loaded");
      assert.deepEqual(asked, [{ name: "licensed:test", text: licence }]);
      assert.equal(api.engine.activeModel?.storeName, "tiny-llama:test", "the previous model stays loaded");
      assert.equal(api.statusBar.state.kind, "ready");
      assert.equal(api.licences.isAccepted("licensed:test", licence), false);

      answer = true;
      const accepted = (await vscode.commands.executeCommand("hearth.loadModel", await profileNode("licensed:test"))) as
        | LoadedModelInfo
        | undefined;
      assert.equal(accepted?.storeName, "licensed:test");
      assert.equal(asked.length, 2);
      assert.equal(api.licences.isAccepted("licensed:test", licence), true);

      // Remembered: unloading and loading again (by any path) does not ask again.
      await api.engine.unloadModel();
      answer = false;
      const again = await api.engine.loadModel("licensed:test");
      assert.equal(again.storeName, "licensed:test");
      assert.equal(asked.length, 2, "asked once");
      // A plain model has no licence text: never asked.
      await api.engine.loadModel("tiny-llama:test");
      assert.equal(asked.length, 2);
    } finally {
      api.licences.prompt = originalPrompt;
      await api.engine.unloadModel();
      for (const name of ["brief:test", "brief-copy:test", "licensed:test"]) {
        await vscode.commands.executeCommand("hearth.removeModel", { name, confirm: false });
      }
    }
    assert.deepEqual(await groupNodes("profiles"), []);
  });

  it("pulls a model from the loopback Hugging Face endpoint, with its progress in the Downloads group", async () => {
    // Slow enough to watch the progress in the view.
    server.setFault(cdnPath, { chunkBytes: 32 * 1024, chunkDelayMs: 60 });
    const reference = `hf:${hfRepo}/${hfFile}`;
    const pulling = vscode.commands.executeCommand("hearth.pullModel", reference) as Thenable<PullResult | undefined>;
    let seen = "";
    await waitUntil(async () => {
      const row = (await api.models.overview()).downloads.find((d) => d.reference === reference);
      if (row?.state === "pulling" && (row.percent ?? 0) > 0) {
        const node = (await groupNodes("downloads")).find((n) => n.kind === "download" && n.row.reference === reference);
        if (node) seen = String(api.models.getTreeItem(node).description);
        return seen !== "";
      }
      return false;
    }, "the pull to show in the Downloads group");
    assert.match(seen, /\d+% · /, `the Downloads row shows a percentage: ${seen}`);

    const result = await pulling;
    server.setFault(cdnPath, null);
    assert.ok(result, "the pull answered its result");
    assert.equal(result.name, "tiny-llama:q8_0");
    assert.equal(result.alreadyInstalled, false);
    assert.equal(result.downloadedBytes, fixtureBytes.length);
    assert.equal(result.manifest.source.kind, "huggingFace");
    assert.ok(result.manifest.source.url?.startsWith(server.url), "downloaded from the configured endpoint");
    await installedNode("tiny-llama:q8_0");
    assert.deepEqual((await overview()).downloads, [], "nothing left in Downloads");
  });

  it("cancels a pull from the view, keeps the partial file as a resumable download, and resumes it", async () => {
    const url = `${server.url}/files/tiny-resume.gguf`;
    server.setFault("/files/tiny-resume.gguf", { chunkBytes: 16 * 1024, chunkDelayMs: 50 });
    const pulling = vscode.commands.executeCommand("hearth.pullModel", url) as Thenable<PullResult | undefined>;
    let node: ModelsNode | undefined;
    await waitUntil(async () => {
      node = (await groupNodes("downloads")).find(
        (n) => n.kind === "download" && n.row.state === "pulling" && n.row.completedBytes >= 64 * 1024,
      );
      return node !== undefined;
    }, "64 KB of the download");
    assert.equal(api.models.getTreeItem(node!).contextValue, "hearth.download.pulling");
    assert.equal(await vscode.commands.executeCommand("hearth.cancelDownload", node), true);
    assert.equal(await pulling, undefined, "a cancelled pull answers nothing");

    let interrupted: ModelsNode | undefined;
    await waitUntil(async () => {
      interrupted = (await groupNodes("downloads")).find((n) => n.kind === "download" && n.row.state === "interrupted");
      return interrupted !== undefined;
    }, "the interrupted download in the Downloads group");
    assert.ok(interrupted?.kind === "download");
    assert.equal(interrupted.row.reference, url);
    assert.ok(interrupted.row.completedBytes > 0 && interrupted.row.completedBytes < fixtureBytes.length);
    assert.equal(api.models.getTreeItem(interrupted).contextValue, "hearth.download.interrupted");

    server.setFault("/files/tiny-resume.gguf", null);
    const resumed = (await vscode.commands.executeCommand("hearth.resumeDownload", interrupted)) as PullResult | undefined;
    assert.ok(resumed, "the resumed pull answered its result");
    assert.equal(resumed.name, "tiny-resume:latest");
    assert.ok(resumed.resumedFromBytes > 0, "it continued from the partial file");
    assert.ok(
      server.requestsFor("/files/tiny-resume.gguf", "GET").some((request) => request.range?.startsWith("bytes=")),
      "with an HTTP Range request",
    );
    assert.deepEqual((await overview()).downloads, []);
  });

  it("lists a damaged entry with its problem and repairs the store", async () => {
    const manifest = (await vscode.commands.executeCommand("hearth.importModel", {
      path: fixtureEmbedding,
      name: "broken:test",
    })) as ModelManifest | undefined;
    assert.ok(manifest);
    fs.rmSync(path.join(storeDir, "models", "blobs", manifest.blob));
    const node = await installedNode("broken:test");
    const item = api.models.getTreeItem(node);
    assert.equal(item.contextValue, "hearth.model.damaged");
    const report = (await vscode.commands.executeCommand("hearth.repairModelStore", { confirm: false })) as
      | RepairReport
      | undefined;
    assert.deepEqual(report?.removedManifests.map((entry) => entry.name), ["broken:test"]);
    assert.ok(!(await groupNodes("installed")).some((n) => n.kind === "installed" && n.row.stored.name === "broken:test"));
  });

  it("removes a loaded model, unloading it first; the file stays while another model shares it", async () => {
    const info = (await vscode.commands.executeCommand("hearth.selectModel", "tiny-llama:q8_0")) as LoadedModelInfo | undefined;
    assert.equal(info?.storeName, "tiny-llama:q8_0");
    const result = (await vscode.commands.executeCommand("hearth.removeModel", {
      name: "tiny-llama:q8_0",
      confirm: false,
    })) as RemoveResult | undefined;
    assert.ok(result, "Remove answered its result");
    assert.equal(result.blobRemoved, false, "tiny-llama:test uses the same file");
    assert.equal(api.engine.activeModel, null, "the removed model is no longer the active one");
    assert.equal(api.statusBar.state.kind, "noModel");
    assert.deepEqual(await vscode.commands.executeCommand("hearth.showLoadedModels", { show: false }), []);
    assert.ok(!(await groupNodes("installed")).some((n) => n.kind === "installed" && n.row.stored.name === "tiny-llama:q8_0"));
  });

  it("removes the last models, freeing their file, and the view shows its welcome again", async () => {
    const first = (await vscode.commands.executeCommand("hearth.removeModel", {
      name: "tiny-resume:latest",
      confirm: false,
    })) as RemoveResult | undefined;
    assert.equal(first?.blobRemoved, false);
    const last = (await vscode.commands.executeCommand("hearth.removeModel", {
      name: "tiny-llama:test",
      confirm: false,
    })) as RemoveResult | undefined;
    assert.equal(last?.blobRemoved, true);
    assert.equal(last?.freedBytes, fixtureBytes.length);
    assert.equal((await overview()).empty, true);
    assert.deepEqual(await api.models.getChildren(), []);
  });

  after(async () => {
    await config().update("modelsPath", undefined, vscode.ConfigurationTarget.Global);
    await config().update("downloadEndpoint", undefined, vscode.ConfigurationTarget.Global);
    await config().update("threads", undefined, vscode.ConfigurationTarget.Global);
    await api?.engine.restartEngine().catch(() => undefined);
    await server?.close();
    if (storeDir) fs.rmSync(storeDir, { recursive: true, force: true });
  });
});
