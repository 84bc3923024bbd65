import * as assert from "node:assert/strict";
import { CompletionCache } from "../../src/common/completion/completionCache";
import { CompletionContextRing, definesIn, definitionChunks, symbolsNearCursor } from "../../src/common/completion/completionContext";
import { finishCompletion, infillOptionsFor, isMidLine, maxBlockLines } from "../../src/common/completion/completionRules";

/** Splits a document at `|`, the cursor. */
function at(document: string): { prefix: string; suffix: string } {
  const cursor = document.indexOf("|");
  return { prefix: document.slice(0, cursor), suffix: document.slice(cursor + 1) };
}

describe("completion rules (issue 18)", () => {
  describe("the request's shape by position", () => {
    it("asks for one line in the middle of a line and a block at the end of one", () => {
      assert.equal(isMidLine(at("const x = foo(|a, b);\n")), true);
      assert.deepEqual(infillOptionsFor(at("const x = foo(|a, b);\n")).singleLine, true);
      assert.equal(isMidLine(at("function add(a, b) {|\n}\n")), false);
      assert.equal(infillOptionsFor(at("function add(a, b) {|\n}\n")).singleLine, false);
    });

    it("treats closing brackets, quotes and semicolons after the cursor as the end of the line", () => {
      assert.equal(isMidLine(at("print(|)\n")), false);
      assert.equal(isMidLine(at('const s = "|";\n')), false);
      assert.equal(isMidLine(at("items[|]\n")), false);
    });
  });

  describe("single-line completions", () => {
    it("keeps only the first line", () => {
      assert.equal(finishCompletion("a + b;\n  return x;\n", at("const sum = |; // total\n")), "a + b");
    });

    it("never repeats the text after the cursor", () => {
      assert.equal(finishCompletion("a, b)", at("const x = foo(|) + 1;\n")), "a, b");
      assert.equal(finishCompletion('name");', at('log("|"); other();\n')), "name");
    });

    it("cuts at a closing bracket the rest of the line already has", () => {
      assert.equal(finishCompletion("x.length) + y", at("if (check(|) && ok) {\n")), "x.length");
    });

    it("keeps brackets the completion opens and closes itself", () => {
      assert.equal(finishCompletion("a(b), c", at("call(|) && next;\n")), "a(b), c");
    });
  });

  describe("block completions", () => {
    it("keeps the block and stops where the indentation falls below the cursor's line", () => {
      const position = at("def add(a, b):\n    |\n\nprint(add(1, 2))\n");
      const raw = "total = a + b\n    return total\n\ndef other():\n    pass\n";
      assert.equal(finishCompletion(raw, position), "total = a + b\n    return total");
    });

    it("stops at the line the code after the cursor goes on with (the brace the editor added)", () => {
      const position = at("function add(a: number, b: number): number {|\n}\n");
      assert.equal(finishCompletion("\n  return a + b;\n}\n", position), "\n  return a + b;");
    });

    it("shows at most the block-line limit", () => {
      const raw = Array.from({ length: 40 }, (_, line) => `  line${line}();`).join("\n");
      const shown = finishCompletion(raw, at("function f() {\n|\n"));
      assert.equal(shown?.split("\n").length, maxBlockLines);
    });

    it("drops trailing blank lines and trailing spaces", () => {
      assert.equal(finishCompletion("x = 1   \n\n\n", at("|\n")), "x = 1");
    });
  });

  it("shows nothing when the model wrote only whitespace or only what follows the cursor", () => {
    assert.equal(finishCompletion("   \n\t\n", at("let a = |\n")), null);
    assert.equal(finishCompletion(")", at("foo(|)\n")), null);
    assert.equal(finishCompletion("", at("x|\n")), null);
  });

  it("turns the model's CRLF into LF (the editor converts to the document's line ends)", () => {
    assert.equal(finishCompletion("a\r\n  b\r\n", at("if x:\n  |\n")), "a\n  b");
  });
});

