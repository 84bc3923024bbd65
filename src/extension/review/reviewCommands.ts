// The review commands: Review Selection, Review File, Review Staged Changes, Review Working Tree
// Changes and Review Branch Against…. Each gathers what is under review (from the editor or from
// git), sends it to the engine, and shows the findings file by file as they arrive, under a
// cancellable progress notification; a summary follows in a message and in the chat.
import * as vscode from "vscode";
import type { ReviewProgress, ReviewResult } from "../../common/engine/engineProtocol";
import { parseUnifiedDiff } from "../../common/review/diffParsing";
import { reviewedLinesOf } from "../../common/review/findingAnchor";
import type { ReviewedLines } from "../../common/review/findingAnchor";
import type { ReviewTarget } from "../../common/review/reviewPrompt";
import { chooseReviewRules, languageForPath, skippedFileText } from "../../common/review/reviewPrompt";
import type { EngineService } from "../engineHost/engineService";
import type { GitSource } from "./gitAccess";
import { gitSourceFor } from "./gitAccess";
import { gitAllowed, requireTrust } from "../workspaceTrust";
import type { ReviewComments } from "./reviewComments";
import type { WorkspaceIndexSearch } from "../index/workspaceIndex";

/** Files whose related code is looked up in the workspace index, and passages per file. */
const relatedFiles = 20;
const relatedPerFile = 3;

export type ReviewKind = "selection" | "file" | "staged" | "workingTree" | "branch";

interface Gathered {
  root: vscode.Uri;
  targets: ReviewTarget[];
  /** What the progress notification and the summary call it. */
  title: string;
}

async function readText(uri: vscode.Uri): Promise<string | null> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return null;
  }
}

/** `.hearth/review.md`, else `AGENTS.md`, at the root. */
async function readRules(root: vscode.Uri): Promise<string | null> {
  return chooseReviewRules(
    await readText(vscode.Uri.joinPath(root, ".hearth", "review.md")),
    await readText(vscode.Uri.joinPath(root, "AGENTS.md")),
  );
}

function relativePath(root: vscode.Uri, uri: vscode.Uri): string {
  const base = root.path.endsWith("/") ? root.path : `${root.path}/`;
  return uri.path.startsWith(base) ? uri.path.slice(base.length) : uri.path.split("/").at(-1)!;
}

/** The diff's files as targets, each with its new text from `contentOf`. */
async function diffTargets(text: string, contentOf: (file: string) => Promise<string | null>): Promise<ReviewTarget[]> {
  const targets: ReviewTarget[] = [];
  for (const diff of parseUnifiedDiff(text)) {
    const file = diff.newPath ?? diff.oldPath!;
    const content = diff.deleted || diff.binary ? null : await contentOf(file);
    targets.push({ path: file, language: languageForPath(file), content, diff });
  }
  return targets;
}

function noGit(): Error {
  return new Error(
    vscode.l10n.t("This folder is not in a git repository (or git is not installed), so there are no changes to review. Open a folder under git, or use Review File or Review Selection."),
  );
}

/** The root a file's findings are relative to: its git repository, else its workspace folder, else its folder. */
async function rootFor(uri: vscode.Uri): Promise<{ root: vscode.Uri; git: GitSource | null }> {
  const git = uri.scheme === "file" ? await gitSourceFor(uri) : null;
  if (git) return { root: git.root, git };
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri ?? vscode.Uri.joinPath(uri, "..");
  return { root: folder, git: null };
}

/** A Source Control resource (a changed file in the SCM view) has its `resourceUri`. */
function scmResourceUriOf(arg: unknown): vscode.Uri | undefined {
  if (typeof arg === "object" && arg !== null && "resourceUri" in arg && (arg as { resourceUri: unknown }).resourceUri instanceof vscode.Uri) {
    return (arg as { resourceUri: vscode.Uri }).resourceUri;
  }
  return undefined;
}

/** A Source Control resource group (Staged Changes, Changes) has its id and its resources. */
interface ScmGroup {
  id: string;
  resourceStates: unknown[];
}

function scmGroupOf(arg: unknown): ScmGroup | undefined {
  if (typeof arg !== "object" || arg === null || !("resourceStates" in arg) || !("id" in arg)) return undefined;
  const { id, resourceStates } = arg as { id: unknown; resourceStates: unknown };
  return typeof id === "string" && Array.isArray(resourceStates) ? { id, resourceStates } : undefined;
}

/**
 * The Source Control resources a command was given, once each. From the SCM view VS Code passes
 * every selected resource as its own argument (the clicked one alone when it is not selected);
 * a caller may also pass them as an array.
 */
