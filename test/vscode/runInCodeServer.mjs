// The integration tier (`npm run test:vscode`): runs out/test/vscode/suite/index.js inside the Node
// extension host of real VS Code 1.100.3 — code-server, opened in headless Chromium — with this
// repository as the extension under development. Offline-friendly; see test/vscode/codeServer.mjs.
//
// test/vscode/runInCodeServerNext.mjs runs the suite of test/vscode/suiteNext/ the same way in
// VS Code 1.104 (code-server 4.104.0 under Node 22) through runSuite() below.
//
// Env: HEARTH_TEST_RESULTS_FILE (counts JSON; default .test-artifacts/results/vscode.json),
//      HEARTH_VSCODE_TEST_TIMEOUT_MS (bound on the whole suite; default 10 min),
//      HEARTH_VSCODE_VERBOSE=1 (print the workbench's whole console, not only the extension host's).
// Exit code: the extension host's (0 when every test passed).
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { format } from "node:util";
import {
  artifactsDir,
  closeBrowser,
  codeServers,
  launchBrowser,
  makeTempDir,
  removeDir,
  repoRoot,
  runFixtureGenerator,
  startCodeServer,
  withTimeout,
  workbenchUrl,
  writeResults,
} from "./codeServer.mjs";

const suiteTimeoutMs = Number(process.env.HEARTH_VSCODE_TEST_TIMEOUT_MS) || 10 * 60_000;
const verbose = process.env.HEARTH_VSCODE_VERBOSE === "1";

// The workbench's console carries the extension host's console (mocha's spec output) as
// console.log("%c INFO", "<css>", format, ...args) lines. These workbench messages are noise:
const workbenchNoise = [
  /Ignoring fetching additional builtin extensions/,
  /Updating additional builtin extensions cache/,
  /Resolv(?:ing|ed) connection token/,
  /Creating a socket \(/,
  /\[Service Worker\]/,
  /ChatSessionStore/,
  /Failed to load resource: .*404/,
  /web worker extension host is started in a same-origin iframe/,
  /allow-scripts and allow-same-origin/,
  /Overwriting extension <</,
];

async function consoleText(msg) {
  let values;
  try {
    values = await Promise.all(msg.args().map((arg) => arg.jsonValue()));
  } catch {
    values = [];
  }
  if (values.length === 0) return msg.text();
  let prefix = "";
  if (typeof values[0] === "string" && values[0].includes("%c")) {
    const styles = (values[0].match(/%c/g) ?? []).length;
    prefix = values[0].replace(/%c/g, "").trim();
    values = values.slice(1 + styles);
  }
  const body = values.length ? format(...values) : "";
  return prefix && body ? `${prefix} ${body}` : prefix || body;
}

/**
 * Runs a compiled suite (its mocha index.js) in the extension host of `server` (codeServers.*);
 * resolves with the exit code.
 * @param {{server: object, testsPath: string, tier: string, title: string}} options
 *   tier names the default results file (.test-artifacts/results/<tier>.json), the log prefix and the code-server log.
 */
export async function runSuite({ server: serverKind, testsPath, tier, title }) {
  const resultsFile = path.resolve(
    process.env.HEARTH_TEST_RESULTS_FILE || path.join(artifactsDir, `results/${tier}.json`),
  );
  const log = (...args) => console.log(`[test:${tier}]`, ...args);
  const started = Date.now();
  fs.rmSync(resultsFile, { force: true });

  runFixtureGenerator();

  if (!fs.existsSync(testsPath)) {
    throw new Error(`${path.relative(repoRoot, testsPath)} is missing: run node esbuild.mjs first`);
  }

  const workspace = makeTempDir("ws");
  const fixtureWorkspace = path.join(repoRoot, "test/fixtures/workspace");
  if (fs.existsSync(fixtureWorkspace)) {
    fs.cpSync(fixtureWorkspace, workspace, { recursive: true });
    log(`workspace: copy of test/fixtures/workspace in ${workspace}`);
  } else {
    log(`workspace: empty folder ${workspace}`);
  }
  const hearthHome = makeTempDir("home");

  let server;
  let context;
  let exitCode = 1;
  let failureReason = null;
  try {
    server = await startCodeServer({
      workspace,
      server: serverKind,
      label: tier,
      env: {
        HEARTH_TEST: "1",
        HEARTH_TEST_RESULTS_FILE: resultsFile,
        HEARTH_HOME: hearthHome,
      },
    });

    context = await launchBrowser();
    const page = context.pages()[0] ?? (await context.newPage());

    let settle;
    const automationExit = new Promise((resolve) => (settle = resolve));
    // The workbench calls window.codeAutomationExit(code, logs) when the test run ends.
    await page.exposeFunction("codeAutomationExit", (code, logs) => {
      settle({ code: Number(code), logs });
    });
    page.on("console", async (msg) => {
      const text = await consoleText(msg);
      if (verbose || !workbenchNoise.some((re) => re.test(text))) console.log(text.replace(/^/gm, "  │ "));
      // A test logs "[hearth-screenshot] NAME.png" to have the workbench photographed as it is now
      // (under .test-artifacts/screenshots/; also media/screenshots/ with HEARTH_UPDATE_SCREENSHOTS=1).
      const shot = /\[hearth-screenshot\] ([\w.-]+\.png)/.exec(text)?.[1];
      if (shot) {
        const file = path.join(artifactsDir, "screenshots", shot);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        await page.screenshot({ path: file, timeout: 30_000 }).catch((error) => console.log(`  │ screenshot ${shot} failed: ${error.message}`));
        if (process.env.HEARTH_UPDATE_SCREENSHOTS === "1" && fs.existsSync(file)) fs.copyFileSync(file, path.join(repoRoot, "media/screenshots", shot));
      }
    });
    page.on("pageerror", (err) => console.log(`  │ [page error] ${err.message}`));
    const crashed = new Promise((resolve) =>
      page.once("crash", () => resolve({ crash: "the Chromium page crashed" })),
    );
    const serverGone = server.exited.then((e) => ({
      crash: `code-server exited (${e.code ?? e.signal}) during the run`,
    }));

    const url = workbenchUrl(server.baseUrl, {
      folder: workspace,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsPath,
    });
    log(`opening ${url}`);
    await page.goto(url, { waitUntil: "domcontentloaded", timeout: 60_000 });

    const outcome = await withTimeout(
      Promise.race([automationExit, crashed, serverGone]),
      suiteTimeoutMs,
      "the integration suite did not finish (window.codeAutomationExit was never called)",
    ).catch(async (err) => {
      const shot = path.join(artifactsDir, `screenshots/${tier}-timeout.png`);
      fs.mkdirSync(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot, timeout: 10_000 }).catch(() => {});
      return { crash: `${err.message}; screenshot ${path.relative(repoRoot, shot)}` };
    });

    if (outcome.crash) {
      failureReason = outcome.crash;
    } else {
      exitCode = outcome.code;
      printLogs(outcome.logs, tier, log);
      if (exitCode !== 0 && !fs.existsSync(resultsFile)) {
        failureReason = `the extension host exited with ${exitCode} before the tests reported`;
      }
    }
  } catch (err) {
    failureReason = err.message;
  } finally {
    await closeBrowser(context);
    if (server) await server.stop();
    removeDir(workspace);
    removeDir(hearthHome);
  }

  if (!fs.existsSync(resultsFile)) {
    failureReason ??= "the test run ended without writing its results file";
    exitCode = exitCode === 0 ? 1 : exitCode;
  }
  if (failureReason) {
    exitCode = exitCode === 0 ? 1 : exitCode;
    console.error(`[test:${tier}] FAILED: ${failureReason}`);
    if (server) console.error(`[test:${tier}] code-server log: ${path.relative(repoRoot, server.logFile)}`);
    if (!fs.existsSync(resultsFile)) {
      writeResults(resultsFile, {
        passed: 0,
        failed: 1,
        pending: 0,
        failures: [{ title, message: failureReason }],
      });
    }
  }
  log(`exit code ${exitCode} after ${((Date.now() - started) / 1000).toFixed(1)} s; results ${path.relative(repoRoot, resultsFile)}`);
  return exitCode;
}

