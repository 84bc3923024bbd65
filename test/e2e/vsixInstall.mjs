// The packaged extension, installed the way a user installs it: `code-server --install-extension
// hearth-<version>-<target>.vsix` into a fresh extensions folder, then code-server (VS Code 1.100.3)
// starts on that folder and headless Chromium opens the workbench WITHOUT extensionDevelopmentPath,
// so the installed copy (its dist/ and its node_modules with node-llama-cpp) is what runs:
// the status-bar item shows up, "Hearth: Run Prompt" runs from the palette, and the answer streams
// into an editor. Ends with a screenshot.
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
// startCodeServer() in test/vscode/codeServer.mjs makes its own throwaway extensions folder and
// takes no option for it, so this file starts code-server itself (same flags and isolation), on
// the folder the .vsix was installed into.
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import {
  artifactsDir,
  baseSettings,
  closeBrowser,
  codeServerEntry,
  getFreePort,
  launchBrowser,
  makeTempDir,
  removeDir,
  repoRoot,
  runFixtureGenerator,
  sleep,
  withTimeout,
  workbenchUrl,
  writeResults,
} from "../vscode/codeServer.mjs";

// ------------------------------------------------------------------ knobs that may need adjusting
const SELECTORS = {
  workbench: ".monaco-workbench",
  /** The Hearth status-bar item: its DOM id (from "hearth.status") or its label says hearth. */
  hearthStatusItem: '.statusbar-item[id*="hearth" i], .statusbar-item[aria-label*="hearth" i]',
  quickInput: ".quick-input-widget",
  quickInputBox: ".quick-input-widget input",
  quickInputRows: ".quick-input-widget .quick-input-list .monaco-list-row",
  editorLines: ".part.editor .monaco-editor .view-lines",
};
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
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Monaco renders spaces as U+00A0. */
const normalize = (text) => text.replace(/\u00a0/g, " ");
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

// ------------------------------------------------------------------------------------ code-server

/** Throwaway user-data, extensions, config and XDG folders, shared by the install and the server. */
function makeServerDirs() {
  const root = makeTempDir("vsix-cs");
  const dirs = {
    root,
    userData: path.join(root, "user-data"),
    extensions: path.join(root, "extensions"),
    xdgConfig: path.join(root, "xdg-config"),
    xdgData: path.join(root, "xdg-data"),
    xdgCache: path.join(root, "xdg-cache"),
  };
  for (const dir of Object.values(dirs)) fs.mkdirSync(dir, { recursive: true });
  return dirs;
}

function serverEnv(dirs) {
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    EXTENSIONS_GALLERY: "{}",
  };
  for (const key of ["PASSWORD", "HASHED_PASSWORD", "PORT", "VSCODE_PROXY_URI", "CODE_SERVER_CONFIG"]) delete env[key];
  return env;
}

function checkCodeServerInstalled() {
  if (!fs.existsSync(codeServerEntry)) {
    throw new Error(
      `code-server is not installed (${rel(codeServerEntry)} is missing): run bash scripts/install-code-server.sh`,
    );
  }
}

/** `code-server <args>` as a one-shot command (bounded); returns stdout. */
function codeServerCli(dirs, args, what) {
  const result = spawnSync(
    process.execPath,
    [codeServerEntry, "--user-data-dir", dirs.userData, "--extensions-dir", dirs.extensions, ...args],
    {
      cwd: dirs.root,
      env: serverEnv(dirs),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: TIMEOUTS.install,
      killSignal: "SIGKILL",
    },
  );
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim();
  if (result.error) throw new Error(`${what}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${what}: code-server exited with ${result.status ?? result.signal}: ${output.slice(-800)}`);
  }
  return output;
}

