// Code review in real VS Code: the review commands on a real git repository with staged changes,
// reviewed by the real engine with the fixture model; findings as comment threads and diagnostics
// on the right lines; Apply Fix through a diff that replaces exactly the finding's lines; threads
// that move with edits and go when their lines change; quick fixes; Clear.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { ReviewFinding } from "../../../src/common/review/reviewFindings";
import type { HearthApi } from "../../../src/extension/extension";
import { changedNewLines, parseUnifiedDiff } from "../../../src/common/review/diffParsing";
import { reviewedLinesOf } from "../../../src/common/review/findingAnchor";
import { gitSourceFor } from "../../../src/extension/review/gitAccess";
import type { ReviewNotRun, ReviewRunResult } from "../../../src/extension/review/reviewCommands";
import { activateHearth, extensionId, fixtureModel, waitFor } from "./support";

function lines(count: number, prefix: string): string {
  return Array.from({ length: count }, (_, i) => `export const ${prefix}${i + 1} = ${i + 1};`).join("\n") + "\n";
}

/** Turns VS Code's git extension on (the harness turns it off), so diffs come through its API. */
async function enableGitExtension(): Promise<vscode.Extension<{ enabled: boolean }> | undefined> {
  await vscode.workspace.getConfiguration("git").update("enabled", true, vscode.ConfigurationTarget.Global);
  const gitExtension = vscode.extensions.getExtension<{ enabled: boolean }>("vscode.git");
  if (gitExtension) {
    const exports = gitExtension.isActive ? gitExtension.exports : await gitExtension.activate();
    await waitFor(() => exports.enabled, "the git extension to be enabled", 20_000).catch(() => undefined);
  }
  return gitExtension;
}

/** A changed file as Source Control passes it to a command (a SourceControlResourceState). */
function resource(uri: vscode.Uri): vscode.SourceControlResourceState {
  return { resourceUri: uri };
}

