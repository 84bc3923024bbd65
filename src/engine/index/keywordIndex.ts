// The keyword half of retrieval: an inverted index (term → chunk → counts) scored with
// field-weighted BM25 (BM25F: Robertson, Zaragoza & Taylor 2004), updated chunk by chunk as files
// change, never rebuilt per query. Each posting holds a term's counts in a chunk's four fields
// (name and signature, path, doc comments, body; chunkFields.ts) packed into one number; a term's
// weight in a chunk is the sum of its field counts, each times its field's weight and normalised by
// that field's length against the field's average, then saturated once (k1). What the index is
// built from — each chunk's packed term counts — is saved with the chunk in the index's shards, so
// loading an index rebuilds the postings in one pass without tokenizing any text again. A process
// that only searches (`hearth search`) may instead keep each chunk's saved terms as they were read
// (`addEncoded`) and find a query's terms in them when it asks, building postings for those terms
// alone: one search then costs a scan of the text, not a whole index's postings.
import { fieldCount, keywordFields } from "../../common/index/chunkFields";
import type { KeywordField } from "../../common/index/chunkFields";

/** A chunk's terms and their packed per-field counts (a plain count is a count in the body). */
export type TermCounts = ReadonlyArray<readonly [term: string, count: number]>;

export interface KeywordHit {
  doc: number;
  score: number;
}

export interface KeywordRanking {
  k1: number;
  /** Each field's weight and length normalisation (0: none, 1: full), in `keywordFields` order. */
  weight: Record<KeywordField, number>;
  b: Record<KeywordField, number>;
}

/**
 * Tuned on the public retrieval benchmark (bench/retrieval/tuneRanking.ts: ten repositories in
 * five languages, all at once), never on Hearth's own sources. The search kept climbing towards
 * more extreme values (k1 5, name 20, path 10: +0.05× of the mean ratio); these moderate ones keep
 * most of the gain. The doc field's weight is not tuned (the benchmark blanks every answer's doc
 * comment, so it would learn that doc comments mislead) and stays the body's.
 */
export const defaultRanking: KeywordRanking = {
  k1: 3,
  weight: { body: 1, name: 10, path: 4, doc: 1 },
  b: { body: 0.75, name: 0.9, path: 1, doc: 1 },
};

/** Why a chunk matched: each query term's counts per field and its share of the score. */
export interface KeywordExplanation {
  term: string;
  fields: Partial<Record<KeywordField, number>>;
  score: number;
}

const fieldCountTotal = keywordFields.length;
/** A packed count below this is a count in the body alone (chunkFields.ts packs the body in the low 10 bits). */
const bodyOnlyBelow = 1024;

export class KeywordIndex {
  private readonly postings = new Map<string, Map<number, number>>();
  /** Each document's length in each field (terms, with repeats). */
  private readonly lengths = new Map<number, Float64Array>();
  private readonly totalLength = new Float64Array(fieldCountTotal);
  /** Documents added with their saved terms (`addEncoded`), not yet in `postings`. */
  private readonly encoded = new Map<number, string>();
  /** Postings among the `encoded` documents of the terms a query asked for. */
  private readonly scanned = new Map<string, Map<number, number>>();
  ranking: KeywordRanking = defaultRanking;

  get documents(): number {
    return this.lengths.size;
  }

  get terms(): number {
    return this.postings.size;
  }

  /**
   * Adds `doc` by its saved terms (`encodeTerms`), read only when a query asks for a term: for a
   * process that loads an index to search it once. `length` is its length per field, when known.
   */
  addEncoded(doc: number, terms: string, length?: Float64Array): void {
    if (this.lengths.has(doc)) return;
    const lengths = length ?? encodedLengths(terms);
    this.encoded.set(doc, terms);
    if (this.scanned.size > 0) this.scanned.clear();
    this.lengths.set(doc, lengths);
    for (let f = 0; f < fieldCountTotal; f++) this.totalLength[f]! += lengths[f]!;
  }

