// The keyword half of retrieval: an inverted index (term → chunk → count) scored with BM25,
// updated chunk by chunk as files change, never rebuilt per query. What it is built from — each
// chunk's term counts — is saved with the chunk in the index's shards, so loading an index
// rebuilds the postings in one pass without tokenizing any text again.

/** A chunk's terms and how often each occurs. */
export type TermCounts = ReadonlyArray<readonly [term: string, count: number]>;

export interface KeywordHit {
  doc: number;
  score: number;
}

const k1 = 1.2;
const b = 0.75;

export class KeywordIndex {
  private readonly postings = new Map<string, Map<number, number>>();
  private readonly lengths = new Map<number, number>();
  private totalLength = 0;

  get documents(): number {
    return this.lengths.size;
  }

  get terms(): number {
    return this.postings.size;
  }

  add(doc: number, terms: TermCounts): void {
    if (this.lengths.has(doc)) this.remove(doc, terms);
    let length = 0;
    for (const [term, count] of terms) {
      let posting = this.postings.get(term);
      if (!posting) {
        posting = new Map();
        this.postings.set(term, posting);
      }
      posting.set(doc, count);
      length += count;
    }
    this.lengths.set(doc, length);
    this.totalLength += length;
  }

  /** Removes `doc`, which was added with `terms`. */
  remove(doc: number, terms: TermCounts): void {
    const length = this.lengths.get(doc);
    if (length === undefined) return;
    for (const [term] of terms) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      posting.delete(doc);
      if (posting.size === 0) this.postings.delete(term);
    }
    this.lengths.delete(doc);
    this.totalLength -= length;
  }

  /** The best `limit` documents for `queryTerms` by BM25, best first; `accept` filters documents. */
  search(queryTerms: readonly string[], limit: number, accept?: (doc: number) => boolean): KeywordHit[] {
    const n = this.lengths.size;
    if (n === 0 || limit <= 0) return [];
    const averageLength = this.totalLength / n || 1;
    const scores = new Map<number, number>();
    for (const term of new Set(queryTerms)) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const df = posting.size;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (const [doc, tf] of posting) {
        if (accept && !accept(doc)) continue;
        const length = this.lengths.get(doc) ?? averageLength;
        const score = (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * length) / averageLength));
        scores.set(doc, (scores.get(doc) ?? 0) + score);
      }
    }
    const hits: KeywordHit[] = [];
    for (const [doc, score] of scores) hits.push({ doc, score });
    hits.sort((x, y) => y.score - x.score || x.doc - y.doc);
    return hits.slice(0, limit);
  }
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
