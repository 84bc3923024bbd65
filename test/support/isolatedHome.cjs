// Loaded by mocha before any test (.mocharc.json): the unit tier runs with a home of its own, so no
// test, and no engine process or CLI a test starts, can write into the user's real home (HEARTH_HOME
// defaults to ~/.hearth, where engines record what they loaded). A test that wants its own store
// still sets HEARTH_HOME itself. After the run, the real ~/.hearth must be exactly as it was.
"use strict";
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const realHome = os.homedir();
const realStore = path.join(realHome, ".hearth");

function listing(dir) {
  const found = [];
  const walk = (current) => {
    let entries;
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      found.push(path.relative(dir, full));
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return found.sort();
}

const before = listing(realStore);
const testHome = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-unit-home-"));
process.env.HOME = testHome;
process.env.USERPROFILE = testHome;
process.env.HEARTH_HOME = path.join(testHome, ".hearth");
process.env.HEARTH_TEST_REAL_HOME = realHome;
process.on("exit", () => fs.rmSync(testHome, { recursive: true, force: true }));

exports.mochaHooks = {
  afterAll() {
    const after = listing(realStore);
    const added = after.filter((entry) => !before.includes(entry));
    if (added.length > 0) {
      throw new Error(`the unit tests wrote into the real ${realStore}: ${added.slice(0, 10).join(", ")}`);
    }
  },
};
