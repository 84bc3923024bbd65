// Where `hearth index` keeps the index of a folder: under $HEARTH_HOME/indexes, one folder per
// indexed path, named after the folder and a hash of its absolute path (two checkouts with the
// same name get two indexes).
import { createHash } from "node:crypto";
import * as path from "node:path";
import { defaultStoreRoot } from "../node/storeRoot";

export function indexDirFor(folder: string, env: NodeJS.ProcessEnv = process.env): string {
  const absolute = path.resolve(folder);
  const hash = createHash("sha256").update(absolute).digest("hex").slice(0, 16);
  const name = (path.basename(absolute) || "root").replace(/[^\w.-]+/g, "_").slice(0, 40);
  return path.join(defaultStoreRoot(env), "indexes", `${name}-${hash}`);
}
