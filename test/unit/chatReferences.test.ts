import * as assert from "node:assert/strict";
import {
  applyCompletion,
  completionContext,
  foldersOf,
  matchingKeywords,
  parseChatReferences,
  rankPaths,
  referenceText,
  withoutRanges,
} from "../../src/common/chat/chatReferences";
import { parseWebviewMessage } from "../../src/common/webviewProtocol";

describe("chat references (#file, #folder)", () => {
  it("finds #file and #folder tokens, with where they lie in the message", () => {
    const text = "Compare #file:src/a.ts with #folder:src/engine please";
    const parsed = parseChatReferences(text);
    assert.deepEqual(
      parsed.references.map(({ kind, path, start, end, raw }) => ({ kind, path, start, end, raw })),
      [
        { kind: "file", path: "src/a.ts", start: 8, end: 22, raw: "#file:src/a.ts" },
        { kind: "folder", path: "src/engine", start: 28, end: 46, raw: "#folder:src/engine" },
      ],
    );
    assert.equal(text.slice(8, 22), "#file:src/a.ts");
    assert.equal(parsed.query, "Compare with please");
  });

  it("reads a line range, one line, and says when a range is not one", () => {
    const [range, one, backwards, zero] = parseChatReferences("#file:src/a.ts:10-20 #file:b.md:7 #file:c.ts:20-10 #file:d.ts:0").references;
    assert.deepEqual([range!.path, range!.startLine, range!.endLine, range!.badRange], ["src/a.ts", 10, 20, undefined]);
    assert.deepEqual([one!.path, one!.startLine, one!.endLine], ["b.md", 7, 7]);
    assert.deepEqual([backwards!.path, backwards!.startLine, backwards!.badRange], ["c.ts", undefined, "20-10"]);
    assert.deepEqual([zero!.path, zero!.badRange], ["d.ts", "0"]);
    assert.equal(referenceText(range!), "src/a.ts:10-20");
    assert.equal(referenceText(one!), "b.md:7");
  });

  it("takes quoted paths with spaces, with or without a range", () => {
    const parsed = parseChatReferences("What does #file:\"my notes.md\" say, and #file:\"docs/a b.ts\":3-4 and #folder:\"old stuff\"?");
    assert.deepEqual(
      parsed.references.map(({ kind, path, startLine, endLine }) => [kind, path, startLine, endLine]),
      [
        ["file", "my notes.md", undefined, undefined],
        ["file", "docs/a b.ts", 3, 4],
        ["folder", "old stuff", undefined, undefined],
      ],
    );
    assert.equal(parsed.query, "What does say, and and ?");
    // An unclosed quote is not a reference (the user is still typing it).
    assert.deepEqual(parseChatReferences("#file:\"my notes").references, []);
  });

  it("leaves sentence punctuation, e-mail-like and mid-word hashes alone", () => {
    const parsed = parseChatReferences("Look at #file:src/a.ts, then (#folder:lib). Not issue#file:x or #filex or #file: alone.");
    assert.deepEqual(parsed.references.map((reference) => reference.path), ["src/a.ts", "lib"]);
    assert.deepEqual(parseChatReferences("Is #file:a.ts: fine?").references.map((r) => [r.path, r.startLine]), [["a.ts", undefined]]);
    assert.deepEqual(parseChatReferences("plain question").references, []);
    assert.equal(parseChatReferences("plain question").query, "plain question");
  });

  it("turns backslashes into slashes and drops @workspace from the folder query", () => {
    const parsed = parseChatReferences("@workspace where is retry handled #folder:src\\engine");
    assert.equal(parsed.references[0]!.path, "src/engine");
    assert.equal(parsed.query, "where is retry handled");
  });

  it("takes ranges out of a message in any order, as @hearth's query drops VS Code's references", () => {
    const prompt = "where is computeDiscountRate defined? #folder:beta";
    assert.equal(withoutRanges(prompt, [[prompt.length - 12, prompt.length]]), "where is computeDiscountRate defined?  ");
    assert.equal(withoutRanges("a #x b #y c", [[7, 9], [2, 4]]), "a   b   c");
    assert.equal(withoutRanges("abc", []), "abc");
  });

  it("knows which completion the caret is in", () => {
    assert.deepEqual(completionContext("ask #", 5), { kind: "keyword", start: 4, end: 5, partial: "#" });
    assert.deepEqual(completionContext("ask #fo", 7), { kind: "keyword", start: 4, end: 7, partial: "#fo" });
    assert.equal(completionContext("ask #x", 6), null, "#x is no keyword");
    assert.equal(completionContext("issue#", 6), null, "a hash inside a word is not a reference");
    assert.deepEqual(completionContext("see #file:src/en and", 16), { kind: "file", start: 4, end: 16, partial: "src/en", quoted: false });
    // The caret in the middle of a token: the whole token is replaced.
    assert.deepEqual(completionContext("see #folder:src/engine", 15), { kind: "folder", start: 4, end: 22, partial: "src", quoted: false });
    assert.deepEqual(completionContext("see #file:\"my no", 16), { kind: "file", start: 4, end: 16, partial: "my no", quoted: true });
    assert.equal(completionContext("plain words", 5), null);
  });

  it("offers the keywords that match what was typed", () => {
    assert.deepEqual(matchingKeywords("#"), ["#file:", "#folder:"]);
    assert.deepEqual(matchingKeywords("#fo"), ["#folder:"]);
    assert.deepEqual(matchingKeywords("#FI"), ["#file:"]);
    assert.deepEqual(matchingKeywords("#x"), []);
  });

  it("replaces the token with the pick, quoting paths with spaces", () => {
    const keyword = completionContext("ask #f", 6)!;
    assert.deepEqual(applyCompletion("ask #f", keyword, "#file:"), { text: "ask #file:", caret: 10 });
    const file = completionContext("see #file:src/en and", 16)!;
    assert.deepEqual(applyCompletion("see #file:src/en and", file, "src/engine/main.ts"), { text: "see #file:src/engine/main.ts and", caret: 29 });
    const atEnd = completionContext("see #folder:sr", 14)!;
    assert.deepEqual(applyCompletion("see #folder:sr", atEnd, "src"), { text: "see #folder:src ", caret: 16 });
    const spaced = completionContext("see #file:my", 12)!;
    const picked = applyCompletion("see #file:my", spaced, "my notes.md");
    assert.equal(picked.text, "see #file:\"my notes.md\" ");
    assert.deepEqual(parseChatReferences(picked.text).references.map((r) => r.path), ["my notes.md"]);
    const quoted = completionContext("see #file:\"my no\" x", 16)!;
    assert.equal(applyCompletion("see #file:\"my no\" x", quoted, "my notes.md").text, "see #file:\"my notes.md\" x");
  });

  it("ranks workspace paths: file name prefix, path prefix, substring, then characters in order", () => {
    const paths = ["src/engine/scheduler.ts", "src/extension/chatViewProvider.ts", "README.md", "test/unit/scheduler.test.ts", "docs/schedule-notes.md", "src/common/chatPrompt.ts"];
    assert.deepEqual(rankPaths(paths, "sched", 10), [
      "docs/schedule-notes.md",
      "src/engine/scheduler.ts",
      "test/unit/scheduler.test.ts",
      "src/extension/chatViewProvider.ts", // s…c…h…e…d in order, so last
    ]);
    assert.deepEqual(rankPaths(paths, "src/c", 10), ["src/common/chatPrompt.ts", "src/engine/scheduler.ts", "src/extension/chatViewProvider.ts"]);
    assert.deepEqual(rankPaths(paths, "readme", 10), ["README.md"]);
    assert.deepEqual(rankPaths(paths, "cvp", 10), ["src/extension/chatViewProvider.ts"]);
    assert.deepEqual(rankPaths(paths, "", 2), ["README.md", "docs/schedule-notes.md"]);
    assert.deepEqual(rankPaths(paths, "zzz", 10), []);
  });

  it("lists the folders that hold files", () => {
    assert.deepEqual(foldersOf(["src/engine/a.ts", "src/b.ts", "top.md"]).sort(), ["src", "src/engine"]);
  });

  it("accepts the composer's suggestion requests only when well formed", () => {
    assert.deepEqual(parseWebviewMessage({ type: "completePaths", id: "p1", kind: "file", query: "src/en" }), {
      type: "completePaths",
      id: "p1",
      kind: "file",
      query: "src/en",
    });
    assert.equal(parseWebviewMessage({ type: "completePaths", id: "p1", kind: "symbol", query: "x" }), null);
    assert.equal(parseWebviewMessage({ type: "completePaths", id: "../x", kind: "file", query: "x" }), null);
    assert.equal(parseWebviewMessage({ type: "completePaths", id: "p1", kind: "folder", query: "x".repeat(501) }), null);
    assert.equal(parseWebviewMessage({ type: "completePaths", id: "p1", kind: "folder" }), null);
  });
});
