import * as assert from "node:assert/strict";
import { EngineError } from "../../src/common/engine/engineError";
import { followUpHoldMs, maxBackgroundHoldMs, Scheduler } from "../../src/engine/scheduler";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("Scheduler", () => {
  it("runs one job at a time, interactive before review before background", async () => {
    const scheduler = new Scheduler();
    const order: string[] = [];
    const gate = deferred();
    const first = scheduler.run("first", "background", undefined, async () => {
      order.push("first");
      await gate.promise;
    });
    const jobs = [
      scheduler.run("index", "background", undefined, async () => void order.push("index")),
      scheduler.run("review", "review", undefined, async () => void order.push("review")),
      scheduler.run("chat-1", "interactive", undefined, async () => void order.push("chat-1")),
      scheduler.run("chat-2", "interactive", undefined, async () => void order.push("chat-2")),
    ];
    assert.equal(scheduler.runningJob, "first");
    assert.equal(scheduler.queuedJobs, 4);
    gate.resolve();
    await Promise.all([first, ...jobs]);
    assert.deepEqual(order, ["first", "chat-1", "chat-2", "review", "index"]);
    assert.equal(scheduler.runningJob, null);
  });

  it("drops a queued job whose signal aborts, with a cancelled error", async () => {
    const scheduler = new Scheduler();
    const gate = deferred();
    const running = scheduler.run("running", "interactive", undefined, () => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const queued = scheduler.run("queued", "interactive", controller.signal, async () => {
      ran = true;
    });
    controller.abort();
    await assert.rejects(queued, (error: unknown) => error instanceof EngineError && error.code === "cancelled");
    gate.resolve();
    await running;
    assert.equal(ran, false);
    assert.equal(scheduler.queuedJobs, 0);
  });

  it("refuses a job whose signal is already aborted", async () => {
    const scheduler = new Scheduler();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      scheduler.run("x", "interactive", controller.signal, async () => 1),
      (error: unknown) => error instanceof EngineError && error.code === "cancelled",
    );
  });

  it("keeps going after a job fails", async () => {
    const scheduler = new Scheduler();
    const failed = scheduler.run("bad", "interactive", undefined, async () => {
      throw new Error("boom");
    });
    const ok = scheduler.run("good", "interactive", undefined, async () => 42);
    await assert.rejects(failed, /boom/);
    assert.equal(await ok, 42);
  });

  it("rejectAll fails everything queued", async () => {
    const scheduler = new Scheduler();
    const gate = deferred();
    const running = scheduler.run("running", "interactive", undefined, () => gate.promise);
    const queued = scheduler.run("queued", "background", undefined, async () => 1);
    scheduler.rejectAll(new EngineError("engineUnavailable", "shutting down"));
    await assert.rejects(queued, /shutting down/);
    gate.resolve();
    await running;
  });

  it("runs a completion beside the queue at once, and starts no background job until it ends", async () => {
    const scheduler = new Scheduler();
    const order: string[] = [];
    const chat = deferred();
    const running = scheduler.run("chat", "interactive", undefined, async () => {
      order.push("chat");
      await chat.promise;
    });
    const completionGate = deferred();
    const completion = scheduler.runBeside("complete", async () => {
      order.push("completion");
      await completionGate.promise;
    });
    // It started although a chat answer is running.
    assert.deepEqual(order, ["chat", "completion"]);
    assert.equal(scheduler.besideJobs, 1);
    const background = scheduler.run("index", "background", undefined, async () => void order.push("index"));
    const review = scheduler.run("review", "review", undefined, async () => void order.push("review"));
    chat.resolve();
    await running;
    await review;
    // The review ran after the chat; the background job still waits for the completion.
    assert.deepEqual(order, ["chat", "completion", "review"]);
    assert.equal(scheduler.queuedJobs, 1);
    completionGate.resolve();
    await completion;
    // The next keystroke's completion is expected: background jobs stay held a moment longer.
    assert.ok(scheduler.backgroundHeldMs > 0);
    assert.equal(scheduler.queuedJobs, 1);
    scheduler.holdBackground(0);
    await background;
    assert.deepEqual(order, ["chat", "completion", "review", "index"]);
    assert.equal(scheduler.besideJobs, 0);
  });

  it("holds background jobs while a request is expected; other jobs run, and the held ones start when it ends", async () => {
    const scheduler = new Scheduler();
    const order: string[] = [];
    scheduler.holdBackground(20_000);
    assert.ok(scheduler.backgroundHeldMs > 19_000);
    const background = scheduler.run("index", "background", undefined, async () => void order.push("index"));
    await scheduler.run("chat", "interactive", undefined, async () => void order.push("chat"));
    await scheduler.run("review", "review", undefined, async () => void order.push("review"));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(order, ["chat", "review"]);
    assert.equal(scheduler.queuedJobs, 1);
    // A shorter hint never shortens a longer hold; 0 ends it.
    scheduler.holdBackground(10);
    assert.ok(scheduler.backgroundHeldMs > 19_000);
    scheduler.holdBackground(0);
    await background;
    assert.deepEqual(order, ["chat", "review", "index"]);
    assert.equal(scheduler.backgroundHeldMs, 0);
  });

  it("ends a hold by itself, and never holds longer than the longest hold", async () => {
    const scheduler = new Scheduler();
    scheduler.holdBackground(3_600_000);
    assert.ok(scheduler.backgroundHeldMs <= maxBackgroundHoldMs);
    scheduler.holdBackground(0);
    scheduler.holdBackground(20);
    let ran = false;
    // Resolves only when the hold's own timer lets the job start.
    await scheduler.run("index", "background", undefined, async () => {
      ran = true;
    });
    assert.equal(ran, true);
    assert.equal(scheduler.backgroundHeldMs, 0);
  });

  it("holds background jobs a moment after an answer, for the client's next request", async () => {
    const scheduler = new Scheduler();
    const order: string[] = [];
    await scheduler.run("chat", "interactive", undefined, async () => void order.push("chat"), { followUp: true });
    assert.ok(scheduler.backgroundHeldMs > 0 && scheduler.backgroundHeldMs <= followUpHoldMs, String(scheduler.backgroundHeldMs));
    const background = scheduler.run("index", "background", undefined, async () => void order.push("index"));
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(order, ["chat"]);
    // The next request (a tool loop's next step) runs at once, and finds no embedding in its way.
    await scheduler.run("next", "interactive", undefined, async () => void order.push("next"));
    assert.deepEqual(order, ["chat", "next"]);
    // No request follows: the held job starts by itself when the hold ends.
    await background;
    assert.deepEqual(order, ["chat", "next", "index"]);
    assert.equal(scheduler.backgroundHeldMs, 0);
    // Other jobs start no hold: a search's embedding asked for again and again never stops the indexer.
    await scheduler.run("search", "interactive", undefined, async () => void order.push("search"));
    await scheduler.run("review", "review", undefined, async () => void order.push("review"));
    await scheduler.run("index-2", "background", undefined, async () => void order.push("index-2"));
    assert.equal(scheduler.backgroundHeldMs, 0);
  });

  it("starts no follow-up hold once a background job has waited too long", async () => {
    const scheduler = new Scheduler({ followUpHoldMs: 400, followUpStarveMs: 100 });
    const order: string[] = [];
    // A client that asks again as each answer ends: the first answers hold the indexer…
    await scheduler.run("answer-1", "interactive", undefined, async () => void order.push("answer-1"), { followUp: true });
    const background = scheduler.run("index", "background", undefined, async () => void order.push("index"));
    await scheduler.run("answer-2", "interactive", undefined, async () => void order.push("answer-2"), { followUp: true });
    assert.ok(scheduler.backgroundHeldMs > 300, String(scheduler.backgroundHeldMs));
    // …until the indexer's job has waited followUpStarveMs: an answer then renews no hold, and the
    // job starts when the one that runs ends.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await scheduler.run("answer-3", "interactive", undefined, async () => void order.push("answer-3"), { followUp: true });
    assert.ok(scheduler.backgroundHeldMs < 300, String(scheduler.backgroundHeldMs));
    await background;
    assert.deepEqual(order, ["answer-1", "answer-2", "answer-3", "index"]);
  });

  it("starts the next interactive job when one ends under a longer hold", async () => {
    const scheduler = new Scheduler();
    scheduler.holdBackground(20_000);
    const gate = deferred();
    const first = scheduler.run("first", "interactive", undefined, () => gate.promise);
    const second = scheduler.run("second", "interactive", undefined, async () => "second ran");
    gate.resolve();
    await first;
    assert.equal(await second, "second ran");
    scheduler.holdBackground(0);
  });

  it("lets a background job that already runs go on when a hold starts", async () => {
    const scheduler = new Scheduler();
    const gate = deferred();
    let finished = false;
    const running = scheduler.run("index", "background", undefined, async () => {
      await gate.promise;
      finished = true;
    });
    scheduler.holdBackground(20_000);
    assert.equal(scheduler.runningJob, "index");
    gate.resolve();
    await running;
    assert.equal(finished, true);
    scheduler.holdBackground(0);
  });
});
