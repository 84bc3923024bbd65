// The packaged extension, installed the way a user installs it: `code-server --install-extension
// hearth-<version>-<target>.vsix` into a fresh extensions folder, then code-server (VS Code 1.100.3)
// starts on that folder and headless Chromium opens the workbench WITHOUT extensionDevelopmentPath,
// so the installed copy (its dist/ and its node_modules with node-llama-cpp) is what runs:
// its CLI prints help in English and Chinese from its l10n/ bundles, the status-bar item shows up,
// "Hearth: Run Prompt" runs from the palette, and the answer streams into an editor. Ends with a
// screenshot.
//
//   node test/e2e/vsixInstall.mjs [path/to/hearth-*.vsix]
//
// Without an argument it takes the newest hearth-*-<this machine's target>.vsix at the repo root
// (e.g. hearth-0.1.0-linux-x64.vsix), and runs
// `node scripts/package.mjs` first when there is none.
// Env: HEARTH_TEST_RESULTS_FILE  counts JSON (default .test-artifacts/results/vsix.json)
//      HEARTH_E2E_MODEL          model for "hearth.defaultModel" (default test/fixtures/.generated/tiny-llama.gguf)
//      HEARTH_E2E_TIMEOUT_MS     bound on the whole run (default 10 min)
//      HEARTH_HEADED=1           show the browser (needs a display)
//
// The .vsix goes into folders made with makeCodeServerDirs(); startCodeServer() then runs on them.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  artifactsDir,
  closeBrowser,
  codeServerCli,
  descendantPids,
  makeCodeServerDirs,
  makeTempDir,
  removeDir,
  repoRoot,
  runFixtureGenerator,
  sleep,
  startCodeServer,
  workbenchUrl,
  writeResults,
} from "../vscode/codeServer.mjs";
import {
  normalize,
  openWorkbench,
  runChecks,
  runPaletteCommand,
  runTier,
  waitForAnswer,
  waitForPromptBox,
  workbenchSelectors as SELECTORS,
} from "./workbenchDriver.mjs";

// ------------------------------------------------------------------ knobs that may need adjusting
const EXTENSION_ID = "hearth-dev.hearth";
const COMMAND_LABEL = "Hearth: Run Prompt";
const PROMPT = "Tell me a very short story about a warm hearth.";
const TIMEOUTS = {
  package: 10 * 60_000,
  install: 3 * 60_000,
  start: 90_000,
  workbench: 90_000,
  statusItem: 90_000,
  palette: 120_000, // the whole retry loop while the extension activates
  inputBox: 30_000,
  answer: 240_000, // model load + first tokens, one thread, maybe a busy machine
  answerSettle: 60_000,
  run: Number(process.env.HEARTH_E2E_TIMEOUT_MS) || 10 * 60_000,
};

const modelPath = path.resolve(
  process.env.HEARTH_E2E_MODEL || path.join(repoRoot, "test/fixtures/.generated/tiny-llama.gguf"),
);
const resultsFile = path.resolve(
  process.env.HEARTH_TEST_RESULTS_FILE || path.join(artifactsDir, "results/vsix.json"),
);
const screenshotDir = path.join(artifactsDir, "screenshots");
const screenshotFile = path.join(screenshotDir, "vsix-run-prompt.png");
const failureScreenshot = path.join(screenshotDir, "vsix-failure.png");
const logDir = path.join(artifactsDir, "logs");
const consoleLogFile = path.join(logDir, "vsix-workbench-console.log");

const rel = (p) => path.relative(repoRoot, p) || ".";
const log = (...args) => console.log("[test:vsix]", ...args);

// --------------------------------------------------------------------------------- the .vsix file

/** This machine's vsce target (the .vsix that can run here ends with it). */
const hostTarget = `${process.platform}-${process.arch === "arm" ? "armhf" : process.arch}`;

