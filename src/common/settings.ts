// Every `hearth.*` setting, declared once: key, type, default, bounds, whether a change needs an
// engine restart, and the description's nls key. package.json's `contributes.configuration`
// must match this table (a unit test checks), and the extension reads settings only through
// `resolveSettings`.

interface SettingBase {
  /** `%key%` in package.nls.json. */
  descriptionKey: string;
  /** The engine reads it at start: changing it offers a restart. */
  requiresRestart: boolean;
  /**
   * Machine-scoped settings cannot be set per workspace: paths, threads, endpoints, the folders
   * indexed beside the workspace and the system prompt, so a repository's own settings cannot make
   * Hearth read outside it, send anything elsewhere, or instruct the model.
   */
  scope: "machine" | "window" | "resource";
  /**
   * The key this setting had before (without `hearth.`): still declared, marked deprecated, read
   * when the new key is not set, and moved to the new key when the extension starts.
   */
  renamedFrom?: string;
}

export interface StringSetting extends SettingBase {
  type: "string";
  default: string;
  enum?: readonly string[];
  /** A value must match this (JavaScript and JSON-schema syntax); an empty string always falls back to the default. */
  pattern?: string;
  /** `%key%` in package.nls.json: what the settings editor says when the pattern does not match. */
  patternErrorKey?: string;
}

export interface IntegerSetting extends SettingBase {
  type: "integer";
  default: number;
  minimum: number;
  maximum: number;
}

export interface NumberSetting extends SettingBase {
  type: "number";
  default: number;
  minimum: number;
  maximum: number;
}

export interface BooleanSetting extends SettingBase {
  type: "boolean";
  default: boolean;
}

export interface StringListSetting extends SettingBase {
  type: "array";
  default: readonly string[];
}

export type SettingSpec = StringSetting | IntegerSetting | NumberSetting | BooleanSetting | StringListSetting;

