// Messages a user can meet outside VS Code's own l10n (the engine process, the CLI, and the common
// code the extension shares with them) go through `localize` or `localizeById`. `{0}`, `{1}`… are
// replaced by the arguments.
// - `localize`: a short message keyed by its English text, as with `vscode.l10n.t`.
// - `localizeById`: a long text (a help screen, several paragraphs) whose English lives once,
//   in l10n/hearth.l10n.json, instead of a second time as a key.
// The texts live in JSON bundles under l10n/ (hearth.l10n.json, hearth.l10n.<locale>.json), like the
// extension's vscode.l10n bundles. This file only looks them up: reading them needs Node, so
// src/node/messageBundles.ts reads them at start and hands them over with useMessageBundle.

export type Locale = "en" | "zh-cn";

let currentLocale: Locale = "en";
const bundles = new Map<Locale, ReadonlyMap<string, string>>();

/** Maps a BCP 47 tag or POSIX locale (`zh-CN`, `zh_CN.UTF-8`, `zh-Hans`) to a supported locale. */
export function normalizeLocale(tag: string | undefined | null): Locale {
  if (!tag) return "en";
  const lower = tag.toLowerCase().replace(/_/g, "-");
  if (lower.startsWith("zh")) return "zh-cn";
  return "en";
}

export function setLocale(locale: Locale): void {
  currentLocale = locale;
}

export function getLocale(): Locale {
  return currentLocale;
}

/** Picks the locale for a process outside VS Code from HEARTH_LOCALE, LC_ALL, LC_MESSAGES or LANG. */
export function localeFromEnvironment(env: NodeJS.ProcessEnv): Locale {
  return normalizeLocale(env.HEARTH_LOCALE || env.LC_ALL || env.LC_MESSAGES || env.LANG);
}

/**
 * Installs one locale's texts: for "en", the long English texts by id; for another locale, its
 * translations by id or by English text. A later call for the same locale replaces the earlier one.
 */
export function useMessageBundle(locale: Locale, messages: Readonly<Record<string, string>>): void {
  // A Map, not the parsed object itself, so a key such as "constructor" never finds Object's own.
  bundles.set(locale, new Map(Object.entries(messages)));
}

function fillIn(template: string, args: ReadonlyArray<string | number>): string {
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
}

/** The current locale's text for `key`, else the English bundle's, else the key itself. */
function lookUp(key: string): string {
  return bundles.get(currentLocale)?.get(key) ?? bundles.get("en")?.get(key) ?? key;
}

export function localize(message: string, ...args: Array<string | number>): string {
  return fillIn(lookUp(message), args);
}

/**
 * The text with this id (e.g. `cli.help.run`) in the current locale, falling back to English. The
 * id itself comes back only when not even the English bundle could be read.
 */
export function localizeById(id: string, ...args: Array<string | number>): string {
  return fillIn(lookUp(id), args);
}