/** The newest hearth-*-<this machine's target>.vsix at the repo root. */
function newestVsix() {
  const candidates = fs
    .readdirSync(repoRoot)
    .filter((name) => name.startsWith("hearth-") && name.endsWith(`-${hostTarget}.vsix`))
    .map((name) => path.join(repoRoot, name))
    .map((file) => ({ file, mtime: fs.statSync(file).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  return candidates[0]?.file ?? null;
}

function findOrBuildVsix() {
  const arg = process.argv[2];
  if (arg) {
    const file = path.resolve(arg);
    if (!fs.existsSync(file)) throw new Error(`${file} does not exist`);
    return { file, built: false };
  }
  const existing = newestVsix();
  if (existing) return { file: existing, built: false };
  log(`no hearth-*-${hostTarget}.vsix at the repo root: node scripts/package.mjs`);
  const result = spawnSync(process.execPath, ["scripts/package.mjs"], {
    cwd: repoRoot,
    stdio: ["ignore", "inherit", "inherit"],
    timeout: TIMEOUTS.package,
    killSignal: "SIGKILL",
  });
  if (result.error) throw new Error(`scripts/package.mjs did not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`scripts/package.mjs exited with ${result.status ?? result.signal}`);
  const built = newestVsix();
  if (!built) throw new Error(`scripts/package.mjs succeeded but left no hearth-*-${hostTarget}.vsix at the repo root`);
  return { file: built, built: true };
}

// ------------------------------------------------------------------------------------- the checks
/** @type {{name: string, run: (ctx: any) => Promise<void>}[]} */
const checks = [
  {
    name: "the .vsix installs with code-server --install-extension",
    async run(ctx) {
      const output = codeServerCli(ctx.dirs, ["--install-extension", ctx.vsix, "--force"], "installing the .vsix", TIMEOUTS.install);
      const listed = codeServerCli(ctx.dirs, ["--list-extensions", "--show-versions"], "listing extensions", TIMEOUTS.install);
      const line = listed.split("\n").find((l) => l.toLowerCase().startsWith(`${EXTENSION_ID}@`));
      if (!line) throw new Error(`${EXTENSION_ID} is not among the installed extensions: ${JSON.stringify(listed)} (install said: ${output.slice(-300)})`);
      const folder = fs
        .readdirSync(ctx.dirs.extensions)
        .find((name) => name.toLowerCase().startsWith(`${EXTENSION_ID}-`));
      if (!folder) throw new Error(`no ${EXTENSION_ID}-* folder in the extensions dir`);
      ctx.installedDir = path.join(ctx.dirs.extensions, folder);
      for (const file of ["dist/extension.js", "dist/engine.js", "node_modules/node-llama-cpp/package.json"]) {
        if (!fs.existsSync(path.join(ctx.installedDir, file))) throw new Error(`the installed copy lacks ${file}`);
      }
      ctx.note = `${line.trim()} in <extensions>/${folder}`;
    },
  },
  {
    name: "the installed copy's CLI prints its help in English and Chinese from its l10n/ bundles",
    async run(ctx) {
      const cli = path.join(ctx.installedDir, "dist", "cli.js");
      const seen = [];
      for (const [locale, start] of [["en", "Usage: hearth pull"], ["zh-cn", "用法：hearth pull"]]) {
        const help = spawnSync(process.execPath, [cli, "help", "pull"], {
          cwd: ctx.workspace,
          env: { ...process.env, HEARTH_LOCALE: locale, HEARTH_HOME: ctx.hearthHome },
          encoding: "utf8",
          timeout: 60_000,
          killSignal: "SIGKILL",
        });
        if (help.status !== 0 || !help.stdout.startsWith(start) || help.stderr) {
          throw new Error(`${locale}: exit ${help.status ?? help.signal}, stdout ${JSON.stringify(help.stdout.slice(0, 120))}, stderr ${JSON.stringify(help.stderr.slice(0, 300))}`);
        }
        seen.push(`"${start}"`);
      }
      ctx.note = seen.join(", ");
    },
  },
  {
    name: "code-server starts on that extensions folder with the Hearth settings",
    async run(ctx) {
      ctx.server = await startCodeServer({
        workspace: ctx.workspace,
        dirs: ctx.dirs,
        label: "vsix",
        startTimeoutMs: TIMEOUTS.start,
        env: { HEARTH_HOME: ctx.hearthHome },
        settings: {
          "hearth.defaultModel": modelPath,
          "hearth.threads": 1,
          "hearth.maxTokens": 32,
        },
      });
      ctx.note = ctx.server.baseUrl;
    },
  },
  {
    name: "the workbench loads (no extensionDevelopmentPath)",
    async run(ctx) {
      const url = workbenchUrl(ctx.server.baseUrl, { folder: ctx.workspace });
      if (/extensionDevelopmentPath/.test(decodeURIComponent(url))) throw new Error(`the URL loads a development copy: ${url}`);
      await openWorkbench(ctx, { url, consoleLogFile, timeoutMs: TIMEOUTS.workbench });
    },
  },
  {
    name: "the installed Hearth shows its status-bar item",
    async run(ctx) {
      const item = ctx.page.locator(SELECTORS.hearthStatusItem).first();
      await item.waitFor({ state: "visible", timeout: TIMEOUTS.statusItem }).catch(() => {
        throw new Error(
          `no element matches ${SELECTORS.hearthStatusItem} after ${TIMEOUTS.statusItem / 1000} s (did the installed extension activate? see ${rel(consoleLogFile)} and ${rel(ctx.server.logFile)})`,
        );
      });
      ctx.note = `"${normalize((await item.innerText().catch(() => "")).trim())}"`;
    },
  },
  {
    name: `"${COMMAND_LABEL}" runs from the command palette and asks for a prompt`,
    async run(ctx) {
      await runPaletteCommand(ctx, COMMAND_LABEL, TIMEOUTS.palette);
      await waitForPromptBox(ctx.page, TIMEOUTS.inputBox);
    },
  },
  {
    name: "the answer streams into an editor",
    async run(ctx) {
      const input = ctx.page.locator(SELECTORS.quickInputBox);
      await input.fill(PROMPT);
      await input.press("Enter");
      const answer = await waitForAnswer(ctx.page, PROMPT, { answerMs: TIMEOUTS.answer, settleMs: TIMEOUTS.answerSettle });
      ctx.note = `${answer.length} chars: ${JSON.stringify(answer.replace(/\s+/g, " ").slice(0, 80))}…`;
    },
  },
  {
    name: "the engine process runs from the installed copy",
    async run(ctx) {
      // Linux: the forked engine's command line names <installed>/dist/engine.js.
      if (!fs.existsSync("/proc/self/cmdline")) {
        ctx.note = "skipped (no /proc on this platform)";
        return;
      }
      const expected = path.join(ctx.installedDir, "dist", "engine.js");
      const cmdlines = descendantPids(ctx.server.pid).map((pid) => {
        try {
          return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
        } catch {
          return "";
        }
      });
      const engine = cmdlines.find((c) => c.includes(expected));
      if (!engine) {
        const others = cmdlines.filter((c) => /engine\.js/.test(c));
        throw new Error(`no process runs ${expected}${others.length ? `; engine processes: ${others.join(" | ")}` : ""}`);
      }
      ctx.note = `<extensions>/${path.relative(ctx.dirs.extensions, expected)}`;
    },
  },
  {
    name: "a screenshot is saved",
    async run(ctx) {
      fs.mkdirSync(screenshotDir, { recursive: true });
      const box = await ctx.page.locator(".part.editor").first().boundingBox().catch(() => null);
      if (box) await ctx.page.mouse.move(box.x + box.width / 2, box.y + box.height - 40);
      await sleep(300);
      await ctx.page.screenshot({ path: screenshotFile, timeout: 30_000 });
      ctx.note = rel(screenshotFile);
    },
  },
];

// ----------------------------------------------------------------------------------------- runner
async function main() {
  const started = Date.now();
  fs.rmSync(resultsFile, { force: true });
  fs.mkdirSync(logDir, { recursive: true });
  const { file: vsix, built } = findOrBuildVsix();
  log(`${built ? "built" : "using"} ${rel(vsix)} (${(fs.statSync(vsix).size / 1024 / 1024).toFixed(1)} MB)`);
  runFixtureGenerator();
  if (!fs.existsSync(modelPath)) throw new Error(`the model ${modelPath} does not exist (set HEARTH_E2E_MODEL)`);

  const ctx = {
    vsix,
    dirs: makeCodeServerDirs("vsix-cs"),
    workspace: makeTempDir("vsix-ws"),
    // The installed extension's engine writes its running registry under HEARTH_HOME; never the real ~/.hearth.
    hearthHome: makeTempDir("vsix-home"),
    closers: [],
    server: null,
    context: null,
    page: null,
    installedDir: null,
    note: "",
  };
  fs.writeFileSync(path.join(ctx.workspace, "notes.md"), "# Hearth .vsix check\n");

  let results;
  let failed = false;
  try {
    ({ results, failed } = await runChecks({
      checks,
      ctx,
      label: "vsix",
      timeoutMs: TIMEOUTS.run,
      failureScreenshot,
      log,
    }));
  } finally {
    await closeBrowser(ctx.context);
    for (const close of ctx.closers) await close();
    if (ctx.server) await ctx.server.stop();
    if (failed) {
      // VS Code's own logs (extension host, the Hearth output channel) outlive the temp dirs.
      const from = path.join(ctx.dirs.userData, "logs");
      const to = path.join(logDir, "vsix-vscode-logs");
      try {
        fs.rmSync(to, { recursive: true, force: true });
        if (fs.existsSync(from)) {
          fs.cpSync(from, to, { recursive: true });
          log(`VS Code logs: ${rel(to)}`);
        }
      } catch (err) {
        log(`could not copy VS Code's logs: ${err.message}`);
      }
    }
    removeDir(ctx.workspace);
    removeDir(ctx.hearthHome);
    removeDir(ctx.dirs.root);
  }

  writeResults(resultsFile, results);
  log(
    `${results.passed} passed, ${results.failed} failed, ${results.pending} skipped in ${((Date.now() - started) / 1000).toFixed(1)} s; results ${rel(resultsFile)}` +
      (failed && ctx.server ? `; code-server log ${rel(ctx.server.logFile)}, console ${rel(consoleLogFile)}` : ""),
  );
  return failed ? 1 : 0;
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.once(signal, () => {
    console.error(`[test:vsix] ${signal}: stopping`);
    process.exit(130); // the "exit" hooks kill code-server and remove the browser profile
  });
}

runTier("vsix", resultsFile, main);
