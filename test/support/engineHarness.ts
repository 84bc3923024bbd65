// Shared by unit tests and benchmarks: the built engine bundle and a client for it.
import { execFileSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { EngineClient } from "../../src/node/engineClient";
import type { EngineSettings, LogLevel } from "../../src/common/engine/engineProtocol";
import { defaultEngineSettings } from "../../src/common/engine/engineProtocol";
import type { EngineState } from "../../src/node/engineClient";

export const repoRoot = path.resolve(__dirname, "..", "..");
export const enginePath = path.join(repoRoot, "dist", "engine.js");
export const cliPath = path.join(repoRoot, "dist", "cli.js");
/** The trained model in ../shared/models, when this checkout has it. */
export const sharedStoriesModel = path.resolve(repoRoot, "..", "shared", "models", "stories260K.gguf");

/** Builds the bundles when a test runs before `node esbuild.mjs` did. */
export function ensureBuilt(): void {
  if (fs.existsSync(enginePath) && fs.existsSync(cliPath)) return;
  execFileSync(process.execPath, [path.join(repoRoot, "esbuild.mjs")], { cwd: repoRoot, stdio: "inherit" });
}

export interface TestClient {
  client: EngineClient;
  logs: Array<{ level: LogLevel; message: string }>;
}

/**
 * A client for the built engine, with one thread and no GPU unless `settings` say otherwise (the
 * engine is given them in `configure`), `env` added to the engine process's environment, and the
 * watchdog's limit when `watchdogMs` is given.
 */
export function createTestClient(
  options: { settings?: Partial<EngineSettings>; env?: Record<string, string>; watchdogMs?: number } = {},
  onStateChange?: (state: EngineState) => void,
): TestClient {
  ensureBuilt();
  const logs: TestClient["logs"] = [];
  const settings: EngineSettings = { ...defaultEngineSettings, threads: 1, gpu: "off", locale: "en", ...options.settings };
  const client = new EngineClient({
    enginePath,
    settings: () => settings,
    ...(options.env ? { env: options.env } : {}),
    ...(options.watchdogMs !== undefined ? { watchdogMs: options.watchdogMs } : {}),
    log: (level, message) => logs.push({ level, message }),
    ...(onStateChange ? { onStateChange } : {}),
  });
  return { client, logs };
}

/** The address a `hearth serve` child prints on stdout ("listening on http://127.0.0.1:PORT"); rejects if it exits first. */
export function servedUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on("exit", (code) => reject(new Error(`hearth serve exited with ${code}: ${out}`)));
  });
}
