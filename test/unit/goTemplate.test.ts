// Go templates as Ollama's TEMPLATEs use them: the syntax (trimming, comments, if/else if/with/
// range, variables, pipelines, functions), Ollama's two ways of rendering a chat (.Messages, or
// .System/.Prompt/.Response per turn and cut at .Response), stop markers, and errors that come
// back as diagnostics with their place in the text, never as exceptions.
import * as assert from "node:assert/strict";
import { renderOllamaPrompt, templateStopSequences, usesMessages } from "../../src/common/modelfile/goTemplate";
import type { TemplateMessage } from "../../src/common/modelfile/goTemplate";
import { parseGoTemplate } from "../../src/common/modelfile/goTemplateParser";
import { renderGoTemplate } from "../../src/common/modelfile/goTemplateRunner";
import type { GoTemplateValue } from "../../src/common/modelfile/goTemplateSyntax";

function render(source: string, data: GoTemplateValue): string {
  const parsed = parseGoTemplate(source);
  assert.deepEqual(parsed.diagnostics, [], `parse errors in ${source}`);
  const result = renderGoTemplate(parsed, data);
  assert.equal(result.error, undefined, result.error?.message);
  return result.text;
}

function firstError(source: string): { message: string; at: string } {
  const parsed = parseGoTemplate(source);
  const error = parsed.diagnostics[0];
  assert.ok(error, `expected a parse error in ${source}`);
  return { message: error.message, at: source.slice(error.start, error.end) };
}

/** Ollama's qwen2.5 template (library/qwen2.5), tools and all. */
const chatMl = `{{- if .Messages }}
{{- if or .System .Tools }}<|im_start|>system
{{- if .System }}
{{ .System }}
{{- end }}
{{- if .Tools }}

# Tools

You are provided with function signatures within <tools></tools> XML tags:
<tools>
{{- range .Tools }}
{"type": "function", "function": {{ .Function }}}
{{- end }}
</tools>
{{- end }}<|im_end|>
{{ end }}
{{- range $i, $_ := .Messages }}
{{- $last := eq (len (slice $.Messages $i)) 1 -}}
{{- if eq .Role "user" }}<|im_start|>user
{{ .Content }}<|im_end|>
{{ else if eq .Role "assistant" }}<|im_start|>assistant
{{ if .Content }}{{ .Content }}
{{- else if .ToolCalls }}<tool_call>
{{ range .ToolCalls }}{"name": "{{ .Function.Name }}", "arguments": {{ .Function.Arguments }}}
{{ end }}</tool_call>
{{- end }}{{ if not $last }}<|im_end|>
{{ end }}
{{- else if eq .Role "tool" }}<|im_start|>user
<tool_response>
{{ .Content }}
</tool_response><|im_end|>
{{ end }}
{{- if and (ne .Role "assistant") $last }}<|im_start|>assistant
{{ end }}
{{- end }}
{{- else }}
{{- if .System }}<|im_start|>system
{{ .System }}<|im_end|>
{{ end }}{{ if .Prompt }}<|im_start|>user
{{ .Prompt }}<|im_end|>
{{ end }}<|im_start|>assistant
{{ end }}{{ .Response }}{{ if .Response }}<|im_end|>{{ end }}`;

/** A Llama 2 template in the older one-turn form. */
const llama2 = `{{- if .System }}<s>[INST] <<SYS>>
{{ .System }}
<</SYS>>

{{ else }}<s>[INST] {{ end }}{{ .Prompt }} [/INST] {{ .Response }}</s>`;

const conversation: TemplateMessage[] = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Hi" },
  { role: "assistant", content: "Hello." },
  { role: "user", content: "What is 2+2?" },
];

