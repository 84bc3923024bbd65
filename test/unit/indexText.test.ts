// The pure pieces of workspace retrieval: chunkers per language, file filters, the keyword
// tokenizer and reciprocal rank fusion.
import * as assert from "node:assert/strict";
import { chunkDocument, chunkPdfPages } from "../../src/common/index/codeChunker";
import type { ChunkDraft } from "../../src/common/index/codeChunker";
import { languageForPath, looksBinary, looksMinified } from "../../src/common/index/fileFilters";
import { secretByPath as secretReason } from "../../src/common/index/secretRules";
import { keywordTerms, queryTerms, splitIdentifier, stemWord } from "../../src/common/index/keywordTokenizer";
import { reciprocalRankFusion } from "../../src/common/index/rankFusion";

function symbols(chunks: ChunkDraft[]): string[] {
  return chunks.map((chunk) => chunk.symbol ?? "");
}

function find(chunks: ChunkDraft[], symbol: string): ChunkDraft {
  const chunk = chunks.find((c) => c.symbol === symbol);
  assert.ok(chunk, `no chunk for ${symbol} in ${JSON.stringify(symbols(chunks))}`);
  return chunk;
}

describe("chunkers", () => {
  it("TypeScript: functions, classes and their members, with strings, templates and regexes that hold braces", () => {
    const source = [
      'import { a } from "./a";', // 1
      'import type { B } from "./b";', // 2
      "", // 3
      "/** Parses the config. */", // 4
      "export function parseConfig(text: string): Config {", // 5
      '  const open = "{{{";', // 6
      "  const t = `${text} }`;", // 7
      "  const re = /[}]+/g;", // 8
      "  return { open, t, re } as Config;", // 9
      "}", // 10
      "", // 11
      "export const handler = async (event: Event): Promise<void> => {", // 12
      "  await run(event);", // 13
      "};", // 14
      "", // 15
      "export class Store {", // 16
      "  private items = new Map<string, number>();", // 17
      "  get(key: string): number | undefined {", // 18
      "    return this.items.get(key);", // 19
      "  }", // 20
      "}", // 21
    ].join("\n");
    const chunks = chunkDocument("src/config.ts", source, { mergeLines: 0 });
    const parse = find(chunks, "parseConfig");
    assert.equal(parse.startLine, 4, "the doc comment belongs to the function");
    assert.equal(parse.endLine, 10);
    assert.equal(parse.language, "typescript");
    assert.match(parse.contentHash, /^[0-9a-f]{16}$/);
    const handler = find(chunks, "handler");
    assert.deepEqual([handler.startLine, handler.endLine], [12, 14]);
    const store = find(chunks, "Store");
    assert.deepEqual([store.startLine, store.endLine], [16, 21]);
    const imports = chunks.find((c) => c.startLine === 1);
    assert.ok(imports && imports.endLine === 2 && imports.symbol === undefined);
  });

  it("splits a class too big for one chunk into its methods, named Class.method", () => {
    const methods = Array.from({ length: 6 }, (_, m) => [
      `  method${m}(value: number): number {`,
      ...Array.from({ length: 12 }, (_, k) => `    value += ${k}; // step ${k}`),
      "    return value;",
      "  }",
      "",
    ]).flat();
    const source = ["export class Big extends Base {", "  field = 1;", "", ...methods, "}"].join("\n");
    const chunks = chunkDocument("big.ts", source, { maxLines: 40, mergeLines: 0 });
    for (let m = 0; m < 6; m++) {
      const chunk = find(chunks, `Big.method${m}`);
      assert.equal(chunk.endLine - chunk.startLine, 14);
      assert.match(chunk.text, new RegExp(`^  method${m}\\(`));
    }
    assert.equal(chunks[0]!.symbol, "Big");
    assert.equal(chunks[0]!.startLine, 1);
  });

  it("JavaScript: a function whose body spans more than the limit becomes overlapping windows", () => {
    const body = Array.from({ length: 100 }, (_, k) => `  total += ${k};`);
    const source = ["function sum() {", "  let total = 0;", ...body, "  return total;", "}"].join("\n");
    const chunks = chunkDocument("sum.js", source, { maxLines: 30, windowLines: 30, overlapLines: 5 });
    assert.ok(chunks.length >= 4);
    assert.ok(chunks.every((c) => c.symbol === "sum" && c.language === "javascript"));
    assert.equal(chunks[0]!.startLine, 1);
    assert.equal(chunks.at(-1)!.endLine, 104);
    for (let k = 1; k < chunks.length; k++) assert.equal(chunks[k]!.startLine, chunks[k - 1]!.endLine - 4, "windows overlap by 5 lines");
  });

  it("Python: functions, classes and methods by indentation, with decorators, docstrings and continued lines", () => {
    const source = [
      "import os", // 1
      "", // 2
      "@cache", // 3
      "def load(path,", // 4
      "         mode='r'):", // 5
      '    """Loads a file.', // 6
      "", // 7
      'Unindented docstring text."""', // 8
      "    with open(path, mode) as f:", // 9
      "        return f.read()", // 10
      "", // 11
      "class Reader:", // 12
      "    def __init__(self):", // 13
      "        self.x = 1", // 14
      "", // 15
      "    async def read(self):", // 16
      "        return self.x", // 17
      "", // 18
      "x = 1", // 19
    ].join("\n");
    const chunks = chunkDocument("pkg/io.py", source, { mergeLines: 0 });
    const load = find(chunks, "load");
    assert.deepEqual([load.startLine, load.endLine, load.language], [3, 10, "python"]);
    const reader = find(chunks, "Reader");
    assert.deepEqual([reader.startLine, reader.endLine], [12, 17]);
    const big = chunkDocument("pkg/io.py", source, { maxLines: 4 });
    assert.ok(big.some((c) => c.symbol === "Reader.read" && c.startLine === 16 && c.endLine === 17));
    assert.ok(big.some((c) => c.symbol === "Reader.__init__"));
  });

  it("Go: functions with receivers, types, raw strings", () => {
    const source = [
      "package main",
      "",
      'const tmpl = `{ not a block`',
      "",
      "type Server struct {",
      "\tAddr string",
      "}",
      "",
      "func (s *Server) Start() error {",
      '\tif s.Addr == "" {',
      "\t\treturn nil",
      "\t}",
      "\treturn nil",
      "}",
      "",
      "func main() {",
      "\tprintln('}')",
      "}",
    ].join("\n");
    const chunks = chunkDocument("main.go", source, { mergeLines: 0 });
    assert.deepEqual([find(chunks, "Server").startLine, find(chunks, "Server").endLine], [5, 7]);
    assert.deepEqual([find(chunks, "Server.Start").startLine, find(chunks, "Server.Start").endLine], [9, 14]);
    assert.deepEqual([find(chunks, "main").startLine, find(chunks, "main").endLine], [16, 18]);
  });

  it("Java: annotations, members of a big class", () => {
    const methods = Array.from({ length: 4 }, (_, m) => [
      "    @Override",
      `    public int run${m}(int x) {`,
      ...Array.from({ length: 8 }, (_, k) => `        x += ${k}; /* { */`),
      "        return x;",
      "    }",
      "",
    ]).flat();
    const source = ["package a;", "", "public final class Runner implements Job {", ...methods, "}"].join("\n");
    const chunks = chunkDocument("src/Runner.java", source, { maxLines: 20 });
    const run2 = find(chunks, "Runner.run2");
    assert.match(run2.text, /^ {4}@Override\n {4}public int run2/);
    assert.equal(run2.endLine - run2.startLine, 11);
  });

  it("C and C++: functions with K&R braces on the next line, char literals, raw strings, namespaces", () => {
    const c = ["#include <stdio.h>", "", "static int count(const char *s)", "{", "    int n = 0;", "    while (*s) if (*s++ == '{') n++;", "    return n;", "}", ""].join("\n");
    const chunks = chunkDocument("count.c", c);
    const count = find(chunks, "count");
    assert.deepEqual([count.startLine, count.endLine, count.language], [3, 8, "c"]);
    const cpp = [
      "namespace app {",
      'const char* s = R"x(}})x";',
      "int Widget::size() const {",
      "    return 1;",
      "}",
      "}",
    ].join("\n");
    const small = chunkDocument("w.cpp", cpp, { maxLines: 3 });
    assert.ok(small.some((chunk) => chunk.symbol === "app.Widget::size" && chunk.startLine === 3 && chunk.endLine === 5), JSON.stringify(small));
  });

  it("Rust: fn, struct, impl blocks, lifetimes and raw strings", () => {
    const source = [
      "use std::fmt;",
      "",
      "#[derive(Debug)]",
      "pub struct Token<'a> {",
      "    text: &'a str,",
      "}",
      "",
      "impl<'a> fmt::Display for Token<'a> {",
      "    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {",
      '        write!(f, r#"{"#)',
      "    }",
      "}",
      "",
      "pub async fn parse(input: &str) -> Vec<Token<'_>> {",
      "    let c = '}';",
      "    vec![]",
      "}",
    ].join("\n");
    const chunks = chunkDocument("src/lib.rs", source, { mergeLines: 0 });
    const token = find(chunks, "Token");
    assert.deepEqual([token.startLine, token.endLine], [3, 6]);
    const impl = chunks.filter((c) => c.symbol === "Token")[1];
    assert.deepEqual([impl?.startLine, impl?.endLine], [8, 12], "the impl block is one chunk, named after its type");
    const parse = find(chunks, "parse");
    assert.deepEqual([parse.startLine, parse.endLine], [14, 17]);
  });

  it("Markdown by headings (not inside code fences), with the heading trail as the symbol", () => {
    const source = ["Intro text.", "", "# Guide", "Text.", "", "## Setup", "```sh", "# not a heading", "```", "", "## Use", "More."].join("\n");
    const chunks = chunkDocument("docs/guide.md", source);
    assert.deepEqual(
      chunks.map((c) => [c.symbol ?? "", c.startLine, c.endLine]),
      [["", 1, 1], ["Guide", 3, 4], ["Guide > Setup", 6, 9], ["Guide > Use", 11, 12]],
    );
  });

  it("plain text falls back to line windows; a PDF chunks by page", () => {
    const text = Array.from({ length: 100 }, (_, k) => `line ${k + 1}`).join("\n");
    const chunks = chunkDocument("notes.txt", text, { windowLines: 40, overlapLines: 10 });
    assert.deepEqual(chunks.map((c) => [c.startLine, c.endLine]), [[1, 40], [31, 70], [61, 100]]);
    const pages = chunkPdfPages("paper.pdf", ["Abstract text", "", "Results on page three"]);
    assert.deepEqual(pages.map((c) => [c.page, c.startLine, c.endLine, c.language]), [[1, 1, 1, "pdf"], [3, 3, 3, "pdf"]]);
  });

  it("never drops a line of a file: every non-blank line is in some chunk", () => {
    const source = "function a() {\n  return `x ${'}'}`;\n}\n\nlet b = 1;\nif (b) {\n  a();\n}\n";
    const chunks = chunkDocument("x.js", source);
    const covered = new Set<number>();
    for (const chunk of chunks) for (let l = chunk.startLine; l <= chunk.endLine; l++) covered.add(l);
    source.split("\n").forEach((line, index) => {
      if (line.trim()) assert.ok(covered.has(index + 1), `line ${index + 1} is in no chunk`);
    });
  });
});

