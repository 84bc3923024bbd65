// The workspace indexer on real files with real llama.cpp (the fixture embedding and reranker
// models): what it never indexes (the secret canary), incremental re-indexing by content hash,
// keyword-only indexes, hybrid search with a reranker, PDF pages, BM25, and the walker's rules.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildPrompt } from "../../src/common/chat/chatPrompt";
import { passageAttachments } from "../../src/common/index/indexPassages";
import type { JobPriority } from "../../src/common/engine/engineProtocol";
import { loadIndex } from "../../src/engine/index/indexStore";
import { KeywordIndex, decodeTerms, encodeTerms } from "../../src/engine/index/keywordIndex";
import { llamaEmbeddingBackend } from "../../src/engine/index/llamaEmbeddingBackend";
import type { EmbeddingBackend } from "../../src/engine/index/workspaceIndexes";
import { WorkspaceIndexes } from "../../src/engine/index/workspaceIndexes";
import { fileAllowed, walkFolder } from "../../src/engine/index/workspaceWalker";
import { LlamaEngine } from "../../src/engine/llama/llamaEngine";
import type { FixtureModels } from "../fixtures/fixtureModels";
import { ensureFixtureModels } from "../fixtures/fixtureModels";
import { minimalPdf } from "../support/minimalPdf";
import { fakePrivateKey, fakeTokens } from "../support/fakeSecrets";

