// The composer's `#file:`/`#folder:` suggestions: keywords after `#`, then workspace paths that the
// host lists (asked through the protocol, debounced, older answers dropped). A listbox above the
// text with the ARIA attributes screen readers follow; arrows, Enter/Tab and Escape drive it while
// it is open, and the mouse picks without taking the focus from the composer.
import type { CompletionContext } from "../common/chat/chatReferences";
import { applyCompletion, completionContext, matchingKeywords } from "../common/chat/chatReferences";
import { element } from "./dom";

interface Suggestion {
  value: string;
  detail?: string;
}

export interface PathSuggestionsHost {
  /** The view's current strings (noPaths, fileKeyword, folderKeyword). */
  strings(): Record<string, string>;
  /** Asks the host for paths; its answer comes back through `receive` with the same id. */
  requestPaths(id: string, kind: "file" | "folder", query: string): void;
  /** After a pick changed the composer's text (the view saves its draft). */
  onPicked(): void;
}

/** How long typing pauses before paths are asked for. */
const requestDelayMs = 120;

export class PathSuggestions {
  /** What the open list completes, its entries and the highlighted one. */
  private completing: { context: CompletionContext; items: Suggestion[]; active: number } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private requests = 0;
  /** The request whose answer the list waits for (older answers are dropped). */
  private pending: { id: string; context: CompletionContext } | null = null;

  constructor(
    private readonly input: HTMLTextAreaElement,
    private readonly list: HTMLUListElement,
    private readonly host: PathSuggestionsHost,
  ) {
    const update = (): void => this.update();
    input.addEventListener("input", update);
    input.addEventListener("click", update);
    input.addEventListener("keyup", (event) => {
      if (["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) update();
    });
    input.addEventListener("blur", () =>
      setTimeout(() => {
        if (document.activeElement !== input) this.close();
      }, 150),
    );
    // mousedown (not click) so the composer keeps the focus and the caret.
    list.addEventListener("mousedown", (event) => {
      const option = event.target instanceof Element ? event.target.closest<HTMLElement>(".suggestion") : null;
      if (!option) return;
      event.preventDefault();
      this.pick(Number(option.dataset.index));
    });
    list.addEventListener("mousemove", (event) => {
      const option = event.target instanceof Element ? event.target.closest<HTMLElement>(".suggestion") : null;
      if (option && this.completing && Number(option.dataset.index) !== this.completing.active) this.highlight(Number(option.dataset.index));
    });
  }

  private isOpen(): boolean {
    return this.completing !== null && !this.list.hidden;
  }

  close(): void {
    this.completing = null;
    this.pending = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.list.hidden = true;
    this.list.replaceChildren();
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }

  private show(context: CompletionContext, items: Suggestion[]): void {
    this.completing = { context, items, active: 0 };
    this.list.replaceChildren();
    if (items.length === 0) {
      this.list.append(
        element("li", { class: "suggestion-empty", role: "option", "aria-disabled": "true", id: "suggestion-empty" }, this.host.strings().noPaths ?? ""),
      );
    }
    items.forEach((item, index) => {
      const option = element("li", { class: "suggestion", role: "option", id: `suggestion-${index}`, "data-index": String(index), "aria-selected": "false" });
      option.append(element("span", { class: "suggestion-value" }, item.value));
      if (item.detail) option.append(element("span", { class: "suggestion-detail" }, item.detail));
      this.list.append(option);
    });
    this.list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    this.highlight(0);
  }

  private highlight(index: number): void {
    if (!this.completing) return;
    const count = this.completing.items.length;
    if (count === 0) {
      this.input.removeAttribute("aria-activedescendant");
      return;
    }
    this.completing.active = (index + count) % count;
    for (const option of Array.from(this.list.querySelectorAll<HTMLElement>(".suggestion"))) {
      const selected = option.dataset.index === String(this.completing.active);
      option.setAttribute("aria-selected", selected ? "true" : "false");
      option.classList.toggle("active", selected);
      if (selected) option.scrollIntoView({ block: "nearest" });
    }
    this.input.setAttribute("aria-activedescendant", `suggestion-${this.completing.active}`);
  }

  private pick(index: number): void {
    const item = this.completing?.items[index];
    if (!this.completing || !item) return;
    const picked = applyCompletion(this.input.value, this.completing.context, item.value);
    this.input.value = picked.text;
    this.input.setSelectionRange(picked.caret, picked.caret);
    this.input.focus();
    this.host.onPicked();
    this.close();
    // After `#file:` comes the path: its suggestions follow at once.
    this.update();
  }

  /** Looks at the token under the caret: keywords after `#`, workspace paths (asked of the host) after `#file:`/`#folder:`. */
  private update(): void {
    const caret = this.input.selectionStart;
    const context = this.input.selectionEnd === caret ? completionContext(this.input.value, caret) : null;
    if (!context) {
      this.close();
      return;
    }
    if (context.kind === "keyword") {
      const keywords = matchingKeywords(context.partial);
      if (keywords.length === 0) {
        this.close();
        return;
      }
      const strings = this.host.strings();
      this.show(context, keywords.map((value) => ({ value, detail: value === "#file:" ? strings.fileKeyword : strings.folderKeyword })));
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    const id = `p${++this.requests}`;
    this.pending = { id, context };
    const kind = context.kind;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.host.requestPaths(id, kind, context.partial.slice(0, 500));
    }, requestDelayMs);
  }

  /** The host's answer to a path request; dropped unless it is the one the list waits for. */
  receive(id: string, paths: string[]): void {
    if (!this.pending || this.pending.id !== id) return;
    const { context } = this.pending;
    this.pending = null;
    this.show(context, paths.map((value) => ({ value })));
  }

  /** The list's keys while it is open; true when the key was the list's. */
  handleKey(event: KeyboardEvent): boolean {
    if (!this.completing || !this.isOpen()) return false;
    switch (event.key) {
      case "ArrowDown":
        this.highlight(this.completing.active + 1);
        return true;
      case "ArrowUp":
        this.highlight(this.completing.active - 1);
        return true;
      case "Enter":
      case "Tab":
        if (event.shiftKey || this.completing.items.length === 0) return false;
        this.pick(this.completing.active);
        return true;
      case "Escape":
        this.close();
        return true;
      default:
        return false;
    }
  }
}
