// `hearth serve`: Hearth's local HTTP API (Ollama's REST API and OpenAI's) in this process, like
// `ollama serve`. It listens on 127.0.0.1:11435 unless --host or HEARTH_HOST says otherwise,
// loads models as requests name them, and stops cleanly on Ctrl+C. HEARTH_API_KEY asks every
// request for a key; HEARTH_API_ALLOW_URL_PULLS and HEARTH_API_MODEL_FOLDERS widen what callers
// may make it download or read (see README, Security).
import * as path from "node:path";
import { expandHome } from "../../node/storeRoot";
import { parseListenAddress, parseOriginList } from "../../common/api/apiAccess";
import { errorText } from "../../common/engine/engineError";
import { localize, localizeById } from "../../common/localize";
import { ApiServer } from "../../engine/api/apiServer";
import { parseCommandArgs, parseNumber, requirePositionals, UsageError } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, endpointsFromEnvironment, printLine, writeErr } from "../cliContext";

declare const HEARTH_VERSION: string | undefined;

const help = (): string => localizeById("cli.help.serve");

const options = {
  host: { type: "string" },
  origins: { type: "string" },
  threads: { type: "string" },
  ctx: { type: "string" },
  verbose: { type: "boolean" },
} as const;

export const serveCommand: CliCommand = {
  name: "serve",
  aliases: ["start"],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("serve", args, options);
    if (values.help) {
      printLine(help());
      return 0;
    }
    requirePositionals("serve", positionals, 0, "hearth serve [--host HOST:PORT]");
    let address;
    try {
      address = parseListenAddress(values.host ?? process.env.HEARTH_HOST ?? "");
    } catch (error) {
      throw new UsageError(errorText(error), "serve");
    }
    const threads = parseNumber("threads", values.threads, true, "serve") ?? 0;
    const contextSize = parseNumber("ctx", values.ctx, true, "serve") ?? 0;
    const verbose = values.verbose === true;
    const engine = createEngine({
      kind: "server",
      defaultThreads: threads,
      defaultContextSize: contextSize,
      log: (level, message) => {
        if (level === "error" || level === "warn" || (verbose && level === "info")) writeErr(`${message}\n`);
      },
    });
    const apiKey = process.env.HEARTH_API_KEY?.trim() ?? "";
    const server = new ApiServer({
      engine,
      endpoints: () => endpointsFromEnvironment(),
      address,
      allowedOrigins: parseOriginList(values.origins ?? process.env.HEARTH_ORIGINS),
      ...(apiKey !== "" ? { apiKey } : {}),
      allowUrlPulls: /^(1|true|yes|on)$/i.test(process.env.HEARTH_API_ALLOW_URL_PULLS?.trim() ?? ""),
      modelFolders: (process.env.HEARTH_API_MODEL_FOLDERS ?? "")
        .split(path.delimiter)
        .map((folder) => folder.trim())
        .filter((folder) => folder !== "")
        .map((folder) => path.resolve(expandHome(folder))),
      version: typeof HEARTH_VERSION === "string" ? HEARTH_VERSION : "dev",
      log: (level, message) => {
        if (level === "error" || level === "warn" || verbose) writeErr(`${message}\n`);
      },
    });
    let url: string;
    try {
      url = await server.start();
    } catch (error) {
      await engine.dispose();
      throw error;
    }
    printLine(localize("Hearth API listening on {0} (Ollama: {0}/api/…, OpenAI: {0}/v1). Press Ctrl+C to stop.", url));
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        resolve();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
    writeErr(`${localize("Stopping the Hearth API…")}\n`);
    await server.stop();
    await engine.dispose();
    return 0;
  },
};
