// The Modelfile parser: Ollama's quoting, case and comment rules, ranges, errors that never throw,
// and the canonical writer (parse(format(x)) keeps every command).
import * as assert from "node:assert/strict";
import {
  firstModelfileProblem,
  formatModelfile,
  formatModelfileText,
  parseModelfile,
  quoteModelfileValue,
} from "../../src/common/modelfile/modelfileParser";
import type { ModelfileCommand, ParsedModelfile } from "../../src/common/modelfile/modelfileParser";

/** What a command means, without its ranges. */
function meaning(commands: readonly ModelfileCommand[]): Array<Record<string, string>> {
  return commands.map((command) => ({
    instruction: command.instruction,
    value: command.value,
    ...(command.instruction === "PARAMETER" ? { name: command.name } : {}),
    ...(command.instruction === "MESSAGE" ? { role: command.role } : {}),
  }));
}

function clean(text: string): ParsedModelfile {
  const parsed = parseModelfile(text);
  assert.deepEqual(parsed.errors, [], `unexpected errors in:\n${text}`);
  return parsed;
}

describe("Modelfile parser", () => {
  it("parses the example from Ollama's documentation", () => {
    const parsed = clean(
      [
        "FROM llama3.2",
        "# sets the temperature to 1 [higher is more creative, lower is more coherent]",
        "PARAMETER temperature 1",
        "PARAMETER num_ctx 4096",
        "",
        "# sets a custom system message to specify the behavior of the chat assistant",
        "SYSTEM You are Mario from super mario bros, acting as an assistant.",
      ].join("\n"),
    );
    assert.deepEqual(meaning(parsed.commands), [
      { instruction: "FROM", value: "llama3.2" },
      { instruction: "PARAMETER", name: "temperature", value: "1" },
      { instruction: "PARAMETER", name: "num_ctx", value: "4096" },
      { instruction: "SYSTEM", value: "You are Mario from super mario bros, acting as an assistant." },
    ]);
    assert.equal(parsed.comments.length, 2);
  });

  it("reads instructions in any case and keeps the keyword as written", () => {
    const parsed = clean("from a\nParameter seed 1\nsYsTeM hi\nmessage user hello\nrequires 0.14.0\ndraft ./d.gguf\nrenderer r\nparser p\nadapter ./l.gguf\nlicense MIT\ntemplate {{ .Prompt }}");
    assert.deepEqual(
      parsed.commands.map((c) => c.instruction),
      ["FROM", "PARAMETER", "SYSTEM", "MESSAGE", "REQUIRES", "DRAFT", "RENDERER", "PARSER", "ADAPTER", "LICENSE", "TEMPLATE"],
    );
    assert.equal(parsed.commands[0]!.keyword, "from");
  });

  it("records ranges for the keyword, the parameter name and the value", () => {
    const parsed = clean("  PARAMETER\ttop_k   40  ");
    const command = parsed.commands[0]!;
    assert.equal(command.instruction, "PARAMETER");
    if (command.instruction !== "PARAMETER") return;
    assert.deepEqual(command.keywordRange, { start: { line: 0, character: 2 }, end: { line: 0, character: 11 } });
    assert.deepEqual(command.nameRange, { start: { line: 0, character: 12 }, end: { line: 0, character: 17 } });
    assert.deepEqual(command.valueRange, { start: { line: 0, character: 20 }, end: { line: 0, character: 22 } });
    assert.deepEqual(command.range, { start: { line: 0, character: 2 }, end: { line: 0, character: 22 } });
    assert.equal(command.value, "40");
  });

  it("takes quoted values without escapes, as Ollama does", () => {
    const parsed = clean('SYSTEM "You are \\"Mario\\"."\nPARAMETER stop "<|im_end|>"\nSYSTEM "He said "hi""\nSYSTEM ""');
    assert.deepEqual(
      parsed.commands.map((c) => c.value),
      ['You are \\"Mario\\".', "<|im_end|>", 'He said "hi"', ""],
    );
    assert.equal(parsed.commands[1]!.quoting, "quoted");
    assert.deepEqual(parsed.commands[1]!.contentRange, { start: { line: 1, character: 16 }, end: { line: 1, character: 26 } });
  });

  it("reads triple-quoted values across lines, keeping inner blank lines and quotes", () => {
    const text = 'TEMPLATE """\n{{ if .System }}<|system|>{{ .System }}{{ end }}\n\n  indented "quoted"\n"""\nFROM x';
    const parsed = clean(text);
    assert.equal(parsed.commands[0]!.value, '\n{{ if .System }}<|system|>{{ .System }}{{ end }}\n\n  indented "quoted"\n');
    assert.equal(parsed.commands[0]!.quoting, "triple");
    assert.deepEqual(parsed.commands[0]!.valueRange, { start: { line: 0, character: 9 }, end: { line: 4, character: 3 } });
    assert.deepEqual(parsed.commands[1]!.range.start, { line: 5, character: 0 });
  });

  it("reads \"\"\" opened and closed on the same line, and text right after the opening", () => {
    const parsed = clean('SYSTEM """one line"""\nSYSTEM """first\nlast"""\nSYSTEM """"""\nSYSTEM """ends with a quote""""');
    assert.deepEqual(parsed.commands.map((c) => c.value), ["one line", "first\nlast", "", 'ends with a quote"']);
  });

  it("lets a plain quoted value span lines, as Ollama does", () => {
    const parsed = clean('SYSTEM "first\nsecond"\nFROM x');
    assert.equal(parsed.commands[0]!.value, "first\nsecond");
  });

  it("treats # as a comment only where an instruction could start", () => {
    const parsed = clean('  # indented comment\nFROM model # not a comment\nSYSTEM """\n# inside a block\n"""');
    assert.equal(parsed.commands[0]!.value, "model # not a comment");
    assert.equal(parsed.commands[1]!.value, "\n# inside a block\n");
    assert.equal(parsed.comments.length, 1);
    assert.equal(parsed.comments[0]!.text, " indented comment");
  });

  it("handles CRLF, lone CR, tabs and a byte order mark, keeping a value's own line ends as Ollama does", () => {
    const parsed = clean('\uFEFFFROM\tmodel\r\nPARAMETER\ttemperature\t0.5\r\nSYSTEM """a\r\nb"""\r\rMESSAGE user hi\r\n');
    assert.deepEqual(meaning(parsed.commands), [
      { instruction: "FROM", value: "model" },
      { instruction: "PARAMETER", name: "temperature", value: "0.5" },
      { instruction: "SYSTEM", value: "a\r\nb" },
      { instruction: "MESSAGE", role: "user", value: "hi" },
    ]);
    assert.equal(parsed.commands[3]!.range.start.line, 5);
  });

  it("accepts the three message roles and rejects others with a fix for the case", () => {
    const parsed = parseModelfile("MESSAGE system s\nMESSAGE user u\nMESSAGE assistant a\nMESSAGE User x\nMESSAGE tool t\nMESSAGE user: y");
    assert.deepEqual(meaning(parsed.commands).map((c) => c.role), ["system", "user", "assistant"]);
    assert.deepEqual(
      parsed.errors.map((e) => [e.code, e.range.start.line, e.suggestion]),
      [
        ["invalidMessageRole", 3, "user"],
        ["invalidMessageRole", 4, undefined],
        ["invalidMessageRole", 5, "user"],
      ],
    );
  });

  it("reports errors with line and column and goes on parsing", () => {
    const parsed = parseModelfile("FROM\nPARAMETER temperature\nPARAMETER\nFORM x\nPARAMETER top-k 4\n1abc\nSYSTEM ok");
    assert.deepEqual(
      parsed.errors.map((e) => [e.code, e.range.start.line, e.range.start.character]),
      [
        ["missingValue", 0, 0],
        ["missingValue", 1, 0],
        ["missingValue", 2, 0],
        ["unknownInstruction", 3, 0],
        ["invalidParameterName", 4, 10],
        ["unknownInstruction", 5, 0],
      ],
    );
    assert.deepEqual(meaning(parsed.commands), [{ instruction: "SYSTEM", value: "ok" }]);
    for (const error of parsed.errors) assert.ok(error.message.length > 10);
  });

  it("skips the block of an unknown instruction instead of reading it as instructions", () => {
    const parsed = parseModelfile('SYSTEMS """\nFROM not-an-instruction\n"""\nFROM real');
    assert.equal(parsed.errors.length, 1);
    assert.deepEqual(meaning(parsed.commands), [{ instruction: "FROM", value: "real" }]);
  });

  it("reports an unterminated quote at its opening", () => {
    const triple = parseModelfile('FROM x\nTEMPLATE """\n{{ .Prompt }}\n');
    assert.deepEqual(triple.errors.map((e) => [e.code, e.range.start.line, e.range.start.character, e.range.end.character]), [["unterminatedValue", 1, 9, 12]]);
    assert.equal(triple.commands.length, 1);
    // Text after the closing quote keeps the value open, as in Ollama.
    const trailing = parseModelfile('SYSTEM "quoted" and more\nFROM x');
    assert.deepEqual(trailing.errors.map((e) => e.code), ["unterminatedValue"]);
    const single = parseModelfile('SYSTEM "');
    assert.deepEqual(single.errors.map((e) => e.code), ["unterminatedValue"]);
  });

  it("reads an instruction followed only by spaces as an empty value, as Ollama does; a bare instruction stays an error", () => {
    const parsed = clean("FROM \nSYSTEM   \nLICENSE\t\nMESSAGE user \nPARAMETER stop \nTEMPLATE ");
    assert.deepEqual(meaning(parsed.commands), [
      { instruction: "FROM", value: "" },
      { instruction: "SYSTEM", value: "" },
      { instruction: "LICENSE", value: "" },
      { instruction: "MESSAGE", role: "user", value: "" },
      { instruction: "PARAMETER", name: "stop", value: "" },
      { instruction: "TEMPLATE", value: "" },
    ]);
    assert.ok(parsed.commands.every((command) => command.quoting === "none"));
    // An empty value sits right after the space that ends the instruction.
    assert.deepEqual(parsed.commands[1]!.valueRange, { start: { line: 1, character: 7 }, end: { line: 1, character: 7 } });
    assert.deepEqual(parsed.commands[1]!.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 7 } });
    // Without the space, Ollama reads the line end as part of the instruction and refuses it.
    for (const text of ["FROM a\nSYSTEM\n", "FROM a\nSYSTEM", "FROM a\r\nSYSTEM\r\n"]) {
      const bare = parseModelfile(text);
      assert.deepEqual(bare.errors.map((e) => [e.code, e.range.start.line, e.range.end.character]), [["missingValue", 1, 6]], JSON.stringify(text));
      assert.match(bare.errors[0]!.message, /SYSTEM needs a value/);
    }
  });

  it("keeps the CRLF line ends inside a quoted value, as Ollama does, and counts lines as VS Code does", () => {
    const text = 'FROM x\r\nTEMPLATE """<|user|>\r\n{{ .Prompt }}\r\n\r\n<|assistant|>"""\r\nSYSTEM "one\r\ntwo"\r\nLICENSE """\ra\r"""\n';
    const parsed = clean(text);
    assert.deepEqual(
      parsed.commands.map((c) => c.value),
      ["x", "<|user|>\r\n{{ .Prompt }}\r\n\r\n<|assistant|>", "one\r\ntwo", "\ra\r"],
    );
    assert.deepEqual(parsed.commands[1]!.valueRange, { start: { line: 1, character: 9 }, end: { line: 4, character: 16 } });
    assert.deepEqual(parsed.commands[2]!.range.start, { line: 5, character: 0 });
    assert.deepEqual(parsed.commands[3]!.range, { start: { line: 7, character: 0 }, end: { line: 9, character: 3 } });
    // Written back, the line ends inside the values stay as they are.
    assert.deepEqual(clean(formatModelfile(parsed)).commands.map((c) => c.value), parsed.commands.map((c) => c.value));
  });

  it("ends PARAMETER's name and MESSAGE's role at a single space, as Ollama does", () => {
    const parameter = clean("FROM a\nPARAMETER  temperature 0.7\nPARAMETER \ttop_k 4\nPARAMETER num_ctx  4096\nPARAMETER\tseed\t1");
    assert.deepEqual(meaning(parameter.commands).slice(1), [
      { instruction: "PARAMETER", name: "", value: "temperature 0.7" },
      { instruction: "PARAMETER", name: "", value: "top_k 4" },
      { instruction: "PARAMETER", name: "num_ctx", value: "4096" },
      { instruction: "PARAMETER", name: "seed", value: "1" },
    ]);
    const command = parameter.commands[1]!;
    if (command.instruction !== "PARAMETER") throw new Error("not a PARAMETER");
    assert.deepEqual(command.nameRange, { start: { line: 1, character: 10 }, end: { line: 1, character: 10 } });
    assert.deepEqual(command.valueRange.start, { line: 1, character: 11 });

    const message = parseModelfile("FROM a\nMESSAGE  user hi\nmessage \tAssistant hello\nMESSAGE  bot x");
    assert.deepEqual(message.commands.length, 1);
    assert.deepEqual(
      message.errors.map((e) => [e.code, e.range.start.line, e.range.start.character, e.range.end.character, e.suggestion]),
      [
        ["extraSpace", 1, 0, 13, "MESSAGE user"],
        ["extraSpace", 2, 0, 18, "message assistant"],
        ["extraSpace", 3, 0, 12, undefined],
      ],
    );
    assert.match(message.errors[0]!.message, /^Ollama reads this as a MESSAGE with an empty role/);
  });

  it("reads characters Go does not print as Ollama does: dropped from words and values, an error where a space is expected", () => {
    const parsed = parseModelfile("\u200bFROM x\nSYSTEM hi\u200bthere\u00a0!\nFROM\u00a0llama3\n\u00a0# not a comment\nPARAMETER top_k\u00a04");
    assert.deepEqual(meaning(parsed.commands), [
      { instruction: "FROM", value: "x" },
      { instruction: "SYSTEM", value: "hithere!" },
    ]);
    assert.deepEqual(
      parsed.errors.map((e) => [e.code, e.range.start.line]),
      [
        ["unknownInstruction", 2],
        ["unknownInstruction", 3],
        ["invalidParameterName", 4],
      ],
    );
  });

  it("stops, like Ollama, at the first problem: a syntax error, else a missing FROM for the whole file", () => {
    assert.equal(firstModelfileProblem(parseModelfile("FROM a\nSYSTEM ok")), undefined);
    assert.equal(firstModelfileProblem(parseModelfile("FROM a\nFORM b\nSYSTEM \"open"))?.code, "unknownInstruction");
    for (const [text, pattern] of [
      ["", /no instructions/],
      ["\n  \n\t\r\n", /no instructions/],
      ["# only a comment\n  # and another", /no instructions/],
      ["SYSTEM hi\nPARAMETER seed 1", /no FROM line/],
    ] as const) {
      const problem = firstModelfileProblem(parseModelfile(text));
      assert.equal(problem?.code, "missingFrom", JSON.stringify(text));
      assert.equal(problem.wholeFile, true);
      assert.match(problem.message, pattern);
    }
  });

  it("parses an empty file, blank lines and comments only", () => {
    assert.deepEqual(parseModelfile(""), { commands: [], errors: [], comments: [] });
    assert.deepEqual(parseModelfile("\n\n   \n\t\n").commands, []);
    assert.equal(parseModelfile("# a\n#b\n").comments.length, 2);
  });

  it("never throws on binary garbage", () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let round = 0; round < 50; round++) {
      const chars = Array.from({ length: 2000 }, () => String.fromCharCode(random() % 65536));
      const garbage = chars.join("");
      const parsed = parseModelfile(garbage);
      assert.ok(Array.isArray(parsed.commands) && Array.isArray(parsed.errors));
      // Whatever parsed survives formatting.
      assert.deepEqual(meaning(parseModelfile(formatModelfile(parsed)).commands), meaning(parsed.commands));
    }
    const nul = parseModelfile("FROM a\u0000b\nSYSTEM x\u0007y\n\u0000\u0001\u0002");
    assert.deepEqual(nul.commands.map((c) => c.value), ["ab", "xy"]);
    assert.equal(nul.errors.length, 1);
  });

  it("parses a 10,000-line file in one pass", () => {
    const lines: string[] = ["FROM base"];
    for (let i = 0; i < 2000; i++) {
      lines.push(`PARAMETER stop "s${i}"`, `# comment ${i}`, 'MESSAGE user """', `line ${i}`, '"""');
    }
    const text = lines.join("\n");
    const parsed = clean(text);
    assert.equal(parsed.commands.length, 1 + 4000);
    assert.equal(parsed.comments.length, 2000);
    const last = parsed.commands[parsed.commands.length - 1]!;
    assert.equal(last.value, "\nline 1999\n");
    assert.equal(last.range.end.line, 10000);
    // One triple-quoted value of 10,000 lines.
    const block = `SYSTEM """\n${Array.from({ length: 10000 }, (_, i) => `row ${i}`).join("\n")}\n"""`;
    assert.equal(clean(block).commands[0]!.value.split("\n").length, 10002);
  });
});

