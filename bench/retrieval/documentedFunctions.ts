// Finds the documented functions of a source file, for the public retrieval benchmark: each
// function (or method) with a body and a doc comment, the doc comment's lines, the function's
// exact line range and the doc's first sentence (the benchmark's query). Independent of Hearth's
// own chunker on purpose: the answers must not be drawn by the code under test. A line scanner
// that knows strings and comments, not a parser; what it cannot read with confidence it skips.

export type CorpusLanguage = "typescript" | "python" | "java" | "go" | "rust";

export interface DocumentedFunction {
  name: string;
  /** 1-based, inclusive: the doc comment's lines (for Python, the docstring's). */
  docFrom: number;
  docTo: number;
  /** 1-based, inclusive: the function from its declaration (annotations included) to its end. */
  startLine: number;
  endLine: number;
  /** The doc comment's first sentence, the function's own leading name removed. */
  sentence: string;
}

const controlWords = new Set(["if", "for", "while", "switch", "catch", "return", "new", "throw", "else", "do", "try", "typeof", "function", "super", "this", "await", "yield", "case", "synchronized", "match", "loop"]);

/** The documented functions of `text`, in file order. */
export function documentedFunctions(text: string, language: CorpusLanguage): DocumentedFunction[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  return language === "python" ? pythonFunctions(lines) : braceFunctions(lines, language);
}

/** `text` with the given 1-based inclusive line ranges emptied (line numbers kept). */
export function blankLines(text: string, ranges: ReadonlyArray<{ from: number; to: number }>): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  for (const { from, to } of ranges) for (let i = from - 1; i <= to - 1 && i < lines.length; i++) lines[i] = "";
  return lines.join("\n");
}

/** The first sentence of a doc comment's text (markup removed), or "" when it has none worth asking. */
export function firstSentence(doc: string, name?: string): string {
  const paragraph: string[] = [];
  for (const raw of doc.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("@") || line.startsWith("#") || line.startsWith("```") || /^[-=]{3,}$/.test(line)) break;
    if (!line) {
      if (paragraph.length > 0) break;
      continue;
    }
    paragraph.push(line);
  }
  let text = paragraph
    .join(" ")
    .replace(/\{@(?:link|linkplain|code|literal)\s+([^}]*)\}/g, (_m, inner: string) => inner.replace(/#/g, " ").trim())
    .replace(/\{@inheritDoc\}/gi, "")
    .replace(/<\/?[a-zA-Z][^>]*>/g, "")
    .replace(/\[`?([^\]`]+)`?\](?:\([^)]*\)|\[[^\]]*\])?/g, "$1")
    .replace(/[`*]/g, "")
    .replace(/:(?:func|meth|class|attr|data|exc|obj|mod):`?~?([\w.]+)`?/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  const end = /[.!?](?=\s|$)/.exec(text);
  if (end) text = text.slice(0, end.index + 1);
  if (name) text = text.replace(new RegExp(`^(?:The\\s+)?${name.replace(/[$]/g, "\\$")}\\b\\s*`, ""), "").trim();
  const words = text.split(/\s+/).filter((word) => /\w/.test(word));
  if (words.length < 3) return "";
  if (/^(?:deprecated|see |todo|internal|overrides?\b|same as|alias|inherits|returns? this\b|@)/i.test(text)) return "";
  return text;
}

// ── Brace languages ─────────────────────────────────────────────────────────────────────────

