// The model store through the engine process: pull over IPC with progress, list, show, load by
// name, remove (which unloads first), import, copy, and `ps` records.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PullProgress } from "../../src/common/models/modelManifest";
import type { EngineClient } from "../../src/node/engineClient";
import { listRunningEngines } from "../../src/node/runningRegistry";
import type { FixtureModelSite } from "../support/fixtureModelServer";
import { startFixtureModelSite } from "../support/fixtureModelServer";
import { createTestClient } from "../support/engineHarness";

describe("model store through the engine process", function () {
  let site: FixtureModelSite;
  let home: string;
  let client: EngineClient;

  before(async () => {
    site = await startFixtureModelSite();
  });

  after(async () => {
    await site.server.close();
  });

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-store-"));
    client = createTestClient({ settings: { storeRoot: home, downloadEndpoint: site.server.url } }).client;
  });

  afterEach(async () => {
    await client.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it("pulls an hf: reference with streamed progress, then lists, shows and loads it by name", async () => {
    const events: PullProgress[] = [];
    const reference = `hf:${site.huggingFace.repo}/${site.huggingFace.file}`;
    const pulled = await client.request("storePull", { reference }, { onChunk: (progress) => events.push(progress) });
    assert.equal(pulled.alreadyInstalled, false);
    assert.ok(events.length >= 2, `${events.length} progress events`);
    assert.equal(events.at(-1)!.phase, "done");
    assert.equal(events.at(-1)!.completedBytes, site.huggingFace.cdn.bytes.length);

    const listed = await client.request("storeList", {});
    assert.equal(listed.root, home);
    assert.deepEqual(listed.models.map((m) => [m.name, m.status]), [[pulled.name, "ok"]]);
    assert.equal(listed.partials.length, 0);

    const shown = await client.request("storeShow", { name: pulled.name, contextSize: 512 });
    assert.equal(shown.inspection?.architecture, "llama");
    assert.equal(shown.inspection?.fit.contextSize, 512);

    const info = await client.request("loadModel", { model: pulled.name });
    assert.equal(info.storeName, pulled.name);
    assert.equal(info.name, pulled.name);
    const result = await client.request("generate", { modelId: info.modelId, prompt: "Hi", options: { maxTokens: 4 } });
    assert.ok(result.text.length > 0);

    const running = listRunningEngines(home);
    assert.equal(running.length, 1);
    assert.equal(running[0]!.kind, "extension");
    assert.equal(running[0]!.pid, client.pid);
    assert.deepEqual(running[0]!.models.map((m) => m.storeName), [pulled.name]);

    const removed = await client.request("storeRemove", { name: pulled.name });
    assert.equal(removed.blobRemoved, true);
    const status = await client.request("status", {});
    assert.equal(status.models.length, 0, "remove unloaded the model first");
    assert.equal((await client.request("storeList", {})).models.length, 0);
  });

  it("imports a local file, copies it under a second name, and explains an unknown name", async () => {
    const manifest = await client.request("storeImport", { path: site.fixtures.llama, name: "tiny:1" });
    assert.equal(manifest.name, "tiny:1");
    const copy = await client.request("storeCopy", { source: "tiny:1", destination: "tiny:work" });
    assert.equal(copy.sha256, manifest.sha256);
    const names = (await client.request("storeList", {})).models.map((m) => m.name).sort();
    assert.deepEqual(names, ["tiny:1", "tiny:work"]);
    await assert.rejects(client.request("loadModel", { model: "nothing-here:7b" }), /not installed|hearth pull/);
  });

  it("reports a 404 clearly over IPC", async () => {
    await assert.rejects(
      client.request("storePull", { reference: `${site.server.url}/files/missing.gguf` }),
      (error: Error & { code?: string }) => error.code === "modelNotFound" && /HTTP 404/.test(error.message),
    );
  });
});
