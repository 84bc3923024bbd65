// The model store on real files in a temp folder: import (copy and link), list with damaged
// entries, copy, remove, repair, disk usage, the store lock. Never touches ~/.hearth.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isDownloadError } from "../../src/common/models/downloadErrors";
import { isEngineError } from "../../src/common/engine/engineError";
import type { GgufSummary } from "../../src/common/models/modelManifest";
import { acquireLock, tryAcquireLock } from "../../src/node/fileLock";
import type { GgufSummaryReader } from "../../src/engine/models/ggufSummary";
import { ModelStore } from "../../src/engine/models/modelStore";
import { defaultStoreRoot, storeRootFromEnvironment } from "../../src/node/storeRoot";
import type { FixtureModels } from "../fixtures/fixtureModels";
import { ensureFixtureModels } from "../fixtures/fixtureModels";

const fakeSummary: GgufSummary = {
  name: "fake",
  architecture: "llama",
  parameters: 1000,
  quantization: "F32",
  contextLength: 2048,
  license: null,
  hasChatTemplate: true,
  embeddingLength: 64,
  poolingType: null,
  supportsRanking: false,
};
/** Keeps most store tests fast: no node-llama-cpp. */
const fakeReader: GgufSummaryReader = async () => fakeSummary;

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "hearth-store-"));
}

function setAge(file: string, ageMs: number): void {
  const when = new Date(Date.now() - ageMs);
  fs.utimesSync(file, when, when);
}

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const pid = Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }));
  return pid;
}

