// The engine client's watchdog (issue 14, item 2), through a real forked engine: a request that
// blocks the engine's event loop fails with a clear error instead of hanging, the engine is killed
// and a fresh one serves the next request; long work that leaves the loop free never trips it.
import * as assert from "node:assert/strict";
import type { EngineState } from "../../src/node/engineClient";
import { EngineError } from "../../src/common/engine/engineError";
import { ensureFixtureModels } from "../fixtures/fixtureModels";
import { createTestClient } from "../support/engineHarness";

async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EngineError, `expected an EngineError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the request to fail");
}

/** Whether the process is gone, waiting for it up to `ms`. */
async function processGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("engine watchdog (a real engine process over IPC)", function () {
  it("fails the requests in flight when the engine's event loop blocks, kills the engine, and serves the next request from a fresh one", async () => {
    const states: EngineState[] = [];
    // storeList blocks the engine's event loop for good (a test-only switch of engineMain.ts).
    const { client, logs } = createTestClient({ env: { HEARTH_TEST_BLOCK_EVENT_LOOP: "storeList" }, watchdogMs: 2000 }, (state) => states.push(state));
    try {
      await client.request("status", {});
      const firstPid = client.pid!;
      const blocked = client.request("storeList", {});
      // A request sent after it waits behind the blocked loop: it fails too, and does not hang.
      const behind = client.request("status", {});
      const [error, behindError] = await Promise.all([rejection(blocked), rejection(behind)]);
      for (const failed of [error, behindError]) {
        assert.equal(failed.code, "engineCrashed");
        assert.match(failed.message, /stopped answering for \d+ seconds while running storeList, status/);
        assert.match(failed.message, /fresh engine starts on your next request/);
      }
      assert.equal(client.state.kind, "crashed");
      assert.match((client.state as { reason: string }).reason, /not answering for \d+ s/);
      assert.ok(logs.some((entry) => entry.level === "error" && /did not answer for \d+ s while: storeList/.test(entry.message)));
      assert.ok(await processGone(firstPid, 5000), "the blocked engine was killed");
      // A fresh engine serves the next request.
      const status = await client.request("status", {});
      assert.equal(status.models.length, 0);
      assert.notEqual(client.pid, firstPid);
      assert.equal(client.state.kind, "ready");
      assert.deepEqual(
        states.map((state) => state.kind),
        ["starting", "ready", "crashed", "starting", "ready"],
      );
    } finally {
      await client.dispose();
    }
  });

  it("does not trip while a model loads and generates", async () => {
    const fixtures = await ensureFixtureModels();
    // Loading and token generation run on llama.cpp's threads and leave the loop free, but not all
    // of a first turn does: node-llama-cpp resolves the model's chat wrapper synchronously, by
    // rendering its Jinja template many times (0.7 to 2.5 s with this tiny fixture on a busy
    // machine). The default limit, 30 s, is far above that; 10 s here still is.
    const { client, logs } = createTestClient({ watchdogMs: 10_000 });
    try {
      const info = await client.request("loadModel", { model: fixtures.llama });
      const firstPid = client.pid;
      let chunks = 0;
      const result = await client.request(
        "generate",
        { modelId: info.modelId, prompt: "Once upon a time", options: { maxTokens: 600, temperature: 0.8, seed: 3 } },
        { onChunk: () => chunks++ },
      );
      assert.ok(result.usage.outputTokens > 1);
      assert.ok(chunks > 0);
      assert.equal(client.pid, firstPid);
      assert.equal(client.state.kind, "ready");
      assert.ok(!logs.some((entry) => /did not answer/.test(entry.message)));
    } finally {
      await client.dispose();
    }
  });
});
