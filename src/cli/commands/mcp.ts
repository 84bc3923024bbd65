// `hearth mcp [--workspace PATH]`: a Model Context Protocol server over stdio (the official SDK)
// that gives any agent — Claude Code, Cline, Continue… — Hearth's index of one workspace: search,
// read_file with line numbers, index_status (src/cli/mcp/workspaceMcpServer.ts). stdout carries
// the protocol and nothing else: log lines, and anything a library prints, go to stderr. It runs
// until the client closes stdin (or sends SIGINT/SIGTERM).
import * as fs from "node:fs";
import * as path from "node:path";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { errorText } from "../../common/engine/engineError";
import { localize, localizeById } from "../../common/localize";
import { parseCommandArgs, parseNumber, requirePositionals, UsageError } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printLine, writeErr } from "../cliContext";

declare const HEARTH_VERSION: string | undefined;

const help = (): string => localizeById("cli.help.mcp");

/** console.log and its kin write to stderr from now on: a library's stray line must not break the protocol. */
function keepStdoutForProtocol(): void {
  const toStderr = (...args: unknown[]): void => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

/**
 * Counts the requests the transport received and not yet answered; the function returned resolves
 * once none is left (at once when none is). Call after `connect`, which sets the transport's handlers.
 */
function trackRequests(transport: Transport): () => Promise<void> {
  const open = new Set<string | number>();
  let idle: (() => void) | null = null;
  const received = transport.onmessage;
  transport.onmessage = (message, extra) => {
    if ("method" in message && "id" in message) open.add(message.id);
    received?.(message, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    await send(message, options);
    if (!("method" in message) && "id" in message && message.id !== undefined) {
      open.delete(message.id);
      if (open.size === 0) idle?.();
    }
  };
  return () =>
    open.size === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          idle = resolve;
        });
}

export const mcpCommand: CliCommand = {
  name: "mcp",
  aliases: [],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("mcp", args, {
      workspace: { type: "string" },
      threads: { type: "string" },
    });
    if (values.help) {
      printLine(help());
      return 0;
    }
    requirePositionals("mcp", positionals, 0, "hearth mcp [--workspace PATH]");
    const workspace = path.resolve(values.workspace ?? ".");
    const stat = await fs.promises.stat(workspace).catch(() => null);
    if (!stat?.isDirectory()) throw new UsageError(localize("{0} is not a folder.", workspace), "mcp");
    const threads = parseNumber("threads", values.threads, true, "mcp");
    keepStdoutForProtocol();
    // The SDK and zod (about 1.2 MB of the bundle) load only for this command, not for every `hearth` run.
    const { createWorkspaceMcpServer } = await import("../mcp/workspaceMcpServer");
    const { StdioServerTransport } = await import("@modelcontextprotocol/sdk/server/stdio.js");
    const log = (message: string): void => writeErr(`${message}\n`);
    const mcp = createWorkspaceMcpServer({
      workspace,
      version: typeof HEARTH_VERSION === "string" ? HEARTH_VERSION : "dev",
      createEngine: () =>
        createEngine({
          // Recorded for `hearth ps`: a long-lived process holding an embedding model.
          kind: "cli",
          ...(threads !== undefined ? { defaultThreads: threads } : {}),
          log: (level, message) => {
            if (level === "error" || level === "warn") log(message);
          },
        }),
      log,
    });
    const transport = new StdioServerTransport();
    // stdin ending (a client that sent its requests and closed the pipe) still gets the answers to
    // the requests in flight; a signal or the transport closing stops at once.
    const stdinEnded = new Promise<void>((resolve) => {
      process.stdin.once("end", resolve);
      process.stdin.once("close", resolve);
    });
    const stopped = new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
      transport.onclose = resolve;
    });
    transport.onerror = (error) => log(localize("MCP: {0}", errorText(error)));
    await mcp.server.connect(transport);
    const answered = trackRequests(transport);
    log(localize("hearth mcp: serving the index of {0} over stdio.", workspace));
    await Promise.race([stdinEnded.then(() => answered()), stopped]);
    await mcp.dispose();
    return 0;
  },
};
