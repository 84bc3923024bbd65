// Reads a Modelfile from disk for `hearth modelfile parse` and `hearth create`: the bytes decoded
// as Ollama decodes them (UTF-8, or UTF-16 with a byte order mark; see modelfileEncoding.ts), or a
// message for the user when there is no file to read.
import * as fs from "node:fs";
import * as path from "node:path";
import { localize } from "../common/localize";
import type { DecodedModelfile } from "../common/modelfile/modelfileEncoding";
import { decodeModelfileBytes } from "../common/modelfile/modelfileEncoding";

export type ModelfileFileRead = { readonly decoded: DecodedModelfile } | { readonly problem: string };

/** The file decoded, or what is wrong when it is missing, a folder or unreadable. */
export function readModelfileFile(file: string): ModelfileFileRead {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { problem: localize("There is no Modelfile at {0}. Check the path.", file) };
    return { problem: localize("{0} could not be read: {1}", file, code ?? String(error)) };
  }
  if (stat.isDirectory()) {
    return { problem: localize("{0} is a folder, not a Modelfile. Give the Modelfile's own path, for example {1}.", file, path.join(file, "Modelfile")) };
  }
  try {
    return { decoded: decodeModelfileBytes(fs.readFileSync(file)) };
  } catch (error) {
    return { problem: localize("{0} could not be read: {1}", file, (error as NodeJS.ErrnoException).code ?? String(error)) };
  }
}