describe("Code review in VS Code", function () {
  this.timeout(240_000);
  let api: HearthApi;
  let workspace: string;
  let root: vscode.Uri;
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: workspace, encoding: "utf8" });

  before(async () => {
    api = await activateHearth();
    await vscode.workspace.getConfiguration("hearth").update("threads", 1, vscode.ConfigurationTarget.Global);
    // The fixture's byte-level vocabulary spends a token per character: room for the instructions.
    await vscode.workspace.getConfiguration("hearth").update("contextSize", 4096, vscode.ConfigurationTarget.Global);
    await api.engine.loadModel(fixtureModel("tiny-llama.gguf"));
    workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    root = vscode.workspace.workspaceFolders![0]!.uri;
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    fs.mkdirSync(path.join(workspace, "src"), { recursive: true });
    fs.writeFileSync(path.join(workspace, "src", "app.ts"), lines(30, "a"));
    fs.writeFileSync(path.join(workspace, "package-lock.json"), "{}\n");
    git("init", "-q");
    git("config", "user.email", "test@example.com");
    git("config", "user.name", "Test");
    git("add", "src/app.ts", "package-lock.json");
    git("commit", "-qm", "start");
    git("branch", "-M", "main");
    fs.writeFileSync(path.join(workspace, "src", "app.ts"), lines(30, "a").replace("a10 = 10;", "a10 = 10 / 0;").replace("a20 = 20;", "a20 = eval(input);"));
    fs.writeFileSync(path.join(workspace, "package-lock.json"), '{"lockfileVersion": 3}\n');
    git("add", "src/app.ts", "package-lock.json");
  });

  afterEach(() => api.review.clear());

  after(async () => {
    await vscode.workspace.getConfiguration("hearth").update("contextSize", undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration("git").update("enabled", undefined, vscode.ConfigurationTarget.Global);
  });

  it("reviews the staged changes: every finding a thread and a diagnostic on changed lines", async () => {
    const result = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewStaged");
    assert.ok(result, "the review ran");
    assert.deepEqual(result.skipped, [{ path: "package-lock.json", reason: "lock" }]);
    assert.equal(result.reviewedLines, 2);
    assert.equal(result.cancelled, false);
    const uri = vscode.Uri.joinPath(root, "src", "app.ts");
    const threads = api.review.threads;
    assert.equal(threads.length, result.shown);
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.source === "Hearth");
    assert.equal(diagnostics.length, threads.length);
    for (const { thread, finding } of threads) {
      assert.equal(thread.uri.toString(), uri.toString());
      assert.ok([10, 20].some((n) => finding.line <= n && n <= finding.endLine), JSON.stringify(finding));
      assert.equal(thread.range!.start.line, finding.line - 1);
      assert.equal(thread.range!.end.line, finding.endLine - 1);
      assert.equal(thread.contextValue, finding.suggestion === undefined ? "hearthFinding" : "hearthFindingFix");
      assert.ok(diagnostics.some((d) => d.range.start.line === finding.line - 1 && d.message === finding.message && d.code === finding.category));
    }
    console.log(`staged review: ${result.chunks} chunk(s), ${result.findings.length} finding(s) kept, ${result.dropped} dropped, ${result.shown} shown`);
    // The same findings as the engine reported, deduplicated.
    assert.ok(result.findings.length >= threads.length);
  });

  it("reviews a branch against its base: the branch's committed changes only", async () => {
    // The harness turns VS Code's git extension off; this test turns it on to read diffs through it.
    const gitExtension = await enableGitExtension();
    const source = await gitSourceFor(root);
    const cli = await gitSourceFor(root, "cli");
    assert.ok(source && cli, "the workspace is a git repository");
    console.log(`git through ${source.viaApi ? "the git extension's API" : "the git binary"} (vscode.git ${gitExtension ? (gitExtension.isActive ? "active" : "present") : "absent"})`);
    // The git extension's diffs read as git's own do: the same files and changed lines.
    const shape = (text: string): string[] =>
      parseUnifiedDiff(text).map((file) => `${file.newPath ?? file.oldPath}:${changedNewLines(file).join(",")}`).sort();
    assert.deepEqual(shape(await source.stagedDiff()), shape(await cli.stagedDiff()));
    assert.deepEqual(shape(await source.workingTreeDiff()), shape(await cli.workingTreeDiff()));
    assert.equal(await source.show("index", "src/app.ts"), await cli.show("index", "src/app.ts"));
    git("switch", "-q", "-c", "feature");
    assert.ok((await cli.refs()).includes("main"), "the base picker offers the other branches");
    git("commit", "-qm", "the staged changes");
    fs.writeFileSync(path.join(workspace, "src", "later.ts"), lines(3, "l"));
    git("add", "src/later.ts");
    git("commit", "-qm", "a new file");
    const result = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewBranch", "main");
    assert.ok(result);
    assert.deepEqual(result.skipped, [{ path: "package-lock.json", reason: "lock" }]);
    assert.equal(result.reviewedLines, 2 + 3);
    for (const { finding } of api.review.threads) {
      if (finding.path === "src/app.ts") assert.ok([10, 20].some((n) => finding.line <= n && n <= finding.endLine), JSON.stringify(finding));
      else assert.equal(finding.path, "src/later.ts");
    }
  });

  it("maps findings to threads and diagnostics, and Apply Fix replaces exactly the finding's lines", async () => {
    const file = path.join(workspace, "src", "fix.ts");
    fs.writeFileSync(file, lines(12, "f"));
    const uri = vscode.Uri.file(file);
    const findings: ReviewFinding[] = [
      { path: "src/fix.ts", line: 4, endLine: 6, severity: "error", category: "bug", message: "These three lines are wrong.", suggestion: "export const fixed = 4;\nexport const alsoFixed = 5;" },
      { path: "src/fix.ts", line: 9, endLine: 9, severity: "info", category: "style", message: "Naming." },
      { path: "src/fix.ts", line: 40, endLine: 41, severity: "warning", category: "bug", message: "Past the end of the file." },
    ];
    assert.equal(await api.review.add(root, findings), 2);
    const [fixThread, styleThread] = api.review.threads;
    assert.equal(fixThread!.thread.label, "Error · bug");
    assert.equal(fixThread!.thread.range!.start.line, 3);
    assert.equal(fixThread!.thread.range!.end.line, 5);
    const body = fixThread!.thread.comments[0]!.body as vscode.MarkdownString;
    assert.match(body.value.replace(/&nbsp;/g, " "), /These three lines are wrong\./);
    assert.match(body.value, /export const alsoFixed = 5;/);
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.source === "Hearth");
    assert.deepEqual(
      diagnostics.map((d) => [d.range.start.line, d.severity]),
      [[3, vscode.DiagnosticSeverity.Error], [8, vscode.DiagnosticSeverity.Information]],
    );

    // Quick fixes on the diagnostic.
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>("vscode.executeCodeActionProvider", uri, new vscode.Range(3, 0, 3, 1));
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes("Apply Hearth's fix…"), titles.join(", "));
    assert.ok(titles.includes("Dismiss Hearth's finding"), titles.join(", "));

    // Apply Fix: a diff first, then exactly lines 4–6 replaced.
    const fixUri = await api.review.proposeFix(fixThread!.id, { ask: false });
    assert.ok(fixUri);
    await waitFor(
      () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === fixUri.toString()),
      "the fix's diff",
    );
    assert.equal(fs.readFileSync(file, "utf8"), lines(12, "f"), "nothing changes before Accept");
    assert.equal(await api.review.acceptFix(fixUri), true);
    const document = await vscode.workspace.openTextDocument(uri);
    const expected = lines(12, "f").split("\n");
    expected.splice(3, 3, "export const fixed = 4;", "export const alsoFixed = 5;");
    assert.equal(document.getText(), expected.join("\n"));
    // Its thread is gone; the one below moved up a line with the edit.
    assert.deepEqual(api.review.threads.map((t) => t.id), [styleThread!.id]);
    assert.equal(styleThread!.thread.range!.start.line, 7);
    assert.equal(vscode.languages.getDiagnostics(uri).filter((d) => d.source === "Hearth")[0]!.range.start.line, 7);
    await document.save();
  });

  it("moves threads with edits above them, drops a thread whose lines change, and clears", async () => {
    const file = path.join(workspace, "src", "move.ts");
    fs.writeFileSync(file, lines(10, "m"));
    const uri = vscode.Uri.file(file);
    await api.review.add(root, [
      { path: "src/move.ts", line: 5, endLine: 5, severity: "warning", category: "bug", message: "Five." },
      { path: "src/move.ts", line: 8, endLine: 9, severity: "warning", category: "bug", message: "Eight." },
    ]);
    const editor = await vscode.window.showTextDocument(uri);
    const hearthDiagnostics = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === "Hearth");
    await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), "// one\n// two\n"));
    assert.deepEqual(api.review.threads.map((t) => t.thread.range!.start.line), [6, 9]);
    assert.deepEqual(api.review.threads.map((t) => t.thread.range!.end.line), [6, 10]);
    assert.deepEqual(hearthDiagnostics().map((d) => [d.range.start.line, d.range.end.line, d.message]), [[6, 6, "Five."], [9, 10, "Eight."]]);
    // An edit below both threads moves neither.
    await editor.edit((edit) => edit.insert(new vscode.Position(11, 0), "// below\n"));
    assert.deepEqual(api.review.threads.map((t) => t.thread.range!.start.line), [6, 9]);
    await editor.edit((edit) => edit.insert(new vscode.Position(6, 3), "X"));
    assert.deepEqual(api.review.threads.map((t) => t.finding.message), ["Eight."]);
    assert.deepEqual(hearthDiagnostics().map((d) => d.message), ["Eight."], "the changed thread's diagnostic went with it");
    // Deleting a line inside the remaining thread takes it (and its diagnostic) away too.
    await editor.edit((edit) => edit.delete(new vscode.Range(10, 0, 11, 0)));
    assert.equal(api.review.threads.length, 0);
    assert.equal(hearthDiagnostics().length, 0);
    await api.review.add(root, [{ path: "src/move.ts", line: 9, endLine: 9, severity: "warning", category: "bug", message: "Eight." }]);
    assert.equal(api.review.dismiss(api.review.threads[0]!.thread), true);
    assert.equal(hearthDiagnostics().length, 0);
    assert.equal(api.review.threads.length, 0);
    await api.review.add(root, [{ path: "src/move.ts", line: 1, endLine: 1, severity: "info", category: "style", message: "One." }]);
    await vscode.commands.executeCommand("hearth.clearReviewComments");
    assert.equal(api.review.threads.length, 0);
    assert.equal(vscode.languages.getDiagnostics(uri).filter((d) => d.source === "Hearth").length, 0);
    await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
  });

  it("checks findings against the file as it is now: moves them with their code, leaves out those whose code is gone", async () => {
    const file = path.join(workspace, "src", "drift.ts");
    const seen = lines(10, "d");
    fs.writeFileSync(file, seen);
    const uri = vscode.Uri.file(file);
    // What the review saw; then the file changes (unsaved, in the editor) before the findings arrive.
    const editor = await vscode.window.showTextDocument(uri);
    await editor.edit((edit) => {
      edit.insert(new vscode.Position(0, 0), "// added above\n// and another\n");
      edit.replace(new vscode.Range(6, 0, 6, Number.MAX_SAFE_INTEGER), "export const d7 = 700;");
    });
    const outcome = await api.review.addChecked(root, [
      { path: "src/drift.ts", line: 3, endLine: 3, severity: "warning", category: "bug", message: "About d3." },
      { path: "src/drift.ts", line: 7, endLine: 7, severity: "warning", category: "bug", message: "About d7." },
    ], new Map([["src/drift.ts", reviewedLinesOf(seen)]]));
    assert.equal(outcome.shown, 1);
    assert.deepEqual(outcome.moved.map((m) => [m.finding.message, m.line]), [["About d3.", 5]]);
    assert.deepEqual(outcome.stale.map((f) => f.message), ["About d7."]);
    const [thread] = api.review.threads;
    assert.equal(thread!.thread.range!.start.line, 4, "the thread sits on d3's line as it is now");
    assert.equal(editor.document.lineAt(4).text, "export const d3 = 3;");
    assert.deepEqual(vscode.languages.getDiagnostics(uri).filter((d) => d.source === "Hearth").map((d) => d.range.start.line), [4]);
    await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
  });

  it("puts related code from the workspace index beside the change when the workspace is indexed", async () => {
    fs.writeFileSync(path.join(workspace, "src", "pricing.ts"), "export function applyDiscount(total: number): number {\n  return total * 0.9;\n}\n");
    fs.writeFileSync(path.join(workspace, "src", "checkout.ts"), lines(8, "c"));
    git("add", "src/checkout.ts");
    git("commit", "-qm", "checkout");
    fs.writeFileSync(path.join(workspace, "src", "checkout.ts"), lines(8, "c").replace("c4 = 4;", "c4 = applyDiscount(4);"));
    assert.ok(await api.workspaceIndex.index(false), "the workspace is indexed (keywords only)");
    const result = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewWorkingTree");
    assert.ok(result);
    assert.equal(result.reviewedLines, 1);
    assert.ok(result.relatedSnippets >= 1, `${result.relatedSnippets} related passages`);
  });

  it("Review File reviews the whole file from the editor, and the file's changes from Source Control", async () => {
    const uri = vscode.Uri.joinPath(root, "src", "checkout.ts");
    const whole = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewFile", uri);
    assert.ok(whole);
    assert.equal(whole.reviewedLines, 8);
    const changes = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewFile", { resourceUri: uri });
    assert.ok(changes);
    assert.equal(changes.reviewedLines, 1);
  });

  it("reviews a selection: findings only on the selected lines", async () => {
    const file = path.join(workspace, "src", "select.ts");
    fs.writeFileSync(file, lines(20, "s"));
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
    editor.selection = new vscode.Selection(4, 0, 7, 0); // lines 5–7
    const result = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewSelection");
    assert.ok(result);
    assert.equal(result.reviewedLines, 3);
    for (const { finding } of api.review.threads) assert.ok(finding.endLine >= 5 && finding.line <= 7, JSON.stringify(finding));
    // The summary counts what was reviewed, found or not (it said "0 findings in 0 files").
    assert.match(result.summary, /^Hearth reviewed .*: 3 lines in 1 file, (\d+ findings|1 finding)\./);
    // Not posted into the conversation that happens to be open.
    assert.ok(!api.chat.state.messages.some((message) => message.text.includes(result.summary)), "the summary stays out of the chat");
  });
  it("reviews a staged git mv with an edit as a rename through the git extension: only the edited line, on the new path", async () => {
    const gitExtension = await enableGitExtension();
    fs.writeFileSync(path.join(workspace, "src", "old.ts"), lines(12, "o"));
    git("add", "src/old.ts");
    git("commit", "-qm", "old");
    git("mv", "src/old.ts", "src/renamed.ts");
    fs.writeFileSync(path.join(workspace, "src", "renamed.ts"), lines(12, "o").replace("o6 = 6;", "o6 = 6 * 0;"));
    git("add", "src/renamed.ts");
    const source = await gitSourceFor(root);
    const cli = await gitSourceFor(root, "cli");
    assert.ok(source && cli);
    if (gitExtension) assert.ok(source.viaApi, "the git extension's API is used");
    const renamedIn = (text: string): string[] =>
      parseUnifiedDiff(text)
        .filter((file) => file.newPath === "src/renamed.ts")
        .map((file) => `${file.oldPath}->${file.newPath} renamed=${file.renamed} lines=${changedNewLines(file).join(",")}`);
    const expected = ["src/old.ts->src/renamed.ts renamed=true lines=6"];
    assert.deepEqual(renamedIn(await source.stagedDiff()), expected, "staged");
    assert.deepEqual(renamedIn(await source.workingTreeDiff()), expected, "working tree");
    assert.deepEqual(renamedIn(await source.workingTreeDiff("src/renamed.ts")), expected, "the one file, as Source Control's Review File asks");
    assert.deepEqual(renamedIn(await cli.workingTreeDiff("src/renamed.ts")), expected, "the one file through the git binary");
    const result = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewStaged");
    assert.ok(result && "reviewedLines" in result);
    assert.equal(result.reviewedLines, 1, "only the edited line of the renamed file");
    assert.deepEqual(result.skipped, []);
    for (const finding of result.findings) assert.equal(finding.path, "src/renamed.ts", JSON.stringify(finding));
    for (const { uri } of api.review.threads) assert.equal(uri.toString(), vscode.Uri.joinPath(root, "src", "renamed.ts").toString());
    // From Source Control's file menu, the renamed file reads as a rename too.
    const fromScm = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewFile", resource(vscode.Uri.joinPath(root, "src", "renamed.ts")));
    assert.ok(fromScm && "reviewedLines" in fromScm);
    assert.equal(fromScm.reviewedLines, 1);
    // A finding on the renamed file's edited line lands on the new file.
    assert.equal(await api.review.add(root, [{ path: "src/renamed.ts", line: 6, endLine: 6, severity: "warning", category: "bug", message: "Times zero." }]), 1);
    assert.equal(api.review.threads[0]!.uri.fsPath, path.join(workspace, "src", "renamed.ts"));
  });

  it("reviews exactly the files selected in Source Control, and a Source Control group", async () => {
    const checkout = vscode.Uri.joinPath(root, "src", "checkout.ts"); // one line changed, not staged
    const select = vscode.Uri.joinPath(root, "src", "select.ts"); // untracked: reviewed whole (20 lines)
    const renamed = vscode.Uri.joinPath(root, "src", "renamed.ts"); // staged rename, one line edited
    // VS Code passes each selected resource as its own argument.
    const spread = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewFile", resource(checkout), resource(select));
    assert.ok(spread && "reviewedLines" in spread);
    assert.equal(spread.reviewedLines, 1 + 20);
    assert.equal(spread.chunks, 2);
    for (const finding of spread.findings) assert.ok(["src/checkout.ts", "src/select.ts"].includes(finding.path), JSON.stringify(finding));
    // The clicked resource and the selection as an array (the explorer's convention) read the same.
    const clickedAndSelected = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewFile", resource(select), [resource(checkout), resource(select), resource(renamed)]);
    assert.ok(clickedAndSelected && "reviewedLines" in clickedAndSelected);
    assert.equal(clickedAndSelected.reviewedLines, 1 + 20 + 1);
    // A group's context menu: Changes reviews its own files; Staged Changes what is staged.
    const changes = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewWorkingTree", {
      id: "workingTree",
      label: "Changes",
      resourceStates: [resource(checkout), resource(select)],
    });
    assert.ok(changes && "reviewedLines" in changes);
    assert.equal(changes.reviewedLines, 1 + 20);
    const staged = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewStaged", { id: "index", label: "Staged Changes", resourceStates: [resource(renamed)] });
    assert.ok(staged && "reviewedLines" in staged);
    assert.equal(staged.reviewedLines, 1);
    // The menus that pass them.
    const extension = vscode.extensions.getExtension(extensionId)!;
    const menus = (extension.packageJSON as { contributes: { menus: Record<string, Array<{ command: string; when?: string }>> } }).contributes.menus;
    assert.ok(menus["scm/resourceState/context"]!.some((item) => item.command === "hearth.reviewFile"));
    const groupMenu = menus["scm/resourceGroup/context"] ?? [];
    assert.ok(groupMenu.some((item) => item.command === "hearth.reviewStaged" && /scmResourceGroup == index/.test(item.when ?? "")));
    assert.ok(groupMenu.some((item) => item.command === "hearth.reviewWorkingTree" && /workingTree/.test(item.when ?? "")));
  });

  it("reviews a repository with no commits yet: staged and working-tree files all added, and no branch to compare with", async () => {
    await enableGitExtension();
    const fresh = path.join(workspace, "fresh");
    fs.mkdirSync(fresh, { recursive: true });
    fs.appendFileSync(path.join(workspace, ".git", "info", "exclude"), "fresh/\n");
    const freshGit = (...args: string[]): string => execFileSync("git", args, { cwd: fresh, encoding: "utf8" });
    freshGit("init", "-q");
    fs.writeFileSync(path.join(fresh, "first.ts"), lines(4, "n"));
    freshGit("add", "first.ts");
    const freshUri = vscode.Uri.file(fresh);
    // Inside the workspace's own repository, the nested one is found as itself.
    const source = await gitSourceFor(freshUri);
    assert.ok(source);
    assert.equal(source.root.fsPath, freshUri.fsPath);
    assert.equal(await source.hasCommits(), false);
    // Source Control's title bar passes the repository (a SourceControl with its rootUri).
    const repository = { id: "git", label: "Git", rootUri: freshUri };
    const staged = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewStaged", repository);
    assert.ok(staged && "reviewedLines" in staged, JSON.stringify(staged));
    assert.equal(staged.reviewedLines, 4, "every staged line is new");
    for (const { uri } of api.review.threads) assert.equal(uri.fsPath, path.join(fresh, "first.ts"));
    fs.appendFileSync(path.join(fresh, "first.ts"), "export const later = 5;\n");
    const workingTree = await vscode.commands.executeCommand<ReviewRunResult | null>("hearth.reviewWorkingTree", repository);
    assert.ok(workingTree && "reviewedLines" in workingTree, JSON.stringify(workingTree));
    assert.equal(workingTree.reviewedLines, 5);
    const cli = await gitSourceFor(freshUri, "cli");
    const shape = (text: string): string[] => parseUnifiedDiff(text).map((file) => `${file.oldPath}->${file.newPath}:${changedNewLines(file).join(",")}`);
    assert.deepEqual(shape(await source.workingTreeDiff()), shape(await cli!.workingTreeDiff()));
    assert.deepEqual(shape(await source.workingTreeDiff()), ["null->first.ts:1,2,3,4,5"]);
    const branch = await vscode.commands.executeCommand<ReviewRunResult | ReviewNotRun | null>("hearth.reviewBranch", repository);
    assert.ok(branch && "notRun" in branch, JSON.stringify(branch));
    assert.match(branch.notRun, /no commits yet, so there is no branch to compare with\. Review what you are about to commit with Hearth: Review Staged Changes/);
  });
});