function scmResourceUris(args: readonly unknown[]): vscode.Uri[] {
  const seen = new Map<string, vscode.Uri>();
  for (const arg of args.flat()) {
    const uri = scmResourceUriOf(arg);
    if (uri && !seen.has(uri.toString())) seen.set(uri.toString(), uri);
  }
  return [...seen.values()];
}

/** Where a git command looks for its repository: a file or resource given, an SCM group's first file, or a repository's root. */
function repositoryHint(args: readonly unknown[]): vscode.Uri | undefined {
  for (const arg of args.flat()) {
    if (arg instanceof vscode.Uri) return arg;
    const resource = scmResourceUriOf(arg) ?? scmResourceUris(scmGroupOf(arg)?.resourceStates ?? [])[0];
    if (resource) return resource;
    if (typeof arg === "object" && arg !== null && "rootUri" in arg && (arg as { rootUri: unknown }).rootUri instanceof vscode.Uri) {
      return (arg as { rootUri: vscode.Uri }).rootUri;
    }
  }
  return undefined;
}

/**
 * Source Control files (selected in the SCM view, or a group's): each file's changes against HEAD
 * (a rename as a rename), or the whole file when git has no diff for it (untracked). Files outside
 * the first file's repository are left out.
 */
async function gatherScmFiles(uris: readonly vscode.Uri[], title?: string): Promise<Gathered | null> {
  const { root, git } = await rootFor(uris[0]!);
  const base = root.path.endsWith("/") ? root.path : `${root.path}/`;
  const files = uris.filter((uri) => uri.path.startsWith(base)).map((uri) => relativePath(root, uri));
  // One diff for several files (the working tree's, rename-aware); one file asks for its own.
  const diffText = git ? await git.workingTreeDiff(files.length === 1 ? files[0] : undefined) : "";
  const byPath = new Map(parseUnifiedDiff(diffText).map((diff) => [diff.newPath ?? diff.oldPath!, diff] as const));
  const targets: ReviewTarget[] = [];
  for (const file of files) {
    const diff = byPath.get(file);
    const content = diff?.deleted || diff?.binary ? null : await readText(vscode.Uri.joinPath(root, ...file.split("/")));
    if (diff) targets.push({ path: file, language: languageForPath(file), content, diff });
    else if (content !== null) targets.push({ path: file, language: languageForPath(file), content });
  }
  const named = title ?? (files.length === 1 ? files[0]! : vscode.l10n.t("{0} changed files", files.length));
  return { root, title: named, targets };
}

/**
 * From the editor (its context menu passes the file's URI): the selection or the whole file. From
 * Source Control's file menu: the selected files' changes against HEAD (the whole file when it
 * has none).
 */
