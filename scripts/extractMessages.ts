// Prints the user-facing strings that have no Simplified Chinese translation yet, as JSON
// ready to translate. Run: npx tsx scripts/extractMessages.ts
import * as fs from "node:fs";
import * as path from "node:path";
import { messagesZhCn } from "../src/common/messagesZhCn";
import { scanMessages } from "../test/support/messageCatalog";

const root = path.join(__dirname, "..");
const scan = scanMessages(path.join(root, "src"));
const bundlePath = path.join(root, "l10n", "bundle.l10n.zh-cn.json");
const bundle = fs.existsSync(bundlePath) ? (JSON.parse(fs.readFileSync(bundlePath, "utf8")) as Record<string, string>) : {};
const missingLocalize = [...new Set(scan.localize.map((m) => m.text))].filter((text) => !(text in messagesZhCn));
const missingL10n = [...new Set(scan.l10n.map((m) => m.text))].filter((text) => !(text in bundle));
console.log(JSON.stringify({ localize: missingLocalize, l10n: missingL10n, nonLiteral: scan.nonLiteral }, null, 2));
