// What a template may cost (issue 14, item 2). Rendering runs in the engine process, so a template
// that takes minutes stalls every client: every step of parsing and every function is linear in
// what it reads and writes, and what a rendering spends (steps, output, the functions' work) is
// bounded, for one template and for all the turns of a conversation together. Nothing here measures
// time: a quadratic algorithm makes the 400 kB cases run for minutes to hours and fail on mocha's
// timeout; the hostile cases must end with a budget error, which today's code never raises.
import * as assert from "node:assert/strict";
import { renderOllamaPrompt } from "../../src/common/modelfile/goTemplate";
import type { TemplateMessage } from "../../src/common/modelfile/goTemplate";
import { parseGoTemplate } from "../../src/common/modelfile/goTemplateParser";
import { renderGoTemplate } from "../../src/common/modelfile/goTemplateRunner";
import type { GoTemplateValue } from "../../src/common/modelfile/goTemplateSyntax";

function renderText(source: string, data: GoTemplateValue = {}): { text: string; error: string | undefined } {
  const parsed = parseGoTemplate(source);
  assert.deepEqual(parsed.diagnostics, [], `parse errors in ${source.slice(0, 80)}`);
  const result = renderGoTemplate(parsed, data);
  return { text: result.text, error: result.error?.message };
}

describe("Go template budgets", function () {
  // A quadratic printf takes hours on these; a linear one, milliseconds.
  this.timeout(60_000);

  it("renders a 400 kB printf format in one pass", () => {
    // A lone % with a long run of flag characters is not a verb and stays as written (Go's fmt
    // would print it as %!0(NOVERB)); a regular expression backtracked over every way of splitting
    // the run into flags and width.
    const zeros = `%${"0".repeat(400_000)}`;
    assert.deepEqual(renderText(`{{ printf "${zeros}" }}`), { text: zeros, error: undefined });
    const flags = `%${"-+# 0".repeat(80_000)}`;
    assert.equal(renderText(`{{ printf "${flags}" }}`).text, flags);
    // Many verbs: each is read once, its argument used once.
    const verbs = "%5.2f|%3s|%x|%q|%%|%d ".repeat(20_000);
    const result = renderText(`{{ printf "${verbs}" 3.14159 "ab" 255 "q" 7 }}`);
    assert.equal(result.error, undefined);
    assert.ok(result.text.startsWith(' 3.14| ab|ff|"q"|%|7 %!f(MISSING)|%!s(MISSING)|'), result.text.slice(0, 80));
    assert.ok(result.text.endsWith("|%!q(MISSING)|%|%!d(MISSING) "));
  });

  it("parses 400 kB of text and actions in linear time", () => {
    // Trimming before {{- read every run of spaces in the text (a regular expression anchored at the end).
    const spaced = `x${" \n".repeat(200_000)}x`;
    assert.deepEqual(renderText(`${spaced}{{- 1 }}`), { text: `${spaced}1`, error: undefined });
    // Thousands of variables: a look-up, parsing or running, does not scan all those declared after it.
    const declarations = Array.from({ length: 20_000 }, (_, i) => `{{ $v${i} := ${i} }}`).join("");
    const uses = Array.from({ length: 20_000 }, () => "{{ $v0 }}{{ $v0 = 0 }}").join("");
    assert.deepEqual(renderText(declarations + uses), { text: "0".repeat(20_000), error: undefined });
  });

  it("stops blocks nested past the limit with a diagnostic, not a stack overflow", () => {
    const deep = "{{ if 1 }}".repeat(50_000) + "{{ end }}".repeat(50_000);
    let parsed: ReturnType<typeof parseGoTemplate> | undefined;
    assert.doesNotThrow(() => (parsed = parseGoTemplate(deep)));
    assert.match(parsed!.diagnostics[0]!.message, /nested more than 200 deep/);
    const fine = "{{ if 1 }}".repeat(150) + "x" + "{{ end }}".repeat(150);
    assert.equal(renderText(fine).text, "x");
  });

  it("charges every function for what it reads and writes, so a hostile template stops with a budget error", () => {
    const big = "<a&b>".repeat(200);
    const data = { Big: big, Other: `${big}!` };
    const work = /functions handled more than 64000000 characters/;
    const output = /output grew past 4000000 characters/;
    // 100,000 turns of a function over 1,000 characters: 100 million characters, none of it output.
    for (const call of [
      "json $.Big",
      "print $.Big",
      "println $.Big",
      'printf "%s" $.Big',
      "html $.Big",
      "js $.Big",
      "urlquery $.Big",
      "len $.Big",
      "slice $.Big 0 1000",
      "eq $.Big $.Other",
      "lt $.Big $.Other",
    ]) {
      const result = renderText(`{{ range 100000 }}{{ $x := ${call} }}{{ end }}done`, data);
      assert.match(result.error ?? "", work, `${call}: ${result.error ?? "no error"}`);
    }
    // A value that doubles each turn never reaches a gigabyte.
    assert.match(renderText('{{ $x := "ab" }}{{ range 40 }}{{ $x = printf "%s%s" $x $x }}{{ end }}{{ len $x }}').error ?? "", output);
    // A width of a million, a thousand times over: refused before the gigabyte is built.
    assert.match(renderText(`{{ printf "${"%999999d".repeat(1000)}" ${"1 ".repeat(1000)} }}`).error ?? "", output);
    // Go's fmt refuses widths and precisions over a million.
    assert.deepEqual(renderText('{{ printf "%99999999d and the rest" 1 }}'), { text: "%!(NOVERB)%!(EXTRA int=1)", error: undefined });
    // A precision past what JavaScript prints is clamped, not an exception.
    assert.equal(renderText('{{ printf "%.500f" 1.5 }}').error, undefined);
    // A range over a huge number costs only the turns it takes.
    assert.match(renderText("{{ range 1000000000000 }}{{ end }}").error ?? "", /more than 2000000 steps/);
  });

  it("gives a conversation one budget for all its turns", () => {
    // The one-turn form renders once per user + assistant pair; each pair may not start afresh.
    const template = parseGoTemplate("{{ range 900000 }}{{ end }}{{ .Prompt }}{{ .Response }}");
    const messages: TemplateMessage[] = [];
    for (let i = 0; i < 3; i++) messages.push({ role: "user", content: `q${i}` }, { role: "assistant", content: `a${i}` });
    assert.match(renderOllamaPrompt(template, messages).error?.message ?? "", /more than 2000000 steps/);
    // Two turns fit.
    assert.equal(renderOllamaPrompt(template, messages.slice(0, 3)).error, undefined);
  });
});
