// Renders a model's reply (Markdown) to HTML for the chat webview, safely. Pure: it runs in the
// webview bundle and in node unit tests alike.
//
// The rules, each covered by test/unit/markdownRender.test.ts:
// - raw HTML never passes through: markdown-it runs with `html: false`, so `<script>` and friends
//   come out as escaped text;
// - only http:, https: and mailto: URLs become links (`validateLink`); `javascript:`, `vbscript:`,
//   `data:`, `command:`, `file:`, relative and anything else stay plain text;
// - no element carries an `href` or `src`: a link is `<a data-href="…" title="…">`, and the webview
//   turns a click into a message to the host, which confirms the full URL with the user;
// - images (inline or reference-style) are never fetched: they render as such a link;
// - the output uses only the tags and attributes of `markdownAllowList`, which the webview enforces
//   again on the DOM (`src/webview/sanitizeDom.ts`) before anything is shown.
// Code blocks are highlighted with highlight.js (core plus a handful of languages) into `hljs-*`
// classes that media/chat.css colours with the theme's variables. No inline styles (the webview's
// CSP forbids them): table alignment becomes an `align-*` class.
import MarkdownIt from "markdown-it";
import hljs from "highlight.js/lib/core";
import bash from "highlight.js/lib/languages/bash";
import c from "highlight.js/lib/languages/c";
import cpp from "highlight.js/lib/languages/cpp";
import csharp from "highlight.js/lib/languages/csharp";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import go from "highlight.js/lib/languages/go";
import java from "highlight.js/lib/languages/java";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import markdown from "highlight.js/lib/languages/markdown";
import python from "highlight.js/lib/languages/python";
import rust from "highlight.js/lib/languages/rust";
import shell from "highlight.js/lib/languages/shell";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";

const languages = { bash, c, cpp, csharp, css, diff, go, java, javascript, json, markdown, python, rust, shell, sql, typescript, xml, yaml };
for (const [name, language] of Object.entries(languages)) hljs.registerLanguage(name, language);

/** The longest URL that is turned into a link; longer ones stay text. */
const maxUrlLength = 8192;

/**
 * Whether `url` may become a link in a reply: http(s) with a host, or mailto with an address,
 * nothing else, and no whitespace or control characters (markdown-it percent-encodes those in the
 * URLs it normalises, so a raw one means something is off).
 */
