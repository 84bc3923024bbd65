import * as assert from "node:assert/strict";
import { maxPromptLength, parseWebviewMessage } from "../../src/common/webviewProtocol";

describe("webview protocol", () => {
  it("accepts the messages the chat view sends", () => {
    assert.deepEqual(parseWebviewMessage({ type: "ready" }), { type: "ready" });
    assert.deepEqual(parseWebviewMessage({ type: "send", text: "hi" }), { type: "send", text: "hi" });
    assert.deepEqual(parseWebviewMessage({ type: "stop" }), { type: "stop" });
    assert.deepEqual(parseWebviewMessage({ type: "composing", text: "my draft" }), { type: "composing" });
    assert.deepEqual(parseWebviewMessage({ type: "newChat" }), { type: "newChat" });
    assert.deepEqual(parseWebviewMessage({ type: "loadModel" }), { type: "loadModel" });
  });

  it("accepts safe links and copies, and nothing else of that kind", () => {
    assert.deepEqual(parseWebviewMessage({ type: "openLink", url: "https://example.com/a?b=1" }), {
      type: "openLink",
      url: "https://example.com/a?b=1",
    });
    assert.deepEqual(parseWebviewMessage({ type: "copy", text: "npm test" }), { type: "copy", text: "npm test" });
    for (const url of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      "command:workbench.action.terminal.new",
      "file:///etc/passwd",
      "data:text/html,<script>alert(1)</script>",
      "vscode://settings",
      42,
      `https://example.com/${"a".repeat(9000)}`,
    ]) {
      assert.equal(parseWebviewMessage({ type: "openLink", url }), null, String(url).slice(0, 40));
    }
    assert.equal(parseWebviewMessage({ type: "copy", text: 5 }), null);
    assert.equal(parseWebviewMessage({ type: "copy", text: "x".repeat(1_000_001) }), null);
  });

  it("drops anything else, and strips extra fields", () => {
    const hostile: unknown[] = [
      undefined,
      null,
      "send",
      [{ type: "send", text: "x" }],
      { type: "send" },
      { type: "send", text: 42 },
      { type: "send", text: "   " },
      { type: "send", text: "x".repeat(maxPromptLength + 1) },
      { type: "executeCommand", command: "workbench.action.terminal.new" },
      { type: "__proto__" },
      { type: "constructor" },
      { type: "READY" },
    ];
    for (const message of hostile) assert.equal(parseWebviewMessage(message), null, JSON.stringify(message)?.slice(0, 60));
    assert.deepEqual(parseWebviewMessage({ type: "stop", command: "rm -rf /" }), { type: "stop" });
  });

  it("accepts the session, attachment and code-block messages, and checks their fields", () => {
    assert.deepEqual(parseWebviewMessage({ type: "regenerate", extra: 1 }), { type: "regenerate" });
    assert.deepEqual(parseWebviewMessage({ type: "editLast", text: "again" }), { type: "editLast", text: "again" });
    assert.equal(parseWebviewMessage({ type: "editLast", text: "  " }), null);
    assert.deepEqual(parseWebviewMessage({ type: "code", action: "apply", code: "x = 1\n", language: "python" }), {
      type: "code",
      action: "apply",
      code: "x = 1\n",
      language: "python",
    });
    assert.deepEqual(parseWebviewMessage({ type: "code", action: "newFile", code: "", language: "c++" })?.type, "code");
    for (const bad of [
      { type: "code", action: "delete", code: "x", language: "js" },
      { type: "code", action: "insert", code: 7, language: "js" },
      { type: "code", action: "insert", code: "x", language: "js; rm -rf /" },
      { type: "code", action: "insert", code: "x", language: "a".repeat(41) },
      { type: "code", action: "insert", code: "x".repeat(1_000_001), language: "" },
    ]) {
      assert.equal(parseWebviewMessage(bad), null, JSON.stringify(bad).slice(0, 60));
    }
    for (const kind of ["selection", "file", "openEditors", "workspace", "pick"]) {
      assert.deepEqual(parseWebviewMessage({ type: "attach", kind }), { type: "attach", kind });
    }
    assert.equal(parseWebviewMessage({ type: "attach", kind: "terminal" }), null);
    assert.deepEqual(parseWebviewMessage({ type: "detach", id: "a3" }), { type: "detach", id: "a3" });
    assert.deepEqual(parseWebviewMessage({ type: "openSession", id: "lx2-abc123" }), { type: "openSession", id: "lx2-abc123" });
    for (const id of ["../../etc/passwd", "", "a".repeat(101), 5, "a b", "x/y"]) {
      for (const type of ["detach", "openSession", "deleteSession", "renameSession"]) {
        assert.equal(parseWebviewMessage({ type, id }), null, `${type} ${String(id)}`);
      }
    }
    assert.deepEqual(parseWebviewMessage({ type: "openCitation", cite: "src/a.ts:3-4" }), { type: "openCitation", cite: "src/a.ts:3-4" });
    for (const cite of ["/etc/passwd.txt:1", "src/a.ts", 3, "src/a.ts:0", "x".repeat(2000) + ".ts:1"]) {
      assert.equal(parseWebviewMessage({ type: "openCitation", cite }), null, String(cite).slice(0, 40));
    }
    assert.deepEqual(parseWebviewMessage({ type: "listSessions", query: "" }), { type: "listSessions", query: "" });
    assert.equal(parseWebviewMessage({ type: "listSessions", query: "q".repeat(501) }), null);
    assert.equal(parseWebviewMessage({ type: "listSessions" }), null);
  });
});
