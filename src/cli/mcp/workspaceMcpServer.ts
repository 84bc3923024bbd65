// The Model Context Protocol server `hearth mcp` runs: Hearth's index of one workspace as three
// tools any agent can call — search (the hybrid search of `hearth search`), read_file (a file's
// lines, numbered for citing, under the indexer's secret rules) and index_status (what is
// indexed, with which model, and what changed since). Read-only: nothing here writes to the
// workspace or the index. The embedding model loads on the first search that needs it.
import * as path from "node:path";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { IndexSearchHit } from "../../common/engine/engineProtocol";
import { errorText } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import { llamaEmbeddingBackend } from "../../engine/index/llamaEmbeddingBackend";
import type { EmbeddingBackend } from "../../engine/index/workspaceIndexes";
import { WorkspaceIndexes } from "../../engine/index/workspaceIndexes";
import type { LlamaEngine } from "../../engine/llama/llamaEngine";
import { findStaleFiles } from "./indexFreshness";
import { findWorkspaceIndex } from "./mcpIndexLocation";
import type { WorkspaceIndexLocation } from "./mcpIndexLocation";
import { maxLinesPerRead, numberedExcerpt, readWorkspaceFile, ReadRefusal } from "./workspaceFileReader";

/** Paths listed per kind of stale file (the counts are always whole). */
const staleListLimit = 50;

export interface WorkspaceMcpOptions {
  /** The workspace folder (absolute). */
  workspace: string;
  version: string;
  /** Creates the engine for the embedding model, on the first search that embeds its query. */
  createEngine: () => LlamaEngine;
  /** Where log lines go (never stdout: it carries the protocol). */
  log: (message: string) => void;
}

const instructions = [
  "Hearth's local index of one workspace (code, Markdown, text and PDF): keyword and vector search fused, all on this machine.",
  "Use `search` to find where something is implemented or documented (by name or by meaning), then `read_file` with the line range a result gives to read around it.",
  "Cite what you use as path:line (path#page=N for a PDF), as the results and reads show it.",
  "`index_status` says whether the workspace is indexed, with which embedding model, and which files changed since the index was built (results for those can be out of date; read_file always reads the file as it is now).",
].join(" ");

const hitSchema = z.object({
  path: z.string().describe("Relative to the workspace, / separators (absolute for a file outside it: an extra folder the index covers)."),
  startLine: z.number().int(),
  endLine: z.number().int(),
  page: z.number().int().optional().describe("For a PDF: the page (startLine and endLine are the page then)."),
  symbol: z.string().optional().describe("The function, class or heading the passage belongs to."),
  score: z.number(),
  citation: z.string().describe("path:start-end, or path#page=N for a PDF."),
  text: z.string(),
});

const staleSchema = z.object({
  changed: z.number().int(),
  deleted: z.number().int(),
  added: z.number().int(),
  changedFiles: z.array(z.string()),
  deletedFiles: z.array(z.string()),
  addedFiles: z.array(z.string()),
});

type Hit = z.infer<typeof hitSchema>;

function textResult(text: string, structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text }], structuredContent: structured };
}

function errorResult(text: string): CallToolResult {
  return { content: [{ type: "text", text }], isError: true };
}

/** A workspace path for the agent: relative with `/` inside the workspace, absolute outside it. */
function shownPath(workspace: string, absolute: string): string {
  const relative = path.relative(workspace, absolute);
  return relative.startsWith("..") || path.isAbsolute(relative) ? absolute : relative.split(path.sep).join("/");
}

function hitFor(workspace: string, hit: IndexSearchHit): Hit {
  const where = shownPath(workspace, hit.absolutePath);
  return {
    path: where,
    startLine: hit.startLine,
    endLine: hit.endLine,
    ...(hit.page !== undefined ? { page: hit.page } : {}),
    ...(hit.symbol !== undefined ? { symbol: hit.symbol } : {}),
    score: hit.score,
    citation: hit.page !== undefined ? `${where}#page=${hit.page}` : `${where}:${hit.startLine}-${hit.endLine}`,
    text: hit.text,
  };
}

export interface WorkspaceMcp {
  server: McpServer;
  /** Frees the engine (and the embedding model) when one was started. */
  dispose(): Promise<void>;
}

