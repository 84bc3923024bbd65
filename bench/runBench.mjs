// `npm run bench`: runs every benchmark in bench/ and prints its ratios. Benchmarks print;
// nothing here passes or fails on a time.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const benches = readdirSync(benchDir)
  .filter((name) => name.endsWith("Bench.ts"))
  .filter((name) => !only || name.startsWith(only))
  .sort();
// These run on both model sets (bench/support/benchSupport.ts): the tiny models, which measure
// Hearth's overhead in seconds, and realistic shapes, which measure what a user feels (minutes).
// HEARTH_BENCH_SIZES=tiny keeps a run quick.
const sized = new Set(["engineBench.ts", "apiBench.ts", "indexBench.ts", "reviewBench.ts", "profileBench.ts"]);
const sizes = (process.env.HEARTH_BENCH_SIZES || "tiny,realistic").split(",").map((size) => size.trim());
// The engines the benches start register themselves (and any store they make) under HEARTH_HOME:
// a temporary one, so a bench run leaves nothing in the user's ~/.hearth.
const home = process.env.HEARTH_HOME || mkdtempSync(join(tmpdir(), "hearth-bench-home-"));
if (!process.env.HEARTH_HOME) process.on("exit", () => rmSync(home, { recursive: true, force: true }));
let failed = 0;
for (const name of benches) {
  for (const size of sized.has(name) ? sizes : [null]) {
    if (!sized.has(name) && (name === "realisticBench.ts" || name === "batchSizeBench.ts") && !sizes.includes("realistic")) continue;
    console.log(`\n=== ${name}${size ? ` (${size})` : ""} ===`);
    const env = { ...process.env, HEARTH_HOME: home, ...(size ? { HEARTH_BENCH_SIZE: size } : {}) };
    const result = spawnSync(process.execPath, ["--import", "tsx", join(benchDir, name)], { stdio: "inherit", env });
    if (result.status !== 0) failed++;
  }
}
process.exitCode = failed ? 1 : 0;
