// The chat's Markdown renderer and the webview's allow-list walk, fed hostile input. The renderer
// is the real markdown-it + highlight.js code the webview bundles; the walk runs on a minimal fake
// DOM with the same surface it uses in the browser.
import * as assert from "node:assert/strict";
import { createMarkdownRenderer, isSafeLinkUrl, markdownAllowList, parseCitation } from "../../src/common/chat/markdownRender";
import type { SanitizableElement } from "../../src/webview/sanitizeDom";
import { sanitizeTree } from "../../src/webview/sanitizeDom";

const renderer = createMarkdownRenderer();
const render = (markdown: string): string => renderer.render(markdown);

function unescapeAttribute(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** Every start tag in `html` with its attributes (the renderer writes well-formed, double-quoted markup). */
function tagsOf(html: string): Array<{ tag: string; attributes: Array<[string, string]> }> {
  const tags: Array<{ tag: string; attributes: Array<[string, string]> }> = [];
  for (const match of html.matchAll(/<([a-zA-Z][^\s/>]*)([^>]*)>/g)) {
    const attributes: Array<[string, string]> = [];
    const rest = match[2]!.replace(/\/$/, "");
    const attributePattern = /\s+([^\s="'>/]+)(?:="([^"]*)")?/gy;
    let consumed = 0;
    for (const attribute of rest.matchAll(attributePattern)) {
      attributes.push([attribute[1]!, unescapeAttribute(attribute[2] ?? "")]);
      consumed = attribute.index + attribute[0].length;
    }
    assert.equal(rest.slice(consumed).trim(), "", `unparsed attribute text in ${match[0]}`);
    tags.push({ tag: match[1]!.toLowerCase(), attributes });
  }
  return tags;
}

/** Asserts the invariants every rendering keeps, whatever the input. */
function assertSafe(html: string, input: string): void {
  const context = `input: ${JSON.stringify(input).slice(0, 200)}\noutput: ${html.slice(0, 400)}`;
  for (const { tag, attributes } of tagsOf(html)) {
    assert.ok(markdownAllowList.tags.has(tag), `tag <${tag}> is not allowed\n${context}`);
    for (const [name, value] of attributes) {
      const allowed = Object.hasOwn(markdownAllowList.attributes, name) ? markdownAllowList.attributes[name] : undefined;
      assert.ok(allowed?.(value, tag), `attribute ${name}="${value}" on <${tag}> is not allowed\n${context}`);
    }
  }
  assert.doesNotMatch(html, /<(script|img|iframe|svg|style|object|embed|image|video|audio|source|link|meta|base|form|input)\b/i, context);
  // Only inside tags (escaped text may well read "src=").
  const markupOnly = (html.match(/<[^>]*>/g) ?? []).join("");
  assert.doesNotMatch(markupOnly, /\s(href|src|srcset|style|on[a-z]+)=/i, context);
}

/** The text of `html`, tags removed and entities decoded (what a reader sees). */
function textOf(html: string): string {
  return unescapeAttribute(html.replace(/<[^>]*>/g, ""));
}

const unsafeUrls = [
  "javascript:alert(1)",
  "JaVaScRiPt:alert(document.domain)",
  "vbscript:msgbox(1)",
  "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
  "data:image/svg+xml,<svg onload=alert(1)>",
  "command:workbench.action.terminal.new",
  "command:_workbench.downloadResource?%5B%22https%3A%2F%2Fevil%22%5D",
  "file:///etc/passwd",
  "FILE://C:/Windows/win.ini",
  "vscode://ms-vscode.remote/open",
  "ftp://example.com/file",
  "//evil.example/path",
  "/relative/path",
  "#fragment",
  "https:evil.example",
  "https:///nohost",
  "http://",
];

describe("markdown renderer", () => {
  it("renders the Markdown a reply uses", () => {
    const html = render("# Title\n\nSome *em*, **strong**, ~~gone~~ and `code`.\n\n- one\n- two\n\n1. first\n2. second\n\n> quoted\n\n---\n\n| a | b |\n|:-|-:|\n| 1 | 2 |");
    assert.match(html, /<h1>Title<\/h1>/);
    assert.match(html, /<em>em<\/em>/);
    assert.match(html, /<strong>strong<\/strong>/);
    assert.match(html, /<s>gone<\/s>/);
    assert.match(html, /<code>code<\/code>/);
    assert.match(html, /<ul>\n<li>one<\/li>/);
    assert.match(html, /<ol>\n<li>first<\/li>/);
    assert.match(html, /<blockquote>/);
    assert.match(html, /<hr>/);
    assert.match(html, /<th class="align-left">a<\/th>/);
    assert.match(html, /<td class="align-right">2<\/td>/);
    assertSafe(html, "basics");
  });

  it("never lets raw HTML through: it is shown as text", () => {
    const hostile = [
      "<script>alert(1)</script>",
      "<img src=x onerror=alert(1)>",
      "before <img src=\"https://evil.example/track.png\"> after",
      "<iframe src=\"https://evil.example\"></iframe>",
      "<a href=\"javascript:alert(1)\">click</a>",
      "<div onclick=\"alert(1)\">text</div>",
      "<style>body{display:none}</style>",
      "<svg><script>alert(1)</script></svg>",
      "<details open ontoggle=alert(1)>",
      "<!-- comment --> <?php echo 1; ?> <![CDATA[x]]>",
      "*<b onmouseover=alert(1)>bold</b>*",
      "<object data=\"x.swf\"></object><embed src=x><base href=\"https://evil/\"><meta http-equiv=refresh content=\"0;url=https://evil\">",
      "<form action=\"https://evil\"><input name=x></form>",
      "<textarea><img src=x onerror=alert(1)></textarea>",
    ];
    for (const input of hostile) {
      const html = render(input);
      assertSafe(html, input);
      assert.ok(html.includes("&lt;"), `the markup should be visible as text: ${html}`);
      assert.ok(textOf(html).includes(input.replace(/^\*|\*$/g, "").slice(0, 8)), `the text is kept: ${html}`);
    }
    // The exact text survives, escaped.
    assert.equal(render("<script>alert(1)</script>"), "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
  });

  it("does not turn javascript:, vbscript:, data:, command:, file: (or any non-web) URLs into links", () => {
    for (const url of unsafeUrls) {
      assert.equal(isSafeLinkUrl(url), false, url);
      const spellings = [
        `[click](${url})`,
        `[click](<${url}>)`,
        `[click](${url} "title")`,
        `<${url}>`,
        `[click][ref]\n\n[ref]: ${url}`,
        `[ref]\n\n[ref]: <${url}>`,
        `see ${url} now`,
      ];
      for (const input of spellings) {
        const html = render(input);
        assertSafe(html, input);
        assert.doesNotMatch(html, /<a\b/, `became a link: ${input}\n${html}`);
      }
    }
    // Encoded and obfuscated spellings.
    for (const input of [
      "[x](&#106;avascript:alert(1))",
      "[x](&#x6A;avascript&colon;alert(1))",
      "[x](java&#09;script:alert(1))",
      "[x](<java script:alert(1)>)",
      "[x](%6Aavascript:alert(1))",
      "[x]( javascript:alert(1))",
      "[x](\\javascript:alert(1))",
      "[x](javascript\\:alert(1))",
      "[x](https:\\\\evil.example)",
      "[x](data:text/html,<script>alert(1)</script>)",
      "[x](command:workbench.action.openSettings)",
    ]) {
      const html = render(input);
      assertSafe(html, input);
      assert.doesNotMatch(html, /<a\b/, `became a link: ${input}\n${html}`);
    }
  });

  it("renders links without href: data-href and the full URL as the title", () => {
    const html = render('[docs](https://example.com/a?b=1&c=2#d "a misleading title") and https://example.org/x and <mailto:someone@example.com>');
    assertSafe(html, "links");
    assert.match(
      html,
      /<a class="md-link" data-href="https:\/\/example\.com\/a\?b=1&amp;c=2#d" title="https:\/\/example\.com\/a\?b=1&amp;c=2#d" role="link" tabindex="0">docs<\/a>/,
    );
    assert.match(html, /data-href="https:\/\/example\.org\/x"[^>]*>https:\/\/example\.org\/x<\/a>/);
    assert.match(html, /data-href="mailto:someone@example\.com"/);
    assert.doesNotMatch(html, /misleading/);
    // Quotes and angle brackets in a URL cannot break out of the attribute.
    const tricky = render('[x](https://example.com/"onmouseover="alert(1)) <https://example.com/"><img src=x>');
    assertSafe(tricky, "tricky");
    // Look-alike hosts are shown as what they are (punycode) in data-href and title.
    const idn = render("[paypal](https://pаypal.com/)");
    assert.match(idn, /data-href="https:\/\/xn--pypal-4ve\.com\/"/);
    // Plain file names and addresses in prose are not guessed into links.
    assert.doesNotMatch(render("edit main.py, then push to git@github.com or www.example.com"), /<a\b/);
  });

  it("never fetches an image: inline and reference-style images become links or text", () => {
    const inputs = [
      "![a cat](https://evil.example/cat.png)",
      '![a cat](https://evil.example/cat.png "title")',
      "![a cat][pic]\n\n[pic]: https://evil.example/cat.png",
      "![pic]\n\n[pic]: https://evil.example/cat.png",
      "![pic][]\n\n[pic]: https://evil.example/cat.png 'Title'",
      "[![badge](https://evil.example/badge.svg)](https://example.com)",
      "![](https://evil.example/empty-alt.png)",
      "![x](data:image/png;base64,iVBORw0KGgo=)",
      "![x](javascript:alert(1))",
      "![x](file:///etc/passwd)",
      "![x](//evil.example/proto-relative.png)",
      "![x](relative.png)",
    ];
    for (const input of inputs) {
      const html = render(input);
      assertSafe(html, input);
      assert.doesNotMatch(html, /<img\b/i, input);
    }
    assert.equal(
      render("![a cat](https://evil.example/cat.png)"),
      '<p><a class="md-link md-image" data-href="https://evil.example/cat.png" title="https://evil.example/cat.png" role="link" tabindex="0">a cat</a></p>\n',
    );
    assert.match(render("![a cat][pic]\n\n[pic]: https://evil.example/cat.png"), /<a class="md-link md-image" data-href="https:\/\/evil\.example\/cat\.png"[^>]*>a cat<\/a>/);
    assert.match(render("![](https://evil.example/e.png)"), />https:\/\/evil\.example\/e\.png<\/a>/);
    // An unsafe image URL is not even a link.
    assert.doesNotMatch(render("![x](data:image/png;base64,iVBORw0KGgo=)"), /<a\b/);
  });

  it("highlights code blocks with classes only, and escapes hostile code and info strings", () => {
    const html = render('```ts\nconst x: number = 1; // </code></pre><script>alert(1)</script>\n```');
    assertSafe(html, "ts fence");
    assert.match(html, /<div class="code-block"><div class="code-header"><span class="code-lang">ts<\/span><\/div><pre><code class="hljs language-ts">/);
    assert.match(html, /<span class="hljs-keyword">const<\/span>/);
    assert.match(html, /&lt;\/code&gt;&lt;\/pre&gt;&lt;script&gt;/);
    for (const input of [
      '```"><img src=x onerror=alert(1)>\ncode\n```',
      "```javascript onload=alert(1)\nlet a = '<img src=x onerror=alert(1)>';\n```",
      "```python\n# <script>\nprint('<b>')\n```",
      "```html\n<script src=\"https://evil\"></script><img src=x>\n```",
      "```unknownlang\n<img src=x>\n```",
      "    <img src=x onerror=alert(1)>\n    indented code",
      "```\nunterminated fence <script>",
      "```diff\n- <b>old</b>\n+ new\n```",
      "```json\n{\"a\": \"</span><img src=x>\"}\n```",
    ]) {
      const html = render(input);
      assertSafe(html, input);
    }
    // Every language the view registers highlights; an unknown one is escaped plain text.
    for (const language of ["ts", "typescript", "js", "javascript", "py", "python", "sh", "bash", "shell", "json", "html", "xml", "css", "c", "cpp", "cs", "java", "go", "rust", "rs", "sql", "yaml", "yml", "diff", "md"]) {
      const fenced = render(`\`\`\`${language}\nx = "1" # 2\n\`\`\``);
      assert.match(fenced, /<code class="hljs language-/, language);
      assertSafe(fenced, language);
    }
    assert.match(render("```nosuch\n<b>\n```"), /<pre><code>&lt;b&gt;\n<\/code><\/pre>/);
  });

  it("stays safe on every prefix of a streaming hostile reply", () => {
    const reply = [
      "Here is **the answer** with [a link](https://example.com) and ![img](https://evil.example/x.png).",
      "",
      "<script>alert(1)</script> [bad](javascript:alert(1)) <img src=x onerror=alert(1)>",
      "",
      "| col | `code` |",
      "|---|:---:|",
      "| [x](command:workbench.action.terminal.new) | ![r][ref] |",
      "",
      "```ts",
      "function f(): string { return \"</code><img src=x>\"; }",
      "```",
      "",
      "[ref]: https://evil.example/ref.png",
    ].join("\n");
    for (let end = 0; end <= reply.length; end++) {
      const prefix = reply.slice(0, end);
      assertSafe(render(prefix), prefix);
    }
  });

  it("turns workspace citations (path:line) into links the host opens, in prose and inline code, never inside links", () => {
    const html = render("See src/billing.ts:12-14 and `docs/a.md:3`, not [x src/a.ts:1](https://e.com), 1.2:3 or a.b:c.");
    assert.match(html, /<a class="md-cite" data-cite="src\/billing\.ts:12-14"[^>]*>src\/billing\.ts:12-14<\/a>/);
    assert.match(html, /<a class="md-cite" data-cite="docs\/a\.md:3"[^>]*><code>docs\/a\.md:3<\/code><\/a>/);
    assert.equal((html.match(/md-cite/g) ?? []).length, 2, html);
    assert.doesNotMatch(html, /\shref=/);
    assert.deepEqual(parseCitation("src/x.ts:4-9"), { path: "src/x.ts", startLine: 4, endLine: 9 });
    for (const bad of ["/etc/passwd.txt:1", "src/x.ts:0", "src/x.ts:9-4", "x.ts", "a b.ts:1", "src/x.ts:1\" onclick=\"x"]) {
      assert.equal(parseCitation(bad), null, bad);
    }
  });

  it("renders a long reply quickly enough to re-render while it streams", () => {
    const block = "Some **text** with `code` and https://example.com/x.\n\n```ts\nconst a = 1;\n```\n\n- item\n- item\n\n";
    const reply = block.repeat(Math.ceil(50_000 / block.length));
    const fresh = createMarkdownRenderer();
    fresh.render(reply);
    const started = performance.now();
    for (let i = 0; i < 5; i++) fresh.render(reply);
    const perRender = (performance.now() - started) / 5;
    assert.ok(perRender < 250, `a 50 kB reply took ${perRender.toFixed(1)} ms to render`);
  });
});

// ---- the webview's allow-list walk, on a fake DOM

class FakeElement implements SanitizableElement {
  parent: FakeElement | null = null;
  readonly nodes: Array<FakeElement | string> = [];
  private readonly attributeMap: Map<string, string>;

  constructor(
    readonly tagName: string,
    attributes: Record<string, string> = {},
    children: Array<FakeElement | string> = [],
  ) {
    this.attributeMap = new Map(Object.entries(attributes));
    for (const child of children) this.append(child);
  }

  append(child: FakeElement | string): void {
    if (typeof child !== "string") child.parent = this;
    this.nodes.push(child);
  }

  get attributes(): Array<{ name: string; value: string }> {
    return [...this.attributeMap].map(([name, value]) => ({ name, value }));
  }

  get children(): FakeElement[] {
    return this.nodes.filter((node): node is FakeElement => typeof node !== "string");
  }

  get textContent(): string {
    return this.nodes.map((node) => (typeof node === "string" ? node : node.textContent)).join("");
  }

  removeAttribute(name: string): void {
    this.attributeMap.delete(name);
  }

  remove(): void {
    this.replaceWith();
  }

  replaceWith(...nodes: string[]): void {
    const parent = this.parent!;
    parent.nodes.splice(parent.nodes.indexOf(this), 1, ...nodes);
    this.parent = null;
  }

  /** Serialises like innerHTML would (attribute values unescaped, for reading in tests). */
  html(): string {
    return this.nodes
      .map((node) => {
        if (typeof node === "string") return node;
        const attributes = node.attributes.map(({ name, value }) => ` ${name}="${value}"`).join("");
        return `<${node.tagName.toLowerCase()}${attributes}>${node.html()}</${node.tagName.toLowerCase()}>`;
      })
      .join("");
  }
}

const h = (tag: string, attributes: Record<string, string> = {}, ...children: Array<FakeElement | string>): FakeElement =>
  new FakeElement(tag.toUpperCase(), attributes, children);

describe("webview allow-list walk", () => {
  it("removes scripts, images, frames and other active elements with their content", () => {
    const root = h("div", {}, 
      h("p", {}, "a", h("script", {}, "alert(1)"), "b"),
      h("img", { src: "https://evil.example/x.png", onerror: "alert(1)" }),
      h("iframe", { src: "https://evil.example" }, "frame"),
      h("svg", {}, h("a", { href: "javascript:alert(1)" }, "svg link")),
      h("style", {}, "body{display:none}"),
      h("form", { action: "https://evil" }, h("input", { name: "x" }), h("button", {}, "go")),
      h("video", { src: "x.mp4" }),
      h("base", { href: "https://evil/" }),
      h("meta", { "http-equiv": "refresh", content: "0;url=https://evil" }),
    );
    sanitizeTree(root);
    assert.equal(root.html(), "<p>ab</p>");
  });

  it("unwraps unknown elements into their text", () => {
    const root = h("div", {}, h("p", {}, h("font", { color: "red" }, "red ", h("em", {}, "words")), h("marquee", {}, "moving")));
    sanitizeTree(root);
    assert.equal(root.html(), "<p>red wordsmoving</p>");
  });

  it("removes event handlers, href/src/style and unsafe data-href, keeping what the renderer emits", () => {
    const root = h("div", {},
      h("a", { href: "javascript:alert(1)", onclick: "alert(1)", class: "md-link" }, "one"),
      h("a", { "data-href": "javascript:alert(1)", title: "javascript:alert(1)" }, "two"),
      h("a", { "data-href": "command:workbench.action.terminal.new" }, "three"),
      h("a", { "data-href": "https://example.com/", title: "https://example.com/", role: "link", tabindex: "0", class: "md-link" }, "four"),
      h("p", { style: "background:url(https://evil/track)", onmouseover: "alert(1)", id: "app", "data-href": "https://example.com" }, "five"),
      h("span", { class: "hljs-keyword message notice" }, "six"),
      h("span", { class: "hljs-keyword" }, "seven"),
      h("ol", { start: "3", type: "a" }, h("li", { value: "9" }, "eight")),
      h("td", { role: "link", tabindex: "0", title: "t", constructor: "x", ["__proto__"]: "y" }, "nine"),
    );
    sanitizeTree(root);
    assert.equal(
      root.html(),
      [
        '<a class="md-link">one</a>',
        '<a title="javascript:alert(1)">two</a>',
        "<a>three</a>",
        '<a data-href="https://example.com/" title="https://example.com/" role="link" tabindex="0" class="md-link">four</a>',
        "<p>five</p>",
        "<span>six</span>",
        '<span class="hljs-keyword">seven</span>',
        '<ol start="3"><li>eight</li></ol>',
        "<td>nine</td>",
      ].join(""),
    );
  });

  it("sanitizes deep trees, down to the leaves", () => {
    let leaf = h("em", { onclick: "x" }, h("img", { src: "x" }), "deep");
    for (let i = 0; i < 50; i++) leaf = h(i % 2 ? "strong" : "span", { onload: "x" }, leaf);
    const root = h("div", {}, leaf);
    sanitizeTree(root);
    assert.doesNotMatch(root.html(), /onclick|onload|<img/);
    assert.match(root.html(), /<em>deep<\/em>/);
  });
});