describe("Modelfile writer", () => {
  it("quotes values canonically", () => {
    assert.equal(quoteModelfileValue("llama3.2"), "llama3.2");
    assert.equal(quoteModelfileValue("two words"), '"two words"');
    assert.equal(quoteModelfileValue(""), '""');
    assert.equal(quoteModelfileValue("a\nb"), '"""a\nb"""');
    assert.equal(quoteModelfileValue(' padded '), '" padded "');
    assert.equal(quoteModelfileValue('"starts'), '""starts"');
    assert.equal(quoteModelfileValue('""x y'), '"""""x y"""');
    assert.equal(quoteModelfileValue("tab\there"), '"tab\there"');
  });

  it("writes upper-case instructions and keeps comments and single blank lines", () => {
    const text = "# header\n\n\nfrom   llama3.2\nparameter temperature   0.7\nsystem You are terse.\n\n# examples\nmessage user \"\"\"hi\nthere\"\"\"\n";
    assert.equal(
      formatModelfileText(text),
      '# header\n\nFROM llama3.2\nPARAMETER temperature 0.7\nSYSTEM "You are terse."\n\n# examples\nMESSAGE user """hi\nthere"""\n',
    );
    assert.equal(formatModelfileText("FROM\n"), null);
    // An extra space after PARAMETER: formatting would make Ollama's misreading permanent.
    assert.equal(formatModelfileText("FROM a\nPARAMETER  temperature 0.7\n"), null);
    assert.equal(formatModelfileText("FROM \nSYSTEM \n"), 'FROM ""\nSYSTEM ""\n');
  });

  it("round-trips: parse(format(x)) has the same commands as x", () => {
    const samples = [
      'FROM ./models/q.gguf\nTEMPLATE """{{ if .System }}<|im_start|>system\n{{ .System }}<|im_end|>\n{{ end }}"""\nPARAMETER stop "<|im_start|>"\nPARAMETER stop <|im_end|>',
      'SYSTEM "He said "hi""\nSYSTEM """ends with """"\nSYSTEM "a\\"b"\nMESSAGE assistant """\n\n  spaced  \n\n"""',
      "LICENSE \"\"\"MIT License\n\nCopyright\"\"\"\nADAPTER \"./my adapter.gguf\"\nREQUIRES 0.14.0",
      'SYSTEM "line one\nline two"""\nSYSTEM x',
    ];
    for (const sample of samples) {
      const parsed = clean(sample);
      const formatted = formatModelfile(parsed);
      const again = clean(formatted);
      assert.deepEqual(meaning(again.commands), meaning(parsed.commands), formatted);
      assert.equal(formatModelfile(again), formatted, "formatting is idempotent");
    }
  });
});
