import * as fs from "node:fs";
import * as os from "node:os";

/**
 * Physical CPU cores (not hyper-threads). llama.cpp runs slower, not faster, when given more
 * threads than physical cores, and node-llama-cpp's own default oversubscribes small machines.
 */
export function physicalCoreCount(): number {
  try {
    const cpuinfo = fs.readFileSync("/proc/cpuinfo", "utf8");
    const cores = new Set<string>();
    let physicalId = "0";
    for (const line of cpuinfo.split("\n")) {
      const [rawKey, rawValue] = line.split(":");
      const key = rawKey?.trim();
      const value = rawValue?.trim() ?? "";
      if (key === "physical id") physicalId = value;
      else if (key === "core id") cores.add(`${physicalId}:${value}`);
    }
    if (cores.size > 0) return Math.min(cores.size, os.availableParallelism());
  } catch {
    // Not Linux: fall through.
  }
  const logical = os.availableParallelism();
  // Without topology information, assume two hardware threads per core on machines with many.
  return logical >= 4 ? Math.max(1, Math.floor(logical / 2)) : logical;
}

/** The thread count to use: the setting when positive, else the physical cores. */
export function resolveThreads(setting: number | undefined): number {
  if (setting !== undefined && Number.isFinite(setting) && setting > 0) return Math.floor(setting);
  return physicalCoreCount();
}
