// `hearth index [PATH]`: indexes a folder for `hearth search` (and for the same folder's
// workspace in VS Code's chat): code, Markdown, text and PDF, never what .gitignore/.hearthignore
// exclude, secrets, binaries, minified or oversized files. Run again, it reads only what changed.
// With an embedding model (--embedding-model, else the one the index already uses, else an
// installed catalogue embedding model) the search is hybrid; without one, keyword-only.
import * as fs from "node:fs";
import * as path from "node:path";
import type { IndexBuildResult, IndexProgress, IndexStatusResult } from "../../common/engine/engineProtocol";
import { formatBytes } from "../../common/formatBytes";
import { localize, localizeById } from "../../common/localize";
import { findCatalogueEntry } from "../../common/models/modelCatalogue";
import { WorkspaceIndexes } from "../../engine/index/workspaceIndexes";
import { llamaEmbeddingBackend } from "../../engine/index/llamaEmbeddingBackend";
import type { LlamaEngine } from "../../engine/llama/llamaEngine";
import { parseCommandArgs, parseNumber, UsageError } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printJson, printLine, withInterrupt, writeErr } from "../cliContext";
import { truncate } from "../cliFormat";
import { indexDirFor } from "../workspaceIndexLocation";
import { listStore } from "../../engine/models/storeOperations";

const help = (): string => localizeById("cli.help.index");

/** An installed model the catalogue lists as an embedding model, or null. */
async function installedEmbeddingModel(engine: LlamaEngine): Promise<string | null> {
  const { models } = await listStore(engine.store);
  const found = models.find((model) => model.status === "ok" && findCatalogueEntry(model.name)?.purpose === "embedding");
  return found?.name ?? null;
}

export function formatIndexStatus(status: IndexStatusResult): string {
  if (!status.exists) return localize("No index yet. Run hearth index to build one.");
  return [
    localize("Index: {0}", status.storeDir),
    localize("Folders: {0}", status.roots.join(", ")),
    localize("Files: {0}, chunks: {1}, size on disk: {2}", status.files, status.chunks, formatBytes(status.sizeBytes)),
    localize(
      "Embedding model: {0}",
      status.embeddingModel ? `${status.embeddingModel} (${status.dimensions})` : localize("none (keyword search only)"),
    ),
    localize("Last update: {0}", status.updatedAt ? new Date(status.updatedAt).toISOString() : "-"),
  ].join("\n");
}

function progressWriter(json: boolean): { update: (progress: IndexProgress) => void; finish: () => void } {
  if (json) return { update: () => undefined, finish: () => undefined };
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  let drawn = false;
  const text = (progress: IndexProgress): string => {
    if (progress.phase === "scanning") return localize("scanning…");
    if (progress.phase === "saving") return localize("saving…");
    if (progress.phase === "measuring") return localize("indexed; measuring how well its vectors find code (search already works)…");
    const percent = progress.filesTotal > 0 ? Math.floor((progress.filesDone / progress.filesTotal) * 100) : 100;
    const width = 20;
    const filled = Math.round((percent / 100) * width);
    const bar = tty ? `▕${"█".repeat(filled)}${" ".repeat(width - filled)}▏ ` : "";
    return `${String(percent).padStart(3)}% ${bar}${localize("{0}/{1} files, {2} chunks embedded", progress.filesDone, progress.filesTotal, progress.chunksEmbedded)}${
      progress.currentFile ? `  ${progress.currentFile}` : ""
    }`;
  };
  return {
    update: (progress) => {
      if (tty) {
        writeErr(`\r${truncate(text(progress), (process.stderr.columns || 80) - 1)}\x1b[K`);
        drawn = true;
        return;
      }
      const now = Date.now();
      if (now - lastLine < 5000 && progress.phase === "indexing") return;
      lastLine = now;
      writeErr(`${text(progress)}\n`);
    },
    finish: () => {
      if (drawn) writeErr("\n");
      drawn = false;
    },
  };
}

