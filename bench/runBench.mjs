// `npm run bench`: runs every benchmark in bench/ and prints its ratios. Benchmarks print;
// nothing here passes or fails on a time.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
const benches = readdirSync(benchDir)
  .filter((name) => name.endsWith("Bench.ts"))
  .filter((name) => !only || name.startsWith(only))
  .sort();
let failed = 0;
for (const name of benches) {
  console.log(`\n=== ${name} ===`);
  const result = spawnSync(process.execPath, ["--import", "tsx", join(benchDir, name)], { stdio: "inherit" });
  if (result.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
