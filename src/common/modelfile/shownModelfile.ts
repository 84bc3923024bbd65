// The Modelfile "Show Modelfile" opens for an installed model (as `ollama show --modelfile`): a
// profile's instructions (modelfileFromProfile), or just FROM for a plain model. The text is made
// to be edited and created again ("Create Model" on it), so its FROM must resolve from anywhere:
// a profile whose base was a file (often a path relative to the original Modelfile) gets the same
// file in the model store, with the FROM it was written with kept in a comment.
import { localize } from "../localize";
import type { StoredModel } from "../models/modelManifest";
import { modelfileFromProfile } from "../models/modelProfile";
import { isPathFrom } from "../models/profileSummary";

/** The Modelfile that recreates `model`; `reference` (a `.gguf` path) for a file that is not installed. */
export function shownModelfile(model: StoredModel | string): string {
  if (typeof model === "string") return `FROM ${model}\n`;
  const header = [
    `# ${localize("Modelfile of {0}.", model.name)}`,
    `# ${localize("Edit it, then use \"Create Model\" above it to make a new model from it.")}`,
  ];
  const profile = model.manifest?.profile;
  if (!profile) return `${header.join("\n")}\nFROM ${model.name}\n`;
  let from = profile.from;
  if (isPathFrom(from) && model.blobPath) {
    header.push(`# ${localize("FROM was {0} when it was created; this is the same file in the model store.", from)}`);
    from = model.blobPath;
  }
  return `${header.join("\n")}\n${modelfileFromProfile(profile, from)}`;
}
