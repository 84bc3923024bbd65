// `npm test`: builds, typechecks, then runs every tier — unit (real llama.cpp), integration in
// real VS Code (code-server 4.100.3, the minimum VS Code 1.100), the same in VS Code 1.104
// (code-server 4.104.0 under Node 22: the language model provider and tool), end-to-end UI in
// Chromium, and the packaged .vsix installed in code-server — and ends with one line:
// `N passed, N failed`. Exits non-zero on any failure.
// HEARTH_TEST_TIERS=unit,vscode limits the tiers (unit, vscode, vscode-next, e2e, chat, vsix; for development).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const resultsDir = path.join(root, ".test-artifacts", "results");
const wanted = (process.env.HEARTH_TEST_TIERS ?? "unit,vscode,vscode-next,e2e,chat,vsix").split(",").map((t) => t.trim());

function run(label, command, args, env = {}) {
  console.log(`\n[test] ── ${label}: ${[command, ...args].join(" ")}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[test] ── ${label} finished with exit code ${result.status ?? result.signal} in ${seconds} s`);
  return result.status === 0;
}

const tiers = [
  { name: "unit", label: "unit tests (mocha, real llama.cpp)", command: process.execPath, args: [path.join(root, "node_modules", "mocha", "bin", "mocha.js")] },
  { name: "vscode", label: "integration tests in real VS Code (code-server)", command: process.execPath, args: ["test/vscode/runInCodeServer.mjs"] },
  { name: "vscode-next", label: "integration tests in VS Code 1.104 (code-server 4.104.0, Node 22)", command: process.execPath, args: ["test/vscode/runInCodeServerNext.mjs"] },
  { name: "e2e", label: "end-to-end UI test (Chromium over the workbench)", command: process.execPath, args: ["test/e2e/runE2e.mjs"] },
  { name: "chat", label: "end-to-end chat (Chromium over the workbench)", command: process.execPath, args: ["test/e2e/chatE2e.mjs"] },
  { name: "vsix", label: "packaged .vsix installed and run in code-server", command: process.execPath, args: ["test/e2e/vsixInstall.mjs"] },
];

// No tier may write into the user's real home: each runs with its own HEARTH_HOME (the unit tier
// with its own HOME too, test/support/isolatedHome.cjs). Checked here over every tier at once.
const realStore = path.join(os.homedir(), ".hearth");
const storeListing = () => (fs.existsSync(realStore) ? fs.readdirSync(realStore, { recursive: true }).map(String).sort() : []);
const realStoreBefore = storeListing();

fs.rmSync(resultsDir, { recursive: true, force: true });
fs.mkdirSync(resultsDir, { recursive: true });

let passed = 0;
let failed = 0;
let pending = 0;
const failures = [];

const buildOk = run("build", process.execPath, ["esbuild.mjs"]) && run("typecheck", process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", "."]);
if (!buildOk) {
  failed++;
  failures.push("build or typecheck failed (see above)");
} else {
  run("fixture models", process.execPath, ["--import", "tsx", "test/fixtures/generateFixtures.ts"]);
  for (const tier of tiers) {
    if (!wanted.includes(tier.name)) continue;
    if (tier.name === "vsix") {
      // Package this checkout now, so the tier never installs a stale .vsix left from earlier.
      for (const stale of fs.readdirSync(root).filter((f) => /^hearth-.*\.vsix$/.test(f))) fs.rmSync(path.join(root, stale));
      run("package the .vsix", process.execPath, ["scripts/package.mjs"]);
    }
    const resultsFile = path.join(resultsDir, `${tier.name}.json`);
    const ok = run(tier.label, tier.command, tier.args, { HEARTH_TEST_RESULTS_FILE: resultsFile });
    let counts = null;
    try {
      counts = JSON.parse(fs.readFileSync(resultsFile, "utf8"));
    } catch {
      counts = null;
    }
    if (!counts) {
      failed++;
      failures.push(`${tier.name}: the tier ended (exit ${ok ? 0 : "non-zero"}) without reporting results`);
      continue;
    }
    passed += counts.passed ?? 0;
    failed += counts.failed ?? 0;
    pending += counts.pending ?? 0;
    for (const failure of counts.failures ?? []) failures.push(`${tier.name}: ${failure.title}: ${failure.message}`);
    if (!ok && (counts.failed ?? 0) === 0) {
      failed++;
      failures.push(`${tier.name}: exited non-zero although its tests passed`);
    }
    console.log(`[test] ${tier.name}: ${counts.passed ?? 0} passed, ${counts.failed ?? 0} failed${counts.pending ? `, ${counts.pending} skipped` : ""}`);
  }
}

const leftInHome = storeListing().filter((entry) => !realStoreBefore.includes(entry));
if (leftInHome.length > 0) {
  failed++;
  failures.push(`the tests wrote into the real ${realStore}: ${leftInHome.slice(0, 5).join(", ")}`);
}

console.log("");
if (failures.length > 0) {
  console.log("Failures:");
  for (const failure of failures) console.log(`  - ${failure.split("\n")[0]}`);
}
if (pending > 0) console.log(`${pending} skipped (not counted as passed)`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
