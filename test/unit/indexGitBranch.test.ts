// Issue 5 item 6 with a real git repository: switching branches re-embeds nothing that is unchanged.
// A repository in a temp folder is indexed with the engine's indexer and the fixture embedding
// model; `git checkout` of a branch that edits one file, adds one and deletes one is then given to
// the index as VS Code's file watchers give it (indexUpdateFiles with the created, changed and
// deleted files), and, separately, as a whole re-index that walks the tree and compares hashes.
// What was embedded is counted by the indexer's own result (chunksEmbedded, chunksReused) and by
// the texts that reached the real embedding model.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { IndexBuildResult, JobPriority } from "../../src/common/engine/engineProtocol";
import { llamaEmbeddingBackend } from "../../src/engine/index/llamaEmbeddingBackend";
import type { EmbeddingBackend } from "../../src/engine/index/workspaceIndexes";
import { WorkspaceIndexes } from "../../src/engine/index/workspaceIndexes";
import { LlamaEngine } from "../../src/engine/llama/llamaEngine";
import { ensureFixtureModels } from "../fixtures/fixtureModels";

/** The real backend, recording the texts indexing sends to the embedding model. */
class RecordingBackend implements EmbeddingBackend {
  embedded: string[] = [];
  constructor(private readonly inner: EmbeddingBackend) {}
  async embed(model: string, texts: string[], priority: JobPriority, signal?: AbortSignal): Promise<number[][]> {
    if (priority === "background") this.embedded.push(...texts);
    return this.inner.embed(model, texts, priority, signal);
  }
}

/** A module of two functions (two chunks: each is too long to merge with the other), named after `name`. */
function moduleText(name: string, body = "1"): string {
  const steps = Array.from({ length: 22 }, (_, i) => `  input = input + ${i};`);
  return [
    `export function ${name}Start(input: number): number {`,
    ...steps,
    `  return input + ${body};`,
    "}",
    "",
    `export function ${name}Finish(input: number): number {`,
    ...steps,
    `  return input * ${body};`,
    "}",
    "",
  ].join("\n");
}

