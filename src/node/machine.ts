// This machine as Hearth's choices see it: physical cores (threads, recommendations) and memory.
import * as fs from "node:fs";
import * as os from "node:os";
import type { MachineProfile } from "../common/models/modelCatalogue";

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

/**
 * Memory and cores of this machine for a recommendation. Whether a GPU runs models is known only
 * to a loaded llama.cpp; callers that know pass it, others leave it unknown.
 */
export function thisMachine(hasGpu: boolean | null = null): MachineProfile {
  return { totalMemoryBytes: os.totalmem(), physicalCores: physicalCoreCount(), hasGpu };
}
