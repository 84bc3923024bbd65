// A profile: what a Modelfile makes of a base model (as `ollama create` does): sampling and
// context parameters mapped onto the engine's options, a system prompt, seeded messages, LoRA
// adapters, the chat template and the licence. Stored in the model's manifest.
import type { ChatTurn, GenerationOptions } from "./engineProtocol";
import type { ModelfileCommand, ParsedModelfile } from "./modelfileParser";

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
  /** TEMPLATE as written (recorded; the model's own chat template is used to prompt it). */
  template?: string;
  license: string[];
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
    license: Array.isArray(raw.license) ? raw.license.filter((l): l is string => typeof l === "string") : [],
  };
}

/** The Modelfile that recreates a profile (as `ollama show --modelfile`), FROM the given base. */
export function modelfileFromProfile(profile: ModelProfile, from: string): string {
  const quote = (text: string): string => (/[\n"]/.test(text) ? `"""${text}"""` : /\s/.test(text) ? `"${text}"` : text);
  const names: Record<string, string> = {};
  for (const [name, mapping] of Object.entries(numberParameters)) names[mapping.key] = name;
  const lines = [`FROM ${from}`];
  for (const [key, value] of Object.entries(profile.parameters)) {
    if (key === "stop" && Array.isArray(value)) for (const stop of value) lines.push(`PARAMETER stop ${quote(String(stop))}`);
    else if (names[key] !== undefined) lines.push(`PARAMETER ${names[key]} ${String(value)}`);
  }
  if (profile.template !== undefined) lines.push(`TEMPLATE ${quote(profile.template)}`);
  if (profile.system !== undefined) lines.push(`SYSTEM ${quote(profile.system)}`);
  for (const adapter of profile.adapters) lines.push(`ADAPTER ${adapter}`);
  for (const message of profile.messages) lines.push(`MESSAGE ${message.role} ${quote(message.text)}`);
  for (const license of profile.license) lines.push(`LICENSE ${quote(license)}`);
  return `${lines.join("\n")}\n`;
}
