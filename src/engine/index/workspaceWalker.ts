// Finds the files of a folder the indexer may read: nested `.gitignore`s and `.hearthignore`s
// (each applying to its own folder and below, as git reads them), the caller's excludes
// (VS Code's `files.exclude`, gitignore syntax), folders no one wants indexed (`.git`,
// `node_modules`…), secrets by name and folder, and files over the size cap. Symbolic links are
// not followed (a link can point at ~/.ssh or loop). Content checks (binary, minified, secrets in
// the text) happen when the indexer reads a file.
import * as fs from "node:fs";
import * as path from "node:path";
import ignore from "ignore";
import type { Ignore } from "ignore";
import { secretByPath } from "../../common/index/secretRules";

export interface WalkedFile {
  /** The folder walked (absolute). */
  root: string;
  absolutePath: string;
  /** Relative to `root`, with `/` separators. */
  path: string;
  size: number;
  mtimeMs: number;
}

export type SkipReason = "ignored" | "secret" | "tooLarge" | "binary" | "minified" | "unreadable";

export interface WalkOptions {
  /** Patterns in gitignore syntax, relative to each root (`**\/dist`, `*.log`). */
  excludes?: readonly string[];
  /** Files larger than this are skipped. */
  maxFileBytes: number;
  /** Absolute folders never entered (the index's own store, when it lives inside a root). */
  skipFolders?: readonly string[];
  signal?: AbortSignal;
  /** Called for each file left out, with why. */
  onSkip?: (relativePath: string, reason: SkipReason) => void;
}

/** Never indexed, whatever the ignore files say. */
export const alwaysExcluded: readonly string[] = [
  ".git/",
  ".hg/",
  ".svn/",
  "node_modules/",
  "__pycache__/",
  ".venv/",
  ".tox/",
  ".mypy_cache/",
  ".pytest_cache/",
  ".gradle/",
  ".idea/",
  ".DS_Store",
];

interface Matcher {
  /** Folder of the ignore file, relative to the root ("" for the root itself). */
  base: string;
  rules: Ignore;
}

function readIgnoreFile(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** As git decides: the deepest ignore file with a rule for the path wins (so `!keep.log` below overrides `*.log` above). */
function isIgnored(matchers: readonly Matcher[], relativePath: string, isDirectory: boolean): boolean {
  // The always-excluded folders and the caller's excludes win over any `!` rule in an ignore file.
  if (matchers[0]?.rules.ignores(isDirectory ? `${relativePath}/` : relativePath)) return true;
  for (let i = matchers.length - 1; i >= 1; i--) {
    const matcher = matchers[i]!;
    const local = matcher.base ? relativePath.slice(matcher.base.length + 1) : relativePath;
    if (!local) continue;
    const verdict = matcher.rules.test(isDirectory ? `${local}/` : local);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

/** Every indexable file under `root`, in a stable order (sorted per folder). */
export async function walkFolder(root: string, options: WalkOptions): Promise<WalkedFile[]> {
  const absoluteRoot = path.resolve(root);
  const files: WalkedFile[] = [];
  const skipFolders = new Set((options.skipFolders ?? []).map((folder) => path.resolve(folder)));
  const base: Matcher = { base: "", rules: ignore({ allowRelativePaths: true }).add([...alwaysExcluded, ...(options.excludes ?? [])]) };
  let visited = 0;
  const visit = async (folder: string, relativeFolder: string, inherited: readonly Matcher[]): Promise<void> => {
    if (options.signal?.aborted) throw options.signal.reason;
    const matchers = [...inherited];
    for (const name of [".gitignore", ".hearthignore"]) {
      const text = readIgnoreFile(path.join(folder, name));
      if (text !== null) matchers.push({ base: relativeFolder, rules: ignore({ allowRelativePaths: true }).add(text) });
    }
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const absolutePath = path.join(folder, entry.name);
      const relativePath = relativeFolder ? `${relativeFolder}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) continue;
      if (entry.isDirectory()) {
        if (skipFolders.has(absolutePath)) continue;
        if (isIgnored(matchers, relativePath, true)) {
          options.onSkip?.(relativePath, "ignored");
          continue;
        }
        if (secretByPath(`${relativePath}/x`)) {
          options.onSkip?.(relativePath, "secret");
          continue;
        }
        await visit(absolutePath, relativePath, matchers);
        continue;
      }
      if (!entry.isFile()) continue;
      if (isIgnored(matchers, relativePath, false)) {
        options.onSkip?.(relativePath, "ignored");
        continue;
      }
      if (secretByPath(relativePath)) {
        options.onSkip?.(relativePath, "secret");
        continue;
      }
      let stat: fs.Stats;
      try {
        stat = await fs.promises.stat(absolutePath);
      } catch {
        options.onSkip?.(relativePath, "unreadable");
        continue;
      }
      if (stat.size > options.maxFileBytes) {
        options.onSkip?.(relativePath, "tooLarge");
        continue;
      }
      files.push({ root: absoluteRoot, absolutePath, path: relativePath, size: stat.size, mtimeMs: stat.mtimeMs });
      // Yield now and then so a walk over a huge tree never holds the event loop for long.
      if (++visited % 500 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  await visit(absoluteRoot, "", [base]);
  return files;
}

/**
 * Whether one file (relative to `root`) may be indexed, by the same rules as `walkFolder`: for
 * file-watcher events, without walking the tree.
 */
export function fileAllowed(root: string, relativePath: string, excludes: readonly string[]): boolean {
  const parts = relativePath.split("/");
  const matchers: Matcher[] = [{ base: "", rules: ignore({ allowRelativePaths: true }).add([...alwaysExcluded, ...excludes]) }];
  for (let depth = 0; depth < parts.length; depth++) {
    const relativeFolder = parts.slice(0, depth).join("/");
    for (const name of [".gitignore", ".hearthignore"]) {
      const text = readIgnoreFile(path.join(root, relativeFolder, name));
      if (text !== null) matchers.push({ base: relativeFolder, rules: ignore({ allowRelativePaths: true }).add(text) });
    }
    const prefix = parts.slice(0, depth + 1).join("/");
    const isDirectory = depth < parts.length - 1;
    if (isIgnored(matchers, prefix, isDirectory)) return false;
  }
  return secretByPath(relativePath) === null;
}
