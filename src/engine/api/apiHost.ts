// The local HTTP API as the engine process runs it: at most one server, started, restarted when
// its address, allowed origins, key or limits change, and stopped on request or at shutdown.
import { createHash } from "node:crypto";
import * as path from "node:path";
import { expandHome } from "../../node/storeRoot";
import type { ApiStartParams, ApiStatusResult, LogLevel } from "../../common/engine/engineProtocol";
import type { DownloadEndpoints } from "../../common/models/modelCatalogue";
import { parseListenAddress, parseOriginList } from "../../common/api/apiAccess";
import type { LlamaEngine } from "../llama/llamaEngine";
import { ApiServer } from "./apiServer";

export class ApiHost {
  private running: { server: ApiServer; key: string } | null = null;

  constructor(
    private readonly engine: LlamaEngine,
    private readonly version: string,
    private readonly log: (level: LogLevel, message: string) => void,
    /** The download endpoints of the settings, for pulls through the API. */
    private readonly endpoints: () => DownloadEndpoints = () => ({}),
  ) {}

  status(): ApiStatusResult {
    const server = this.running?.server;
    return { running: server !== undefined, url: server?.url ?? null, exposed: server?.exposed ?? false, requiresKey: server?.requiresKey ?? false };
  }

  async start(params: ApiStartParams): Promise<ApiStatusResult> {
    const host = params.host ?? "";
    const origins = params.origins ?? "";
    const apiKey = params.apiKey?.trim() ?? "";
    const modelFolders = (params.modelFolders ?? [])
      .map((folder) => folder.trim())
      .filter((folder) => folder !== "")
      .map((folder) => path.resolve(expandHome(folder)));
    const key = JSON.stringify([
      host.trim(),
      origins.trim(),
      apiKey === "" ? "" : createHash("sha256").update(apiKey).digest("hex"),
      params.allowUrlPulls === true,
      modelFolders,
    ]);
    if (this.running?.key === key) return this.status();
    await this.stop();
    const server = new ApiServer({
      engine: this.engine,
      endpoints: this.endpoints,
      address: parseListenAddress(host),
      allowedOrigins: parseOriginList(origins),
      version: this.version,
      ...(apiKey !== "" ? { apiKey } : {}),
      allowUrlPulls: params.allowUrlPulls === true,
      modelFolders,
      log: this.log,
    });
    await server.start();
    this.running = { server, key };
    return this.status();
  }

  async stop(): Promise<{ stopped: boolean }> {
    const running = this.running;
    this.running = null;
    if (!running) return { stopped: false };
    await running.server.stop();
    this.log("info", "api: stopped");
    return { stopped: true };
  }
}
