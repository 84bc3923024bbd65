// `hearth complete` as a script runs it: a real process, a real file, the tiny code fixture
// completing at a 1-based line and column, the editor's rules applied to what it wrote; usage
// mistakes and a model without FIM tokens.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { finishCompletion, infillOptionsFor } from "../../src/common/completion/completionRules";
import { offsetAt } from "../../src/cli/commands/complete";
import { cliPath, ensureBuilt } from "../support/engineHarness";
import type { FixtureModels } from "../fixtures/fixtureModels";
import { ensureFixtureModels } from "../fixtures/fixtureModels";

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

const source = "export function add(a: number, b: number): number {\n  return a + b;\n}\n\nexport const total = add(1, 2);\n";

describe("hearth complete", function () {
  this.timeout(300_000);
  let dir: string;
  let file: string;
  let fixtures: FixtureModels;

  const runCli = (args: string[]): Promise<CliRun> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cliPath, ...args], {
        cwd: dir,
        env: { ...process.env, HEARTH_LOCALE: "en", HEARTH_HOME: path.join(dir, "home"), HEARTH_MODELS_PATH: "", HEARTH_GPU: "off", HEARTH_COMPLETION_MODEL: "" },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (data: Buffer) => (stdout += data.toString("utf8")));
      child.stderr.on("data", (data: Buffer) => (stderr += data.toString("utf8")));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
      child.stdin.end();
    });

  before(async () => {
    ensureBuilt();
    fixtures = await ensureFixtureModels();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-complete-"));
    file = path.join(dir, "add.ts");
    fs.writeFileSync(file, source);
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("finds the 1-based line and column in the text, as editors count them", () => {
    assert.equal(offsetAt(source, 1, 1), 0);
    assert.equal(source.slice(offsetAt(source, 2, 10)), "a + b;\n}\n\nexport const total = add(1, 2);\n");
    assert.equal(offsetAt(source, 3, 2), source.indexOf("}\n") + 1);
  });

  it("prints the completion the editor would show, with the editor's rules applied", async () => {
    // Mid-line: after "return a" with " + b;" still on the line.
    const json = await runCli(["complete", "add.ts", "--line", "2", "--column", "11", "--model", fixtures.code, "--threads", "1", "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const answer = JSON.parse(json.stdout) as { completion: string; raw: string; singleLine: boolean; stopReason: string; line: number; column: number };
    const offset = offsetAt(source, 2, 11);
    const position = { prefix: source.slice(0, offset), suffix: source.slice(offset) };
    assert.equal(answer.singleLine, infillOptionsFor(position).singleLine);
    assert.equal(answer.singleLine, true);
    assert.ok(answer.raw.length > 0);
    assert.equal(answer.completion, finishCompletion(answer.raw, position) ?? "");
    assert.deepEqual([answer.line, answer.column], [2, 11]);
    const plain = await runCli(["complete", file, "--line", "2", "--column", "11", "--model", fixtures.code, "--threads", "1"]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout, answer.completion === "" ? "" : `${answer.completion}\n`);
  });

  it("refuses a position outside the file, and a model without FIM tokens, saying what to do", async () => {
    const outside = await runCli(["complete", "add.ts", "--line", "2", "--column", "40", "--model", fixtures.code]);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /--column 40 is outside line 2/);
    const noPosition = await runCli(["complete", "add.ts", "--model", fixtures.code]);
    assert.equal(noPosition.code, 2);
    assert.match(noPosition.stderr, /--line L --column C/);
    const chatModel = await runCli(["complete", "add.ts", "--line", "2", "--column", "11", "--model", fixtures.llama, "--threads", "1"]);
    assert.equal(chatModel.code, 1);
    assert.match(chatModel.stderr, /cannot complete code/);
    assert.match(chatModel.stderr, /qwen2\.5-coder:1\.5b/);
  });
});
