// Completions remembered by the text around the cursor (issue 18): the same context gets the same
// suggestion without asking the model again, and typing the characters a suggestion already shows
// keeps the rest of it on screen without a new request.
import type { CompletionPosition } from "./completionRules";

/** How much of the text around the cursor identifies a context. */
const prefixKeyChars = 3000;
const suffixKeyChars = 1000;

interface Remembered {
  prefix: string;
  suffix: string;
  text: string;
}

export class CompletionCache {
  private readonly entries = new Map<string, Remembered>();

  constructor(private readonly capacity = 128) {}

  private static key(prefix: string, suffix: string): string {
    return `${prefix.length}\u0000${prefix}\u0000${suffix}`;
  }

  private static window(position: CompletionPosition): { prefix: string; suffix: string } {
    return { prefix: position.prefix.slice(-prefixKeyChars), suffix: position.suffix.slice(0, suffixKeyChars) };
  }

  /** Remembers what was shown at `position` (null: nothing worth showing there). */
  remember(position: CompletionPosition, text: string | null): void {
    const { prefix, suffix } = CompletionCache.window(position);
    const key = CompletionCache.key(prefix, suffix);
    this.entries.delete(key);
    this.entries.set(key, { prefix, suffix, text: text ?? "" });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  /**
   * The suggestion for `position`: one remembered for exactly this context ("" when the model had
   * nothing there), or the rest of one the user has been typing through since; undefined when none.
   */
  lookup(position: CompletionPosition): string | undefined {
    const { prefix, suffix } = CompletionCache.window(position);
    const exact = this.entries.get(CompletionCache.key(prefix, suffix));
    if (exact) return exact.text;
    // Typing through: an earlier prefix plus what was typed since, the same text after the cursor,
    // and the earlier suggestion starting with what was typed. The prefix window slides as the user
    // types, so compare the full current prefix's end with the remembered one plus the typed text.
    const entries = [...this.entries.values()];
    for (let index = entries.length - 1; index >= Math.max(0, entries.length - 16); index--) {
      const entry = entries[index]!;
      if (entry.suffix !== suffix || !entry.text) continue;
      for (let typed = 1; typed < entry.text.length; typed++) {
        const typedText = entry.text.slice(0, typed);
        if (!position.prefix.endsWith(typedText)) continue;
        const earlier = position.prefix.slice(0, position.prefix.length - typed).slice(-prefixKeyChars);
        if (earlier === entry.prefix) return entry.text.slice(typed);
      }
    }
    return undefined;
  }

  clear(): void {
    this.entries.clear();
  }
}
