// `hearth search "QUERY" [--path PATH]`: searches the index `hearth index PATH` built — keyword
// and vector rankings fused (keyword only for an index without vectors), optionally reranked —
// and prints the best chunks with their file and lines, relative to PATH. `--queries FILE` asks
// every line of FILE in one process (JSON Lines out), `--explain` says why each result matched.
// A search loads only what it needs: the index's chunks with their saved terms undecoded (the
// keyword index reads the query's terms alone), and llama.cpp only when the query is embedded.
import * as fs from "node:fs";
import * as path from "node:path";
import type { IndexMatchExplanation, IndexSearchHit, IndexSearchMode, IndexSearchResult } from "../../common/engine/engineProtocol";
import { localize, localizeById } from "../../common/localize";
import { readManifest } from "../../engine/index/indexStore";
import { WorkspaceIndexes } from "../../engine/index/workspaceIndexes";
import type { EmbeddingBackend } from "../../engine/index/workspaceIndexes";
import { llamaEmbeddingBackend } from "../../engine/index/llamaEmbeddingBackend";
import type { LlamaEngine } from "../../engine/llama/llamaEngine";
import { parseCommandArgs, parseNumber, requirePositionals, UsageError } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printJson, printLine, withInterrupt, writeOut } from "../cliContext";
import { indexDirFor } from "../workspaceIndexLocation";

const help = (): string => localizeById("cli.help.search");

function relativeTo(folder: string, hit: IndexSearchHit): string {
  return path.relative(folder, hit.absolutePath).split(path.sep).join("/");
}

function jsonResults(folder: string, result: IndexSearchResult): unknown[] {
  return result.results.map((hit) => ({
    path: relativeTo(folder, hit),
    startLine: hit.startLine,
    endLine: hit.endLine,
    ...(hit.page !== undefined ? { page: hit.page } : {}),
    ...(hit.symbol !== undefined ? { symbol: hit.symbol } : {}),
    score: hit.score,
    text: hit.text,
    ...(hit.explain ? { keywordRank: hit.keywordRank, vectorRank: hit.vectorRank, explain: hit.explain } : {}),
  }));
}

/** One line on why a result matched: `name: parse, config · path: http · body: header×3 · keyword #1, vector #4 (weight 0.25)`. */
export function explainLine(hit: IndexSearchHit, explain: IndexMatchExplanation): string {
  const byField = new Map<string, string[]>();
  for (const { term, fields } of explain.terms) {
    for (const [field, count] of Object.entries(fields)) {
      if (!count) continue;
      const list = byField.get(field) ?? [];
      list.push(count > 1 ? `${term}×${count}` : term);
      byField.set(field, list);
    }
  }
  const parts = ["name", "path", "doc", "body"]
    .filter((field) => byField.has(field))
    .map((field) => `${field}: ${byField.get(field)!.join(", ")}`);
  const ranks: string[] = [];
  if (hit.keywordRank !== null) ranks.push(localize("keyword #{0} ({1})", hit.keywordRank, (explain.keywordScore ?? 0).toFixed(2)));
  if (hit.vectorRank !== null) ranks.push(localize("vector #{0} ({1})", hit.vectorRank, (explain.vectorScore ?? 0).toFixed(3)));
  if (explain.vectorWeight !== null) ranks.push(localize("vector weight {0}", explain.vectorWeight));
  const matched = parts.length > 0 ? parts.join(" · ") : localize("no query term (found by meaning)");
  return localize("why: {0} — {1}", matched, ranks.join(", "));
}