describe("file filters", () => {
  it("names secrets by file name and folder", () => {
    for (const secret of [
      ".env", ".env.local", "config/.env.production", "certs/server.pem", "tls.key", "id_rsa", "home/id_ed25519.pub",
      ".npmrc", "sub/.pypirc", ".git-credentials", ".aws/config", "x/.ssh/known_hosts", "credentials.json", "gcp-credentials.json",
      "my-service-account-1234.json", "keystore.jks", "infra/terraform.tfstate", "aws.credentials", "db_credentials.yaml",
      "ci-credentials.txt", "admin_accessKeys.csv",
    ]) {
      assert.ok(secretReason(secret), `${secret} should be a secret`);
    }
    // Code that handles credentials (as in SDKs) is code, not a credential file.
    for (const plain of ["src/env.ts", "environment.md", "keyboard.ts", "src/keys.ts", "docs/ssh.md", "package.json", "README.md", "src/internal/ws-credentials.ts", "lib/realtime-credentials.js", "auth/x509-credential-options.mjs"]) {
      assert.equal(secretReason(plain), null, `${plain} is not a secret`);
    }
  });

  it("tells binary content from text, minified files from source, and languages by extension", () => {
    assert.equal(looksBinary(new TextEncoder().encode("plain text\nwith ünïcode 中文\n")), false);
    assert.equal(looksBinary(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])), true);
    assert.equal(looksBinary(Uint8Array.from(Array.from({ length: 100 }, (_, k) => (k % 3 === 0 ? 1 : 65)))), true);
    assert.equal(looksMinified("dist/app.min.js", "var a=1;"), true);
    assert.equal(looksMinified("dist/app.js", `!function(){${"var a=1;".repeat(400)}}();\n`), true);
    assert.equal(looksMinified("src/app.js", "const a = 1;\n".repeat(400)), false);
    assert.deepEqual(
      ["a.ts", "b.tsx", "c.py", "d.go", "E.java", "f.h", "g.hpp", "h.rs", "README.md", "x.pdf", "Makefile", "notes.txt"].map(languageForPath),
      ["typescript", "typescript", "python", "go", "java", "c", "cpp", "rust", "markdown", "pdf", "plaintext", "plaintext"],
    );
  });
});

