// House rules that keep the layering and the contributions honest.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { builtinModules } from "node:module";
import { configurationProperties } from "../../src/common/settings";
import { messageBundleFileName } from "../../src/node/messageBundles";
import { readBundle, scanMessages } from "../support/messageCatalog";
import { repoRoot } from "../support/engineHarness";

const srcDir = path.join(repoRoot, "src");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const source = fs.readFileSync(file, "utf8");
  const specifiers: string[] = [];
  for (const match of source.matchAll(/(?:import|export)\s[^;]*?from\s+"([^"]+)"|import\(\s*"([^"]+)"\s*\)|require\(\s*"([^"]+)"\s*\)/g)) {
    specifiers.push((match[1] ?? match[2] ?? match[3])!);
  }
  return specifiers;
}

const packageJson = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  name: string;
  displayName: string;
  engines: { vscode: string };
  dependencies: Record<string, string>;
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    configuration: { properties: Record<string, unknown> };
  };
};

describe("project rules", () => {
  // The layers (DESIGN.md): common (pure TypeScript) <- node (Node, no vscode, no llama) <- engine
  // (the engine process, node-llama-cpp) and extension (vscode) and cli; the webview sees only common.
  const layerOf = (file: string): string => path.relative(srcDir, file).split(path.sep)[0]!;
  const importedLayer = (file: string, spec: string): string | null =>
    spec.startsWith(".") ? path.relative(srcDir, path.resolve(path.dirname(file), spec)).split(path.sep)[0]! : null;
  const offendersWhere = (test: (file: string, spec: string) => boolean): string[] =>
    sourceFiles(srcDir).flatMap((file) =>
      importsOf(file)
        .filter((spec) => test(file, spec))
        .map((spec) => `${path.relative(repoRoot, file)} imports ${spec}`),
    );

  it("imports vscode only in src/extension", () => {
    assert.deepEqual(offendersWhere((file, spec) => spec === "vscode" && layerOf(file) !== "extension"), []);
  });

  it("keeps src/extension and src/node off src/engine, and node-llama-cpp in src/engine", () => {
    assert.deepEqual(
      offendersWhere((file, spec) => ["extension", "node", "common", "webview"].includes(layerOf(file)) && importedLayer(file, spec) === "engine"),
      [],
    );
    assert.deepEqual(
      offendersWhere((file, spec) => spec.startsWith("node-llama-cpp") && layerOf(file) !== "engine"),
      [],
    );
  });

  it("keeps src/common free of Node built-ins and of every other layer", () => {
    const builtins = new Set(builtinModules);
    assert.deepEqual(
      offendersWhere(
        (file, spec) =>
          layerOf(file) === "common" &&
          (spec.startsWith("node:") || builtins.has(spec.split("/")[0]!) || spec === "vscode" || (importedLayer(file, spec) ?? "common") !== "common"),
      ),
      [],
    );
  });

  it("lets the webview import only src/common and itself", () => {
    assert.deepEqual(
      offendersWhere((file, spec) => layerOf(file) === "webview" && !["common", "webview", null].includes(importedLayer(file, spec))),
      [],
    );
  });

  it("keeps src/node and src/cli out of src/extension", () => {
    assert.deepEqual(
      offendersWhere((file, spec) => ["node", "cli", "engine"].includes(layerOf(file)) && importedLayer(file, spec) === "extension"),
      [],
    );
  });

  it("has no default exports and no `any`", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(srcDir)) {
      const source = fs.readFileSync(file, "utf8");
      if (/export\s+default\b/.test(source)) offenders.push(`${path.relative(repoRoot, file)}: default export`);
      if (/[:<,(]\s*any\b(?![\w-])/.test(source)) offenders.push(`${path.relative(repoRoot, file)}: any`);
    }
    assert.deepEqual(offenders, []);
  });

  it("pins node-llama-cpp to exactly 3.21.1 and targets VS Code 1.100", () => {
    assert.equal(packageJson.dependencies["node-llama-cpp"], "3.21.1");
    assert.equal(packageJson.engines.vscode, "^1.100.0");
    assert.equal(packageJson.name, "hearth");
    assert.equal(packageJson.displayName, "Hearth — Local LLM");
  });

  it("has a Chinese page for every walkthrough page (VS Code reads <page>.nls.zh-cn.md), with the same pictures", () => {
    const walkthroughs = (packageJson.contributes as { walkthroughs?: Array<{ steps: Array<{ media: { markdown?: string } }> }> }).walkthroughs ?? [];
    const pages = walkthroughs.flatMap((walkthrough) => walkthrough.steps.flatMap((step) => (step.media.markdown ? [step.media.markdown] : [])));
    assert.ok(pages.length > 0);
    const pictures = (text: string): string[] => [...text.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((match) => match[1]!);
    for (const page of pages) {
      const chinese = path.join(repoRoot, page.replace(/\.md$/, ".nls.zh-cn.md"));
      assert.ok(fs.existsSync(chinese), `${page} has no Chinese page`);
      const text = fs.readFileSync(chinese, "utf8");
      assert.ok(/[\u4e00-\u9fff]/.test(text), `${chinese} is not in Chinese`);
      assert.deepEqual(pictures(text), pictures(fs.readFileSync(path.join(repoRoot, page), "utf8")), page);
    }
  });

  it("declares settings in package.json exactly as src/common/settings.ts does", () => {
    assert.deepEqual(packageJson.contributes.configuration.properties, configurationProperties());
  });

  it("puts every command in the Hearth category with a localised title", () => {
    const nls = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.nls.json"), "utf8")) as Record<string, string>;
    for (const command of packageJson.contributes.commands) {
      assert.equal(command.category, "Hearth", command.command);
      const key = /^%(.+)%$/.exec(command.title)?.[1];
      assert.ok(key && nls[key], `${command.command} needs a title in package.nls.json`);
    }
  });

  it("translates every package.nls key into Simplified Chinese, and uses every key", () => {
    const en = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.nls.json"), "utf8")) as Record<string, string>;
    const zh = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.nls.zh-cn.json"), "utf8")) as Record<string, string>;
    assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
    const manifest = fs.readFileSync(path.join(repoRoot, "package.json"), "utf8");
    const used = new Set([...manifest.matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]));
    assert.deepEqual(Object.keys(en).filter((key) => !used.has(key)), [], "unused nls keys");
    assert.deepEqual([...used].filter((key) => !(key! in en)), [], "nls keys used but not defined");
  });

  it("translates every runtime message into Simplified Chinese", () => {
    const scan = scanMessages(srcDir);
    assert.deepEqual(scan.nonLiteral, [], "localize()/localizeById()/l10n.t() must take a string literal");
    const l10nDir = path.join(repoRoot, "l10n");
    const english = readBundle(l10nDir, messageBundleFileName("en"));
    const chinese = readBundle(l10nDir, messageBundleFileName("zh-cn"));
    const bundle = readBundle(l10nDir, "bundle.l10n.zh-cn.json");
    // A long text keyed by its English would keep that English twice (in src/ and as the key).
    assert.deepEqual(
      scan.localize.filter((m) => m.text.includes("\n")).map((m) => `${m.file}: ${m.text.split("\n")[0]}`),
      [],
      "texts of several lines go through localizeById with their English in l10n/hearth.l10n.json",
    );
    const missing = [
      ...scan.localize.filter((m) => !Object.hasOwn(chinese, m.text)).map((m) => `${m.file}: ${m.text}`),
      ...scan.localizeById.filter((m) => !Object.hasOwn(english, m.text)).map((m) => `${m.file}: ${m.text} (no English in hearth.l10n.json)`),
      ...scan.localizeById.filter((m) => !Object.hasOwn(chinese, m.text)).map((m) => `${m.file}: ${m.text}`),
      ...scan.l10n.filter((m) => !Object.hasOwn(bundle, m.text)).map((m) => `${m.file}: ${m.text}`),
    ];
    assert.deepEqual([...new Set(missing)], []);
    const usedIds = new Set(scan.localizeById.map((m) => m.text));
    const used = new Set([...scan.localize.map((m) => m.text), ...usedIds]);
    assert.deepEqual(Object.keys(english).filter((id) => !usedIds.has(id)), [], "English texts no longer used");
    assert.deepEqual(Object.keys(chinese).filter((key) => !used.has(key)), [], "translations no longer used");
    const placeholders = (text: string): string => [...text.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort().join();
    const pairs: Array<[string, string]> = [
      ...Object.entries(chinese).map(([key, text]): [string, string] => [english[key] ?? key, text]),
      ...Object.entries(bundle),
    ];
    for (const [source, translation] of pairs) {
      assert.equal(placeholders(translation), placeholders(source), `placeholders differ in: ${source}`);
    }
  });
});
