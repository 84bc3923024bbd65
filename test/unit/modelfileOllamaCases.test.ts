// Every case of Ollama's own parser tests (parser/parser_test.go in ollama/ollama), ported: the
// same inputs, and Ollama's outcome as its tests state it. Ollama's parser gives commands as
// {Name, Args}: FROM is "model", a PARAMETER is named after the parameter, a MESSAGE's Args is
// "role: text"; `ollamaCommands` writes Hearth's reading the same way so the expectations read as
// in Go. Where a test checks more than the parser (CreateRequest: files, globs, safetensors
// folders), the parse is ported and so is what Hearth's create has in common with it; the rest is
// listed as a difference in the note at the end of this file.
import * as assert from "node:assert/strict";
import { decodeModelfileBytes } from "../../src/common/modelfile/modelfileEncoding";
import { firstModelfileProblem, formatModelfile, parseModelfile } from "../../src/common/modelfile/modelfileParser";
import type { ModelfileDiagnosticCode, ParsedModelfile } from "../../src/common/modelfile/modelfileParser";
import { validateModelfile } from "../../src/common/modelfile/modelfileValidator";
import type { ModelfileEnvironment } from "../../src/common/modelfile/modelfileValidator";
import { profileFromModelfile } from "../../src/common/models/modelProfile";

interface OllamaCommand {
  Name: string;
  Args: string;
}

function ollamaCommands(parsed: ParsedModelfile): OllamaCommand[] {
  return parsed.commands.map((command) => {
    switch (command.instruction) {
      case "FROM":
        return { Name: "model", Args: command.value };
      case "PARAMETER":
        return { Name: command.name, Args: command.value };
      case "MESSAGE":
        return { Name: "message", Args: `${command.role}: ${command.value}` };
      default:
        return { Name: command.instruction.toLowerCase(), Args: command.value };
    }
  });
}

/** Ollama's ParseFile accepts the text and gives exactly these commands. */
function accepts(text: string, expected: OllamaCommand[]): ParsedModelfile {
  const parsed = parseModelfile(text);
  assert.equal(firstModelfileProblem(parsed)?.message, undefined, `refused:\n${text}`);
  assert.deepEqual(ollamaCommands(parsed), expected, text);
  return parsed;
}

/**
 * Ollama's ParseFile refuses the text. `line` is Ollama's line for the error (1-based; it reports
 * one for an invalid command or role, none for "unexpected EOF" or a missing FROM).
 */
function refuses(text: string, code: ModelfileDiagnosticCode, line?: number): void {
  const problem = firstModelfileProblem(parseModelfile(text));
  assert.ok(problem, `accepted:\n${text}`);
  assert.equal(problem.code, code, problem.message);
  if (line !== undefined) assert.equal(problem.range.start.line + 1, line);
  if (code === "missingFrom") assert.equal(problem.wholeFile, true);
}

/** UTF-16 with a byte order mark, as Go's binary.Write of utf16.Encode and its UseBOM encoders write it. */
function utf16(text: string, littleEndian: boolean): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0xfeff, littleEndian);
  for (let k = 0; k < text.length; k++) view.setUint16(2 + 2 * k, text.charCodeAt(k), littleEndian);
  return bytes;
}

const llama3Template =
  "{{ if .System }}<|start_header_id|>system<|end_header_id|>\n\n{{ .System }}<|eot_id|>{{ end }}{{ if .Prompt }}<|start_header_id|>user<|end_header_id|>\n\n{{ .Prompt }}<|eot_id|>{{ end }}<|start_header_id|>assistant<|end_header_id|>\n\n{{ .Response }}<|eot_id|>";

function environment(files: string[]): ModelfileEnvironment {
  return { baseDir: "/tmp/case", homeDir: "/home/me", fileExists: (file) => files.includes(file), isInstalledModel: () => false };
}

