// Builds Hearth's four entry points (extension, engine process, CLI, webview) and the
// in-VS Code test suite. node-llama-cpp is ESM-only and native: it stays external and is
// loaded at run time with a dynamic import() from node_modules.
import * as esbuild from "esbuild";

const args = new Set(process.argv.slice(2));
const watch = args.has("--watch");
const production = args.has("--production");

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

/** @type {esbuild.BuildOptions[]} */
const builds = [
  { ...nodeCommon, entryPoints: { extension: "src/extension/extension.ts" }, outdir: "dist" },
  { ...nodeCommon, entryPoints: { engine: "src/engine/engineMain.ts" }, outdir: "dist" },
  {
    ...nodeCommon,
    entryPoints: { cli: "src/cli/cli.ts" },
    outdir: "dist",
    banner: { js: "#!/usr/bin/env node" },
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
  builds.push({
    ...nodeCommon,
    entryPoints: { "suite/index": "test/vscode/suite/index.ts" },
    outdir: "out/test/vscode",
  });
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log("[hearth] esbuild is watching for changes…");
} else {
  const started = Date.now();
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`[hearth] built ${builds.length} bundles in ${Date.now() - started} ms`);
}
