// `hearth`: the command line, like `ollama`: run, pull, list, show, ps, rm, cp, import, create,
// modelfile parse, catalogue, repair, serve. It runs the same engine code as the extension, in-process;
// only `run` (and `show`, for its memory estimate) start llama.cpp.
import { applyCustomCatalogue } from "../node/customCatalogue";
import { EngineError, errorText, isEngineError } from "../common/engine/engineError";
import { localeFromEnvironment, localize, localizeById } from "../common/localize";
import { applyLocale } from "../node/messageBundles";
import { exitCodes, UsageError } from "./cliArgs";
import type { CliCommand } from "./cliCommand";
import { printLine, writeErr } from "./cliContext";
import { catalogueCommand } from "./commands/catalogue";
import { completeCommand } from "./commands/complete";
import { indexCommand } from "./commands/indexFolder";
import { copyCommand } from "./commands/copy";
import { createCommand } from "./commands/create";
import { importCommand } from "./commands/import";
import { listCommand } from "./commands/list";
import { mcpCommand } from "./commands/mcp";
import { modelfileCommand } from "./commands/modelfile";
import { psCommand } from "./commands/ps";
import { pullCommand } from "./commands/pull";
import { removeCommand } from "./commands/remove";
import { repairCommand } from "./commands/repair";
import { reviewCommand } from "./commands/review";
import { runCommand } from "./commands/run";
import { searchCommand } from "./commands/searchIndex";
import { serveCommand } from "./commands/serve";
import { showCommand } from "./commands/show";

declare const HEARTH_VERSION: string | undefined;

const usage = (): string => localizeById("cli.help");

export const commands: readonly CliCommand[] = [
  runCommand,
  reviewCommand,
  pullCommand,
  listCommand,
  showCommand,
  psCommand,
  removeCommand,
  copyCommand,
  createCommand,
  modelfileCommand,
  importCommand,
  indexCommand,
  searchCommand,
  mcpCommand,
  completeCommand,
  catalogueCommand,
  repairCommand,
  serveCommand,
];

export function findCommand(name: string): CliCommand | undefined {
  return commands.find((command) => command.name === name || command.aliases.includes(name));
}

function helpFor(name: string | undefined): string {
  const command = name === undefined ? undefined : findCommand(name);
  return command ? command.help() : usage();
}

function isParseArgsError(error: unknown): error is Error {
  return error instanceof Error && String((error as NodeJS.ErrnoException).code ?? "").startsWith("ERR_PARSE_ARGS");
}

export async function main(argv: string[]): Promise<number> {
  const localeProblem = applyLocale(localeFromEnvironment(process.env));
  if (localeProblem) process.stderr.write(`${localeProblem}\n`);
  const catalogueProblem = applyCustomCatalogue(process.env.HEARTH_CATALOGUE);
  if (catalogueProblem) process.stderr.write(`${catalogueProblem}\n`);
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
  });
  const [name, ...rest] = argv;
  if (!name || name === "-h" || name === "--help") {
    printLine(usage());
    return name ? exitCodes.ok : exitCodes.usage;
  }
  if (name === "-v" || name === "--version") {
    printLine(`hearth ${typeof HEARTH_VERSION === "string" ? HEARTH_VERSION : "dev"}`);
    return exitCodes.ok;
  }
  if (name === "help") {
    const topic = rest[0];
    if (topic !== undefined && !findCommand(topic)) {
      writeErr(`${localize("Error: {0}", localize("Unknown command \"{0}\". Run hearth --help for the list.", topic))}\n\n${usage()}\n`);
      return exitCodes.usage;
    }
    printLine(helpFor(topic));
    return exitCodes.ok;
  }
  const command = findCommand(name);
  try {
    if (!command) throw new UsageError(localize("Unknown command \"{0}\". Run hearth --help for the list.", name));
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      const topic = error instanceof UsageError ? error.command : command?.name;
      writeErr(`${localize("Error: {0}", error.message)}\n\n${helpFor(topic)}\n`);
      return exitCodes.usage;
    }
    writeErr(`${localize("Error: {0}", errorText(error))}\n`);
    if (isEngineError(error) && error.detail && process.env.HEARTH_DEBUG) writeErr(`${error.detail}\n`);
    return error instanceof EngineError && error.code === "cancelled" ? exitCodes.cancelled : exitCodes.error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${errorText(error)}\n`);
      process.exitCode = 1;
    },
  );
}
