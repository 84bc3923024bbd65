// Loads a team's own model catalogue (a JSON file named by the hearth.catalogueFile setting or
// HEARTH_CATALOGUE) on top of the built-in one, for the engine, the CLI and the extension alike.
import * as fs from "node:fs";
import { errorText } from "../common/engine/engineError";
import { localize } from "../common/localize";
import { parseCustomCatalogue, useCustomCatalogue } from "../common/models/modelCatalogue";

/** Applies the catalogue in `file` (or the built-in one alone when empty); returns a problem for the user, or null. */
export function applyCustomCatalogue(file: string | undefined): string | null {
  if (!file || !file.trim()) {
    useCustomCatalogue([]);
    return null;
  }
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    useCustomCatalogue([]);
    return localize("Hearth could not read the model catalogue {0}: {1}. Check the setting hearth.catalogueFile.", file, errorText(error));
  }
  try {
    useCustomCatalogue(parseCustomCatalogue(text, file));
    return null;
  } catch (error) {
    useCustomCatalogue([]);
    return errorText(error);
  }
}