describe("Ollama's parser test cases", () => {
  it("TestParseFileFile", () => {
    accepts(`\nFROM model1\nADAPTER adapter1\nLICENSE MIT\nPARAMETER param1 value1\nPARAMETER param2 value2\nTEMPLATE """${llama3Template}"""    \n`, [
      { Name: "model", Args: "model1" },
      { Name: "adapter", Args: "adapter1" },
      { Name: "license", Args: "MIT" },
      { Name: "param1", Args: "value1" },
      { Name: "param2", Args: "value2" },
      { Name: "template", Args: llama3Template },
    ]);
  });

  it("TestParseFileDraft: DRAFT is read, and written back", () => {
    const parsed = accepts("\nFROM base\nDRAFT ./assistant\n", [
      { Name: "model", Args: "base" },
      { Name: "draft", Args: "./assistant" },
    ]);
    assert.match(formatModelfile(parsed), /DRAFT \.\/assistant/);
  });

  it("TestCreateRequestDraftFiles: a DRAFT GGUF next to the Modelfile is the draft", () => {
    const parsed = accepts("\nFROM base\nDRAFT ./draft.gguf\n", [
      { Name: "model", Args: "base" },
      { Name: "draft", Args: "./draft.gguf" },
    ]);
    const validation = validateModelfile("\nFROM base\nDRAFT ./draft.gguf\n", environment(["/tmp/case/draft.gguf"]));
    assert.deepEqual(validation.diagnostics.filter((d) => d.severity === "error"), []);
    assert.equal(profileFromModelfile(parsed, (value) => `/tmp/case/${value.replace(/^\.\//, "")}`).draft, "/tmp/case/draft.gguf");
  });

  it("TestCreateRequestDraftRejectsSameFile and ...SameDirectory: DRAFT may not be the FROM file", () => {
    for (const [text, files] of [
      ["\nFROM ./model.gguf\nDRAFT ./model.gguf\n", ["/tmp/case/model.gguf"]],
      ["\nFROM .\nDRAFT .\n", ["/tmp/case"]],
    ] as const) {
      accepts(text, [
        { Name: "model", Args: text.includes("model.gguf") ? "./model.gguf" : "." },
        { Name: "draft", Args: text.includes("model.gguf") ? "./model.gguf" : "." },
      ]);
      const errors = validateModelfile(text, environment([...files])).diagnostics.filter((d) => d.severity === "error");
      assert.deepEqual(errors.map((d) => d.code), ["draftSameAsFrom"], text);
      assert.match(errors[0]!.message, /same file as FROM/);
    }
  });

  it("TestParseFileTrimSpace", () => {
    const template = `   ${llama3Template}   `;
    accepts(
      `\nFROM "     model 1"\nADAPTER      adapter3\nLICENSE "MIT       "\nPARAMETER param1        value1\nPARAMETER param2    value2\nTEMPLATE """${template}"""    \n`,
      [
        { Name: "model", Args: "     model 1" },
        { Name: "adapter", Args: "adapter3" },
        { Name: "license", Args: "MIT       " },
        { Name: "param1", Args: "value1" },
        { Name: "param2", Args: "value2" },
        { Name: "template", Args: template },
      ],
    );
  });

  it("TestParseFileFrom", () => {
    accepts('FROM "FOO  BAR  "', [{ Name: "model", Args: "FOO  BAR  " }]);
    accepts('FROM "FOO BAR"\nPARAMETER param1 value1', [
      { Name: "model", Args: "FOO BAR" },
      { Name: "param1", Args: "value1" },
    ]);
    accepts("FROM     FOOO BAR    ", [{ Name: "model", Args: "FOOO BAR" }]);
    accepts("FROM /what/is/the path ", [{ Name: "model", Args: "/what/is/the path" }]);
    accepts("FROM foo", [{ Name: "model", Args: "foo" }]);
    accepts("FROM /path/to/model", [{ Name: "model", Args: "/path/to/model" }]);
    accepts("FROM /path/to/model/fp16.bin", [{ Name: "model", Args: "/path/to/model/fp16.bin" }]);
    accepts("FROM llama3:latest", [{ Name: "model", Args: "llama3:latest" }]);
    accepts("FROM llama3:7b-instruct-q4_K_M", [{ Name: "model", Args: "llama3:7b-instruct-q4_K_M" }]);
    refuses("", "missingFrom");
    refuses("PARAMETER param1 value1", "missingFrom");
    accepts("PARAMETER param1 value1\nFROM foo", [
      { Name: "param1", Args: "value1" },
      { Name: "model", Args: "foo" },
    ]);
    accepts("PARAMETER what the \nFROM lemons make lemonade ", [
      { Name: "what", Args: "the" },
      { Name: "model", Args: "lemons make lemonade" },
    ]);
  });

  it("TestParseFileParametersMissingValue", () => {
    refuses("\nFROM foo\nPARAMETER param1\n", "missingValue");
  });

  it("TestParseFileBadCommand: an invalid command on line 3", () => {
    refuses("\nFROM foo\nBADCOMMAND param1 value1\n", "unknownInstruction", 3);
  });

  it("TestParseFileRenderer and TestParseFileParser", () => {
    accepts("\nFROM foo\nRENDERER renderer1\n", [
      { Name: "model", Args: "foo" },
      { Name: "renderer", Args: "renderer1" },
    ]);
    accepts("\nFROM foo\nPARSER parser1\n", [
      { Name: "model", Args: "foo" },
      { Name: "parser", Args: "parser1" },
    ]);
  });

  it("TestParseFileMessages", () => {
    accepts("\nFROM foo\nMESSAGE system You are a file parser. Always parse things.\n", [
      { Name: "model", Args: "foo" },
      { Name: "message", Args: "system: You are a file parser. Always parse things." },
    ]);
    accepts("\nFROM foo\nMESSAGE system You are a file parser. Always parse things.", [
      { Name: "model", Args: "foo" },
      { Name: "message", Args: "system: You are a file parser. Always parse things." },
    ]);
    accepts(
      "\nFROM foo\nMESSAGE system You are a file parser. Always parse things.\nMESSAGE user Hey there!\nMESSAGE assistant Hello, I want to parse all the things!\n",
      [
        { Name: "model", Args: "foo" },
        { Name: "message", Args: "system: You are a file parser. Always parse things." },
        { Name: "message", Args: "user: Hey there!" },
        { Name: "message", Args: "assistant: Hello, I want to parse all the things!" },
      ],
    );
    accepts('\nFROM foo\nMESSAGE system """\nYou are a multiline file parser. Always parse things.\n"""\n\t\t\t', [
      { Name: "model", Args: "foo" },
      { Name: "message", Args: "system: \nYou are a multiline file parser. Always parse things.\n" },
    ]);
    refuses("\nFROM foo\nMESSAGE badguy I'm a bad guy!\n", "invalidMessageRole", 3);
    refuses("\nFROM foo\nMESSAGE system\n", "missingValue");
    refuses("\nFROM foo\nMESSAGE system", "missingValue");
  });

  it("TestParseFileQuoted", () => {
    const foo = { Name: "model", Args: "foo" };
    accepts('\nFROM foo\nSYSTEM """\nThis is a\nmultiline system.\n"""\n\t\t\t', [foo, { Name: "system", Args: "\nThis is a\nmultiline system.\n" }]);
    accepts('\nFROM foo\nSYSTEM """\nThis is a\nmultiline system."""\n\t\t\t', [foo, { Name: "system", Args: "\nThis is a\nmultiline system." }]);
    accepts('\nFROM foo\nSYSTEM """This is a\nmultiline system."""\n\t\t\t', [foo, { Name: "system", Args: "This is a\nmultiline system." }]);
    accepts('\nFROM foo\nSYSTEM """This is a multiline system."""\n\t\t\t', [foo, { Name: "system", Args: "This is a multiline system." }]);
    refuses('\nFROM foo\nSYSTEM """This is a multiline system.""\n\t\t\t', "unterminatedValue");
    refuses('\nFROM foo\nSYSTEM "\n\t\t\t', "unterminatedValue");
    accepts('\nFROM foo\nSYSTEM """\nThis is a multiline system with "quotes".\n"""\n', [
      foo,
      { Name: "system", Args: '\nThis is a multiline system with "quotes".\n' },
    ]);
    accepts('\nFROM foo\nSYSTEM """"""\n', [foo, { Name: "system", Args: "" }]);
    accepts('\nFROM foo\nSYSTEM ""\n', [foo, { Name: "system", Args: "" }]);
    accepts("\nFROM foo\nSYSTEM \"'\"\n", [foo, { Name: "system", Args: "'" }]);
    accepts(`\nFROM foo\nSYSTEM """''"'""'""'"'''''""'""'"""\n`, [foo, { Name: "system", Args: `''"'""'""'"'''''""'""'` }]);
    accepts('\nFROM foo\nTEMPLATE """\n{{ .Prompt }}\n"""', [foo, { Name: "template", Args: "\n{{ .Prompt }}\n" }]);
  });

  it("TestParseFileParameters (every parameter either version of the test lists)", () => {
    const cases: Record<string, [string, string]> = {
      "numa true": ["numa", "true"],
      "num_ctx 1": ["num_ctx", "1"],
      "num_batch 1": ["num_batch", "1"],
      "num_gqa 1": ["num_gqa", "1"],
      "num_gpu 1": ["num_gpu", "1"],
      "main_gpu 1": ["main_gpu", "1"],
      "low_vram true": ["low_vram", "true"],
      "cache_type_k f16": ["cache_type_k", "f16"],
      "cache_type_v f16": ["cache_type_v", "f16"],
      "logits_all true": ["logits_all", "true"],
      "vocab_only true": ["vocab_only", "true"],
      "use_mmap true": ["use_mmap", "true"],
      "use_mlock true": ["use_mlock", "true"],
      "num_thread 1": ["num_thread", "1"],
      "num_keep 1": ["num_keep", "1"],
      "seed 1": ["seed", "1"],
      "num_predict 1": ["num_predict", "1"],
      "top_k 1": ["top_k", "1"],
      "top_p 1.0": ["top_p", "1.0"],
      "min_p 0.05": ["min_p", "0.05"],
      "tfs_z 1.0": ["tfs_z", "1.0"],
      "typical_p 1.0": ["typical_p", "1.0"],
      "repeat_last_n 1": ["repeat_last_n", "1"],
      "temperature 1.0": ["temperature", "1.0"],
      "repeat_penalty 1.0": ["repeat_penalty", "1.0"],
      "presence_penalty 1.0": ["presence_penalty", "1.0"],
      "frequency_penalty 1.0": ["frequency_penalty", "1.0"],
      "mirostat 1": ["mirostat", "1"],
      "mirostat_tau 1.0": ["mirostat_tau", "1.0"],
      "mirostat_eta 1.0": ["mirostat_eta", "1.0"],
      "penalize_newline true": ["penalize_newline", "true"],
      "stop ### User:": ["stop", "### User:"],
      "stop ### User: ": ["stop", "### User:"],
      'stop "### User:"': ["stop", "### User:"],
      'stop "### User: "': ["stop", "### User: "],
      'stop """### User:"""': ["stop", "### User:"],
      'stop """### User:\n"""': ["stop", "### User:\n"],
      "stop <|endoftext|>": ["stop", "<|endoftext|>"],
      "stop <|eot_id|>": ["stop", "<|eot_id|>"],
      "stop </s>": ["stop", "</s>"],
    };
    for (const [line, [name, value]] of Object.entries(cases)) {
      // As Go's fmt.Fprintln(&b, "PARAMETER", k) writes it.
      accepts(`FROM foo\nPARAMETER ${line}\n`, [
        { Name: "model", Args: "foo" },
        { Name: name, Args: value },
      ]);
    }
  });

  it("TestParseFileComments", () => {
    accepts("\n# comment\nFROM foo\n\t", [{ Name: "model", Args: "foo" }]);
  });

  it("TestParseFileFormatParseFile: writing a parsed file and parsing it again gives the same commands", () => {
    const cases = [
      "\nFROM foo\nADAPTER adapter1\nLICENSE MIT\nPARAMETER param1 value1\nPARAMETER param2 value2\nTEMPLATE template1\nMESSAGE system You are a file parser. Always parse things.\nMESSAGE user Hey there!\nMESSAGE assistant Hello, I want to parse all the things!\n",
      '\nFROM foo\nADAPTER adapter1\nLICENSE MIT\nPARAMETER param1 value1\nPARAMETER param2 value2\nTEMPLATE template1\nMESSAGE system """\nYou are a store greeter. Always respond with "Hello!".\n"""\nMESSAGE user Hey there!\nMESSAGE assistant Hello, I want to parse all the things!\n',
      '\nFROM foo\nADAPTER adapter1\nLICENSE """\nVery long and boring legal text.\nBlah blah blah.\n"Oh look, a quote!"\n"""\n\nPARAMETER param1 value1\nPARAMETER param2 value2\nTEMPLATE template1\nMESSAGE system """\nYou are a store greeter. Always respond with "Hello!".\n"""\nMESSAGE user Hey there!\nMESSAGE assistant Hello, I want to parse all the things!\n',
      '\nFROM foo\nSYSTEM ""\n',
    ];
    for (const text of cases) {
      const parsed = parseModelfile(text);
      assert.equal(firstModelfileProblem(parsed), undefined);
      const again = parseModelfile(formatModelfile(parsed));
      assert.equal(firstModelfileProblem(again), undefined);
      assert.deepEqual(ollamaCommands(again), ollamaCommands(parsed));
    }
  });

  it("TestParseFileUTF16ParseFile: little- and big-endian with a byte order mark", () => {
    const data = "FROM bob\nPARAMETER param1 1\nPARAMETER param2 4096\nSYSTEM You are a utf16 file.\n";
    for (const littleEndian of [true, false]) {
      const decoded = decodeModelfileBytes(utf16(data, littleEndian));
      assert.equal(decoded.encoding, littleEndian ? "utf16le" : "utf16be");
      accepts(decoded.text, [
        { Name: "model", Args: "bob" },
        { Name: "param1", Args: "1" },
        { Name: "param2", Args: "4096" },
        { Name: "system", Args: "You are a utf16 file." },
      ]);
    }
  });

  it("TestParseMultiByte: UTF-8, and UTF-16 either way with a byte order mark", () => {
    const input = "FROM test\n\tSYSTEM 你好👋";
    const expected = [
      { Name: "model", Args: "test" },
      { Name: "system", Args: "你好👋" },
    ];
    for (const bytes of [new TextEncoder().encode(input), utf16(input, true), utf16(input, false)]) {
      accepts(decodeModelfileBytes(bytes).text, expected);
    }
  });

  it("TestCreateRequest: what the commands make of the model", () => {
    const profile = (text: string) => profileFromModelfile(accepts(text, ollamaCommands(parseModelfile(text))), (value) => value);
    assert.deepEqual(profile("FROM test"), { from: "test", parameters: {}, messages: [], adapters: [], license: [] });
    assert.deepEqual(profile("FROM test\nTEMPLATE some template\n"), {
      from: "test",
      parameters: {},
      messages: [],
      adapters: [],
      license: [],
      template: "some template",
    });
    assert.deepEqual(profile("FROM test\nLICENSE single license\nPARAMETER temperature 0.5\nMESSAGE user Hello\n"), {
      from: "test",
      parameters: { temperature: 0.5 },
      messages: [{ role: "user", text: "Hello" }],
      adapters: [],
      license: ["single license"],
    });
    assert.deepEqual(
      profile(
        "FROM test\nPARAMETER temperature 0.5\nPARAMETER top_k 1\nSYSTEM You are a bot.\nLICENSE license1\nLICENSE license2\nMESSAGE user Hello there!\nMESSAGE assistant Hi! How are you?\n",
      ),
      {
        from: "test",
        parameters: { temperature: 0.5, topK: 1 },
        system: "You are a bot.",
        messages: [
          { role: "user", text: "Hello there!" },
          { role: "assistant", text: "Hi! How are you?" },
        ],
        adapters: [],
        license: ["license1", "license2"],
      },
    );
  });

  it("TestCreateRequestFiles and the glob tests: the files named are read as Ollama reads them", () => {
    accepts("FROM /tmp/t1/model.gguf", [{ Name: "model", Args: "/tmp/t1/model.gguf" }]);
    accepts("FROM /tmp/t1/model.gguf\nFROM /tmp/t2/model.gguf", [
      { Name: "model", Args: "/tmp/t1/model.gguf" },
      { Name: "model", Args: "/tmp/t2/model.gguf" },
    ]);
    accepts("FROM ./model-*.gguf\n", [{ Name: "model", Args: "./model-*.gguf" }]);
    accepts("FROM base\nDRAFT ./draft-*.gguf\n", [
      { Name: "model", Args: "base" },
      { Name: "draft", Args: "./draft-*.gguf" },
    ]);
    accepts("FROM model-*.gguf\n", [{ Name: "model", Args: "model-*.gguf" }]);
    accepts("FROM [\n", [{ Name: "model", Args: "[" }]);
  });
});

// Where Hearth's create differs from these tests on purpose (the parse agrees in every case):
// - Two FROM files (TestCreateRequestFiles): Ollama merges them into one multi-file model; Hearth
//   runs one GGUF file per model, uses the last FROM and warns about the earlier ones.
// - FROM/DRAFT globs (TestCreateRequestFileGlob, ...DraftFileGlob, ...GlobNoMatchUsesModelName,
//   ...GlobRejectsBadPattern) and model folders (TestFilesForModel: safetensors, PyTorch and GGUF
//   folders): Hearth imports a single GGUF file, named as it is, and does not convert weights.
