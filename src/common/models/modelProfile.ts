// A profile: what a Modelfile makes of a base model (as `ollama create` does): sampling and
// context parameters mapped onto the engine's options, a system prompt, seeded messages, LoRA
// adapters, the chat template, a draft model for speculative decoding, the Ollama renderer and
// parser names, the Ollama version it requires, and the licence. Stored in the model's manifest.
import type { ChatTurn, GenerationOptions } from "../chat/chatTypes";
import { templateStopSequences } from "../modelfile/goTemplate";
import { parseGoTemplate } from "../modelfile/goTemplateParser";
import type { GoTemplate } from "../modelfile/goTemplateSyntax";
import { localize } from "../localize";
import type { ModelfileCommand, ParsedModelfile } from "../modelfile/modelfileParser";

/**
 * The Ollama version whose Modelfiles Hearth runs: every instruction of that version's Modelfile
 * (REQUIRES, DRAFT, RENDERER and PARSER included) and its template functions. A Modelfile whose
 * REQUIRES names a later version is refused, at create and at load, as that Ollama would refuse it.
 */
export const ollamaCompatibilityVersion = "0.14.0";

export interface ProfileParameters extends GenerationOptions {
  contextSize?: number;
  threads?: number;
  gpuLayers?: number;
}

export interface ModelProfile {
  /** FROM as written (a store name, a reference, or a path relative to the Modelfile). */
  from: string;
  parameters: ProfileParameters;
  system?: string;
  /** MESSAGE user/assistant pairs seeded before the conversation (MESSAGE system joins `system`). */
  messages: ChatTurn[];
  /** Absolute paths of GGUF LoRA adapters. */
  adapters: string[];
  /** TEMPLATE as written: Ollama's Go-template syntax; it formats the chat prompt (unless a RENDERER is named). */
  template?: string;
  /** DRAFT: a smaller model for speculative decoding, as an absolute path or an installed model's name. */
  draft?: string;
  /** RENDERER: an Ollama built-in prompt renderer's name (recorded; the model's own chat template formats the prompt). */
  renderer?: string;
  /** PARSER: an Ollama built-in output parser's name (recorded; answers are shown as the model writes them). */
  parser?: string;
  /** REQUIRES: the oldest Ollama version the model works with. */
  requires?: string;
  license: string[];
}

/** Whether a DRAFT value is a path (else the name of an installed model). */
export function isDraftPath(value: string): boolean {
  return /[\\/]/.test(value) || /\.gguf$/i.test(value) || value.startsWith("~") || value.startsWith(".");
}

/**
 * Compares two Ollama versions (`0.14.0`, `v0.13`, `0.14.0-rc1`): negative, zero or positive, as
 * `a` is older than, the same as or newer than `b`; null when either is not a version. A
 * pre-release is older than its release.
 */
export function compareOllamaVersions(a: string, b: string): number | null {
  const read = (text: string): { parts: number[]; pre: string | null } | null => {
    const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(text.trim());
    if (!match) return null;
    return { parts: [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)], pre: match[4] ?? null };
  };
  const left = read(a);
  const right = read(b);
  if (!left || !right) return null;
  for (let i = 0; i < 3; i++) if (left.parts[i] !== right.parts[i]) return left.parts[i]! - right.parts[i]!;
  if (left.pre === right.pre) return 0;
  if (left.pre === null) return 1;
  if (right.pre === null) return -1;
  return left.pre < right.pre ? -1 : 1;
}

/** Why Hearth cannot run `name`, which REQUIRES this Ollama version; null when it can. */
export function requiresProblem(required: string, name: string): string | null {
  const order = compareOllamaVersions(required, ollamaCompatibilityVersion);
  if (order === null || order <= 0) return null;
  return localize(
    "{0} REQUIRES Ollama {1}, but Hearth runs Modelfiles of Ollama {2} and earlier, so it may use features Hearth does not have. Update Hearth, or create the model again from a Modelfile with an earlier REQUIRES.",
    name,
    required,
    ollamaCompatibilityVersion,
  );
}

