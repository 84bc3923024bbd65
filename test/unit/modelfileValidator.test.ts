// The Modelfile validator: FROM, instructions, PARAMETER names, types and ranges, overridden
// instructions, TEMPLATE variables, and paths and model names through an injected environment.
import * as assert from "node:assert/strict";
import {
  blocksModelCreation,
  closestMatch,
  editDistance,
  validateModelfile,
} from "../../src/common/modelfile/modelfileValidator";
import { resolveModelfilePath } from "../../src/common/modelfile/modelfilePaths";
import type { ModelfileEnvironment } from "../../src/common/modelfile/modelfileValidator";
import type { ModelfileDiagnostic } from "../../src/common/modelfile/modelfileParser";
import { modelfileParameters } from "../../src/common/modelfile/modelfileParameters";

function codes(diagnostics: readonly ModelfileDiagnostic[]): string[] {
  return diagnostics.map((d) => `${d.range.start.line}:${d.code}`);
}

function check(text: string, environment?: ModelfileEnvironment): readonly ModelfileDiagnostic[] {
  return validateModelfile(text, environment).diagnostics;
}

function environment(files: string[], installed: string[] = []): ModelfileEnvironment {
  return {
    baseDir: "/work/models",
    homeDir: "/home/me",
    fileExists: (path) => files.includes(path),
    isInstalledModel: (name) => installed.includes(name),
  };
}