describe("Go templates (Ollama's TEMPLATE)", () => {
  it("renders fields, literals and Go's printing", () => {
    assert.equal(render("{{ .System }}|{{ .Prompt }}", { System: "s", Prompt: "p" }), "s|p");
    assert.equal(render('{{ "a\\tb" }} {{ `raw\\n` }} {{ 42 }} {{ 1.5 }} {{ true }} {{ 0x10 }}', {}), "a\tb raw\\n 42 1.5 true 16");
    assert.equal(render("{{ .Missing }}{{ .A.B }}", { A: { B: "deep" } }), "deep");
    assert.equal(render("{{ print 1 2 \"x\" 3 }} {{ printf \"%s=%d %q\" \"n\" 7 \"q\" }}", {}), "1 2x3 n=7 \"q\"");
    assert.equal(render("{{ json .Tools }} {{ len .Tools }} {{ len \"你好\" }}", { Tools: [{ name: "<a>" }] }), '[{"name":"\\u003ca\\u003e"}] 1 6');
    assert.equal(render("{{ html \"<b>&\" }} {{ urlquery \"a b&c\" }}", {}), "&lt;b&gt;&amp; a+b%26c");
  });

  it("trims whitespace at {{- and -}} and drops comments", () => {
    assert.equal(render("a  \n {{- .X -}} \n\t b", { X: "x" }), "axb");
    assert.equal(render("a {{-3}} b", {}), "a -3 b");
    assert.equal(render("a {{/* a comment\nover lines */}} b {{- /* trimmed */ -}} c", {}), "a  bc");
  });

  it("branches with if, else if, else, not, and, or, eq, ne, lt", () => {
    const template = '{{ if eq .Role "user" }}U{{ else if eq .Role "assistant" "model" }}A{{ else }}?{{ end }}';
    assert.equal(render(template, { Role: "user" }), "U");
    assert.equal(render(template, { Role: "model" }), "A");
    assert.equal(render(template, { Role: "tool" }), "?");
    assert.equal(render("{{ if not .S }}none{{ end }}{{ if and .A .B }}both{{ end }}{{ or .S .A }}", { A: "a", B: [1] }), "nonebotha");
    assert.equal(render("{{ if ne 1 2 }}ne{{ end }}{{ if lt 1 2 }}lt{{ end }}{{ if ge \"b\" \"a\" }}ge{{ end }}", {}), "neltge");
    // and/or stop at the first value that decides: the failing index is never evaluated.
    assert.equal(render("{{ if and .Empty (index .Empty 3) }}x{{ else }}short{{ end }}", { Empty: [] }), "short");
  });

  it("ranges over messages with $i, $m, $last, $. and break/continue", () => {
    const data = { System: "sys", Messages: [{ Role: "user", Content: "a" }, { Role: "assistant", Content: "b" }, { Role: "user", Content: "c" }] };
    assert.equal(
      render("{{ range $i, $m := .Messages }}{{ $i }}:{{ $m.Role }}={{ .Content }}{{ $.System }};{{ end }}", data),
      "0:user=asys;1:assistant=bsys;2:user=csys;",
    );
    assert.equal(
      render("{{ range $i, $_ := .Messages }}{{ $last := eq (len (slice $.Messages $i)) 1 }}{{ if $last }}last={{ .Content }}{{ end }}{{ end }}", data),
      "last=c",
    );
    assert.equal(render("{{ range .Messages }}{{ if eq .Role \"assistant\" }}{{ continue }}{{ end }}{{ .Content }}{{ end }}", data), "ac");
    assert.equal(render("{{ range .Messages }}{{ .Content }}{{ break }}{{ end }}", data), "a");
    assert.equal(render("{{ range .Tools }}t{{ else }}no tools{{ end }}", { Tools: [] }), "no tools");
    assert.equal(render("{{ with .Messages }}{{ len . }}{{ end }}{{ with .None }}x{{ else with .System }}{{ . }}{{ end }}", data), "3sys");
    assert.equal(render("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", {}), "2");
    assert.equal(render("{{ (index .Messages 1).Content }} {{ .System | printf \"<%s>\" }}", data), "b <sys>");
  });

  it("defines and calls named templates", () => {
    assert.equal(render('{{ define "t" }}[{{ . }}]{{ end }}{{ template "t" .X }}{{ block "b" .Y }}({{ . }}){{ end }}', { X: "x", Y: "y" }), "[x](y)");
  });

  it("renders a conversation through a .Messages template exactly as Ollama does", () => {
    const template = parseGoTemplate(chatMl);
    assert.deepEqual(template.diagnostics, []);
    assert.ok(usesMessages(template));
    const result = renderOllamaPrompt(template, conversation);
    assert.equal(result.error, undefined);
    assert.equal(
      result.text,
      "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello.<|im_end|>\n" +
        "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
    );
    // What the user and the model wrote is never template text (it is not read as special tokens).
    assert.deepEqual(
      result.segments.filter((s) => !s.literal).map((s) => s.text),
      ["Be brief.", "Hi", "Hello.", "What is 2+2?"],
    );
    // A partly written answer (a continuation) stays open: no <|im_end|> after it.
    const open = renderOllamaPrompt(template, [...conversation, { role: "assistant", content: "It is" }]);
    assert.ok(open.text.endsWith("<|im_start|>assistant\nIt is"), open.text);
  });

  it("renders the older one-turn form per pair and cuts the last turn at .Response", () => {
    const template = parseGoTemplate(llama2);
    assert.equal(usesMessages(template), false);
    const result = renderOllamaPrompt(template, conversation);
    assert.equal(result.error, undefined);
    assert.equal(result.text, "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello.</s><s>[INST] What is 2+2? [/INST] ");
    // Without .Response, Ollama adds {{ .Response }} at the end, so earlier answers stay in the prompt.
    const bare = parseGoTemplate("[INST] {{ if .System }}<<SYS>>{{ .System }}<</SYS>> {{ end }}{{ .Prompt }} [/INST]");
    assert.equal(renderOllamaPrompt(bare, conversation).text, "[INST] <<SYS>>Be brief.<</SYS>> Hi [/INST]Hello.[INST] What is 2+2? [/INST]");
    // Consecutive messages of one role are joined, as Ollama's collate does.
    const joined = renderOllamaPrompt(parseGoTemplate("{{ .Prompt }}|"), [{ role: "user", content: "a" }, { role: "user", content: "b" }]);
    assert.equal(joined.text, "a\n\nb|");
  });

  it("finds the turn markers a profile stops on", () => {
    assert.deepEqual(templateStopSequences(parseGoTemplate(chatMl)), ["<|im_start|>", "<|im_end|>"]);
    assert.deepEqual(templateStopSequences(parseGoTemplate(llama2)), ["[INST]", "<<SYS>>", "<</SYS>>", "[/INST]", "</s>"]);
    assert.deepEqual(
      templateStopSequences(parseGoTemplate("<|begin_of_text|>{{ range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n{{ .Content }}<|eot_id|>{{ end }}")),
      ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"],
    );
    assert.deepEqual(templateStopSequences(parseGoTemplate("### User:\n{{ .Prompt }}\n### Assistant:\n")), []);
  });

  it("reports syntax errors with their place, and never throws", () => {
    assert.deepEqual(firstError("ok {{ .Prompt"), { message: "This {{ has no matching }}: the template does not parse.", at: "{{" });
    assert.match(firstError("{{ if .System }}x").message, /has no \{\{ end \}\}/);
    assert.equal(firstError("{{ if .System }}x").at, "{{ if .System }}");
    assert.deepEqual(firstError("x{{ end }}").at, "{{ end }}");
    assert.deepEqual(firstError("{{ else }}").at, "{{ else }}");
    assert.deepEqual(firstError("{{ upper .Prompt }}"), { message: "The function \"upper\" is not defined.", at: "upper" });
    assert.deepEqual(firstError("{{ $m.Content }}"), { message: "The variable $m is not defined here.", at: "$m" });
    assert.deepEqual(firstError("{{ range .Messages }}{{ end }}{{ $m }}").at, "$m");
    assert.match(firstError("{{ if }}x{{ end }}").message, /needs a value/);
    assert.match(firstError("{{ len }}").message, /len takes 1 argument/);
    assert.match(firstError('{{ "unterminated }}').message, /no closing quote|has no matching/);
    assert.match(firstError("{{ .System .Prompt }}").message, /not a function/);
    assert.match(firstError("{{ break }}").message, /only inside \{\{ range \}\}/);
    assert.match(firstError('{{ template "nope" }}').message, /No template named "nope"/);
    assert.match(firstError("{{/* open comment }}").message, /no closing \*\//);
    for (const broken of ["{{", "}}{{", "{{ ( }}", "{{ (.A }}", "{{ .A | }}", "{{ := }}", "{{ $x := }}", "{{ 1x }}", "{{ else if }}", "{{ range $a, $b, $c := .M }}{{ end }}"]) {
      assert.doesNotThrow(() => parseGoTemplate(broken), broken);
    }
    const parsed = parseGoTemplate("{{ if .System }}x");
    assert.equal(renderGoTemplate(parsed, {}).error?.message, parsed.diagnostics[0]!.message);
  });

  it("never throws, whatever the text (10,000 random templates)", () => {
    const pieces = ["{{", "}}", "{{- ", " -}}", "if", "else", "end", "range", "with", "$i", "$", ".", ".Messages", ".Role", "$.System", ":=", "=", ",", "|", "(", ")", '"', "`", "'", "eq", "len", "slice", "index", "not", "and", "1", "-2", "x", " ", "\n", "/*", "*/", "define", "template", "block", "break", "continue", "nil", "true", "<|im_end|>"];
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const data = { System: "s", Messages: [{ Role: "user", Content: "a" }, { Role: "assistant", Content: "b" }] };
    for (let i = 0; i < 10_000; i++) {
      const text = Array.from({ length: 1 + random(24) }, () => pieces[random(pieces.length)]).join("");
      assert.doesNotThrow(() => {
        const parsed = parseGoTemplate(text);
        renderGoTemplate(parsed, data);
        renderOllamaPrompt(parsed, conversation);
        templateStopSequences(parsed);
      }, text);
    }
  });

  it("turns execution errors into diagnostics with the output so far", () => {
    const parsed = parseGoTemplate("before {{ index .Messages 5 }} after");
    const result = renderGoTemplate(parsed, { Messages: [] });
    assert.equal(result.text, "before ");
    assert.match(result.error!.message, /index 5 is out of range/);
    assert.equal(parsed.source.slice(result.error!.start, result.error!.end), "index .Messages 5");
    assert.match(renderGoTemplate(parseGoTemplate("{{ range .System }}{{ end }}"), { System: "s" }).error!.message, /range cannot go over a string/);
    assert.match(renderGoTemplate(parseGoTemplate("{{ .System.Name }}"), { System: "s" }).error!.message, /has no field Name/);
    assert.match(renderGoTemplate(parseGoTemplate('{{ define "r" }}{{ template "r" }}{{ end }}{{ template "r" }}'), {}).error!.message, /levels deep/);
    const started = Date.now();
    assert.match(renderGoTemplate(parseGoTemplate("{{ range 100000 }}{{ range 100000 }}{{ end }}{{ end }}"), {}).error!.message, /more than 2000000 steps/);
    assert.ok(Date.now() - started < 5000, "a runaway loop stops quickly");
  });
});
