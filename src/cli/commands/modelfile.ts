// `hearth modelfile parse FILE [--json]`: a Modelfile's instructions as Ollama's parser reads
// them, for scripts and editors that want Hearth's reading of a file without creating a model.
// Syntax errors are the ones Ollama refuses when it reads the file (`ollama create` stops there):
// every problem the parser reports (unknown instruction, unclosed quote, missing value, bad
// parameter name or message role) and a file without FROM. What only the validator says (an
// unknown parameter, a value out of range, a missing GGUF) is not a syntax error: Ollama's
// parser reads those files too.
import * as fs from "node:fs";
import * as path from "node:path";
import { localize, localizeById } from "../../common/localize";
import type { ModelfileCommand } from "../../common/modelfile/modelfileParser";
import { parseModelfile, splitModelfileLines } from "../../common/modelfile/modelfileParser";
import { UsageError, exitCodes, parseCommandArgs, requirePositionals } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { printJson, printLine, writeErr } from "../cliContext";
import { formatTable, truncate } from "../cliFormat";

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
  /** 1-based; 0 when the problem is the file as a whole (unreadable, binary, no FROM). */
  readonly line: number;
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

/** Parses Modelfile text; the first syntax error in reading order, as Ollama stops at it. */
export function parseModelfileForCli(text: string): ModelfileParseResult {
  const parsed = parseModelfile(text);
  const first = parsed.errors[0];
  if (first) return { error: { message: first.message, line: first.range.start.line + 1 } };
  if (!parsed.commands.some((command) => command.instruction === "FROM")) {
    return {
      error: {
        message: localize("This Modelfile has no FROM line. Add one that names the base model, for example FROM qwen2.5-coder:1.5b, or a GGUF file: FROM ./model.gguf."),
        line: 0,
      },
    };
  }
  return { instructions: parsed.commands.map(instructionJson) };
}

/** The file's text, or a message for the user when it is missing, a folder, unreadable or binary. */
function readModelfile(file: string): { text: string } | { problem: string } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { problem: localize("There is no Modelfile at {0}. Check the path.", file) };
    return { problem: localize("{0} could not be read: {1}", file, code ?? String(error)) };
  }
  if (stat.isDirectory()) {
    return { problem: localize("{0} is a folder, not a Modelfile. Give the Modelfile's own path, for example {1}.", file, path.join(file, "Modelfile")) };
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    return { problem: localize("{0} could not be read: {1}", file, (error as NodeJS.ErrnoException).code ?? String(error)) };
  }
  if (bytes.includes(0)) {
    return {
      problem: localize("{0} is a binary file, not a Modelfile (a Modelfile is text). To use a .gguf model, write FROM followed by its path in a Modelfile.", file),
    };
  }
  return { text: bytes.toString("utf8") };
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

    const read = readModelfile(file);
    const result: ModelfileParseResult = "problem" in read ? { error: { message: read.problem, line: 0 } } : parseModelfileForCli(read.text);

    if (values.json) {
      printJson(result);
      return "error" in result ? exitCodes.error : exitCodes.ok;
    }
    if ("error" in result) {
      const where =
        "problem" in read || result.error.line === 0
          ? result.error.message
          : localize("{0}, line {1}: {2}", shownFile, result.error.line, result.error.message);
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
