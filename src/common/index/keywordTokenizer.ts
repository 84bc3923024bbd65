// Terms for the keyword index, from code and prose alike: every identifier is kept whole
// (`parseconfig`, `max_file_bytes`, `content-hash`) and also split into its words (`parse`,
// `config`; `max`, `file`, `bytes`) at camelCase, snake_case, kebab-case and digit boundaries,
// all lower-cased; Chinese, Japanese and Korean runs become character bigrams. Queries and
// documents go through the same function, so `parseConfig` finds `parse_config` and vice versa.

const wordPattern = /[\p{L}\p{N}_$]+(?:[-.][\p{L}\p{N}_$]+)*/gu;
const cjkPattern = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
/** Terms longer than this are dropped (hashes, base64). */
const maxTermLength = 64;

/** Splits one identifier into its words: `HTTPServerError2` → http, server, error, 2. */
export function splitIdentifier(identifier: string): string[] {
  return identifier
    .replace(/([a-z\d])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/([A-Za-z])(\d)/g, "$1 $2")
    .replace(/(\d)([A-Za-z])/g, "$1 $2")
    .split(/[\s_$.\-]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.toLowerCase());
}

function pushTerm(terms: string[], term: string): void {
  if (term.length > 0 && term.length <= maxTermLength) terms.push(term);
}

/** The terms of `text`, in order, with repeats (a term's count is its frequency). */
export function keywordTerms(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.matchAll(wordPattern)) {
    const word = match[0];
    const cjk = word.match(cjkPattern);
    if (cjk) {
      for (const run of cjk) {
        if (run.length === 1) pushTerm(terms, run);
        for (let i = 0; i + 1 < run.length; i++) pushTerm(terms, run.slice(i, i + 2));
      }
      const rest = word.replace(cjkPattern, " ").trim();
      if (rest) for (const piece of rest.split(/\s+/)) addWord(terms, piece);
      continue;
    }
    addWord(terms, word);
  }
  return terms;
}

function addWord(terms: string[], word: string): void {
  const trimmed = word.replace(/^[-.]+|[-.]+$/g, "");
  if (!trimmed) return;
  const whole = trimmed.toLowerCase();
  const parts = splitIdentifier(trimmed);
  if (parts.length === 1 && parts[0] === whole) {
    if (whole.length >= 2 || /\d/.test(whole)) pushTerm(terms, whole);
    return;
  }
  if (whole.length >= 2) pushTerm(terms, whole);
  for (const part of parts) if (part.length >= 2 || /\d/.test(part)) pushTerm(terms, part);
}

/** Each distinct term of `text` with its count. */
export function termFrequencies(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of keywordTerms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}
