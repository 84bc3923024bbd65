import { physicalCoreCount } from "../node/machine";

/** The thread count to use: the setting when positive, else the physical cores. */
export function resolveThreads(setting: number | undefined): number {
  if (setting !== undefined && Number.isFinite(setting) && setting > 0) return Math.floor(setting);
  return physicalCoreCount();
}
