// The engine's and the CLI's message bundles (l10n/hearth.l10n*.json) as src/node/messageBundles.ts
// finds and reads them: from source and from a built layout, and English (never a crash) when a
// bundle is missing or broken, both in-process and in the built CLI.
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { localize, localizeById } from "../../src/common/localize";
import { applyLocale, findMessageBundleFolder, readMessageBundle } from "../../src/node/messageBundles";
import { cliPath, ensureBuilt, repoRoot } from "../support/engineHarness";

const l10nDir = path.join(repoRoot, "l10n");

describe("message bundles", () => {
  let scratch: string;

  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-bundles-"));
  });

  after(() => {
    // Other test files in this process expect English.
    applyLocale("en");
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** A folder laid out like the installed extension: dist/ beside l10n/, with the given bundles. */
  function layout(name: string, bundles: Record<string, string>): string {
    const root = path.join(scratch, name);
    fs.mkdirSync(path.join(root, "dist"), { recursive: true });
    fs.mkdirSync(path.join(root, "l10n"), { recursive: true });
    for (const [file, text] of Object.entries(bundles)) fs.writeFileSync(path.join(root, "l10n", file), text);
    return root;
  }

  it("finds l10n/ from src/node (tsx) and from dist/ (the bundles, the installed extension)", () => {
    assert.equal(findMessageBundleFolder(), l10nDir);
    assert.equal(findMessageBundleFolder(path.join(repoRoot, "dist")), l10nDir);
    const installed = layout("installed", { "hearth.l10n.json": "{}" });
    assert.equal(findMessageBundleFolder(path.join(installed, "dist")), path.join(installed, "l10n"));
  });

  it("shows help screens by id and short messages by their English, in English and in Chinese", () => {
    assert.equal(applyLocale("en"), null);
    assert.match(localizeById("cli.help.pull"), /^Usage: hearth pull /);
    assert.equal(localize("Error: {0}", "x"), "Error: x");
    assert.equal(applyLocale("zh-cn"), null);
    assert.match(localizeById("cli.help.pull"), /^用法：hearth pull /);
    assert.equal(localize("Error: {0}", "x"), "错误：x");
    // A key that every object has by inheritance is still only a key.
    assert.equal(localize("constructor"), "constructor");
  });

  it("falls back to English when the translations are missing or broken, and says why", () => {
    const english = fs.readFileSync(path.join(l10nDir, "hearth.l10n.json"), "utf8");
    const missing = layout("missing", { "hearth.l10n.json": english });
    const problem = applyLocale("zh-cn", path.join(missing, "l10n"));
    assert.match(problem ?? "", /hearth\.l10n\.zh-cn\.json could not be read: there is no such file/);
    assert.match(localizeById("cli.help.pull"), /^Usage: hearth pull /);
    assert.equal(localize("Error: {0}", "x"), "Error: x");

    const broken = layout("broken", { "hearth.l10n.json": english, "hearth.l10n.zh-cn.json": '{"Error: {0}": 42}' });
    assert.match(applyLocale("zh-cn", path.join(broken, "l10n")) ?? "", /the entry "Error: \{0\}" is not a string/);
    assert.equal(localize("Error: {0}", "x"), "Error: x");
    assert.deepEqual(readMessageBundle(path.join(broken, "l10n", "nothing.json")), { problem: "there is no such file" });
  });

  it("shows ids, not a crash, when even the English bundle is gone", () => {
    const problem = applyLocale("en", null);
    assert.match(problem ?? "", /help screens show only their ids/);
    assert.equal(localizeById("cli.help.pull"), "cli.help.pull");
    assert.equal(localize("Error: {0}", "x"), "Error: x");
  });

  it("keeps the built CLI working, in English, when its Chinese bundle is broken", () => {
    ensureBuilt();
    const english = fs.readFileSync(path.join(l10nDir, "hearth.l10n.json"), "utf8");
    const root = layout("cli", { "hearth.l10n.json": english, "hearth.l10n.zh-cn.json": "{ not JSON" });
    fs.copyFileSync(cliPath, path.join(root, "dist", "cli.js"));
    const run = spawnSync(process.execPath, [path.join(root, "dist", "cli.js"), "pull", "--help"], {
      cwd: root,
      env: { ...process.env, HEARTH_LOCALE: "zh-cn" },
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^Usage: hearth pull /);
    assert.match(run.stderr, /hearth\.l10n\.zh-cn\.json could not be read/);
  });
});
