// `hearth mcp` as an agent meets it: the built CLI started by the official MCP SDK's own Client over
// stdio, on a small real workspace indexed by `hearth index` with the fixture embedding model. It
// lists the tools, searches (hybrid, with citations, a path filter, a PDF page), reads a file and a
// range with line numbers, is refused secrets, paths outside the workspace, a link out of it and
// version control's folder, reports the index's state and what changed since, serves an index
// VS Code built, explains an unindexed workspace, and exits when the client closes stdin.
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { getDefaultEnvironment, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { indexDirFor } from "../../src/cli/workspaceIndexLocation";
import { vscodeFileUri, vscodeIndexDirFor } from "../../src/cli/mcp/mcpIndexLocation";
import type { FixtureModels } from "../fixtures/fixtureModels";
import { ensureFixtureModels } from "../fixtures/fixtureModels";
import { cliPath, ensureBuilt } from "../support/engineHarness";
import { minimalPdf } from "../support/minimalPdf";

const home = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-cli-mcp-"));
const env = { HEARTH_LOCALE: "en", HEARTH_HOME: home, HEARTH_MODELS_PATH: "", HEARTH_THREADS: "1", HEARTH_GPU: "off" };

function write(root: string, relative: string, content: string | Buffer): void {
  const file = path.join(root, ...relative.split("/"));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, encoding: "utf8" });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

interface Connected {
  client: Client;
  stderr: () => string;
  pid: number | null;
}

/** The models `hearth ps` says the process `pid` holds. */
function modelsHeldBy(pid: number | null): string[] {
  const run = cli(["ps", "--json"]);
  assert.equal(run.code, 0, run.stderr);
  const engines = JSON.parse(run.stdout) as Array<{ pid: number; models: Array<{ modelPath: string }> }>;
  return engines.filter((engine) => engine.pid === pid).flatMap((engine) => engine.models.map((model) => model.modelPath));
}

/** The SDK's own client, starting `node dist/cli.js mcp --workspace FOLDER` as an agent would. */
async function connect(workspace: string): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [cliPath, "mcp", "--workspace", workspace],
    env: { ...getDefaultEnvironment(), ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (data: Buffer) => (stderr += data.toString("utf8")));
  const client = new Client({ name: "hearth-test-agent", version: "1.0.0" });
  await client.connect(transport);
  return { client, stderr: () => stderr, pid: transport.pid };
}

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function textOf(result: CallToolResult): string {
  return result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");
}

interface Hit {
  path: string;
  startLine: number;
  endLine: number;
  page?: number;
  citation: string;
  text: string;
  score: number;
}

