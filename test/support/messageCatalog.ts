// Finds the user-facing strings in src/: the first argument of every `localize(...)` (engine,
// CLI: an English text), `localizeById(...)` (engine, CLI: the id of a long text) and
// `vscode.l10n.t(...)` (extension) call, and reads the bundles under l10n/ they are looked up in.
// Used by the localisation test and by scripts/extractMessages.ts.
import * as fs from "node:fs";
import * as path from "node:path";
import { readMessageBundle } from "../../src/node/messageBundles";

export interface FoundMessage {
  file: string;
  text: string;
}

export interface MessageScan {
  localize: FoundMessage[];
  /** The ids given to `localizeById`, whose English is in l10n/hearth.l10n.json. */
  localizeById: FoundMessage[];
  l10n: FoundMessage[];
  /** Calls whose first argument is not a plain string literal (cannot be translated statically). */
  nonLiteral: FoundMessage[];
}

function listSourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...listSourceFiles(full));
    else if (entry.name.endsWith(".ts")) files.push(full);
  }
  return files;
}

function readLiteral(source: string, start: number): { text: string } | null {
  let i = start;
  while (/\s/.test(source[i] ?? "")) i++;
  const quote = source[i];
  if (quote !== '"' && quote !== "`") return null;
  let j = i + 1;
  while (j < source.length && source[j] !== quote) j += source[j] === "\\" ? 2 : 1;
  const body = source.slice(i + 1, j);
  if (quote === "`") return body.includes("${") ? null : { text: body.replace(/\\`/g, "`") };
  return { text: JSON.parse(`"${body}"`) as string };
}

export function scanMessages(srcDir: string): MessageScan {
  const scan: MessageScan = { localize: [], localizeById: [], l10n: [], nonLiteral: [] };
  for (const file of listSourceFiles(srcDir)) {
    const source = fs.readFileSync(file, "utf8");
    const relative = path.relative(srcDir, file);
    for (const [pattern, bucket] of [
      [/(?<![.\w])localize\(/g, scan.localize],
      [/(?<![.\w])localizeById\(/g, scan.localizeById],
      [/\bl10n\.t\(/g, scan.l10n],
    ] as const) {
      for (const match of source.matchAll(pattern)) {
        const before = source.slice(Math.max(0, match.index - 16), match.index);
        if (/function\s*$/.test(before)) continue;
        const literal = readLiteral(source, match.index + match[0].length);
        if (literal) bucket.push({ file: relative, text: literal.text });
        else scan.nonLiteral.push({ file: relative, text: source.slice(match.index, match.index + 60) });
      }
    }
  }
  return scan;
}

/** A JSON bundle under l10n/, read as Hearth reads it; throws when it cannot be, so a check fails plainly. */
export function readBundle(l10nDir: string, fileName: string): Record<string, string> {
  const bundle = readMessageBundle(path.join(l10nDir, fileName));
  if ("problem" in bundle) throw new Error(`l10n/${fileName}: ${bundle.problem}`);
  return bundle.messages;
}
