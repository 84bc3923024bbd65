// Where the model store is, as the engine will see it: the `hearth.modelsPath` setting, else the
// environment's (src/node/storeRoot.ts, the CLI's order too).
import { storeRootFromEnvironment } from "../../node/storeRoot";
import { readSettings } from "../settingsAccess";

export function configuredStoreRoot(env: NodeJS.ProcessEnv = process.env): string {
  return storeRootFromEnvironment(env, readSettings().modelsPath);
}
