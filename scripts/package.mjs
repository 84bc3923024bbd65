#!/usr/bin/env node
// Builds a platform-specific .vsix of Hearth for one VS Code target (default: this machine).
//
//   node scripts/package.mjs [--target <vsce-target>] [--with-gpu] [--no-smoke] [--clean-stage]
//
// node-llama-cpp ships its native llama.cpp builds as optional packages, one per platform and GPU
// flavour (all of them together ~730 MB). A .vsix carries only its target's package:
//   1. `node esbuild.mjs --production` (minified bundles, no source maps, no test bundles);
//   2. a clean staging folder .package/stage with dist (no *.map), media, l10n, package.nls*.json,
//      README/LICENSE/CHANGELOG and .vscodeignore, and a package.json whose dependencies are exactly
//      node-llama-cpp and the target's prebuilt package (@node-llama-cpp/<platform>), both pinned
//      to the same exact version, without devDependencies or scripts (nothing for vsce to run);
//   3. `npm install --omit=optional --ignore-scripts` there (the root lockfile is copied in so the
//      transitive versions are the ones the project tests with); the packages node-llama-cpp needs
//      only to compile llama.cpp from source (cmake-js, node-addon-api and what only they pull in)
//      are appended to the staged .vscodeignore;
//   4. `vsce package --target <t>` in the staging folder → hearth-<version>-<t>.vsix at the root
//      (hearth-<version>-<t>-gpu.vsix with --with-gpu);
//   5. a smoke test when the target is this machine: the .vsix is unpacked to a temp folder and its
//      own dist/cli.js runs a prompt on a tiny model, which proves that node-llama-cpp and its
//      binary load from the packaged node_modules, then indexes and searches a folder with a PDF,
//      which proves that the shared bundles dist/vectra.js and dist/pdfjs.js load from the package,
//      and prints a help screen in English and in Chinese from the packaged l10n/ bundles.
// `--with-gpu` adds the target's CUDA/Vulkan packages (large). Every step fails loudly.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as zlib from "node:zlib";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const packageDir = path.join(repoRoot, ".package");
const stageDir = path.join(packageDir, "stage");
const started = Date.now();

/** vsce target → node-llama-cpp prebuilt packages (CPU/Metal first, then the --with-gpu extras). */
const TARGETS = {
  "linux-x64": {
    os: "linux", cpu: "x64", libc: "glibc",
    base: ["@node-llama-cpp/linux-x64"],
    gpu: ["@node-llama-cpp/linux-x64-cuda", "@node-llama-cpp/linux-x64-cuda-ext", "@node-llama-cpp/linux-x64-vulkan"],
  },
  "linux-arm64": { os: "linux", cpu: "arm64", libc: "glibc", base: ["@node-llama-cpp/linux-arm64"], gpu: [] },
  "linux-armhf": { os: "linux", cpu: "arm", libc: "glibc", base: ["@node-llama-cpp/linux-armv7l"], gpu: [] },
  "darwin-arm64": { os: "darwin", cpu: "arm64", base: ["@node-llama-cpp/mac-arm64-metal"], gpu: [] },
  "darwin-x64": { os: "darwin", cpu: "x64", base: ["@node-llama-cpp/mac-x64"], gpu: [] },
  "win32-x64": {
    os: "win32", cpu: "x64",
    base: ["@node-llama-cpp/win-x64"],
    gpu: ["@node-llama-cpp/win-x64-cuda", "@node-llama-cpp/win-x64-cuda-ext", "@node-llama-cpp/win-x64-vulkan"],
  },
  "win32-arm64": { os: "win32", cpu: "arm64", base: ["@node-llama-cpp/win-arm64"], gpu: [] },
};

