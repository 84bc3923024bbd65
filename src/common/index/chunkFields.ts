// The fields of a chunk for field-weighted keyword ranking (BM25F, issue 16): a word in a
// function's name or signature says more about the chunk than the same word deep in its body, and
// a word of the file's path (`operators/mergeMap.ts`) says something about every chunk of it.
//   - name: the chunk's symbol and its declaration lines (`def parse_header(value):`,
//     `public static <T> T requireNonNull(T obj)`, `func (c *Command) Execute() error {`);
//   - path: the file's path and name;
//   - doc: comment lines (`//`, `/* … */`, `///`, `#` where it is a comment, Python docstrings);
//   - body: every other line.
// A term's counts in the four fields travel packed into one number (`packFields`), so the index
// keeps one posting per term and chunk, and a plain count (an index written before fields) reads
// as a count in the body.
import type { ChunkLanguage } from "./fileFilters";
import { keywordTerms } from "./keywordTokenizer";

export const keywordFields = ["body", "name", "path", "doc"] as const;
export type KeywordField = (typeof keywordFields)[number];

/** Bits of each field in a packed count, body first (the low bits): body ≤ 1023, name/path ≤ 63, doc ≤ 255. */
const fieldBits = [10, 6, 6, 8] as const;
const fieldShift = [1, 2 ** 10, 2 ** 16, 2 ** 22] as const;
const fieldMax = fieldBits.map((bits) => 2 ** bits - 1);

/** Packs per-field counts (in `keywordFields` order) into one number; each count is capped at its field's width. */
export function packFields(counts: readonly number[]): number {
  let packed = 0;
  for (let f = 0; f < 4; f++) packed += Math.min(counts[f] ?? 0, fieldMax[f]!) * fieldShift[f]!;
  return packed;
}

/** The count of field `f` (an index into `keywordFields`) in a packed count. */
export function fieldCount(packed: number, f: number): number {
  return Math.floor(packed / fieldShift[f]!) % (fieldMax[f]! + 1);
}

/** All four counts of a packed count, in `keywordFields` order. */
export function unpackFields(packed: number): [number, number, number, number] {
  return [fieldCount(packed, 0), fieldCount(packed, 1), fieldCount(packed, 2), fieldCount(packed, 3)];
}

const hashComments = new Set<ChunkLanguage>(["python", "shell", "yaml", "toml", "ruby", "perl", "r", "makefile", "dockerfile"] as ChunkLanguage[]);

const controlWords = new Set(
  "if else for foreach while do switch case catch return throw new await yield try finally synchronized with assert print println super this typeof sizeof match loop unsafe defer go select elif except raise del not and or in is lambda".split(
    " ",
  ),
);

const declarationKeyword =
  /^(?:export\s+)?(?:default\s+)?(?:pub(?:\([\w:]+\))?\s+)?(?:async\s+|unsafe\s+|const\s+|extern\s+"[^"]*"\s+)*(?:def|fn|func|function\*?|class|interface|struct|trait|impl|enum|record|module|namespace|object|fun|macro_rules!)\b/;
