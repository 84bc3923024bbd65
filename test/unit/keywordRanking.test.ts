// Issue 16, items 3 and 4: the fields of a chunk (name and signature, path, doc comments, body),
// field-weighted BM25 and why a result matched, the search-only keyword index that reads a query's
// terms alone, and the vector check that weighs the vector ranking in hybrid fusion by how well it
// retrieves on the workspace itself (0 for an embedder no better than chance).
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { chunkFieldTerms, firstDocSentence, isDeclarationLine, packFields, unpackFields } from "../../src/common/index/chunkFields";
import { chooseVectorWeight, fusionWeights, reciprocalRankFusion } from "../../src/common/index/rankFusion";
import type { FusionProbe } from "../../src/common/index/rankFusion";
import { loadIndex } from "../../src/engine/index/indexStore";
import { KeywordIndex, encodeTerms, encodedLengths, findEncoded } from "../../src/engine/index/keywordIndex";
import { WorkspaceIndexes } from "../../src/engine/index/workspaceIndexes";
import type { EmbeddingBackend } from "../../src/engine/index/workspaceIndexes";

function fieldsOf(terms: Array<[string, number]>, term: string): number[] {
  const found = terms.find(([t]) => t === term);
  return found ? unpackFields(found[1]) : [0, 0, 0, 0];
}

