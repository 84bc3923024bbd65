// How a profile (a model made from a Modelfile) is described in lists and tooltips: its base in a
// few words and its PARAMETERs under their Modelfile names — read back through
// modelfileFromProfile, so the names are the ones `hearth show NAME --modelfile` prints.
import { parseModelfile } from "../modelfile/modelfileParser";
import type { ModelProfile } from "./modelProfile";
import { modelfileFromProfile } from "./modelProfile";

export interface ProfileParameter {
  /** The Modelfile name: `temperature`, `num_ctx`, `stop`… */
  name: string;
  /** As written; `stop` values in JSON quotes, so spaces and line breaks show. */
  value: string;
}

/** A FROM that names a file (relative, absolute or `~`), not a model name or an `hf:`/`ms:`/URL reference. */
export function isPathFrom(from: string): boolean {
  if (/^(hf|huggingface|ms|modelscope):(?!\/\/)/i.test(from) || /^[a-z][a-z0-9+.-]*:\/\//i.test(from)) return false;
  return /[\\/]/.test(from) || /\.gguf$/i.test(from) || from.startsWith("~") || from.startsWith(".");
}

/** The base model in a few words: a store name or reference as written, a file by its name. */
export function profileBaseLabel(profile: ModelProfile): string {
  if (!isPathFrom(profile.from)) return profile.from;
  const segments = profile.from.split(/[\\/]/).filter((segment) => segment !== "");
  return segments[segments.length - 1] ?? profile.from;
}

/** The profile's PARAMETERs in Modelfile order and names. */
export function profileParameters(profile: ModelProfile): ProfileParameter[] {
  const parsed = parseModelfile(modelfileFromProfile({ ...profile, template: undefined, system: undefined, messages: [], adapters: [], license: [] }, "base"));
  return parsed.commands.flatMap((command) =>
    command.instruction === "PARAMETER"
      ? [{ name: command.name, value: command.name === "stop" ? JSON.stringify(command.value) : command.value }]
      : [],
  );
}

/** "temperature 0 · num_ctx 4096 · +2": at most `limit` parameters, then how many more; "" when none. */
export function profileParametersSummary(profile: ModelProfile, limit = 3): string {
  const parameters = profileParameters(profile);
  const shown = parameters.slice(0, limit).map((parameter) => `${parameter.name} ${parameter.value}`);
  if (parameters.length > limit) shown.push(`+${parameters.length - limit}`);
  return shown.join(" · ");
}
