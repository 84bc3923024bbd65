import * as assert from "node:assert/strict";
import { parseModelfile } from "../../src/common/modelfile/modelfileParser";
import { mergeProfileOptions, modelfileFromProfile, parseProfile, profileFromModelfile } from "../../src/common/models/modelProfile";

const text = [
  "FROM qwen2.5-coder:1.5b",
  "PARAMETER temperature 0.2",
  "PARAMETER num_ctx 8192",
  "PARAMETER num_predict 64",
  "PARAMETER top_k 20",
  'PARAMETER stop "<|im_end|>"',
  'PARAMETER stop "User:"',
  "PARAMETER num_thread 3",
  'SYSTEM """You review code.',
  'Be brief."""',
  "MESSAGE user Hello",
  "MESSAGE assistant Hi, show me the code.",
  "ADAPTER ./style-lora.gguf",
  'LICENSE "MIT"',
  "",
].join("\n");

describe("model profiles from Modelfiles", () => {
  const profile = profileFromModelfile(parseModelfile(text), (value) => `/models/${value.replace("./", "")}`);

  it("maps PARAMETERs onto the engine's options and keeps SYSTEM, MESSAGEs, ADAPTER and LICENSE", () => {
    assert.equal(profile.from, "qwen2.5-coder:1.5b");
    assert.deepEqual(profile.parameters, {
      temperature: 0.2,
      contextSize: 8192,
      maxTokens: 64,
      topK: 20,
      stop: ["<|im_end|>", "User:"],
      threads: 3,
    });
    assert.equal(profile.system, "You review code.\nBe brief.");
    assert.deepEqual(profile.messages, [
      { role: "user", text: "Hello" },
      { role: "assistant", text: "Hi, show me the code." },
    ]);
    assert.deepEqual(profile.adapters, ["/models/style-lora.gguf"]);
    assert.deepEqual(profile.license, ["MIT"]);
  });

  it("lets the request win over the profile, and the profile over the defaults", () => {
    assert.deepEqual(mergeProfileOptions(profile, { temperature: 1 }, { maxTokens: 1024, temperature: 0.8, seed: 3 }), {
      maxTokens: 64,
      temperature: 1,
      seed: 3,
      topK: 20,
      stop: ["<|im_end|>", "User:"],
    });
    assert.deepEqual(mergeProfileOptions(undefined, { topP: 0.5 }, { maxTokens: 9 }), { maxTokens: 9, topP: 0.5 });
  });

  it("survives a manifest round trip and writes back an equivalent Modelfile", () => {
    assert.deepEqual(parseProfile(JSON.parse(JSON.stringify(profile))), profile);
    assert.equal(parseProfile({ nonsense: true }), null);
    const again = profileFromModelfile(parseModelfile(modelfileFromProfile(profile, profile.from)), (value) => value);
    assert.deepEqual(again, profile);
  });

  it("reads an empty RENDERER or PARSER as none, so the TEMPLATE still applies, and keeps CRLF inside values", () => {
    const crlf = profileFromModelfile(
      parseModelfile('FROM a\r\nRENDERER qwen3-coder\r\nRENDERER \r\nPARSER \r\nTEMPLATE """{{ .Prompt }}\r\n"""\r\nMESSAGE user \r\n'),
      (value) => value,
    );
    assert.equal(crlf.renderer, undefined);
    assert.equal(crlf.parser, undefined);
    assert.equal(crlf.template, "{{ .Prompt }}\r\n");
    assert.deepEqual(crlf.messages, [{ role: "user", text: "" }]);
    // Written back, the empty message and the template's CRLF survive.
    const again = profileFromModelfile(parseModelfile(modelfileFromProfile(crlf, crlf.from)), (value) => value);
    assert.deepEqual(again, crlf);
  });
});