/** Every descendant pid of `rootPid` (Linux /proc; empty elsewhere). */
function descendantPids(rootPid) {
  const children = new Map();
  let entries = [];
  try {
    entries = fs.readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  for (const entry of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  const out = [];
  const queue = [rootPid];
  while (queue.length) {
    for (const child of children.get(queue.shift()) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function killTree(pid, signal) {
  const pids = [...descendantPids(pid), pid];
  try {
    process.kill(-pid, signal); // its process group (spawned detached)
  } catch {
    // already gone
  }
  for (const p of pids) {
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
}

function httpStatus(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url}`)));
    req.on("error", reject);
  });
}

/** code-server on a free port, using `dirs` (where the .vsix was installed). */
async function startServer(dirs, workspace, settings) {
  const port = await getFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const configFile = path.join(dirs.root, "config.yaml");
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  // User settings, and the same as Remote ("Machine") settings: code-server's extension host is a
  // remote one, and VS Code drops `"scope": "machine"` settings (hearth.defaultModel, hearth.threads)
  // from User settings once the extension's configuration is registered. Seen here: in ~1 run in 10
  // the extension host saw no hearth.defaultModel and Run Prompt said "No model is loaded yet".
  const json = JSON.stringify({ ...baseSettings, ...settings }, null, 2);
  for (const scope of ["User", "Machine"]) {
    fs.mkdirSync(path.join(dirs.userData, scope), { recursive: true });
    fs.writeFileSync(path.join(dirs.userData, scope, "settings.json"), json);
  }
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `code-server-vsix-${port}.log`);
  const logStream = fs.createWriteStream(logFile);
  const child = spawn(
    process.execPath,
    [
      codeServerEntry,
      "--bind-addr", `127.0.0.1:${port}`,
      "--auth", "none",
      "--user-data-dir", dirs.userData,
      "--extensions-dir", dirs.extensions,
      "--config", configFile,
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      "--ignore-last-opened",
      workspace,
    ],
    { cwd: workspace, env: serverEnv(dirs), detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let tail = "";
  const onData = (chunk) => {
    logStream.write(chunk);
    tail = (tail + chunk.toString()).slice(-3000);
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve((exited = { code, signal })));
    child.once("error", (error) => resolve((exited = { error })));
  });
  const onExit = () => killTree(child.pid, "SIGKILL");
  process.on("exit", onExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      killTree(child.pid, "SIGTERM");
      await Promise.race([exitPromise, sleep(5_000)]);
    }
    killTree(child.pid, "SIGKILL"); // extension host, engine, pty host: whatever is left
    await Promise.race([exitPromise, sleep(2_000)]);
    process.off("exit", onExit);
    await new Promise((resolve) => logStream.end(resolve));
  };

  const deadline = Date.now() + TIMEOUTS.start;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited before it was healthy (${exited.error?.message ?? exited.code ?? exited.signal}):\n${tail}`);
    }
    const status = await httpStatus(`${baseUrl}/healthz`, 2_000).catch(() => 0);
    if (status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${baseUrl}/healthz within ${TIMEOUTS.start / 1000} s; log ${rel(logFile)}`);
    }
    await sleep(250);
  }
  return { baseUrl, port, pid: child.pid, logFile, stop };
}

// ------------------------------------------------------------------------------------- the checks
/** @type {{name: string, run: (ctx: any) => Promise<void>}[]} */
const checks = [
  {
    name: "the .vsix installs with code-server --install-extension",
    async run(ctx) {
      const output = codeServerCli(ctx.dirs, ["--install-extension", ctx.vsix, "--force"], "installing the .vsix");
      const listed = codeServerCli(ctx.dirs, ["--list-extensions", "--show-versions"], "listing extensions");
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
    name: "code-server starts on that extensions folder with the Hearth settings",
    async run(ctx) {
      ctx.server = await startServer(ctx.dirs, ctx.workspace, {
        "hearth.defaultModel": modelPath,
        "hearth.threads": 1,
        "hearth.maxTokens": 32,
      });
      ctx.note = ctx.server.baseUrl;
    },
  },
  {
    name: "the workbench loads (no extensionDevelopmentPath)",
    async run(ctx) {
      ctx.context = await launchBrowser();
      const page = (ctx.page = ctx.context.pages()[0] ?? (await ctx.context.newPage()));
      const consoleLog = fs.createWriteStream(consoleLogFile);
      ctx.closers.push(() => new Promise((resolve) => consoleLog.end(resolve)));
      page.on("console", (msg) => consoleLog.write(`[${msg.type()}] ${msg.text()}\n`));
      page.on("pageerror", (err) => consoleLog.write(`[pageerror] ${err.stack || err.message}\n`));
      const url = workbenchUrl(ctx.server.baseUrl, { folder: ctx.workspace });
      if (/extensionDevelopmentPath/.test(decodeURIComponent(url))) throw new Error(`the URL loads a development copy: ${url}`);
      await page.goto(url, { waitUntil: "domcontentloaded", timeout: 60_000 });
      await page.locator(SELECTORS.workbench).waitFor({ state: "visible", timeout: TIMEOUTS.workbench });
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
      await runPaletteCommand(ctx, COMMAND_LABEL);
      await waitForPromptBox(ctx.page);
    },
  },
  {
    name: "the answer streams into an editor",
    async run(ctx) {
      const input = ctx.page.locator(SELECTORS.quickInputBox);
      await input.fill(PROMPT);
      await input.press("Enter");
      const answer = await waitForAnswer(ctx.page);
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

// -------------------------------------------------------------------------------------- helpers

/** F1, ">label", run it; retried (bounded) while the palette says "No matching commands". */
async function runPaletteCommand(ctx, label) {
  const { page } = ctx;
  const input = page.locator(SELECTORS.quickInputBox);
  const rows = page.locator(SELECTORS.quickInputRows);
  const matching = rows.filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}`) });
  const deadline = Date.now() + TIMEOUTS.palette;
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("Escape");
    await page.keyboard.press("F1");
    await input.waitFor({ state: "visible", timeout: 15_000 });
    await input.fill(`>${label}`);
    const found = await matching
      .first()
      .waitFor({ state: "visible", timeout: 5_000 })
      .then(() => true, () => false);
    if (found) {
      const top = normalize((await rows.first().innerText({ timeout: 5_000 }).catch(() => "")).trim());
      if (top.startsWith(label)) await input.press("Enter");
      else await matching.first().click({ timeout: 10_000 });
      if (attempt > 1) ctx.note = `found on attempt ${attempt}`;
      return;
    }
    if (Date.now() > deadline) {
      const seen = normalize((await rows.allInnerTexts().catch(() => [])).join(" | ")).replace(/\s+/g, " ").trim();
      throw new Error(
        `the palette still has no "${label}" after ${attempt} attempts (${TIMEOUTS.palette / 1000} s); it shows: ${JSON.stringify(seen || "No matching commands")}`,
      );
    }
    await page.keyboard.press("Escape");
    await sleep(2_000);
  }
}

