// How profiles are described (src/common/models/profileSummary.ts) and the Modelfile "Show Modelfile"
// opens for them (src/common/modelfile/shownModelfile.ts): made again, it gives the same profile.
import * as assert from "node:assert/strict";
import type { ModelManifest, StoredModel } from "../../src/common/models/modelManifest";
import { parseModelfile } from "../../src/common/modelfile/modelfileParser";
import type { ModelProfile } from "../../src/common/models/modelProfile";
import { profileFromModelfile } from "../../src/common/models/modelProfile";
import { isPathFrom, profileBaseLabel, profileParameters, profileParametersSummary } from "../../src/common/models/profileSummary";
import { shownModelfile } from "../../src/common/modelfile/shownModelfile";

const modelfile = [
  "FROM ./models/base.gguf",
  "PARAMETER temperature 0",
  "PARAMETER seed 42",
  "PARAMETER num_ctx 2048",
  'PARAMETER stop "User:"',
  'PARAMETER stop " End"',
  'SYSTEM """You are terse.',
  'Answer in one line."""',
  "MESSAGE user Hi",
  'MESSAGE assistant "Hello there"',
  'LICENSE """MIT License',
  "",
  'Copyright (c) 2024 Somebody"""',
  "",
].join("\n");

const profile = profileFromModelfile(parseModelfile(modelfile), (value) => `/abs/${value}`);

function stored(profileValue: ModelProfile | undefined, blobPath: string | null = "/store/models/blobs/sha256-abc"): StoredModel {
  const manifest: ModelManifest = {
    schemaVersion: 1,
    name: "terse:test",
    blob: "sha256-abc",
    sizeBytes: 10,
    sha256: "abc",
    source: { kind: "file", uri: "/work/models/base.gguf" },
    storage: "hardLink",
    createdAt: "2024-01-01T00:00:00.000Z",
    gguf: null,
    purpose: "chat",
    ...(profileValue ? { profile: profileValue } : {}),
  };
  return { name: "terse:test", status: "ok", manifest, manifestPath: "/store/manifest", blobPath, problem: null };
}

describe("profile summaries", () => {
  it("tells a file FROM from a name or a reference", () => {
    for (const from of ["./base.gguf", "../m/base.gguf", "/models/base", "~/base.gguf", "base.gguf", "C:\\models\\base.gguf"]) {
      assert.equal(isPathFrom(from), true, from);
    }
    for (const from of ["qwen2.5-coder:1.5b", "llama3", "hf:owner/repo/file.gguf", "ms:owner/repo/file.gguf", "https://host/file.gguf"]) {
      assert.equal(isPathFrom(from), false, from);
    }
  });

  it("names the base by its file name, or as written", () => {
    assert.equal(profileBaseLabel(profile), "base.gguf");
    assert.equal(profileBaseLabel({ ...profile, from: "qwen2.5-coder:1.5b" }), "qwen2.5-coder:1.5b");
    assert.equal(profileBaseLabel({ ...profile, from: "hf:owner/repo/file.gguf" }), "hf:owner/repo/file.gguf");
  });

  it("lists the PARAMETERs under their Modelfile names, stop values quoted", () => {
    assert.deepEqual(profileParameters(profile), [
      { name: "temperature", value: "0" },
      { name: "seed", value: "42" },
      { name: "num_ctx", value: "2048" },
      { name: "stop", value: '"User:"' },
      { name: "stop", value: '" End"' },
    ]);
    assert.equal(profileParametersSummary(profile), "temperature 0 · seed 42 · num_ctx 2048 · +2");
    assert.equal(profileParametersSummary({ ...profile, parameters: {} }), "");
    assert.equal(profileParametersSummary({ ...profile, parameters: { topK: 20 } }), "top_k 20");
  });
});

describe("the Modelfile Show Modelfile opens", () => {
  it("makes the same profile again, FROM the same file in the store", () => {
    const text = shownModelfile(stored(profile));
    assert.match(text, /^# Modelfile of terse:test\.\n/);
    assert.match(text, /^# FROM was \.\/models\/base\.gguf when it was created/m);
    assert.match(text, /^FROM \/store\/models\/blobs\/sha256-abc$/m);
    const parsed = parseModelfile(text);
    assert.deepEqual(parsed.errors, []);
    const again = profileFromModelfile(parsed, (value) => `/abs/${value}`);
    assert.deepEqual({ ...again, from: profile.from }, profile);
  });

  it("keeps a FROM that is a name or a reference as written", () => {
    const text = shownModelfile(stored({ ...profile, from: "qwen2.5-coder:1.5b" }));
    assert.match(text, /^FROM qwen2\.5-coder:1\.5b$/m);
    assert.doesNotMatch(text, /FROM was/);
  });

  it("shows a plain model as FROM its name, and a file as FROM its path", () => {
    assert.match(shownModelfile(stored(undefined)), /\nFROM terse:test\n$/);
    assert.equal(shownModelfile("/models/file.gguf"), "FROM /models/file.gguf\n");
  });
});
