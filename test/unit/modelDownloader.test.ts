// Pull end to end against a real HTTP server on loopback serving the fixture models: progress,
// resume with Range after a dropped connection, checksum mismatch, 404, 401, offline, disk
// space, cancellation and resume, two pulls of one model at once. Temp stores only.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { isDownloadError } from "../../src/common/models/downloadErrors";
import { isEngineError } from "../../src/common/engine/engineError";
import type { PullProgress } from "../../src/common/models/modelManifest";
import type { GgufSummaryReader } from "../../src/engine/models/ggufSummary";
import { partialDownloadPath, partialDownloads, pull } from "../../src/engine/models/modelDownloader";
import { ModelStore } from "../../src/engine/models/modelStore";
import type { FixtureModelSite } from "../support/fixtureModelServer";
import { FixtureModelServer, startFixtureModelSite } from "../support/fixtureModelServer";

const fakeReader: GgufSummaryReader = async () => ({
  name: null,
  architecture: "llama",
  parameters: 1,
  quantization: "F32",
  contextLength: 2048,
  license: null,
  hasChatTemplate: true,
  embeddingLength: 64,
  poolingType: null,
  supportsRanking: false,
});

function blobFiles(store: ModelStore): string[] {
  return fs.existsSync(store.blobsDir) ? fs.readdirSync(store.blobsDir).sort() : [];
}

function assertPhasesInOrder(events: PullProgress[]): void {
  const order = ["resolving", "downloading", "verifying", "writing manifest", "done"];
  let last = 0;
  for (const event of events) {
    const index = order.indexOf(event.phase);
    assert.ok(index >= last, `phase ${event.phase} after ${order[last]}`);
    last = index;
  }
}

