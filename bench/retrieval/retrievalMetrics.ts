// Scoring for the public retrieval benchmark: a result is a hit when it is in the answer's file and
// its line range overlaps the answer's; a query's rank is its first hit's; MRR@10 and recall@k
// over a set of queries. And the seeded shuffle that picks queries the same way on every build.

export interface LineRange {
  path: string;
  startLine: number;
  endLine: number;
}

export function overlaps(result: LineRange, answer: LineRange): boolean {
  return result.path === answer.path && result.startLine <= answer.endLine && result.endLine >= answer.startLine;
}

/** The 1-based rank of the first result that overlaps `answer`, or null when none does. */
export function firstHitRank(results: readonly LineRange[], answer: LineRange): number | null {
  const index = results.findIndex((result) => overlaps(result, answer));
  return index < 0 ? null : index + 1;
}

export interface RetrievalScores {
  queries: number;
  mrr10: number;
  recall1: number;
  recall5: number;
  recall10: number;
}

/** MRR@10 and recall@1/5/10 from each query's first-hit rank. */
export function scoreRanks(ranks: ReadonlyArray<number | null>): RetrievalScores {
  const n = ranks.length;
  if (n === 0) return { queries: 0, mrr10: 0, recall1: 0, recall5: 0, recall10: 0 };
  let mrr = 0;
  let r1 = 0;
  let r5 = 0;
  let r10 = 0;
  for (const rank of ranks) {
    if (rank === null || rank > 10) continue;
    mrr += 1 / rank;
    r10++;
    if (rank <= 5) r5++;
    if (rank === 1) r1++;
  }
  return { queries: n, mrr10: mrr / n, recall1: r1 / n, recall5: r5 / n, recall10: r10 / n };
}

/** A copy of `items` in an order fixed by `seed` (Fisher–Yates over mulberry32). */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
