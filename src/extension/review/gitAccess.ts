// Diffs for reviews, from VS Code's git extension (its API, version 1) when it is there, else from
// git itself: staged changes, working-tree changes against HEAD, a branch against a base, and the
// text of files as staged or committed. Only the few API types Hearth uses are declared here.
import { runGit } from "../../node/gitRunner";
import * as path from "node:path";
import * as vscode from "vscode";
import { gitAllowed } from "../workspaceTrust";

interface GitRef {
  /** 0 a local branch, 1 a remote branch, 2 a tag. */
  type: number;
  name?: string;
  remote?: string;
  commit?: string;
}

interface GitChange {
  uri: vscode.Uri;
  originalUri: vscode.Uri;
}

interface GitRepository {
  rootUri: vscode.Uri;
  state: { HEAD?: { name?: string; commit?: string }; refs?: GitRef[] };
  diff(cached?: boolean): Promise<string>;
  /** `git diff REF`: the working tree against a commit (`diffWithHEAD` is against the index). */
  diffWith(ref: string): Promise<GitChange[]>;
  diffWith(ref: string, path: string): Promise<string>;
  diffBetween(ref1: string, ref2: string): Promise<GitChange[]>;
  diffBetween(ref1: string, ref2: string, path: string): Promise<string>;
  getMergeBase(ref1: string, ref2: string): Promise<string | undefined>;
  show(ref: string, path: string): Promise<string>;
  getRefs?(query: Record<string, unknown>): Promise<GitRef[]>;
}

interface GitApi {
  /** The git binary the extension runs. */
  git?: { path: string };
  repositories: GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
  /** Opens a repository the extension has not found by itself (VS Code 1.61+). */
  openRepository?(root: vscode.Uri): Promise<GitRepository | null>;
}

interface GitExtensionExports {
  enabled: boolean;
  getAPI(version: 1): GitApi;
}

/** What git is asked for, through the API or the git binary. */
export interface GitSource {
  readonly root: vscode.Uri;
  readonly viaApi: boolean;
  stagedDiff(): Promise<string>;
  workingTreeDiff(file?: string): Promise<string>;
  branchDiff(base: string): Promise<string>;
  /** A file's text in the index (staged) or at a commit; null when it has none there. */
  show(ref: "index" | "HEAD", file: string): Promise<string | null>;
  /** Branch and tag names to offer as a base. */
  refs(): Promise<string[]>;
  /** False in a repository with no commits yet (a fresh `git init`): there is no HEAD. */
  hasCommits(): Promise<boolean>;
}

const diffArgs = ["diff", "-M", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/"];

async function gitApi(): Promise<GitApi | null> {
  try {
    const extension = vscode.extensions.getExtension<GitExtensionExports>("vscode.git");
    if (!extension) return null;
    const exports = extension.isActive ? extension.exports : await extension.activate();
    return exports.enabled ? exports.getAPI(1) : null;
  } catch {
    return null;
  }
}

/** Whether HEAD names a commit (false on a fresh `git init`). */
async function headExists(root: string, gitPath?: string): Promise<boolean> {
  try {
    await runGit(root, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], gitPath);
    return true;
  } catch {
    return false;
  }
}

/** What the working tree is compared with: HEAD, or the empty tree when there are no commits yet (everything is added). */
async function workingTreeBase(root: string, gitPath?: string): Promise<string> {
  if (await headExists(root, gitPath)) return "HEAD";
  return (await runGit(root, ["hash-object", "-t", "tree", "/dev/null"], gitPath)).trim();
}

/** In `git diff --name-status -z` output, the original path of `file` when it was renamed. */
function renamedFrom(nameStatus: string, file: string): string | null {
  const fields = nameStatus.split("\0");
  for (let i = 0; i < fields.length; ) {
    const status = fields[i] ?? "";
    if (status.startsWith("R") || status.startsWith("C")) {
      if (status.startsWith("R") && fields[i + 2] === file) return fields[i + 1] ?? null;
      i += 3;
    } else i += 2;
  }
  return null;
}

function endWithNewline(parts: string[]): string {
  return parts.filter((part) => part.trim()).map((part) => (part.endsWith("\n") ? part : `${part}\n`)).join("");
}

class ApiSource implements GitSource {
  readonly viaApi = true;
  constructor(
    private readonly repository: GitRepository,
    private readonly gitPath: string | undefined,
  ) {}

  get root(): vscode.Uri {
    return this.repository.rootUri;
  }

  private absolute(file: string): string {
    return path.join(this.root.fsPath, file);
  }

  stagedDiff(): Promise<string> {
    return this.repository.diff(true);
  }

  /**
   * A change's diff. The API diffs one path at a time, which shows a renamed file as all new: a
   * rename (its original path differs) is diffed by git itself over both paths, so it reads as a
   * rename with only its edited lines, as git's own diff of the repository does.
   */
  private diffOfChange(change: GitChange, single: () => Promise<string>, ...revisions: string[]): Promise<string> {
    if (change.originalUri.fsPath === change.uri.fsPath) return single();
    return runGit(this.root.fsPath, [...diffArgs, ...revisions, "--", change.originalUri.fsPath, change.uri.fsPath], this.gitPath);
  }