const arrowDeclaration = /^(?:export\s+)?(?:const|let|var|readonly|public|private|protected|static|\s)*\s*[\w$]+\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]+)?=>|[\w$]+\s*=>)/;
const typeDeclaration = /^(?:export\s+)?(?:declare\s+)?(?:pub(?:\([\w:]+\))?\s+)?type\s+[\w$]+/;
/** `modifiers Type name(` or `name(` at the start of a line: a method, unless the first word is a statement's. */
const callShape = /^(?:@[\w.]+(?:\([^)]*\))?\s+)*(?:[\w$<>[\],.?&*:'" ]+\s)?([\w$]+)\s*(?:<[^()]*>)?\s*\(/;

/** Whether `trimmed` (a line without its indentation) declares something. */
export function isDeclarationLine(trimmed: string, language: ChunkLanguage): boolean {
  if (trimmed.length === 0) return false;
  if (declarationKeyword.test(trimmed) || typeDeclaration.test(trimmed)) return true;
  if (language === "python") return false;
  if (arrowDeclaration.test(trimmed)) return true;
  const call = callShape.exec(trimmed);
  if (!call) return false;
  const first = /^[\w$]+/.exec(trimmed)?.[0] ?? "";
  if (controlWords.has(first) || controlWords.has(call[1]!)) return false;
  // A statement (`foo(bar);`, `x = f(y)`) is not a declaration; an abstract or interface method is.
  const beforeParen = trimmed.slice(0, trimmed.indexOf("("));
  if (/[=.]/.test(beforeParen.replace(/<[^>]*>/g, ""))) return false;
  if (/;\s*$/.test(trimmed) && !/\s[\w$]+\s*(?:<[^()]*>)?\s*\(/.test(trimmed)) return false;
  return /\s/.test(beforeParen.trim()) || /[{]\s*$|\)\s*(?::[^;]*)?$|,\s*$|\(\s*$/.test(trimmed);
}

/**
 * The keyword terms of a chunk with their per-field counts, packed (`packFields`). `path` is the
 * file's path, `symbol` the chunk's symbol, `text` its lines.
 */
export function chunkFieldTerms(path: string, symbol: string | undefined, text: string, language: ChunkLanguage): Array<[string, number]> {
  const counts = new Map<string, [number, number, number, number]>();
  const add = (source: string, field: number): void => {
    for (const term of keywordTerms(source)) {
      let entry = counts.get(term);
      if (!entry) counts.set(term, (entry = [0, 0, 0, 0]));
      entry[field]++;
    }
  };
  add(path, 2);
  if (symbol) add(symbol, 1);
  const hash = hashComments.has(language);
  let inBlock = false;
  let docstring = "";
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed.length === 0) continue;
    if (inBlock) {
      add(line, 3);
      if (trimmed.includes("*/")) inBlock = false;
      continue;
    }
    if (docstring) {
      add(line, 3);
      if (trimmed.includes(docstring)) docstring = "";
      continue;
    }
    if (trimmed.startsWith("//") || (hash && trimmed.startsWith("#")) || (trimmed.startsWith("*") && !trimmed.startsWith("*="))) {
      add(line, 3);
      continue;
    }
    if (trimmed.startsWith("/*")) {
      add(line, 3);
      if (!trimmed.includes("*/", 2)) inBlock = true;
      continue;
    }
    if (language === "python" && /^[rRuUbB]?("""|''')/.test(trimmed)) {
      const quote = /("""|''')/.exec(trimmed)![1]!;
      add(line, 3);
      if (trimmed.indexOf(quote, trimmed.indexOf(quote) + 3) < 0) docstring = quote;
      continue;
    }
    add(line, isDeclarationLine(trimmed, language) ? 1 : 0);
  }
  const out: Array<[string, number]> = [];
  for (const [term, fields] of counts) out.push([term, packFields(fields)]);
  return out;
}

/** A chunk's first doc comment: its first sentence and the lines (0-based, inclusive, within the chunk) it spans. */
export interface DocSentence {
  sentence: string;
  from: number;
  to: number;
}

/**
 * The first sentence of the first doc comment in a chunk's `text` (`/** … *\/`, `///`, a run of
 * `//` or `#` lines, a Python docstring), markup removed; null when there is none of 4 to 40 words.
 * The index asks its own vectors these sentences to measure how well they retrieve (issue 16).
 */
export function firstDocSentence(text: string, language: ChunkLanguage): DocSentence | null {
  const lines = text.split("\n");
  const hash = hashComments.has(language);
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i]!.trim();
    let to = -1;
    const parts: string[] = [];
    if (trimmed.startsWith("/**") || trimmed.startsWith("/*!")) {
      for (let j = i; j < lines.length; j++) {
        parts.push(lines[j]!);
        if (lines[j]!.includes("*/") && (j > i || trimmed.indexOf("*/") > 1)) {
          to = j;
          break;
        }
      }
    } else if (trimmed.startsWith("//") || (hash && trimmed.startsWith("#") && !trimmed.startsWith("#!"))) {
      const marker = trimmed.startsWith("//") ? "//" : "#";
      let j = i;
      while (j < lines.length && lines[j]!.trim().startsWith(marker)) parts.push(lines[j++]!);
      to = j - 1;
    } else if (language === "python" && /^[rRuU]?("""|''')/.test(trimmed) && i > 0) {
      const quote = /("""|''')/.exec(trimmed)![1]!;
      for (let j = i; j < lines.length; j++) {
        parts.push(lines[j]!);
        const at = lines[j]!.indexOf(quote, j === i ? lines[j]!.indexOf(quote) + 3 : 0);
        if (at >= 0) {
          to = j;
          break;
        }
      }
    }
    if (to < 0) continue;
    const prose = parts
      .join("\n")
      .replace(/^\s*(?:\/\*\*?!?|\*\/|\*|\/\/\/?!?|#+|[rRuU]?"""|[rRuU]?''')/gm, " ")
      .replace(/\*\/|"""|'''/g, " ")
      .replace(/\{@\w+\s+([^}]*)\}/g, "$1")
      .replace(/<\/?\w+[^>]*>/g, " ")
      .replace(/[`*]|\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\s+/g, " ")
      .trim();
    const sentence = (/^(.+?[.!?])(?:\s|$)/.exec(prose)?.[1] ?? prose).trim();
    const words = sentence.split(" ").filter((word) => /\w/.test(word)).length;
    if (!sentence.startsWith("@") && words >= 4 && words <= 40) return { sentence, from: i, to };
    i = to;
  }
  return null;
}
