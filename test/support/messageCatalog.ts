// Finds the user-facing strings in src/: the first argument of every `localize(...)` (engine,
// CLI) and `vscode.l10n.t(...)` (extension) call. Used by the localisation test and by
// scripts/extractMessages.ts.
import * as fs from "node:fs";
import * as path from "node:path";

export interface FoundMessage {
  file: string;
  text: string;
}

export interface MessageScan {
  localize: FoundMessage[];
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
  const scan: MessageScan = { localize: [], l10n: [], nonLiteral: [] };
  for (const file of listSourceFiles(srcDir)) {
    const source = fs.readFileSync(file, "utf8");
    const relative = path.relative(srcDir, file);
    for (const [pattern, bucket] of [
      [/(?<![.\w])localize\(/g, scan.localize],
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