/** What the quick input and the notification toasts show now, for messages. */
async function quickInputState(page) {
  return page
    .evaluate((sel) => {
      const widget = document.querySelector(sel.quickInput);
      const input = document.querySelector(sel.quickInputBox);
      const toasts = [...document.querySelectorAll(".notifications-toasts .notification-list-item-message")]
        .map((el) => el.textContent.trim())
        .filter(Boolean);
      const shown = toasts.length ? `; notifications: ${JSON.stringify(toasts)}` : "";
      if (!widget || getComputedStyle(widget).display === "none") return `quick input closed${shown}`;
      return `quick input open with ${JSON.stringify(input?.value ?? "")}${shown}`;
    }, SELECTORS)
    .catch((err) => `unknown: ${err.message.split("\n")[0]}`);
}

/** After the command runs, the palette closes and the command's own input box opens. */
async function waitForPromptBox(page, timeoutMs = TIMEOUTS.inputBox) {
  await page
    .waitForFunction(
      (sel) => {
        const widget = document.querySelector(sel.quickInput);
        const input = document.querySelector(sel.quickInputBox);
        if (!widget || !input) return false;
        const visible = widget.offsetParent !== null && getComputedStyle(widget).display !== "none";
        return visible && !input.value.startsWith(">");
      },
      SELECTORS,
      { timeout: timeoutMs, polling: 200 },
    )
    .catch(async () => {
      throw new Error(
        `no prompt input box opened within ${timeoutMs / 1000} s after the command ran (${await quickInputState(page)})`,
      );
    });
}