  /** The postings of `term`: those added whole and those found in the encoded documents. */
  private postingsOf(term: string): Array<Map<number, number>> {
    const out: Array<Map<number, number>> = [];
    const whole = this.postings.get(term);
    if (whole) out.push(whole);
    if (this.encoded.size > 0) {
      let found = this.scanned.get(term);
      if (!found) {
        found = new Map();
        for (const [doc, text] of this.encoded) {
          const count = findEncoded(text, term);
          if (count > 0) found.set(doc, count);
        }
        this.scanned.set(term, found);
      }
      if (found.size > 0) out.push(found);
    }
    return out;
  }

  add(doc: number, terms: TermCounts): void {
    if (this.lengths.has(doc)) this.remove(doc, terms);
    const length = new Float64Array(fieldCountTotal);
    for (const [term, packed] of terms) {
      let posting = this.postings.get(term);
      if (!posting) {
        posting = new Map();
        this.postings.set(term, posting);
      }
      posting.set(doc, packed);
      for (let f = 0; f < fieldCountTotal; f++) length[f]! += fieldCount(packed, f);
    }
    this.lengths.set(doc, length);
    for (let f = 0; f < fieldCountTotal; f++) this.totalLength[f]! += length[f]!;
  }

  /** Removes `doc`, which was added with `terms`. */
  remove(doc: number, terms: TermCounts): void {
    const length = this.lengths.get(doc);
    if (length === undefined) return;
    if (this.encoded.delete(doc)) for (const found of this.scanned.values()) found.delete(doc);
    for (const [term] of terms) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      posting.delete(doc);
      if (posting.size === 0) this.postings.delete(term);
    }
    this.lengths.delete(doc);
    for (let f = 0; f < fieldCountTotal; f++) this.totalLength[f]! -= length[f]!;
  }

  /** The best `limit` documents for `queryTerms` by BM25F, best first; `accept` filters documents. */
  search(queryTerms: readonly string[], limit: number, accept?: (doc: number) => boolean): KeywordHit[] {
    const n = this.lengths.size;
    if (n === 0 || limit <= 0) return [];
    const { k1 } = this.ranking;
    const weights = keywordFields.map((field) => this.ranking.weight[field]);
    const bs = keywordFields.map((field) => this.ranking.b[field]);
    const averages = keywordFields.map((_, f) => this.totalLength[f]! / n || 1);
    const scores = new Map<number, number>();
    // A term in the body alone (the common case) needs one field's normalisation.
    const bodyWeight = weights[0]!;
    const bodyB = bs[0]!;
    const bodyAverage = averages[0]!;
    const score = (posting: Map<number, number>, idf: number): void => {
      for (const [doc, packed] of posting) {
        if (accept && !accept(doc)) continue;
        const length = this.lengths.get(doc);
        if (!length) continue;
        let value: number;
        if (packed < bodyOnlyBelow) {
          const tf = (bodyWeight * packed) / (1 - bodyB + (bodyB * length[0]!) / bodyAverage);
          value = (idf * tf * (k1 + 1)) / (tf + k1);
        } else value = fieldScore(packed, length, averages, idf, weights, bs, k1);
        if (value > 0) scores.set(doc, (scores.get(doc) ?? 0) + value);
      }
    };
    for (const term of new Set(queryTerms)) {
      if (this.encoded.size === 0) {
        const posting = this.postings.get(term);
        if (posting) score(posting, this.idf(posting.size, n));
        continue;
      }
      const postings = this.postingsOf(term);
      const idf = this.idf(postings.reduce((sum, posting) => sum + posting.size, 0), n);
      for (const posting of postings) score(posting, idf);
    }
    const hits: KeywordHit[] = [];
    for (const [doc, score] of scores) hits.push({ doc, score });
    hits.sort((x, y) => y.score - x.score || x.doc - y.doc);
    return hits.slice(0, limit);
  }

  /** Which of `queryTerms` `doc` holds, in which fields, and what each adds to its score (best first). */
  explain(doc: number, queryTerms: readonly string[]): KeywordExplanation[] {
    const n = this.lengths.size;
    const length = this.lengths.get(doc);
    if (n === 0 || !length) return [];
    const { k1 } = this.ranking;
    const out: KeywordExplanation[] = [];
    for (const term of new Set(queryTerms)) {
      const postings = this.postingsOf(term);
      const packed = postings.find((posting) => posting.has(doc))?.get(doc);
      if (packed === undefined) continue;
      const idf = this.idf(postings.reduce((sum, posting) => sum + posting.size, 0), n);
      const fields: Partial<Record<KeywordField, number>> = {};
      let tf = 0;
      keywordFields.forEach((field, f) => {
        const count = fieldCount(packed, f);
        if (count === 0) return;
        fields[field] = count;
        const b = this.ranking.b[field];
        tf += (this.ranking.weight[field] * count) / (1 - b + (b * length[f]!) / (this.totalLength[f]! / n || 1));
      });
      out.push({ term, fields, score: tf > 0 ? (idf * tf * (k1 + 1)) / (tf + k1) : 0 });
    }
    return out.sort((x, y) => y.score - x.score);
  }

  private idf(df: number, n: number): number {
    return termIdf(df, n);
  }
}

