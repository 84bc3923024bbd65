// The local HTTP API as the engine process runs it: at most one server, started, restarted when
// its address or allowed origins change, and stopped on request or at shutdown.
import type { ApiStartParams, ApiStatusResult, LogLevel } from "../../common/engine/engineProtocol";
import { parseListenAddress, parseOriginList } from "../../common/api/apiAccess";
import type { LlamaEngine } from "../llama/llamaEngine";
import { ApiServer } from "./apiServer";

export class ApiHost {
  private running: { server: ApiServer; key: string } | null = null;

  constructor(
    private readonly engine: LlamaEngine,
    private readonly version: string,
    private readonly log: (level: LogLevel, message: string) => void,
  ) {}

  status(): ApiStatusResult {
    return { running: this.running !== null, url: this.running?.server.url ?? null };
  }

  async start(params: ApiStartParams): Promise<ApiStatusResult> {
    const host = params.host ?? "";
    const origins = params.origins ?? "";
    const key = JSON.stringify([host.trim(), origins.trim()]);
    if (this.running?.key === key) return { running: true, url: this.running.server.url };
    await this.stop();
    const server = new ApiServer({
      engine: this.engine,
      address: parseListenAddress(host),
      allowedOrigins: parseOriginList(origins),
      version: this.version,
      log: this.log,
    });
    const url = await server.start();
    this.running = { server, key };
    return { running: true, url };
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