/** Editor text beyond the quoted prompt line(s). */
async function answerText(page) {
  const texts = await page
    .locator(SELECTORS.editorLines)
    .evaluateAll((els) => els.map((el) => el.innerText))
    .catch(() => []);
  return normalize(texts.join("\n"))
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && line !== PROMPT && line !== `> ${PROMPT}`)
    .join("\n");
}

/** Waits (bounded) for answer text, then for the stream to settle so the screenshot shows it. */
async function waitForAnswer(page) {
  const deadline = Date.now() + TIMEOUTS.answer;
  let text = "";
  while (!(text = await answerText(page))) {
    if (Date.now() > deadline) {
      const all = await page.locator(SELECTORS.editorLines).allInnerTexts().catch(() => []);
      throw new Error(
        `no answer in the editor within ${TIMEOUTS.answer / 1000} s (editor text: ${JSON.stringify(normalize(all.join(" | ")).slice(0, 300))})`,
      );
    }
    await sleep(500);
  }
  const settleDeadline = Date.now() + TIMEOUTS.answerSettle;
  let stableSince = Date.now();
  while (Date.now() < settleDeadline && Date.now() - stableSince < 3_000) {
    await sleep(500);
    const next = await answerText(page);
    if (next !== text) {
      text = next;
      stableSince = Date.now();
    }
  }
  return text;
}

// ----------------------------------------------------------------------------------------- runner
async function main() {
  const started = Date.now();
  fs.rmSync(resultsFile, { force: true });
  fs.mkdirSync(logDir, { recursive: true });
  checkCodeServerInstalled();
  const { file: vsix, built } = findOrBuildVsix();
  log(`${built ? "built" : "using"} ${rel(vsix)} (${(fs.statSync(vsix).size / 1024 / 1024).toFixed(1)} MB)`);
  runFixtureGenerator();
  if (!fs.existsSync(modelPath)) throw new Error(`the model ${modelPath} does not exist (set HEARTH_E2E_MODEL)`);

  const ctx = {
    vsix,
    dirs: makeServerDirs(),
    workspace: makeTempDir("vsix-ws"),
    closers: [],
    server: null,
    context: null,
    page: null,
    installedDir: null,
    note: "",
  };
  fs.writeFileSync(path.join(ctx.workspace, "notes.md"), "# Hearth .vsix check\n");

  const results = { passed: 0, failed: 0, pending: 0, failures: [] };
  let failed = false;
  const runAll = async () => {
    for (const check of checks) {
      if (failed) {
        results.pending++;
        console.log(`  - ${check.name} (skipped: an earlier check failed)`);
        continue;
      }
      ctx.note = "";
      const t0 = Date.now();
      try {
        await check.run(ctx);
        results.passed++;
        console.log(`  ✔ ${check.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)${ctx.note ? ` — ${ctx.note}` : ""}`);
      } catch (err) {
        failed = true;
        results.failed++;
        const message = String(err?.message || err).split("\n")[0];
        results.failures.push({ title: `vsix: ${check.name}`, message });
        console.log(`  ✖ ${check.name}: ${message}`);
      }
    }
  };

  try {
    await withTimeout(runAll(), TIMEOUTS.run, "the .vsix run did not finish").catch((err) => {
      if (!failed) {
        failed = true;
        results.failed++;
        results.failures.push({ title: "vsix: whole run", message: err.message });
        console.log(`  ✖ ${err.message}`);
      }
    });
    if (failed && ctx.page) {
      fs.mkdirSync(screenshotDir, { recursive: true });
      await ctx.page
        .screenshot({ path: failureScreenshot, timeout: 15_000 })
        .then(() => log(`failure screenshot: ${rel(failureScreenshot)}`))
        .catch((err) => log(`no failure screenshot: ${err.message.split("\n")[0]}`));
    }
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

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`[test:vsix] ${err.stack || err}`);
    try {
      writeResults(resultsFile, {
        passed: 0,
        failed: 1,
        pending: 0,
        failures: [{ title: "vsix: setup", message: String(err.message || err) }],
      });
    } catch {
      // nothing more to do
    }
    process.exit(1);
  },
);