describe("keyword tokenizer", () => {
  it("keeps identifiers whole and splits camelCase, snake_case, kebab-case and digits, lower-cased", () => {
    assert.deepEqual(splitIdentifier("HTTPServerError2"), ["http", "server", "error", "2"]);
    assert.deepEqual(keywordTerms("parseConfig(max_file_bytes)"), ["parseconfig", "pars", "config", "max_file_bytes", "max", "file", "byte"]);
    assert.deepEqual(keywordTerms("content-hash"), ["content-hash", "content", "hash"]);
    assert.deepEqual(keywordTerms("Simple words, a b."), ["simpl", "word"]);
    assert.ok(keywordTerms("索引工作区").includes("索引"));
    assert.ok(keywordTerms("x".repeat(100)).length === 0, "overlong terms are dropped");
  });

  it("stems English endings the same way in prose and code, and drops stop words from queries only", () => {
    for (const [words, stem] of [
      [["returns", "returned", "returning", "return"], "return"],
      [["values", "value", "valued"], "valu"],
      [["encodes", "encoded", "encoding", "encode"], "encod"],
      [["entries", "entry"], "entry"],
      [["stopped", "stopping", "stops"], "stop"],
    ] as const) {
      for (const word of words) assert.equal(stemWord(word), stem, word);
    }
    assert.deepEqual(["class", "status", "axis", "go", "http"].map(stemWord), ["class", "status", "axis", "go", "http"], "short words and -ss/-us/-is endings stay");
    assert.deepEqual(queryTerms("Returns the value of the key"), ["return", "valu", "key"]);
    assert.deepEqual(queryTerms("the"), ["the"], "a query of stop words alone keeps them");
    assert.ok(keywordTerms("Returns the value").includes("the"), "documents keep stop words");
    assert.deepEqual(keywordTerms("getValues"), ["getvalu", "get", "valu"], "identifiers stem like prose, so `values` finds `getValues`");
  });
});

describe("reciprocal rank fusion", () => {
  it("puts what several rankings agree on first", () => {
    const fused = reciprocalRankFusion([["a", "b", "c"], ["c", "b", "d"]]);
    assert.deepEqual(fused.map((f) => f.key), ["c", "b", "a", "d"]);
    assert.deepEqual(fused[1]!.ranks, [2, 2]);
    assert.ok(Math.abs(fused[1]!.score - 2 / 62) < 1e-12);
    assert.deepEqual(fused[3]!.ranks, [null, 3]);
    assert.deepEqual(reciprocalRankFusion([["x"], []]).map((f) => f.key), ["x"]);
  });
});
