// The public retrieval corpus on disk: where it lives (outside the repository), what the manifest
// pins, and the queries file that buildCorpus.ts writes and publicRetrievalBench.ts reads.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { CorpusLanguage } from "./documentedFunctions";

export interface CorpusRepository {
  id: string;
  language: CorpusLanguage;
  /** `npm:NAME@VERSION` or `deb:PACKAGE=VERSION`. */
  source: string;
  /** For sources shipped as a zip inside the package (the JDK's src.zip). */
  zip?: string;
  /** The folder inside the package (or zip) whose files make the repository. */
  include: string;
}

export interface CorpusManifest {
  seed: number;
  queriesPerRepository: number;
  repositories: CorpusRepository[];
  sha256: Record<string, string>;
}

export interface BenchQuery {
  query: string;
  path: string;
  /** 1-based, inclusive: the answer's lines. */
  startLine: number;
  endLine: number;
  /** `doc`: a doc comment's first sentence; `hand`: a hand-written question. */
  kind: "doc" | "hand";
  name?: string;
}

export interface BuiltRepository {
  id: string;
  language: CorpusLanguage;
  source: string;
  files: number;
  lines: number;
  /** Documented functions found (the pool the queries were sampled from). */
  documented: number;
  queries: BenchQuery[];
}

export interface BuiltCorpus {
  /** corpusSignature() of what it was built from. */
  signature: string;
  repositories: BuiltRepository[];
}

export const manifestPath = path.join(__dirname, "corpusManifest.json");
export const handQuestionsPath = path.join(__dirname, "handQuestions.json");

export function corpusRoot(): string {
  return process.env.HEARTH_RETRIEVAL_CORPUS ?? path.join(os.homedir(), ".cache", "hearth-retrieval-corpus");
}

export function readManifest(): CorpusManifest {
  return JSON.parse(fs.readFileSync(manifestPath, "utf8")) as CorpusManifest;
}

/** The folder holding repository `id` as indexed (doc comments of the queried functions blanked). */
export function repositoryDir(root: string, id: string): string {
  return path.join(root, "repos", id);
}

export function builtCorpusPath(root: string): string {
  return path.join(root, "queries.json");
}

/** Test, generated and non-source files stay out of a repository. */
export function keepsFile(relativePath: string, language: CorpusLanguage): boolean {
  const extension = { typescript: ".ts", python: ".py", java: ".java", go: ".go", rust: ".rs" }[language];
  if (!relativePath.endsWith(extension) || relativePath.endsWith(".d.ts")) return false;
  return !/(?:^|\/)(?:tests?|__tests__|testdata|testing)\/|_test\.go$|\.(?:spec|test)\.ts$|(?:^|\/)test_[^/]*\.py$|(?:^|\/)conftest\.py$/.test(relativePath);
}

/** What a built corpus was built from: the manifest, the hand-written questions and the extractor. */
export function corpusSignature(): string {
  const hash = createHash("sha256");
  for (const file of [manifestPath, handQuestionsPath, path.join(__dirname, "documentedFunctions.ts"), path.join(__dirname, "buildCorpus.ts")]) hash.update(fs.readFileSync(file));
  return hash.digest("hex");
}