function write(root: string, relative: string, content: string | Buffer): void {
  const file = path.join(root, ...relative.split("/"));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** Every file under `dir`, read as bytes. */
function allBytes(dir: string): Buffer[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((entry) => {
    const full = path.join(entry.parentPath, entry.name);
    return entry.isFile() ? [fs.readFileSync(full)] : [];
  });
}

/** Counts what goes to the embedding model. */
class CountingBackend implements EmbeddingBackend {
  embedded: string[] = [];
  calls = 0;
  constructor(private readonly inner: EmbeddingBackend) {}
  async embed(model: string, texts: string[], priority: JobPriority, signal?: AbortSignal): Promise<number[][]> {
    this.calls++;
    if (priority === "background") this.embedded.push(...texts);
    return this.inner.embed(model, texts, priority, signal);
  }
  rank(model: string, query: string, documents: string[], signal?: AbortSignal): Promise<number[]> {
    return this.inner.rank!(model, query, documents, signal);
  }
}

const noModels: EmbeddingBackend = {
  embed: () => Promise.reject(new Error("no embedding model should be used")),
};

describe("workspace index", function () {
  let fixtures: FixtureModels;
  let engine: LlamaEngine;
  let tmp: string;

  before(async () => {
    fixtures = await ensureFixtureModels();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-index-"));
    engine = new LlamaEngine({ defaultThreads: 1, gpu: false, storeRoot: path.join(tmp, "store") });
  });

  after(async () => {
    await engine.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("walks a folder by nested .gitignore, .hearthignore, excludes, secret names and the size cap", async () => {
    const root = path.join(tmp, "walk");
    write(root, ".gitignore", "build/\n*.log\n");
    write(root, "src/.gitignore", "generated.ts\n!keep.log\n");
    write(root, ".hearthignore", "private/\n");
    write(root, "src/main.ts", "export const a = 1;\n");
    write(root, "src/generated.ts", "x\n");
    write(root, "src/keep.log", "kept by negation\n");
    write(root, "other/app.log", "ignored\n");
    write(root, "build/out.js", "x\n");
    write(root, "private/notes.md", "x\n");
    write(root, "vendor/lib.ts", "x\n");
    write(root, ".env.local", "x\n");
    write(root, ".ssh/config", "x\n");
    write(root, "big.txt", "x".repeat(5000));
    write(root, "node_modules/pkg/index.js", "x\n");
    const skipped: string[] = [];
    const files = await walkFolder(root, { maxFileBytes: 1000, excludes: ["vendor/"], onSkip: (file, reason) => skipped.push(`${file}:${reason}`) });
    assert.deepEqual(files.map((file) => file.path), [".gitignore", ".hearthignore", "src/.gitignore", "src/keep.log", "src/main.ts"]);
    for (const expected of ["build:ignored", "private:ignored", "vendor:ignored", "src/generated.ts:ignored", "other/app.log:ignored", ".env.local:secret", ".ssh:secret", "big.txt:tooLarge", "node_modules:ignored"]) {
      assert.ok(skipped.includes(expected), `${expected} in ${skipped.join(", ")}`);
    }
    assert.equal(fileAllowed(root, "src/main.ts", []), true);
    assert.equal(fileAllowed(root, "src/generated.ts", []), false);
    assert.equal(fileAllowed(root, "private/notes.md", []), false);
    assert.equal(fileAllowed(root, "vendor/lib.ts", ["vendor/"]), false);
    assert.equal(fileAllowed(root, "a/b/.npmrc", []), false);
  });

  it("scores keywords with BM25 and updates postings per document", () => {
    const index = new KeywordIndex();
    index.add(1, [["parse", 2], ["config", 1]]);
    index.add(2, [["parse", 1], ["json", 3]]);
    index.add(3, [["render", 1]]);
    const hits = index.search(["parse", "config"], 10);
    assert.deepEqual(hits.map((hit) => hit.doc), [1, 2]);
    assert.ok(hits[0]!.score > hits[1]!.score);
    index.remove(1, [["parse", 2], ["config", 1]]);
    assert.deepEqual(index.search(["config"], 10), []);
    assert.equal(index.documents, 2);
    assert.deepEqual(decodeTerms(encodeTerms([["a", 1], ["b*c", 3]])), [["a", 1], ["b*c", 3]]);
  });

  it("never lets a secret, ignored, binary, minified or oversized file reach the index, a search or a prompt (canary)", async () => {
    const root = path.join(tmp, "canary");
    const storeDir = path.join(tmp, "canary-index");
    const canaries = new Map<string, string>();
    const plant = (relative: string, make: (canary: string) => string | Buffer): void => {
      const canary = `CANARY${canaries.size}Z${Math.random().toString(36).slice(2, 10)}`;
      canaries.set(relative, canary);
      write(root, relative, make(canary));
    };
    for (const secret of [
      ".env", ".env.production", "config/.env.local", "certs/server.pem", "certs/server.key", "id_rsa", "keys/id_ed25519",
      ".npmrc", "credentials.json", ".aws/credentials", ".ssh/config", ".git-credentials", "deploy/gcp-service-account.json",
    ]) {
      plant(secret, (canary) => `token=${canary}\n`);
    }
    // Issue 14: credential files the first rules missed, and secrets under innocent names.
    for (const secret of [
      ".envrc", ".my.cnf", ".pgpass", ".s3cfg", ".vault-token", "keys/id_ecdsa_sk", ".netrc", ".docker/config.json", ".kube/config",
      "tools/gh/hosts.yml", "release.p12", ".terraform/terraform.tfstate", "infra/prod.tfstate", "service-account-ci.json",
    ]) {
      plant(secret, (canary) => `token=${canary}\n`);
    }
    plant("docs/notes.txt", (canary) => `Keep this safe (${canary}):\n${fakePrivateKey("OPENSSH")}`);
    plant("src/settings.ts", (canary) => `export const awsKey = "${fakeTokens.aws()}"; // ${canary}\n`);
    plant("scripts/deploy.md", (canary) => `Run with GITHUB_TOKEN=${fakeTokens.github()} (${canary})\n`);
    write(root, ".gitignore", "ignored-dir/\n*.secret.txt\n");
    plant("ignored-dir/notes.md", (canary) => `# Notes\n${canary}\n`);
    plant("plans.secret.txt", (canary) => `${canary}\n`);
    write(root, ".hearthignore", "hidden/\n");
    plant("hidden/readme.md", (canary) => `${canary}\n`);
    plant("assets/blob.bin", (canary) => Buffer.concat([Buffer.from([0, 1, 2, 3, 0, 255]), Buffer.from(canary), Buffer.alloc(64)]));
    plant("dist/app.js", (canary) => `!function(){var a="${canary}";${"var b=1;".repeat(300)}}();\n`);
    plant("huge.md", (canary) => `${canary}\n${"filler line\n".repeat(20_000)}`);
    write(root, "src/visible.ts", "export function visibleFunction(): string {\n  return \"visible words here\";\n}\n");

    const indexes = new WorkspaceIndexes(llamaEmbeddingBackend(engine));
    const result = await indexes.build(
      { roots: [root], storeDir, embeddingModel: fixtures.embedding, maxFileBytes: 100_000 },
      () => undefined,
    );
    assert.ok(result.skipped.secret >= 11 + 14 + 3, JSON.stringify(result.skipped));
    assert.equal(result.skipped.binary, 1);
    assert.equal(result.skipped.minified, 1);
    assert.equal(result.skipped.tooLarge, 1);
    const disk = allBytes(storeDir);
    assert.ok(disk.length >= 2);
    const hits = [];
    for (const [file, canary] of canaries) {
      for (const bytes of disk) assert.equal(bytes.includes(canary), false, `${file}'s canary is in the index files`);
      const search = await indexes.search({ storeDir, query: canary, k: 20 });
      hits.push(...search.results);
      for (const hit of search.results) assert.ok(!hit.text.includes(canary), `${file}'s canary came back from a search`);
      const prompt = buildPrompt(`What is ${canary.slice(0, 6)}?`, passageAttachments(search.results));
      assert.ok(!prompt.includes(canary), `${file}'s canary reached a prompt`);
    }
    assert.ok(hits.length > 0, "searches did return the visible file");
    const visible = await indexes.search({ storeDir, query: "visibleFunction", k: 3 });
    assert.equal(visible.results[0]?.path, "src/visible.ts");
    const prompt = buildPrompt("What does it return?", passageAttachments(visible.results));
    assert.match(prompt, /src\/visible\.ts:1-3\n```typescript\nexport function visibleFunction/);
  });

  it("re-embeds only what changed: an edit embeds that file's changed chunks; a touch, a rename or a watcher's update embed nothing else", async () => {
    const root = path.join(tmp, "incremental");
    const storeDir = path.join(tmp, "incremental-index");
    for (let n = 0; n < 6; n++) {
      write(root, `src/module${n}.ts`, [`export function first${n}(): number {`, `  return ${n};`, "}", "", `export function second${n}(): number {`, `  return ${n * 2};`, "}", ""].join("\n"));
    }
    write(root, "docs/guide.md", "# Guide\nHow to use it.\n\n## Install\nRun the installer.\n");
    const backend = new CountingBackend(llamaEmbeddingBackend(engine));
    const indexes = new WorkspaceIndexes(backend);
    const first = await indexes.build({ roots: [root], storeDir, embeddingModel: fixtures.embedding }, () => undefined);
    assert.equal(first.filesIndexed, 7);
    assert.equal(first.chunksEmbedded, first.status.chunks);
    assert.equal(backend.embedded.length, first.status.chunks);

    backend.embedded = [];
    const again = await indexes.build({ roots: [root], storeDir }, () => undefined);
    assert.deepEqual([again.filesIndexed, again.filesUnchanged, again.chunksEmbedded, backend.embedded.length], [0, 7, 0, 0]);
    assert.equal(again.status.embeddingModel, fixtures.embedding, "the index keeps its embedding model");

    // One function edited: only its chunk is embedded again; the file's other chunk keeps its vector.
    write(root, "src/module3.ts", ["export function first3(): number {", "  return 3;", "}", "", "export function second3(): number {", "  return 333;", "}", ""].join("\n"));
    const edited = await indexes.build({ roots: [root], storeDir }, () => undefined);
    assert.equal(edited.filesIndexed, 1);
    assert.equal(edited.chunksEmbedded, 1);
    assert.equal(backend.embedded.length, 1);
    assert.match(backend.embedded[0]!, /second3[\s\S]*333/);

    // A touched but unchanged file is read (its time changed) and recognised by its hash.
    backend.embedded = [];
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(path.join(root, "src", "module1.ts"), later, later);
    const touched = await indexes.build({ roots: [root], storeDir }, () => undefined);
    assert.deepEqual([touched.filesIndexed, touched.filesUnchanged, backend.embedded.length], [0, 7, 0]);

    // A rename: the file is indexed under its new path, its chunks keep their vectors.
    fs.renameSync(path.join(root, "src", "module2.ts"), path.join(root, "src", "renamed.ts"));
    const renamed = await indexes.build({ roots: [root], storeDir }, () => undefined);
    assert.equal(renamed.filesRemoved, 1);
    assert.equal(renamed.filesIndexed, 1);
    assert.equal(renamed.chunksReused, 1, "its two small functions are one chunk");
    assert.equal(backend.embedded.length, 0, "a renamed file's chunks are not embedded again");

    // A watcher's update: a new file and a deleted one, without walking the tree.
    write(root, "src/added.ts", "export const addedValue = 42;\n");
    fs.rmSync(path.join(root, "docs"), { recursive: true });
    const update = await indexes.updateFiles(
      { storeDir, changed: [path.join(root, "src", "added.ts")], deleted: [path.join(root, "docs")] },
      () => undefined,
    );
    assert.deepEqual([update.filesIndexed, update.filesRemoved, update.chunksEmbedded], [1, 1, 1]);
    const found = await indexes.search({ storeDir, query: "addedValue", k: 1 });
    assert.equal(found.results[0]?.path, "src/added.ts");
    assert.equal((await indexes.search({ storeDir, query: "Install installer", k: 5 })).results.some((hit) => hit.path.startsWith("docs/")), false);

    // A fresh engine-side reader (another process) sees the same index from disk.
    const reader = new WorkspaceIndexes(llamaEmbeddingBackend(engine));
    const status = await reader.status(storeDir);
    assert.deepEqual([status.files, status.chunks, status.dimensions], [7, update.status.chunks, 64]);
  });

  it("works keyword-only without an embedding model, and fuses keyword and vector rankings then reranks with one", async () => {
    const root = path.join(tmp, "modes");
    write(root, "src/http_server.py", "def start_http_server(port):\n    return listen(port)\n\n\ndef stop_server():\n    pass\n");
    write(root, "src/colors.ts", "export function mixColors(a: string, b: string): string {\n  return a + b;\n}\n");
    write(root, "notes/paper.pdf", minimalPdf([["An introduction to gardens"], ["Tomatoes need sunlight and water"]]));
    const keywordStore = path.join(tmp, "modes-keyword");
    const keywordOnly = new WorkspaceIndexes(noModels);
    const built = await keywordOnly.build({ roots: [root], storeDir: keywordStore, embeddingModel: "none" }, () => undefined);
    assert.equal(built.status.embeddingModel, null);
    const byParts = await keywordOnly.search({ storeDir: keywordStore, query: "startHttpServer", k: 3 });
    assert.equal(byParts.mode, "keyword");
    assert.equal(byParts.results[0]?.path, "src/http_server.py");
    assert.equal(byParts.results[0]?.symbol, "start_http_server, stop_server", "two small functions merge into one chunk named after both");
    const page = await keywordOnly.search({ storeDir: keywordStore, query: "tomatoes sunlight", k: 3 });
    assert.deepEqual([page.results[0]?.path, page.results[0]?.page, page.results[0]?.startLine], ["notes/paper.pdf", 2, 2]);
    const filtered = await keywordOnly.search({ storeDir: keywordStore, query: "mix colors server", k: 5, paths: ["src/colors.ts"] });
    assert.deepEqual([...new Set(filtered.results.map((hit) => hit.path))], ["src/colors.ts"]);

    const hybridStore = path.join(tmp, "modes-hybrid");
    const hybrid = new WorkspaceIndexes(llamaEmbeddingBackend(engine));
    await hybrid.build({ roots: [root], storeDir: hybridStore, embeddingModel: fixtures.embedding }, () => undefined);
    const fused = await hybrid.search({ storeDir: hybridStore, query: "mix colors", k: 3 });
    assert.equal(fused.mode, "hybrid");
    assert.equal(fused.results[0]?.path, "src/colors.ts");
    assert.ok(fused.results[0]!.keywordRank !== null && fused.results[0]!.vectorRank !== null);
    // The embedding model went away: the same index still answers by keywords.
    const orphaned = new WorkspaceIndexes(noModels);
    const fallback = await orphaned.search({ storeDir: hybridStore, query: "mixColors", k: 3 });
    assert.deepEqual([fallback.mode, fallback.results[0]?.path], ["keyword", "src/colors.ts"]);
    await assert.rejects(orphaned.search({ storeDir: hybridStore, query: "mixColors", k: 3, mode: "vector" }), /no embedding model should be used/);
    const vectorOnly = await hybrid.search({ storeDir: hybridStore, query: "mix colors", k: 3, mode: "vector" });
    assert.ok(vectorOnly.results.every((hit) => hit.keywordRank === null && hit.vectorRank !== null));
    // The fixture reranker scores by shared words; its order (not the fusion's) is the result's.
    const reranked = await hybrid.search({ storeDir: hybridStore, query: "tomatoes sunlight water", k: 3, rerankModel: fixtures.reranker });
    assert.equal(reranked.reranked, true);
    const rankerInfo = await engine.loadModel({ model: fixtures.reranker });
    const direct = await engine.rank({ modelId: rankerInfo.modelId, query: "tomatoes sunlight water", documents: reranked.results.map((hit) => hit.text) });
    assert.deepEqual(reranked.results.map((hit) => hit.score), direct.scores);
    for (let k = 1; k < reranked.results.length; k++) assert.ok(reranked.results[k - 1]!.score >= reranked.results[k]!.score);
  });

  it("switching the embedding model re-embeds everything; --rebuild too; clear removes the index", async () => {
    const root = path.join(tmp, "switch");
    const storeDir = path.join(tmp, "switch-index");
    write(root, "a.md", "# A\nalpha\n");
    write(root, "b.md", "# B\nbeta\n");
    const backend = new CountingBackend(llamaEmbeddingBackend(engine));
    const indexes = new WorkspaceIndexes(backend);
    await indexes.build({ roots: [root], storeDir, embeddingModel: "none" }, () => undefined);
    assert.equal(backend.embedded.length, 0);
    const withModel = await indexes.build({ roots: [root], storeDir, embeddingModel: fixtures.embedding }, () => undefined);
    assert.equal(withModel.chunksEmbedded, 2);
    const rebuilt = await indexes.build({ roots: [root], storeDir, rebuild: true }, () => undefined);
    assert.equal(rebuilt.chunksEmbedded, 2);
    assert.deepEqual(await indexes.clear(storeDir), { cleared: true });
    assert.equal((await indexes.status(storeDir)).exists, false);
    assert.equal((await loadIndex(storeDir, false)).data.files.size, 0);
  });
});