export function isSafeLinkUrl(url: string): boolean {
  if (url.length === 0 || url.length > maxUrlLength) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0020\u007f-\u009f\\]/.test(url)) return false;
  const web = /^https?:\/\/([^/?#]*)/i.exec(url);
  if (web) return web[1]!.replace(/^.*@/, "").replace(/:\d*$/, "").length > 0;
  return /^mailto:[^/?#]/i.test(url);
}

/** A workspace citation like `src/billing.ts:12` or `docs/a.md:3-9`: a relative path with an extension, then lines. */
const citationPattern = /(?<![\w/.@:-])((?:[\w.-]+\/)*[\w-][\w.-]*\.[A-Za-z][A-Za-z0-9]{0,7}):(\d{1,7})(?:-(\d{1,7}))?(?![\w/])/g;

export interface Citation {
  path: string;
  startLine: number;
  endLine: number;
}

/** Reads a `data-cite` value ("path:start-end") back; null when it is not one. */
export function parseCitation(value: string): Citation | null {
  if (value.length > 1024) return null;
  const match = /^((?:[\w.-]+\/)*[\w-][\w.-]*\.[A-Za-z][A-Za-z0-9]{0,7}):(\d{1,7})(?:-(\d{1,7}))?$/.exec(value);
  if (!match) return null;
  const startLine = Number(match[2]);
  const endLine = match[3] ? Number(match[3]) : startLine;
  if (startLine < 1 || endLine < startLine) return null;
  return { path: match[1]!, startLine, endLine };
}

/** The allow-list the renderer's output keeps to, and the webview enforces on the DOM. */
export const markdownAllowList: {
  readonly tags: ReadonlySet<string>;
  readonly attributes: Readonly<Record<string, (value: string, tag: string) => boolean>>;
} = {
  tags: new Set([
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "pre", "code",
    "em", "strong", "s", "a", "table", "thead", "tbody", "tr", "th", "td", "span", "div",
  ]),
  attributes: {
    class: (value) => value.split(/\s+/).filter(Boolean).every((name) => allowedClass.test(name)),
    "data-href": (value, tag) => tag === "a" && isSafeLinkUrl(value),
    title: (value, tag) => tag === "a" && value.length <= maxUrlLength,
    role: (value, tag) => tag === "a" && value === "link",
    "data-cite": (value, tag) => tag === "a" && parseCitation(value) !== null,
    tabindex: (value, tag) => tag === "a" && value === "0",
    start: (value, tag) => tag === "ol" && /^\d{1,9}$/.test(value),
  },
};

/** Class names the renderer emits: its own `md-*`/`code-*`/`align-*`, highlight.js's. */
const allowedClass = /^(?:md-[a-z-]+|code-(?:block|header|lang)|align-(?:left|center|right)|hljs(?:-[a-z_-]+)?|language-[a-z0-9_+#-]{1,30}|[a-z]+_{1,3})$/;

export interface MarkdownRenderer {
  /** HTML for `markdown`, within `markdownAllowList`. */
  render(markdown: string): string;
}

/** A renderer with its own highlight cache (finished code blocks are not re-highlighted while a reply streams). */
export function createMarkdownRenderer(): MarkdownRenderer {
  const md = new MarkdownIt("default", { html: false, linkify: true, breaks: true, typographer: false });
  // Only explicit URLs become links: "main.py" or "git@host" in prose must not turn into one.
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
  md.validateLink = isSafeLinkUrl;
  const { escapeHtml, unescapeAll } = md.utils;
  const rules = md.renderer.rules;

  const linkAttributes = (url: string): string =>
    isSafeLinkUrl(url) ? ` data-href="${escapeHtml(url)}" title="${escapeHtml(url)}" role="link" tabindex="0"` : "";

  rules.link_open = (tokens, idx) => `<a class="md-link"${linkAttributes(String(tokens[idx]!.attrGet("href") ?? ""))}>`;
  rules.link_close = () => "</a>";
  rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const src = String(token.attrGet("src") ?? "");
    const alt = self.renderInlineAsText(token.children ?? [], options, env).trim();
    return `<a class="md-link md-image"${linkAttributes(src)}>${escapeHtml(alt || src)}</a>`;
  };

  for (const name of ["th_open", "td_open"] as const) {
    rules[name] = (tokens, idx) => {
      const token = tokens[idx]!;
      const align = /text-align:(left|center|right)/.exec(String(token.attrGet("style") ?? ""))?.[1];
      return `<${token.tag}${align ? ` class="align-${align}"` : ""}>`;
    };
  }

  const highlightCache = new Map<string, string>();
  const highlight = (code: string, language: string): string => {
    const key = `${language}\u0000${code}`;
    let html = highlightCache.get(key);
    if (html === undefined) {
      html = hljs.highlight(code, { language, ignoreIllegals: true }).value;
      if (highlightCache.size >= 64) highlightCache.delete(highlightCache.keys().next().value!);
      highlightCache.set(key, html);
    }
    return html;
  };

  const codeBlock = (code: string, info: string): string => {
    const label = (unescapeAll(info).trim().split(/\s+/)[0] ?? "").slice(0, 30);
    const language = /^[\w+#.-]+$/.test(label) && hljs.getLanguage(label) ? label.toLowerCase() : null;
    const body = language ? highlight(code, language) : escapeHtml(code);
    const codeClass = language && /^[a-z0-9_+#-]{1,30}$/.test(language) ? ` class="hljs language-${language}"` : language ? ` class="hljs"` : "";
    return (
      `<div class="code-block"><div class="code-header"><span class="code-lang">${escapeHtml(label)}</span></div>` +
      `<pre><code${codeClass}>${body}</code></pre></div>\n`
    );
  };
  // Citations (`path:line`) become links the host opens in the editor, at those lines, when the
  // path is in the workspace. In prose and in inline code; never inside a link.
  const citationLink = (value: string, label: string): string =>
    parseCitation(value) ? `<a class="md-cite" data-cite="${escapeHtml(value)}" title="${escapeHtml(value)}" role="link" tabindex="0">${label}</a>` : label;
  const linkCitations = (text: string): string => {
    let html = "";
    let last = 0;
    for (const match of text.matchAll(citationPattern)) {
      html += escapeHtml(text.slice(last, match.index)) + citationLink(match[0], escapeHtml(match[0]));
      last = match.index + match[0].length;
    }
    return html + escapeHtml(text.slice(last));
  };
  md.core.ruler.push("hearth_link_text", (state) => {
    for (const block of state.tokens) {
      let depth = 0;
      for (const token of block.children ?? []) {
        if (token.type === "link_open") depth++;
        else if (token.type === "link_close") depth--;
        else if (token.type === "text" && depth > 0) token.meta = { inLink: true };
      }
    }
  });
  rules.text = (tokens, idx) => {
    const token = tokens[idx]!;
    return (token.meta as { inLink?: boolean } | null)?.inLink ? escapeHtml(token.content) : linkCitations(token.content);
  };
  rules.code_inline = (tokens, idx) => {
    const content = tokens[idx]!.content;
    const code = `<code>${escapeHtml(content)}</code>`;
    return parseCitation(content.trim()) ? citationLink(content.trim(), code) : code;
  };

  rules.fence = (tokens, idx) => codeBlock(tokens[idx]!.content, tokens[idx]!.info);
  rules.code_block = (tokens, idx) => codeBlock(tokens[idx]!.content, "");

  return { render: (markdown) => md.render(markdown) };
}