function headName(line: string, language: CorpusLanguage): string | null {
  const text = line.trim();
  let match: RegExpExecArray | null = null;
  if (language === "go") {
    match = /^func\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)/.exec(text);
  } else if (language === "rust") {
    match = /^(?:pub(?:\([^)]*\))?\s+)?(?:default\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+"[^"]*"\s+)?fn\s+([A-Za-z_]\w*)/.exec(text);
  } else if (language === "java") {
    if (/\b(?:class|interface|enum|record)\s/.test(text) || /^@interface/.test(text)) return null;
    match = /^(?:(?:public|protected|private|static|final|abstract|synchronized|native|default|strictfp)\s+)*(?:<[^()]*>\s+)?(?:[\w$.]+(?:<[^()]*>)?(?:\[\])*\s+)?([A-Za-z_$][\w$]*)\s*\(/.exec(text);
  } else {
    match =
      /^(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/.exec(text) ??
      /^(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\(|<|[A-Za-z_$][\w$]*\s*=>)/.exec(text) ??
      /^(?:(?:public|private|protected|static|async|override|readonly|abstract|get|set|declare)\s+)*\*?\s*([A-Za-z_$#][\w$]*)\s*\??\s*(?:<[^()]*>)?\s*\(/.exec(text);
  }
  if (!match) return null;
  const name = match[1]!;
  return controlWords.has(name) ? null : name;
}

/** The 0-based line where the body that starts at or after `head` closes; null when it has none. */
function braceBodyEnd(lines: readonly string[], head: number, language: CorpusLanguage): number | null {
  let braces = 0;
  let parens = 0;
  let opened = false;
  let mode: "code" | "block" | "string" | "raw" = "code";
  let quote = "";
  let rawEnd = "";
  for (let l = head; l < lines.length && l < head + 3000; l++) {
    const line = lines[l]!;
    let i = 0;
    while (i < line.length) {
      const c = line[i]!;
      const next = line[i + 1] ?? "";
      if (mode === "block") {
        if (c === "*" && next === "/") {
          mode = "code";
          i += 2;
        } else i++;
        continue;
      }
      if (mode === "string") {
        if (c === "\\") i += 2;
        else {
          if (c === quote) mode = "code";
          i++;
        }
        continue;
      }
      if (mode === "raw") {
        if (line.startsWith(rawEnd, i)) {
          mode = "code";
          i += rawEnd.length;
        } else i++;
        continue;
      }
      if (c === "/" && next === "/") break;
      if (c === "/" && next === "*") {
        mode = "block";
        i += 2;
        continue;
      }
      if (c === '"' || (c === "'" && language === "typescript")) {
        mode = "string";
        quote = c;
        i++;
        continue;
      }
      if (c === "`") {
        if (language === "typescript") {
          mode = "string";
          quote = "`";
        } else if (language === "go") {
          mode = "raw";
          rawEnd = "`";
        }
        i++;
        continue;
      }
      if (c === "'") {
        const literal = /^'(?:\\(?:u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{1,3}|.)|[^\\'])'/.exec(line.slice(i));
        i += literal ? literal[0].length : 1;
        continue;
      }
      if (language === "rust" && c === "r" && /^r#*"/.test(line.slice(i)) && !/\w/.test(line[i - 1] ?? "")) {
        const hashes = /^r(#*)"/.exec(line.slice(i))![1]!;
        mode = "raw";
        rawEnd = `"${hashes}`;
        i += 2 + hashes.length;
        continue;
      }
      if (c === "(" || c === "[") parens++;
      else if (c === ")" || c === "]") parens--;
      else if (c === "{") {
        if (parens === 0) opened = true;
        braces++;
      } else if (c === "}") {
        braces--;
        if (opened && braces === 0) return l;
      } else if (c === ";" && parens === 0 && braces === 0 && !opened) return null;
      i++;
    }
    if (mode === "string" && quote !== "`") mode = "code";
  }
  return null;
}

function braceFunctions(lines: readonly string[], language: CorpusLanguage): DocumentedFunction[] {
  const found: DocumentedFunction[] = [];
  let i = 0;
  while (i < lines.length) {
    const trimmed = lines[i]!.trim();
    let docFrom = -1;
    let docTo = -1;
    let doc = "";
    if ((language === "typescript" || language === "java") && trimmed.startsWith("/**") && !trimmed.startsWith("/***")) {
      let j = i;
      while (j < lines.length && !lines[j]!.includes("*/")) j++;
      if (j >= lines.length || lines[j]!.slice(lines[j]!.indexOf("*/") + 2).trim() !== "") {
        i = j + 1;
        continue;
      }
      docFrom = i;
      docTo = j;
      doc = lines
        .slice(i, j + 1)
        .map((line) => line.replace(/^\s*\/\*\*\s?/, "").replace(/\*\/\s*$/, "").replace(/^\s*\*\s?/, ""))
        .join("\n");
    } else if (language === "rust" && /^\/\/\/(?!\/)/.test(trimmed)) {
      let j = i;
      while (j + 1 < lines.length && /^\/\/\/(?!\/)/.test(lines[j + 1]!.trim())) j++;
      docFrom = i;
      docTo = j;
      doc = lines.slice(i, j + 1).map((line) => line.trim().replace(/^\/\/\/\s?/, "")).join("\n");
    } else if (language === "go" && trimmed.startsWith("//") && (i === 0 || !lines[i - 1]!.trim().startsWith("//"))) {
      let j = i;
      while (j + 1 < lines.length && lines[j + 1]!.trim().startsWith("//")) j++;
      docFrom = i;
      docTo = j;
      doc = lines
        .slice(i, j + 1)
        .map((line) => line.trim().replace(/^\/\/\s?/, ""))
        .filter((line) => !/^go:|^nolint/.test(line))
        .join("\n");
    }
    if (docFrom < 0) {
      i++;
      continue;
    }
    let head = docTo + 1;
    const decoration = language === "rust" ? /^#!?\[/ : /^@(?!interface)\w/;
    while (head < lines.length && language !== "go" && decoration.test(lines[head]!.trim()) && !/[{;]\s*$/.test(lines[head]!.trim())) head++;
    const name = head < lines.length ? headName(lines[head]!, language) : null;
    const end = name ? braceBodyEnd(lines, head, language) : null;
    if (name && end !== null) {
      const sentence = firstSentence(doc, name);
      if (sentence) found.push({ name, docFrom: docFrom + 1, docTo: docTo + 1, startLine: docTo + 2, endLine: end + 1, sentence });
    }
    i = docTo + 1;
  }
  return found;
}

// ── Python ──────────────────────────────────────────────────────────────────────────────────

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function pythonFunctions(lines: readonly string[]): DocumentedFunction[] {
  // Lines that start inside a triple-quoted string are not code.
  const inString: boolean[] = [];
  let triple = "";
  for (const line of lines) {
    inString.push(triple !== "");
    let i = 0;
    while (i < line.length) {
      if (triple) {
        if (line[i] === "\\") i += 2;
        else if (line.startsWith(triple, i)) {
          i += 3;
          triple = "";
        } else i++;
        continue;
      }
      const c = line[i]!;
      if (c === "#") break;
      if ((c === '"' || c === "'") && line.startsWith(c.repeat(3), i)) {
        triple = c.repeat(3);
        i += 3;
        continue;
      }
      if (c === '"' || c === "'") {
        i++;
        while (i < line.length && line[i] !== c) i += line[i] === "\\" ? 2 : 1;
      }
      i++;
    }
  }
  const found: DocumentedFunction[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (inString[i]) continue;
    const match = /^(\s*)(?:async\s+)?def\s+([A-Za-z_]\w*)/.exec(lines[i]!);
    if (!match) continue;
    const indent = match[1]!.length;
    // The signature ends at the first line ending in ':' outside brackets.
    let depth = 0;
    let sigEnd = -1;
    for (let j = i; j < lines.length && j < i + 40; j++) {
      const code = lines[j]!.replace(/#.*$/, "");
      for (const c of code) {
        if ("([{".includes(c)) depth++;
        else if (")]}".includes(c)) depth--;
      }
      if (depth <= 0 && /:\s*$/.test(code.trimEnd())) {
        sigEnd = j;
        break;
      }
    }
    if (sigEnd < 0) continue;
    let docFrom = sigEnd + 1;
    while (docFrom < lines.length && lines[docFrom]!.trim() === "") docFrom++;
    const docLine = lines[docFrom]?.trim() ?? "";
    const quote = /^[rRuU]?("""|''')/.exec(docLine);
    if (!quote) continue;
    const delimiter = quote[1]!;
    let docTo = docFrom;
    const afterOpen = docLine.slice(quote[0].length);
    if (!afterOpen.includes(delimiter)) {
      docTo = docFrom + 1;
      while (docTo < lines.length && !lines[docTo]!.includes(delimiter)) docTo++;
      if (docTo >= lines.length) continue;
      if (lines[docTo]!.slice(lines[docTo]!.indexOf(delimiter) + 3).trim() !== "") continue;
    } else if (afterOpen.slice(afterOpen.indexOf(delimiter) + 3).trim() !== "") continue;
    let end = docTo;
    for (let k = docTo + 1; k < lines.length; k++) {
      const line = lines[k]!;
      if (line.trim() === "") continue;
      if (!inString[k] && indentOf(line) <= indent) break;
      end = k;
    }
    const doc = lines
      .slice(docFrom, docTo + 1)
      .join("\n")
      .trim()
      .replace(/^[rRuU]?("""|''')/, "")
      .replace(/("""|''')$/, "");
    const sentence = firstSentence(doc.split("\n").map((line) => line.trim()).join("\n"), match[2]!);
    if (sentence) found.push({ name: match[2]!, docFrom: docFrom + 1, docTo: docTo + 1, startLine: i + 1, endLine: end + 1, sentence });
  }
  return found;
}
