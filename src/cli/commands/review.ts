// `hearth review`: reviews staged changes, a branch against its base, a diff file, or whole files
// with a local model, for pre-commit hooks and CI. The diff comes from git (run here, in the
// repository), the model runs in this process, findings print as text, JSON or SARIF 2.1.0, and
// the exit code follows --fail-on.
import * as fs from "node:fs";
import * as path from "node:path";
import type { ReviewProgress, ReviewResult } from "../../common/engine/engineProtocol";
import { GitError, runGit } from "../../node/gitRunner";
import { EngineError, errorText } from "../../common/engine/engineError";
import { parseUnifiedDiff } from "../../common/review/diffParsing";
import { localize, localizeById } from "../../common/localize";
import type { FindingSeverity, ReviewFinding } from "../../common/review/reviewFindings";
import { reachesSeverity, sortFindings } from "../../common/review/reviewFindings";
import type { ReviewTarget } from "../../common/review/reviewPrompt";
import { chooseReviewRules, languageForPath, skippedFileText } from "../../common/review/reviewPrompt";
import { findingsToSarif, formatFindingsText } from "../../common/review/sarif";
import { runReview } from "../../engine/review/reviewer";
import { exitCodes, parseCommandArgs, parseNumber, UsageError } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printLine, withInterrupt, writeErr, writeOut } from "../cliContext";
import { listStore } from "../../engine/models/storeOperations";

declare const HEARTH_VERSION: string | undefined;

const help = (): string => localizeById("cli.help.review");

const options = {
  staged: { type: "boolean" },
  base: { type: "string" },
  diff: { type: "string" },
  model: { type: "string" },
  format: { type: "string" },
  json: { type: "boolean" },
  "fail-on": { type: "string" },
  "max-tokens": { type: "string" },
  seed: { type: "string" },
  threads: { type: "string" },
  ctx: { type: "string" },
} as const;

/** Runs git in `cwd`; resolves to stdout, rejects with git's own message. */
async function git(cwd: string, args: string[]): Promise<string> {
  try {
    return await runGit(cwd, args);
  } catch (error) {
    throw new EngineError(
      "badRequest",
      error instanceof GitError && error.notFound
        ? localize("git was not found. Install git, or review a diff file with --diff FILE or files by path.")
        : localize("git {0} failed: {1}", args[0] ?? "", errorText(error)),
    );
  }
}

async function repositoryRoot(cwd: string): Promise<string> {
  try {
    return (await git(cwd, ["rev-parse", "--show-toplevel"])).trim();
  } catch {
    throw new EngineError(
      "badRequest",
      localize("{0} is not inside a git repository. Run hearth review in a repository, or review files by path or a diff with --diff FILE.", cwd),
    );
  }
}

function readIfFile(file: string): string | null {
  try {
    return fs.statSync(file).isFile() ? fs.readFileSync(file, "utf8") : null;
  } catch {
    return null;
  }
}

function readRules(root: string): string | null {
  return chooseReviewRules(readIfFile(path.join(root, ".hearth", "review.md")), readIfFile(path.join(root, "AGENTS.md")));
}

/** The diff's files as targets, with each file's new text from `contentOf`. */
async function diffTargets(diffText: string, contentOf: (file: string) => Promise<string | null>): Promise<ReviewTarget[]> {
  const targets: ReviewTarget[] = [];
  for (const diff of parseUnifiedDiff(diffText)) {
    const file = diff.newPath ?? diff.oldPath!;
    const content = diff.deleted || diff.binary ? null : await contentOf(file);
    targets.push({ path: file, language: languageForPath(file), content, diff });
  }
  return targets;
}

const gitDiffArgs = ["diff", "-M", "--no-color", "--no-ext-diff", "--src-prefix=a/", "--dst-prefix=b/"];

interface Collected {
  targets: ReviewTarget[];
  root: string;
}

async function collectTargets(values: { staged?: boolean; base?: string; diff?: string }, paths: string[]): Promise<Collected> {
  const cwd = process.cwd();
  const chosen = [values.staged, values.base !== undefined, values.diff !== undefined, paths.length > 0].filter(Boolean).length;
  if (chosen > 1) throw new UsageError(localize("Choose one of --staged, --base REF, --diff FILE or paths."), "review");
  if (values.diff !== undefined) {
    const text = values.diff === "-" ? fs.readFileSync(0, "utf8") : readIfFile(path.resolve(values.diff));
    if (text === null) throw new UsageError(localize("Cannot read the diff file {0}.", values.diff), "review");
    const root = await repositoryRoot(cwd).catch(() => cwd);
    return { root, targets: await diffTargets(text, async (file) => readIfFile(path.join(root, file))) };
  }
  if (paths.length > 0) {
    const root = await repositoryRoot(cwd).catch(() => cwd);
    const targets: ReviewTarget[] = [];
    for (const given of paths) {
      const absolute = path.resolve(given);
      const content = readIfFile(absolute);
      if (content === null) throw new UsageError(localize("Cannot read {0}: it is not a file.", given), "review");
      const relative = path.relative(root, absolute).split(path.sep).join("/");
      targets.push({ path: relative.startsWith("..") ? given : relative, language: languageForPath(absolute), content });
    }
    return { root, targets };
  }
  const root = await repositoryRoot(cwd);
  if (values.staged) {
    const text = await git(root, [...gitDiffArgs, "--cached"]);
    return { root, targets: await diffTargets(text, (file) => git(root, ["show", `:${file}`]).catch(() => null)) };
  }
  // A fresh `git init` has no HEAD yet: the working tree is compared with the empty tree (every
  // tracked file is added), and there is no branch to compare with a base.
  const hasCommits = await git(root, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).then(
    () => true,
    () => false,
  );
  if (values.base !== undefined) {
    if (!hasCommits) {
      throw new EngineError(
        "badRequest",
        localize(
          "This repository has no commits yet, so there is no branch to compare with {0}. Review what you are about to commit with hearth review --staged, or commit first and then run hearth review --base {0}.",
          values.base,
        ),
      );
    }
    const text = await git(root, [...gitDiffArgs, `${values.base}...HEAD`]);
    return { root, targets: await diffTargets(text, (file) => git(root, ["show", `HEAD:${file}`]).catch(() => null)) };
  }
  const base = hasCommits ? "HEAD" : (await git(root, ["hash-object", "-t", "tree", "/dev/null"])).trim();
  const text = await git(root, [...gitDiffArgs, base]);
  return { root, targets: await diffTargets(text, async (file) => readIfFile(path.join(root, file))) };
}