describe("hearth mcp", function () {
  let fixtures: FixtureModels;
  let workspace: string;
  let mcp: Connected;

  before(async () => {
    ensureBuilt();
    fixtures = await ensureFixtureModels();
    workspace = path.join(home, "project");
    write(workspace, "src/tokenizer.ts", "export function splitCamelCase(identifier: string): string[] {\n  return identifier.split(/(?=[A-Z])/);\n}\n");
    write(workspace, "src/server.go", "package main\n\nfunc StartServer(port int) error {\n\treturn listen(port)\n}\n");
    write(workspace, "src/table.ts", Array.from({ length: 30 }, (_, i) => `export const row${i + 1} = ${i + 1};`).join("\n") + "\n");
    write(workspace, "docs/guide.md", "# Guide\n\n## Installing\nRun the installer and restart.\n");
    write(workspace, "docs/manual.pdf", minimalPdf([["Chapter one: the basics"], ["Chapter two: calibrating the flux capacitor"]]));
    write(workspace, ".env", "API_TOKEN=never-index-me-7f3a\n");
    write(workspace, "src/settings.ts", `export const token = "ghp_${"aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5"}";\n`);
    write(workspace, ".git/config", "[remote \"origin\"]\n\turl = https://user:hunter2@example.com/repo.git\n");
    write(home, "outside.txt", "a file beside the workspace, not in it\n");
    fs.symlinkSync(path.join(home, "outside.txt"), path.join(workspace, "src", "outside-link.txt"));
    const built = cli(["index", workspace, "--embedding-model", fixtures.embedding, "--json"]);
    assert.equal(built.code, 0, built.stderr);
    mcp = await connect(workspace);
  });

  after(async () => {
    await mcp?.client.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it("lists search, read_file and index_status with input and output schemas, read-only", async () => {
    const { tools } = await mcp.client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), ["index_status", "read_file", "search"]);
    const search = tools.find((tool) => tool.name === "search")!;
    assert.deepEqual(search.inputSchema.required, ["query"]);
    assert.ok(search.inputSchema.properties && "k" in search.inputSchema.properties && "path" in search.inputSchema.properties);
    assert.ok(search.outputSchema?.properties && "results" in search.outputSchema.properties);
    assert.match(search.description ?? "", /cite them as path:line/);
    const read = tools.find((tool) => tool.name === "read_file")!;
    assert.deepEqual(read.inputSchema.required, ["path"]);
    for (const tool of tools) assert.equal(tool.annotations?.readOnlyHint, true, tool.name);
    assert.match(mcp.client.getInstructions() ?? "", /Cite what you use as path:line/);
    assert.equal(mcp.client.getServerVersion()?.name, "hearth");
    assert.match(mcp.stderr(), /serving the index of .*project over stdio/);
  });

  it("searches the index (hybrid) and answers passages with their citations, loading the embedding model on the first search", async () => {
    await call(mcp.client, "index_status");
    assert.deepEqual(modelsHeldBy(mcp.pid), [], "nothing loaded before a search needs it");
    const result = await call(mcp.client, "search", { query: "split camel case", k: 3 });
    assert.notEqual(result.isError, true, textOf(result));
    const found = result.structuredContent as { mode: string; results: Hit[] };
    assert.equal(found.mode, "hybrid");
    assert.ok(found.results.length >= 1 && found.results.length <= 3);
    assert.deepEqual(
      { path: found.results[0]!.path, citation: found.results[0]!.citation },
      { path: "src/tokenizer.ts", citation: "src/tokenizer.ts:1-3" },
    );
    assert.match(found.results[0]!.text, /splitCamelCase/);
    assert.match(textOf(result), /^src\/tokenizer\.ts:1-3 .*\n.*splitCamelCase/);
    assert.ok(found.results.every((hit) => !hit.text.includes("never-index-me")));
    assert.deepEqual(modelsHeldBy(mcp.pid), [fixtures.embedding], "the index's embedding model, held by the server for the next search");

    const inDocs = (await call(mcp.client, "search", { query: "installer restart", path: "docs" })).structuredContent as { results: Hit[] };
    assert.ok(inDocs.results.length > 0);
    assert.ok(inDocs.results.every((hit) => hit.path.startsWith("docs/")), JSON.stringify(inDocs.results.map((hit) => hit.path)));
    assert.equal(inDocs.results[0]!.path, "docs/guide.md");

    const pdf = (await call(mcp.client, "search", { query: "flux capacitor", k: 1 })).structuredContent as { results: Hit[] };
    assert.deepEqual([pdf.results[0]?.path, pdf.results[0]?.page, pdf.results[0]?.citation], ["docs/manual.pdf", 2, "docs/manual.pdf#page=2"]);

    const invalid = await mcp.client.callTool({ name: "search", arguments: { query: "x", k: 500 } }).catch((error: Error) => error);
    assert.ok(invalid instanceof Error ? /k/.test(invalid.message) : (invalid as CallToolResult).isError === true);
  });

  it("reads a file, and a range of it, with line numbers to cite", async () => {
    const whole = await call(mcp.client, "read_file", { path: "src/server.go" });
    assert.notEqual(whole.isError, true, textOf(whole));
    const excerpt = whole.structuredContent as { path: string; startLine: number; endLine: number; total: number; text: string; citation: string; truncated: boolean };
    assert.deepEqual([excerpt.path, excerpt.startLine, excerpt.endLine, excerpt.total, excerpt.truncated], ["src/server.go", 1, 5, 5, false]);
    assert.equal(excerpt.text, fs.readFileSync(path.join(workspace, "src", "server.go"), "utf8").trimEnd());
    assert.match(textOf(whole), /^src\/server\.go — lines 1-5 of 5\n1\tpackage main\n2\t\n3\tfunc StartServer/);

    const range = await call(mcp.client, "read_file", { path: "src/table.ts", startLine: 9, endLine: 11 });
    const part = range.structuredContent as { startLine: number; endLine: number; total: number; text: string; citation: string };
    assert.deepEqual([part.startLine, part.endLine, part.total, part.citation], [9, 11, 30, "src/table.ts:9-11"]);
    assert.equal(part.text, "export const row9 = 9;\nexport const row10 = 10;\nexport const row11 = 11;");
    assert.match(textOf(range), /\n 9\texport const row9 = 9;\n10\texport const row10 = 10;\n11\t/);

    const page = await call(mcp.client, "read_file", { path: "docs/manual.pdf", startLine: 2, endLine: 2 });
    const pdf = page.structuredContent as { unit: string; text: string; citation: string; total: number };
    assert.deepEqual([pdf.unit, pdf.total, pdf.citation], ["page", 2, "docs/manual.pdf#page=2"]);
    assert.match(pdf.text, /calibrating the flux capacitor/);

    const past = await call(mcp.client, "read_file", { path: "src/table.ts", startLine: 40 });
    assert.equal(past.isError, true);
    assert.match(textOf(past), /Lines 40-40 are not in src\/table\.ts, which has 30 lines/);
  });

  it("refuses secrets, paths outside the workspace, links out of it and version control's folder", async () => {
    const refusals: Array<[string, RegExp]> = [
      [".env", /^\.env was not read because its name, \.env, is that of a file that holds keys or credentials\. Hearth never hands secrets/],
      ["src/settings.ts", /^src\/settings\.ts was not read because it contains a GitHub token/],
      ["../outside.txt", /^\.\.\/outside\.txt is outside the workspace .*project\. Only files inside it can be read/],
      [path.join(home, "outside.txt"), /is outside the workspace/],
      ["src/outside-link.txt", /^src\/outside-link\.txt was not read: it is a symbolic link to .*outside\.txt, outside the workspace/],
      [".git/config", /^\.git\/config was not read: it is inside version control's own folder/],
      ["src/missing.ts", /^src\/missing\.ts does not exist in the workspace/],
      ["src", /^src is a folder, not a file/],
    ];
    for (const [requested, message] of refusals) {
      const result = await call(mcp.client, "read_file", { path: requested });
      assert.equal(result.isError, true, requested);
      assert.match(textOf(result), message, requested);
      assert.ok(!textOf(result).includes("never-index-me") && !textOf(result).includes("hunter2") && !textOf(result).includes("ghp_"), requested);
    }
  });

  it("reports the index's state, then the files changed, deleted and added since it was built", async () => {
    const fresh = await call(mcp.client, "index_status");
    assert.notEqual(fresh.isError, true, textOf(fresh));
    const status = fresh.structuredContent as {
      indexed: boolean;
      builtBy: string;
      indexDir: string;
      files: number;
      chunks: number;
      embeddingModel: string | null;
      searchMode: string;
      updatedAt: string;
      stale: { changed: number; deleted: number; added: number; changedFiles: string[]; deletedFiles: string[]; addedFiles: string[] };
      hint: string;
    };
    assert.deepEqual(
      [status.indexed, status.builtBy, status.indexDir, status.files, status.embeddingModel, status.searchMode],
      [true, "cli", indexDirFor(workspace, { HEARTH_HOME: home }), 5, fixtures.embedding, "hybrid"],
    );
    assert.ok(status.chunks >= 5);
    assert.ok(!Number.isNaN(Date.parse(status.updatedAt)));
    assert.deepEqual([status.stale.changed, status.stale.deleted, status.stale.added], [0, 0, 0]);
    assert.match(textOf(fresh), /Files: 5, chunks: \d+\nEmbedding model: .*\nLast update: .*\nChanged since: 0 changed, 0 deleted, 0 new\nThe index is up to date/);

    fs.appendFileSync(path.join(workspace, "src", "server.go"), "\nfunc StopServer() {}\n");
    fs.rmSync(path.join(workspace, "docs", "guide.md"));
    write(workspace, "src/added.ts", "export const added = true;\n");
    // Touched, not changed: the same bytes with a new time is not stale.
    const touched = path.join(workspace, "src", "tokenizer.ts");
    fs.utimesSync(touched, new Date(), new Date(Date.now() + 60_000));
    const later = (await call(mcp.client, "index_status")).structuredContent as typeof status;
    assert.deepEqual(
      [later.stale.changedFiles, later.stale.deletedFiles, later.stale.addedFiles],
      [["src/server.go"], ["docs/guide.md"], ["src/added.ts"]],
    );
    assert.match(later.hint, /^3 files changed since the index was built; .* Refresh it with: hearth index ".*project"$/);

    // The index refreshed by another process is read again: nothing is stale, and search sees the new file.
    assert.equal(cli(["index", workspace, "--json"]).code, 0);
    const refreshed = (await call(mcp.client, "index_status")).structuredContent as typeof status;
    assert.deepEqual([refreshed.stale.changed, refreshed.stale.deleted, refreshed.stale.added, refreshed.files], [0, 0, 0, 5]);
    const stop = (await call(mcp.client, "search", { query: "StopServer", k: 1 })).structuredContent as { results: Hit[] };
    assert.equal(stop.results[0]?.path, "src/server.go");
  });

  it("serves the index VS Code's Index Workspace built for the folder, and explains an unindexed one", async () => {
    assert.equal(vscodeFileUri("/home/me/My Project (2)"), "file:///home/me/My%20Project%20%282%29");
    assert.equal(vscodeFileUri("C:\\Code\\app", "win32"), "file:///c%3A/Code/app");
    const other = path.join(home, "other");
    write(other, "notes/plan.md", "# Plan\n\nMigrate the billing service to the new queue.\n");
    const none = await connect(other);
    try {
      const search = await call(none.client, "search", { query: "billing" });
      assert.equal(search.isError, true);
      assert.match(textOf(search), /other has no Hearth index yet, so there is nothing to search\. Index it with: hearth index ".*other" \(or Hearth: Index Workspace in VS Code/);
      const status = await call(none.client, "index_status");
      assert.notEqual(status.isError, true);
      assert.equal((status.structuredContent as { indexed: boolean }).indexed, false);
      assert.match(textOf(status), /hearth index/);

      // Built where VS Code keeps a single-folder window's index (the engine's format is the same).
      assert.equal(cli(["index", other, "--embedding-model", "none", "--json"]).code, 0);
      const vscodeDir = vscodeIndexDirFor(other, { HEARTH_HOME: home });
      fs.mkdirSync(path.dirname(vscodeDir), { recursive: true });
      fs.renameSync(indexDirFor(other, { HEARTH_HOME: home }), vscodeDir);
      const served = (await call(none.client, "index_status")).structuredContent as { indexed: boolean; builtBy: string; indexDir: string; searchMode: string };
      assert.deepEqual([served.indexed, served.builtBy, served.indexDir, served.searchMode], [true, "vscode", vscodeDir, "keyword"]);
      const found = (await call(none.client, "search", { query: "billing queue" })).structuredContent as { mode: string; results: Hit[] };
      assert.deepEqual([found.mode, found.results[0]?.citation], ["keyword", "notes/plan.md:1-3"]);
    } finally {
      await none.client.close();
    }
  });

  it("answers what it was sent, then exits with code 0, when the client closes its stdin; nothing but protocol on stdout", async () => {
    const child = spawn(process.execPath, [cliPath, "mcp", "--workspace", workspace], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (data: Buffer) => (stdout += data.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const messages = [
      { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "read_file", arguments: { path: "src/tokenizer.ts", startLine: 1, endLine: 1 } } },
      { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "index_status", arguments: {} } },
    ];
    // All at once, and stdin closed straight after: the answers still come.
    child.stdin.end(messages.map((message) => `${JSON.stringify(message)}\n`).join(""));
    assert.equal(await exited, 0);
    const answers = stdout.trim().split("\n").map((line) => JSON.parse(line) as { id: number; result: { structuredContent?: { citation?: string; indexed?: boolean } } });
    assert.deepEqual(answers.map((answer) => answer.id).sort(), [1, 2, 3]);
    assert.equal(answers.find((answer) => answer.id === 2)?.result.structuredContent?.citation, "src/tokenizer.ts:1-1");
    assert.equal(answers.find((answer) => answer.id === 3)?.result.structuredContent?.indexed, true);
  });

  it("explains usage mistakes", () => {
    const missing = cli(["mcp", "--workspace", path.join(home, "nope")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /is not a folder/);
    const help = cli(["help", "mcp"]);
    assert.match(help.stdout, /^Usage: hearth mcp \[--workspace PATH\]/);
  });
});
