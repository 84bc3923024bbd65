// Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009): each ranking contributes
// weight / (k + rank) for every key it holds, so a key ranked well by several rankings rises above
// one ranked first by only one, with no need to make their scores comparable. A ranking's weight
// says how far it is trusted: the workspace index weighs its vector ranking by how well the
// vectors retrieved on the workspace itself (issue 16), down to 0, where the fused order is the
// first ranking's and the others only add what it lacks, after it.

export interface FusedItem<K> {
  key: K;
  score: number;
  /** The key's 1-based rank in each input ranking, or null where it was absent. */
  ranks: Array<number | null>;
}

/** Fuses rankings (best first) into one, best first; ties keep the first ranking's order. `weights` default to 1 each. */
export function reciprocalRankFusion<K>(rankings: ReadonlyArray<readonly K[]>, k = 60, weights?: readonly number[]): Array<FusedItem<K>> {
  const fused = new Map<K, FusedItem<K>>();
  let order = 0;
  const firstSeen = new Map<K, number>();
  rankings.forEach((ranking, which) => {
    const weight = Math.max(0, weights?.[which] ?? 1);
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
      item.score += weight / (k + index + 1);
      item.ranks[which] = index + 1;
    });
  });
  return [...fused.values()].sort((a, b) => b.score - a.score || firstSeen.get(a.key)! - firstSeen.get(b.key)!);
}

/** One probe of the vector check: the target's 1-based rank in each ranking (null: not in the first 50). */
export interface FusionProbe {
  keywordRank: number | null;
  vectorRank: number | null;
  /** The target's 1-based rank in a fusion at each of `fusionWeights`, null where below 10. */
  fusedRanks: Array<number | null>;
}

/** The vector weights the check tries; above 1 when vectors retrieve better than keywords. */
export const fusionWeights = [0, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2] as const;
/** Fewer probes than this decide nothing: the weight stays at `unmeasuredVectorWeight`. */
export const minimumProbes = 8;
export const unmeasuredVectorWeight = 0.5;

export interface FusionChoice {
  weight: number;
  keywordMrr: number;
  vectorMrr: number;
  hybridMrr: number;
}

function mrr10(ranks: ReadonlyArray<number | null>): number {
  let sum = 0;
  for (const rank of ranks) if (rank !== null && rank <= 10) sum += 1 / rank;
  return ranks.length > 0 ? sum / ranks.length : 0;
}

/**
 * The vector weight that fused best on the probes (MRR@10), only where the gain is clear: at
 * least `margin` over keywords alone, with the probes that moved up at least twice those that moved
 * down and ahead of them by a tenth of the probes (3 at least) — a sign test, so that an embedder
 * no better than chance, which lifts a few probes and sinks a few others, gets 0 (the fused order
 * is then the keyword order). Ties go to the smaller weight.
 */
export function chooseVectorWeight(probes: readonly FusionProbe[], margin = 0.03): FusionChoice {
  const keywordMrr = mrr10(probes.map((probe) => probe.keywordRank));
  const vectorMrr = mrr10(probes.map((probe) => probe.vectorRank));
  if (probes.length < minimumProbes) return { weight: unmeasuredVectorWeight, keywordMrr, vectorMrr, hybridMrr: 0 };
  const rankAt = (probe: FusionProbe, index: number): number => probe.fusedRanks[index] ?? 11;
  const base = mrr10(probes.map((probe) => probe.fusedRanks[0] ?? null));
  let weight = 0;
  let best = base;
  fusionWeights.forEach((candidate, index) => {
    if (index === 0) return;
    const score = mrr10(probes.map((probe) => probe.fusedRanks[index] ?? null));
    let up = 0;
    let down = 0;
    for (const probe of probes) {
      const change = rankAt(probe, 0) - rankAt(probe, index);
      if (change > 0) up++;
      else if (change < 0) down++;
    }
    const clear = score >= base + margin && up >= 2 * down && up - down >= Math.max(3, Math.ceil(probes.length / 10));
    if (clear && score > best) {
      best = score;
      weight = candidate;
    }
  });
  return { weight, keywordMrr, vectorMrr, hybridMrr: best };
}
