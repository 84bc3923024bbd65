import * as assert from "node:assert/strict";
import { chatContentSecurityPolicy, chatHtml } from "../../src/common/chat/chatHtml";

describe("chat webview page", () => {
  const html = chatHtml({
    nonce: "n0nce+/=",
    cspSource: "https://file+.vscode-resource.vscode-cdn.net",
    scriptUri: "https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js",
    styleUri: "https://file+.vscode-resource.vscode-cdn.net/ext/media/chat.css",
    lang: "zh-CN",
  });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1]?.replace(/&#39;|&apos;/g, "'") ?? "";
  const directives = new Map(csp.split(";").map((part) => part.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

  it("denies everything by default and allows scripts only by nonce", () => {
    assert.deepEqual(directives.get("default-src"), ["'none'"]);
    assert.deepEqual(directives.get("script-src"), ["'nonce-n0nce+/='"]);
    assert.ok(!csp.includes("unsafe-inline") && !csp.includes("unsafe-eval"), csp);
  });

  it("has no connect-src (the page reaches no server) and loads images only from the extension", () => {
    assert.equal(directives.has("connect-src"), false);
    assert.deepEqual(directives.get("img-src"), ["https://file+.vscode-resource.vscode-cdn.net"]);
    for (const name of ["base-uri", "form-action", "frame-src"]) assert.deepEqual(directives.get(name), ["'none'"], name);
    assert.ok(!/\bhttps?:\/\/(?!file\+)/.test(csp), "no remote origin anywhere in the policy");
  });

  it("has exactly one script, the bundle, carrying the nonce, and no inline handlers", () => {
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0]!, /nonce="n0nce\+\/="/);
    assert.match(scripts[0]!, /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\.js"/);
    assert.doesNotMatch(html, /\son[a-z]+=/i);
    assert.match(html, /<html lang="zh-CN">/);
  });

  it("escapes what it is given", () => {
    const page = chatHtml({ nonce: 'x"><script>alert(1)</script>', cspSource: "s", scriptUri: "u", styleUri: "v", lang: "en" });
    assert.equal((page.match(/<script\b/g) ?? []).length, 1);
    assert.equal(chatContentSecurityPolicy("a", "b").startsWith("default-src 'none'"), true);
  });
});