describe("keyword ranking (issue 16)", () => {
  it("packs four field counts in one number, a plain count being the body's", () => {
    assert.deepEqual(unpackFields(packFields([3, 1, 2, 7])), [3, 1, 2, 7]);
    assert.deepEqual(unpackFields(5), [5, 0, 0, 0]);
    assert.deepEqual(unpackFields(packFields([5000, 100, 0, 0])), [1023, 63, 0, 0], "counts are capped, never spill into another field");
  });

  it("tells declarations from statements across languages", () => {
    for (const line of [
      "export function parseConfig(text: string): Config {",
      "public static <T> T requireNonNull(T obj, String message) {",
      "private void signalNotEmpty() {",
      "def parse_header(value):",
      "async def fetch(self, url):",
      "func (c *Command) Execute() error {",
      "pub fn is_empty(&self) -> bool {",
      "protected async handleRequest(request: Request): Promise<void> {",
      "export const mergeMap = (project) => {",
      "class ArrayBlockingQueue<E> extends AbstractQueue<E>",
      "E poll(long timeout, TimeUnit unit) throws InterruptedException;",
    ]) {
      assert.ok(isDeclarationLine(line, line.startsWith("def") || line.startsWith("async def") ? "python" : "java"), line);
    }
    for (const line of ["if (count == 0) {", "return parse(text);", "foo(bar);", "x = compute(y)", "this.lock.unlock();", "} else if (ready) {", "for (const item of items) {"]) {
      assert.equal(isDeclarationLine(line, "typescript"), false, line);
    }
  });

  it("splits a chunk into name, path, doc and body terms, keeping whole identifiers", () => {
    const text = [
      "/**",
      " * Inserts the element, waiting for space.",
      " */",
      "public void putLast(E element) throws InterruptedException {",
      "    // wait for capacity",
      "    lock.lockInterruptibly();",
      "}",
    ].join("\n");
    const terms = chunkFieldTerms("java/util/concurrent/LinkedBlockingDeque.java", "LinkedBlockingDeque.putLast", text, "java");
    // body, name, path, doc
    assert.deepEqual(fieldsOf(terms, "putlast"), [0, 2, 0, 0]);
    assert.deepEqual(fieldsOf(terms, "last"), [0, 2, 0, 0]);
    assert.deepEqual(fieldsOf(terms, "dequ"), [0, 1, 1, 0]);
    assert.deepEqual(fieldsOf(terms, "insert"), [0, 0, 0, 1]);
    assert.deepEqual(fieldsOf(terms, "capacity"), [0, 0, 0, 1]);
    assert.deepEqual(fieldsOf(terms, "lockinterruptibly"), [1, 0, 0, 0]);
    const python = chunkFieldTerms("werkzeug/http.py", "parse_date", 'def parse_date(value):\n    """Parse an HTTP date."""\n    return _parse(value)\n', "python");
    assert.deepEqual(fieldsOf(python, "parse_date"), [0, 2, 0, 0]);
    assert.deepEqual(fieldsOf(python, "http"), [0, 0, 1, 1]);
    assert.deepEqual(fieldsOf(python, "_parse"), [1, 0, 0, 0]);
  });

  it("ranks a match in the name above the same words in a body, and says why", () => {
    const index = new KeywordIndex();
    const named = chunkFieldTerms("src/queue.ts", "drainQueue", "export function drainQueue(): void {\n  run();\n}", "typescript");
    const body = chunkFieldTerms("src/other.ts", "flush", "export function flush(): void {\n  // drain the queue\n  drain(queue);\n}", "typescript");
    index.add(1, body);
    index.add(2, named);
    const hits = index.search(["drain", "queu"], 10);
    assert.deepEqual(hits.map((hit) => hit.doc), [2, 1]);
    const why = index.explain(2, ["drain", "queu", "absent"]);
    assert.deepEqual(why.map((entry) => entry.term).sort(), ["drain", "queu"]);
    assert.equal(why.find((entry) => entry.term === "drain")!.fields.name, 2);
    assert.equal(why.find((entry) => entry.term === "queu")!.fields.path, 1);
    assert.ok(Math.abs(why.reduce((sum, entry) => sum + entry.score, 0) - hits[0]!.score) < 1e-9);
  });

  it("searches saved terms without decoding them, the same as postings built whole", () => {
    const docs: Array<[string, number][]> = [
      chunkFieldTerms("a/parser.go", "Parse", "func Parse(s string) (*Node, error) {\n  return parse(s)\n}", "go"),
      chunkFieldTerms("a/lexer.go", "Lex", "// Lex splits the parse input.\nfunc Lex(s string) []Token {\n  return nil\n}", "go"),
      chunkFieldTerms("b/node.go", "Node.String", "func (n *Node) String() string {\n  return n.text\n}", "go"),
    ];
    const whole = new KeywordIndex();
    const deferred = new KeywordIndex();
    docs.forEach((terms, i) => {
      whole.add(i + 1, terms);
      const encoded = encodeTerms(terms);
      deferred.addEncoded(i + 1, encoded);
      assert.deepEqual([...encodedLengths(encoded)], [0, 1, 2, 3].map((f) => terms.reduce((sum, [, packed]) => sum + unpackFields(packed)[f]!, 0)));
    });
    for (const query of [["pars"], ["node", "string"], ["lex", "input"], ["nothing"]]) {
      assert.deepEqual(deferred.search(query, 10), whole.search(query, 10), query.join(" "));
    }
    deferred.remove(1, docs[0]!);
    whole.remove(1, docs[0]!);
    assert.deepEqual(deferred.search(["pars"], 10), whole.search(["pars"], 10));
    assert.equal(findEncoded("ab*3 abc x*12", "ab"), 3);
    assert.equal(findEncoded("ab*3 abc x*12", "abc"), 1);
    assert.equal(findEncoded("ab*3 abc x*12", "x"), 12);
    assert.equal(findEncoded("ab*3 abc x*12", "b"), 0);
  });

  it("finds a chunk's first doc sentence in each language's comment style", () => {
    assert.deepEqual(firstDocSentence("/**\n * Returns the {@code size} of this queue. More text.\n */\nint size() {", "java"), { sentence: "Returns the size of this queue.", from: 0, to: 2 });
    assert.equal(firstDocSentence("/// Returns true if the set is empty.\npub fn is_empty(&self) -> bool {", "rust")?.sentence, "Returns true if the set is empty.");
    assert.equal(firstDocSentence("// Execute runs the command and its children.\nfunc (c *Command) Execute() error {", "go")?.sentence, "Execute runs the command and its children.");
    assert.deepEqual(firstDocSentence('def f(x):\n    """Parse a date from the header value.\n\n    More.\n    """\n', "python"), { sentence: "Parse a date from the header value.", from: 1, to: 4 });
    assert.equal(firstDocSentence("// TODO: fix\nint x;", "c"), null, "too short to ask");
  });

  it("weighs rankings in the fusion: at 0 the fused order is the first ranking's, the second only adds after it", () => {
    const fused = reciprocalRankFusion([["a", "b", "c"], ["c", "d"]], 60, [1, 0]);
    assert.deepEqual(fused.map((item) => item.key), ["a", "b", "c", "d"]);
    assert.deepEqual(reciprocalRankFusion([["a", "b"], ["b", "a"]], 60, [1, 2]).map((item) => item.key), ["b", "a"]);
  });

  it("chooses the vector weight by the probes: 0 for a ranking no better than chance, more for one that helps", () => {
    const fusedAt = (keyword: number | null, vector: number | null): Array<number | null> =>
      fusionWeights.map((weight) => {
        // A two-item world is enough to see the choice: the target against one rival at keyword rank 1.
        if (keyword === 1) return 1;
        const target = 1 / (60 + (keyword ?? 1000)) + (vector ? weight / (60 + vector) : 0);
        const rival = 1 / 61 + weight / (60 + 20);
        return target > rival ? 1 : keyword === null ? null : keyword;
      });
    const chance: FusionProbe[] = Array.from({ length: 20 }, (_, i) => ({ keywordRank: i % 2 ? 1 : 2, vectorRank: null, fusedRanks: fusedAt(i % 2 ? 1 : 2, null) }));
    assert.equal(chooseVectorWeight(chance).weight, 0);
    const helpful: FusionProbe[] = Array.from({ length: 20 }, (_, i) => ({ keywordRank: i % 2 ? 1 : 2, vectorRank: 1, fusedRanks: fusedAt(i % 2 ? 1 : 2, 1) }));
    const choice = chooseVectorWeight(helpful);
    assert.ok(choice.weight > 0 && choice.hybridMrr > choice.keywordMrr, JSON.stringify(choice));
    assert.equal(chooseVectorWeight(helpful.slice(0, 3)).weight, 0.5, "too few probes: a middle weight");
  });

  it("measures the vectors at index time, stores the weight, keeps hybrid = keyword for a random embedder, and skips the check on a one-file update", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-vector-check-"));
    const storeDir = path.join(root, ".index");
    const src = path.join(root, "src");
    fs.mkdirSync(src);
    const verbs = ["parse", "render", "merge", "split", "encode", "decode", "fetch", "store", "format", "validate", "compress", "hash"];
    const nouns = ["header", "token", "stream", "buffer", "config", "message", "record", "schedule", "layout", "request"];
    let n = 0;
    for (const noun of nouns) {
      const body = verbs
        .map((verb) => {
          n++;
          return `/**\n * ${verb[0]!.toUpperCase()}${verb.slice(1)}s the ${noun} with care for item ${n}.\n */\nexport function ${verb}${noun[0]!.toUpperCase()}${noun.slice(1)}${n}(input: string): string {\n  const value${n} = input.trim();\n  return value${n} + "${noun}";\n}\n`;
        })
        .join("\n");
      fs.writeFileSync(path.join(src, `${noun}.ts`), body);
    }
    let calls = 0;
    let seed = 7;
    const random = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32 - 0.5;
    };
    const noise: EmbeddingBackend = {
      embed: (_model, texts) => {
        calls++;
        return Promise.resolve(texts.map(() => Array.from({ length: 16 }, random)));
      },
    };
    const indexes = new WorkspaceIndexes(noise);
    const phases: string[] = [];
    let savedBeforeMeasuring: { chunks: number; vectorCheck?: unknown } | null = null;
    await indexes.build({ roots: [root], storeDir, embeddingModel: "noise" }, (progress) => {
      if (phases.at(-1) !== progress.phase) phases.push(progress.phase);
      if (progress.phase === "measuring" && !savedBeforeMeasuring) savedBeforeMeasuring = JSON.parse(fs.readFileSync(path.join(storeDir, "index.json"), "utf8"));
    });
    // The index is saved (whole, searchable) before its vectors are measured, and says so.
    assert.deepEqual(phases.slice(-3), ["indexing", "saving", "measuring"]);
    assert.equal(savedBeforeMeasuring!.vectorCheck, undefined);
    const manifest = JSON.parse(fs.readFileSync(path.join(storeDir, "index.json"), "utf8")) as { vectorCheck?: { probes: number; weight: number; keywordMrr: number } };
    assert.ok(manifest.vectorCheck, "the check is saved with the index");
    assert.equal(savedBeforeMeasuring!.chunks, (manifest as { chunks: number }).chunks);
    assert.ok(manifest.vectorCheck.probes >= 8, JSON.stringify(manifest.vectorCheck));
    assert.equal(manifest.vectorCheck.weight, 0, JSON.stringify(manifest.vectorCheck));
    assert.equal((await loadIndex(storeDir, false)).data.vectorCheck?.weight, 0, "and read back");
    for (const query of ["merge the stream", "validate request", "hash config buffer"]) {
      const hybrid = await indexes.search({ storeDir, query, k: 10, mode: "hybrid" });
      const keyword = await indexes.search({ storeDir, query, k: 10, mode: "keyword" });
      assert.equal(hybrid.vectorWeight, 0);
      assert.deepEqual(
        hybrid.results.filter((hit) => hit.keywordRank !== null).map((hit) => [hit.path, hit.startLine]),
        keyword.results.map((hit) => [hit.path, hit.startLine]).slice(0, hybrid.results.filter((hit) => hit.keywordRank !== null).length),
        query,
      );
      assert.deepEqual(hybrid.results.slice(0, 3).map((hit) => hit.keywordRank), [1, 2, 3]);
    }
    const explained = await indexes.search({ storeDir, query: "parse header", k: 1, explain: true });
    assert.equal(explained.results[0]?.explain?.vectorWeight, 0);
    assert.ok(explained.results[0]?.explain?.terms.some((term) => term.fields.name), JSON.stringify(explained.results[0]?.explain));
    fs.appendFileSync(path.join(src, "token.ts"), "\nexport const extra = 1;\n");
    calls = 0;
    await indexes.updateFiles({ storeDir, changed: [path.join(src, "token.ts")], deleted: [] }, () => undefined);
    assert.ok(calls <= 1, `a one-file update embeds its own chunks only (${calls} calls)`);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe("vector weight for an embedder that knows what keywords cannot (issue 16, item 4)", () => {
  it("gives the vectors a weight when they find what keywords miss, and hybrid then beats keyword-only", async () => {
    // Each function's doc comment names a Greek letter, its code a Hebrew one: only the embedder
    // knows they are the same topic (one dimension per pair), so keywords cannot link a question
    // to its function and vectors can. Functions of 28 lines: each is a chunk of its own.
    const greek = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "theta", "iota", "kappa", "lambda", "sigma", "omega"];
    const hebrew = ["aleph", "bet", "gimel", "dalet", "he", "vav", "zayin", "het", "tet", "yod", "kaf", "lamed"];
    // A third name for each topic that appears nowhere in the code: the questions' words.
    const asked = ["prima", "secunda", "tertia", "quarta", "quinta", "sexta", "septima", "octava", "nona", "decima", "undecima", "duodecima"];
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-vector-good-"));
    const storeDir = path.join(root, ".index");
    fs.mkdirSync(path.join(root, "src"));
    for (let file = 0; file < 3; file++) {
      const body = greek
        .map((letter, i) => {
          const code = hebrew[i]!;
          return `/**\n * Builds the ${letter} record from the table row number ${file}.\n */\nexport function build${code[0]!.toUpperCase()}${code.slice(1)}Row${file}(row: Row): Record {\n  const ${code}Fields = row.cells;\n${"  check(row);\n".repeat(22)}  return toRecord(${code}Fields, ${file});\n}\n`;
        })
        .join("\n");
      fs.writeFileSync(path.join(root, "src", `records${file}.ts`), body);
    }
    const topic = (text: string): number[] => {
      const vector = Array.from({ length: greek.length + 1 }, () => 0);
      const words = text.toLowerCase().split(/[^a-z]+/);
      greek.forEach((letter, i) => {
        if (words.includes(letter) || words.includes(asked[i]!) || words.some((word) => word.startsWith(hebrew[i]!) && word.length > 2 && hebrew[i]!.length > 1)) vector[i] = 1;
      });
      vector[greek.length] = 0.1;
      return vector;
    };
    const knowing: EmbeddingBackend = { embed: (_model, texts) => Promise.resolve(texts.map(topic)) };
    const indexes = new WorkspaceIndexes(knowing);
    await indexes.build({ roots: [root], storeDir, embeddingModel: "knowing" }, () => undefined);
    const check = (await loadIndex(storeDir, false)).data.vectorCheck!;
    assert.ok(check.probes >= 8 && check.weight > 0, JSON.stringify(check));
    assert.ok(check.vectorMrr > check.keywordMrr && check.hybridMrr > check.keywordMrr, JSON.stringify(check));
    let keywordHits = 0;
    let hybridHits = 0;
    for (const [i, word] of asked.entries()) {
      const query = `where is the ${word} row built`;
      const target = hebrew[i]!;
      const first = (hits: Array<{ symbol?: string }>): boolean => (hits[0]?.symbol ?? "").toLowerCase().includes(target);
      if (first((await indexes.search({ storeDir, query, k: 5, mode: "keyword" })).results)) keywordHits++;
      const hybrid = await indexes.search({ storeDir, query, k: 5, mode: "hybrid" });
      assert.equal(hybrid.vectorWeight, check.weight);
      if (first(hybrid.results)) hybridHits++;
    }
    assert.ok(hybridHits > keywordHits, `hybrid first ${hybridHits}/12, keyword ${keywordHits}/12`);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe("keyword snapshot for one-off searches (issue 16, item 5)", () => {
  it("answers a search-only process from the snapshot exactly as the loaded index does, and never from a stale one", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-snapshot-"));
    const storeDir = path.join(root, ".index");
    const src = path.join(root, "src");
    fs.mkdirSync(src);
    for (let i = 0; i < 30; i++) {
      fs.writeFileSync(
        path.join(src, `module${i}.ts`),
        `/** Handles part ${i} of the request pipeline. */\nexport function handleRequest${i}(request: Request): Response {\n  return respond(request, ${i});\n}\n\nexport function parseHeader${i}(value: string): string {\n  return value.trim();\n}\n`,
      );
    }
    const noEmbedder: EmbeddingBackend = { embed: () => Promise.reject(new Error("keyword-only")) };
    const writer = new WorkspaceIndexes(noEmbedder);
    await writer.build({ roots: [root], storeDir, embeddingModel: "none" }, () => undefined);
    const queries = ["parse header value", "handle request pipeline", "respond", "nothing matches this"];
    // What a process that loads the whole index finds (chunks in the shards' order, as the snapshot's).
    const loader = (): WorkspaceIndexes => new WorkspaceIndexes(noEmbedder);
    const reader = loader();
    const expected = await Promise.all(queries.map((query) => reader.search({ storeDir, query, k: 5, explain: true })));
    const shape = (result: { results: Array<{ path: string; startLine: number; score: number; explain?: { terms: Array<{ term: string; fields: object }> } }> }): unknown =>
      result.results.map((hit) => [hit.path, hit.startLine, hit.score.toFixed(9), hit.explain?.terms.map((term) => [term.term, term.fields])]);
    // The first search-only process loads the index and writes the snapshot; the next reads it.
    const firstProcess = new WorkspaceIndexes(noEmbedder, { searchOnly: "once" });
    assert.deepEqual(shape(await firstProcess.search({ storeDir, query: queries[0]!, k: 5, explain: true })), shape(expected[0]!));
    assert.equal(fs.existsSync(path.join(storeDir, "keyword-snapshot")), false, "written only when asked, after the results are out");
    await firstProcess.leaveKeywordSnapshots();
    assert.equal(fs.readdirSync(path.join(storeDir, "keyword-snapshot")).length, 1);
    for (const [i, query] of queries.entries()) {
      const fresh = new WorkspaceIndexes(noEmbedder, { searchOnly: "once" });
      assert.deepEqual(shape(await fresh.search({ storeDir, query, k: 5, explain: true })), shape(expected[i]!), query);
    }
    // A change makes a new generation: the old snapshot is not used, and the next one replaces it.
    fs.writeFileSync(path.join(src, "module3.ts"), "export function unrelated(): void {}\n");
    await writer.updateFiles({ storeDir, changed: [path.join(src, "module3.ts")], deleted: [] }, () => undefined);
    const after = new WorkspaceIndexes(noEmbedder, { searchOnly: "once" });
    const found = await after.search({ storeDir, query: "parse header value", k: 40 });
    assert.ok(!found.results.some((hit) => hit.path === "src/module3.ts"), "a stale snapshot would still find module3's old text");
    assert.deepEqual(shape(found), shape(await loader().search({ storeDir, query: "parse header value", k: 40 })));
    await after.leaveKeywordSnapshots();
    assert.equal(fs.readdirSync(path.join(storeDir, "keyword-snapshot")).length, 1, "the old generation's snapshot is removed");
    await writer.clear(storeDir);
    assert.equal(fs.existsSync(path.join(storeDir, "keyword-snapshot")), false, "clearing the index clears its snapshot");
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe("index format 4 (terms per field)", () => {
  it("removes and rebuilds an index of an earlier format instead of keeping its unfielded terms", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-format-"));
    const storeDir = path.join(root, ".index");
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "src", "queue.ts"), "export function drainQueue(): void {\n  run();\n}\n");
    fs.writeFileSync(path.join(root, "src", "other.ts"), "export function flush(): void {\n  drain(queue);\n}\n");
    const indexes = new WorkspaceIndexes({ embed: () => Promise.reject(new Error("keyword-only")) });
    await indexes.build({ roots: [root], storeDir, embeddingModel: "none" }, () => undefined);
    const manifestFile = path.join(storeDir, "index.json");
    fs.writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(fs.readFileSync(manifestFile, "utf8")), format: 3 }));
    const stderr = process.stderr.write.bind(process.stderr);
    let said = "";
    process.stderr.write = ((chunk: string): boolean => ((said += chunk), true)) as typeof process.stderr.write;
    try {
      const again = await new WorkspaceIndexes({ embed: () => Promise.reject(new Error("keyword-only")) }).build({ roots: [root], storeDir, embeddingModel: "none" }, () => undefined);
      assert.equal(again.filesIndexed, 2, "every file is read again");
    } finally {
      process.stderr.write = stderr;
    }
    assert.match(said, /earlier version of Hearth/);
    const { data } = await loadIndex(storeDir, false);
    const named = [...data.docs.values()].find(({ file }) => file.path === "src/queue.ts")!;
    assert.deepEqual(unpackFields(named.chunk.terms.find(([term]) => term === "drainqueu")![1]), [0, 2, 0, 0]);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