describe("workspace index across a git branch switch", function () {
  let engine: LlamaEngine;
  let tmp: string;
  let repo: string;
  let storeDir: string;
  let backend: RecordingBackend;
  let indexes: WorkspaceIndexes;

  const git = (...args: string[]): string => execFileSync("git", args, { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const file = (relative: string): string => path.join(repo, ...relative.split("/"));
  const write = (relative: string, text: string): void => {
    fs.mkdirSync(path.dirname(file(relative)), { recursive: true });
    fs.writeFileSync(file(relative), text);
  };
  /** The files `git checkout target` changes, as the file watchers report them: changed (or created) and deleted. */
  const switchTo = (target: string): { changed: string[]; deleted: string[] } => {
    const lines = git("diff", "--name-status", "--no-renames", "HEAD", target).trim().split("\n").filter(Boolean);
    git("checkout", "--quiet", target);
    const changed: string[] = [];
    const deleted: string[] = [];
    for (const line of lines) {
      const [status, name] = line.split("\t") as [string, string];
      (status === "D" ? deleted : changed).push(file(name));
    }
    return { changed, deleted };
  };
  const hitPaths = async (query: string): Promise<string[]> => (await indexes.search({ storeDir, query, k: 3 })).results.map((hit) => hit.path);
  /** Which files' chunks were embedded, by the function names in the texts. */
  const embeddedFrom = (): string[] => [...new Set(backend.embedded.map((text) => /export function (\w+?)(?:Start|Finish)/.exec(text)?.[1] ?? "?"))].sort();

  before(async function () {
    const fixtures = await ensureFixtureModels();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-git-branch-"));
    repo = path.join(tmp, "repo");
    storeDir = path.join(tmp, "index");
    fs.mkdirSync(repo);
    git("init", "--quiet", "--initial-branch=main");
    git("config", "user.name", "Hearth Test");
    git("config", "user.email", "hearth-test@example.invalid");
    git("config", "commit.gpgsign", "false");
    for (const name of ["alpha", "bravo", "charlie", "delta", "echo"]) write(`src/${name}.ts`, moduleText(name));
    write("README.md", "# Sample\n\nA repository for the branch-switch test.\n");
    git("add", "-A");
    git("commit", "--quiet", "-m", "main");
    git("checkout", "--quiet", "-b", "feature");
    write("src/bravo.ts", moduleText("bravo", "2")); // changed: both functions differ
    write("src/foxtrot.ts", moduleText("foxtrot")); // added
    fs.rmSync(file("src/charlie.ts")); // deleted
    git("add", "-A");
    git("commit", "--quiet", "-m", "feature");
    git("checkout", "--quiet", "main");

    engine = new LlamaEngine({ defaultThreads: 1, gpu: false, storeRoot: path.join(tmp, "store") });
    backend = new RecordingBackend(llamaEmbeddingBackend(engine));
    indexes = new WorkspaceIndexes(backend);
    const first = await indexes.build({ roots: [repo], storeDir, embeddingModel: fixtures.embedding }, () => undefined);
    // 5 modules of 2 functions and the README; .git is never indexed.
    assert.equal(first.filesIndexed, 6);
    assert.equal(first.chunksEmbedded, first.status.chunks);
    assert.equal(first.status.chunks, 11, "two chunks a module, one for the README");
    assert.deepEqual(embeddedFrom(), ["?", "alpha", "bravo", "charlie", "delta", "echo"]);
  });

  after(async () => {
    await engine?.dispose();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("embeds only the changed and added files' chunks when the file watchers report a checkout", async () => {
    backend.embedded = [];
    const events = switchTo("feature");
    assert.deepEqual(events.changed.map((name) => path.basename(name)).sort(), ["bravo.ts", "foxtrot.ts"]);
    assert.deepEqual(events.deleted.map((name) => path.basename(name)), ["charlie.ts"]);
    const update: IndexBuildResult = await indexes.updateFiles({ storeDir, roots: [repo], ...events }, () => undefined);
    assert.deepEqual([update.filesIndexed, update.filesRemoved], [2, 1]);
    // bravo's two changed functions and foxtrot's two: four chunks, nothing else.
    assert.equal(update.chunksEmbedded, 4);
    assert.equal(backend.embedded.length, 4);
    assert.deepEqual(embeddedFrom(), ["bravo", "foxtrot"]);
    assert.deepEqual([update.status.files, update.status.chunks], [6, 11]);

    // Searches answer from the new branch.
    assert.equal((await hitPaths("foxtrotStart"))[0], "src/foxtrot.ts");
    assert.ok(!(await hitPaths("charlieStart charlieFinish")).includes("src/charlie.ts"), "the deleted file is gone");
    const bravo = (await indexes.search({ storeDir, query: "bravoFinish", k: 1 })).results[0];
    assert.equal(bravo?.path, "src/bravo.ts");
    assert.match(bravo.text, /input \* 2/, "the changed file's new text");
  });

  it("a whole re-index after the checkout (hashes compared) embeds nothing more", async () => {
    backend.embedded = [];
    const again = await indexes.build({ roots: [repo], storeDir }, () => undefined);
    assert.deepEqual([again.filesIndexed, again.filesUnchanged, again.chunksEmbedded, backend.embedded.length], [0, 6, 0, 0]);
  });

  it("switching back embeds nothing: the vectors of what the branch replaced are still known", async () => {
    backend.embedded = [];
    const events = switchTo("main");
    const back = await indexes.updateFiles({ storeDir, roots: [repo], ...events }, () => undefined);
    assert.deepEqual([back.filesIndexed, back.filesRemoved], [2, 1]);
    // bravo's main-branch functions and charlie's left the index when feature replaced and deleted
    // them; their vectors were kept (by content hash) when they left, so nothing is embedded.
    assert.deepEqual([back.chunksEmbedded, back.chunksReused, backend.embedded.length], [0, 4, 0]);
    assert.equal((await hitPaths("charlieStart"))[0], "src/charlie.ts");
    assert.ok(!(await hitPaths("foxtrotStart foxtrotFinish")).includes("src/foxtrot.ts"), "the branch's added file is gone");
  });

  it("a re-index that walks the tree after a checkout finds every vector it needs again", async () => {
    backend.embedded = [];
    git("checkout", "--quiet", "feature");
    const walked = await indexes.build({ roots: [repo], storeDir }, () => undefined);
    assert.deepEqual([walked.filesIndexed, walked.filesRemoved, walked.filesUnchanged], [2, 1, 4]);
    // The branch's bravo and foxtrot were embedded on the first switch and kept when they left.
    assert.deepEqual([walked.chunksEmbedded, walked.chunksReused, backend.embedded.length], [0, 4, 0]);
    git("checkout", "--quiet", "main");
  });
});