function summary(result: IndexBuildResult, seconds: number): string {
  const lines = [
    localize(
      "Indexed {0} files ({1} read again, {2} unchanged, {3} removed) in {4} s: {5} chunks, {6} embedded now, {7} kept.",
      result.filesScanned,
      result.filesIndexed,
      result.filesUnchanged,
      result.filesRemoved,
      seconds.toFixed(1),
      result.status.chunks,
      result.chunksEmbedded,
      result.chunksReused,
    ),
  ];
  const s = result.skipped;
  const left = s.ignored + s.secret + s.tooLarge + s.binary + s.minified + s.unreadable;
  if (left > 0) {
    lines.push(
      localize(
        "Left out: {0} ignored, {1} secret, {2} too large, {3} binary, {4} minified, {5} unreadable.",
        s.ignored,
        s.secret,
        s.tooLarge,
        s.binary,
        s.minified,
        s.unreadable,
      ),
    );
  }
  lines.push(
    result.status.embeddingModel
      ? localize("Embedding model: {0}. Search with: hearth search \"QUERY\"", result.status.embeddingModel)
      : localize("No embedding model: search is by keywords only (hearth index --embedding-model NAME adds vectors)."),
  );
  return lines.join("\n");
}

export const indexCommand: CliCommand = {
  name: "index",
  aliases: [],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("index", args, {
      "embedding-model": { type: "string" },
      exclude: { type: "string" },
      "max-file-size": { type: "string" },
      rebuild: { type: "boolean" },
      status: { type: "boolean" },
      clear: { type: "boolean" },
      threads: { type: "string" },
      json: { type: "boolean" },
    });
    if (values.help) {
      printLine(help());
      return 0;
    }
    if (positionals.length > 1) throw new UsageError(localize("hearth {0} takes {1} argument(s); unexpected: {2}", "index", 1, positionals.slice(1).join(" ")), "index");
    const folder = path.resolve(positionals[0] ?? ".");
    const stat = await fs.promises.stat(folder).catch(() => null);
    if (!stat?.isDirectory()) throw new UsageError(localize("{0} is not a folder.", folder), "index");
    const maxKb = parseNumber("max-file-size", values["max-file-size"], true, "index");
    const threads = parseNumber("threads", values.threads, true, "index");
    const json = values.json === true;
    const storeDir = indexDirFor(folder);
    const engine = createEngine(threads !== undefined ? { defaultThreads: threads } : {});
    const indexes = new WorkspaceIndexes(llamaEmbeddingBackend(engine));
    try {
      if (values.clear) {
        const cleared = await indexes.clear(storeDir);
        if (json) printJson(cleared);
        else printLine(cleared.cleared ? localize("Deleted the index of {0}.", folder) : localize("{0} has no index.", folder));
        return 0;
      }
      if (values.status) {
        const status = await indexes.status(storeDir);
        if (json) printJson(status);
        else printLine(formatIndexStatus(status));
        return 0;
      }
      let embeddingModel = values["embedding-model"];
      if (embeddingModel === undefined && !(await indexes.status(storeDir)).exists) {
        embeddingModel = (await installedEmbeddingModel(engine)) ?? "none";
      }
      if (embeddingModel !== undefined && embeddingModel !== "none" && /[\\/]|\.gguf$/i.test(embeddingModel)) embeddingModel = path.resolve(embeddingModel);
      const view = progressWriter(json);
      const started = Date.now();
      let result: IndexBuildResult;
      try {
        result = await withInterrupt((signal) =>
          indexes.build(
            {
              roots: [folder],
              storeDir,
              ...(embeddingModel !== undefined ? { embeddingModel } : {}),
              excludes: (values.exclude ?? "").split(",").map((p) => p.trim()).filter((p) => p !== ""),
              ...(maxKb !== undefined ? { maxFileBytes: Math.max(1, maxKb) * 1024 } : {}),
              rebuild: values.rebuild === true,
            },
            (progress) => view.update(progress),
            signal,
          ),
        );
      } finally {
        view.finish();
      }
      if (json) printJson(result);
      else printLine(summary(result, (Date.now() - started) / 1000));
      return 0;
    } finally {
      await engine.dispose();
    }
  },
};