async function gatherEditor(kind: "selection" | "file", args: readonly unknown[]): Promise<Gathered | null> {
  const resources = scmResourceUris(args);
  if (resources.length > 0) return gatherScmFiles(resources);
  const given = args[0] instanceof vscode.Uri ? args[0] : undefined;
  const active = vscode.window.activeTextEditor;
  const editor = active && (!given || active.document.uri.toString() === given.toString()) ? active : undefined;
  const uri = given ?? editor?.document.uri;
  if (!uri) {
    void vscode.window.showInformationMessage(vscode.l10n.t("Open a file (and select lines to review only those), then run the review again."));
    return null;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  const { root } = await rootFor(uri);
  const file = relativePath(root, uri);
  if (kind === "selection" && editor) {
    const selection = editor.selection;
    if (selection.isEmpty) {
      void vscode.window.showInformationMessage(vscode.l10n.t("Select the lines to review first, or use Hearth: Review File."));
      return null;
    }
    const end = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line : selection.end.line + 1;
    return {
      root,
      title: vscode.l10n.t("lines {0}–{1} of {2}", selection.start.line + 1, end, file),
      targets: [{ path: file, language: document.languageId, content: document.getText(), range: { start: selection.start.line + 1, end } }],
    };
  }
  return { root, title: file, targets: [{ path: file, language: document.languageId, content: document.getText() }] };
}

/** Why a review cannot run, for the user: shown in a message, and the command's result. */
export interface ReviewNotRun {
  notRun: string;
}

async function gatherGit(kind: "staged" | "workingTree" | "branch", args: readonly unknown[]): Promise<Gathered | ReviewNotRun | null> {
  // From a Source Control group's context menu: the working tree's group reviews its own files
  // (untracked ones whole); Staged Changes reviews what is staged.
  const group = args.map(scmGroupOf).find((found) => found !== undefined);
  if (group && kind === "workingTree") {
    const uris = scmResourceUris(group.resourceStates);
    if (uris.length > 0) return gatherScmFiles(uris, vscode.l10n.t("working tree changes"));
  }
  const git = await gitSourceFor(repositoryHint(args));
  if (!git) throw noGit();
  const root = git.root;
  if (kind === "staged") {
    const targets = await diffTargets(await git.stagedDiff(), (file) => git.show("index", file));
    return { root, title: vscode.l10n.t("staged changes"), targets };
  }
  if (kind === "workingTree") {
    const targets = await diffTargets(await git.workingTreeDiff(), (file) => readText(vscode.Uri.joinPath(root, ...file.split("/"))));
    return { root, title: vscode.l10n.t("working tree changes"), targets };
  }
  if (!(await git.hasCommits())) {
    return {
      notRun: vscode.l10n.t(
        "This repository has no commits yet, so there is no branch to compare with. Review what you are about to commit with Hearth: Review Staged Changes, or commit first and then review the branch against a base.",
      ),
    };
  }
  const arg = args[0];
  const base = typeof arg === "string" ? arg : await pickBase(git);
  if (!base) return null;
  const targets = await diffTargets(await git.branchDiff(base), (file) => git.show("HEAD", file));
  return { root, title: vscode.l10n.t("changes since {0}", base), targets };
}

async function pickBase(git: GitSource): Promise<string | undefined> {
  const refs = await git.refs();
  const preferred = ["main", "master", "origin/main", "origin/master", "develop"];
  refs.sort((a, b) => {
    const rank = (name: string): number => (preferred.includes(name) ? preferred.indexOf(name) : preferred.length);
    return rank(a) - rank(b) || a.localeCompare(b);
  });
  return vscode.window.showQuickPick(refs, {
    title: vscode.l10n.t("Hearth: Review Branch Against…"),
    placeHolder: vscode.l10n.t("The base branch or tag: the review covers what this branch changed since it left the base"),
  });
}

export interface ReviewRunResult extends ReviewResult {
  model: string;
  shown: number;
  /** Passages from the workspace index put beside the code under review. */
  relatedSnippets: number;
  /** The summary shown in the notification (and written to the Hearth log). */
  summary: string;
}

/** The lines under review, as a search query: the added lines of a diff, or the selected lines. */
function queryFor(target: ReviewTarget): string {
  let text: string;
  if (target.diff) {
    text = target.diff.hunks.flatMap((hunk) => hunk.lines.filter((line) => line.kind === "added").map((line) => line.text)).join("\n");
  } else {
    const lines = (target.content ?? "").split("\n");
    text = lines.slice((target.range?.start ?? 1) - 1, target.range?.end ?? lines.length).join("\n");
  }
  return text.trim().slice(0, 1000);
}

/**
 * Code from elsewhere in the workspace that the reviewed lines are about (when the workspace is
 * indexed): the best passages from other files, attached to each target. Returns how many.
 */
async function attachRelated(targets: ReviewTarget[], indexSearch: WorkspaceIndexSearch | undefined, token: vscode.CancellationToken): Promise<number> {
  if (!indexSearch?.indexed()) return 0;
  let count = 0;
  for (const target of targets.slice(0, relatedFiles)) {
    const query = queryFor(target);
    if (!query || token.isCancellationRequested) continue;
    const found = await indexSearch.search(query, token).catch(() => null);
    const related = (found ?? [])
      .filter((passage) => {
        const where = passage.label.replace(/(:\d+(-\d+)?| p\. \d+)$/, "");
        return where !== target.path && !where.endsWith(`/${target.path}`);
      })
      .slice(0, relatedPerFile)
      .map((passage) => ({ label: passage.label, text: passage.content }));
    if (related.length > 0) {
      target.related = related;
      count += related.length;
    }
  }
  return count;
}

/**
 * Runs a review of `kind`: gathers the targets, reviews them in the engine under a cancellable
 * progress notification, and shows each chunk's findings as soon as it is checked.
 */
export async function runReviewCommand(
  kind: ReviewKind,
  engine: EngineService,
  comments: ReviewComments,
  arg?: unknown,
  onSummary?: (text: string) => void,
  indexSearch?: WorkspaceIndexSearch,
  log?: (line: string) => void,
): Promise<ReviewRunResult | ReviewNotRun | null> {
  // A command's arguments: one (a URI, a repository, a base), or all of them as VS Code passes
  // them from Source Control (each selected resource its own argument).
  const args = Array.isArray(arg) ? arg : [arg];
  if (kind !== "selection" && kind !== "file" && !gitAllowed()) {
    const notRun = vscode.l10n.t(
      "This workspace is in Restricted Mode, so Hearth does not run git in it: a repository's own configuration can make git run programs. Trust the workspace to review its staged changes, working tree or branches; Review File and Review Selection work without it.",
    );
    requireTrust(notRun);
    return { notRun };
  }
  const gathered = kind === "selection" || kind === "file" ? await gatherEditor(kind, args) : await gatherGit(kind, args);
  if (!gathered) return null;
  if ("notRun" in gathered) {
    const reviewStaged = vscode.l10n.t("Review Staged Changes");
    void vscode.window.showWarningMessage(gathered.notRun, reviewStaged).then((choice) => {
      if (choice === reviewStaged) void vscode.commands.executeCommand("hearth.reviewStaged");
    });
    return gathered;
  }
  if (gathered.targets.length === 0) {
    const notRun = vscode.l10n.t("Nothing to review: there are no {0}.", gathered.title);
    void vscode.window.showInformationMessage(notRun);
    return { notRun };
  }
  const rules = await readRules(gathered.root);
  // The text each file had when it was read for the review: findings are checked against the file as it is when shown.
  const reviewed = new Map<string, ReviewedLines>(gathered.targets.map((target) => [target.path, reviewedLinesOf(target.content, target.diff)] as const));
  let shown = 0;
  let stale = 0;
  let relatedSnippets = 0;
  const pending: Array<Promise<unknown>> = [];
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Hearth: reviewing {0}…", gathered.title), cancellable: true },
    async (progress, token) => {
      let last = 0;
      const onProgress = (update: ReviewProgress): void => {
        pending.push(
          comments.addChecked(gathered.root, update.findings, reviewed).then((outcome) => {
            shown += outcome.shown;
            stale += outcome.stale.length;
            for (const { finding, line } of outcome.moved) log?.(`review: ${finding.path}:${finding.line} moved to line ${line} with its code ("${finding.message.slice(0, 80)}")`);
            for (const finding of outcome.stale) log?.(`review: ${finding.path}:${finding.line}-${finding.endLine} not shown: the code it was about is no longer there ("${finding.message.slice(0, 80)}")`);
          }),
        );
        const percent = (update.chunksDone / update.chunks) * 100;
        progress.report({ message: vscode.l10n.t("{0} ({1} of {2})", update.path, update.chunksDone, update.chunks), increment: percent - last });
        last = percent;
      };
      relatedSnippets = await attachRelated(gathered.targets, indexSearch, token);
      return engine.review({ targets: gathered.targets, ...(rules ? { rules } : {}) }, onProgress, token);
    },
  );
  await Promise.all(pending);
  const summary = summaryText(gathered.title, result, shown, gathered.targets.length - result.skipped.length, stale);
  onSummary?.(summary);
  if (result.cancelled) void vscode.window.showInformationMessage(summary);
  else if (shown > 0) {
    const problems = vscode.l10n.t("Show Problems");
    void vscode.window.showInformationMessage(summary, problems).then((choice) => {
      if (choice === problems) void vscode.commands.executeCommand("workbench.actions.view.problems");
    });
  } else void vscode.window.showInformationMessage(summary);
  return { ...result, shown, relatedSnippets, summary };
}

