// Profiles whose Modelfile says more than PARAMETER/SYSTEM/MESSAGE, run on the real engine with the
// fixture tiny llama: TEMPLATE formats the prompt the model sees (ChatML and Llama 2 `[INST]`
// forms, through chat sessions and one-shot generate), its turn markers become stop sequences,
// a broken TEMPLATE is a clear error and never a crash; REQUIRES refuses what Hearth cannot run;
// DRAFT loads a draft model for speculative decoding; RENDERER and PARSER are recorded; and all of
// them survive the manifest and Show Modelfile.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { EngineError } from "../../src/common/engine/engineError";
import type { ModelManifest } from "../../src/common/models/modelManifest";
import {
  compareOllamaVersions,
  mergeProfileOptions,
  modelfileFromProfile,
  ollamaCompatibilityVersion,
  parseProfile,
  profileFromModelfile,
} from "../../src/common/models/modelProfile";
import { findModelfileInstructionDoc } from "../../src/common/modelfile/modelfileParameters";
import { parseModelfile } from "../../src/common/modelfile/modelfileParser";
import { validateModelfile } from "../../src/common/modelfile/modelfileValidator";
import { LlamaEngine } from "../../src/engine/llama/llamaEngine";
import { ensureFixtureModels } from "../fixtures/fixtureModels";
import { cliPath, ensureBuilt, sharedStoriesModel } from "../support/engineHarness";
import { createModel, engineStoreScope, showStoredModel } from "../../src/engine/models/storeOperations";

const chatMl = `{{- if .System }}<|im_start|>system
{{ .System }}<|im_end|>
{{ end }}
{{- range $i, $m := .Messages }}
{{- $last := eq (len (slice $.Messages $i)) 1 -}}
{{- if eq .Role "user" }}<|im_start|>user
{{ .Content }}<|im_end|>
{{ else if eq .Role "assistant" }}<|im_start|>assistant
{{ .Content }}{{ if not $last }}<|im_end|>
{{ end }}
{{- end }}
{{- if and (ne .Role "assistant") $last }}<|im_start|>assistant
{{ end }}
{{- end }}`;

const llama2 = `[INST] {{ if .System }}<<SYS>>{{ .System }}<</SYS>>

{{ end }}{{ .Prompt }} [/INST] {{ .Response }}`;

interface LoadedInternals {
  model: LlamaModel;
  generation: { sequence: LlamaContextSequence } | null;
}

function internals(engine: LlamaEngine, modelId: string): LoadedInternals {
  const loaded = (engine as unknown as { models: Map<string, LoadedInternals> }).models.get(modelId);
  assert.ok(loaded, `model ${modelId} is loaded`);
  return loaded;
}

/** What the context holds, as text: the BOS token, then the prompt and answer with special tokens written out. */
function contextText(engine: LlamaEngine, modelId: string): { bos: boolean; text: string } {
  const { model, generation } = internals(engine, modelId);
  const tokens = generation!.sequence.contextTokens;
  const bos = tokens[0] === model.tokens.bos;
  return { bos, text: model.detokenize(bos ? tokens.slice(1) : tokens, true) };
}

/**
 * The context holds the prompt exactly, then the answer: all of it but the last token, which is
 * sampled and never evaluated. (SentencePiece writes the answer's first word with its own space.)
 */
function assertPromptThenAnswer(seen: string, prompt: string, answer: string): void {
  assert.equal(seen.slice(0, prompt.length), prompt);
  const answered = seen.slice(prompt.length);
  assert.ok(answer.trimStart().startsWith(answered.trimStart()) && answered.trim().length > 0, `context ends ${JSON.stringify(answered)}, answer ${JSON.stringify(answer)}`);
}