/** A PDF with one line of Helvetica text per page (correct xref offsets), for the smoke test. */
function smokePdf(pages) {
  const objects = [];
  const pageIds = pages.map((_, index) => 4 + index * 2);
  objects[1] = "<< /Type /Catalog /Pages 2 0 R >>";
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pages.length} >>`;
  objects[3] = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>";
  pages.forEach((line, index) => {
    const id = pageIds[index];
    const stream = `BT\n/F1 12 Tf\n72 720 Td\n(${line}) Tj\nET`;
    objects[id] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${id + 1} 0 R >>`;
    objects[id + 1] = `<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`;
  });
  let body = "%PDF-1.4\n";
  const offsets = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(body, "latin1");
    body += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(body, "latin1");
  body += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let id = 1; id < objects.length; id++) body += `${String(offsets[id]).padStart(10, "0")} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}

/** The vsce target of the machine this runs on (null where node-llama-cpp has no prebuilt). */
function hostTarget() {
  const arch = process.arch === "arm" ? "armhf" : process.arch;
  if (process.platform === "linux") {
    // Alpine (musl): node-llama-cpp's Linux prebuilts need glibc.
    const glibc = Boolean(process.report?.getReport?.().header?.glibcVersionRuntime);
    if (!glibc) return null;
  }
  const target = `${process.platform}-${arch}`;
  return TARGETS[target] ? target : null;
}

// ------------------------------------------------------------------------------------------ helpers

class StepError extends Error {}

function fail(message) {
  throw new StepError(message);
}

let stepNo = 0;
function step(title) {
  stepNo += 1;
  console.log(`\n[package] ${stepNo}. ${title}`);
}

/** Runs a command (output shown), bounded; throws with `what` when it fails. */
function run(what, command, args, { cwd = repoRoot, timeoutMs = 10 * 60_000, env } = {}) {
  console.log(`[package] $ ${[command, ...args].join(" ")}${cwd !== repoRoot ? `   (in ${path.relative(repoRoot, cwd) || "."})` : ""}`);
  const result = spawnSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    // No stdin: anything that would prompt gets end-of-input and fails instead of hanging.
    stdio: ["ignore", "inherit", "inherit"],
    timeout: timeoutMs,
    killSignal: "SIGKILL",
    shell: process.platform === "win32" && /\.(cmd|bat)$/i.test(command),
  });
  if (result.error) fail(`${what}: could not run ${command}: ${result.error.message}`);
  if (result.signal) fail(`${what}: ${command} was killed by ${result.signal}${result.signal === "SIGKILL" ? ` (over ${timeoutMs / 1000} s?)` : ""}`);
  if (result.status !== 0) fail(`${what}: ${command} ${args[0] ?? ""} exited with code ${result.status}`);
}

const npmCommand = process.platform === "win32" ? "npm.cmd" : "npm";

function copy(from, to, { filter } = {}) {
  fs.cpSync(from, to, { recursive: true, filter, dereference: true });
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function dirSize(dir) {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += dirSize(full);
    else if (entry.isFile()) total += fs.statSync(full).size;
  }
  return total;
}

/** The entries of a zip file (central directory), with a function that reads each one. */
function readZip(file) {
  const buf = fs.readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail(`${file} is not a zip file (no end-of-central-directory record)`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) fail(`${file}: corrupt central directory`);
    const method = buf.readUInt16LE(at + 10);
    const compressedSize = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const externalAttrs = buf.readUInt32LE(at + 38);
    const localOffset = buf.readUInt32LE(at + 42);
    const name = buf.toString("utf8", at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    entries.push({
      name,
      size,
      mode: (externalAttrs >>> 16) & 0o777,
      read() {
        const localNameLength = buf.readUInt16LE(localOffset + 26);
        const localExtraLength = buf.readUInt16LE(localOffset + 28);
        const start = localOffset + 30 + localNameLength + localExtraLength;
        const data = buf.subarray(start, start + compressedSize);
        if (method === 0) return data;
        if (method === 8) return zlib.inflateRawSync(data);
        fail(`${file}: ${name} uses zip method ${method}, which this script cannot read`);
      },
    });
  }
  return entries;
}

function unzipTo(file, dir) {
  for (const entry of readZip(file)) {
    if (entry.name.endsWith("/")) continue;
    const target = path.join(dir, entry.name);
    if (!target.startsWith(dir + path.sep)) fail(`${file}: entry ${entry.name} escapes the folder`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, entry.read(), { mode: entry.mode || 0o644 });
  }
}

/** Packages node-llama-cpp uses only to build llama.cpp from source. */
const BUILD_ONLY_PACKAGES = new Set(["cmake-js", "node-addon-api", "node-api-headers"]);

/**
 * The installed package folders (relative to the staging folder, e.g. "node_modules/tar") that are
 * reachable from `roots` only through BUILD_ONLY_PACKAGES. Follows Node's lookup (nested
 * node_modules first, then each parent's) over dependencies and installed optionalDependencies.
 */
function pruneBuildOnly(nodeModules, roots) {
  const stage = path.dirname(nodeModules);
  const resolveFrom = (fromDir, name) => {
    for (let dir = fromDir; ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, "node_modules", name);
      if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
      if (dir === stage || path.dirname(dir) === dir) return null;
    }
  };
  const reachable = new Set();
  const queue = roots.map((name) => resolveFrom(stage, name)).filter(Boolean);
  while (queue.length) {
    const dir = queue.pop();
    if (reachable.has(dir)) continue;
    reachable.add(dir);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      if (BUILD_ONLY_PACKAGES.has(dep)) continue;
      const found = resolveFrom(dir, dep);
      if (found) queue.push(found);
    }
  }
  const installed = [];
  const scan = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const name of fs.readdirSync(dir)) {
      if (name.startsWith(".")) continue;
      const full = path.join(dir, name);
      if (name.startsWith("@")) {
        scan(full);
        continue;
      }
      if (!fs.existsSync(path.join(full, "package.json"))) continue;
      installed.push(full);
      scan(path.join(full, "node_modules"));
    }
  };
  scan(nodeModules);
  return installed
    .filter((dir) => !reachable.has(dir))
    .map((dir) => path.relative(stage, dir).split(path.sep).join("/"))
    .sort();
}

// --------------------------------------------------------------------------------------- arguments

function parseArgs(argv) {
  const options = { target: null, withGpu: false, smoke: true, keepStage: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--target") options.target = argv[++i] ?? fail("--target needs a value, e.g. --target linux-x64");
    else if (arg.startsWith("--target=")) options.target = arg.slice("--target=".length);
    else if (arg === "--with-gpu") options.withGpu = true;
    else if (arg === "--no-smoke") options.smoke = false;
    else if (arg === "--clean-stage") options.keepStage = false;
    else if (arg === "-h" || arg === "--help") {
      console.log(
        "Usage: node scripts/package.mjs [--target <vsce-target>] [--with-gpu] [--no-smoke] [--clean-stage]\n" +
          `Targets: ${Object.keys(TARGETS).join(", ")} (default: this machine).\n` +
          "--with-gpu adds the target's CUDA and Vulkan builds of llama.cpp (hundreds of MB).\n" +
          "--no-smoke skips running the packaged CLI on a tiny model.\n" +
          "--clean-stage removes .package/stage afterwards.",
      );
      process.exit(0);
    } else fail(`unknown argument ${arg} (see --help)`);
  }
  return options;
}

// -------------------------------------------------------------------------------------------- main

function main() {
  const options = parseArgs(process.argv.slice(2));
  const host = hostTarget();
  const target = options.target ?? host;
  if (!target) {
    fail(
      `node-llama-cpp has no prebuilt binaries for this machine (${process.platform}-${process.arch}` +
        `${process.platform === "linux" ? ", or not glibc" : ""}); pass --target <${Object.keys(TARGETS).join("|")}>`,
    );
  }
  const spec = TARGETS[target];
  if (!spec) fail(`unknown --target ${target}; one of: ${Object.keys(TARGETS).join(", ")}`);
  if (options.withGpu && spec.gpu.length === 0) {
    fail(`--with-gpu: node-llama-cpp has no CUDA/Vulkan builds for ${target} (its ${spec.base[0]} is all there is)`);
  }
  const crossTarget = target !== host;

  const rootPkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
  const llamaVersion = rootPkg.dependencies?.["node-llama-cpp"];
  if (!llamaVersion || !/^\d+\.\d+\.\d+$/.test(llamaVersion)) {
    fail(`package.json must pin node-llama-cpp to an exact version (found ${JSON.stringify(llamaVersion)})`);
  }
  const platformPackages = [...spec.base, ...(options.withGpu ? spec.gpu : [])];
  // The GPU flavour gets its own name so it does not overwrite the CPU-only package.
  const vsixName = `${rootPkg.name}-${rootPkg.version}-${target}${options.withGpu ? "-gpu" : ""}.vsix`;
  const vsixPath = path.join(repoRoot, vsixName);
  console.log(
    `[package] ${rootPkg.publisher}.${rootPkg.name} ${rootPkg.version} for ${target}` +
      `${crossTarget ? ` (cross-packaging on ${process.platform}-${process.arch})` : ""}: node-llama-cpp ${llamaVersion} + ${platformPackages.join(", ")}`,
  );

  // 1. Production bundles.
  step("production build: node esbuild.mjs --production");
  run("production build", process.execPath, ["esbuild.mjs", "--production"]);
  for (const bundle of ["extension.js", "engine.js", "cli.js", "webview.js", "vectra.js", "pdfjs.js"]) {
    if (!fs.existsSync(path.join(repoRoot, "dist", bundle))) fail(`production build did not write dist/${bundle}`);
  }

  // 2. Staging folder.
  step(`staging folder ${path.relative(repoRoot, stageDir)}`);
  fs.rmSync(stageDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  fs.mkdirSync(stageDir, { recursive: true });
  copy(path.join(repoRoot, "dist"), path.join(stageDir, "dist"), { filter: (src) => !src.endsWith(".map") });
  const staged = ["dist/"];
  for (const dir of ["media", "l10n"]) {
    if (fs.existsSync(path.join(repoRoot, dir))) {
      copy(path.join(repoRoot, dir), path.join(stageDir, dir));
      staged.push(`${dir}/`);
    }
  }
  const rootFiles = fs.readdirSync(repoRoot).filter(
    (name) =>
      /^package\.nls(\.[\w-]+)?\.json$/.test(name) ||
      /^(README|CHANGELOG|LICENSE|SECURITY|SUPPORT|ThirdPartyNotices)(\.(md|txt))?$/i.test(name) ||
      name === ".vscodeignore" ||
      name === "package-lock.json",
  );
  for (const name of rootFiles) {
    fs.copyFileSync(path.join(repoRoot, name), path.join(stageDir, name));
    staged.push(name);
  }
  if (!rootFiles.includes(".vscodeignore")) fail(".vscodeignore is missing at the repo root");
  if (!rootFiles.some((name) => /^LICENSE/i.test(name))) {
    fail("no LICENSE file at the repo root (vsce would stop and ask); add one");
  }
  const { devDependencies: _dev, scripts: _scripts, ...stagePkg } = rootPkg;
  stagePkg.dependencies = { "node-llama-cpp": llamaVersion };
  for (const name of platformPackages) stagePkg.dependencies[name] = llamaVersion;
  fs.writeFileSync(path.join(stageDir, "package.json"), `${JSON.stringify(stagePkg, null, 2)}\n`);
  staged.push("package.json (dependencies: " + Object.keys(stagePkg.dependencies).join(", ") + "; no scripts)");
  console.log(`[package] staged ${staged.join(", ")}`);

  // 3. Runtime node_modules: node-llama-cpp and exactly the target's prebuilt package(s).
  step("npm install (runtime dependencies only)");
  const npmArgs = ["install", "--omit=optional", "--omit=dev", "--omit=peer", "--ignore-scripts", "--no-audit", "--no-fund", "--no-save"];
  if (crossTarget) {
    // Another platform's package: npm refuses it (EBADPLATFORM) unless forced; --os/--cpu/--libc
    // describe the target to npm for everything else it decides by platform.
    npmArgs.push("--force", `--os=${spec.os}`, `--cpu=${spec.cpu}`);
    if (spec.libc) npmArgs.push(`--libc=${spec.libc}`);
  }
  run("npm install in the staging folder", npmCommand, npmArgs, { cwd: stageDir });
  const nodeModules = path.join(stageDir, "node_modules");
  const mustHave = ["node-llama-cpp", ...platformPackages];
  for (const name of mustHave) {
    const pkgJson = path.join(nodeModules, name, "package.json");
    if (!fs.existsSync(pkgJson)) fail(`npm install did not install ${name}`);
    const { version } = JSON.parse(fs.readFileSync(pkgJson, "utf8"));
    if (version !== llamaVersion) fail(`${name} is ${version}, expected ${llamaVersion}`);
  }
  const scoped = fs.existsSync(path.join(nodeModules, "@node-llama-cpp"))
    ? fs.readdirSync(path.join(nodeModules, "@node-llama-cpp")).map((n) => `@node-llama-cpp/${n}`)
    : [];
  const strays = scoped.filter((name) => !platformPackages.includes(name));
  if (strays.length) fail(`other platforms' binaries got into node_modules: ${strays.join(", ")}`);
  for (const name of platformPackages) {
    const bins = path.join(nodeModules, name, "bins");
    if (!fs.existsSync(bins) || fs.readdirSync(bins).length === 0) fail(`${name} has no bins/ folder`);
  }
  console.log(`[package] node_modules: ${mb(dirSize(nodeModules))} before .vscodeignore`);

  // Packages that only compile llama.cpp from source (Hearth never does: getLlama({build:
  // "never"}) and a prebuilt package) stay out, with whatever only they depend on.
  const buildOnly = pruneBuildOnly(nodeModules, Object.keys(stagePkg.dependencies));
  if (buildOnly.length) {
    fs.appendFileSync(
      path.join(stageDir, ".vscodeignore"),
      "\n# added by scripts/package.mjs: llama.cpp build-from-source tooling and what only it uses\n" +
        buildOnly.map((dir) => `${dir}/**\n`).join(""),
    );
    console.log(`[package] left out (build-from-source only): ${buildOnly.map((d) => d.replace(/^node_modules\//, "")).join(", ")}`);
  }

  // 4. vsce.
  step(`vsce package --target ${target}`);
  const vsceBin = path.join(repoRoot, "node_modules", "@vscode", "vsce", "vsce");
  if (!fs.existsSync(vsceBin)) fail("@vscode/vsce is not installed at the repo root (npm ci)");
  fs.rmSync(vsixPath, { force: true });
  run(
    "vsce package",
    process.execPath,
    [vsceBin, "package", "--target", target, "--out", vsixPath, "--no-update-package-json", "--no-git-tag-version",
      // README images stay relative: VS Code shows them from the installed extension (the
      // repository URL is not a GitHub/GitLab one vsce could rewrite them against).
      "--no-rewrite-relative-links"],
    { cwd: stageDir, env: { VSCE_TELEMETRY: "false" } },
  );
  if (!fs.existsSync(vsixPath)) fail(`vsce did not write ${vsixPath}`);

  // Contents.
  const entries = readZip(vsixPath);
  const prefix = "extension/node_modules/";
  const topLevel = new Map();
  let mapFiles = 0;
  for (const entry of entries) {
    if (entry.name.endsWith(".map")) mapFiles += 1;
    if (!entry.name.startsWith(prefix)) continue;
    const parts = entry.name.slice(prefix.length).split("/");
    const key = parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
    topLevel.set(key, (topLevel.get(key) ?? 0) + entry.size);
  }
  for (const name of mustHave) {
    if (!topLevel.has(name)) fail(`${vsixName} lacks node_modules/${name}`);
  }
  for (const required of [
    "extension/package.json",
    "extension/dist/extension.js",
    "extension/dist/engine.js",
    "extension/dist/cli.js",
    "extension/dist/webview.js",
    "extension/dist/vectra.js",
    "extension/dist/pdfjs.js",
    // The engine's and the CLI's texts: the help screens' English and the Chinese translations.
    "extension/l10n/hearth.l10n.json",
    "extension/l10n/hearth.l10n.zh-cn.json",
    "extension/node_modules/node-llama-cpp/package.json",
    "extension/node_modules/node-llama-cpp/llama/binariesGithubRelease.json",
  ]) {
    if (!entries.some((e) => e.name === required)) fail(`${vsixName} lacks ${required}`);
  }
  if (mapFiles) fail(`${vsixName} carries ${mapFiles} source map(s); .vscodeignore should drop **/*.map`);

  // 5. Smoke test: the packaged CLI streams a story through the packaged node-llama-cpp.
  let smoke = "skipped";
  if (!options.smoke) smoke = "skipped (--no-smoke)";
  else if (crossTarget) smoke = `skipped (a ${target} package cannot run on ${process.platform}-${process.arch})`;
  else {
    const model = [
      process.env.HEARTH_SMOKE_MODEL,
      "/work/shared/models/stories260K.gguf",
      path.join(repoRoot, "test/fixtures/.generated/tiny-llama.gguf"),
    ].find((candidate) => candidate && fs.existsSync(candidate));
    if (!model) smoke = "skipped (no small model: set HEARTH_SMOKE_MODEL=<file.gguf>)";
    else {
      step(`smoke test: the unpacked .vsix's dist/cli.js on ${path.basename(model)}`);
      const unpacked = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-vsix-"));
      try {
        unzipTo(vsixPath, unpacked);
        const cli = path.join(unpacked, "extension", "dist", "cli.js");
        // Its own HEARTH_HOME: `hearth run` records its engine under HEARTH_HOME/run, never in the real ~/.hearth.
        const cliEnv = { ...process.env, HEARTH_HOME: path.join(unpacked, "smoke-home"), HEARTH_LOCALE: "en" };
        const result = spawnSync(
          process.execPath,
          [cli, "run", model, "Once upon a time", "--threads", "1", "--max-tokens", "30", "--temperature", "0", "--seed", "1"],
          // Outside the repo, so nothing resolves from the repo's own node_modules.
          { cwd: unpacked, env: cliEnv, encoding: "utf8", timeout: 120_000, killSignal: "SIGKILL", stdio: ["ignore", "pipe", "pipe"] },
        );
        if (result.error) fail(`smoke test: ${result.error.message}`);
        if (result.status !== 0 || !result.stdout.trim()) {
          fail(
            `smoke test: the packaged CLI exited with ${result.status ?? result.signal} and printed ${JSON.stringify(result.stdout.slice(0, 200))}\n${result.stderr}`,
          );
        }
        console.log(`[package] packaged CLI: "Once upon a time${result.stdout.trimEnd()}"`);
        // The index's shared bundles (dist/vectra.js, dist/pdfjs.js) load from the package too:
        // the packaged CLI indexes a folder with a two-page PDF and finds the second page.
        const folder = path.join(unpacked, "smoke-folder");
        fs.mkdirSync(folder, { recursive: true });
        fs.writeFileSync(path.join(folder, "manual.pdf"), smokePdf(["Chapter one: the basics", "Chapter two: calibrating the flux capacitor"]));
        const runCli = (args) =>
          spawnSync(process.execPath, [cli, ...args], { cwd: unpacked, env: cliEnv, encoding: "utf8", timeout: 120_000, killSignal: "SIGKILL", stdio: ["ignore", "pipe", "pipe"] });
        const indexed = runCli(["index", folder, "--embedding-model", "none", "--json"]);
        if (indexed.status !== 0) fail(`smoke test: the packaged CLI could not index a PDF (${indexed.status ?? indexed.signal})\n${indexed.stderr}`);
        const searched = runCli(["search", "flux capacitor", "--path", folder, "--json"]);
        const hit = searched.status === 0 ? JSON.parse(searched.stdout).results?.[0] : undefined;
        if (hit?.path !== "manual.pdf" || hit?.page !== 2) {
          fail(`smoke test: the packaged CLI's search did not find page 2 of the PDF: ${searched.stdout.slice(0, 300)}\n${searched.stderr}`);
        }
        console.log("[package] packaged CLI: indexed a PDF (vectra.js, pdfjs.js) and found manual.pdf p. 2");
        // Its help comes from the packaged l10n/ bundles, in English and in Chinese.
        for (const [locale, start] of [["en", "Usage: hearth pull"], ["zh-cn", "用法：hearth pull"]]) {
          const help = spawnSync(process.execPath, [cli, "help", "pull"], {
            cwd: unpacked, env: { ...cliEnv, HEARTH_LOCALE: locale }, encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL", stdio: ["ignore", "pipe", "pipe"],
          });
          if (help.status !== 0 || !help.stdout.startsWith(start) || help.stderr) {
            fail(`smoke test: the packaged CLI's ${locale} help does not start with "${start}": ${help.stdout.slice(0, 200)}\n${help.stderr}`);
          }
        }
        console.log("[package] packaged CLI: help from l10n/ in English and Chinese");
        smoke = `passed on ${path.basename(model)}, a PDF indexed and searched, help in English and Chinese`;
      } finally {
        fs.rmSync(unpacked, { recursive: true, force: true });
      }
    }
  }

  if (!options.keepStage) fs.rmSync(stageDir, { recursive: true, force: true });

  const size = fs.statSync(vsixPath).size;
  console.log(`\n[package] ${vsixPath}`);
  console.log(`[package] size: ${mb(size)} (${size} bytes), ${entries.length} files`);
  const sorted = [...topLevel].sort((a, b) => b[1] - a[1]);
  const nodeModulesBytes = sorted.reduce((sum, [, bytes]) => sum + bytes, 0);
  console.log(`[package] node_modules in the .vsix: ${sorted.length} packages, ${mb(nodeModulesBytes)} unpacked`);
  const big = sorted.filter(([, bytes]) => bytes >= 100 * 1024);
  for (const [name, bytes] of big) console.log(`  ${name.padEnd(40)} ${mb(bytes).padStart(9)}`);
  const small = sorted.slice(big.length).map(([name]) => name).sort();
  if (small.length) console.log(`  and ${small.length} under 0.1 MB: ${small.join(", ")}`);
  console.log(`[package] smoke test: ${smoke}`);
  console.log(`[package] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

try {
  main();
} catch (error) {
  const message = error instanceof StepError ? error.message : error?.stack ?? String(error);
  console.error(`\n[package] FAILED: ${message}`);
  process.exit(1);
}