describe("model downloader", function () {
  let site: FixtureModelSite;
  let server: FixtureModelServer;
  let dir: string;
  let store: ModelStore;

  before(async () => {
    site = await startFixtureModelSite();
    server = site.server;
  });

  after(async () => {
    await server.close();
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-pull-"));
    store = new ModelStore(path.join(dir, "home"), { readGguf: fakeReader });
    server.requests.length = 0;
    for (const file of [site.llama, site.embedding, site.huggingFace.cdn]) server.setFault(file.path, null);
    server.setFault(site.huggingFace.resolvePath, null);
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("downloads a model with progress, verifies it and writes a manifest with its GGUF summary", async () => {
    const realStore = new ModelStore(path.join(dir, "real"));
    server.setFault(site.llama.path, { chunkBytes: 32 * 1024, chunkDelayMs: 5 });
    const events: PullProgress[] = [];
    const result = await pull(site.llama.url, realStore, {
      onProgress: (event) => events.push(event),
      expectedSha256: site.llama.sha256,
      progressIntervalMs: 20,
    });
    const size = site.llama.bytes.length;
    assert.equal(result.name, "tiny-llama:latest");
    assert.equal(result.alreadyInstalled, false);
    assert.equal(result.downloadedBytes, size);
    assert.equal(result.resumedFromBytes, 0);

    // Progress: ordered phases, bytes never go back, the download ends at the total, then done.
    assertPhasesInOrder(events);
    assert.equal(events[0]?.phase, "resolving");
    const downloading = events.filter((e) => e.phase === "downloading");
    assert.ok(downloading.length >= 3, `${downloading.length} download events`);
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.completedBytes >= events[i - 1]!.completedBytes);
    assert.equal(downloading[downloading.length - 1]?.completedBytes, size);
    assert.ok(downloading.every((e) => e.totalBytes === size && e.name === "tiny-llama:latest"));
    assert.ok(downloading.some((e) => e.bytesPerSecond > 0 && e.etaSeconds !== null));
    const last = events[events.length - 1]!;
    assert.deepEqual([last.phase, last.completedBytes, last.totalBytes, last.etaSeconds], ["done", size, size, 0]);

    const manifest = result.manifest;
    assert.equal(manifest.sha256, site.llama.sha256);
    assert.equal(manifest.sizeBytes, size);
    assert.deepEqual(manifest.source, { kind: "url", uri: site.llama.url, url: site.llama.url });
    assert.equal(manifest.storage, "download");
    assert.equal(manifest.gguf?.architecture, "llama");
    assert.equal(manifest.gguf?.contextLength, 2048);
    assert.equal(manifest.gguf?.hasChatTemplate, true);
    assert.equal(manifest.gguf?.quantization, "F32");
    assert.equal(manifest.purpose, "chat");
    assert.deepEqual(blobFiles(realStore), [`sha256-${site.llama.sha256}`], "no partial or sidecar left");
    assert.equal(await realStore.resolvePath("tiny-llama"), realStore.blobPath(site.llama.sha256));

    // Pulling again finds it installed and asks the server nothing.
    const before = server.requests.length;
    const again = await pull(site.llama.url, realStore, { expectedSha256: site.llama.sha256 });
    assert.equal(again.alreadyInstalled, true);
    assert.equal(server.requests.length, before);
  });

  it("pulls hf: references through the endpoint setting and checks Hugging Face's published sha256", async () => {
    const { repo, file, resolvePath, cdn } = site.huggingFace;
    const result = await pull(`hf:${repo}/${file}`, store, {
      endpoints: { huggingFaceEndpoint: server.url },
      headers: { Authorization: "Bearer hf_token" },
    });
    assert.equal(server.requestsFor(resolvePath, "HEAD")[0]?.authorization, "Bearer hf_token", "a token reaches gated repositories");
    assert.equal(result.name, "tiny-llama:q8_0");
    assert.equal(result.manifest.sha256, cdn.sha256);
    assert.equal(result.manifest.source.kind, "huggingFace");
    assert.equal(result.manifest.source.uri, `hf:${repo}/${file}`);
    assert.equal(server.requestsFor(resolvePath, "HEAD").length, 1);
    assert.equal(server.requestsFor(cdn.path, "GET").length, 1);
  });

  it("rejects a file whose sha256 does not match, and leaves nothing that looks complete", async () => {
    const { repo, file, cdn } = site.huggingFace;
    server.setFault(cdn.path, { corrupt: true });
    const events: PullProgress[] = [];
    await assert.rejects(
      pull(`hf:${repo}/${file}`, store, { endpoints: { huggingFaceEndpoint: server.url }, onProgress: (e) => events.push(e) }),
      (error: unknown) =>
        isDownloadError(error, "checksumMismatch") && error.message.includes(cdn.sha256) && /pull it again/.test(error.message),
    );
    assert.ok(events.some((e) => e.phase === "verifying"));
    assert.ok(!events.some((e) => e.phase === "done" || e.phase === "writing manifest"));
    assert.deepEqual(blobFiles(store), [], "no blob, no partial, no sidecar");
    assert.deepEqual(await store.list(), []);

    // An expected hash given by the caller is checked the same way.
    await assert.rejects(pull(site.llama.url, store, { expectedSha256: "ab".repeat(32) }), (error: unknown) => isDownloadError(error, "checksumMismatch"));
    assert.deepEqual(blobFiles(store), []);
  });

  it("resumes with a Range request after the connection drops", async () => {
    const size = site.llama.bytes.length;
    server.setFault(site.llama.path, { dropAfterBytes: 300_000, chunkBytes: 50_000 });
    const events: PullProgress[] = [];
    const result = await pull(site.llama.url, store, { retries: 2, retryDelayMs: 10, onProgress: (e) => events.push(e) });
    const gets = server.requestsFor(site.llama.path, "GET");
    assert.equal(gets.length, 2);
    assert.equal(gets[0]?.range, null);
    assert.equal(gets[1]?.range, "bytes=300000-");
    assert.equal(gets[1]?.ifRange, site.llama.etag);
    assert.equal(gets[1]?.status, 206);
    assert.equal(result.manifest.sha256, site.llama.sha256);
    assert.equal(result.downloadedBytes, size, "no byte fetched twice");
    for (let i = 1; i < events.length; i++) assert.ok(events[i]!.completedBytes >= events[i - 1]!.completedBytes);
    assert.deepEqual(blobFiles(store), [`sha256-${site.llama.sha256}`]);
  });

  it("keeps what arrived when the connection drops, and a later pull continues from there", async () => {
    server.setFault(site.llama.path, { dropAfterBytes: 200_000, chunkBytes: 50_000 });
    await assert.rejects(pull(site.llama.url, store, { retries: 0 }), (error: unknown) => isDownloadError(error, "network") && /continue/.test(error.message));
    assert.deepEqual(await store.list(), []);
    const partials = blobFiles(store).filter((f) => /^partial-[0-9a-f]+$/.test(f));
    assert.equal(partials.length, 1);
    assert.ok(!blobFiles(store).some((f) => f.startsWith("sha256-")), "nothing named as complete");
    const kept = fs.statSync(path.join(store.blobsDir, partials[0]!)).size;
    assert.ok(kept > 0 && kept <= 200_000);
    const sidecar = JSON.parse(fs.readFileSync(path.join(store.blobsDir, `${partials[0]}.json`), "utf8")) as { url: string; etag: string; totalBytes: number };
    assert.deepEqual([sidecar.url, sidecar.etag, sidecar.totalBytes], [site.llama.url, site.llama.etag, site.llama.bytes.length]);
    const unfinished = await partialDownloads(store);
    assert.deepEqual(
      unfinished.map((d) => [d.path, d.url, d.completedBytes, d.totalBytes, d.active]),
      [[partialDownloadPath(store, site.llama.url), site.llama.url, kept, site.llama.bytes.length, false]],
    );

    const result = await pull(site.llama.url, store, {});
    assert.equal(result.resumedFromBytes, kept);
    assert.equal(result.downloadedBytes, site.llama.bytes.length - kept);
    assert.equal(server.requestsFor(site.llama.path, "GET").at(-1)?.range, `bytes=${kept}-`);
    assert.equal(result.manifest.sha256, site.llama.sha256);
    assert.deepEqual(blobFiles(store), [`sha256-${site.llama.sha256}`]);
  });

  it("continues a download on another mirror when the published sha256 is the same", async () => {
    const mirror = server.serve("/mirror/tiny-llama.gguf", site.llama.bytes);
    server.setFault(site.llama.path, { dropAfterBytes: 250_000 });
    const expectedSha256 = site.llama.sha256;
    await assert.rejects(pull(site.llama.url, store, { retries: 0, expectedSha256 }), (error: unknown) => isDownloadError(error, "network"));
    const result = await pull(mirror.url, store, { expectedSha256 });
    const get = server.requestsFor(mirror.path, "GET");
    assert.equal(get.length, 1);
    assert.equal(get[0]?.range, `bytes=${result.resumedFromBytes}-`);
    assert.ok(result.resumedFromBytes > 0);
    assert.equal(result.manifest.sha256, expectedSha256);
    assert.equal(result.manifest.source.url, mirror.url);
  });

  it("starts over when the server ignores the range", async () => {
    server.setFault(site.llama.path, { dropAfterBytes: 100_000, ignoreRange: true });
    const result = await pull(site.llama.url, store, { retries: 1, retryDelayMs: 1, expectedSha256: site.llama.sha256 });
    const gets = server.requestsFor(site.llama.path, "GET");
    assert.equal(gets[1]?.range, "bytes=100000-");
    assert.equal(gets[1]?.status, 200);
    assert.equal(result.manifest.sha256, site.llama.sha256);
  });

  it("explains 404 and 401, and that the computer is offline", async () => {
    await assert.rejects(
      pull(`${server.url}/files/no-such-model.gguf`, store),
      (error: unknown) => isEngineError(error, "modelNotFound") && isDownloadError(error, "notFound") && /spelling/.test(error.message),
    );
    await assert.rejects(
      pull(`hf:someone/missing-GGUF/model-q4_k_m.gguf`, store, { endpoints: { huggingFaceEndpoint: server.url } }),
      (error: unknown) => isDownloadError(error, "notFound") && error.message.includes("model:q4_k_m"),
    );
    for (const status of [401, 403]) {
      server.setFault(site.llama.path, { status });
      await assert.rejects(
        pull(site.llama.url, store),
        (error: unknown) =>
          isDownloadError(error, "unauthorized") && error.message.includes(`HTTP ${status}`) && /licence/.test(error.message) && /token/.test(error.message),
      );
    }
    server.setFault(site.llama.path, { status: 500 });
    await assert.rejects(pull(site.llama.url, store), (error: unknown) => isDownloadError(error, "httpStatus") && /500/.test(error.message));

    const closed = await FixtureModelServer.start();
    const deadUrl = `${closed.url}/files/x.gguf`;
    await closed.close();
    await assert.rejects(
      pull(deadUrl, store),
      (error: unknown) => isDownloadError(error, "network") && /offline/.test(error.message) && /hearth\.downloadEndpoint/.test(error.message),
    );
    assert.deepEqual(await store.list(), []);
  });

  it("checks free disk space before downloading", async () => {
    const size = site.llama.bytes.length;
    await assert.rejects(
      pull(site.llama.url, store, { freeSpace: async () => 1000 }),
      (error: unknown) => isDownloadError(error, "diskFull") && error.message.includes("874 KB") && error.message.includes("1.00 KB"),
    );
    assert.equal(server.requestsFor(site.llama.path, "GET").length, 0, "nothing downloaded");
    // Without HEAD the answer's Content-Length is checked before writing.
    server.setFault(site.llama.path, { noHead: true });
    await assert.rejects(pull(site.llama.url, store, { freeSpace: async () => size - 1 }), (error: unknown) => isDownloadError(error, "diskFull"));
    const result = await pull(site.llama.url, store, { freeSpace: async () => size });
    assert.equal(result.manifest.sizeBytes, size);
  });

  it("a forced pull downloads again and replaces a damaged file", async () => {
    const first = await pull(site.llama.url, store, { expectedSha256: site.llama.sha256 });
    const blob = store.blobPath(first.manifest.sha256);
    const bytes = fs.readFileSync(blob);
    bytes[1000] = bytes[1000]! ^ 0xff;
    fs.writeFileSync(blob, bytes);
    const forced = await pull(site.llama.url, store, { expectedSha256: site.llama.sha256, force: true });
    assert.equal(forced.alreadyInstalled, false);
    assert.equal(forced.downloadedBytes, site.llama.bytes.length);
    assert.ok(fs.readFileSync(blob).equals(site.llama.bytes));
    assert.deepEqual(blobFiles(store), [`sha256-${site.llama.sha256}`]);
  });

  it("refuses something that is not a GGUF file", async () => {
    server.serve("/files/page.gguf", Buffer.from("<!doctype html><title>Sign in</title>"));
    await assert.rejects(pull(`${server.url}/files/page.gguf`, store), (error: unknown) => isDownloadError(error, "notGguf"));
    assert.deepEqual(blobFiles(store), []);
  });

  it("cancels mid-download, keeps the partial file, and resumes it later", async () => {
    server.setFault(site.llama.path, { chunkBytes: 16 * 1024, chunkDelayMs: 10 });
    const controller = new AbortController();
    await assert.rejects(
      pull(site.llama.url, store, {
        signal: controller.signal,
        progressIntervalMs: 0,
        onProgress: (event) => {
          if (event.phase === "downloading" && event.completedBytes >= 100_000) controller.abort();
        },
      }),
      (error: unknown) => isEngineError(error, "cancelled") && /continue/.test(error.message),
    );
    const partial = blobFiles(store).find((f) => /^partial-[0-9a-f]+$/.test(f));
    assert.ok(partial, "partial kept");
    const kept = fs.statSync(path.join(store.blobsDir, partial)).size;
    assert.ok(kept >= 100_000 && kept < site.llama.bytes.length, `${kept} bytes kept`);
    assert.ok(!blobFiles(store).some((f) => f.startsWith("sha256-") || f.endsWith(".lock")));
    assert.deepEqual(await store.list(), []);

    server.setFault(site.llama.path, null);
    const result = await pull(site.llama.url, store, {});
    assert.equal(result.resumedFromBytes, kept);
    assert.equal(server.requestsFor(site.llama.path, "GET").at(-1)?.range, `bytes=${kept}-`);
    assert.equal(result.manifest.sha256, site.llama.sha256);

    // A signal already aborted stops before anything happens.
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(pull(site.embedding.url, store, { signal: aborted.signal }), (error: unknown) => isEngineError(error, "cancelled"));
  });

  it("shares one download between two pulls of the same model", async () => {
    server.setFault(site.llama.path, { chunkBytes: 64 * 1024, chunkDelayMs: 5 });
    const firstEvents: PullProgress[] = [];
    const secondEvents: PullProgress[] = [];
    const [first, second] = await Promise.all([
      pull(site.llama.url, store, { onProgress: (e) => firstEvents.push(e) }),
      pull(site.llama.url, store, { onProgress: (e) => secondEvents.push(e) }),
    ]);
    assert.equal(server.requestsFor(site.llama.path, "GET").length, 1, "one download");
    assert.equal(first.manifest.sha256, site.llama.sha256);
    assert.equal(second.manifest.sha256, site.llama.sha256);
    assert.equal(first.downloadedBytes + second.downloadedBytes, site.llama.bytes.length);
    assert.equal(firstEvents.at(-1)?.phase, "done");
    assert.equal(secondEvents.at(-1)?.phase, "done");

    // Under two names: still one download, two manifests for one file.
    const other = new ModelStore(path.join(dir, "other"), { readGguf: fakeReader });
    server.requests.length = 0;
    const [a, b] = await Promise.all([
      pull(site.llama.url, other, { name: "one" }),
      pull(site.llama.url, other, { name: "two:x" }),
    ]);
    assert.equal(server.requestsFor(site.llama.path, "GET").length, 1);
    assert.deepEqual([a.name, b.name], ["one:latest", "two:x"]);
    assert.deepEqual((await other.list()).map((m) => [m.name, m.status, m.manifest?.blob]), [
      ["one:latest", "ok", `sha256-${site.llama.sha256}`],
      ["two:x", "ok", `sha256-${site.llama.sha256}`],
    ]);

    // One of two cancelling leaves the other downloading.
    const third = new ModelStore(path.join(dir, "third"), { readGguf: fakeReader });
    server.requests.length = 0;
    const controller = new AbortController();
    const cancelled = pull(site.llama.url, third, { signal: controller.signal });
    const kept = pull(site.llama.url, third, {
      onProgress: (e) => {
        if (e.phase === "downloading" && e.completedBytes > 100_000) controller.abort();
      },
      progressIntervalMs: 0,
    });
    await assert.rejects(cancelled, (error: unknown) => isEngineError(error, "cancelled"));
    assert.equal((await kept).manifest.sha256, site.llama.sha256);
    assert.equal(server.requestsFor(site.llama.path, "GET").length, 1);
  });

  it("waits for another process's download of the same file, and takes over a dead one's", async () => {
    await store.ensureLayout();
    const partialLock = `${partialDownloadPath(store, site.llama.url)}.lock`;

    fs.writeFileSync(partialLock, JSON.stringify({ pid: process.ppid, host: os.hostname(), createdAt: "now", token: "other" }));
    await assert.rejects(pull(site.llama.url, store, { waitTimeoutMs: 200 }), (error: unknown) => isDownloadError(error, "storeBusy"));

    const waiting = pull(site.llama.url, store, { waitTimeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    fs.rmSync(partialLock);
    assert.equal((await waiting).manifest.sha256, site.llama.sha256);

    // A lock left by a process that has exited does not block.
    await store.remove("tiny-llama");
    const exited = Number(execFileSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }));
    fs.writeFileSync(partialLock, JSON.stringify({ pid: exited, host: os.hostname(), createdAt: "then", token: "dead" }));
    assert.equal((await pull(site.llama.url, store, { waitTimeoutMs: 200 })).manifest.sha256, site.llama.sha256);
    assert.ok(!fs.existsSync(partialLock));
  });
});

