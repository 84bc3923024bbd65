// Prints the user-facing strings that have no Simplified Chinese translation yet, as JSON ready to
// translate: English-keyed localize() texts and localizeById() ids (with their English) for
// l10n/hearth.l10n.zh-cn.json, ids that lack their English in l10n/hearth.l10n.json, and
// vscode.l10n.t() texts for l10n/bundle.l10n.zh-cn.json. Run: npx tsx scripts/extractMessages.ts
import * as fs from "node:fs";
import * as path from "node:path";
import { messageBundleFileName } from "../src/node/messageBundles";
import { readBundle, scanMessages } from "../test/support/messageCatalog";

const root = path.join(__dirname, "..");
const l10nDir = path.join(root, "l10n");
const scan = scanMessages(path.join(root, "src"));
const readIfThere = (fileName: string): Record<string, string> =>
  fs.existsSync(path.join(l10nDir, fileName)) ? readBundle(l10nDir, fileName) : {};
const english = readIfThere(messageBundleFileName("en"));
const chinese = readIfThere(messageBundleFileName("zh-cn"));
const bundle = readIfThere("bundle.l10n.zh-cn.json");
const unique = (texts: string[]): string[] => [...new Set(texts)];
const ids = unique(scan.localizeById.map((m) => m.text));
const report = {
  localize: unique(scan.localize.map((m) => m.text)).filter((text) => !Object.hasOwn(chinese, text)),
  localizeById: Object.fromEntries(ids.filter((id) => !Object.hasOwn(chinese, id)).map((id) => [id, english[id] ?? null])),
  idsWithoutEnglish: ids.filter((id) => !Object.hasOwn(english, id)),
  l10n: unique(scan.l10n.map((m) => m.text)).filter((text) => !Object.hasOwn(bundle, text)),
  nonLiteral: scan.nonLiteral,
};
console.log(JSON.stringify(report, null, 2));