  async workingTreeDiff(file?: string): Promise<string> {
    const base = await workingTreeBase(this.root.fsPath, this.gitPath);
    const changes = await this.repository.diffWith(base);
    const wanted = file
      ? changes.filter((change) => change.uri.fsPath === this.absolute(file))
      : changes;
    if (file && wanted.length === 0) return this.repository.diffWith(base, this.absolute(file));
    const parts = await Promise.all(wanted.map((change) => this.diffOfChange(change, () => this.repository.diffWith(base, change.uri.fsPath), base)));
    return endWithNewline(parts);
  }

  async branchDiff(base: string): Promise<string> {
    const mergeBase = (await this.repository.getMergeBase(base, "HEAD")) ?? base;
    const changes = await this.repository.diffBetween(mergeBase, "HEAD");
    const parts = await Promise.all(
      changes.map((change) => this.diffOfChange(change, () => this.repository.diffBetween(mergeBase, "HEAD", change.uri.fsPath), mergeBase, "HEAD")),
    );
    return endWithNewline(parts);
  }

  hasCommits(): Promise<boolean> {
    return headExists(this.root.fsPath, this.gitPath);
  }

  async show(ref: "index" | "HEAD", file: string): Promise<string | null> {
    try {
      return await this.repository.show(ref === "index" ? "" : "HEAD", this.absolute(file));
    } catch {
      return null;
    }
  }

  async refs(): Promise<string[]> {
    const refs = this.repository.getRefs ? await this.repository.getRefs({}) : (this.repository.state.refs ?? []);
    return refs
      .map((ref) => (ref.type === 1 && ref.remote && ref.name && !ref.name.startsWith(`${ref.remote}/`) ? `${ref.remote}/${ref.name}` : ref.name))
      .filter((name): name is string => !!name && name !== this.repository.state.HEAD?.name);
  }
}

class CliSource implements GitSource {
  readonly viaApi = false;
  constructor(readonly root: vscode.Uri) {}

  private git(args: string[]): Promise<string> {
    return runGit(this.root.fsPath, args);
  }

  stagedDiff(): Promise<string> {
    return this.git([...diffArgs, "--cached"]);
  }

  async workingTreeDiff(file?: string): Promise<string> {
    const base = await workingTreeBase(this.root.fsPath);
    if (!file) return this.git([...diffArgs, base]);
    // A renamed file is diffed with its original path, so it reads as a rename.
    const original = renamedFrom(await this.git(["diff", "-M", "--name-status", "-z", base]), file);
    return this.git([...diffArgs, base, "--", ...(original ? [original, file] : [file])]);
  }

  hasCommits(): Promise<boolean> {
    return headExists(this.root.fsPath);
  }

  branchDiff(base: string): Promise<string> {
    return this.git([...diffArgs, `${base}...HEAD`]);
  }

  async show(ref: "index" | "HEAD", file: string): Promise<string | null> {
    try {
      return await this.git(["show", `${ref === "index" ? "" : "HEAD"}:${file}`]);
    } catch {
      return null;
    }
  }

  async refs(): Promise<string[]> {
    const out = await this.git(["for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/remotes", "refs/tags"]);
    const current = (await this.git(["rev-parse", "--abbrev-ref", "HEAD"]).catch(() => "")).trim();
    return out
      .split("\n")
      .map((line) => line.trim())
      .filter((name) => name && name !== current && !name.endsWith("/HEAD"));
  }
}

/**
 * The git repository holding `uri` (or the first workspace folder's): through the git extension
 * when it is enabled (asking it to open a repository it has not found yet), else through the git
 * binary; null outside git. `prefer: "cli"` skips the extension (tests compare the two).
 */
export async function gitSourceFor(uri: vscode.Uri | undefined, prefer: "api" | "cli" = "api"): Promise<GitSource | null> {
  const target = uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!target || target.scheme !== "file") return null;
  // Restricted Mode: no git at all (see workspaceTrust.ts); reviews of files work without it.
  if (!gitAllowed()) return null;
  const api = prefer === "api" ? await gitApi() : null;
  // The repository that holds the target is git's answer from the target's folder: the git
  // extension's getRepository answers with the outer one for a repository nested in another
  // that it has not opened yet (a fresh `git init` in a subfolder).
  const isFolder = await vscode.workspace.fs.stat(target).then(
    (stat) => (stat.type & vscode.FileType.Directory) !== 0,
    () => false,
  );
  const folder = isFolder ? target.fsPath : path.dirname(target.fsPath);
  let root = "";
  try {
    root = (await runGit(folder, ["rev-parse", "--show-toplevel"], api?.git?.path)).trim();
  } catch {
    root = "";
  }
  if (!root) {
    // Not in git by the binary's account; the git extension may still know the folder's repository.
    const known = api && !uri && api.repositories.length === 1 ? api.repositories[0]! : null;
    return known ? new ApiSource(known, api?.git?.path) : null;
  }
  const rootUri = vscode.Uri.file(root);
  const known = api?.repositories.find((repository) => repository.rootUri.fsPath === rootUri.fsPath);
  if (known) return new ApiSource(known, api?.git?.path);
  const opened = api?.openRepository ? await api.openRepository(rootUri).catch(() => null) : null;
  return opened && opened.rootUri.fsPath === rootUri.fsPath ? new ApiSource(opened, api?.git?.path) : new CliSource(rootUri);
}
