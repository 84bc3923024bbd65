// How well an index's vectors retrieve on the workspace itself, measured at index time (issue 16,
// item 4), so that fusing them with the keyword ranking never makes a search worse: a random or
// poor embedder gets a vector weight of 0, a good one a weight that measurably helps.
//
// The probes are the workspace's own doc comments, as the public benchmark does it: up to
// `probeCount` chunks that hold one (picked by content hash, so the same index picks the same), the
// first sentence of the comment is the query, and the comment is blanked in the target for both
// rankings (its terms leave the keyword index and its vector is replaced by one embedded without
// it for the time of the probe), so neither ranking finds the answer by the words of the question
// itself. Each probe costs one short and one chunk-sized embedding: 2 × 32 texts per check, run
// when the index has none for its model or a run changed a quarter of it (so never on a one-file
// update of a measured index).
import { chunkFieldTerms, firstDocSentence } from "../../common/index/chunkFields";
import { queryTerms } from "../../common/index/keywordTokenizer";
import { chooseVectorWeight, fusionWeights, reciprocalRankFusion } from "../../common/index/rankFusion";
import type { FusionProbe } from "../../common/index/rankFusion";
import type { IndexData, VectorCheck } from "./indexStore";

export const probeCount = 32;
/** Candidates each ranking contributes to a probe's fusion (as a search's). */
const probeDepth = 50;

/** A vector scaled to length 1 (a zero vector stays zero): what the index stores and compares. */
export function normalise(vector: readonly number[]): Float32Array {
  const out = new Float32Array(vector.length);
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < vector.length; i++) out[i] = vector[i]! / norm;
  return out;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/**
 * Measures the vectors of `data` (an index with an embedding model) and returns the check to
 * store; `embed` embeds texts with the index's model, `contextOf` gives the text a chunk is
 * embedded as.
 */
export async function checkVectors(
  data: IndexData,
  embed: (texts: string[]) => Promise<number[][]>,
  contextOf: (path: string, symbol: string | undefined, text: string) => string,
): Promise<VectorCheck> {
  const candidates: Array<{ doc: number; contentHash: string; sentence: string; blanked: string }> = [];
  for (const [doc, { file, chunk }] of data.docs) {
    if (!chunk.vector) continue;
    const found = firstDocSentence(chunk.text, file.language);
    if (!found) continue;
    const lines = chunk.text.split("\n");
    for (let i = found.from; i <= found.to; i++) lines[i] = "";
    candidates.push({ doc, contentHash: chunk.contentHash, sentence: found.sentence, blanked: lines.join("\n") });
  }
  candidates.sort((a, b) => (a.contentHash < b.contentHash ? -1 : a.contentHash > b.contentHash ? 1 : a.doc - b.doc));
  const seen = new Set<string>();
  const probes = candidates.filter((probe) => !seen.has(probe.sentence) && seen.add(probe.sentence)).slice(0, probeCount);
  const base = { model: data.embeddingModel ?? "", chunks: data.docs.size, measuredAt: Date.now() };
  if (probes.length === 0) {
    const choice = chooseVectorWeight([]);
    return { ...base, probes: 0, weight: choice.weight, keywordMrr: 0, vectorMrr: 0, hybridMrr: 0 };
  }
  const texts = [
    ...probes.map((probe) => probe.sentence),
    ...probes.map((probe) => {
      const { file, chunk } = data.docs.get(probe.doc)!;
      return contextOf(file.path, chunk.symbol, probe.blanked);
    }),
  ];
  const vectors = (await embed(texts)).map((vector) => normalise(vector));
  const results: FusionProbe[] = [];
  for (const [p, probe] of probes.entries()) {
    // Between probes: a chat turn or a search queued meanwhile runs first (each probe scans every vector).
    if (p > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    const entry = data.docs.get(probe.doc);
    if (!entry) continue; // replaced while the probes were embedded
    const { file, chunk } = entry;
    const query = vectors[p]!;
    const blankedVector = vectors[probes.length + p]!;
    // Keyword ranking with the target's comment blanked (synchronous: no search sees the swap).
    const blankedTerms = chunkFieldTerms(file.path, chunk.symbol, probe.blanked, file.language);
    data.keywords.remove(probe.doc, chunk.terms);
    data.keywords.add(probe.doc, blankedTerms);
    const keyword = data.keywords.search(queryTerms(probe.sentence), probeDepth).map((hit) => hit.doc);
    data.keywords.remove(probe.doc, blankedTerms);
    data.keywords.add(probe.doc, chunk.terms);
    // Vector ranking with the target's vector embedded without its comment.
    const scored: Array<{ doc: number; score: number }> = [];
    for (const [doc, other] of data.docs) {
      const vector = doc === probe.doc ? blankedVector : other.chunk.vector;
      if (!vector || vector.length !== query.length) continue;
      scored.push({ doc, score: dot(vector, query) });
    }
    scored.sort((a, b) => b.score - a.score || a.doc - b.doc);
    const vector = scored.slice(0, probeDepth).map((hit) => hit.doc);
    const rankOf = (list: readonly number[]): number | null => {
      const at = list.indexOf(probe.doc);
      return at < 0 ? null : at + 1;
    };
    results.push({
      keywordRank: rankOf(keyword),
      vectorRank: rankOf(vector),
      fusedRanks: fusionWeights.map((weight) => {
        const at = reciprocalRankFusion([keyword, vector], 60, [1, weight]).findIndex((item) => item.key === probe.doc);
        return at < 0 || at >= 10 ? null : at + 1;
      }),
    });
  }
  const choice = chooseVectorWeight(results);
  return { ...base, probes: results.length, weight: choice.weight, keywordMrr: choice.keywordMrr, vectorMrr: choice.vectorMrr, hybridMrr: choice.hybridMrr };
}
