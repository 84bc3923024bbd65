// Every engine (the extension's engine process, a `hearth run`, a `hearth serve`) records what it
// has loaded in <store>/run/engine-<pid>.json, so `hearth ps` can show what is loaded on this
// machine, by whom and since when — as `ollama ps` does for its one server.
import * as fs from "node:fs";
import * as path from "node:path";
import type { LoadedModelInfo } from "../common/engine/engineProtocol";

export type EngineKind = "extension" | "cli" | "server";

export interface RunningEngineRecord {
  pid: number;
  kind: EngineKind;
  startedAt: number;
  updatedAt: number;
  models: LoadedModelInfo[];
}

function runDir(storeRoot: string): string {
  return path.join(storeRoot, "run");
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Writes this process's record (atomically); called whenever its loaded models change. */
export function writeRunningRecord(storeRoot: string, record: RunningEngineRecord): void {
  try {
    const dir = runDir(storeRoot);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `engine-${record.pid}.json`);
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(record));
    fs.renameSync(temp, file);
  } catch {
    // The registry is informational: a read-only store must not stop an engine.
  }
}

export function removeRunningRecord(storeRoot: string, pid: number): void {
  try {
    fs.rmSync(path.join(runDir(storeRoot), `engine-${pid}.json`), { force: true });
  } catch {
    // Informational only.
  }
}

/** Records of engines still running; records left by engines that died are removed. */
export function listRunningEngines(storeRoot: string): RunningEngineRecord[] {
  const dir = runDir(storeRoot);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const records: RunningEngineRecord[] = [];
  for (const name of names) {
    const match = /^engine-(\d+)\.json$/.exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    const file = path.join(dir, name);
    if (!isAlive(pid)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    try {
      const record = JSON.parse(fs.readFileSync(file, "utf8")) as RunningEngineRecord;
      if (record.pid === pid && Array.isArray(record.models)) records.push(record);
    } catch {
      // Being rewritten right now: skip it this time.
    }
  }
  return records.sort((a, b) => a.startedAt - b.startedAt);
}
