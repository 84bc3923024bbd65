// LangChain's `VectorStore` (and so `asRetriever()`) over a Hearth workspace index: a text query
// runs Hearth's hybrid search (keyword + vector, fused), a vector query the vector ranking alone.
// Documents carry where they come from in `metadata` (path, startLine, endLine, page, symbol),
// so an answer can cite them. The index is built from files (indexBuild / `hearth index`), not
// from documents handed to it, so addDocuments and addVectors are refused.
import type { Callbacks } from "@langchain/core/callbacks/manager";
import { Document } from "@langchain/core/documents";
import type { DocumentInterface } from "@langchain/core/documents";
import { VectorStore } from "@langchain/core/vectorstores";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { IndexSearchHit, IndexSearchMode } from "../../common/engine/engineProtocol";
import { EngineError } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import type { WorkspaceIndexes } from "../index/workspaceIndexes";

export interface HearthVectorStoreParams {
  indexes: WorkspaceIndexes;
  /** The index's folder (as given to indexBuild). */
  storeDir: string;
  /** Hybrid by default. */
  mode?: IndexSearchMode;
  /** A reranker for text queries (an installed model's name or a `.gguf` path). */
  rerankModel?: string;
}

export interface HearthDocumentMetadata {
  path: string;
  absolutePath: string;
  startLine: number;
  endLine: number;
  page?: number;
  symbol?: string;
  language: string;
}

function toDocument(hit: IndexSearchHit): Document<HearthDocumentMetadata> {
  return new Document<HearthDocumentMetadata>({
    pageContent: hit.text,
    id: `${hit.absolutePath}:${hit.startLine}-${hit.endLine}`,
    metadata: {
      path: hit.path,
      absolutePath: hit.absolutePath,
      startLine: hit.startLine,
      endLine: hit.endLine,
      ...(hit.page !== undefined ? { page: hit.page } : {}),
      ...(hit.symbol !== undefined ? { symbol: hit.symbol } : {}),
      language: hit.language,
    },
  });
}

export class HearthVectorStore extends VectorStore {
  /** Paths (relative to a root, or absolute) the results must lie under. */
  declare FilterType: string[];
  private readonly params: HearthVectorStoreParams;

  constructor(embeddings: EmbeddingsInterface, params: HearthVectorStoreParams) {
    super(embeddings, {});
    this.params = params;
  }

  _vectorstoreType(): string {
    return "hearth";
  }

  private refuseWrites(): never {
    throw new EngineError(
      "notSupported",
      localize("The Hearth workspace index is built from files: index a folder (hearth index, or Index Workspace in VS Code) rather than adding documents."),
    );
  }

  async addVectors(): Promise<void> {
    this.refuseWrites();
  }

  async addDocuments(): Promise<void> {
    this.refuseWrites();
  }

  async similaritySearchVectorWithScore(query: number[], k: number, filter?: string[]): Promise<[DocumentInterface, number][]> {
    const hits = await this.params.indexes.searchByVector(this.params.storeDir, query, k, filter);
    return hits.map((hit) => [toDocument(hit), hit.score]);
  }

  override async similaritySearchWithScore(query: string, k = 4, filter?: string[], _callbacks?: Callbacks): Promise<[DocumentInterface, number][]> {
    const result = await this.params.indexes.search({
      storeDir: this.params.storeDir,
      query,
      k,
      ...(filter ? { paths: filter } : {}),
      ...(this.params.mode ? { mode: this.params.mode } : {}),
      ...(this.params.rerankModel ? { rerankModel: this.params.rerankModel } : {}),
    });
    return result.results.map((hit) => [toDocument(hit), hit.score]);
  }

  override async similaritySearch(query: string, k = 4, filter?: string[], callbacks?: Callbacks): Promise<DocumentInterface[]> {
    return (await this.similaritySearchWithScore(query, k, filter, callbacks)).map(([document]) => document);
  }
}
