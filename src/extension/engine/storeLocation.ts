// Where the model store is, as the engine will see it: the `hearth.modelsPath` setting (with `~`
// expanded), else HEARTH_MODELS_PATH, else HEARTH_HOME, else ~/.hearth — the CLI's order too.
import * as os from "node:os";
import * as path from "node:path";
import { readSettings } from "../settingsAccess";

function expandHome(filePath: string): string {
  if (filePath === "~") return os.homedir();
  if (filePath.startsWith("~/") || filePath.startsWith("~\\")) return path.join(os.homedir(), filePath.slice(2));
  return filePath;
}

export function configuredStoreRoot(env: NodeJS.ProcessEnv = process.env): string {
  const configured = readSettings().modelsPath.trim();
  if (configured) return path.resolve(expandHome(configured));
  const fromModelsPath = env.HEARTH_MODELS_PATH?.trim();
  if (fromModelsPath) return path.resolve(expandHome(fromModelsPath));
  const fromHome = env.HEARTH_HOME?.trim();
  return fromHome ? path.resolve(fromHome) : path.join(os.homedir(), ".hearth");
}
