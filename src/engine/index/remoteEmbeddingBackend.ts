// The workspace index's embeddings on a remote engine (issue 8 item 3). With hearth.remote.kind
// ollama or openai and hearth.remote.embeddingModel set, the extension sends the settings with the
// engine's remoteConfigure method; index builds then embed with that model on that server. The
// index records the model as "MODEL @ HOST" (remoteEmbeddingModelName), so a switch between the
// local model and a remote one, or between servers, changes the recorded model and the next build
// embeds everything again. Queries of an index embedded remotely embed on the same server; when
// that server is no longer configured, a hybrid search answers by keywords and says so.
// Reranking stays with the local backend: Ollama's and OpenAI's APIs have no rerank endpoint.
import type { IndexBuildParams, JobPriority, RemoteEngineConfig } from "../../common/engine/engineProtocol";
import { EngineError } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import { remoteEngineFor } from "../remote/remoteEngine";
import type { EmbeddingBackend } from "./workspaceIndexes";

const remoteMarker = " @ ";

/** The name an index records for vectors made by the remote's embedding model; null without one. */
export function remoteEmbeddingModelName(config: RemoteEngineConfig | null): string | null {
  const model = config?.embeddingModel.trim() ?? "";
  if (!config || !model) return null;
  let host: string;
  try {
    host = new URL(config.url.trim()).host || config.url.trim();
  } catch {
    host = config.url.trim();
  }
  return `${model}${remoteMarker}${host}`;
}

/** True for a name remoteEmbeddingModelName made (no installed model's name or path has " @ "). */
export function isRemoteEmbeddingModel(model: string): boolean {
  return model.includes(remoteMarker);
}

/**
 * An index build's params for the remote set now: its embedding model, when it has one. Without
 * one, a build that names no model keeps the index's own, except a remote model no longer set
 * (`indexModel`, read only then): its vectors cannot be matched by a query any more, so the index
 * goes back to keywords rather than failing every build.
 */
export async function withRemoteEmbedding(
  params: IndexBuildParams,
  config: RemoteEngineConfig | null,
  indexModel: () => Promise<string | null>,
): Promise<IndexBuildParams> {
  const name = remoteEmbeddingModelName(config);
  if (name) return { ...params, embeddingModel: name };
  if (params.embeddingModel !== undefined) return params;
  const current = await indexModel();
  return current !== null && isRemoteEmbeddingModel(current) ? { ...params, embeddingModel: "none" } : params;
}

/**
 * Embeds names made by remoteEmbeddingModelName on the configured remote, everything else with
 * `local`. `remote` is read at each call, so a new configuration applies to the next batch.
 */
export function remoteEmbeddingBackend(local: EmbeddingBackend, remote: () => RemoteEngineConfig | null): EmbeddingBackend {
  return {
    async embed(model: string, texts: string[], priority: JobPriority, signal?: AbortSignal): Promise<number[][]> {
      if (!isRemoteEmbeddingModel(model)) return local.embed(model, texts, priority, signal);
      const config = remote();
      if (!config || remoteEmbeddingModelName(config) !== model) {
        throw new EngineError(
          "modelNotFound",
          localize(
            "The index was embedded with {0} on a remote server that is not Hearth's remote engine now (settings hearth.remote.*). Set the remote back, or build the index again to embed it with the model configured now.",
            model,
          ),
          `remote embedding model ${model} is not configured`,
        );
      }
      const engine = remoteEngineFor(config);
      return engine.embed(config.embeddingModel.trim(), texts, signal);
    },
    ...(local.rank ? { rank: local.rank.bind(local) } : {}),
  };
}
