// Reads the message bundles of the engine process, the CLI and the extension's shared code at start
// (l10n/hearth.l10n.json: the long English texts by id; l10n/hearth.l10n.<locale>.json: one
// locale's translations) and hands them to src/common/localize.ts, which must not touch the disk.
// The folder is found from this file's own place, so the same code works from source (src/node/,
// under tsx), from the bundles in dist/, and from the installed extension.
import * as fs from "node:fs";
import * as path from "node:path";
import { errorText } from "../common/engine/engineError";
import type { Locale } from "../common/localize";
import { setLocale, useMessageBundle } from "../common/localize";

/** The bundle's file name for a locale: hearth.l10n.json (English) or hearth.l10n.<locale>.json. */
export function messageBundleFileName(locale: Locale): string {
  return locale === "en" ? "hearth.l10n.json" : `hearth.l10n.${locale}.json`;
}

/**
 * The l10n/ folder that holds the English bundle, looked for beside each folder from `start` up to
 * the root: l10n/ is two levels above src/node/ but one above dist/. Null when there is none.
 */
export function findMessageBundleFolder(start: string = __dirname): string | null {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const folder = path.join(dir, "l10n");
    if (fs.existsSync(path.join(folder, messageBundleFileName("en")))) return folder;
    if (path.dirname(dir) === dir) return null;
  }
}

/** A bundle's texts, or why they could not be read. */
export function readMessageBundle(file: string): { messages: Record<string, string> } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    return { problem: (error as NodeJS.ErrnoException).code === "ENOENT" ? "there is no such file" : errorText(error) };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { problem: "it is not a JSON object" };
  const entries = Object.entries(parsed);
  const wrong = entries.find(([, value]) => typeof value !== "string");
  if (wrong) return { problem: `the entry "${wrong[0]}" is not a string` };
  return { messages: Object.fromEntries(entries) as Record<string, string> };
}

/**
 * Switches `localize` to `locale` and loads its bundles from `folder` (found from this file's place
 * when left out). Never throws: a bundle that cannot be read leaves its texts in English, and the
 * problem comes back for the log or stderr. It is written in English, since the bundles that would
 * translate it are what failed.
 */
export function applyLocale(locale: Locale, folder: string | null = findMessageBundleFolder()): string | null {
  setLocale(locale);
  const problems: string[] = [];
  let englishMissing = false;
  for (const bundleLocale of locale === "en" ? (["en"] as const) : (["en", locale] as const)) {
    const fileName = messageBundleFileName(bundleLocale);
    const bundle = folder === null ? { problem: `there is no l10n folder with ${fileName} beside Hearth's files` } : readMessageBundle(path.join(folder, fileName));
    if ("messages" in bundle) {
      useMessageBundle(bundleLocale, bundle.messages);
      continue;
    }
    // Empty rather than whatever an earlier call installed, so what shows is plainly the fallback.
    useMessageBundle(bundleLocale, {});
    englishMissing ||= bundleLocale === "en";
    problems.push(folder === null ? bundle.problem : `${path.join(folder, fileName)} could not be read: ${bundle.problem}`);
  }
  if (problems.length === 0) return null;
  const fallback = englishMissing
    ? "Hearth's help screens show only their ids (such as cli.help.run) and its other messages are in English"
    : "Hearth's messages are in English";
  return `${fallback}, because ${problems.join("; ")}. Reinstalling Hearth restores its l10n folder.`;
}