export const settingsSchema = {
  defaultModel: {
    type: "string",
    default: "",
    descriptionKey: "hearth.config.defaultModel",
    requiresRestart: false,
    scope: "machine",
  },
  catalogueFile: {
    type: "string",
    default: "",
    descriptionKey: "hearth.config.catalogueFile",
    requiresRestart: true,
    scope: "machine",
  },
  threads: {
    type: "integer",
    default: 0,
    minimum: 0,
    maximum: 256,
    descriptionKey: "hearth.config.threads",
    requiresRestart: true,
    scope: "machine",
  },
  contextSize: {
    type: "integer",
    default: 0,
    minimum: 0,
    maximum: 1_048_576,
    descriptionKey: "hearth.config.contextSize",
    requiresRestart: false,
    scope: "machine",
  },
  gpu: {
    type: "string",
    default: "auto",
    enum: ["auto", "off"],
    descriptionKey: "hearth.config.gpu",
    requiresRestart: true,
    scope: "machine",
  },
  maxTokens: {
    type: "integer",
    default: 1024,
    minimum: 1,
    maximum: 131_072,
    descriptionKey: "hearth.config.maxTokens",
    requiresRestart: false,
    scope: "window",
  },
  systemPrompt: {
    type: "string",
    default:
      "You are Hearth, a coding assistant that runs locally in VS Code. Answer concisely and accurately. Use Markdown, and put code in fenced blocks that name their language.",
    descriptionKey: "hearth.config.systemPrompt",
    requiresRestart: false,
    // Not from a repository's .vscode/settings.json: a cloned repository must not tell the model what to do.
    scope: "machine",
  },
  temperature: {
    type: "number",
    default: 0.8,
    minimum: 0,
    maximum: 2,
    descriptionKey: "hearth.config.temperature",
    requiresRestart: false,
    scope: "window",
  },
  modelsPath: {
    type: "string",
    default: "",
    descriptionKey: "hearth.config.modelsPath",
    requiresRestart: true,
    scope: "machine",
  },
  downloadEndpoint: {
    type: "string",
    default: "https://huggingface.co",
    pattern: "^$|^https?://[^\\s/]+(/[^\\s]*)?$",
    patternErrorKey: "hearth.config.endpointPattern",
    descriptionKey: "hearth.config.downloadEndpoint",
    requiresRestart: true,
    scope: "machine",
  },
  modelScopeEndpoint: {
    type: "string",
    default: "https://modelscope.cn",
    pattern: "^$|^https?://[^\\s/]+(/[^\\s]*)?$",
    patternErrorKey: "hearth.config.endpointPattern",
    descriptionKey: "hearth.config.modelScopeEndpoint",
    requiresRestart: true,
    scope: "machine",
  },
  "api.host": {
    type: "string",
    default: "127.0.0.1:11435",
    pattern: "^$|^(\\[[0-9A-Fa-f:]+\\]|[A-Za-z0-9._-]*)(:[0-9]{1,5})?$",
    patternErrorKey: "hearth.config.api.hostPattern",
    descriptionKey: "hearth.config.api.host",
    requiresRestart: false,
    scope: "machine",
  },
  "api.allowedOrigins": {
    type: "string",
    default: "",
    descriptionKey: "hearth.config.api.allowedOrigins",
    requiresRestart: false,
    scope: "machine",
  },
  "api.allowUrlPulls": {
    type: "boolean",
    default: false,
    descriptionKey: "hearth.config.api.allowUrlPulls",
    requiresRestart: false,
    scope: "machine",
  },
  "api.modelFolders": {
    type: "array",
    default: [],
    descriptionKey: "hearth.config.api.modelFolders",
    requiresRestart: false,
    scope: "machine",
  },
  "api.startWithVSCode": {
    type: "boolean",
    default: false,
    descriptionKey: "hearth.config.api.startWithVSCode",
    requiresRestart: false,
    scope: "machine",
  },
  "remote.kind": {
    type: "string",
    default: "off",
    enum: ["off", "ollama", "openai"],
    descriptionKey: "hearth.config.remote.kind",
    requiresRestart: false,
    scope: "machine",
  },
  "remote.url": {
    type: "string",
    default: "",
    pattern: "^$|^https?://[^\\s/]+(/[^\\s]*)?$",
    patternErrorKey: "hearth.config.endpointPattern",
    descriptionKey: "hearth.config.remote.url",
    requiresRestart: false,
    scope: "machine",
  },
  "remote.model": {
    type: "string",
    default: "",
    descriptionKey: "hearth.config.remote.model",
    requiresRestart: false,
    scope: "machine",
  },
  "remote.embeddingModel": {
    type: "string",
    default: "",
    descriptionKey: "hearth.config.remote.embeddingModel",
    requiresRestart: false,
    scope: "machine",
  },
  "index.extraFolders": {
    type: "array",
    default: [],
    descriptionKey: "hearth.config.index.extraFolders",
    renamedFrom: "rag.extraFolders",
    requiresRestart: false,
    // Not from a repository's .vscode/settings.json: a cloned repository must not widen what Hearth reads (["~"]).
    scope: "machine",
  },
  "index.maxFileSizeKB": {
    type: "integer",
    default: 1024,
    minimum: 1,
    maximum: 1048576,
    descriptionKey: "hearth.config.index.maxFileSizeKB",
    renamedFrom: "rag.maxFileSizeKB",
    requiresRestart: false,
    scope: "window",
  },
  "index.embeddingModel": {
    type: "string",
    default: "",
    descriptionKey: "hearth.config.index.embeddingModel",
    renamedFrom: "rag.embeddingModel",
    requiresRestart: false,
    scope: "machine",
  },
  "completion.enabled": {
    type: "boolean",
    default: true,
    descriptionKey: "hearth.config.completion.enabled",
    requiresRestart: false,
    scope: "window",
  },
  "completion.model": {
    type: "string",
    default: "",
    descriptionKey: "hearth.config.completion.model",
    requiresRestart: false,
    scope: "machine",
  },
  "completion.disabledLanguages": {
    type: "array",
    default: ["plaintext", "markdown", "scminput", "log", "modelfile"],
    descriptionKey: "hearth.config.completion.disabledLanguages",
    requiresRestart: false,
    scope: "window",
  },
  "completion.debounceMs": {
    type: "integer",
    default: 120,
    minimum: 0,
    maximum: 2000,
    descriptionKey: "hearth.config.completion.debounceMs",
    requiresRestart: false,
    scope: "window",
  },
  "agent.maxSteps": {
    type: "integer",
    default: 8,
    minimum: 2,
    maximum: 50,
    descriptionKey: "hearth.config.agent.maxSteps",
    requiresRestart: false,
    scope: "window",
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof settingsSchema;

/** The settings that had another key before, with it. */
export function renamedSettings(): Array<{ key: SettingKey; from: string }> {
  return settingKeys.flatMap((key) => {
    const from = (settingsSchema[key] as SettingSpec).renamedFrom;
    return from === undefined ? [] : [{ key, from }];
  });
}

type ValueOf<S extends SettingSpec> = S extends StringSetting
  ? string
  : S extends BooleanSetting
    ? boolean
    : S extends StringListSetting
      ? string[]
      : number;

export type HearthSettings = {
  -readonly [K in SettingKey]: (typeof settingsSchema)[K] extends { enum: readonly (infer E)[] }
    ? E
    : ValueOf<(typeof settingsSchema)[K]>;
};

export const settingKeys = Object.keys(settingsSchema) as SettingKey[];

/** Reads each setting through `get`, falling back to the default for a missing or invalid value. */
/**
 * Every setting's value: what `get` gives when valid, else the default. A renamed setting that is
 * not set under its new key (`isSet`) takes a valid value of its old key.
 */
export function resolveSettings(get: (key: string) => unknown, isSet: (key: SettingKey) => boolean = () => true): HearthSettings {
  const result: Record<string, string | number | boolean | string[]> = {};
  for (const key of settingKeys) {
    const spec: SettingSpec = settingsSchema[key];
    let raw = get(key);
    if (spec.renamedFrom !== undefined && !isSet(key)) {
      const old = get(spec.renamedFrom);
      if (old !== undefined && isValid(spec, old)) raw = old;
    }
    result[key] = isValid(spec, raw) ? (raw as string | number | boolean | string[]) : (spec.default as string | number | boolean | string[]);
  }
  return result as HearthSettings;
}

function isValid(spec: SettingSpec, value: unknown): boolean {
  switch (spec.type) {
    case "string":
      if (typeof value !== "string") return false;
      if (spec.enum !== undefined && !spec.enum.includes(value)) return false;
      // An empty value means "the default" for settings with a pattern (a cleared endpoint).
      if (spec.pattern !== undefined) return value.trim() !== "" && new RegExp(spec.pattern).test(value.trim());
      return true;
    case "integer":
      return typeof value === "number" && Number.isInteger(value) && value >= spec.minimum && value <= spec.maximum;
    case "number":
      return typeof value === "number" && Number.isFinite(value) && value >= spec.minimum && value <= spec.maximum;
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value) && value.every((item) => typeof item === "string");
  }
}

/** The `contributes.configuration.properties` object package.json must contain. */
export function configurationProperties(): Record<string, Record<string, unknown>> {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const key of settingKeys) {
    const spec: SettingSpec = settingsSchema[key];
    const entry: Record<string, unknown> = {
      type: spec.type,
      default: spec.default,
      markdownDescription: `%${spec.descriptionKey}%`,
      scope: spec.scope,
    };
    if (spec.type === "string" && spec.enum) entry.enum = [...spec.enum];
    if (spec.type === "string" && spec.pattern !== undefined) entry.pattern = spec.pattern;
    if (spec.type === "string" && spec.patternErrorKey !== undefined) entry.patternErrorMessage = `%${spec.patternErrorKey}%`;
    if (spec.type === "array") entry.items = { type: "string" };
    if (spec.type === "integer" || spec.type === "number") {
      entry.minimum = spec.minimum;
      entry.maximum = spec.maximum;
    }
    properties[`hearth.${key}`] = entry;
    if (spec.renamedFrom !== undefined) {
      properties[`hearth.${spec.renamedFrom}`] = { ...entry, markdownDeprecationMessage: `%${spec.descriptionKey}.renamedFrom%` };
    }
  }
  return properties;
}