describe("the completion cache (issue 18)", () => {
  it("answers the same context from memory, including 'nothing to show'", () => {
    const cache = new CompletionCache();
    cache.remember(at("const a = |;\n"), "42");
    cache.remember(at("const b = |;\n"), null);
    assert.equal(cache.lookup(at("const a = |;\n")), "42");
    assert.equal(cache.lookup(at("const b = |;\n")), "");
    assert.equal(cache.lookup(at("const c = |;\n")), undefined);
  });

  it("keeps the rest of a suggestion while the user types through it", () => {
    const cache = new CompletionCache();
    cache.remember(at("return |\n}\n"), "a + b;");
    assert.equal(cache.lookup(at("return a|\n}\n")), " + b;");
    assert.equal(cache.lookup(at("return a + |\n}\n")), "b;");
    // Typing something else, or the whole suggestion, needs a new request.
    assert.equal(cache.lookup(at("return x|\n}\n")), undefined);
    assert.equal(cache.lookup(at("return a + b;|\n}\n")), undefined);
  });

  it("forgets the oldest contexts beyond its capacity", () => {
    const cache = new CompletionCache(2);
    cache.remember(at("a|"), "1");
    cache.remember(at("b|"), "2");
    cache.remember(at("c|"), "3");
    assert.equal(cache.lookup(at("a|")), undefined);
    assert.equal(cache.lookup(at("c|")), "3");
  });
});

describe("the completion's extra context (issue 18)", () => {
  const fileText = (name: string, lines = 200): string =>
    Array.from({ length: lines }, (_, line) => `export function ${name}${line}(value: number) { return value * ${line}; }`).join("\n");

  it("holds chunks of recently edited files, oldest first, and drops the oldest beyond its capacity", () => {
    const ring = new CompletionContextRing(2);
    assert.equal(ring.note("src/a.ts", fileText("alpha"), 10), true);
    assert.equal(ring.note("src/b.ts", fileText("beta"), 10), true);
    assert.equal(ring.note("src/c.ts", fileText("gamma"), 10), true);
    assert.deepEqual(
      ring.extra("src/other.ts", "").map((chunk) => chunk.path),
      ["src/b.ts", "src/c.ts"],
    );
  });

  it("keeps the ring unchanged when the user works at the same place again (the engine's cache stays valid)", () => {
    const ring = new CompletionContextRing();
    ring.note("src/a.ts", fileText("alpha"), 100);
    ring.note("src/b.ts", fileText("beta"), 100);
    const before = ring.extra("x.ts", "");
    assert.equal(ring.note("src/a.ts", fileText("alpha"), 101), false);
    assert.deepEqual(ring.extra("x.ts", ""), before);
  });

  it("never holds a secret file or a chunk with a secret in it", () => {
    const ring = new CompletionContextRing();
    assert.equal(ring.note(".env", "API_TOKEN=abc\n", 0), false);
    assert.equal(ring.note("config/keys.ts", 'const token = "ghp_R8x2Lq7Zk4Nw1Vb9Tc3Hy6Jm0Pd5Fs2Ga8Ke";\n', 0), false);
    assert.deepEqual(ring.extra("x.ts", ""), []);
  });

  it("leaves out chunks of the current file that the cursor's window already shows", () => {
    const ring = new CompletionContextRing();
    const text = fileText("alpha");
    ring.note("src/a.ts", text, 10);
    assert.deepEqual(ring.extra("src/a.ts", text.split("\n").slice(0, 40).join("\n")), []);
    assert.equal(ring.extra("src/b.ts", "").length, 1);
  });

  it("finds the names near the cursor that the visible text does not define", () => {
    const prefix = "import { parseConfig } from './config';\nconst local = 1;\nconst settings = parseConfig(readFile(local), ";
    assert.deepEqual(symbolsNearCursor(prefix, ");\n"), ["readFile", "parseConfig"]);
  });

  it("recognises definitions in several languages", () => {
    assert.equal(definesIn("export async function loadUser(id) {}", "loadUser"), true);
    assert.equal(definesIn("def load_user(id):\n    pass", "load_user"), true);
    assert.equal(definesIn("class UserStore:\n", "UserStore"), true);
    assert.equal(definesIn("  private readonly cache: Map<string, number>;", "cache"), true);
    assert.equal(definesIn("const user = loadUser(1);", "loadUser"), false);
  });

  it("picks one definition per symbol from the index's passages, never from the current file or a secret", () => {
    const candidates = [
      { path: "src/app.ts", startLine: 1, text: "function loadUser() {}" },
      { path: "src/users.ts", startLine: 10, symbol: "loadUser", text: "export function loadUser(id: string): User {\n  return db.get(id);\n}" },
      { path: "src/users.ts", startLine: 30, symbol: "loadUser", text: "export function loadUser(id: string): User {\n  return db.get(id);\n}" },
      { path: ".env.local", startLine: 1, text: "const saveUser = 1" },
      { path: "src/save.ts", startLine: 1, text: "export const saveUser = (user: User) => db.put(user);" },
    ];
    const chunks = definitionChunks(candidates, ["loadUser", "saveUser", "missing"], "src/app.ts");
    assert.deepEqual(
      chunks.map((chunk) => chunk.path),
      ["src/users.ts", "src/save.ts"],
    );
  });
});