describe("model store", function () {
  let fixtures: FixtureModels;
  let dir: string;
  let store: ModelStore;

  before(async () => {
    fixtures = await ensureFixtureModels();
  });

  beforeEach(() => {
    dir = makeTempDir();
    store = new ModelStore(path.join(dir, "home"), { readGguf: fakeReader, lockTimeoutMs: 2000 });
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("defaults to $HEARTH_HOME, else ~/.hearth", () => {
    assert.equal(defaultStoreRoot({ HEARTH_HOME: path.join(dir, "h") }, "/home/u"), path.join(dir, "h"));
    assert.equal(defaultStoreRoot({}, path.join(dir, "u")), path.join(dir, "u", ".hearth"));
    assert.equal(defaultStoreRoot({ HEARTH_HOME: "  " }, path.join(dir, "u")), path.join(dir, "u", ".hearth"));
    // The store: a setting, else HEARTH_MODELS_PATH, else the above; `~` expanded in each.
    const home = path.join(dir, "u");
    assert.equal(storeRootFromEnvironment({ HEARTH_MODELS_PATH: "~/m", HEARTH_HOME: "/h" }, "~/set", home), path.join(home, "set"));
    assert.equal(storeRootFromEnvironment({ HEARTH_MODELS_PATH: "~/m", HEARTH_HOME: "/h" }, "  ", home), path.join(home, "m"));
    assert.equal(storeRootFromEnvironment({ HEARTH_HOME: path.join(dir, "h") }, "", home), path.join(dir, "h"));
  });

  it("imports a copy named by content hash, and finds it by name", async () => {
    const manifest = await store.importFile(fixtures.llama, "tiny:latest");
    const hash = sha256(fixtures.llama);
    assert.equal(manifest.name, "tiny:latest");
    assert.equal(manifest.sha256, hash);
    assert.equal(manifest.blob, `sha256-${hash}`);
    assert.equal(manifest.sizeBytes, fs.statSync(fixtures.llama).size);
    assert.equal(manifest.storage, "copy");
    assert.deepEqual(manifest.source, { kind: "file", uri: fixtures.llama });
    assert.equal(manifest.purpose, "chat");
    const blob = path.join(dir, "home", "models", "blobs", `sha256-${hash}`);
    assert.equal(sha256(blob), hash);
    assert.equal(fs.statSync(blob).nlink, 1);
    assert.ok(fs.existsSync(path.join(dir, "home", "models", "manifests", "tiny", "latest.json")));
    assert.deepEqual(fs.readdirSync(path.join(dir, "home", "models", "blobs")), [`sha256-${hash}`]);

    const listed = await store.list();
    assert.deepEqual(listed.map((m) => [m.name, m.status, m.problem]), [["tiny:latest", "ok", null]]);
    assert.equal((await store.get("TINY"))?.manifest?.sha256, hash);
    assert.equal(await store.resolvePath("tiny"), blob);
    assert.equal(await store.resolvePath("./some/model.gguf"), path.resolve("some/model.gguf"));
    await assert.rejects(store.resolvePath("other:1b"), (error: unknown) => isEngineError(error, "modelNotFound") && /hearth pull other:1b/.test(error.message));
  });

  it("names an import after its file when no name is given, and reads the real GGUF header", async () => {
    const real = new ModelStore(path.join(dir, "real"));
    const llama = await real.importFile(fixtures.llama);
    assert.equal(llama.name, "tiny-llama:latest");
    assert.equal(llama.gguf?.architecture, "llama");
    assert.equal(llama.gguf?.quantization, "F32");
    assert.equal(llama.gguf?.contextLength, 2048);
    assert.equal(llama.gguf?.hasChatTemplate, true);
    assert.equal(llama.gguf?.embeddingLength, 64);
    assert.ok((llama.gguf?.parameters ?? 0) > 100_000);
    assert.equal(llama.purpose, "chat");
    assert.equal((await real.importFile(fixtures.embedding)).purpose, "embedding");
    const reranker = await real.importFile(fixtures.reranker, "rerank");
    assert.equal(reranker.purpose, "reranker");
    assert.equal(reranker.gguf?.supportsRanking, true);
    assert.equal(reranker.gguf?.architecture, "bert");
  });

  it("links instead of copying when asked", async () => {
    const original = path.join(dir, "model-q4_k_m.gguf");
    fs.copyFileSync(fixtures.llama, original);
    const manifest = await store.importFile(original, undefined, { mode: "link" });
    assert.equal(manifest.name, "model:q4_k_m");
    assert.equal(manifest.storage, "hardLink");
    assert.equal(fs.statSync(original).nlink, 2);
    assert.equal((await store.diskUsage()).blobBytes, manifest.sizeBytes);
    const removed = await store.remove("model:q4_k_m");
    assert.equal(removed.blobRemoved, true);
    assert.equal(removed.freedBytes, 0, "a linked file frees nothing: the user's copy stays");
    assert.ok(fs.existsSync(original));
    assert.equal(fs.statSync(original).nlink, 1);
  });

  it("refuses a file that is not a GGUF model and stores nothing", async () => {
    const notModel = path.join(dir, "notes.gguf");
    fs.writeFileSync(notModel, "<html>not a model</html>");
    await assert.rejects(store.importFile(notModel), (error: unknown) => isEngineError(error, "invalidModel"));
    await assert.rejects(store.importFile(path.join(dir, "missing.gguf")), (error: unknown) => isEngineError(error, "modelNotFound"));
    await assert.rejects(store.importFile(fixtures.llama, "bad name!"), (error: unknown) => isEngineError(error, "badRequest"));
    assert.deepEqual(await store.list(), []);
    const blobs = path.join(dir, "home", "models", "blobs");
    assert.deepEqual(fs.existsSync(blobs) ? fs.readdirSync(blobs) : [], []);
  });

  it("copies a model to a second name and removes the file only with the last name", async () => {
    const manifest = await store.importFile(fixtures.llama, "tiny");
    const copied = await store.copy("tiny", "team/tiny:stable");
    assert.equal(copied.name, "team/tiny:stable");
    assert.equal(copied.blob, manifest.blob);
    assert.deepEqual((await store.list()).map((m) => m.name), ["team/tiny:stable", "tiny:latest"]);
    assert.ok(fs.existsSync(path.join(dir, "home", "models", "manifests", "team", "tiny", "stable.json")));

    const first = await store.remove("tiny");
    assert.deepEqual([first.blobRemoved, first.freedBytes], [false, 0]);
    assert.ok(fs.existsSync(store.blobPath(manifest.sha256)));
    const second = await store.remove("team/tiny:stable");
    assert.deepEqual([second.blobRemoved, second.freedBytes], [true, manifest.sizeBytes]);
    assert.ok(!fs.existsSync(store.blobPath(manifest.sha256)));
    assert.ok(!fs.existsSync(path.join(dir, "home", "models", "manifests", "team")), "empty namespace folders go too");
    await assert.rejects(store.remove("tiny"), (error: unknown) => isEngineError(error, "modelNotFound"));
    await assert.rejects(store.copy("nothing", "x"), (error: unknown) => isEngineError(error, "modelNotFound"));
  });

  it("replacing a name drops the file it used when nothing else does", async () => {
    const first = await store.importFile(fixtures.llama, "m");
    const second = await store.importFile(fixtures.embedding, "m");
    assert.notEqual(first.blob, second.blob);
    assert.ok(!fs.existsSync(store.blobPath(first.sha256)));
    assert.deepEqual((await store.list()).map((m) => m.manifest?.blob), [second.blob]);
  });

  it("reports a corrupt manifest and a missing file instead of failing, and repair fixes both", async () => {
    const kept = await store.importFile(fixtures.llama, "kept");
    const gone = await store.importFile(fixtures.embedding, "gone");
    fs.rmSync(store.blobPath(gone.sha256));
    const corruptPath = path.join(dir, "home", "models", "manifests", "broken", "latest.json");
    fs.mkdirSync(path.dirname(corruptPath), { recursive: true });
    fs.writeFileSync(corruptPath, "{ this is not json");
    const truncated = await store.importFile(fixtures.reranker, "truncated");
    fs.truncateSync(store.blobPath(truncated.sha256), 100);

    const listed = await store.list();
    assert.deepEqual(
      listed.map((m) => [m.name, m.status]),
      [
        ["broken:latest", "corrupt"],
        ["gone:latest", "missingFile"],
        ["kept:latest", "ok"],
        ["truncated:latest", "corrupt"],
      ],
    );
    for (const model of listed.filter((m) => m.status !== "ok")) assert.match(model.problem ?? "", /repair/);
    await assert.rejects(store.resolvePath("gone"), (error: unknown) => isEngineError(error, "invalidModel") && /missing/.test(error.message));

    // Leftovers: an orphan blob, an old and a fresh temp file, an abandoned and a live partial download.
    const blobs = path.join(dir, "home", "models", "blobs");
    const orphan = path.join(blobs, `sha256-${"0".repeat(64)}`);
    fs.writeFileSync(orphan, "orphan");
    const oldTemp = path.join(blobs, "tmp-1-abc.tmp");
    fs.writeFileSync(oldTemp, "x");
    setAge(oldTemp, 2 * 24 * 3600_000);
    const freshTemp = path.join(blobs, "tmp-2-def.tmp");
    fs.writeFileSync(freshTemp, "x");
    const abandoned = path.join(blobs, "partial-aaaa");
    fs.writeFileSync(abandoned, "half");
    fs.writeFileSync(`${abandoned}.json`, "{}");
    setAge(abandoned, 30 * 24 * 3600_000);
    const live = path.join(blobs, "partial-bbbb");
    fs.writeFileSync(live, "half");
    setAge(live, 30 * 24 * 3600_000);
    fs.writeFileSync(`${live}.lock`, JSON.stringify({ pid: process.pid, token: "t" }));
    const oldManifestTemp = path.join(dir, "home", "models", "manifests", "kept", "latest.json.1.x.tmp");
    fs.writeFileSync(oldManifestTemp, "{}");
    setAge(oldManifestTemp, 2 * 24 * 3600_000);

    const report = await store.repair();
    assert.deepEqual(report.removedManifests.map((m) => m.name).sort(), ["broken:latest", "gone:latest", "truncated:latest"]);
    assert.deepEqual(report.removedBlobs.sort(), [path.basename(orphan), `sha256-${truncated.sha256}`].sort());
    assert.deepEqual(report.removedTempFiles.sort(), ["manifests/kept/latest.json.1.x.tmp".split("/").join(path.sep), "partial-aaaa", "tmp-1-abc.tmp"].sort());
    assert.ok(report.freedBytes >= 100);
    assert.deepEqual((await store.list()).map((m) => [m.name, m.status]), [["kept:latest", "ok"]]);
    assert.ok(fs.existsSync(store.blobPath(kept.sha256)));
    assert.ok(fs.existsSync(freshTemp) && fs.existsSync(live) && !fs.existsSync(`${abandoned}.json`));
    assert.deepEqual((await store.repair()).removedManifests, [], "a second repair has nothing to do");
  });

  it("repair with verify drops a model whose file no longer matches its hash", async () => {
    const model = await store.importFile(fixtures.llama, "tiny");
    const blob = store.blobPath(model.sha256);
    const bytes = fs.readFileSync(blob);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    fs.writeFileSync(blob, bytes);
    assert.equal((await store.list())[0]?.status, "ok", "same size: only a hash shows it");
    const report = await store.repair({ verify: true });
    assert.deepEqual(report.removedManifests.map((m) => m.name), ["tiny:latest"]);
    assert.deepEqual(report.removedBlobs, [model.blob]);
  });

  it("reports disk usage", async () => {
    const empty = await store.diskUsage();
    assert.deepEqual([empty.blobBytes, empty.partialBytes, empty.models], [0, 0, 0]);
    const a = await store.importFile(fixtures.llama, "a");
    await store.copy("a", "b");
    fs.writeFileSync(path.join(store.blobsDir, "partial-x"), Buffer.alloc(1000));
    const usage = await store.diskUsage();
    assert.equal(usage.blobBytes, a.sizeBytes);
    assert.equal(usage.partialBytes, 1000);
    assert.equal(usage.models, 2);
    assert.equal(usage.root, path.join(dir, "home"));
    assert.ok(usage.freeBytes === null || usage.freeBytes > 0);
  });

  it("serializes changes through the lock file and breaks a stale lock", async () => {
    await store.ensureLayout();
    // Changes from one process queue up behind each other.
    await store.importFile(fixtures.llama, "a");
    const other = new ModelStore(path.join(dir, "home"), { readGguf: fakeReader });
    await Promise.all([store.copy("a", "b"), other.copy("a", "c"), store.importFile(fixtures.llama, "e"), other.copy("a", "f")]);
    await store.remove("a");
    await Promise.all([store.remove("e"), other.remove("f")]);
    assert.deepEqual((await store.list()).map((m) => m.name), ["b:latest", "c:latest"]);
    assert.deepEqual(fs.readdirSync(store.blobsDir).length, 1);
    assert.ok(!fs.existsSync(store.lockPath), "released");

    // A lock whose process has exited is stale.
    fs.writeFileSync(store.lockPath, JSON.stringify({ pid: deadPid(), host: os.hostname(), createdAt: "x", token: "old" }));
    await store.copy("b", "d");
    assert.ok(!fs.existsSync(store.lockPath));

    // A lock held by a live process makes changes wait, then fail with a message that names it.
    fs.writeFileSync(store.lockPath, JSON.stringify({ pid: process.ppid, host: os.hostname(), createdAt: "now", token: "live" }));
    const busy = new ModelStore(path.join(dir, "home"), { readGguf: fakeReader, lockTimeoutMs: 150 });
    await assert.rejects(busy.remove("b"), (error: unknown) => isDownloadError(error, "storeBusy") && error.message.includes(`pid ${process.ppid}`));
    assert.deepEqual((await store.list()).map((m) => m.name), ["b:latest", "c:latest", "d:latest"], "reading needs no lock");

    // …unless it is older than the stale limit.
    setAge(store.lockPath, 10 * 60_000);
    await busy.remove("b");
    assert.deepEqual((await store.list()).map((m) => m.name), ["c:latest", "d:latest"]);
  });

  it("gives a lock to one holder at a time", async () => {
    const lockPath = path.join(dir, "x.lock");
    const first = await acquireLock(lockPath, { timeoutMs: 0 });
    assert.equal(await tryAcquireLock(lockPath), null);
    const waiting = acquireLock(lockPath, { timeoutMs: 2000, pollMs: 5 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await first.release();
    const second = await waiting;
    assert.equal(JSON.parse(fs.readFileSync(lockPath, "utf8")).pid, process.pid);
    await second.release();
    assert.ok(!fs.existsSync(lockPath));
    const controller = new AbortController();
    const held = await acquireLock(lockPath);
    const aborted = acquireLock(lockPath, { signal: controller.signal, timeoutMs: 5000 });
    controller.abort(new Error("stop"));
    await assert.rejects(aborted, /stop/);
    await held.release();
  });
});
