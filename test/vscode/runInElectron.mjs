// `npm run test:electron`: the integration suite (out/test/vscode/suite/index.js) in desktop
// VS Code 1.100.3 through @vscode/test-electron, for machines with the internet (it downloads
// VS Code). On Linux without a display it re-runs itself under `xvfb-run -a`.
// Offline it fails fast and points to `npm run test:vscode` (code-server), which needs no download.
//
// Env: HEARTH_TEST_RESULTS_FILE   counts JSON (default .test-artifacts/results/electron.json)
//      HEARTH_VSCODE_EXECUTABLE   an installed VS Code to use instead of downloading one
//      HEARTH_VSCODE_TEST_CACHE   where downloads go (default ~/.cache/hearth/vscode-test)
//      HEARTH_VSCODE_TEST_TIMEOUT_MS  bound on download + run (default 20 min)
import { spawnSync } from "node:child_process";
import * as dns from "node:dns/promises";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import {
  artifactsDir,
  baseSettings,
  descendantPids,
  killTree,
  makeTempDir,
  removeDir,
  repoRoot,
  runFixtureGenerator,
  withTimeout,
  writeResults,
} from "./codeServer.mjs";

const VSCODE_VERSION = "1.100.3";
const DOWNLOAD_HOST = "update.code.visualstudio.com";
const thisFile = fileURLToPath(import.meta.url);
const testsPath = path.join(repoRoot, "out/test/vscode/suite/index.js");
const resultsFile = path.resolve(
  process.env.HEARTH_TEST_RESULTS_FILE || path.join(artifactsDir, "results/electron.json"),
);
const executable = process.env.HEARTH_VSCODE_EXECUTABLE;
// Download + run; the download alone can take minutes on a slow line.
const suiteTimeoutMs = Number(process.env.HEARTH_VSCODE_TEST_TIMEOUT_MS) || 20 * 60_000;
const log = (...args) => console.log("[test:electron]", ...args);

function fail(message) {
  console.error(`[test:electron] ${message}`);
  writeResults(resultsFile, {
    passed: 0,
    failed: 1,
    pending: 0,
    failures: [{ title: "integration suite (test-electron)", message }],
  });
  process.exit(1);
}

async function main() {
  // 1. Offline? Fail fast (test-electron would fail on its download anyway).
  if (!executable && !process.env.HEARTH_XVFB_CHILD) {
    try {
      await withTimeout(dns.lookup(DOWNLOAD_HOST), 3_000, `DNS lookup of ${DOWNLOAD_HOST}`);
    } catch (err) {
      fail(
        `cannot reach ${DOWNLOAD_HOST} (${err.code || err.message}): this machine looks offline, and ` +
          `test-electron must download VS Code ${VSCODE_VERSION}. Run the same suite in code-server ` +
          `instead: npm run test:vscode (after bash scripts/install-code-server.sh), or set ` +
          `HEARTH_VSCODE_EXECUTABLE to an installed VS Code.`,
      );
    }
  }

  // 2. Linux without a display: run under a virtual X server.
  if (process.platform === "linux" && !process.env.DISPLAY && !process.env.HEARTH_XVFB_CHILD) {
    const hasXvfb = spawnSync("sh", ["-c", "command -v xvfb-run"], { stdio: "ignore" }).status === 0;
    if (hasXvfb) {
      log("no DISPLAY: re-running under xvfb-run -a");
      const child = spawnSync("xvfb-run", ["-a", process.execPath, thisFile, ...process.argv.slice(2)], {
        stdio: "inherit",
        env: { ...process.env, HEARTH_XVFB_CHILD: "1" },
      });
      process.exit(child.status ?? 1);
    }
    log("warning: no DISPLAY and no xvfb-run (apt-get install xvfb); VS Code will probably fail to start");
  }

  if (!fs.existsSync(testsPath)) fail(`${path.relative(repoRoot, testsPath)} is missing: run node esbuild.mjs first`);
  fs.rmSync(resultsFile, { force: true });
  runFixtureGenerator();

  let runTests;
  try {
    ({ runTests } = await import("@vscode/test-electron"));
  } catch (err) {
    fail(`@vscode/test-electron is not installed (npm ci at the repo root): ${err.message}`);
  }

  const workspace = makeTempDir("electron-ws");
  const fixtureWorkspace = path.join(repoRoot, "test/fixtures/workspace");
  if (fs.existsSync(fixtureWorkspace)) fs.cpSync(fixtureWorkspace, workspace, { recursive: true });
  const profile = makeTempDir("electron-profile");
  const userDataDir = path.join(profile, "user-data");
  fs.mkdirSync(path.join(userDataDir, "User"), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, "User", "settings.json"), JSON.stringify(baseSettings, null, 2));
  const hearthHome = makeTempDir("electron-home");

  let exitCode = 1;
  try {
    const run = runTests({
      version: VSCODE_VERSION,
      ...(executable ? { vscodeExecutablePath: executable } : {}),
      cachePath: process.env.HEARTH_VSCODE_TEST_CACHE || path.join(os.homedir(), ".cache/hearth/vscode-test"),
      timeout: 60_000, // idle timeout of the download
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsPath,
      extensionTestsEnv: {
        HEARTH_TEST: "1",
        HEARTH_TEST_RESULTS_FILE: resultsFile,
        HEARTH_HOME: hearthHome,
      },
      launchArgs: [
        workspace,
        `--user-data-dir=${userDataDir}`,
        `--extensions-dir=${path.join(profile, "extensions")}`,
        "--disable-extensions",
        "--disable-workspace-trust",
        "--skip-welcome",
        "--skip-release-notes",
        "--disable-gpu",
      ],
    });
    exitCode = await withTimeout(run, suiteTimeoutMs, "VS Code did not finish the integration suite").catch(
      (err) => {
        if (!/did not finish/.test(err.message)) throw err;
        // Bounded: whatever VS Code left running (it is our child) goes.
        for (const pid of descendantPids(process.pid)) killTree(pid, "SIGKILL");
        throw err;
      },
    );
  } catch (err) {
    // runTests rejects with TestRunFailedError when VS Code exits non-zero.
    exitCode = typeof err?.code === "number" && err.code !== 0 ? err.code : 1;
    console.error(`[test:electron] ${err?.message || err}`);
  } finally {
    removeDir(workspace);
    removeDir(profile);
    removeDir(hearthHome);
  }

  if (!fs.existsSync(resultsFile)) {
    writeResults(resultsFile, {
      passed: 0,
      failed: 1,
      pending: 0,
      failures: [{ title: "integration suite (test-electron)", message: `VS Code exited with ${exitCode} before the tests reported` }],
    });
    if (exitCode === 0) exitCode = 1;
  }
  log(`exit code ${exitCode}; results ${path.relative(repoRoot, resultsFile)}`);
  process.exit(exitCode);
}

main().catch((err) => fail(err?.stack || String(err)));
