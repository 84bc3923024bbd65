// Unified diffs as git writes them: renames, binary files, deleted and added files, CRLF line ends,
// "\ No newline at end of file" — read into files, hunks and changed lines.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { changedNewLines, changedRanges, parseUnifiedDiff, reviewableNewLines } from "../../src/common/review/diffParsing";
import type { DiffFile } from "../../src/common/review/diffParsing";

/** `git diff --cached -M` of a repository with one change of each kind (CRLF lines kept as git wrote them). */
const staged = fs.readFileSync(path.join(__dirname, "..", "fixtures", "review", "staged.diff"), "utf8");

function byPath(files: DiffFile[], name: string): DiffFile {
  const file = files.find((f) => f.newPath === name || f.oldPath === name);
  assert.ok(file, `no ${name} in ${files.map((f) => f.newPath ?? f.oldPath).join(", ")}`);
  return file;
}

describe("diff parsing", () => {
  const files = parseUnifiedDiff(staged);

  it("reads every file of git's diff", () => {
    assert.deepEqual(
      files.map((f) => f.newPath ?? f.oldPath),
      ["b.bin", "crlf.txt", "del.txt", "keep.txt", "new.txt", "renamed.txt"],
    );
  });

  it("marks binary files, with no hunks", () => {
    const bin = byPath(files, "b.bin");
    assert.equal(bin.binary, true);
    assert.deepEqual(bin.hunks, []);
  });

  it("reads a rename with its edits, numbering the new file", () => {
    const renamed = byPath(files, "renamed.txt");
    assert.equal(renamed.renamed, true);
    assert.equal(renamed.oldPath, "moved.txt");
    assert.equal(renamed.newPath, "renamed.txt");
    assert.deepEqual(changedNewLines(renamed), [3]);
    const removed = renamed.hunks[0]!.lines.find((l) => l.kind === "removed")!;
    assert.deepEqual(removed, { kind: "removed", text: "three", oldLine: 3, newLine: null });
  });

  it("reads a pure rename (no hunks) from the extended header", () => {
    const [file] = parseUnifiedDiff("diff --git a/src/old.ts b/src/new.ts\nsimilarity index 100%\nrename from src/old.ts\nrename to src/new.ts\n");
    assert.equal(file!.renamed, true);
    assert.equal(file!.oldPath, "src/old.ts");
    assert.equal(file!.newPath, "src/new.ts");
    assert.deepEqual(file!.hunks, []);
  });

  it("reads deleted and added files", () => {
    const deleted = byPath(files, "del.txt");
    assert.equal(deleted.deleted, true);
    assert.equal(deleted.newPath, null);
    assert.equal(deleted.deletions, 1);
    assert.deepEqual(changedNewLines(deleted), []);
    const added = byPath(files, "new.txt");
    assert.equal(added.added, true);
    assert.equal(added.oldPath, null);
    assert.deepEqual(changedNewLines(added), [1]);
  });

  it("drops the no-newline marker and records which side lacks the line end", () => {
    const keep = byPath(files, "keep.txt");
    assert.equal(keep.newNoNewlineAtEnd, true);
    assert.equal(keep.oldNoNewlineAtEnd, false);
    const texts = keep.hunks[0]!.lines.map((l) => `${l.kind}:${l.text}`);
    assert.deepEqual(texts, ["context:a", "removed:b", "removed:c", "added:B", "added:c"]);
    assert.deepEqual(changedNewLines(keep), [2, 3]);
    assert.equal(keep.additions, 2);
    assert.equal(keep.deletions, 2);
  });

  it("strips CRLF line ends and says the diff had them", () => {
    const crlf = byPath(files, "crlf.txt");
    assert.equal(crlf.crlf, true);
    assert.deepEqual(crlf.hunks[0]!.lines.map((l) => l.text), ["x", "y", "Y"]);
    // A whole diff with CRLF line ends (as saved on Windows) reads the same.
    const windows = parseUnifiedDiff(staged.replace(/\r?\n/g, "\r\n"));
    assert.deepEqual(windows.map((f) => f.newPath ?? f.oldPath), files.map((f) => f.newPath ?? f.oldPath));
    assert.equal(byPath(windows, "keep.txt").newNoNewlineAtEnd, true);
    assert.equal(byPath(windows, "new.txt").added, true);
  });

  it("reads diff -u output without git headers, and nothing from an empty diff", () => {
    const [file] = parseUnifiedDiff("--- a.txt\t2026-01-01 00:00:00\n+++ b.txt\t2026-01-01 00:00:01\n@@ -1,2 +1,3 @@\n one\n+two\n three\n");
    assert.equal(file!.newPath, "b.txt");
    assert.deepEqual(changedNewLines(file!), [2]);
    assert.deepEqual(parseUnifiedDiff(""), []);
    assert.deepEqual(parseUnifiedDiff("not a diff at all"), []);
  });

  it("anchors a removal-only hunk on the line after it, and merges changed lines into ranges", () => {
    const [file] = parseUnifiedDiff("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,4 +1,3 @@\n a\n-b\n c\n d\n");
    assert.deepEqual(changedNewLines(file!), []);
    assert.deepEqual([...reviewableNewLines(file!)], [2]);
    assert.deepEqual(changedRanges([5, 1, 2, 3, 7, 8]), [[1, 3], [5, 5], [7, 8]]);
  });
});
