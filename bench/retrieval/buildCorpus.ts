// Builds the public retrieval corpus (run: `npx tsx bench/retrieval/buildCorpus.ts`): fetches each
// pinned source of corpusManifest.json (Debian packages by `apt-get download`, npm packages by
// `npm pack`), checks its SHA-256, unpacks it, copies each repository's source files into the
// corpus cache ($HEARTH_RETRIEVAL_CORPUS, default ~/.cache/hearth-retrieval-corpus), samples the
// documented functions (seeded, so every build picks the same ones), blanks their doc comments in
// the indexed copy (line numbers kept) and writes queries.json. A second run reuses the downloads.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { blankLines, documentedFunctions } from "./documentedFunctions";
import type { BenchQuery, BuiltCorpus, BuiltRepository, CorpusRepository } from "./publicCorpus";
import { builtCorpusPath, corpusRoot, corpusSignature, handQuestionsPath, keepsFile, readManifest, repositoryDir } from "./publicCorpus";
import { seededShuffle } from "./retrievalMetrics";

function sha256(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

/** Downloads `source` into `downloads` (once) and returns the file, its checksum verified. */
function fetchSource(source: string, expected: string | undefined, downloads: string): string {
  fs.mkdirSync(downloads, { recursive: true });
  const [kind, spec] = [source.slice(0, source.indexOf(":")), source.slice(source.indexOf(":") + 1)];
  const existing = fs.readdirSync(downloads).find((name) => name === `${encodeURIComponent(source)}.bin`);
  const target = path.join(downloads, `${encodeURIComponent(source)}.bin`);
  if (!existing) {
    const scratch = fs.mkdtempSync(path.join(downloads, "fetch-"));
    try {
      if (kind === "deb") execFileSync("apt-get", ["download", spec], { cwd: scratch, stdio: ["ignore", "ignore", "inherit"] });
      else if (kind === "npm") execFileSync("npm", ["pack", spec, "--silent"], { cwd: scratch, stdio: ["ignore", "ignore", "inherit"] });
      else throw new Error(`unknown source kind in ${source}`);
      const [file] = fs.readdirSync(scratch);
      if (!file) throw new Error(`${source}: nothing was downloaded`);
      fs.renameSync(path.join(scratch, file), target);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  const actual = sha256(target);
  if (!expected) console.log(`  ${source}: sha256 ${actual} (not pinned in the manifest yet)`);
  else if (actual !== expected) {
    fs.rmSync(target, { force: true });
    throw new Error(`${source}: sha256 ${actual}, the manifest pins ${expected}. The file differs from the one the figures were measured on.`);
  }
  return target;
}

function unpack(source: string, file: string, extracted: string): string {
  const dir = path.join(extracted, encodeURIComponent(source));
  if (fs.existsSync(path.join(dir, ".complete"))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  if (source.startsWith("deb:")) execFileSync("dpkg-deb", ["-x", file, dir]);
  else execFileSync("tar", ["xzf", file, "-C", dir]);
  fs.writeFileSync(path.join(dir, ".complete"), "");
  return dir;
}

function repositoryFiles(repo: CorpusRepository, unpacked: string, extracted: string): { base: string; files: string[] } {
  if (!repo.zip) {
    const base = path.join(unpacked, repo.include);
    return { base, files: listFiles(base).filter((file) => keepsFile(path.relative(base, file).split(path.sep).join("/"), repo.language)) };
  }
  const zipDir = path.join(extracted, `${encodeURIComponent(repo.source)}.zip`, encodeURIComponent(repo.include));
  if (!fs.existsSync(path.join(zipDir, ".complete"))) {
    fs.rmSync(zipDir, { recursive: true, force: true });
    fs.mkdirSync(zipDir, { recursive: true });
    execFileSync("unzip", ["-q", "-o", path.join(unpacked, repo.zip), `${repo.include}*`, "-d", zipDir]);
    fs.writeFileSync(path.join(zipDir, ".complete"), "");
  }
  const base = path.join(zipDir, repo.include);
  return { base, files: listFiles(base).filter((file) => keepsFile(path.relative(base, file).split(path.sep).join("/"), repo.language)) };
}

interface HandQuestion {
  repo: string;
  query: string;
  path: string;
  startLine: number;
  endLine: number;
}

function main(): void {
  const started = Date.now();
  const manifest = readManifest();
  const root = corpusRoot();
  const downloads = path.join(root, "downloads");
  const extracted = path.join(root, "extracted");
  const hand = JSON.parse(fs.readFileSync(handQuestionsPath, "utf8")) as { questions: HandQuestion[] };
  console.log(`Building the public retrieval corpus in ${root}`);
  const built: BuiltRepository[] = [];
  for (const repo of manifest.repositories) {
    const file = fetchSource(repo.source, manifest.sha256[repo.source], downloads);
    const unpacked = unpack(repo.source, file, extracted);
    const { base, files } = repositoryFiles(repo, unpacked, extracted);
    const out = repositoryDir(root, repo.id);
    fs.rmSync(out, { recursive: true, force: true });
    // Every documented function of the repository; a sentence that two functions share asks nothing.
    const texts = new Map<string, string>();
    const pool: Array<{ path: string; fn: ReturnType<typeof documentedFunctions>[number] }> = [];
    let lines = 0;
    for (const full of files) {
      const relative = path.relative(base, full).split(path.sep).join("/");
      const text = fs.readFileSync(full, "utf8");
      texts.set(relative, text);
      lines += text.split("\n").length;
      for (const fn of documentedFunctions(text, repo.language)) pool.push({ path: relative, fn });
    }
    const counts = new Map<string, number>();
    for (const { fn } of pool) counts.set(fn.sentence.toLowerCase(), (counts.get(fn.sentence.toLowerCase()) ?? 0) + 1);
    const unique = pool.filter(({ fn }) => counts.get(fn.sentence.toLowerCase()) === 1);
    const picked = seededShuffle(unique, manifest.seed).slice(0, manifest.queriesPerRepository);
    const blanks = new Map<string, Array<{ from: number; to: number }>>();
    for (const { path: file, fn } of picked) blanks.set(file, [...(blanks.get(file) ?? []), { from: fn.docFrom, to: fn.docTo }]);
    for (const [relative, text] of texts) {
      const target = path.join(out, ...relative.split("/"));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const ranges = blanks.get(relative);
      fs.writeFileSync(target, ranges ? blankLines(text, ranges) : text);
    }
    const queries: BenchQuery[] = picked.map(({ path: file, fn }) => ({ query: fn.sentence, path: file, startLine: fn.startLine, endLine: fn.endLine, kind: "doc", name: fn.name }));
    for (const question of hand.questions.filter((q) => q.repo === repo.id)) {
      if (!texts.has(question.path)) throw new Error(`handQuestions.json: ${repo.id} has no ${question.path}`);
      queries.push({ query: question.query, path: question.path, startLine: question.startLine, endLine: question.endLine, kind: "hand" });
    }
    built.push({ id: repo.id, language: repo.language, source: repo.source, files: files.length, lines, documented: pool.length, queries });
    console.log(`  ${repo.id.padEnd(15)} ${repo.language.padEnd(10)} ${String(files.length).padStart(4)} files ${String(lines).padStart(6)} lines, ${pool.length} documented functions, ${picked.length} doc queries + ${queries.length - picked.length} hand-written`);
  }
  const corpus: BuiltCorpus = { signature: corpusSignature(), repositories: built };
  fs.writeFileSync(builtCorpusPath(root), JSON.stringify(corpus, null, 1));
  console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
}

main();
