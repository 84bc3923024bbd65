// Builds Hearth's four entry points (extension, engine process, CLI, webview) and the
// in-VS Code test suite. node-llama-cpp is ESM-only and native: it stays external and is
// loaded at run time with a dynamic import() from node_modules.
import * as esbuild from "esbuild";

const args = new Set(process.argv.slice(2));
const watch = args.has("--watch");
const production = args.has("--production");
const { version } = JSON.parse(await (await import("node:fs/promises")).readFile("package.json", "utf8"));

/** @type {esbuild.BuildOptions} */
const nodeCommon = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  sourcemap: production ? false : "linked",
  minify: production,
  external: ["vscode", "node-llama-cpp", "@node-llama-cpp/*", "mocha", "playwright-core"],
  logLevel: "warning",
};

// vectra (the workspace index's shards) is one bundle, dist/vectra.js, that the engine and the
// CLI require on first use: only LocalIndex and LocalFileStorage, taken from vectra's files by
// path, since its package entry also pulls in its server, web fetchers and OpenAI client.
const vectraLib = `${process.cwd()}/node_modules/vectra/lib`;
/** @type {esbuild.Plugin} */
const vectraShared = {
  name: "vectra-shared",
  setup(build) {
    build.onResolve({ filter: /^vectra$/ }, () => ({ path: "./vectra.js", external: true }));
  },
};
// vectra's LocalIndex requires wink-eng-lite-web-model (3.6 MB of the 3.8 MB bundle) for its BM25
// query mode alone, which Hearth never uses (its keyword index is its own): the bundle gets an empty
// module in its place.
/** @type {esbuild.Plugin} */
const withoutVectraBm25Model = {
  name: "without-vectra-bm25-model",
  setup(build) {
    build.onResolve({ filter: /^wink-eng-lite-web-model$/ }, () => ({ path: "wink-eng-lite-web-model", namespace: "hearth-empty" }));
    build.onLoad({ filter: /.*/, namespace: "hearth-empty" }, () => ({
      contents: "module.exports = {}; // vectra's BM25 mode is not part of Hearth's bundle",
      loader: "js",
    }));
  },
};
// pdfjs-dist (~1.45 MB) likewise: dist/pdfjs.js, built from src/engine/index/pdfjsModules.ts and
// required by the engine and the CLI when they read their first PDF, instead of a copy in each.
/** @type {esbuild.Plugin} */
const pdfjsShared = {
  name: "pdfjs-shared",
  setup(build) {
    build.onResolve({ filter: /\/pdfjsModules$/ }, () => ({ path: "./pdfjs.js", external: true }));
  },
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  { ...nodeCommon, entryPoints: { extension: "src/extension/extension.ts" }, outdir: "dist", plugins: [vectraShared] },
  { ...nodeCommon, entryPoints: { engine: "src/engine/engineMain.ts" }, outdir: "dist", plugins: [vectraShared, pdfjsShared] },
  { ...nodeCommon, entryPoints: { pdfjs: "src/engine/index/pdfjsModules.ts" }, outdir: "dist" },
  {
    ...nodeCommon,
    stdin: {
      contents: [
        `exports.LocalIndex = require(${JSON.stringify(`${vectraLib}/LocalIndex.js`)}).LocalIndex;`,
        `exports.LocalFileStorage = require(${JSON.stringify(`${vectraLib}/storage/LocalFileStorage.js`)}).LocalFileStorage;`,
      ].join("\n"),
      resolveDir: process.cwd(),
      sourcefile: "vectra-entry.js",
      loader: "js",
    },
    outfile: "dist/vectra.js",
    plugins: [withoutVectraBm25Model],
  },
  {
    ...nodeCommon,
    plugins: [vectraShared, pdfjsShared],
    entryPoints: { cli: "src/cli/cli.ts" },
    outdir: "dist",
    banner: { js: "#!/usr/bin/env node" },
    define: { HEARTH_VERSION: JSON.stringify(version) },
  },
  {
    bundle: true,
    platform: "browser",
    format: "iife",
    target: "es2022",
    sourcemap: production ? false : "linked",
    minify: production,
    entryPoints: { webview: "src/webview/main.ts" },
    outdir: "dist",
    logLevel: "warning",
  },
];
if (!production) {
  // The integration suites: index.ts (mocha runner) and every **/*.test.ts, one bundle each,
  // same relative names under out/test/vscode/<suite>/ — suite/ for the VS Code 1.100 tier,
  // suiteNext/ for the 1.104 one. Stale outputs go first.
  const { readdirSync, rmSync } = await import("node:fs");
  for (const suite of ["suite", "suiteNext"]) {
    const suiteDir = `test/vscode/${suite}`;
    const suiteEntries = readdirSync(suiteDir, { recursive: true })
      .map((name) => `${suiteDir}/${String(name).split("\\").join("/")}`)
      .filter((file) => file.endsWith(".test.ts"))
      .sort();
    rmSync(`out/test/vscode/${suite}`, { recursive: true, force: true });
    builds.push({
      ...nodeCommon,
      entryPoints: [`${suiteDir}/index.ts`, ...suiteEntries],
      outbase: suiteDir,
      outdir: `out/test/vscode/${suite}`,
    });
  }
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log("[hearth] esbuild is watching for changes; tsc typechecks beside it…");
  const { spawn } = await import("node:child_process");
  const tsc = spawn(process.execPath, ["node_modules/typescript/bin/tsc", "--noEmit", "--watch", "--preserveWatchOutput", "-p", "."], {
    stdio: "inherit",
  });
  process.on("SIGINT", () => {
    tsc.kill();
    process.exit(0);
  });
} else {
  const started = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`[hearth] built ${builds.length} bundles in ${Date.now() - started} ms`);
}
