// Checks the integration harness itself: the suite runs inside a real VS Code 1.100 extension
// host, with the test environment set and a workspace folder open.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";

describe("integration harness", () => {
  it("runs inside VS Code 1.100.x", () => {
    assert.match(vscode.version, /^1\.100\./, `vscode.version is ${vscode.version}`);
  });

  it("passes the test environment to the extension host", () => {
    assert.equal(process.env.HEARTH_TEST, "1");
    const results = process.env.HEARTH_TEST_RESULTS_FILE;
    assert.ok(results && path.isAbsolute(results), `HEARTH_TEST_RESULTS_FILE is ${results}`);
  });

  it("has a workspace folder open on disk", () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, "exactly one workspace folder");
    const folder = folders[0]!.uri;
    assert.equal(folder.scheme, "file");
    assert.ok(fs.statSync(folder.fsPath).isDirectory(), `${folder.fsPath} is a directory`);
  });

  it("loads the extension under development", () => {
    const extension = vscode.extensions.getExtension("hearth-dev.hearth");
    assert.ok(extension, "hearth-dev.hearth is loaded from extensionDevelopmentPath");
    const root = path.resolve(__dirname, "../../../..");
    assert.equal(path.resolve(extension.extensionPath), root);
  });
});
