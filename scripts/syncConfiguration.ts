// Writes package.json's contributes.configuration.properties from src/common/settings.ts, the one
// place settings are declared. Run: npx tsx scripts/syncConfiguration.ts
import * as fs from "node:fs";
import * as path from "node:path";
import { configurationProperties } from "../src/common/settings";

const packagePath = path.join(__dirname, "..", "package.json");
const pkg = JSON.parse(fs.readFileSync(packagePath, "utf8")) as {
  contributes: { configuration: { title: string; properties: Record<string, unknown> } };
};
pkg.contributes.configuration.properties = configurationProperties();
fs.writeFileSync(packagePath, `${JSON.stringify(pkg, null, 2)}\n`);
console.log(`package.json: ${Object.keys(pkg.contributes.configuration.properties).length} settings`);