/** The model to review with: --model, $HEARTH_MODEL, else the first installed model. */
async function chooseModel(engine: ReturnType<typeof createEngine>, given: string | undefined): Promise<string> {
  const named = given ?? process.env.HEARTH_MODEL?.trim();
  if (named) return named;
  const listed = await listStore(engine.store);
  const first = listed.models.find((model) => model.status === "ok");
  if (!first) {
    throw new UsageError(localize("No model to review with: name one with --model NAME (or a .gguf file), or install one with hearth pull."), "review");
  }
  return first.name;
}

function summaryLine(result: ReviewResult, findings: readonly ReviewFinding[]): string {
  const count = (severity: FindingSeverity): number => findings.filter((f) => f.severity === severity).length;
  return localize(
    "{0} findings ({1} errors, {2} warnings, {3} notes) in {4} reviewed lines; {5} skipped files; {6} findings dropped by the checks.",
    findings.length,
    count("error"),
    count("warning"),
    count("info"),
    result.reviewedLines,
    result.skipped.length,
    result.dropped,
  );
}

async function review(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("review", args, options);
  if (values.help) {
    printLine(help());
    return exitCodes.ok;
  }
  const format = values.json ? "json" : (values.format ?? "text");
  if (!["text", "json", "sarif"].includes(format)) {
    throw new UsageError(localize("--format must be text, json or sarif, not \"{0}\".", format), "review");
  }
  const failOn = values["fail-on"];
  if (failOn !== undefined && failOn !== "error" && failOn !== "warning") {
    throw new UsageError(localize("--fail-on must be error or warning, not \"{0}\".", failOn), "review");
  }
  const maxTokens = parseNumber("max-tokens", values["max-tokens"], true, "review");
  const seed = parseNumber("seed", values.seed, true, "review");
  const threads = parseNumber("threads", values.threads, true, "review") ?? 0;
  const contextSize = parseNumber("ctx", values.ctx, true, "review") ?? 0;
  const { targets, root } = await collectTargets(values, positionals);
  const rules = readRules(root);
  const engine = createEngine({
    kind: "cli",
    log: (level, message) => {
      if (level === "error") writeErr(`[${level}] ${message}\n`);
    },
  });
  try {
    if (targets.length === 0) {
      writeErr(`${localize("Nothing to review: there are no changes.")}\n`);
      if (format === "sarif") writeOut(`${JSON.stringify(findingsToSarif([], { version: toolVersion() }), null, 2)}\n`);
      else if (format === "json") writeOut(`${JSON.stringify({ findings: [] }, null, 2)}\n`);
      return exitCodes.ok;
    }
    const model = await chooseModel(engine, values.model);
    const info = await engine.loadModel({ model: model, threads, contextSize });
    const interactive = format === "text" && process.stderr.isTTY;
    const onProgress = (progress: ReviewProgress): void => {
      if (format === "text" && progress.findings.length > 0) printLine(formatFindingsText(sortFindings(progress.findings)));
      if (interactive) writeErr(`\r${localize("Reviewed {0} of {1} parts…", progress.chunksDone, progress.chunks)}`);
    };
    const result = await withInterrupt((signal) =>
      runReview(
        engine,
        {
          modelId: info.modelId,
          targets,
          ...(rules ? { rules } : {}),
          ...(maxTokens !== undefined ? { maxTokens } : {}),
          ...(seed !== undefined ? { seed } : {}),
        },
        onProgress,
        signal,
      ),
    );
    if (interactive) writeErr("\r\u001b[K");
    const findings = sortFindings(result.findings);
    if (format === "json") {
      writeOut(`${JSON.stringify({ model: info.name, ...result, findings }, null, 2)}\n`);
    } else if (format === "sarif") {
      writeOut(`${JSON.stringify(findingsToSarif(findings, { version: toolVersion(), model: info.name, skipped: result.skipped }), null, 2)}\n`);
    } else {
      for (const skipped of result.skipped) writeErr(`${skippedFileText(skipped)}\n`);
      writeErr(`${summaryLine(result, findings)}\n`);
    }
    if (result.cancelled) return exitCodes.cancelled;
    return failOn !== undefined && reachesSeverity(findings, failOn) ? exitCodes.error : exitCodes.ok;
  } finally {
    await engine.dispose();
  }
}

function toolVersion(): string {
  return typeof HEARTH_VERSION === "string" ? HEARTH_VERSION : "dev";
}

export const reviewCommand: CliCommand = {
  name: "review",
  aliases: [],
  help,
  run: review,
};
