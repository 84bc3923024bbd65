// Shared by the local-API tests: an in-process engine with fixture models installed under names,
// served by an ApiServer on a free loopback port, in its own temporary store.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ApiServer, type ApiServerOptions } from "../../src/engine/api/apiServer";
import { LlamaEngine } from "../../src/engine/llama/llamaEngine";
import { ensureFixtureModels, type FixtureModels } from "../fixtures/fixtureModels";

export interface TestApi {
  /** The engine's store folder (temporary; removed by stop). */
  home: string;
  engine: LlamaEngine;
  server: ApiServer;
  /** The server's base URL, e.g. http://127.0.0.1:40123. */
  url: string;
  /** Stops the server, disposes the engine and removes the store. */
  stop(): Promise<void>;
}

/**
 * Starts an engine (one thread, no GPU) with `models` installed (store name → fixture) and an API
 * server for it; `options` adds to or replaces the server's options (endpoints, apiKey, …).
 */
export async function startTestApi(
  prefix: string,
  models: Record<string, keyof FixtureModels>,
  options: Partial<Omit<ApiServerOptions, "engine">> = {},
): Promise<TestApi> {
  const fixtures = await ensureFixtureModels();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const engine = new LlamaEngine({ defaultThreads: 1, gpu: false, storeRoot: home });
  const removeEngine = async (): Promise<void> => {
    await engine.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  };
  try {
    for (const [name, fixture] of Object.entries(models)) await engine.store.importFile(fixtures[fixture], name);
    const server = new ApiServer({ engine, address: { host: "127.0.0.1", port: 0 }, version: "test", ...options });
    const url = await server.start();
    return {
      home,
      engine,
      server,
      url,
      stop: async () => {
        await server.stop();
        await removeEngine();
      },
    };
  } catch (error) {
    await removeEngine();
    throw error;
  }
}