/** The workbench hands over its log files; show the extension host's, keep all under artifacts. */
function printLogs(logs, tier, log) {
  if (!Array.isArray(logs) || logs.length === 0) return;
  const dir = path.join(artifactsDir, `logs/${tier}-workbench`);
  removeDir(dir);
  for (const entry of logs) {
    if (!entry || typeof entry.relativePath !== "string") continue;
    const target = path.join(dir, entry.relativePath.replace(/^(\.\.[/\\])+/, ""));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, String(entry.contents ?? ""));
  }
  log(`${logs.length} workbench log file(s) saved under ${path.relative(repoRoot, dir)}`);
}

/** Runs a suite and exits with its code; a crash still leaves a results file saying what happened. */
export function runSuiteAndExit(options) {
  runSuite(options).then(
    (code) => process.exit(code),
    (err) => {
      console.error(`[test:${options.tier}] ${err.stack || err}`);
      try {
        writeResults(
          path.resolve(process.env.HEARTH_TEST_RESULTS_FILE || path.join(artifactsDir, `results/${options.tier}.json`)),
          { passed: 0, failed: 1, pending: 0, failures: [{ title: options.title, message: String(err.message || err) }] },
        );
      } catch {
        // nothing more to do
      }
      process.exit(1);
    },
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  runSuiteAndExit({
    server: codeServers.minimum,
    testsPath: path.join(repoRoot, "out/test/vscode/suite/index.js"),
    tier: "vscode",
    title: "integration suite (code-server)",
  });
}
