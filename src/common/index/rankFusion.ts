// Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009): each ranking contributes
// 1 / (k + rank) for every key it holds, so a key ranked well by several rankings rises above
// one ranked first by only one, with no need to make their scores comparable.

export interface FusedItem<K> {
  key: K;
  score: number;
  /** The key's 1-based rank in each input ranking, or null where it was absent. */
  ranks: Array<number | null>;
}

/** Fuses rankings (best first) into one, best first; ties keep the first ranking's order. */
export function reciprocalRankFusion<K>(rankings: ReadonlyArray<readonly K[]>, k = 60): Array<FusedItem<K>> {
  const fused = new Map<K, FusedItem<K>>();
  let order = 0;
  const firstSeen = new Map<K, number>();
  rankings.forEach((ranking, which) => {
    const seen = new Set<K>();
    ranking.forEach((key, index) => {
      if (seen.has(key)) return;
      seen.add(key);
      let item = fused.get(key);
      if (!item) {
        item = { key, score: 0, ranks: rankings.map(() => null) };
        fused.set(key, item);
        firstSeen.set(key, order++);
      }
      item.score += 1 / (k + index + 1);
      item.ranks[which] = index + 1;
    });
  });
  return [...fused.values()].sort((a, b) => b.score - a.score || firstSeen.get(a.key)! - firstSeen.get(b.key)!);
}
