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
  if (term.length > 0 && term.length <= maxTermLength) terms.push(stemWord(term));
}

/**
 * A light English stemmer for Latin-letter words of five letters or more: plural and verb endings
 * go (`returns`, `returned`, `returning` → `return`; `values`, `value` → `valu`), so the prose of a
 * question meets the words of code and comments. Identifiers are stemmed the same way on both
 * sides, so nothing that matched before stops matching.
 */
export function stemWord(word: string): string {
  if (word.length < 5 || !/^[a-z]+$/.test(word)) return word;
  let stem = word;
  if (stem.endsWith("ies") && stem.length > 5) stem = `${stem.slice(0, -3)}y`;
  else if (stem.endsWith("sses")) stem = stem.slice(0, -2);
  else if (stem.endsWith("ing") && stem.length > 6) stem = undouble(stem.slice(0, -3));
  else if (stem.endsWith("ed") && stem.length > 5) stem = undouble(stem.slice(0, -2));
  else if (stem.endsWith("s") && !/(?:ss|us|is)$/.test(stem)) stem = stem.slice(0, -1);
  if (stem.endsWith("e") && stem.length > 4) stem = stem.slice(0, -1);
  return stem;
}

function undouble(stem: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(stem) && !/(?:ll|ss|zz)$/.test(stem) ? stem.slice(0, -1) : stem;
}

/** Words that carry nothing in a question (`the`, `of`, `is`): dropped from queries, kept in documents. */
const stopWords = new Set(
  "a an and are as at be been but by can could do does for from has have how i if in into is it its may might must of on or should so such than that the their them then there these they this those to was we were what when where which while who why will with would you your"
    .split(" ")
    .map(stemWord),
);

/** The terms of a search query: its keyword terms without stop words (all of them when that leaves none). */
export function queryTerms(text: string): string[] {
  const terms = keywordTerms(text);
  const kept = terms.filter((term) => !stopWords.has(term));
  return kept.length > 0 ? kept : terms;
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
  // `Deque.putLast`, `os.path-join`: each identifier of a dotted or dashed name is kept whole too.
  if (/[-.]/.test(trimmed)) {
    for (const segment of trimmed.split(/[-.]+/)) {
      if (segment.length >= 2 && splitIdentifier(segment).length > 1) pushTerm(terms, segment.toLowerCase());
    }
  }
  for (const part of parts) if (part.length >= 2 || /\d/.test(part)) pushTerm(terms, part);
}

/** Each distinct term of `text` with its count. */
export function termFrequencies(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of keywordTerms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}
