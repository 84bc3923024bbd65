// `hearth run` with a model whose Modelfile has LICENSE: the licence goes to stderr the first time
// the model runs from a store (remembered in the store folder), never to stdout, and again only
// when the licence changes.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ensureFixtureModels } from "../fixtures/fixtureModels";
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

describe("hearth run: a Modelfile's LICENSE shown before first use", function () {
  let dir: string;
  let env: Record<string, string>;
  const licence = "Tiny Licence 1.0\n\nUse it for tests only.";

  before(async () => {
    ensureBuilt();
    const fixtures = await ensureFixtureModels();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-licence-"));
    fs.copyFileSync(fixtures.llama, path.join(dir, "base.gguf"));
    env = { HEARTH_HOME: path.join(dir, "home"), HEARTH_GPU: "off" };
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const create = async (text: string): Promise<void> => {
    fs.writeFileSync(path.join(dir, "Modelfile"), `FROM ./base.gguf\nPARAMETER num_predict 3\nPARAMETER num_thread 1\nLICENSE """${text}"""\n`);
    const created = await runCli(["create", "licensed:test"], env, dir);
    assert.equal(created.code, 0, created.stderr);
  };

  it("prints the licence to stderr on the first run only, leaving stdout to the answer", async () => {
    await create(licence);
    const first = await runCli(["run", "licensed:test", "Hello", "--json"], env, dir);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /licensed:test comes with this licence/);
    assert.ok(first.stderr.includes(licence), first.stderr);
    assert.doesNotMatch(first.stdout, /Tiny Licence/);
    JSON.parse(first.stdout); // stdout is still the one JSON object

    const record = JSON.parse(fs.readFileSync(path.join(dir, "home", "licences-shown.json"), "utf8")) as {
      accepted: Array<{ name: string; sha256: string }>;
    };
    assert.deepEqual(record.accepted.map((entry) => entry.name), ["licensed:test"]);

    const second = await runCli(["run", "licensed:test", "Hello", "--json"], env, dir);
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /Tiny Licence/, "shown once");
  });

  it("shows it again when the model's licence changes, and never for a plain file", async () => {
    await create("Tiny Licence 2.0");
    const changed = await runCli(["run", "licensed:test", "Hello", "--json"], env, dir);
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stderr, /Tiny Licence 2\.0/);

    const plain = await runCli(["run", path.join(dir, "base.gguf"), "Hello", "--json", "--max-tokens", "3", "--threads", "1"], env, dir);
    assert.equal(plain.code, 0, plain.stderr);
    assert.doesNotMatch(plain.stderr, /licence/i);
  });
});
