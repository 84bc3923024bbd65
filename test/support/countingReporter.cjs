// A mocha reporter: the usual spec output for people, plus the counts written as JSON to
// $HEARTH_TEST_RESULTS_FILE (when set) so test/runAll.mjs can sum every tier into one line.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Mocha = require("mocha");

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const counts = { passed: 0, failed: 0, pending: 0, failures: [] };
    runner.on(EVENT_TEST_PASS, () => counts.passed++);
    runner.on(EVENT_TEST_PENDING, () => counts.pending++);
    runner.on(EVENT_TEST_FAIL, (test, err) => {
      counts.failed++;
      counts.failures.push({ title: test.fullTitle(), message: String((err && err.message) || err) });
    });
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.HEARTH_TEST_RESULTS_FILE;
      if (!file) return;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(counts, null, 2));
    });
  }
}

module.exports = CountingReporter;
