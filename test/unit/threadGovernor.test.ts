// The thread governor against a simulated machine: the time per token depends on the thread count
// and on whether another process keeps a core busy, as measured on 2 cores (threadGovernor.ts).
import * as assert from "node:assert/strict";
import { ThreadGovernor } from "../../src/engine/threadGovernor";

/** ms per token on 2 cores: quiet, 2 threads beat 1; with one core busy, 2 threads collapse. */
const quiet: Record<number, number> = { 1: 55, 2: 32 };
const busy: Record<number, number> = { 1: 43, 2: 160 };

function simulate(
  maxThreads: number,
  phases: ReadonlyArray<{ tokens: number; pace: Record<number, number> }>,
): { governor: ThreadGovernor; elapsed: number[]; threadsAtEnd: number[]; applied: number[] } {
  let clock = 0;
  const applied: number[] = [];
  const governor = new ThreadGovernor({ maxThreads, apply: (threads) => applied.push(threads), now: () => clock });
  const elapsed: number[] = [];
  const threadsAtEnd: number[] = [];
  governor.generationStarted();
  for (const phase of phases) {
    const started = clock;
    for (let token = 0; token < phase.tokens; token++) {
      clock += phase.pace[governor.threads]!;
      governor.tokenGenerated();
    }
    elapsed.push(clock - started);
    threadsAtEnd.push(governor.threads);
  }
  governor.generationEnded();
  return { governor, elapsed, threadsAtEnd, applied };
}

describe("thread governor", () => {
  it("starts at the physical cores and stays there on a quiet machine, trials costing a few per cent", () => {
    const { elapsed, threadsAtEnd, applied } = simulate(2, [{ tokens: 2000, pace: quiet }]);
    assert.equal(applied[0], 2);
    assert.equal(threadsAtEnd[0], 2);
    const ideal = 2000 * quiet[2]!;
    assert.ok(elapsed[0]! / ideal < 1.03, `quiet-machine overhead ${(elapsed[0]! / ideal).toFixed(3)}`);
  });

  it("drops to fewer threads when another process takes a core, and returns when it leaves", () => {
    const { elapsed, threadsAtEnd } = simulate(2, [
      { tokens: 300, pace: quiet },
      { tokens: 600, pace: busy },
      { tokens: 3000, pace: quiet },
    ]);
    assert.deepEqual(threadsAtEnd, [2, 1, 2]);
    // Under load it runs at close to the 1-thread pace, far from the 2-thread collapse.
    const busyRate = 600 / elapsed[1]!;
    assert.ok(busyRate > 0.8 / busy[1]!, `busy rate ${(busyRate * 1000).toFixed(1)} tok/s`);
    assert.ok(elapsed[1]! < 600 * busy[2]! * 0.4, "does not stay at the collapsed pace");
  });

  it("never goes above the cores or below one thread, and does nothing with one core", () => {
    const { applied } = simulate(2, [{ tokens: 500, pace: busy }, { tokens: 500, pace: quiet }]);
    assert.ok(applied.every((threads) => threads >= 1 && threads <= 2));
    const single = simulate(1, [{ tokens: 200, pace: { 1: 40 } }]);
    assert.ok(single.applied.every((threads) => threads === 1));
  });

  it("evaluates each prompt with every core, and generates at the governed count", () => {
    let clock = 0;
    const applied: number[] = [];
    const governor = new ThreadGovernor({ maxThreads: 2, apply: (threads) => applied.push(threads), now: () => clock });
    const generate = (tokens: number): void => {
      governor.generationStarted();
      for (let token = 0; token < tokens; token++) {
        clock += busy[governor.threads]!;
        governor.tokenGenerated();
      }
      governor.generationEnded();
    };
    generate(400); // under load: the governor moves generation to 1 thread
    assert.equal(governor.threads, 1);
    applied.length = 0;
    governor.generationStarted();
    assert.deepEqual(applied, [2], "the next prompt runs on both cores");
    governor.tokenGenerated();
    assert.deepEqual(applied, [2, 1], "its tokens on the governed count");
    governor.generationEnded();
    assert.equal(applied.at(-1), 2, "and whatever comes next (embeddings, another prompt) on both cores");
  });

  it("on more cores, settles on the fastest count under load by steps", () => {
    // 4 cores, one busy: 3 threads is best; 4 collapses.
    const pace4 = { 1: 80, 2: 45, 3: 32, 4: 150 };
    const { threadsAtEnd } = simulate(4, [{ tokens: 1500, pace: pace4 }]);
    assert.equal(threadsAtEnd[0], 3);
  });
});
