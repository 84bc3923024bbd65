// The public retrieval benchmark's own code (bench/retrieval/), on small inline samples: the
// documented-function finder that draws queries and answers, the doc blanking, the naive BM25
// baseline and the metrics. The downloaded corpus is needed only by the bench itself.
import * as assert from "node:assert/strict";
import { blankLines, documentedFunctions, firstSentence } from "../../bench/retrieval/documentedFunctions";
import { NaiveBm25, naiveTokens } from "../../bench/retrieval/naiveBm25";
import { keepsFile } from "../../bench/retrieval/publicCorpus";
import { firstHitRank, overlaps, scoreRanks, seededShuffle } from "../../bench/retrieval/retrievalMetrics";
import { chunkDocument } from "../../src/common/index/codeChunker";

describe("public retrieval benchmark", () => {
  it("finds documented functions with exact ranges in each language, skipping bodiless declarations", () => {
    const ts = [
      "/**", " * Parses the {@link Config} file at `path`.", " * @param path where", " */", "export function parseConfig(path: string): Config {", "  const text = `{${path}}`;", "  return { text };", "}", "",
      "/** Declared only. */", "export function declared(): void;", "",
      "class Store {", "  /** Saves every pending entry to disk. */", "  async save(): Promise<void> {", "    if (x) { y(); }", "  }", "}",
    ].join("\n");
    const found = documentedFunctions(ts, "typescript");
    assert.deepEqual(found.map((f) => [f.name, f.docFrom, f.docTo, f.startLine, f.endLine, f.sentence]), [
      ["parseConfig", 1, 4, 5, 8, "Parses the Config file at path."],
      ["save", 14, 14, 15, 17, "Saves every pending entry to disk."],
    ]);
    const go = ["// Start starts the server and blocks until it stops.", "func (s *Server) Start() error {", "\treturn `}`", "}"].join("\n");
    assert.deepEqual(documentedFunctions(go, "go").map((f) => [f.name, f.startLine, f.endLine, f.sentence]), [["Start", 2, 4, "starts the server and blocks until it stops."]]);
    const rust = ["/// Counts the words in a line of text.", "#[inline]", "pub fn count<'a>(line: &'a str) -> usize {", "    let c = '{';", "    line.len()", "}"].join("\n");
    assert.deepEqual(documentedFunctions(rust, "rust").map((f) => [f.name, f.startLine, f.endLine]), [["count", 2, 6]]);
    const java = ["  /**", "   * Returns the number of elements in this queue.", "   */", "  @Override", "  public int size() {", "    return count;", "  }", "  /** Abstract one here. */", "  abstract int other();"].join("\n");
    assert.deepEqual(documentedFunctions(java, "java").map((f) => [f.name, f.startLine, f.endLine, f.sentence]), [["size", 4, 7, "Returns the number of elements in this queue."]]);
    const py = ["class A:", "    def load(self, path):", '        """Load the table from a CSV file.', "", "        More text.", '        """', "        return read(path)", "", "    def bare(self):", "        pass", "x = 1"].join("\n");
    assert.deepEqual(documentedFunctions(py, "python").map((f) => [f.name, f.docFrom, f.docTo, f.startLine, f.endLine, f.sentence]), [["load", 3, 6, 2, 7, "Load the table from a CSV file."]]);
  });

  it("takes a doc's first sentence without markup, drops the function's leading name, and skips empty ones", () => {
    assert.equal(firstSentence("Returns the <b>first</b> item, e.g. the head. More.", "first"), "Returns the first item, e.g.");
    assert.equal(firstSentence("Parse parses the [`Input`] into a tree.\nSecond line.", "Parse"), "parses the Input into a tree.");
    assert.equal(firstSentence("@deprecated use x"), "");
    assert.equal(firstSentence("Short one."), "");
  });

  it("blanks doc lines keeping line numbers, and keeps test and generated files out", () => {
    assert.equal(blankLines("a\nb\nc\nd", [{ from: 2, to: 3 }]), "a\n\n\nd");
    assert.deepEqual(["src/a.ts", "src/a.d.ts", "src/a.spec.ts", "x_test.go", "tests/t.rs", "pkg/test_io.py", "pkg/io.py"].map((p) => keepsFile(p, p.endsWith(".go") ? "go" : p.endsWith(".rs") ? "rust" : p.endsWith(".py") ? "python" : "typescript")), [true, false, false, false, false, false, true]);
  });

  it("ranks 40-line windows by plain BM25 without splitting identifiers", () => {
    assert.deepEqual(naiveTokens("parseConfig(max_file_bytes) Über"), ["parseconfig", "max_file_bytes", "über"]);
    const bm25 = new NaiveBm25();
    bm25.addFile("a.ts", `${"filler line\n".repeat(45)}function parseConfig() { return config; }\n`);
    bm25.addFile("b.ts", "export const other = 1;\n");
    assert.equal(bm25.size, 3);
    assert.deepEqual(bm25.search("parseconfig config", 5), [{ path: "a.ts", startLine: 41, endLine: 47 }]);
    assert.deepEqual(bm25.search("parse config", 5).map((w) => w.path), ["a.ts"], "only the whole word `config` matches; `parse` does not split out");
  });

  it("scores first-hit ranks by line overlap into MRR@10 and recall@1/5/10", () => {
    const answer = { path: "a.ts", startLine: 10, endLine: 20 };
    assert.equal(overlaps({ path: "a.ts", startLine: 20, endLine: 30 }, answer), true);
    assert.equal(overlaps({ path: "a.ts", startLine: 21, endLine: 30 }, answer), false);
    assert.equal(overlaps({ path: "b.ts", startLine: 10, endLine: 20 }, answer), false);
    assert.equal(firstHitRank([{ path: "b.ts", startLine: 1, endLine: 99 }, { path: "a.ts", startLine: 1, endLine: 10 }], answer), 2);
    assert.equal(firstHitRank([], answer), null);
    const scores = scoreRanks([1, 2, null, 11]);
    assert.deepEqual(scores, { queries: 4, mrr10: (1 + 0.5) / 4, recall1: 0.25, recall5: 0.5, recall10: 0.5 });
    assert.deepEqual(seededShuffle([1, 2, 3, 4, 5], 16), seededShuffle([1, 2, 3, 4, 5], 16), "the same seed picks the same order");
    assert.deepEqual([...seededShuffle([1, 2, 3, 4, 5], 16)].sort(), [1, 2, 3, 4, 5]);
  });
});

