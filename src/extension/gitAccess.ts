// Diffs for reviews, from VS Code's git extension (its API, version 1) when it is there, else from
// git itself: staged changes, working-tree changes against HEAD, a branch against a base, and the
// text of files as staged or committed. Only the few API types Hearth uses are declared here.
import { execFile } from "node:child_process";
import * as path from "node:path";
import * as vscode from "vscode";

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
}

const diffArgs = ["diff", "-M", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/"];

function runGit(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error((stderr || error.message).trim()));
      else resolve(stdout);
    });
  });
}

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

class ApiSource implements GitSource {
  readonly viaApi = true;
  constructor(private readonly repository: GitRepository) {}

  get root(): vscode.Uri {
    return this.repository.rootUri;
  }

  private absolute(file: string): string {
    return path.join(this.root.fsPath, file);
  }

  stagedDiff(): Promise<string> {
    return this.repository.diff(true);
  }

  async workingTreeDiff(file?: string): Promise<string> {
    if (file) return this.repository.diffWith("HEAD", this.absolute(file));
    const changes = await this.repository.diffWith("HEAD");
    const parts = await Promise.all(changes.map((change) => this.repository.diffWith("HEAD", change.uri.fsPath)));
    return parts.filter((part) => part.trim()).map((part) => (part.endsWith("\n") ? part : `${part}\n`)).join("");
  }

  async branchDiff(base: string): Promise<string> {
    const mergeBase = (await this.repository.getMergeBase(base, "HEAD")) ?? base;
    const changes = await this.repository.diffBetween(mergeBase, "HEAD");
    const parts = await Promise.all(changes.map((change) => this.repository.diffBetween(mergeBase, "HEAD", change.uri.fsPath)));
    return parts.filter((part) => part.trim()).map((part) => (part.endsWith("\n") ? part : `${part}\n`)).join("");
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

  workingTreeDiff(file?: string): Promise<string> {
    return this.git([...diffArgs, "HEAD", ...(file ? ["--", file] : [])]);
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
  const api = prefer === "api" ? await gitApi() : null;
  const known = api ? (api.getRepository(target) ?? (api.repositories.length === 1 && !uri ? api.repositories[0]! : null)) : null;
  if (known) return new ApiSource(known);
  const folder = vscode.workspace.getWorkspaceFolder(target)?.uri.fsPath ?? path.dirname(target.fsPath);
  let root: string;
  try {
    root = (await runGit(folder, ["rev-parse", "--show-toplevel"])).trim();
  } catch {
    return null;
  }
  if (!root) return null;
  const opened = api?.openRepository ? await api.openRepository(vscode.Uri.file(root)).catch(() => null) : null;
  return opened ? new ApiSource(opened) : new CliSource(vscode.Uri.file(root));
}
