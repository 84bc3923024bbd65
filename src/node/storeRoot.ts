// Where the model store is, decided one way for the engine, the CLI and the extension: the
// `hearth.modelsPath` setting when the extension has one, else $HEARTH_MODELS_PATH, else
// $HEARTH_HOME, else ~/.hearth. `~` is expanded in each.
import * as os from "node:os";
import * as path from "node:path";

/** `~` and `~/x` → the home folder and `<home>/x`; anything else unchanged. */
export function expandHome(filePath: string, homeDir: string = os.homedir()): string {
  if (filePath === "~") return homeDir;
  if (filePath.startsWith("~/") || filePath.startsWith("~\\")) return path.join(homeDir, filePath.slice(2));
  return filePath;
}

/** `$HEARTH_HOME`, else `~/.hearth`: Hearth's own folder (the store, and the CLI's indexes under it). */
export function defaultStoreRoot(env: NodeJS.ProcessEnv = process.env, homeDir: string = os.homedir()): string {
  const fromEnv = env.HEARTH_HOME?.trim();
  return fromEnv ? path.resolve(expandHome(fromEnv, homeDir)) : path.join(homeDir, ".hearth");
}

/** The store folder: `configured` (a setting) when given, else `$HEARTH_MODELS_PATH`, else defaultStoreRoot. */
export function storeRootFromEnvironment(env: NodeJS.ProcessEnv = process.env, configured = "", homeDir: string = os.homedir()): string {
  const chosen = configured.trim() || env.HEARTH_MODELS_PATH?.trim();
  return chosen ? path.resolve(expandHome(chosen, homeDir)) : defaultStoreRoot(env, homeDir);
}
