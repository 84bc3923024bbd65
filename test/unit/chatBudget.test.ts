import * as assert from "node:assert/strict";
import { capAttachment, estimateTokens, maxAttachmentChars, measuredAttachments } from "../../src/common/chat/chatBudget";

describe("chat budget", () => {
  it("cuts huge attachments at a line end and says so", () => {
    const line = "x".repeat(99) + "\n";
    const big = line.repeat(Math.ceil((maxAttachmentChars * 1.5) / line.length));
    const capped = capAttachment(big);
    assert.equal(capped.cut, true);
    assert.ok(capped.content.length <= maxAttachmentChars);
    assert.ok(capped.content.endsWith("\n"));
    assert.deepEqual(capAttachment("small"), { content: "small", cut: false });
  });

  it("cuts mid-line when the last line end is too early to keep half", () => {
    const text = `short\n${"y".repeat(maxAttachmentChars * 2)}`;
    const capped = capAttachment(text);
    assert.equal(capped.cut, true);
    assert.equal(capped.content.length, maxAttachmentChars);
  });

  it("estimates about four characters a token, rounding up", () => {
    assert.equal(estimateTokens(""), 0);
    assert.equal(estimateTokens("abcd"), 1);
    assert.equal(estimateTokens("abcde"), 2);
  });

  it("takes the tokenizer's counts as exact, dropping an earlier estimate's mark", () => {
    const measured = measuredAttachments(
      [
        { id: "a", content: "one two three", approximate: true, tokens: 4 },
        { id: "b", content: "four" },
      ],
      [3, 1],
    );
    assert.deepEqual(measured, [
      { id: "a", content: "one two three", tokens: 3 },
      { id: "b", content: "four", tokens: 1 },
    ]);
  });

  it("estimates, marked approximate, without a tokenizer or where it gave no count", () => {
    assert.deepEqual(measuredAttachments([{ id: "a", content: "x".repeat(10) }], null), [
      { id: "a", content: "x".repeat(10), tokens: 3, approximate: true },
    ]);
    assert.deepEqual(measuredAttachments([{ id: "a", content: "abcd" }, { id: "b", content: "abcdefgh" }], [7]), [
      { id: "a", content: "abcd", tokens: 7 },
      { id: "b", content: "abcdefgh", tokens: 2, approximate: true },
    ]);
  });
});
