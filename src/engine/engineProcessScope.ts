// The engine process's long-lived parts, made when first needed with the settings the host sent
// (`configure`): the llama.cpp runtime with its store, the workspace indexes and the HTTP API.
// Settings that a running engine can take (threads and context size for the next load, download
// endpoints, the team catalogue, the remote engine, the language) apply at once; the GPU and the
// store folder apply when the engine restarts, and the reply to `configure` says so.
import type { EngineSettings, LogLevel } from "../common/engine/engineProtocol";
import { defaultEngineSettings } from "../common/engine/engineProtocol";
import { normalizeLocale } from "../common/localize";
import { applyLocale } from "../node/messageBundles";
import { applyCustomCatalogue } from "../node/customCatalogue";
import { ApiHost } from "./api/apiHost";
import type { EngineScope } from "./engineMethod";
import { llamaEmbeddingBackend } from "./index/llamaEmbeddingBackend";
import { remoteEmbeddingBackend, remoteEmbeddingModelName } from "./index/remoteEmbeddingBackend";
import { WorkspaceIndexes } from "./index/workspaceIndexes";
import { LlamaEngine } from "./llama/llamaEngine";
import type { ModelStore } from "./models/modelStore";

interface Parts {
  engine: LlamaEngine;
  indexes: WorkspaceIndexes;
  api: ApiHost;
  /** What the engine was made with: changing these needs a restart. */
  startedWith: Pick<EngineSettings, "gpu" | "storeRoot">;
}

/** A remote's host for the log: never a user name or password the address may carry. */
function remoteHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(an address that does not parse)";
  }
}

export class EngineProcessScope implements EngineScope {
  private current: EngineSettings = defaultEngineSettings;
  private made: Parts | null = null;
  private configured = false;

  constructor(
    private readonly version: string,
    private readonly sink: (level: LogLevel, message: string) => void,
  ) {}

  private parts(): Parts {
    if (!this.made) {
      const settings = this.current;
      const engine = new LlamaEngine({
        log: this.sink,
        defaultThreads: settings.threads,
        defaultContextSize: settings.contextSize,
        gpu: settings.gpu === "off" ? false : "auto",
        ...(settings.storeRoot.trim() ? { storeRoot: settings.storeRoot.trim() } : {}),
        kind: "extension",
      });
      this.made = {
        engine,
        indexes: new WorkspaceIndexes(remoteEmbeddingBackend(llamaEmbeddingBackend(engine), () => this.current.remote)),
        api: new ApiHost(engine, this.version, this.sink, () => {
          const current = this.current;
          return {
            ...(current.downloadEndpoint.trim() ? { huggingFaceEndpoint: current.downloadEndpoint.trim() } : {}),
            ...(current.modelScopeEndpoint.trim() ? { modelScopeEndpoint: current.modelScopeEndpoint.trim() } : {}),
          };
        }),
        startedWith: { gpu: settings.gpu, storeRoot: settings.storeRoot },
      };
    }
    return this.made;
  }

  get engine(): LlamaEngine {
    return this.parts().engine;
  }

  get store(): ModelStore {
    return this.parts().engine.store;
  }

  get indexes(): WorkspaceIndexes {
    return this.parts().indexes;
  }

  get api(): ApiHost {
    return this.parts().api;
  }

  settings(): EngineSettings {
    return this.current;
  }

  log(level: LogLevel, message: string): void {
    this.sink(level, message);
  }

  configure(settings: EngineSettings): { restartNeeded: Array<keyof EngineSettings>; problem: string | null } {
    const previous = this.current;
    const first = !this.configured;
    this.current = settings;
    this.configured = true;
    if (first || settings.locale !== previous.locale) {
      const localeProblem = applyLocale(normalizeLocale(settings.locale));
      if (localeProblem) this.log("warn", localeProblem);
    }
    const problem = first || settings.catalogueFile !== previous.catalogueFile ? applyCustomCatalogue(settings.catalogueFile) : null;
    if (problem) this.log("warn", problem);
    if (first ? settings.remote !== null : JSON.stringify(settings.remote) !== JSON.stringify(previous.remote)) {
      const remote = settings.remote;
      this.log(
        "info",
        remote
          ? `remote engine: ${remote.kind} at ${remoteHost(remote.url)}, reviews with ${remote.model || "(none)"}, index embeddings with ${remoteEmbeddingModelName(remote) ?? "the local model"}${remote.apiKey ? ", with an API key" : ""}`
          : "remote engine: off",
      );
    }
    const restartNeeded: Array<keyof EngineSettings> = [];
    if (this.made) {
      this.made.engine.setDefaults({ threads: settings.threads, contextSize: settings.contextSize });
      if (settings.gpu !== this.made.startedWith.gpu) restartNeeded.push("gpu");
      if (settings.storeRoot !== this.made.startedWith.storeRoot) restartNeeded.push("storeRoot");
    }
    return { restartNeeded, problem };
  }

  /** Stops the API and frees the models (the process is about to exit). */
  async dispose(): Promise<void> {
    if (!this.made) return;
    await this.made.api.stop().catch(() => undefined);
    await this.made.engine.dispose();
  }
}