describe("Modelfile validator", () => {
  it("accepts a clean Modelfile", () => {
    const text = [
      "FROM qwen2.5-coder:1.5b",
      "PARAMETER temperature 0",
      "PARAMETER seed 42",
      "PARAMETER num_ctx 8192",
      'PARAMETER stop "<|im_end|>"',
      'PARAMETER stop "<|endoftext|>"',
      "PARAMETER use_mmap false",
      'TEMPLATE """{{ range .Messages }}{{ .Role }}: {{ .Content }}{{ end }}{{ if .Tools }}{{ json .Tools }}{{ end }}"""',
      "SYSTEM You review code.",
      "MESSAGE user Hi",
      "MESSAGE assistant Hello.",
      "LICENSE apache-2.0",
      "LICENSE also this",
    ].join("\n");
    assert.deepEqual(check(text, environment([])), []);
  });

  it("requires FROM, and warns when it is given twice", () => {
    assert.deepEqual(codes(check("SYSTEM hi")), ["0:missingFrom"]);
    assert.deepEqual(codes(check("")), ["0:missingFrom"]);
    assert.deepEqual(codes(check("FROM a\nFROM b")), ["0:duplicateFrom"]);
  });

  it("suggests the closest instruction for an unknown one", () => {
    const [diagnostic] = check("FROM a\nPARAMETR temperature 1");
    assert.equal(diagnostic!.code, "unknownInstruction");
    assert.equal(diagnostic!.suggestion, "PARAMETER");
    assert.equal(diagnostic!.message, "Unknown instruction \"PARAMETR\". Did you mean PARAMETER?");
    assert.deepEqual(diagnostic!.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 8 } });
  });

  it("suggests the closest parameter for an unknown name (the quick fix)", () => {
    const diagnostics = check("FROM a\nPARAMETER temprature 0.7\nPARAMETER Top_P 0.5\nPARAMETER top-k 5\nPARAMETER banana 1");
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.suggestion]),
      [
        ["unknownParameter", "temperature"],
        ["unknownParameter", "top_p"],
        ["invalidParameterName", "top_k"],
        ["unknownParameter", undefined],
      ],
    );
    assert.deepEqual(diagnostics[0]!.range, { start: { line: 1, character: 10 }, end: { line: 1, character: 20 } });
  });

  it("warns about deprecated parameters and rejects removed ones", () => {
    const diagnostics = check("FROM a\nPARAMETER mirostat 2\nPARAMETER use_mlock true\nPARAMETER tfs_z 1");
    assert.deepEqual(codes(diagnostics), ["1:deprecatedParameter", "2:deprecatedParameter", "3:removedParameter"]);
    assert.equal(diagnostics[2]!.severity, "error");
  });

  it("checks value types as Ollama reads them", () => {
    const text = [
      "FROM a",
      "PARAMETER num_ctx 4k",
      "PARAMETER num_ctx 4096.0",
      "PARAMETER temperature warm",
      "PARAMETER top_k 1e2",
      "PARAMETER use_mmap yes",
      "PARAMETER seed 99999999999999999999",
      "PARAMETER temperature 1e39",
      // accepted:
      "PARAMETER temperature .5",
      "PARAMETER top_p +0.5",
      "PARAMETER use_mmap T",
      "PARAMETER seed -1",
      'PARAMETER num_predict "128"',
    ].join("\n");
    const diagnostics = check(text).filter((d) => d.code !== "overriddenParameter");
    assert.deepEqual(codes(diagnostics), [
      "1:invalidParameterValue",
      "2:invalidParameterValue",
      "3:invalidParameterValue",
      "4:invalidParameterValue",
      "5:invalidParameterValue",
      "6:invalidParameterValue",
      "7:invalidParameterValue",
    ]);
    assert.ok(diagnostics.every((d) => d.severity === "error"));
    assert.match(diagnostics[0]!.message, /num_ctx/);
  });

  it("warns about values out of range", () => {
    const text = [
      "FROM a",
      "PARAMETER temperature -1",
      "PARAMETER top_p 1.5",
      "PARAMETER min_p -0.1",
      "PARAMETER num_ctx 0",
      "PARAMETER top_k -3",
      "PARAMETER repeat_last_n -2",
      "PARAMETER num_predict -3",
      "PARAMETER num_gpu -2",
      "PARAMETER num_thread -1",
      "PARAMETER typical_p 2",
      "PARAMETER presence_penalty 3",
      "PARAMETER frequency_penalty -2.5",
      "PARAMETER num_keep -2",
      "PARAMETER num_batch 0",
      "PARAMETER repeat_penalty -1",
      "PARAMETER temperature nan",
    ].join("\n");
    const diagnostics = check(text).filter((d) => d.code === "parameterOutOfRange");
    assert.equal(diagnostics.length, 16);
    assert.ok(diagnostics.every((d) => d.severity === "warning"));
    const allowed = check("FROM a\nPARAMETER repeat_last_n -1\nPARAMETER num_predict -2\nPARAMETER num_gpu -1\nPARAMETER num_keep -1\nPARAMETER top_p 1");
    assert.deepEqual(codes(allowed.filter((d) => d.code === "parameterOutOfRange")), []);
  });

  it("warns about instructions and parameters a later one overrides, but not LICENSE, MESSAGE or stop", () => {
    const text = "FROM a\nSYSTEM one\nSYSTEM two\nTEMPLATE x\nTEMPLATE y\nPARAMETER seed 1\nPARAMETER seed 2\nPARAMETER stop a\nPARAMETER stop b\nLICENSE a\nLICENSE b\nMESSAGE user a\nMESSAGE user b";
    const diagnostics = check(text);
    assert.deepEqual(codes(diagnostics), ["1:overriddenInstruction", "3:overriddenInstruction", "5:overriddenParameter"]);
    assert.match(diagnostics[0]!.message, /line 3/);
  });

  it("checks REQUIRES is a version", () => {
    assert.deepEqual(codes(check("FROM a\nREQUIRES 0.14.0\nREQUIRES v1.2")).filter((c) => !c.includes("overridden")), []);
    assert.deepEqual(codes(check("FROM a\nREQUIRES latest")), ["1:invalidRequires"]);
  });

  it("flags TEMPLATE variables Ollama does not define, with the closest one", () => {
    const text = 'FROM a\nTEMPLATE """{{ if .System }}{{ .system }}{{ end }}\n{{ .Prompt }}{{ .Foo }} {{ .First }} {{ "a.Nope" }} {{ 1.5 }}\n{{ range $i, $m := .Messages }}{{ $m.Content }}{{ $.System }}{{ end }}"""';
    const diagnostics = check(text);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character, d.suggestion]),
      [
        ["unknownTemplateVariable", 1, 32, "System"],
        ["unknownTemplateVariable", 2, 17, undefined],
        ["unknownTemplateVariable", 2, 28, undefined],
      ],
    );
    assert.equal(text.split("\n")[1]!.slice(32, 38), "system");
    assert.equal(text.split("\n")[2]!.slice(17, 20), "Foo");
  });

  it("flags unbalanced template blocks", () => {
    assert.deepEqual(codes(check('FROM a\nTEMPLATE "{{ if .System }}x"')), ["1:templateSyntax"]);
    assert.deepEqual(codes(check('FROM a\nTEMPLATE "{{ .Prompt"')), ["1:templateSyntax"]);
    assert.deepEqual(codes(check('FROM a\nTEMPLATE "x{{ end }}"')), ["1:templateSyntax"]);
  });

  it("checks FROM, ADAPTER and DRAFT paths relative to the Modelfile's folder", () => {
    const env = environment(["/work/models/base.gguf", "/work/lora.gguf", "/home/me/draft.gguf"]);
    assert.deepEqual(check("FROM ./base.gguf\nADAPTER ../lora.gguf\nDRAFT ~/draft.gguf", env), []);
    const missing = check("FROM ./nope.gguf\nADAPTER /abs/missing.gguf\nDRAFT sub/d.gguf", env);
    assert.deepEqual(codes(missing), ["0:fileNotFound", "1:fileNotFound", "2:fileNotFound"]);
    assert.match(missing[0]!.message, /\/work\/models\/nope\.gguf/);
    // Without an environment, paths are not checked.
    assert.deepEqual(check("FROM ./nope.gguf\nADAPTER x.gguf"), []);
  });

  it("checks FROM names against the store and the catalogue", () => {
    const env = environment([], ["mine:latest"]);
    assert.deepEqual(check("FROM qwen2.5-coder:1.5b", env), []);
    assert.deepEqual(check("FROM qwen2.5-coder", env), [], "catalogue alias");
    assert.deepEqual(check("FROM Mine", env), [], "installed, case-insensitive");
    assert.deepEqual(codes(check("FROM llama3.2", env)), ["0:unknownModel"]);
    assert.equal(check("FROM llama3.2", env)[0]!.severity, "warning");
    assert.deepEqual(check("FROM hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf", env), []);
    assert.deepEqual(codes(check("FROM hf:broken", env)), ["0:invalidModelName"]);
    assert.deepEqual(codes(check("FROM Not A Name!", env)), ["0:invalidModelName"]);
    const custom: ModelfileEnvironment = { ...env, isCatalogueModel: (name) => name === "llama3.2:latest" };
    assert.deepEqual(check("FROM llama3.2", custom), []);
    // An existing folder wins over reading the value as a name, as in Ollama.
    assert.deepEqual(check("FROM weights", environment(["/work/models/weights"])), []);
  });

  it("warns about empty values Ollama accepts; an empty FROM, ADAPTER or DRAFT stops create", () => {
    const text = [
      "FROM ",
      "SYSTEM ",
      'TEMPLATE ""',
      "MESSAGE user ",
      "PARAMETER stop ",
      "PARAMETER temperature ",
      "ADAPTER ",
      "DRAFT ",
      "RENDERER ",
      "REQUIRES ",
      'LICENSE ""',
    ].join("\n");
    const diagnostics = check(text, environment(["/work/models"])).filter((d) => !d.code.startsWith("overridden"));
    assert.deepEqual(codes(diagnostics), [
      "0:emptyReference",
      "1:emptyValue",
      "3:emptyValue",
      "4:emptyValue",
      "5:invalidParameterValue",
      "6:emptyReference",
      "7:emptyReference",
      "8:emptyValue",
      "9:invalidRequires",
    ]);
    assert.ok(diagnostics.filter((d) => d.code.startsWith("empty")).every((d) => d.severity === "warning"));
    assert.deepEqual(
      diagnostics.filter(blocksModelCreation).map((d) => d.code),
      ["emptyReference", "invalidParameterValue", "emptyReference", "emptyReference", "invalidRequires"],
    );
    assert.match(diagnostics[0]!.message, /^FROM names no model/);
    assert.deepEqual(diagnostics[0]!.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } });
    assert.match(diagnostics[1]!.message, /Nothing follows SYSTEM on this line.*SYSTEM "" if it is meant to be empty/);
    assert.match(diagnostics[2]!.message, /MESSAGE user ""/);
    // Quoted empty: said on purpose. An empty FROM is still no model.
    assert.deepEqual(codes(check('FROM a\nSYSTEM ""')), []);
    assert.deepEqual(codes(check('FROM ""')), ["0:emptyReference"]);
  });

  it("says how Ollama reads an extra space after PARAMETER or MESSAGE, with the fix", () => {
    const text = "FROM a\nPARAMETER  temperature 0.7\nMESSAGE  user hi\nPARAMETER\t temperature";
    const diagnostics = check(text);
    assert.deepEqual(
      diagnostics.map((d) => [d.code, d.severity, d.range.start.line, d.range.start.character, d.range.end.character, d.suggestion]),
      [
        ["extraSpace", "error", 1, 0, 22, "PARAMETER temperature"],
        ["extraSpace", "error", 2, 0, 13, "MESSAGE user"],
        ["extraSpace", "error", 3, 0, 22, "PARAMETER temperature"],
      ],
    );
    assert.match(diagnostics[0]!.message, /^Ollama reads this as a parameter with an empty name and the value "temperature 0\.7"/);
    // Applying the fixes leaves a clean file.
    const lines = text.split("\n");
    for (const diagnostic of [...diagnostics].reverse()) {
      const line = lines[diagnostic.range.start.line]!;
      lines[diagnostic.range.start.line] = line.slice(0, diagnostic.range.start.character) + diagnostic.suggestion! + line.slice(diagnostic.range.end.character);
    }
    assert.deepEqual(codes(check(lines.join("\n"))), ["3:missingValue"], "the last line had no value to begin with");
    assert.deepEqual(codes(check("FROM a\nPARAMETER  ")), ["1:missingValue"]);
  });

  it("marks a missing FROM as a problem of the whole file, and says when the file has no instructions at all", () => {
    const [missing] = check("PARAMETER seed 1");
    assert.equal(missing!.wholeFile, true);
    assert.match(missing!.message, /no FROM line/);
    const [empty] = check("# just a comment\n\n");
    assert.equal(empty!.code, "missingFrom");
    assert.match(empty!.message, /no instructions: it is empty, or holds only comments and blank lines/);
  });

  it("places TEMPLATE problems on the right line of a CRLF file", () => {
    const [diagnostic] = check('FROM a\r\nTEMPLATE """{{ .Prompt }}\r\n{{ .Sytem }}"""');
    assert.equal(diagnostic!.code, "unknownTemplateVariable");
    assert.deepEqual(diagnostic!.range, { start: { line: 2, character: 4 }, end: { line: 2, character: 9 } });
  });

  it("keeps syntax errors and sorts everything by position", () => {
    const diagnostics = check("PARAMETER temprature 1\nFROM\nMESSAGE User hi");
    assert.deepEqual(codes(diagnostics), ["0:missingFrom", "0:unknownParameter", "1:missingValue", "2:invalidMessageRole"]);
  });
});

