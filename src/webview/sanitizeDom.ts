// Defence in depth for the chat's rendered Markdown: before anything is shown, the HTML the
// renderer produced is parsed into an inert <template> (nothing there loads or runs) and this walk
// removes every element and attribute outside `markdownAllowList`. The renderer already keeps to
// that list; this pass means a bug in it (or in markdown-it) still cannot put a script, an event
// handler, an image or a navigating link into the view.
import { markdownAllowList } from "../common/chat/markdownRender";

/** What the walk needs of a DOM element (a real `Element` has all of it). */
export interface SanitizableElement {
  readonly tagName: string;
  readonly attributes: ArrayLike<{ readonly name: string; readonly value: string }>;
  readonly children: ArrayLike<SanitizableElement>;
  readonly textContent: string | null;
  removeAttribute(name: string): void;
  remove(): void;
  replaceWith(...nodes: string[]): void;
}

/** Elements removed with everything in them (their text is code or markup, not prose). */
const dropWithContent = new Set([
  "script", "style", "template", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
  "noscript", "noembed", "noframes", "textarea", "title", "select", "option", "link", "meta", "base", "img",
  "image", "picture", "source", "video", "audio", "track", "canvas", "form", "input", "button", "portal",
]);

/** Sanitizes everything below `root` in place (`root` itself is the caller's container). */
export function sanitizeTree(root: { readonly children: ArrayLike<SanitizableElement> }): void {
  for (const child of Array.from(root.children)) sanitizeElement(child);
}

function sanitizeElement(element: SanitizableElement): void {
  const tag = element.tagName.toLowerCase();
  if (!markdownAllowList.tags.has(tag)) {
    // Unknown but harmless-looking elements keep their text, as text.
    if (dropWithContent.has(tag)) element.remove();
    else element.replaceWith(element.textContent ?? "");
    return;
  }
  for (const { name, value } of Array.from(element.attributes)) {
    const key = name.toLowerCase();
    const allowed = Object.hasOwn(markdownAllowList.attributes, key) ? markdownAllowList.attributes[key] : undefined;
    if (!allowed || !allowed(value, tag)) element.removeAttribute(name);
  }
  for (const child of Array.from(element.children)) sanitizeElement(child);
}
