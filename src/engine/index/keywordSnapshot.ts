// A keyword snapshot: the postings of an index's keyword ranking, partitioned by term, so that a
// process that searches once (`hearth search`) reads the few terms its query holds instead of the
// whole index (issue 16, item 5). The index's shards stay the truth: a snapshot belongs to one
// generation of the index (index.json's), is written by the first search-only load of that
// generation (never by a writer, so indexing and one-file updates cost what they did), and is
// ignored once the index changes. Layout, in `keyword-snapshot/<generation>/`:
//   docs.txt      a JSON line {docs, totalLength}, then one line per chunk: its shard, its place
//                 among the shard's chunks, and its length in each field;
//   terms-NN.txt  64 buckets by a hash of the term: one line per term, `term\tdoc:packed …`.
// The folder is written under a temporary name and renamed whole, so a reader sees all of it or none.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fieldCount, keywordFields } from "../../common/index/chunkFields";
import { temporaryMarker } from "./atomicFileStorage";
import type { IndexData } from "./indexStore";
import { shardFolderName, snapshotFolderName } from "./indexStore";
import { encodeTerms, fieldScore, forEachEncoded, termIdf } from "./keywordIndex";
import type { KeywordRanking } from "./keywordIndex";
import { readShard } from "./vectraShard";
import type { ShardChunk, ShardFile } from "./vectraShard";

const bucketCount = 64;

function bucketOf(term: string): number {
  let hash = 2166136261;
  for (let i = 0; i < term.length; i++) hash = Math.imul(hash ^ term.charCodeAt(i), 16777619);
  return (hash >>> 0) % bucketCount;
}

function bucketName(bucket: number): string {
  return `terms-${String(bucket).padStart(2, "0")}.txt`;
}

function snapshotDir(storeDir: string, generation: string): string {
  return path.join(storeDir, snapshotFolderName, generation.replace(/[^\w-]/g, "_"));
}

/**
 * Writes the snapshot of `data` (an index just loaded from disk, unchanged since) unless one for
 * its generation exists; older generations' snapshots are removed. Best effort: a failure leaves
 * no snapshot, and searches load the whole index as before.
 */
