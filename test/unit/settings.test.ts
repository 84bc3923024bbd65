import * as assert from "node:assert/strict";
import { configurationProperties, resolveSettings, settingKeys, settingsSchema } from "../../src/common/settings";

describe("settings", () => {
  it("falls back to defaults for missing or invalid values", () => {
    const values: Record<string, unknown> = {
      threads: -3,
      contextSize: 2.5,
      gpu: "cuda",
      maxTokens: "lots",
      temperature: 9,
      defaultModel: 42,
      modelsPath: ["/a"],
      downloadEndpoint: "ftp://mirror.example",
      modelScopeEndpoint: "",
      "api.host": "http://example.com/x",
      "api.startWithVSCode": "yes",
      "index.extraFolders": ["/docs", 1],
      "index.maxFileSizeKB": 0,
      "remote.kind": "vllm",
      "remote.url": "gpu-box:11434",
      "agent.maxSteps": 1,
    };
    const settings = resolveSettings((key) => values[key]);
    for (const key of settingKeys) assert.equal(settings[key], settingsSchema[key].default, key);
  });

  it("keeps valid values", () => {
    const values: Record<string, unknown> = {
      threads: 4,
      contextSize: 8192,
      gpu: "off",
      maxTokens: 256,
      temperature: 0,
      defaultModel: "/models/a.gguf",
      modelsPath: "~/models",
      downloadEndpoint: "https://hf-mirror.com",
      modelScopeEndpoint: "http://127.0.0.1:8080/modelscope",
      catalogueFile: "/etc/hearth/catalogue.json",
      systemPrompt: "You answer in haiku.",
      "api.host": "0.0.0.0:11434",
      "api.allowedOrigins": "https://app.example.com",
      "api.startWithVSCode": true,
      "api.allowUrlPulls": true,
      "api.modelFolders": ["~/models/gguf"],
      "index.extraFolders": ["/docs", "~/notes"],
      "index.maxFileSizeKB": 256,
      "index.embeddingModel": "bge-m3:567m",
      "completion.enabled": false,
      "completion.model": "qwen2.5-coder:1.5b",
      "completion.disabledLanguages": ["markdown", "yaml"],
      "completion.debounceMs": 250,
      "remote.kind": "openai",
      "remote.url": "https://llm.example.com/v1",
      "remote.model": "qwen2.5-coder:7b",
      "remote.embeddingModel": "nomic-embed-text",
      "agent.maxSteps": 12,
    };
    assert.deepEqual(resolveSettings((key) => values[key]), values);
  });

  it("reads a renamed setting's old key (hearth.rag.*) while the new one (hearth.index.*) is not set, and declares the old key deprecated", () => {
    const values: Record<string, unknown> = { "rag.extraFolders": ["/notes"], "rag.maxFileSizeKB": 2048, "index.maxFileSizeKB": 512 };
    const set = new Set(["index.maxFileSizeKB"]);
    const settings = resolveSettings((key) => values[key], (key) => set.has(key));
    assert.deepEqual(settings["index.extraFolders"], ["/notes"], "the old key's value while the new key is unset");
    assert.equal(settings["index.maxFileSizeKB"], 512, "the new key wins where it is set");
    assert.equal(resolveSettings((key) => ({ "rag.maxFileSizeKB": 0 })[key], () => false)["index.maxFileSizeKB"], 1024, "an invalid old value gives the default");
    const properties = configurationProperties();
    for (const name of ["extraFolders", "maxFileSizeKB", "embeddingModel"]) {
      const old = properties[`hearth.rag.${name}`]!;
      assert.equal(old.markdownDeprecationMessage, `%hearth.config.index.${name}.renamedFrom%`);
      assert.equal(old.scope, properties[`hearth.index.${name}`]!.scope, "the old key keeps the new key's scope (machine-scoped stays machine-scoped)");
    }
  });

  it("describes each setting for package.json with bounds and a localised description", () => {
    const properties = configurationProperties();
    const renamed = settingKeys.flatMap((k) => {
      const from = (settingsSchema[k] as { renamedFrom?: string }).renamedFrom;
      return from ? [`hearth.${from}`] : [];
    });
    assert.deepEqual(Object.keys(properties).sort(), [...settingKeys.map((k) => `hearth.${k}`), ...renamed].sort());
    assert.deepEqual(properties["hearth.gpu"]!.enum, ["auto", "off"]);
    assert.equal(properties["hearth.threads"]!.minimum, 0);
    assert.deepEqual(properties["hearth.api.startWithVSCode"], {
      type: "boolean",
      default: false,
      markdownDescription: "%hearth.config.api.startWithVSCode%",
      scope: "machine",
    });
    assert.match(String(properties["hearth.threads"]!.markdownDescription), /^%hearth\.config\.threads%$/);
  });
});
