// Runs git for the CLI's and the extension's reviews: one process per call, stdout as text (diffs
// can be large: up to 256 MiB), and an error that says whether git is missing or what it said.

import { execFile } from "node:child_process";

export class GitError extends Error {
  constructor(
    message: string,
    /** True when no git executable was found. */
    readonly notFound: boolean,
  ) {
    super(message);
    this.name = "GitError";
  }
}

/** Runs `git ARGS` in `cwd`; resolves to stdout, rejects with a GitError carrying git's own message. */
export function runGit(cwd: string, args: readonly string[], gitPath = "git"): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(gitPath, [...args], { cwd, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new GitError((stderr || error.message).trim(), (error as NodeJS.ErrnoException).code === "ENOENT"));
      else resolve(stdout);
    });
  });
}