describe("profiles: TEMPLATE, REQUIRES, DRAFT, RENDERER and PARSER", function () {
  let dir: string;
  let engine: LlamaEngine;
  let fixtures: Awaited<ReturnType<typeof ensureFixtureModels>>;

  const create = (name: string, lines: string[]): Promise<ModelManifest> =>
    createModel(engineStoreScope(engine), { name, modelfile: `${lines.join("\n")}\n`, baseDir: dir }, () => undefined);

  before(async () => {
    fixtures = await ensureFixtureModels();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-profile-template-"));
    fs.copyFileSync(fixtures.llama, path.join(dir, "base.gguf"));
    fs.copyFileSync(fixtures.llama, path.join(dir, "draft.gguf"));
    fs.copyFileSync(fixtures.embedding, path.join(dir, "other-vocab.gguf"));
    engine = new LlamaEngine({ gpu: false, defaultThreads: 1, defaultContextSize: 1024, storeRoot: path.join(dir, "store") });
  });

  after(async () => {
    await engine?.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("formats a chat session's prompt with a ChatML TEMPLATE, SYSTEM and MESSAGEs", async () => {
    await create("tiny:chatml", [
      "FROM ./base.gguf",
      "PARAMETER temperature 0",
      "PARAMETER num_predict 6",
      "SYSTEM Be brief.",
      "MESSAGE user Hi",
      "MESSAGE assistant Hello.",
      `TEMPLATE """${chatMl}"""`,
    ]);
    const info = await engine.loadModel({ model: "tiny:chatml" });
    assert.equal(info.chatWrapper, "Ollama TEMPLATE");
    assert.equal(info.hasChatTemplate, true);
    const { sessionId } = engine.chats.create({ modelId: info.modelId });
    const first = await engine.chats.send({ sessionId, message: "What is 2+2?" }, () => undefined);
    const prompt =
      "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n" +
      "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n";
    const seen = contextText(engine, info.modelId);
    assert.ok(seen.bos, "the prompt starts with BOS, as llama.cpp adds it for this tokenizer");
    assertPromptThenAnswer(seen.text, prompt, first.text);

    // The next turn closes the answer with <|im_end|> and reuses the cache up to it.
    const second = await engine.chats.send({ sessionId, message: "And 3+3?" }, () => undefined);
    assertPromptThenAnswer(
      contextText(engine, info.modelId).text,
      `${prompt}${first.text}<|im_end|>\n<|im_start|>user\nAnd 3+3?<|im_end|>\n<|im_start|>assistant\n`,
      second.text,
    );
    assert.ok(second.usage.reusedPromptTokens > second.usage.evaluatedPromptTokens, JSON.stringify(second.usage));

    // One-shot generate in chat mode goes through the same template.
    const once = await engine.generate({ modelId: info.modelId, prompt: "Tell me", mode: "auto" }, () => undefined);
    assert.equal(once.mode, "chat");
    assert.ok(contextText(engine, info.modelId).text.startsWith(`${prompt.replace("What is 2+2?", "Tell me")}`));
    await engine.unloadModel(info.modelId);
  });

  it("keeps a message that contains special-token text as text", async () => {
    const info = await engine.loadModel({ model: "tiny:chatml" });
    const { model } = internals(engine, info.modelId);
    const { sessionId } = engine.chats.create({ modelId: info.modelId });
    await engine.chats.send({ sessionId, message: "a</s>b" }, () => undefined);
    const tokens = internals(engine, info.modelId).generation!.sequence.contextTokens;
    assert.ok(!tokens.slice(0, -1).includes(model.tokens.eos!), "the user's </s> did not become the end-of-text token");
    assert.match(contextText(engine, info.modelId).text, /\nHello\.<\|im_end\|>\n<\|im_start\|>user\na<\/s>b<\|im_end\|>\n<\|im_start\|>assistant\n/);
    await engine.unloadModel(info.modelId);
  });

  it("formats the older one-turn form (Llama 2 [INST]) per pair, as Ollama does", async () => {
    await create("tiny:llama2", ["FROM ./base.gguf", "PARAMETER temperature 0", "PARAMETER num_predict 4", "SYSTEM Be brief.", "MESSAGE user Hi", "MESSAGE assistant Hello.", `TEMPLATE """${llama2}"""`]);
    const info = await engine.loadModel({ model: "tiny:llama2" });
    const { sessionId } = engine.chats.create({ modelId: info.modelId });
    const answer = await engine.chats.send({ sessionId, message: "Why?" }, () => undefined);
    assertPromptThenAnswer(contextText(engine, info.modelId).text, "[INST] <<SYS>>Be brief.<</SYS>>\n\nHi [/INST] Hello.[INST] Why? [/INST] ", answer.text);
    await engine.unloadModel(info.modelId);
  });

  it("stops on the TEMPLATE's turn markers unless the profile has its own stop", async () => {
    const chatml = await showStoredModel(engineStoreScope(engine), { name: "tiny:chatml" });
    assert.deepEqual(mergeProfileOptions(chatml.model.manifest!.profile, undefined)?.stop, ["<|im_start|>", "<|im_end|>"]);
    const llama = await showStoredModel(engineStoreScope(engine), { name: "tiny:llama2" });
    assert.deepEqual(mergeProfileOptions(llama.model.manifest!.profile, undefined)?.stop, ["[INST]", "<<SYS>>", "<</SYS>>", "[/INST]"]);
    await create("tiny:own-stop", ["FROM ./base.gguf", "PARAMETER stop END", `TEMPLATE """${chatMl}"""`]);
    const own = await showStoredModel(engineStoreScope(engine), { name: "tiny:own-stop" });
    assert.deepEqual(mergeProfileOptions(own.model.manifest!.profile, undefined)?.stop, ["END"]);
    // The request's own stop still wins.
    assert.deepEqual(mergeProfileOptions(chatml.model.manifest!.profile, { stop: ["x"] })?.stop, ["x"]);
  });

  it("refuses a TEMPLATE that does not parse, saying where, and reports one that fails at run time", async () => {
    await assert.rejects(
      create("tiny:broken", ["FROM ./base.gguf", 'TEMPLATE """{{ if .System }}{{ .System }}"""']),
      (error: unknown) => error instanceof EngineError && error.code === "badRequest" && /line 2/.test(error.message) && /TEMPLATE does not parse/.test(error.message),
    );
    const validation = validateModelfile('FROM ./base.gguf\nTEMPLATE """{{ .Prompt }}\n{{ upper .Prompt }}"""');
    const syntax = validation.diagnostics.filter((d) => d.code === "templateSyntax");
    assert.equal(syntax.length, 1);
    assert.equal(syntax[0]!.severity, "error");
    assert.deepEqual([syntax[0]!.range.start.line, syntax[0]!.range.start.character], [2, 3]);
    assert.match(syntax[0]!.message, /The function "upper" is not defined/);

    // A template that parses but fails on the conversation (index out of range): the turn fails
    // with a clear message, and the engine goes on.
    await create("tiny:fails", ["FROM ./base.gguf", "PARAMETER num_predict 2", 'TEMPLATE """{{ range .Messages }}{{ .Content }}{{ end }}{{ (index .Messages 5).Content }}"""']);
    const info = await engine.loadModel({ model: "tiny:fails" });
    const { sessionId } = engine.chats.create({ modelId: info.modelId });
    await assert.rejects(
      engine.chats.send({ sessionId, message: "Hi" }, () => undefined),
      (error: unknown) => error instanceof EngineError && error.code === "badRequest" && /could not format this conversation: index 5 is out of range/.test(error.message),
    );
    const completion = await engine.generate({ modelId: info.modelId, prompt: "Once", mode: "completion", options: { maxTokens: 2 } }, () => undefined);
    assert.equal(completion.mode, "completion");
    await engine.unloadModel(info.modelId);
  });

  it("refuses a Modelfile that REQUIRES a newer Ollama than Hearth supports, at create and at load", async () => {
    await assert.rejects(
      create("tiny:future", ["FROM ./base.gguf", "REQUIRES 99.1.0"]),
      (error: unknown) => error instanceof EngineError && /REQUIRES Ollama 99\.1\.0/.test(error.message) && error.message.includes(ollamaCompatibilityVersion),
    );
    const manifest = await create("tiny:past", ["FROM ./base.gguf", `REQUIRES ${ollamaCompatibilityVersion}`]);
    assert.equal(manifest.profile?.requires, ollamaCompatibilityVersion);
    // A profile written by a newer Hearth: refused at load, in plain words.
    await engine.store.writeProfile("tiny:newer", manifest, { ...manifest.profile!, requires: "v99.0" });
    await assert.rejects(
      engine.loadModel({ model: "tiny:newer" }),
      (error: unknown) => error instanceof EngineError && error.code === "notSupported" && /tiny:newer REQUIRES Ollama v99\.0/.test(error.message),
    );
  });

  it("loads a DRAFT model for speculative decoding: the same answer, drafted beside the generation", async () => {
    // The trained TinyStories model when it is beside the checkout, as the base and, copied, as its own draft.
    if (fs.existsSync(sharedStoriesModel)) {
      fs.copyFileSync(sharedStoriesModel, path.join(dir, "base-trained.gguf"));
      fs.copyFileSync(sharedStoriesModel, path.join(dir, "draft.gguf"));
    }
    const base = fs.existsSync(sharedStoriesModel) ? "./base-trained.gguf" : "./base.gguf";
    const lines = [`FROM ${base}`, "PARAMETER temperature 0", "PARAMETER num_predict 48", `TEMPLATE """${llama2}"""`];
    await create("tiny:plain", lines);
    const drafted = await create("tiny:drafted", [...lines, "DRAFT ./draft.gguf"]);
    assert.equal(drafted.profile?.draft, path.join(dir, "draft.gguf"));
    const plain = await engine.loadModel({ model: "tiny:plain" });
    const expected = await engine.generate({ modelId: plain.modelId, prompt: "Once upon a time" }, () => undefined);
    await engine.unloadModel(plain.modelId);
    const info = await engine.loadModel({ model: "tiny:drafted" });
    const result = await engine.generate({ modelId: info.modelId, prompt: "Once upon a time" }, () => undefined);
    assert.equal(result.text, expected.text);
    // The sequence drafts with the DRAFT model, which has followed the prompt. (How many drafted
    // tokens are accepted depends on timing: node-llama-cpp drafts beside the generation, and on
    // models this small the target outruns the draft.)
    const predictor = internals(engine, info.modelId).generation!.sequence.tokenPredictor as unknown as { draftSequence: LlamaContextSequence } | undefined;
    assert.ok(predictor?.draftSequence, "the context sequence has the draft model's predictor");
    assert.ok(predictor.draftSequence.tokenMeter.usedInputTokens > 0, "the draft model evaluated the prompt");
    await engine.unloadModel(info.modelId);

    // A draft with another vocabulary cannot draft: a clear error at load, and nothing stays loaded.
    await create("tiny:mismatched", ["FROM ./base.gguf", "DRAFT ./other-vocab.gguf"]);
    await assert.rejects(
      engine.loadModel({ model: "tiny:mismatched" }),
      (error: unknown) => error instanceof EngineError && error.code === "invalidModel" && /does not use the tokenizer of tiny:mismatched/.test(error.message),
    );
    assert.deepEqual(engine.listModels(), []);
    // A draft that is not there is refused at create.
    await assert.rejects(create("tiny:nodraft", ["FROM ./base.gguf", "DRAFT ./missing.gguf"]), /line 2.*missing\.gguf/);
    await assert.rejects(create("tiny:nodraft", ["FROM ./base.gguf", "DRAFT qwen2.5:0.5b"]), /DRAFT names qwen2\.5:0\.5b, which is not installed/);
  });

  it("records RENDERER and PARSER, warns on unknown names, and a RENDERER takes over from TEMPLATE", async () => {
    const manifest = await create("tiny:rendered", ["FROM ./base.gguf", "RENDERER qwen3-coder", "PARSER qwen3-coder", `TEMPLATE """${chatMl}"""`]);
    assert.equal(manifest.profile?.renderer, "qwen3-coder");
    assert.equal(manifest.profile?.parser, "qwen3-coder");
    const info = await engine.loadModel({ model: "tiny:rendered" });
    assert.notEqual(info.chatWrapper, "Ollama TEMPLATE");
    await engine.generate({ modelId: info.modelId, prompt: "Hi", options: { maxTokens: 2 } }, () => undefined);
    assert.notEqual(engine.listModels().find((model) => model.modelId === info.modelId)!.chatWrapper, "Ollama TEMPLATE");
    assert.doesNotMatch(contextText(engine, info.modelId).text, /<\|im_start\|>/);
    await engine.unloadModel(info.modelId);

    const warnings = validateModelfile(`FROM ./base.gguf\nRENDERER qwen3-codr\nPARSER nonsense\nTEMPLATE "{{ .Prompt }}"`).diagnostics;
    assert.deepEqual(
      warnings.map((d) => [d.code, d.severity, d.suggestion]),
      [
        ["unknownRenderer", "warning", "qwen3-coder"],
        ["unknownParser", "warning", undefined],
        ["overriddenInstruction", "warning", undefined],
      ],
    );
    assert.match(warnings[1]!.message, /no built-in parser named "nonsense".*Known parsers: .*qwen3/);
    assert.match(warnings[2]!.message, /RENDERER qwen3-codr formats the prompt, so this TEMPLATE is not used/);
  });
});

describe("profile fields for REQUIRES, DRAFT, RENDERER and PARSER", () => {
  it("compares Ollama versions as semantic versions", () => {
    assert.equal(compareOllamaVersions("0.14.0", "v0.14"), 0);
    assert.ok(compareOllamaVersions("0.14.1", "0.14.0")! > 0);
    assert.ok(compareOllamaVersions("0.9.9", "0.14.0")! < 0);
    assert.ok(compareOllamaVersions("0.14.0-rc1", "0.14.0")! < 0);
    assert.ok(compareOllamaVersions("1", "0.99.99")! > 0);
    assert.equal(compareOllamaVersions("latest", "0.14.0"), null);
    // The hover documentation names the version Hearth supports.
    assert.match(findModelfileInstructionDoc("REQUIRES")!.documentation.en, new RegExp(ollamaCompatibilityVersion.replace(/\./g, "\\.")));
  });

  it("reads them from a Modelfile, keeps them through the manifest and writes them back", () => {
    const text = "FROM ./base.gguf\nREQUIRES 0.13.0\nDRAFT ./small.gguf\nRENDERER qwen3-coder\nPARSER qwen3-coder\n";
    const profile = profileFromModelfile(parseModelfile(text), (value) => path.posix.join("/models", value));
    assert.deepEqual(
      { requires: profile.requires, draft: profile.draft, renderer: profile.renderer, parser: profile.parser },
      { requires: "0.13.0", draft: "/models/small.gguf", renderer: "qwen3-coder", parser: "qwen3-coder" },
    );
    assert.equal(profileFromModelfile(parseModelfile("FROM a\nDRAFT qwen2.5-coder:0.5b"), (value) => value).draft, "qwen2.5-coder:0.5b");
    assert.deepEqual(parseProfile(JSON.parse(JSON.stringify(profile))), profile);
    const written = modelfileFromProfile(profile, "./base.gguf");
    assert.match(written, /^FROM \.\/base\.gguf\nREQUIRES 0\.13\.0\n/);
    assert.match(written, /\nDRAFT \/models\/small\.gguf\nRENDERER qwen3-coder\nPARSER qwen3-coder\n/);
    assert.deepEqual(profileFromModelfile(parseModelfile(written), (value) => value), profile);
  });
});

describe("hearth create with TEMPLATE, PARSER and REQUIRES", function () {
  let dir: string;
  const run = (args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cliPath, ...args], {
        cwd: dir,
        env: { ...process.env, HEARTH_LOCALE: "en", HEARTH_HOME: path.join(dir, "home"), HEARTH_GPU: "off" },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (data: Buffer) => (stdout += data.toString()));
      child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
      child.stdin.end();
    });

  before(async () => {
    ensureBuilt();
    const fixtures = await ensureFixtureModels();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-create-template-"));
    fs.copyFileSync(fixtures.llama, path.join(dir, "base.gguf"));
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("creates the model, prints the Modelfile's warnings, and runs it through its TEMPLATE", async () => {
    fs.writeFileSync(path.join(dir, "Modelfile"), `FROM ./base.gguf\nPARAMETER num_predict 3\nPARSER qwen3-thinkng\nTEMPLATE """${chatMl}"""\n`);
    const created = await run(["create", "tiny:cli"]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stderr, /warning: Modelfile, line 3: Ollama has no built-in parser named "qwen3-thinkng"\. Did you mean qwen3-thinking\?/);
    const answered = await run(["run", "tiny:cli", "Hello", "--json"]);
    assert.equal(answered.code, 0, answered.stderr);
    assert.equal((JSON.parse(answered.stdout) as { mode: string }).mode, "chat");
    const shown = await run(["show", "tiny:cli", "--modelfile"]);
    assert.match(shown.stdout, /TEMPLATE """\{\{- if \.System \}\}<\|im_start\|>system/);
    assert.match(shown.stdout, /PARSER qwen3-thinkng/);
  });

  it("refuses a later REQUIRES and a TEMPLATE that does not parse, saying which line", async () => {
    fs.writeFileSync(path.join(dir, "Future.modelfile"), "FROM ./base.gguf\nREQUIRES 99.0.0\n");
    const future = await run(["create", "tiny:future", "-f", "Future.modelfile"]);
    assert.equal(future.code, 1);
    assert.match(future.stderr, /line 2: This Modelfile REQUIRES Ollama 99\.0\.0, but Hearth runs Modelfiles of Ollama 0\.14\.0 and earlier/);
    fs.writeFileSync(path.join(dir, "Broken.modelfile"), 'FROM ./base.gguf\nTEMPLATE """{{ range .Messages }}{{ .Content }}"""\n');
    const broken = await run(["create", "tiny:broken", "-f", "Broken.modelfile"]);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /line 2: The TEMPLATE does not parse: This \{\{ range \}\} has no \{\{ end \}\}/);
  });
});