export function termIdf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** One term's BM25F score in one document: its packed field counts, the document's and the average field lengths. */
export function fieldScore(
  packed: number,
  length: ArrayLike<number>,
  averages: readonly number[],
  idf: number,
  weights: readonly number[],
  bs: readonly number[],
  k1: number,
): number {
  let tf = 0;
  if (packed < bodyOnlyBelow) {
    // The common case: the term is in the body alone.
    tf = (weights[0]! * packed) / (1 - bs[0]! + (bs[0]! * length[0]!) / averages[0]!);
    return tf > 0 ? (idf * tf * (k1 + 1)) / (tf + k1) : 0;
  }
  for (let f = 0; f < fieldCountTotal; f++) {
    const count = fieldCount(packed, f);
    if (count === 0) continue;
    tf += (weights[f]! * count) / (1 - bs[f]! + (bs[f]! * length[f]!) / averages[f]!);
  }
  return tf > 0 ? (idf * tf * (k1 + 1)) / (tf + k1) : 0;
}

/** The count of `term` in saved terms (`encodeTerms`), 0 when absent. */
export function findEncoded(text: string, term: string): number {
  let at = text.indexOf(term);
  while (at >= 0) {
    const end = at + term.length;
    if ((at === 0 || text.charCodeAt(at - 1) === 32) && (end === text.length || text.charCodeAt(end) === 32 || text.charCodeAt(end) === 42)) {
      if (text.charCodeAt(end) !== 42) return 1;
      const space = text.indexOf(" ", end);
      const count = Number(text.slice(end + 1, space < 0 ? text.length : space));
      return Number.isFinite(count) && count > 0 ? count : 1;
    }
    at = text.indexOf(term, at + 1);
  }
  return 0;
}

/** Calls `visit` with each term of saved terms (`encodeTerms`) and its count, without building a list. */
export function forEachEncoded(text: string, visit: (term: string, count: number) => void): void {
  let at = 0;
  while (at < text.length) {
    let end = at;
    let star = -1;
    for (let code = text.charCodeAt(end); end < text.length && code !== 32; code = text.charCodeAt(++end)) if (code === 42) star = end;
    if (end > at) {
      if (star < 0) visit(text.slice(at, end), 1);
      else {
        const count = Number(text.slice(star + 1, end));
        visit(text.slice(at, star), Number.isFinite(count) && count > 0 ? count : 1);
      }
    }
    at = end + 1;
  }
}

/** A document's length per field from its saved terms, without building them. */
export function encodedLengths(text: string): Float64Array {
  const lengths = new Float64Array(fieldCountTotal);
  forEachEncoded(text, (_term, packed) => {
    for (let f = 0; f < fieldCountTotal; f++) lengths[f]! += fieldCount(packed, f);
  });
  return lengths;
}

/** Term counts as saved in a shard: `term*count` (or just `term` for once), space-separated. */
export function encodeTerms(terms: TermCounts): string {
  return terms.map(([term, count]) => (count === 1 ? term : `${term}*${count}`)).join(" ");
}

export function decodeTerms(text: string): Array<[string, number]> {
  if (!text) return [];
  return text.split(" ").map((item): [string, number] => {
    const star = item.lastIndexOf("*");
    if (star < 0) return [item, 1];
    const count = Number(item.slice(star + 1));
    return [item.slice(0, star), Number.isFinite(count) && count > 0 ? count : 1];
  });
}