export async function writeKeywordSnapshot(data: IndexData): Promise<boolean> {
  if (!data.generation || data.hasChanges) return false;
  const target = snapshotDir(data.storeDir, data.generation);
  if (fs.existsSync(target)) return false;
  const docs: string[] = [];
  // Each term's postings as doc, packed, doc, packed…
  const postings = new Map<string, number[]>();
  const totals = new Array<number>(keywordFields.length).fill(0);
  const lengths = new Array<number>(keywordFields.length);
  let id = 0;
  for (const { chunk } of data.docs.values()) {
    if (!chunk.location) return false; // not as on disk
    lengths.fill(0);
    const text = chunk.encodedTerms ?? encodeTerms(chunk.terms);
    forEachEncoded(text, (term, packed) => {
      for (let f = 0; f < lengths.length; f++) lengths[f]! += fieldCount(packed, f);
      const list = postings.get(term);
      if (list === undefined) postings.set(term, [id, packed]);
      else list.push(id, packed);
    });
    for (let f = 0; f < lengths.length; f++) totals[f]! += lengths[f]!;
    docs.push(`${chunk.location.shard} ${chunk.location.ordinal} ${lengths.join(" ")}`);
    id++;
  }
  const parent = path.dirname(target);
  const temporary = `${target}${temporaryMarker}${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await fs.promises.mkdir(temporary, { recursive: true });
    await fs.promises.writeFile(path.join(temporary, "docs.txt"), `${JSON.stringify({ docs: docs.length, totalLength: totals })}\n${docs.join("\n")}\n`);
    const buckets: string[][] = Array.from({ length: bucketCount }, () => []);
    for (const [term, list] of postings) {
      let line = `${term}\t`;
      for (let i = 0; i < list.length; i += 2) line += `${i > 0 ? " " : ""}${list[i]}${list[i + 1] === 1 ? "" : `:${list[i + 1]}`}`;
      buckets[bucketOf(term)]!.push(line);
    }
    for (let b = 0; b < bucketCount; b++) await fs.promises.writeFile(path.join(temporary, bucketName(b)), `\n${buckets[b]!.join("\n")}\n`);
    await fs.promises.rename(temporary, target);
  } catch {
    await fs.promises.rm(temporary, { recursive: true, force: true }).catch(() => undefined);
    return false;
  }
  // Snapshots of earlier generations (and leftovers of interrupted writes) go.
  for (const name of await fs.promises.readdir(parent).catch(() => [] as string[])) {
    const full = path.join(parent, name);
    if (full !== target && (!name.includes(temporaryMarker) || !name.includes(`${temporaryMarker}${process.pid}-`))) {
      await fs.promises.rm(full, { recursive: true, force: true }).catch(() => undefined);
    }
  }
  return true;
}

/** Columns of a line of docs.txt: shard, ordinal, then a length per field. */
const docColumns = 2 + keywordFields.length;

/** docs.txt's lines from `from` on, as numbers: `docColumns` per chunk. */
function parseDocs(text: string, from: number, n: number): Float64Array {
  const table = new Float64Array(n * docColumns);
  let cell = 0;
  let value = 0;
  let inNumber = false;
  for (let i = from; i < text.length && cell < table.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      value = value * 10 + code - 48;
      inNumber = true;
    } else if (inNumber) {
      table[cell++] = value;
      value = 0;
      inNumber = false;
    }
  }
  if (inNumber && cell < table.length) table[cell] = value;
  return table;
}

export interface SnapshotHit {
  file: ShardFile;
  chunk: ShardChunk;
  score: number;
  /** The query's terms in the chunk, with their packed field counts and their share of the score. */
  matched: Array<[term: string, packed: number, score: number]>;
}

/**
 * The best `limit` chunks for `terms` by BM25F from the snapshot of `generation`, read from their
 * shards (only those); null when there is no snapshot of that generation.
 */
export async function searchKeywordSnapshot(storeDir: string, generation: string, terms: readonly string[], limit: number, ranking: KeywordRanking): Promise<SnapshotHit[] | null> {
  const dir = snapshotDir(storeDir, generation);
  let docsText: string;
  try {
    docsText = await fs.promises.readFile(path.join(dir, "docs.txt"), "utf8");
  } catch {
    return null;
  }
  const firstBreak = docsText.indexOf("\n");
  const meta = JSON.parse(docsText.slice(0, firstBreak)) as { docs: number; totalLength: number[] };
  const n = meta.docs;
  if (n === 0) return [];
  const averages = meta.totalLength.map((total) => total / n || 1);
  const weights = keywordFields.map((field) => ranking.weight[field]);
  const bs = keywordFields.map((field) => ranking.b[field]);
  const table = parseDocs(docsText, firstBreak + 1, n);
  const scores = new Map<number, { score: number; matched: Array<[string, number, number]> }>();
  const bucketTexts = new Map<number, string>();
  for (const term of new Set(terms)) {
    const bucket = bucketOf(term);
    let text = bucketTexts.get(bucket);
    if (text === undefined) {
      text = await fs.promises.readFile(path.join(dir, bucketName(bucket)), "utf8").catch(() => "");
      bucketTexts.set(bucket, text);
    }
    const at = text.indexOf(`\n${term}\t`);
    if (at < 0) continue;
    const start = at + term.length + 2;
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    let df = 1;
    for (let i = start; i < end; i++) if (text.charCodeAt(i) === 32) df++;
    const idf = termIdf(df, n);
    // `doc` or `doc:packed`, space-separated, read without allocating.
    let i = start;
    while (i < end) {
      let doc = 0;
      let code = text.charCodeAt(i);
      while (code >= 48 && code <= 57) {
        doc = doc * 10 + code - 48;
        code = text.charCodeAt(++i);
      }
      let packed = 1;
      if (code === 58) {
        packed = 0;
        code = text.charCodeAt(++i);
        while (code >= 48 && code <= 57) {
          packed = packed * 10 + code - 48;
          code = text.charCodeAt(++i);
        }
      }
      i++;
      if (doc >= n) continue;
      const score = fieldScore(packed, table.subarray(doc * docColumns + 2, doc * docColumns + docColumns), averages, idf, weights, bs, ranking.k1);
      let entry = scores.get(doc);
      if (!entry) scores.set(doc, (entry = { score: 0, matched: [] }));
      entry.score += score;
      entry.matched.push([term, packed, score]);
    }
  }
  if (scores.size === 0) return [];
  const best = [...scores].sort((x, y) => y[1].score - x[1].score || x[0] - y[0]).slice(0, limit);
  // Only the shards that hold the best chunks are read.
  const wanted = [...new Set(best.map(([doc]) => table[doc * docColumns]!))];
  const read = await Promise.all(wanted.map((shard) => readShard(path.join(storeDir, shardFolderName(shard)))));
  const shards = new Map<number, Array<{ file: ShardFile; chunk: ShardChunk }> | null>();
  wanted.forEach((shard, i) => {
    const result = read[i]!;
    shards.set(shard, result.state === "ok" ? result.files.flatMap((file) => file.chunks.map((chunk) => ({ file, chunk }))) : null);
  });
  const hits: SnapshotHit[] = [];
  for (const [doc, { score, matched }] of best) {
    const found = shards.get(table[doc * docColumns]!)?.[table[doc * docColumns + 1]!];
    if (!found) return null; // the shards changed under the snapshot: load the index instead
    hits.push({ ...found, score, matched });
  }
  return hits;
}
