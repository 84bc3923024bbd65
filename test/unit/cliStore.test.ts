// `hearth pull / list / show / rm / cp / import / ps / catalogue / repair` as a user runs them:
// real processes, a loopback server serving the fixture models (HEARTH_DOWNLOAD_ENDPOINT points
// pulls at it), a fresh store (HEARTH_HOME) per test.
import * as assert from "node:assert/strict";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type { StoreListResult, StoreShowResult } from "../../src/common/engine/engineProtocol";
import type { PullProgress, PullResult, RepairReport } from "../../src/common/models/modelManifest";
import type { RunningEngineRecord } from "../../src/node/runningRegistry";
import { cliPath, ensureBuilt } from "../support/engineHarness";
import type { FixtureModelSite } from "../support/fixtureModelServer";
import { startFixtureModelSite } from "../support/fixtureModelServer";

interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  /** Output so far. */
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once stdout holds a match for `pattern`; rejects when the process ends first. */
  waitForStdout(pattern: RegExp): Promise<void>;
  done: Promise<CliRun>;
}

describe("hearth CLI: the model store", function () {
  let site: FixtureModelSite;
  let home: string;
  /** A Node.js `--import` hook that makes node-llama-cpp's getLlama throw (see the getLlama test). */
  let noLlamaHook: string;
  let hookDir: string;

  function startCli(args: string[], options: { env?: Record<string, string>; nodeArgs?: string[]; keepStdinOpen?: boolean } = {}): CliProcess {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), cliPath, ...args], {
      env: {
        ...process.env,
        HEARTH_LOCALE: "en",
        HEARTH_HOME: home,
        HEARTH_MODELS_PATH: "",
        HEARTH_DOWNLOAD_ENDPOINT: site.server.url,
        HEARTH_GPU: "off",
        ...options.env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const waiters: Array<{ pattern: RegExp; resolve: () => void; reject: (error: Error) => void }> = [];
    const check = (): void => {
      for (const waiter of [...waiters]) {
        if (waiter.pattern.test(stdout)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    };
    child.stdout.on("data", (data: Buffer) => {
      stdout += data.toString("utf8");
      check();
    });
    child.stderr.on("data", (data: Buffer) => (stderr += data.toString("utf8")));
    const done = new Promise<CliRun>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => {
        for (const waiter of waiters.splice(0)) {
          waiter.reject(new Error(`hearth ${args.join(" ")} ended (${code}) before ${waiter.pattern}: ${stdout}\n${stderr}`));
        }
        resolve({ code, signal, stdout, stderr });
      });
    });
    if (!options.keepStdinOpen) child.stdin.end();
    return {
      child,
      get stdout() {
        return stdout;
      },
      get stderr() {
        return stderr;
      },
      waitForStdout: (pattern) =>
        new Promise<void>((resolve, reject) => {
          waiters.push({ pattern, resolve, reject });
          check();
        }),
      done,
    };
  }

  function runCli(args: string[], options: { env?: Record<string, string>; nodeArgs?: string[] } = {}): Promise<CliRun> {
    return startCli(args, options).done;
  }

  async function runJson<T>(args: string[]): Promise<T> {
    const run = await runCli(args);
    assert.equal(run.code, 0, `hearth ${args.join(" ")}: ${run.stderr}`);
    return JSON.parse(run.stdout) as T;
  }

  function jsonLines(stdout: string): Array<Record<string, unknown>> {
    return stdout
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  const hfReference = (): string => `hf:${site.huggingFace.repo}/${site.huggingFace.file}`;

  before(async () => {
    ensureBuilt();
    site = await startFixtureModelSite();
    hookDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-cli-hook-"));
    const hooks = path.join(hookDir, "hooks.mjs");
    fs.writeFileSync(
      hooks,
      `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (specifier !== "node-llama-cpp") return resolved;
  const source = "export * from " + JSON.stringify(resolved.url) + "; export function getLlama() { throw new Error('getLlama was called'); }";
  return { url: "data:text/javascript," + encodeURIComponent(source), shortCircuit: true };
}
`,
    );
    noLlamaHook = path.join(hookDir, "register.mjs");
    fs.writeFileSync(noLlamaHook, `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  });

  after(async () => {
    await site.server.close();
    fs.rmSync(hookDir, { recursive: true, force: true });
  });

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-cli-store-"));
  });

  afterEach(() => {
    fs.rmSync(home, { recursive: true, force: true });
  });

  it("pulls with JSON progress lines, then lists, shows, runs, copies and removes by name", async () => {
    const pull = await runCli(["pull", hfReference(), "--json"]);
    assert.equal(pull.code, 0, pull.stderr);
    const lines = jsonLines(pull.stdout);
    const progress = lines.slice(0, -1) as unknown as Array<PullProgress & { event: string }>;
    const result = lines.at(-1) as unknown as PullResult & { event: string };
    assert.ok(progress.length >= 2, pull.stdout);
    assert.ok(progress.every((event) => event.event === "progress" && typeof event.completedBytes === "number"));
    assert.equal(progress.at(-1)!.phase, "done");
    assert.equal(progress.at(-1)!.completedBytes, site.huggingFace.cdn.bytes.length);
    assert.equal(result.event, "result");
    assert.equal(result.alreadyInstalled, false);
    const name = result.name;
    assert.equal(name, "tiny-llama:q8_0");

    const listed = await runJson<StoreListResult>(["list", "--json"]);
    assert.deepEqual(listed.models.map((model) => [model.name, model.status]), [[name, "ok"]]);
    const table = await runCli(["ls"]);
    assert.equal(table.code, 0, table.stderr);
    const [header, row] = table.stdout.trim().split("\n");
    assert.match(header!, /^NAME\s+SIZE\s+QUANT\s+PARAMS\s+CONTEXT\s+MODIFIED$/);
    assert.match(row!, new RegExp(`^${name.replace(/[.]/g, "\\.")}\\s+\\S+ \\S?B\\s+F32\\s+\\S+\\s+2048\\s+just now$`));
    assert.equal(header!.indexOf("SIZE"), row!.search(/\s\S+ \S?B\s/) + 1, "columns are aligned");

    const shown = await runCli(["show", name, "--ctx", "512"]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /architecture\s+llama/);
    assert.match(shown.stdout, /quantization\s+F32/);
    assert.match(shown.stdout, /context length\s+2048/);
    assert.match(shown.stdout, /embedding length\s+64/);
    assert.match(shown.stdout, /chat template\s+yes/);
    assert.match(shown.stdout, /Memory for a 512-token context/);
    assert.match(shown.stdout, /Fits|Does not fit/);
    const shownJson = await runJson<StoreShowResult>(["show", name, "--json"]);
    assert.equal(shownJson.model.name, name);
    assert.equal(shownJson.inspection?.architecture, "llama");
    const byReference = await runJson<StoreShowResult>(["show", hfReference(), "--json"]);
    assert.equal(byReference.model.name, name, "an hf: reference shows the model it was pulled as");
    const template = await runCli(["show", name, "--template"]);
    assert.equal(template.code, 0, template.stderr);
    assert.equal(template.stdout.trimEnd(), shownJson.inspection?.chatTemplate?.trimEnd());
    const license = await runCli(["show", name, "--license"]);
    assert.equal(license.code, 1, "the fixture states no licence");
    assert.match(license.stderr, /does not state a licence/);

    const answer = await runCli(["run", name, "Hi", "--threads", "1", "--max-tokens", "4", "--json", "--temperature", "0"]);
    assert.equal(answer.code, 0, answer.stderr);
    assert.equal((JSON.parse(answer.stdout) as { model: string }).model, name);

    const again = await runCli(["pull", hfReference()]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already installed/);

    const copy = await runCli(["cp", name, "tiny:work"]);
    assert.equal(copy.code, 0, copy.stderr);
    assert.deepEqual((await runJson<StoreListResult>(["list", "--json"])).models.map((m) => m.name), ["tiny-llama:q8_0", "tiny:work"]);

    const removeFirst = await runCli(["rm", name]);
    assert.equal(removeFirst.code, 0, removeFirst.stderr);
    assert.match(removeFirst.stdout, /Removed tiny-llama:q8_0 \(its file is still used by another name\)/);
    const removeSecond = await runCli(["remove", "tiny:work", "nothing-here:1b"]);
    assert.equal(removeSecond.code, 1, "one name was unknown");
    assert.match(removeSecond.stdout, /Removed tiny:work \(freed /);
    assert.match(removeSecond.stderr, /No model called nothing-here:1b is installed/);
    const empty = await runCli(["list"]);
    assert.match(empty.stdout, /No models are installed/);
  });

  it("prints plain progress lines when stderr is not a terminal", async () => {
    const pull = await runCli(["pull", site.llama.url, "--name", "plain:test"]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.doesNotMatch(pull.stderr, /\r/, "no bar redraws in a log");
    assert.match(pull.stderr, /^pulling plain:test: /m);
    assert.match(pull.stderr, /^pulled plain:test: 100% /m);
    assert.match(pull.stdout, /^Pulled plain:test \(/);
  });

  it("explains a 404 and an unknown name with exit code 1", async () => {
    const missing = await runCli(["pull", `${site.server.url}/files/missing.gguf`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /HTTP 404/);
    assert.match(missing.stderr, /^Error: /m);
    assert.match(missing.stderr, /^resolving /m, "progress lines come before the error");
    const unknownName = await runCli(["pull", "no-such-model:1b"]);
    assert.equal(unknownName.code, 1);
    assert.match(unknownName.stderr, /no model called no-such-model:1b in Hearth's catalogue/);
    const removeUnknown = await runCli(["rm", "no-such-model:1b"]);
    assert.equal(removeUnknown.code, 1);
    assert.match(removeUnknown.stderr, /No model called no-such-model:1b is installed; "hearth list" shows what is\./);
    const showUnknown = await runCli(["show", "no-such-model:1b"]);
    assert.equal(showUnknown.code, 1);
    assert.match(showUnknown.stderr, /not installed/);
  });

  it("cancels a pull on Ctrl+C with exit code 130, keeps what arrived, and resumes from it", async () => {
    const urlPath = "/files/slow-tiny-llama.gguf";
    const served = site.server.serve(urlPath, site.llama.bytes);
    site.server.setFault(urlPath, { chunkBytes: 4096, chunkDelayMs: 50 });
    try {
      const pull = startCli(["pull", served.url, "--json"]);
      await pull.waitForStdout(/"phase":"downloading"[^\n]*"completedBytes":[1-9]/);
      pull.child.kill("SIGINT");
      const ended = await pull.done;
      assert.equal(ended.code, 130, ended.stderr);
      assert.match(ended.stderr, /cancelled\. What arrived is kept/);
      const listed = await runJson<StoreListResult>(["list", "--json"]);
      assert.equal(listed.models.length, 0);
      assert.equal(listed.partials.length, 1);
      assert.ok(listed.partials[0]!.completedBytes > 0);
      assert.equal(listed.partials[0]!.active, false);
      const table = await runCli(["list"]);
      assert.match(table.stdout, /Unfinished downloads/);

      site.server.setFault(urlPath, null);
      const resumed = await runCli(["pull", served.url, "--json"]);
      assert.equal(resumed.code, 0, resumed.stderr);
      const result = jsonLines(resumed.stdout).at(-1) as unknown as PullResult;
      assert.ok(result.resumedFromBytes > 0, JSON.stringify(result));
      assert.equal(result.resumedFromBytes + result.downloadedBytes, served.bytes.length);
    } finally {
      site.server.setFault(urlPath, null);
    }
  });

  it("imports a file (copied or linked), reports damaged entries, and repairs them", async () => {
    const imported = await runCli(["import", site.fixtures.llama, "tiny:copy"]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /Imported .*tiny-llama\.gguf as tiny:copy/);
    const linked = await runCli(["import", site.fixtures.embedding, "--link"]);
    assert.equal(linked.code, 0, linked.stderr);
    assert.match(linked.stdout, /as tiny-bert-embed:latest/);

    const manifestDir = path.join(home, "models", "manifests", "broken");
    fs.mkdirSync(manifestDir, { recursive: true });
    fs.writeFileSync(path.join(manifestDir, "1.json"), "{ not json");
    const table = await runCli(["list"]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /^broken:1\s+-\s+-\s+-\s+-\s+\(damaged manifest\)$/m);
    assert.match(table.stdout, /Damaged entries/);
    assert.match(table.stdout, /^  broken:1: The manifest is damaged/m);
    const showBroken = await runCli(["show", "broken:1"]);
    assert.equal(showBroken.code, 1);
    assert.match(showBroken.stderr, /broken:1 cannot be used/);

    const repaired = await runCli(["repair", "--json"]);
    assert.equal(repaired.code, 0, repaired.stderr);
    const report = JSON.parse(repaired.stdout) as RepairReport;
    assert.deepEqual(report.removedManifests.map((m) => m.name), ["broken:1"]);
    const again = await runCli(["repair"]);
    assert.match(again.stdout, /nothing to repair/);
    assert.deepEqual((await runJson<StoreListResult>(["list", "--json"])).models.map((m) => m.name), ["tiny-bert-embed:latest", "tiny:copy"]);
  });

  it("shows a .gguf file by path, and what ps sees while a hearth run holds a model", async () => {
    const byPath = await runCli(["show", site.fixtures.embedding]);
    assert.equal(byPath.code, 0, byPath.stderr);
    assert.match(byPath.stdout, /architecture\s+bert/);

    assert.equal((await runCli(["import", site.fixtures.llama, "tiny:ps"])).code, 0);
    const nothing = await runCli(["ps"]);
    assert.equal(nothing.code, 0, nothing.stderr);
    assert.match(nothing.stdout, /No model is loaded/);

    const chat = startCli(["run", "tiny:ps", "--interactive", "--threads", "1", "--max-tokens", "4"], { keepStdinOpen: true });
    try {
      await chat.waitForStdout(/>>> /);
      const records = await runJson<RunningEngineRecord[]>(["ps", "--json"]);
      assert.equal(records.length, 1, JSON.stringify(records));
      assert.equal(records[0]!.kind, "cli");
      assert.equal(records[0]!.pid, chat.child.pid);
      assert.deepEqual(records[0]!.models.map((m) => m.name), ["tiny:ps"]);
      const table = await runCli(["ps"]);
      assert.equal(table.code, 0, table.stderr);
      const [header, row] = table.stdout.trim().split("\n");
      assert.match(header!, /^NAME\s+SIZE\s+PROCESSOR\s+LOADED BY\s+SINCE$/);
      assert.match(row!, new RegExp(`^tiny:ps\\s+\\S+ \\S?B\\s+100% CPU\\s+cli, pid ${chat.child.pid}\\s+just now$`));
    } finally {
      chat.child.stdin.end("/bye\n");
    }
    const ended = await chat.done;
    assert.equal(ended.code, 0, ended.stderr);
    assert.deepEqual(await runJson<RunningEngineRecord[]>(["ps", "--json"]), []);
  });

  it("does not start llama.cpp for list, ps, catalogue, pull, import, cp and rm", async () => {
    const env = {};
    const nodeArgs = ["--import", pathToFileURL(noLlamaHook).href];
    // The hook works: a command that needs llama.cpp fails with it.
    const show = await runCli(["show", site.fixtures.llama], { env, nodeArgs });
    assert.equal(show.code, 1);
    assert.match(show.stderr, /getLlama was called/);
    for (const args of [
      ["pull", hfReference(), "--json"],
      ["import", site.fixtures.llama, "tiny:1"],
      ["list"],
      ["list", "--json"],
      ["ps"],
      ["catalogue"],
      ["cp", "tiny:1", "tiny:2"],
      ["rm", "tiny:1", "tiny:2"],
      ["repair"],
    ]) {
      const run = await runCli(args, { env, nodeArgs });
      assert.equal(run.code, 0, `hearth ${args.join(" ")}: ${run.stderr}`);
      assert.doesNotMatch(run.stderr, /getLlama was called/);
    }
  });

  it("lists the catalogue with the best fit for this machine, and searches it", async () => {
    const catalogue = await runCli(["catalogue"]);
    assert.equal(catalogue.code, 0, catalogue.stderr);
    assert.match(catalogue.stdout, /NAME\s+PURPOSE\s+SIZE\s+MEMORY\s+LICENSE\s+DESCRIPTION/);
    assert.match(catalogue.stdout, /qwen2\.5-coder:1\.5b\s+code\s+~\S+ \S?B\s+\S+ \S?B\s+apache-2\.0/);
    assert.match(catalogue.stdout, /Best fit for this machine|too little memory/);
    const search = await runJson<{ models: Array<{ name: string; purpose: string }>; recommended: Record<string, string | null> }>([
      "catalogue",
      "reranker",
      "--json",
    ]);
    assert.deepEqual(search.models.map((m) => m.name), ["bge-reranker-v2-m3:568m"]);
    assert.ok("code" in search.recommended);
    const none = await runCli(["catalogue", "no-such-thing"]);
    assert.equal(none.code, 1);
  });

  it("asks to pull a catalogue model that is not installed, or says how outside a terminal", async () => {
    const run = await runCli(["run", "qwen2.5-coder:0.5b", "Hi"]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /qwen2\.5-coder:0\.5b is not installed\. Pull it first: hearth pull qwen2\.5-coder:0\.5b/);
    assert.equal(site.server.requests.filter((r) => r.path.includes("Qwen")).length, 0, "nothing was downloaded");
  });

  it("says in Simplified Chinese that a model is not installed when LANG is zh_CN", async () => {
    const run = await runCli(["rm", "no-such-model:1b"], { env: { HEARTH_LOCALE: "", LANG: "zh_CN.UTF-8", LC_ALL: "", LC_MESSAGES: "" } });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /没有安装名为 no-such-model:1b 的模型/);
  });
});
