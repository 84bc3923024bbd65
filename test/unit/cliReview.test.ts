// `hearth review` as CI and a pre-commit hook run it: a real process, a real git repository with
// staged changes, the fixture llama reviewing; text, JSON and SARIF output, and --fail-on.
import * as assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ReviewResult } from "../../src/common/engine/engineProtocol";
import { reachesSeverity } from "../../src/common/review/reviewFindings";
import { cliPath, ensureBuilt } from "../support/engineHarness";
import { ensureFixtureModels } from "../fixtures/fixtureModels";
import { fakePrivateKey, fakeTokens } from "../support/fakeSecrets";

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function lines(count: number, prefix: string): string {
  return Array.from({ length: count }, (_, i) => `export const ${prefix}${i + 1} = ${i + 1};`).join("\n") + "\n";
}

describe("hearth review", function () {
  this.timeout(300_000);
  let repo: string;
  let home: string;
  let model: string;

  const runCli = (args: string[], cwd = repo): Promise<CliRun> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [cliPath, ...args], {
        cwd,
        env: { ...process.env, HEARTH_LOCALE: "en", HEARTH_HOME: home, HEARTH_MODELS_PATH: "", HEARTH_GPU: "off", HEARTH_MODEL: "" },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (data: Buffer) => (stdout += data.toString("utf8")));
      child.stderr.on("data", (data: Buffer) => (stderr += data.toString("utf8")));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr }));
      child.stdin.end();
    });
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: repo, encoding: "utf8" });
  const modelArgs = (): string[] => ["--model", model, "--ctx", "4096", "--max-tokens", "500", "--threads", "1", "--seed", "4"];

  before(async () => {
    ensureBuilt();
    model = (await ensureFixtureModels()).llama;
    home = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-review-home-"));
    repo = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-review-repo-"));
    git("init", "-q");
    git("config", "user.email", "test@example.com");
    git("config", "user.name", "Test");
    fs.mkdirSync(path.join(repo, "src"));
    fs.writeFileSync(path.join(repo, "src", "app.ts"), lines(30, "a"));
    fs.writeFileSync(path.join(repo, "src", "gone.ts"), lines(3, "g"));
    fs.writeFileSync(path.join(repo, "package-lock.json"), "{}\n");
    git("add", ".");
    git("commit", "-qm", "start");
    git("branch", "-M", "main");
    fs.writeFileSync(path.join(repo, "src", "app.ts"), lines(30, "a").replace("a10 = 10", "a10 = 10 / 0").replace("a20 = 20;", "a20 = eval(input);"));
    fs.writeFileSync(path.join(repo, "src", "new.ts"), lines(5, "n"));
    fs.writeFileSync(path.join(repo, "package-lock.json"), '{"lockfileVersion": 3}\n');
    fs.rmSync(path.join(repo, "src", "gone.ts"));
    fs.mkdirSync(path.join(repo, ".hearth"));
    fs.writeFileSync(path.join(repo, ".hearth", "review.md"), "Never divide by zero.\n");
    git("add", "src", "package-lock.json");
    // An unstaged change that --staged must not see.
    fs.appendFileSync(path.join(repo, "src", "new.ts"), "export const unstaged = 1;\n");
  });

  after(() => {
    fs.rmSync(repo, { recursive: true, force: true });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it("reviews the staged changes as JSON: checked findings on changed lines, lock and deleted files skipped", async () => {
    const run = await runCli(["review", "--staged", "--json", ...modelArgs()]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as ReviewResult & { model: string };
    assert.deepEqual(
      result.skipped.map((s) => `${s.path}:${s.reason}`).sort(),
      ["package-lock.json:lock", "src/gone.ts:deleted"],
    );
    assert.equal(result.chunks, 2);
    assert.equal(result.reviewedLines, 2 + 5, "two changed lines in app.ts, five staged in new.ts (not the unstaged sixth)");
    for (const finding of result.findings) {
      if (finding.path === "src/app.ts") assert.ok([10, 20].some((n) => finding.line <= n && n <= finding.endLine), JSON.stringify(finding));
      else assert.ok(finding.path === "src/new.ts" && finding.endLine <= 5, JSON.stringify(finding));
    }
  });

  it("prints the same review as text and as SARIF 2.1.0, and --fail-on follows the findings", async () => {
    const json = JSON.parse((await runCli(["review", "--staged", "--json", ...modelArgs()])).stdout) as ReviewResult;
    const text = await runCli(["review", "--staged", ...modelArgs()]);
    assert.equal(text.code, 0, text.stderr);
    const textLines = text.stdout.split("\n").filter((line) => /^src\/\S+:\d+(-\d+)?: (error|warning|info) \[/.test(line));
    assert.equal(textLines.length, json.findings.length, text.stdout);
    assert.match(text.stderr, new RegExp(`^${json.findings.length} findings .* in 7 reviewed lines; 2 skipped files`, "m"));
    assert.match(text.stderr, /Skipped package-lock\.json \(lock file\)\./);

    const sarif = await runCli(["review", "--staged", "--format", "sarif", ...modelArgs()]);
    assert.equal(sarif.code, 0, sarif.stderr);
    const log = JSON.parse(sarif.stdout) as { version: string; runs: Array<{ tool: { driver: { name: string } }; results: Array<{ level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> };
    assert.equal(log.version, "2.1.0");
    assert.equal(log.runs[0]!.tool.driver.name, "Hearth");
    assert.equal(log.runs[0]!.results.length, json.findings.length);

    for (const level of ["error", "warning"] as const) {
      const run = await runCli(["review", "--staged", "--fail-on", level, "--json", ...modelArgs()]);
      const found = (JSON.parse(run.stdout) as ReviewResult).findings;
      assert.equal(run.code, reachesSeverity(found, level) ? 1 : 0, `--fail-on ${level}: ${JSON.stringify(found)}`);
    }
  });

  it("reviews whole files by path, and a diff read from a file", async () => {
    // Whole files by path: every line may be reported.
    const byPath = await runCli(["review", "src/new.ts", "--json", ...modelArgs()]);
    assert.equal(byPath.code, 0, byPath.stderr);
    const result = JSON.parse(byPath.stdout) as ReviewResult;
    assert.equal(result.reviewedLines, 6);
    // A diff file, read with the repository's files.
    fs.writeFileSync(path.join(repo, "change.diff"), git("diff", "--cached", "src/app.ts"));
    const fromFile = await runCli(["review", "--diff", "change.diff", "--json", ...modelArgs()]);
    assert.equal(fromFile.code, 0, fromFile.stderr);
    assert.equal((JSON.parse(fromFile.stdout) as ReviewResult).reviewedLines, 2);
  });

  it("reviews a branch against its base (--base), and nothing when nothing changed", async () => {
    fs.writeFileSync(path.join(repo, "src", "new.ts"), lines(5, "n")); // the unstaged line goes
    git("switch", "-q", "-c", "feature");
    git("commit", "-qm", "the change");
    const run = await runCli(["review", "--base", "main", "--json", ...modelArgs()]);
    assert.equal(run.code, 0, run.stderr);
    const result = JSON.parse(run.stdout) as ReviewResult;
    assert.equal(result.reviewedLines, 7);
    assert.deepEqual(result.skipped.map((s) => s.reason).sort(), ["deleted", "lock"]);
    const nothing = await runCli(["review", "--staged", "--format", "sarif", ...modelArgs()]);
    assert.equal(nothing.code, 0, nothing.stderr);
    assert.match(nothing.stderr, /Nothing to review/);
    assert.equal((JSON.parse(nothing.stdout) as { runs: Array<{ results: unknown[] }> }).runs[0]!.results.length, 0);
  });

  it("reviews a repository with no commits yet: staged and working-tree files are all added; --base says there is no branch", async () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-review-fresh-"));
    try {
      const freshGit = (...args: string[]): string => execFileSync("git", args, { cwd: fresh, encoding: "utf8" });
      freshGit("init", "-q");
      fs.writeFileSync(path.join(fresh, "first.ts"), lines(4, "f"));
      fs.writeFileSync(path.join(fresh, "untracked.ts"), lines(2, "u"));
      freshGit("add", "first.ts");
      assert.throws(() => freshGit("rev-parse", "--verify", "--quiet", "HEAD"), "the repository has no HEAD");
      const staged = await runCli(["review", "--staged", "--json", ...modelArgs()], fresh);
      assert.equal(staged.code, 0, staged.stderr);
      const stagedResult = JSON.parse(staged.stdout) as ReviewResult;
      assert.equal(stagedResult.reviewedLines, 4, "every staged line is new");
      assert.equal(stagedResult.chunks, 1);
      for (const finding of stagedResult.findings) assert.equal(finding.path, "first.ts");
      fs.appendFileSync(path.join(fresh, "first.ts"), "export const later = 5;\n");
      const workingTree = await runCli(["review", "--json", ...modelArgs()], fresh);
      assert.equal(workingTree.code, 0, workingTree.stderr);
      assert.equal((JSON.parse(workingTree.stdout) as ReviewResult).reviewedLines, 5, "the tracked file as it is now, untracked files left out");
      const base = await runCli(["review", "--base", "main", ...modelArgs()], fresh);
      assert.equal(base.code, 1);
      assert.match(base.stderr, /This repository has no commits yet, so there is no branch to compare with main\. Review what you are about to commit with hearth review --staged/);
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  });

  it("never reviews a staged secret: .env, id_rsa and a key under an innocent name are skipped with the rule, in JSON, text and SARIF (issue 14)", async () => {
    const secrets = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-review-secrets-"));
    try {
      const repoGit = (...args: string[]): string => execFileSync("git", args, { cwd: secrets, encoding: "utf8" });
      repoGit("init", "-q");
      fs.writeFileSync(path.join(secrets, ".env"), `GITHUB_TOKEN=${fakeTokens.github()}\n`);
      fs.writeFileSync(path.join(secrets, "id_rsa"), fakePrivateKey());
      fs.mkdirSync(path.join(secrets, "docs"));
      fs.writeFileSync(path.join(secrets, "docs", "notes.txt"), `The deploy key:\n${fakePrivateKey("OPENSSH")}`);
      fs.writeFileSync(path.join(secrets, "app.ts"), lines(3, "a"));
      repoGit("add", ".");
      const expected = [".env:secret:name", "docs/notes.txt:secret:content", "id_rsa:secret:name"];

      const json = await runCli(["review", "--staged", "--json", ...modelArgs()], secrets);
      assert.equal(json.code, 0, json.stderr);
      const result = JSON.parse(json.stdout) as ReviewResult;
      assert.deepEqual(result.skipped.map((s) => `${s.path}:${s.reason}:${s.secret?.rule}`).sort(), expected);
      assert.equal(result.reviewedLines, 3, "only app.ts reached the model");
      for (const finding of result.findings) assert.equal(finding.path, "app.ts");

      const text = await runCli(["review", "--staged", ...modelArgs()], secrets);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stderr, /Skipped \.env \(a secret: its name, \.env, is that of a file that holds keys or credentials; Hearth never sends secrets to a model\)\./);
      assert.match(text.stderr, /Skipped docs\/notes\.txt \(a secret: it contains a private key; Hearth never sends secrets to a model\)\./);

      const sarif = await runCli(["review", "--staged", "--format", "sarif", ...modelArgs()], secrets);
      assert.equal(sarif.code, 0, sarif.stderr);
      const log = JSON.parse(sarif.stdout) as {
        runs: Array<{ invocations?: Array<{ toolExecutionNotifications: Array<{ level: string; message: { text: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }> }>;
      };
      const notes = log.runs[0]!.invocations?.[0]?.toolExecutionNotifications ?? [];
      assert.deepEqual(notes.map((n) => n.locations[0]!.physicalLocation.artifactLocation.uri).sort(), [".env", "docs/notes.txt", "id_rsa"]);
      assert.ok(notes.every((n) => n.level === "note" && /Hearth never sends secrets to a model/.test(n.message.text)), JSON.stringify(notes));

      // By path, too.
      const byPath = await runCli(["review", "id_rsa", "--json", ...modelArgs()], secrets);
      assert.equal(byPath.code, 0, byPath.stderr);
      assert.deepEqual((JSON.parse(byPath.stdout) as ReviewResult).skipped.map((s) => s.reason), ["secret"]);
    } finally {
      fs.rmSync(secrets, { recursive: true, force: true });
    }
  });

  it("says what is wrong with how it was called", async () => {
    const both = await runCli(["review", "--staged", "--base", "main"]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /Choose one of --staged, --base REF, --diff FILE or paths\./);
    const format = await runCli(["review", "--format", "xml"]);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /--format must be text, json or sarif, not "xml"/);
    const failOn = await runCli(["review", "--fail-on", "info"]);
    assert.equal(failOn.code, 2);
    const noModel = await runCli(["review", "src/new.ts"]);
    assert.equal(noModel.code, 2);
    assert.match(noModel.stderr, /No model to review with/);
    const outside = await runCli(["review", "--staged", ...modelArgs()], os.tmpdir());
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /not inside a git repository/);
    const help = await runCli(["help"]);
    assert.match(help.stdout, /review \[PATH\.\.\.\] +Review staged changes/);
  });
});