/** What was reviewed (lines and files, found or not), then what was found, skipped and dropped. */
function summaryText(title: string, result: ReviewResult & { model: string }, shown: number, reviewedFiles: number, stale: number): string {
  const parts = [
    result.cancelled
      ? vscode.l10n.t("Review of {0} stopped: {1} so far.", title, findingCount(shown))
      : vscode.l10n.t(
          "Hearth reviewed {0} with {1}: {2} in {3}, {4}.",
          title,
          result.model,
          lineCount(result.reviewedLines),
          fileCount(Math.max(0, reviewedFiles)),
          findingCount(shown),
        ),
  ];
  if (result.skipped.length > 0) {
    // Each with its reason: a secret says which rule kept it from the model.
    parts.push(...result.skipped.map(skippedFileText));
  }
  if (result.dropped > 0) {
    parts.push(
      result.dropped === 1
        ? vscode.l10n.t("1 finding was dropped because it did not match the changed lines or the file.")
        : vscode.l10n.t("{0} findings were dropped because they did not match the changed lines or the file.", result.dropped),
    );
  }
  if (stale > 0) {
    parts.push(
      stale === 1
        ? vscode.l10n.t("1 finding was not shown because the code it was about has changed since it was read for the review; review again to check the new code.")
        : vscode.l10n.t("{0} findings were not shown because the code they were about has changed since it was read for the review; review again to check the new code.", stale),
    );
  }
  return parts.join(" ");
}

function findingCount(count: number): string {
  return count === 1 ? vscode.l10n.t("1 finding") : vscode.l10n.t("{0} findings", count);
}

function lineCount(count: number): string {
  return count === 1 ? vscode.l10n.t("1 line") : vscode.l10n.t("{0} lines", count);
}

function fileCount(count: number): string {
  return count === 1 ? vscode.l10n.t("1 file") : vscode.l10n.t("{0} files", count);
}
