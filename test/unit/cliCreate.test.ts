// `hearth create` end to end: a Modelfile FROM a local fixture model with PARAMETERs, SYSTEM,
// MESSAGE and ADAPTER; the created model runs with its profile; `show --modelfile` gives it back.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureFixtureModels } from "../fixtures/fixtureModels";
import { startFixtureModelSite } from "../support/fixtureModelServer";
import { cliPath, ensureBuilt } from "../support/engineHarness";

function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd, env: { ...process.env, HEARTH_LOCALE: "en", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

describe("hearth create (Modelfiles that run)", function () {
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    ensureBuilt();
    const fixtures = await ensureFixtureModels();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-create-"));
    fs.copyFileSync(fixtures.llama, path.join(dir, "base.gguf"));
    fs.copyFileSync(fixtures.lora, path.join(dir, "style.gguf"));
    env = { HEARTH_HOME: path.join(dir, "home"), HEARTH_GPU: "off" };
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("creates a model whose PARAMETERs, SYSTEM, MESSAGEs and ADAPTER apply when it runs", async () => {
    fs.writeFileSync(
      path.join(dir, "Modelfile"),
      [
        "FROM ./base.gguf",
        "PARAMETER num_predict 5",
        "PARAMETER temperature 0",
        "PARAMETER num_thread 1",
        'SYSTEM "You answer in five words."',
        "MESSAGE user Hello",
        "MESSAGE assistant Hello to you too",
        "ADAPTER ./style.gguf",
        "",
      ].join("\n"),
    );
    const created = await runCli(["create", "tiny:styled"], env, dir);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Created tiny:styled/);

    const run = await runCli(["run", "tiny:styled", "Tell me everything", "--json"], env, dir);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { usage: { outputTokens: number }; stopReason: string; text: string };
    // The token meter also counts the chat template's own tokens around the answer; far below
    // the CLI's default of 512, and stopped for the token limit: num_predict applied.
    assert.ok(result.usage.outputTokens <= 8, `num_predict 5 gave ${result.usage.outputTokens} tokens`);
    assert.equal(result.stopReason, "maxTokens");

    const again = await runCli(["run", "tiny:styled", "Tell me everything", "--json"], env, dir);
    assert.equal((JSON.parse(again.stdout) as { text: string }).text, result.text, "temperature 0 from the profile");

    const plain = await runCli(["run", path.join(dir, "base.gguf"), "Tell me everything", "--json", "--temperature", "0", "--max-tokens", "5"], env, dir);
    assert.notEqual((JSON.parse(plain.stdout) as { text: string }).text, result.text, "the SYSTEM/MESSAGE/ADAPTER changed the answer");

    const shown = await runCli(["show", "tiny:styled", "--modelfile"], env, dir);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^FROM \.\/base\.gguf\n/);
    assert.match(shown.stdout, /PARAMETER num_predict 5/);
    assert.match(shown.stdout, /SYSTEM "You answer in five words\."/);
    assert.match(shown.stdout, /MESSAGE assistant "Hello to you too"/);
    assert.match(shown.stdout, /ADAPTER .*style\.gguf/);
  });

  it("refuses a Modelfile with errors, saying which line", async () => {
    fs.writeFileSync(path.join(dir, "Broken.modelfile"), "FROM ./base.gguf\nPARAMETER num_ctx lots\n");
    const created = await runCli(["create", "tiny:broken", "-f", "Broken.modelfile"], env, dir);
    assert.equal(created.code, 1);
    assert.match(created.stderr, /line 2/);
    const listed = await runCli(["list", "--json"], env, dir);
    assert.doesNotMatch(listed.stdout, /tiny:broken/);
  });

  it("creates from a UTF-16 Modelfile with a byte order mark, as PowerShell's > writes it", async () => {
    const text = ["FROM ./base.gguf", "PARAMETER num_predict 3", 'SYSTEM """Be', 'brief."""', ""].join("\r\n");
    fs.writeFileSync(path.join(dir, "Utf16.modelfile"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    const created = await runCli(["create", "tiny:utf16", "-f", "Utf16.modelfile"], env, dir);
    assert.equal(created.code, 0, created.stderr);
    const shown = await runCli(["show", "tiny:utf16", "--modelfile"], env, dir);
    assert.match(shown.stdout, /PARAMETER num_predict 3/);
    assert.match(shown.stdout, /SYSTEM """Be\r\nbrief\."""/);
  });

  it("refuses an empty FROM, which Ollama's parser accepts, with a clear message; an empty SYSTEM is only a warning", async () => {
    fs.writeFileSync(path.join(dir, "Empty.modelfile"), "FROM \nSYSTEM \n");
    const created = await runCli(["create", "tiny:empty", "-f", "Empty.modelfile"], env, dir);
    assert.equal(created.code, 1);
    assert.match(created.stderr, /line 1: FROM names no model/);
    assert.match(created.stderr, /warning: Empty\.modelfile, line 2: Nothing follows SYSTEM/);
    assert.doesNotMatch(created.stderr, /warning: .*line 1/, "the empty FROM is an error here, not a warning");

    fs.writeFileSync(path.join(dir, "Comments.modelfile"), "# nothing yet\n");
    const none = await runCli(["create", "tiny:none", "-f", "Comments.modelfile"], env, dir);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /has an error that concerns the whole file: This Modelfile has no instructions/);
    const listed = await runCli(["list", "--json"], env, dir);
    assert.doesNotMatch(listed.stdout, /tiny:empty|tiny:none/);
  });

  it("pulls a FROM reference that is not installed yet (hf: on the configured endpoint)", async () => {
    const site = await startFixtureModelSite();
    try {
      const modelfile = path.join(dir, "FromHub.modelfile");
      fs.writeFileSync(modelfile, `FROM hf:${site.huggingFace.repo}/${site.huggingFace.file}\nPARAMETER temperature 0\n`);
      const created = await runCli(["create", "hub:styled", "-f", modelfile], { ...env, HEARTH_DOWNLOAD_ENDPOINT: site.server.url }, dir);
      assert.equal(created.code, 0, created.stderr);
      const listed = await runCli(["list", "--json"], env, dir);
      assert.match(listed.stdout, /hub:styled/);
      assert.match(listed.stdout, /tiny-llama:q8_0/);
    } finally {
      await site.server.close();
    }
  });
});