/** The non-empty lines of a queries file, trimmed. */
export function readQueries(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(
      localize("Could not read the queries file {0} ({1}). Give a text file with one query a line.", file, error instanceof Error ? error.message : String(error)),
      "search",
    );
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

export const searchCommand: CliCommand = {
  name: "search",
  aliases: [],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("search", args, {
      path: { type: "string" },
      k: { type: "string" },
      mode: { type: "string" },
      "rerank-model": { type: "string" },
      threads: { type: "string" },
      queries: { type: "string" },
      explain: { type: "boolean" },
      json: { type: "boolean" },
    });
    if (values.help) {
      printLine(help());
      return 0;
    }
    const queriesFile = values.queries;
    if (queriesFile !== undefined && positionals.length > 0) {
      throw new UsageError(localize("Give either a query or --queries FILE, not both."), "search");
    }
    if (queriesFile === undefined) requirePositionals("search", positionals, 1, "hearth search \"QUERY\"");
    const folder = path.resolve(values.path ?? ".");
    const k = parseNumber("k", values.k, true, "search") ?? 10;
    if (k < 1 || k > 200) throw new UsageError(localize("--k must be from 1 to 200."), "search");
    const mode = values.mode;
    if (mode !== undefined && mode !== "hybrid" && mode !== "keyword" && mode !== "vector") {
      throw new UsageError(localize("--mode must be hybrid, keyword or vector, not \"{0}\".", mode), "search");
    }
    const queries = queriesFile !== undefined ? readQueries(path.resolve(queriesFile)) : [positionals[0]!];
    const threads = parseNumber("threads", values.threads, true, "search");
    const storeDir = indexDirFor(folder);
    if ((await readManifest(storeDir)) === null) {
      throw new Error(localize("{0} has no index yet. Build it first: hearth index {1}", folder, JSON.stringify(folder)));
    }
    // The engine (and llama.cpp) only when a query is embedded or reranked.
    let engine: LlamaEngine | null = null;
    let backend: EmbeddingBackend | null = null;
    const realBackend = (): EmbeddingBackend => {
      engine ??= createEngine(threads !== undefined ? { defaultThreads: threads } : {});
      return (backend ??= llamaEmbeddingBackend(engine));
    };
    const indexes = new WorkspaceIndexes(
      {
        embed: (model, texts, priority, signal) => realBackend().embed(model, texts, priority, signal),
        rank: (model, query, documents, signal) => realBackend().rank!(model, query, documents, signal),
      },
      { searchOnly: queriesFile !== undefined ? "many" : "once" },
    );
    const rerank = values["rerank-model"];
    const search = (query: string): Promise<IndexSearchResult> =>
      withInterrupt((signal) =>
        indexes.search(
          {
            storeDir,
            query,
            k,
            ...(mode ? { mode: mode as IndexSearchMode } : {}),
            ...(values.explain ? { explain: true } : {}),
            ...(rerank ? { rerankModel: /[\\/]|\.gguf$/i.test(rerank) && fs.existsSync(rerank) ? path.resolve(rerank) : rerank } : {}),
          },
          signal,
        ),
      );
    try {
      if (queriesFile !== undefined) {
        for (const query of queries) {
          const result = await search(query);
          writeOut(`${JSON.stringify({ query, results: jsonResults(folder, result) })}\n`);
        }
        return 0;
      }
      const result = await search(queries[0]!);
      printResults(folder, result, values.json === true);
      // Once the results are out: a keyword snapshot, so the next search reads only its terms.
      await indexes.leaveKeywordSnapshots();
      return 0;
    } finally {
      await (engine as LlamaEngine | null)?.dispose();
    }
  },
};

/** Prints one search's results: JSON, or each hit with its lines (and why it matched, with --explain). */
function printResults(folder: string, result: IndexSearchResult, json: boolean): void {
  if (json) {
    printJson({
      results: jsonResults(folder, result),
      mode: result.mode,
      reranked: result.reranked,
      ...(result.vectorWeight !== undefined ? { vectorWeight: result.vectorWeight } : {}),
    });
    return;
  }
  if (result.results.length === 0) {
    printLine(localize("No matches."));
    return;
  }
  for (const hit of result.results) {
    const where = hit.page !== undefined ? localize("{0} page {1}", relativeTo(folder, hit), hit.page) : `${relativeTo(folder, hit)}:${hit.startLine}-${hit.endLine}`;
    printLine(`${where}${hit.symbol ? `  ${hit.symbol}` : ""}  (${hit.score.toFixed(4)})`);
    if (hit.explain) printLine(`    ${explainLine(hit, hit.explain)}`);
    const preview = hit.text.split("\n").slice(0, 4).map((line) => `    ${line.slice(0, 160)}`);
    printLine(preview.join("\n"));
    printLine();
  }
}
