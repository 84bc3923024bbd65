// LangChain's `Embeddings` over a Hearth embedding model (an installed model's name or a .gguf
// path), computed by the engine at the priority given ("background" by default, so a chat turn
// goes first).
import { Embeddings } from "@langchain/core/embeddings";
import type { EmbeddingsParams } from "@langchain/core/embeddings";
import type { JobPriority } from "../../common/engine/engineProtocol";
import type { EmbeddingBackend } from "../index/workspaceIndexes";

export interface HearthEmbeddingsParams extends EmbeddingsParams {
  /** What computes the vectors: `llamaEmbeddingBackend(engine)`. */
  backend: EmbeddingBackend;
  /** An installed model's name or a `.gguf` path. */
  model: string;
  priority?: JobPriority;
  /** Texts per engine request (default 16). */
  batchSize?: number;
}

export class HearthEmbeddings extends Embeddings {
  private readonly backend: EmbeddingBackend;
  readonly model: string;
  private readonly priority: JobPriority;
  private readonly batchSize: number;

  constructor(params: HearthEmbeddingsParams) {
    super(params);
    this.backend = params.backend;
    this.model = params.model;
    this.priority = params.priority ?? "background";
    this.batchSize = Math.max(1, params.batchSize ?? 16);
  }

  async embedDocuments(documents: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let i = 0; i < documents.length; i += this.batchSize) {
      const batch = documents.slice(i, i + this.batchSize);
      vectors.push(...(await this.caller.call(() => this.backend.embed(this.model, batch, this.priority))));
    }
    return vectors;
  }

  async embedQuery(document: string): Promise<number[]> {
    const [vector] = await this.caller.call(() => this.backend.embed(this.model, [document], "interactive"));
    return vector ?? [];
  }
}
