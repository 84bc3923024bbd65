// `hearth search "QUERY" [--path PATH]`: searches the index `hearth index PATH` built — keyword
// and vector rankings fused (keyword only for an index without vectors), optionally reranked —
// and prints the best chunks with their file and lines, relative to PATH.
import * as fs from "node:fs";
import * as path from "node:path";
import type { IndexSearchHit } from "../../common/engine/engineProtocol";
import { localize, localizeById } from "../../common/localize";
import { WorkspaceIndexes } from "../../engine/index/workspaceIndexes";
import { llamaEmbeddingBackend } from "../../engine/index/llamaEmbeddingBackend";
import { parseCommandArgs, parseNumber, requirePositionals, UsageError } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printJson, printLine, withInterrupt } from "../cliContext";
import { indexDirFor } from "../workspaceIndexLocation";

const help = (): string => localizeById("cli.help.search");

function relativeTo(folder: string, hit: IndexSearchHit): string {
  return path.relative(folder, hit.absolutePath).split(path.sep).join("/");
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
      json: { type: "boolean" },
    });
    if (values.help) {
      printLine(help());
      return 0;
    }
    requirePositionals("search", positionals, 1, "hearth search \"QUERY\"");
    const query = positionals[0]!;
    const folder = path.resolve(values.path ?? ".");
    const k = parseNumber("k", values.k, true, "search") ?? 10;
    if (k < 1 || k > 200) throw new UsageError(localize("--k must be from 1 to 200."), "search");
    const mode = values.mode;
    if (mode !== undefined && mode !== "hybrid" && mode !== "keyword" && mode !== "vector") {
      throw new UsageError(localize("--mode must be hybrid, keyword or vector, not \"{0}\".", mode), "search");
    }
    const threads = parseNumber("threads", values.threads, true, "search");
    const storeDir = indexDirFor(folder);
    const engine = createEngine(threads !== undefined ? { defaultThreads: threads } : {});
    const indexes = new WorkspaceIndexes(llamaEmbeddingBackend(engine));
    try {
      const status = await indexes.status(storeDir);
      if (!status.exists) {
        throw new Error(localize("{0} has no index yet. Build it first: hearth index {1}", folder, JSON.stringify(folder)));
      }
      const rerank = values["rerank-model"];
      const result = await withInterrupt((signal) =>
        indexes.search(
          {
            storeDir,
            query,
            k,
            ...(mode ? { mode } : {}),
            ...(rerank ? { rerankModel: /[\\/]|\.gguf$/i.test(rerank) && fs.existsSync(rerank) ? path.resolve(rerank) : rerank } : {}),
          },
          signal,
        ),
      );
      if (values.json) {
        printJson({
          results: result.results.map((hit) => ({
            path: relativeTo(folder, hit),
            startLine: hit.startLine,
            endLine: hit.endLine,
            ...(hit.page !== undefined ? { page: hit.page } : {}),
            ...(hit.symbol !== undefined ? { symbol: hit.symbol } : {}),
            score: hit.score,
            text: hit.text,
          })),
          mode: result.mode,
          reranked: result.reranked,
        });
        return 0;
      }
      if (result.results.length === 0) {
        printLine(localize("No matches."));
        return 0;
      }
      for (const hit of result.results) {
        const where = hit.page !== undefined ? localize("{0} page {1}", relativeTo(folder, hit), hit.page) : `${relativeTo(folder, hit)}:${hit.startLine}-${hit.endLine}`;
        printLine(`${where}${hit.symbol ? `  ${hit.symbol}` : ""}  (${hit.score.toFixed(4)})`);
        const preview = hit.text.split("\n").slice(0, 4).map((line) => `    ${line.slice(0, 160)}`);
        printLine(preview.join("\n"));
        printLine();
      }
      return 0;
    } finally {
      await engine.dispose();
    }
  },
};