/** The TEMPLATE that formats this profile's chat prompt, parsed; undefined when the model's own template does (no TEMPLATE, or a RENDERER). */
export function profileTemplate(profile: ModelProfile | undefined): GoTemplate | undefined {
  if (!profile || profile.template === undefined || profile.renderer !== undefined || profile.template.trim() === "") return undefined;
  return parseGoTemplate(profile.template);
}

/**
 * The profile's stop sequences: its PARAMETER stop values, or, when it has none and its TEMPLATE
 * formats the prompt, the template's turn markers (Ollama's library models list them as
 * PARAMETER stop). Undefined when there are none.
 */
export function profileStopSequences(profile: ModelProfile | undefined): string[] | undefined {
  if (!profile) return undefined;
  if (profile.parameters.stop !== undefined) return profile.parameters.stop;
  const template = profileTemplate(profile);
  if (!template || template.diagnostics.length > 0) return undefined;
  const stops = templateStopSequences(template);
  return stops.length > 0 ? stops : undefined;
}

const numberParameters: Record<string, { key: keyof ProfileParameters; integer: boolean }> = {
  temperature: { key: "temperature", integer: false },
  top_k: { key: "topK", integer: true },
  top_p: { key: "topP", integer: false },
  min_p: { key: "minP", integer: false },
  seed: { key: "seed", integer: true },
  repeat_penalty: { key: "repeatPenalty", integer: false },
  num_predict: { key: "maxTokens", integer: true },
  num_ctx: { key: "contextSize", integer: true },
  num_thread: { key: "threads", integer: true },
  num_gpu: { key: "gpuLayers", integer: true },
};

/**
 * The profile a parsed (and validated) Modelfile describes. `resolvePath` turns ADAPTER values
 * into absolute paths (relative to the Modelfile). Parameters Hearth does not apply are ignored
 * here (the validator has already warned about unknown ones).
 */
export function profileFromModelfile(parsed: ParsedModelfile, resolvePath: (value: string) => string): ModelProfile {
  const profile: ModelProfile = { from: "", parameters: {}, messages: [], adapters: [], license: [] };
  const systemParts: string[] = [];
  let system: string | undefined;
  const apply = (command: ModelfileCommand): void => {
    switch (command.instruction) {
      case "FROM":
        profile.from = command.value;
        break;
      case "PARAMETER": {
        if (command.name === "stop") {
          profile.parameters.stop = [...(profile.parameters.stop ?? []), command.value];
          break;
        }
        const mapping = numberParameters[command.name];
        const value = Number(command.value);
        if (!mapping || !Number.isFinite(value) || (mapping.integer && !Number.isInteger(value))) break;
        (profile.parameters as Record<string, number>)[mapping.key] = value;
        break;
      }
      case "SYSTEM":
        system = command.value;
        break;
      case "MESSAGE":
        if (command.role === "system") systemParts.push(command.value);
        else profile.messages.push({ role: command.role, text: command.value });
        break;
      case "ADAPTER":
        profile.adapters = [resolvePath(command.value)];
        break;
      case "TEMPLATE":
        profile.template = command.value;
        break;
      case "DRAFT":
        profile.draft = isDraftPath(command.value) ? resolvePath(command.value) : command.value;
        break;
      // An empty RENDERER or PARSER (a bare `RENDERER ` line) names none, so the TEMPLATE still applies.
      case "RENDERER":
        if (command.value === "") delete profile.renderer;
        else profile.renderer = command.value;
        break;
      case "PARSER":
        if (command.value === "") delete profile.parser;
        else profile.parser = command.value;
        break;
      case "REQUIRES":
        profile.requires = command.value;
        break;
      case "LICENSE":
        profile.license.push(command.value);
        break;
      default:
        break;
    }
  };
  parsed.commands.forEach(apply);
  const systemText = [system, ...systemParts].filter((part): part is string => part !== undefined && part !== "");
  if (systemText.length > 0) profile.system = systemText.join("\n\n");
  if (profile.parameters.gpuLayers !== undefined && profile.parameters.gpuLayers < 0) delete profile.parameters.gpuLayers;
  return profile;
}

