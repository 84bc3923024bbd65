import * as assert from "node:assert/strict";
import { StopSequenceMatcher } from "../../src/common/chat/stopSequences";

function run(stops: string[], pieces: string[]): { shown: string; stopped: boolean } {
  const matcher = new StopSequenceMatcher(stops);
  let shown = "";
  for (const piece of pieces) {
    const step = matcher.push(piece);
    shown += step.emit;
    if (step.stopped) return { shown, stopped: true };
  }
  return { shown: shown + matcher.flush(), stopped: false };
}

describe("StopSequenceMatcher", () => {
  it("passes text through when there are no stops", () => {
    assert.deepEqual(run([], ["a", "b"]), { shown: "ab", stopped: false });
  });

  it("stops at a sequence split across pieces, showing nothing of it", () => {
    assert.deepEqual(run([" User:"], ["Hello", " Us", "er", ": more"]), { shown: "Hello", stopped: true });
  });

  it("stops at the earliest of several sequences", () => {
    assert.deepEqual(run(["###", "\n\n"], ["one\n", "\ntwo###"]), { shown: "one", stopped: true });
  });

  it("shows held-back text when the sequence does not complete", () => {
    assert.deepEqual(run([" User:"], ["a Us", "ually fine"]), { shown: "a Usually fine", stopped: false });
    assert.deepEqual(run([" User:"], ["end Us"]), { shown: "end Us", stopped: false });
  });

  it("never shows a stop sequence, whatever the split", () => {
    const text = "The answer is 42.<|im_end|>garbage";
    for (let size = 1; size <= 6; size++) {
      const pieces = text.match(new RegExp(`[\\s\\S]{1,${size}}`, "g"))!;
      assert.deepEqual(run(["<|im_end|>"], pieces), { shown: "The answer is 42.", stopped: true }, `pieces of ${size}`);
    }
  });
});
