// The workspace index at repository scale: 100,000 chunks (and files with none) saved into the
// 64 vectra shards, loaded back from disk into a new IndexData, searched by vector (exactly the
// brute-force top 10) and by keyword (a planted identifier), and updated one file at a time
// (one shard rewritten). Vectors are 32-d so the test stays quick; the layout does not depend
// on the dimension.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { keywordTerms } from "../../src/common/index/keywordTokenizer";
import { IndexData, loadIndex, readManifest, shardCount } from "../../src/engine/index/indexStore";
import type { ChunkEntry } from "../../src/engine/index/indexStore";
import { readShard } from "../../src/engine/index/vectraShard";
import { vectorSearch } from "../../src/engine/index/workspaceIndexes";

const dimensions = 32;
const filesWithChunks = 5_000;
const chunksPerFile = 20;
const emptyFiles = 40;
const planted = "frobnicateQuuxLedger";

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

function unitVector(random: () => number): Float32Array {
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let d = 0; d < dimensions; d++) {
    vector[d] = random();
    norm += vector[d]! * vector[d]!;
  }
  for (let d = 0; d < dimensions; d++) vector[d]! /= Math.sqrt(norm);
  return vector;
}

function termsOf(text: string): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const term of keywordTerms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return [...counts];
}

/** Each shard's index file: its inode and modification time. */
function shardStamps(storeDir: string): Map<string, string> {
  const stamps = new Map<string, string>();
  for (const name of fs.readdirSync(storeDir).filter((entry) => entry.startsWith("shard-"))) {
    const stat = fs.statSync(path.join(storeDir, name, "index.hidx"));
    stamps.set(name, `${stat.ino}:${stat.mtimeMs}`);
  }
  return stamps;
}

describe("workspace index at 100,000 chunks", function () {
  this.timeout(120_000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-index-scale-"));
  const storeDir = path.join(tmp, "index");
  /** What was written: path:startLine → vector. */
  const written: Array<{ id: string; vector: Float32Array }> = [];
  /** The index as the first test loaded it from disk. */
  let loaded: IndexData;

  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("saves 100,000 chunks into 64 vectra shards and loads them back whole", async () => {
    const random = seeded(42);
    const data = new IndexData(storeDir);
    data.embeddingModel = "scale-test";
    data.dimensions = dimensions;
    data.roots = ["/repo"];
    for (let f = 0; f < filesWithChunks; f++) {
      const chunks: ChunkEntry[] = [];
      for (let c = 0; c < chunksPerFile; c++) {
        const n = f * chunksPerFile + c;
        const text = n === 73_421 ? `export function ${planted}(entry: Entry): void {}` : `export function handler${n % 997}(value: number) { return value * ${n % 89}; }`;
        const vector = unitVector(random);
        written.push({ id: `src/file${f}.ts:${c * 3 + 1}`, vector });
        chunks.push({ doc: data.newDoc(), startLine: c * 3 + 1, endLine: c * 3 + 3, contentHash: `h${n}`, text, terms: termsOf(text), vector });
      }
      data.putFile({ root: "/repo", path: `src/file${f}.ts`, hash: `f${f}`, size: 100, mtimeMs: f, language: "typescript", chunks });
    }
    for (let e = 0; e < emptyFiles; e++) {
      data.putFile({ root: "/repo", path: `empty/blank${e}.ts`, hash: `e${e}`, size: 0, mtimeMs: e, language: "typescript", chunks: [] });
    }
    const saveStart = performance.now();
    await data.save();
    const saveMs = performance.now() - saveStart;
    assert.equal(data.lastSavedShards.length, shardCount);

    const loadStart = performance.now();
    const report = await loadIndex(storeDir, false);
    const { droppedShards, outdatedFormat } = report;
    loaded = report.data;
    const loadMs = performance.now() - loadStart;
    assert.deepEqual([droppedShards, outdatedFormat], [0, false]);
    assert.equal(loaded.chunkCount, filesWithChunks * chunksPerFile);
    assert.equal(loaded.files.size, filesWithChunks + emptyFiles);
    assert.equal(loaded.embeddingModel, "scale-test");
    assert.equal(loaded.dimensions, dimensions);
    assert.equal(loaded.generation, data.generation);
    assert.deepEqual(
      [...loaded.files.values()].filter((file) => file.path.startsWith("empty/")).map((file) => file.chunks.length),
      new Array<number>(emptyFiles).fill(0),
      "files with no chunks are kept",
    );
    for (const { chunk } of loaded.docs.values()) assert.ok(chunk.vector instanceof Float32Array && chunk.vector.length === dimensions);
    const size = await loaded.diskSize();
    console.log(`      save ${saveMs.toFixed(0)} ms, load ${loadMs.toFixed(0)} ms, ${(size / 1e6).toFixed(1)} MB on disk`);

    // Vector query: exactly the brute-force top 10 over what was written.
    const query = unitVector(seeded(7));
    const scored = written.map(({ id, vector }) => {
      let score = 0;
      for (let d = 0; d < dimensions; d++) score += vector[d]! * query[d]!;
      return { id, score };
    });
    scored.sort((a, b) => b.score - a.score);
    const expected = scored.slice(0, 10);
    const found = vectorSearch(loaded, query, 10).map(({ doc, score }) => {
      const { file, chunk } = loaded.docs.get(doc)!;
      return { id: `${file.path}:${chunk.startLine}`, score };
    });
    assert.deepEqual(found, expected);

    // Keyword query: the planted identifier, by its whole name and by its parts.
    for (const text of [planted, "frobnicate quux ledger"]) {
      const [best] = loaded.keywords.search(keywordTerms(text), 3);
      assert.ok(best, text);
      const { file, chunk } = loaded.docs.get(best.doc)!;
      assert.deepEqual([file.path, chunk.startLine, chunk.text.includes(planted)], [`src/file3671.ts`, 1 * 3 + 1, true]);
    }
  });

  it("rewrites only the changed file's shard on a one-file update", async () => {
    const before = shardStamps(storeDir);
    assert.equal(before.size, shardCount);
    // The loaded copy is the writer's: as in the engine, which keeps the index it holds in memory.
    const data = loaded;
    const target = data.files.get(`/repo\u0000src/file1234.ts`)!;
    const text = "export function renamedEntryPoint(): number { return 1; }";
    data.putFile({
      ...target,
      hash: "changed",
      chunks: [{ doc: data.newDoc(), startLine: 1, endLine: 1, contentHash: "changed", text, terms: termsOf(text), vector: unitVector(seeded(9)) }],
    });
    await data.save();
    assert.equal(data.lastSavedShards.length, 1);
    const after = shardStamps(storeDir);
    const changed = [...after].filter(([name, stamp]) => before.get(name) !== stamp).map(([name]) => name);
    assert.deepEqual(changed, [`shard-${String(data.lastSavedShards[0]).padStart(2, "0")}`]);

    const shard = await readShard(path.join(storeDir, changed[0]!));
    assert.equal(shard.state, "ok");
    const file = shard.state === "ok" ? shard.files.find((entry) => entry.path === "src/file1234.ts") : undefined;
    assert.deepEqual([file?.hash, file?.chunks.length, file?.chunks[0]?.text], ["changed", 1, text]);
    assert.equal((await readManifest(storeDir))?.chunks, filesWithChunks * chunksPerFile - chunksPerFile + 1);
  });
});