/**
 * A request's sampling options: its defaults, then the profile's values, then what it says itself.
 * The output constraint (`grammar` or `jsonSchema`) travels as one: when `options` gives either,
 * the defaults' constraint is dropped, so the two never mix. A profile never constrains output.
 */
export function mergeProfileOptions(
  profile: ModelProfile | undefined,
  options: GenerationOptions | undefined,
  defaults?: GenerationOptions,
): GenerationOptions | undefined {
  let base = defaults;
  if (base && options && (options.grammar !== undefined || options.jsonSchema !== undefined)) {
    base = { ...base };
    delete base.grammar;
    delete base.jsonSchema;
  }
  if (!profile) return base ? { ...base, ...(options ?? {}) } : options;
  const sampling: ProfileParameters = { ...profile.parameters };
  const stops = profileStopSequences(profile);
  if (stops !== undefined) sampling.stop = stops;
  delete sampling.contextSize;
  delete sampling.threads;
  delete sampling.gpuLayers;
  delete sampling.grammar;
  delete sampling.jsonSchema;
  return { ...(base ?? {}), ...sampling, ...(options ?? {}) };
}

/** Checks a profile read back from a manifest; null when it is not one. */
export function parseProfile(value: unknown): ModelProfile | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const raw = value as Record<string, unknown>;
  if (typeof raw.from !== "string" || typeof raw.parameters !== "object" || raw.parameters === null) return null;
  const messages = Array.isArray(raw.messages)
    ? raw.messages.filter(
        (m): m is ChatTurn =>
          typeof m === "object" && m !== null && (m.role === "user" || m.role === "assistant") && typeof m.text === "string",
      )
    : [];
  return {
    from: raw.from,
    parameters: raw.parameters as ProfileParameters,
    ...(typeof raw.system === "string" ? { system: raw.system } : {}),
    messages,
    adapters: Array.isArray(raw.adapters) ? raw.adapters.filter((a): a is string => typeof a === "string") : [],
    ...(typeof raw.template === "string" ? { template: raw.template } : {}),
    ...(typeof raw.draft === "string" ? { draft: raw.draft } : {}),
    ...(typeof raw.renderer === "string" ? { renderer: raw.renderer } : {}),
    ...(typeof raw.parser === "string" ? { parser: raw.parser } : {}),
    ...(typeof raw.requires === "string" ? { requires: raw.requires } : {}),
    license: Array.isArray(raw.license) ? raw.license.filter((l): l is string => typeof l === "string") : [],
  };
}

/** The Modelfile that recreates a profile (as `ollama show --modelfile`), FROM the given base. */
export function modelfileFromProfile(profile: ModelProfile, from: string): string {
  const quote = (text: string): string => (/[\r\n"]/.test(text) ? `"""${text}"""` : /\s/.test(text) || text === "" ? `"${text}"` : text);
  const names: Record<string, string> = {};
  for (const [name, mapping] of Object.entries(numberParameters)) names[mapping.key] = name;
  const lines = [`FROM ${from}`];
  if (profile.requires !== undefined) lines.push(`REQUIRES ${profile.requires}`);
  for (const [key, value] of Object.entries(profile.parameters)) {
    if (key === "stop" && Array.isArray(value)) for (const stop of value) lines.push(`PARAMETER stop ${quote(String(stop))}`);
    else if (names[key] !== undefined) lines.push(`PARAMETER ${names[key]} ${String(value)}`);
  }
  if (profile.template !== undefined) lines.push(`TEMPLATE ${quote(profile.template)}`);
  if (profile.system !== undefined) lines.push(`SYSTEM ${quote(profile.system)}`);
  for (const adapter of profile.adapters) lines.push(`ADAPTER ${adapter}`);
  if (profile.draft !== undefined) lines.push(`DRAFT ${quote(profile.draft)}`);
  if (profile.renderer !== undefined) lines.push(`RENDERER ${profile.renderer}`);
  if (profile.parser !== undefined) lines.push(`PARSER ${profile.parser}`);
  for (const message of profile.messages) lines.push(`MESSAGE ${message.role} ${quote(message.text)}`);
  for (const license of profile.license) lines.push(`LICENSE ${quote(license)}`);
  return `${lines.join("\n")}\n`;
}
