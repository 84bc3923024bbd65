// The indexer's models through the engine: an embedding or reranker model is loaded by name or
// path on first use (and again if it was unloaded meanwhile), and every request goes through the
// engine's scheduler with the priority given — "background" for indexing, so chat comes first.
import type { JobPriority } from "../../common/engine/engineProtocol";
import type { LlamaEngine } from "../llama/llamaEngine";
import type { EmbeddingBackend } from "./workspaceIndexes";

/** Characters of each document a reranker sees when the whole text does not fit its context. */
const rerankFallbackChars = 300;

export function llamaEmbeddingBackend(engine: LlamaEngine): EmbeddingBackend {
  const ids = new Map<string, string>();
  const modelId = async (model: string, signal: AbortSignal | undefined): Promise<string> => {
    const known = ids.get(model);
    if (known && engine.listModels().some((loaded) => loaded.modelId === known)) return known;
    const info = await engine.loadModel({ model: model }, signal);
    ids.set(model, info.modelId);
    return info.modelId;
  };
  return {
    async embed(model: string, texts: string[], priority: JobPriority, signal?: AbortSignal): Promise<number[][]> {
      const id = await modelId(model, signal);
      return (await engine.embed({ modelId: id, texts, priority, truncate: true }, signal)).vectors;
    },
    async rank(model: string, query: string, documents: string[], signal?: AbortSignal): Promise<number[]> {
      const id = await modelId(model, signal);
      try {
        return (await engine.rank({ modelId: id, query, documents, priority: "interactive" }, signal)).scores;
      } catch (error) {
        if (signal?.aborted) throw error;
        // Too long for the reranker's context: rank the starts of the documents.
        const short = documents.map((document) => document.slice(0, rerankFallbackChars));
        return (await engine.rank({ modelId: id, query: query.slice(0, rerankFallbackChars), documents: short, priority: "interactive" }, signal)).scores;
      }
    },
  };
}
