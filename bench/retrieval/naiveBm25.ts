// The baseline the public retrieval benchmark measures Hearth against: BM25 (k1 1.2, b 0.75) over
// fixed, non-overlapping 40-line windows of every file, lower-cased word tokens (`\w+`), no
// identifier splitting, no stemming, nothing about code. Deliberately naive: what a search that
// knows nothing of code does.
import type { LineRange } from "./retrievalMetrics";

export interface Bm25Window extends LineRange {
  terms: Map<string, number>;
  length: number;
}

export function naiveTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}

export class NaiveBm25 {
  private readonly windows: Bm25Window[] = [];
  private readonly postings = new Map<string, number[]>();
  private totalLength = 0;

  constructor(
    readonly windowLines = 40,
    readonly k1 = 1.2,
    readonly b = 0.75,
  ) {}

  /** Adds `text`, the content of `path`, as windows of `windowLines` lines. */
  addFile(path: string, text: string): void {
    const lines = text.replace(/\r\n?/g, "\n").split("\n");
    for (let start = 0; start < lines.length; start += this.windowLines) {
      const end = Math.min(lines.length, start + this.windowLines);
      const tokens = naiveTokens(lines.slice(start, end).join("\n"));
      if (tokens.length === 0) continue;
      const terms = new Map<string, number>();
      for (const token of tokens) terms.set(token, (terms.get(token) ?? 0) + 1);
      const id = this.windows.length;
      this.windows.push({ path, startLine: start + 1, endLine: end, terms, length: tokens.length });
      this.totalLength += tokens.length;
      for (const term of terms.keys()) {
        let posting = this.postings.get(term);
        if (!posting) this.postings.set(term, (posting = []));
        posting.push(id);
      }
    }
  }

  get size(): number {
    return this.windows.length;
  }

  /** The best `limit` windows for `query`, best first. */
  search(query: string, limit: number): LineRange[] {
    const n = this.windows.length;
    if (n === 0) return [];
    const average = this.totalLength / n;
    const scores = new Map<number, number>();
    for (const term of new Set(naiveTokens(query))) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      const idf = Math.log(1 + (n - posting.length + 0.5) / (posting.length + 0.5));
      for (const id of posting) {
        const window = this.windows[id]!;
        const tf = window.terms.get(term)!;
        const score = (idf * tf * (this.k1 + 1)) / (tf + this.k1 * (1 - this.b + (this.b * window.length) / average));
        scores.set(id, (scores.get(id) ?? 0) + score);
      }
    }
    return [...scores]
      .sort((x, y) => y[1] - x[1] || x[0] - y[0])
      .slice(0, limit)
      .map(([id]) => {
        const { path, startLine, endLine } = this.windows[id]!;
        return { path, startLine, endLine };
      });
  }
}
