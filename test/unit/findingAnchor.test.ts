// Findings checked against the file as it is when they are shown (issue 15, item 9): kept where
// their code still is, moved with it, left out when it is gone.
import * as assert from "node:assert/strict";
import { parseUnifiedDiff } from "../../src/common/review/diffParsing";
import { anchorFinding, reviewedLinesOf } from "../../src/common/review/findingAnchor";

const reviewedText = ["import x from 'x';", "", "export function total(items) {", "  let sum = 0;", "  for (const i of items) sum += i.price;", "  return sum;", "}", ""].join("\n");

describe("finding anchors", () => {
  const reviewed = reviewedLinesOf(reviewedText);

  it("keeps a finding whose code is still on its lines (whitespace at the ends aside)", () => {
    const current = reviewedText.split("\n").map((line, index) => (index === 4 ? `${line}   ` : line));
    assert.deepEqual(anchorFinding({ line: 4, endLine: 5 }, reviewed, current), { line: 4, endLine: 5, moved: false });
  });

  it("moves a finding with its code when lines were added or removed above it", () => {
    const current = ["// added", "// added too", ...reviewedText.split("\n")];
    assert.deepEqual(anchorFinding({ line: 5, endLine: 5 }, reviewed, current), { line: 7, endLine: 7, moved: true });
    const fewer = reviewedText.split("\n").slice(2);
    assert.deepEqual(anchorFinding({ line: 4, endLine: 6 }, reviewed, fewer), { line: 2, endLine: 4, moved: true });
  });

  it("picks the nearest copy when the code appears more than once", () => {
    const lines = reviewedText.split("\n");
    const current = ["w", "x", "y", "z", ...lines, lines[3]!];
    assert.equal(anchorFinding({ line: 4, endLine: 4 }, reviewed, current)?.line, 8);
  });

  it("leaves out a finding whose code is gone, or that was only about a brace or a blank line", () => {
    const current = reviewedText.split("\n").map((line, index) => (index === 4 ? "  for (const i of items) sum += i.cost;" : line));
    assert.equal(anchorFinding({ line: 5, endLine: 5 }, reviewed, current), null);
    const shifted = ["// new", ...reviewedText.split("\n")];
    assert.equal(anchorFinding({ line: 7, endLine: 7 }, reviewed, shifted), null, "a lone } is not followed");
    assert.equal(anchorFinding({ line: 4, endLine: 5 }, reviewed, ["short"]), null);
  });

  it("checks a diff review's lines against the new side of the diff when the file's text is unknown", () => {
    const [diff] = parseUnifiedDiff([
      "diff --git a/a.ts b/a.ts",
      "--- a/a.ts",
      "+++ b/a.ts",
      "@@ -1,2 +1,3 @@",
      " const a = 1;",
      "+const b = compute(a);",
      " const c = 3;",
      "",
    ].join("\n"));
    const fromDiff = reviewedLinesOf(null, diff);
    assert.equal(fromDiff(2), "const b = compute(a);");
    assert.equal(fromDiff(9), undefined);
    // The working tree has a line more above it than the staged version the review saw.
    assert.deepEqual(anchorFinding({ line: 2, endLine: 2 }, fromDiff, ["const a = 1;", "// unstaged", "const b = compute(a);", "const c = 3;"]), { line: 3, endLine: 3, moved: true });
    // Lines the review did not see are kept as they are, inside the file.
    assert.deepEqual(anchorFinding({ line: 8, endLine: 8 }, fromDiff, Array.from({ length: 10 }, () => "x")), { line: 8, endLine: 8, moved: false });
    assert.equal(anchorFinding({ line: 8, endLine: 12 }, fromDiff, Array.from({ length: 10 }, () => "x")), null);
  });
});
