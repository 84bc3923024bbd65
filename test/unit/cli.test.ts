// `hearth` as a user runs it: a real process, real models, real exit codes.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { FixtureModels } from "../fixtures/fixtureModels";
import { ensureFixtureModels } from "../fixtures/fixtureModels";
import { cliPath, ensureBuilt, sharedStoriesModel } from "../support/engineHarness";

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

// `hearth run` records what it loads in <store>/run for `hearth ps`: keep that out of ~/.hearth.
const testHome = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-cli-home-"));

function runCli(args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      env: { ...process.env, HEARTH_LOCALE: "en", HEARTH_HOME: testHome, HEARTH_MODELS_PATH: "", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data: Buffer) => (stdout += data.toString("utf8")));
    child.stderr.on("data", (data: Buffer) => (stderr += data.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

describe("hearth CLI", function () {
  let fixtures: FixtureModels;

  before(async () => {
    ensureBuilt();
    fixtures = await ensureFixtureModels();
  });

  after(() => {
    fs.rmSync(testHome, { recursive: true, force: true });
  });

  it("prints help and its version", async () => {
    const help = await runCli(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /hearth run MODEL|run MODEL \[PROMPT\]/);
    const version = await runCli(["--version"]);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^hearth \d+\.\d+\.\d+/);
  });

  it("lists every command in the top-level help", async () => {
    const help = await runCli(["help"]);
    assert.equal(help.code, 0);
    for (const command of ["run", "pull", "list, ls", "show", "ps", "rm, remove", "cp", "import", "index", "search", "mcp", "catalogue", "repair", "help"]) {
      assert.match(help.stdout, new RegExp(`^  ${command.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "m"), command);
    }
    const bare = await runCli([]);
    assert.equal(bare.code, 2, "no command is a usage mistake");
    assert.equal(bare.stdout, help.stdout);
  });

  for (const [command, usageLine] of [
    ["run", "hearth run MODEL [PROMPT]"],
    ["pull", "hearth pull NAME|URI"],
    ["list", "hearth list"],
    ["ls", "hearth list"],
    ["show", "hearth show MODEL"],
    ["ps", "hearth ps"],
    ["rm", "hearth rm NAME..."],
    ["remove", "hearth rm NAME..."],
    ["cp", "hearth cp SOURCE TARGET"],
    ["import", "hearth import FILE.gguf [NAME]"],
    ["catalogue", "hearth catalogue [WORD]"],
    ["index", "hearth index [PATH]"],
    ["search", 'hearth search "QUERY"'],
    ["mcp", "hearth mcp [--workspace PATH]"],
    ["repair", "hearth repair"],
  ] as const) {
    it(`explains ${command} with help ${command} and ${command} --help`, async () => {
      const viaHelp = await runCli(["help", command]);
      assert.equal(viaHelp.code, 0, viaHelp.stderr);
      assert.ok(viaHelp.stdout.includes(`Usage: ${usageLine}`), viaHelp.stdout);
      assert.match(viaHelp.stdout, /-h, --help/);
      const viaFlag = await runCli([command, "--help"]);
      assert.equal(viaFlag.code, 0, viaFlag.stderr);
      assert.equal(viaFlag.stdout, viaHelp.stdout);
      const viaShort = await runCli([command, "-h"]);
      assert.equal(viaShort.stdout, viaHelp.stdout);
    });
  }

  it("answers an unknown option with the command's help and exit code 2", async () => {
    const run = await runCli(["list", "--frob"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--frob/);
    assert.match(run.stderr, /Usage: hearth list/);
    const unknownTopic = await runCli(["help", "frobnicate"]);
    assert.equal(unknownTopic.code, 2);
    assert.match(unknownTopic.stderr, /Unknown command "frobnicate"/);
  });

  it("streams an answer from a .gguf path", async () => {
    const run = await runCli(["run", fixtures.llama, "Say hello", "--threads", "1", "--max-tokens", "24", "--temperature", "0"]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.trim().length > 0);
  });

  it("prints JSON with the answer and its figures for scripts", async () => {
    const run = await runCli(["run", fixtures.llama, "Hi", "--threads", "1", "--max-tokens", "8", "--json", "--temperature", "0"]);
    assert.equal(run.code, 0, run.stderr);
    const parsed = JSON.parse(run.stdout) as { text: string; usage: { outputTokens: number }; model: string };
    assert.ok(parsed.text.length > 0);
    assert.ok(parsed.usage.outputTokens > 0);
    assert.equal(typeof parsed.model, "string");
  });

  it("reads the prompt from a pipe", async () => {
    const run = await runCli(["run", fixtures.llama, "--threads", "1", "--max-tokens", "8"], { input: "Hello from a pipe\n" });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(run.stdout.trim().length > 0);
  });

  it("chats line by line, keeping the conversation, until /bye", async () => {
    const run = await runCli(["run", fixtures.llama, "--interactive", "--threads", "1", "--max-tokens", "8", "--verbose"], {
      input: "Hello\nAnd then?\n/bye\nthis line is never read\n",
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.split(">>> ").length - 1, 3, `expected three prompts in ${JSON.stringify(run.stdout)}`);
    const figures = [...run.stderr.matchAll(/(\d+) prompt tokens \((\d+) evaluated, (\d+) from cache\)/g)];
    assert.equal(figures.length, 2, run.stderr);
    assert.ok(Number(figures[1]![3]) > 0, "the second turn reused the cache");
  });

  it("explains a bad model file and exits 1", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-cli-"));
    const file = path.join(dir, "notes.gguf");
    fs.writeFileSync(file, "not a model");
    const run = await runCli(["run", file, "Hi"]);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /notes\.gguf is not a GGUF model/);
  });

  it("explains usage mistakes and exits 2", async () => {
    const noModel = await runCli(["run"]);
    assert.equal(noModel.code, 2);
    assert.match(noModel.stderr, /needs a model/);
    const badNumber = await runCli(["run", fixtures.llama, "x", "--max-tokens", "lots"]);
    assert.equal(badNumber.code, 2);
    assert.match(badNumber.stderr, /--max-tokens needs a number/);
    const unknown = await runCli(["frobnicate"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown command "frobnicate"/);
  });

  it("speaks Simplified Chinese when the locale is zh_CN", async () => {
    const run = await runCli(["run"], { env: { HEARTH_LOCALE: "", LANG: "zh_CN.UTF-8" } });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /[\u4e00-\u9fff]/);
    const help = await runCli(["pull", "--help"], { env: { HEARTH_LOCALE: "", LANG: "zh_CN.UTF-8" } });
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^用法：hearth pull/);
  });

  const storiesIt = fs.existsSync(sharedStoriesModel) ? it : it.skip;
  storiesIt("streams a story from stories260K (../shared/models)", async () => {
    const run = await runCli(["run", sharedStoriesModel, "Once upon a time", "--threads", "1", "--max-tokens", "60", "--temperature", "0"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\b(she|he|they|was|the)\b/i);
  });
});