export function createWorkspaceMcpServer(options: WorkspaceMcpOptions): WorkspaceMcp {
  const workspace = path.resolve(options.workspace);
  let engine: LlamaEngine | null = null;
  let backend: EmbeddingBackend | null = null;
  const realBackend = (): EmbeddingBackend => {
    engine ??= options.createEngine();
    return (backend ??= llamaEmbeddingBackend(engine));
  };
  // Loaded whole once and kept (a long-lived process, as the engine); loaded again when another
  // process (`hearth index`, VS Code) saves a newer index.
  const indexes = new WorkspaceIndexes({
    embed: (model, texts, priority, signal) => realBackend().embed(model, texts, priority, signal),
    rank: (model, query, documents, signal) => realBackend().rank!(model, query, documents, signal),
  });
  const notIndexed = (): string =>
    localize(
      "{0} has no Hearth index yet, so there is nothing to search. Index it with: hearth index {1} (or Hearth: Index Workspace in VS Code with this folder open), then search again.",
      workspace,
      JSON.stringify(workspace),
    );
  const located = async (): Promise<WorkspaceIndexLocation | null> => {
    const location = await findWorkspaceIndex(workspace);
    return location.source === null ? null : location;
  };

  const server = new McpServer({ name: "hearth", title: "Hearth workspace index", version: options.version }, { instructions });

  server.registerTool(
    "search",
    {
      title: "Search the workspace index",
      description:
        "Search this workspace's local index (code, Markdown, text and PDF) by keywords and by meaning. Identifiers match whole and in parts (parseConfig also finds parse_config). Returns the best passages with their path, line range (or PDF page), a score and the passage text; cite them as path:line. Read more around a passage with read_file. Results reflect the index as last built: index_status lists files changed since.",
      inputSchema: {
        query: z.string().min(1).describe("What to find: words, an identifier, or a question in plain language."),
        k: z.number().int().min(1).max(30).optional().describe("How many passages (default 8, at most 30)."),
        path: z
          .string()
          .optional()
          .describe("Only files under this folder or this file, relative to the workspace (for example src/server or docs/guide.md)."),
      },
      outputSchema: {
        mode: z.enum(["hybrid", "keyword", "vector"]).describe("hybrid: keywords and vectors fused; keyword: the index has no embedding model (or it could not load)."),
        results: z.array(hitSchema),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ query, k, path: within }, extra): Promise<CallToolResult> => {
      const location = await located();
      if (!location) return errorResult(notIndexed());
      try {
        const result = await indexes.search(
          {
            storeDir: location.storeDir,
            query,
            k: k ?? 8,
            ...(within !== undefined && within.trim() !== "" ? { paths: [path.resolve(workspace, within)] } : {}),
          },
          extra.signal,
        );
        const results = result.results.map((hit) => hitFor(workspace, hit));
        const text =
          results.length === 0
            ? localize("No passages match \"{0}\". Try other words, an identifier, or fewer words.", query)
            : results
                .map((hit) => `${hit.citation}${hit.symbol ? `  ${hit.symbol}` : ""}  (${hit.score.toFixed(4)})\n${hit.text}`)
                .join("\n\n---\n\n");
        return textResult(text, { mode: result.mode, results });
      } catch (error) {
        return errorResult(localize("The search failed: {0}", errorText(error)));
      }
    },
  );

  server.registerTool(
    "read_file",
    {
      title: "Read a workspace file with line numbers",
      description: `Read a file of this workspace as it is now, with line numbers to cite as path:line. Give a line range to read part of a long file; one call returns at most ${maxLinesPerRead} lines and says where to read on. A PDF is read as text by page (the range is pages). Refused: paths outside the workspace (also through symbolic links), secrets (.env files, keys, certificates, credential files, files holding tokens), version-control folders and binary files.`,
      inputSchema: {
        path: z.string().min(1).describe("The file, relative to the workspace (as search results give it)."),
        startLine: z.number().int().min(1).optional().describe("First line to read (1-based; default 1)."),
        endLine: z.number().int().min(1).optional().describe("Last line to read, inclusive (default: the end, up to the limit)."),
      },
      outputSchema: {
        path: z.string(),
        unit: z.enum(["line", "page"]),
        startLine: z.number().int(),
        endLine: z.number().int(),
        total: z.number().int().describe("Lines (or pages) in the whole file."),
        truncated: z.boolean(),
        nextStartLine: z.number().int().optional(),
        citation: z.string(),
        sha256: z.string(),
        text: z.string().describe("The lines, without numbers; a PDF's pages separated by a form feed."),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ path: requested, startLine, endLine }): Promise<CallToolResult> => {
      try {
        const excerpt = await readWorkspaceFile(workspace, requested, startLine, endLine);
        return textResult(numberedExcerpt(excerpt), { ...excerpt });
      } catch (error) {
        if (error instanceof ReadRefusal) return errorResult(error.message);
        return errorResult(localize("{0} could not be read: {1}", requested, errorText(error)));
      }
    },
  );

  server.registerTool(
    "index_status",
    {
      title: "The workspace index's state",
      description:
        "Whether this workspace is indexed, and how: files and chunks, the embedding model (none: keyword search only), when it was last built, and which files changed, were deleted or were added since (search results for those may be out of date). Says how to build or refresh the index.",
      inputSchema: {},
      outputSchema: {
        workspace: z.string(),
        indexed: z.boolean(),
        builtBy: z.enum(["cli", "vscode"]).optional().describe("cli: hearth index; vscode: Index Workspace in VS Code."),
        indexDir: z.string().optional(),
        folders: z.array(z.string()).optional(),
        files: z.number().int().optional(),
        chunks: z.number().int().optional(),
        sizeBytes: z.number().int().optional(),
        embeddingModel: z.string().nullable().optional(),
        searchMode: z.enum(["hybrid", "keyword"]).optional(),
        updatedAt: z.string().nullable().optional().describe("When the index was last saved (ISO 8601)."),
        stale: staleSchema.optional(),
        hint: z.string(),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (): Promise<CallToolResult> => {
      const location = await located();
      if (!location) return textResult(notIndexed(), { workspace, indexed: false, hint: notIndexed() });
      try {
        const status = await indexes.status(location.storeDir);
        if (!status.exists) return textResult(notIndexed(), { workspace, indexed: false, hint: notIndexed() });
        const files = await indexes.indexedFiles(location.storeDir);
        const stale = await findStaleFiles(status.roots, files, status.updatedAt, location.storeDir);
        const staleCount = stale.changed.length + stale.deleted.length + stale.added.length;
        const refresh =
          location.source === "vscode"
            ? localize("Refresh it with Hearth: Index Workspace in VS Code (it also follows edits while VS Code is open).")
            : localize("Refresh it with: hearth index {0}", JSON.stringify(workspace));
        const hint =
          staleCount > 0
            ? localize("{0} files changed since the index was built; search results for them may be out of date (read_file reads them as they are). {1}", staleCount, refresh)
            : localize("The index is up to date with the files on disk.");
        const shown = (list: string[]): string[] => list.slice(0, staleListLimit).map((file) => shownPath(workspace, file));
        const updatedAt = status.updatedAt !== null ? new Date(status.updatedAt).toISOString() : null;
        const structured = {
          workspace,
          indexed: true,
          builtBy: location.source,
          indexDir: location.storeDir,
          folders: status.roots,
          files: status.files,
          chunks: status.chunks,
          sizeBytes: status.sizeBytes,
          embeddingModel: status.embeddingModel,
          searchMode: status.embeddingModel ? "hybrid" : "keyword",
          updatedAt,
          stale: {
            changed: stale.changed.length,
            deleted: stale.deleted.length,
            added: stale.added.length,
            changedFiles: shown(stale.changed),
            deletedFiles: shown(stale.deleted),
            addedFiles: shown(stale.added),
          },
          hint,
        };
        const lines = [
          localize("Workspace: {0}", workspace),
          localize("Index: {0} (built by {1})", location.storeDir, location.source === "vscode" ? "VS Code" : "hearth index"),
          localize("Files: {0}, chunks: {1}", status.files, status.chunks),
          localize("Embedding model: {0}", status.embeddingModel ?? localize("none (keyword search only)")),
          localize("Last update: {0}", updatedAt ?? "-"),
          localize("Changed since: {0} changed, {1} deleted, {2} new", stale.changed.length, stale.deleted.length, stale.added.length),
          ...[...structured.stale.changedFiles, ...structured.stale.deletedFiles, ...structured.stale.addedFiles].map((file) => `  ${file}`),
          hint,
        ];
        return textResult(lines.join("\n"), structured);
      } catch (error) {
        return errorResult(localize("The index's state could not be read: {0}", errorText(error)));
      }
    },
  );

  return {
    server,
    async dispose() {
      await server.close().catch((error: unknown) => options.log(errorText(error)));
      await (engine as LlamaEngine | null)?.dispose();
    },
  };
}
