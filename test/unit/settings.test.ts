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
      "rag.extraFolders": ["/docs", 1],
      "rag.maxFileSizeKB": 0,
      "remote.kind": "vllm",
      "remote.url": "gpu-box:11434",
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
      "rag.extraFolders": ["/docs", "~/notes"],
      "rag.maxFileSizeKB": 256,
      "rag.embeddingModel": "bge-m3:567m",
      "remote.kind": "openai",
      "remote.url": "https://llm.example.com/v1",
      "remote.model": "qwen2.5-coder:7b",
      "remote.embeddingModel": "nomic-embed-text",
    };
    assert.deepEqual(resolveSettings((key) => values[key]), values);
  });

  it("describes each setting for package.json with bounds and a localised description", () => {
    const properties = configurationProperties();
    assert.deepEqual(Object.keys(properties).sort(), settingKeys.map((k) => `hearth.${k}`).sort());
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