describe("chunks by member (issue 16)", () => {
  it("merges small neighbouring functions up to the merge size and keeps a file's header apart, with exact lines", () => {
    const source = [
      'import { a } from "./a";',
      'import { b } from "./b";',
      "",
      "export function one(): number {",
      "  return 1;",
      "}",
      "",
      "export function two(): number {",
      "  return 2;",
      "}",
      "",
      "export function three(): number {",
      "  return 3;",
      "}",
    ].join("\n");
    const merged = chunkDocument("m.ts", source);
    assert.deepEqual(merged.map((c) => [c.startLine, c.endLine, c.symbol]), [[1, 2, undefined], [4, 14, "one, two, three"]]);
    const small = chunkDocument("m.ts", source, { mergeLines: 7 });
    assert.deepEqual(small.map((c) => [c.startLine, c.endLine, c.symbol]), [[1, 2, undefined], [4, 10, "one, two"], [12, 14, "three"]]);
    const apart = chunkDocument("m.ts", source, { mergeLines: 0 });
    assert.deepEqual(apart.map((c) => c.symbol), [undefined, "one", "two", "three"]);
    for (const chunk of merged) assert.equal(chunk.text, source.split("\n").slice(chunk.startLine - 1, chunk.endLine).join("\n"));
  });

  it("splits a large class by member, merging small members under Class and keeping big ones whole", () => {
    const big = Array.from({ length: 30 }, (_, i) => `    const v${i} = ${i};`).join("\n");
    const source = [
      "public class Queue {",
      "  private int count;",
      "  public int size() {",
      "    return count;",
      "  }",
      "  public boolean isEmpty() {",
      "    return count == 0;",
      "  }",
      "  public void drain() {",
      big,
      "  }",
      "}",
    ].join("\n");
    const chunks = chunkDocument("Queue.java", source, { maxLines: 30, mergeLines: 20 });
    const symbols = chunks.map((c) => c.symbol);
    assert.ok(symbols.includes("Queue.size, isEmpty"), symbols.join(" | "));
    assert.ok(symbols.includes("Queue.drain"), symbols.join(" | "));
    const drain = chunks.filter((c) => c.symbol === "Queue.drain");
    assert.equal(drain[0]!.startLine, 9);
    const python = ["class Reader:", "    def a(self):", "        return 1", "", "    def b(self):", "        return 2", ...Array.from({ length: 30 }, (_, i) => `    x${i} = ${i}`)].join("\n");
    const py = chunkDocument("r.py", python, { maxLines: 20, mergeLines: 10 });
    assert.ok(py.some((c) => c.symbol === "Reader.a, b" && c.startLine === 2 && c.endLine <= 11), py.map((c) => `${c.symbol}@${c.startLine}-${c.endLine}`).join(" | "));
  });
});
