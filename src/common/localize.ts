// Messages a user can meet outside VS Code's own l10n (the engine process and the CLI) go
// through `localize`. The English text is the key, as with `vscode.l10n.t`; `{0}`, `{1}`…
// are replaced by the arguments. Translations live in `messagesZhCn.ts`.
import { messagesZhCn } from "./messagesZhCn";

export type Locale = "en" | "zh-cn";

let currentLocale: Locale = "en";

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

export function localize(message: string, ...args: Array<string | number>): string {
  const template = currentLocale === "zh-cn" ? (messagesZhCn[message] ?? message) : message;
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
}