describe("Modelfile helpers", () => {
  it("measures edit distance and finds close matches", () => {
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(editDistance("", "abc"), 3);
    assert.equal(closestMatch("num_cxt", ["num_ctx", "num_gpu"]), "num_ctx");
    assert.equal(closestMatch("zzzzzz", ["num_ctx"]), undefined);
  });

  it("resolves paths as Ollama does", () => {
    assert.equal(resolveModelfilePath("./a/../b.gguf", "/m/dir"), "/m/dir/b.gguf");
    assert.equal(resolveModelfilePath("/abs/x.gguf", "/m"), "/abs/x.gguf");
    assert.equal(resolveModelfilePath("~/x.gguf", "/m", "/home/u"), "/home/u/x.gguf");
    assert.equal(resolveModelfilePath("~/x.gguf", "/m"), null);
    assert.equal(resolveModelfilePath("~other/x.gguf", "/m", "/home/u"), null);
    assert.equal(resolveModelfilePath("models\\x.gguf", "C:\\work"), "C:\\work\\models\\x.gguf");
    assert.equal(resolveModelfilePath("D:/x.gguf", "C:\\work"), "D:\\x.gguf");
  });

  it("documents every parameter in both languages", () => {
    const names = new Set<string>();
    for (const info of modelfileParameters) {
      assert.ok(!names.has(info.name), info.name);
      names.add(info.name);
      assert.ok(info.documentation.en.length > 20 && /[\u4e00-\u9fff]/.test(info.documentation.zhCn), info.name);
      assert.ok(info.example.startsWith(`PARAMETER ${info.name} `), info.name);
    }
    for (const name of ["num_ctx", "temperature", "top_k", "top_p", "min_p", "repeat_penalty", "repeat_last_n", "seed", "num_predict", "stop", "num_gpu", "num_thread", "mirostat", "typical_p", "presence_penalty", "frequency_penalty", "num_keep", "num_batch", "use_mmap"]) {
      assert.ok(names.has(name), name);
    }
  });

  it("accepts every parameter's own example", () => {
    for (const info of modelfileParameters.filter((p) => p.status === "current")) {
      assert.deepEqual(codes(check(`FROM a\n${info.example}`)), [], info.name);
    }
  });
});
