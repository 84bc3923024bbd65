// `hearth modelfile parse FILE [--json]`: a Modelfile's instructions as Ollama's parser reads
// them, for scripts and editors that want Hearth's reading of a file without creating a model.
// Syntax errors are the ones Ollama refuses when it reads the file (`ollama create` stops there):
// every problem the parser reports (unknown instruction, unclosed quote, missing value or name,
// bad parameter name or message role) and a file without FROM. What only the validator says (an
// unknown parameter, a value out of range, a missing GGUF, an empty FROM) is not a syntax error:
// Ollama's parser reads those files too. The file is decoded as Ollama decodes it (UTF-8, or
// UTF-16 with a byte order mark).
import * as path from "node:path";
import { localize, localizeById } from "../../common/localize";
import { suspectModelfileMessage } from "../../common/modelfile/modelfileEncoding";
import type { ModelfileCommand } from "../../common/modelfile/modelfileParser";
import { firstModelfileProblem, parseModelfile, splitModelfileLines } from "../../common/modelfile/modelfileParser";
import { UsageError, exitCodes, parseCommandArgs, requirePositionals } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { printJson, printLine, writeErr } from "../cliContext";
import { formatTable, truncate } from "../cliFormat";
import { readModelfileFile } from "../modelfileFile";

const help = (): string => localizeById("cli.help.modelfile");

export interface ModelfileInstructionJson {
  readonly instruction: string;
  readonly line: number;
  readonly value: string;
  readonly name?: string;
  readonly role?: string;
}

export interface ModelfileParseError {
  readonly message: string;
  /** 1-based; absent when the problem is the file as a whole (unreadable, binary, no FROM). */
  readonly line?: number;
}

export type ModelfileParseResult =
  | { readonly instructions: readonly ModelfileInstructionJson[] }
  | { readonly error: ModelfileParseError };

function instructionJson(command: ModelfileCommand): ModelfileInstructionJson {
  const base = { instruction: command.instruction, line: command.range.start.line + 1, value: command.value };
  if (command.instruction === "PARAMETER") return { ...base, name: command.name };
  if (command.instruction === "MESSAGE") return { ...base, role: command.role };
  return base;
}

/** Parses Modelfile text; the first problem in reading order, as Ollama stops at it. */
export function parseModelfileForCli(text: string): ModelfileParseResult {
  const parsed = parseModelfile(text);
  const problem = firstModelfileProblem(parsed);
  if (problem) {
    return { error: problem.wholeFile ? { message: problem.message } : { message: problem.message, line: problem.range.start.line + 1 } };
  }
  return { instructions: parsed.commands.map(instructionJson) };
}

/** The file's reading: its instructions, or why it cannot be read or does not parse. */
function parseModelfileFile(file: string): ModelfileParseResult {
  const read = readModelfileFile(file);
  if ("problem" in read) return { error: { message: read.problem } };
  const result = parseModelfileForCli(read.decoded.text);
  // Bytes that are no Modelfile (a GGUF, UTF-16 without a byte order mark) fail to parse in
  // Ollama too; say what they are rather than which character stopped the parser.
  if ("error" in result && read.decoded.suspect) return { error: { message: suspectModelfileMessage(read.decoded.suspect, file) } };
  return result;
}

/** A value on one line of the listing: its first line, cut short, and how many lines follow. */
function shortValue(value: string): string {
  const lines = splitModelfileLines(value);
  const first = truncate(lines[0] ?? "", 60);
  return lines.length > 1 ? `${first} ${localize("(+{0} more lines)", lines.length - 1)}` : first;
}

export const modelfileCommand: CliCommand = {
  name: "modelfile",
  aliases: [],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("modelfile", args, {
      json: { type: "boolean" },
    });
    if (values.help) {
      printLine(help());
      return exitCodes.ok;
    }
    if (positionals[0] !== undefined && positionals[0] !== "parse") {
      throw new UsageError(localize("hearth modelfile has no subcommand \"{0}\"; its subcommand is parse.", positionals[0]), "modelfile");
    }
    requirePositionals("modelfile", positionals, 2, "hearth modelfile parse FILE [--json]");
    const file = path.resolve(positionals[1]!);
    const shownFile = path.relative(process.cwd(), file) || file;

    const result = parseModelfileFile(file);

    if (values.json) {
      printJson(result);
      return "error" in result ? exitCodes.error : exitCodes.ok;
    }
    if ("error" in result) {
      const where =
        result.error.line === undefined ? result.error.message : localize("{0}, line {1}: {2}", shownFile, result.error.line, result.error.message);
      writeErr(`${localize("Error: {0}", where)}\n`);
      return exitCodes.error;
    }
    const rows = result.instructions.map((instruction) => [
      String(instruction.line),
      instruction.instruction,
      instruction.name ?? instruction.role ?? "",
      shortValue(instruction.value),
    ]);
    printLine(formatTable([localize("LINE"), localize("INSTRUCTION"), localize("NAME/ROLE"), localize("VALUE")], rows));
    return exitCodes.ok;
  },
};
