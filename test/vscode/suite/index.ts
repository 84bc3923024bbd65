// The mocha runner VS Code's extension host loads for the integration tier (extensionTestsPath):
// it calls run() and exits with 0 when the promise resolves, 1 when it rejects.
// esbuild bundles this file and every *.test.ts of this folder separately into
// out/test/vscode/suite/ (same relative names); mocha stays external and resolves from the
// root node_modules.
import * as fs from "node:fs";
import * as path from "node:path";
import Mocha from "mocha";

// out/test/vscode/suite/index.js -> the repository root is four levels up.
const repoRoot = path.resolve(__dirname, "../../../..");
const reporterPath = path.join(repoRoot, "test/support/countingReporter.cjs");

function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(full));
    else if (entry.isFile() && entry.name.endsWith(".test.js")) found.push(full);
  }
  return found.sort((a, b) => freshFirst(a) - freshFirst(b) || a.localeCompare(b));
}

// These check a window nothing has touched yet (no engine started, no model installed), so they
// run before every other file whatever its name; the rest run in name order.
const freshWindowFiles = ["extension.test.js", "firstRun.test.js"];
function freshFirst(file: string): number {
  const at = freshWindowFiles.indexOf(path.basename(file));
  return at === -1 ? freshWindowFiles.length : at;
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: "bdd",
    // A path: mocha require()s it, and the reporter's own require("mocha") finds the same copy.
    reporter: reporterPath,
    timeout: 120_000,
    color: false,
  });
  // HEARTH_VSCODE_FILES=chat,models runs only the files whose names contain one of those words.
  const only = (process.env.HEARTH_VSCODE_FILES ?? "").split(",").map((word) => word.trim()).filter(Boolean);
  const files = findTestFiles(__dirname).filter((file) => only.length === 0 || only.some((word) => path.basename(file).includes(word)));
  for (const file of files) mocha.addFile(file);
  console.log(`[hearth-tests] ${files.length} test file(s): ${files.map((f) => path.relative(__dirname, f)).join(", ")}`);

  return new Promise<void>((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`no *.test.js files next to ${__filename}; run node esbuild.mjs`));
      return;
    }
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
