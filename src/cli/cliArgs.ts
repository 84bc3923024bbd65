// Argument parsing shared by the commands: node:util's parseArgs with every command's `-h/--help`,
// numbers checked with a message for the user, and the exit codes.
import { parseArgs } from "node:util";
import { localize } from "../common/localize";

export const exitCodes = {
  ok: 0,
  error: 1,
  usage: 2,
  cancelled: 130,
} as const;

/** A mistake in how the command was typed: the message, then the command's help, exit 2. */
export class UsageError extends Error {
  /** The command whose help follows the message; absent: the top-level help. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.name = "UsageError";
    this.command = command;
  }
}

export type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: false }>;

export type ParsedValues<T extends OptionSpec> = {
  [K in keyof T]?: T[K]["type"] extends "string" ? string : boolean;
} & { help?: boolean };

export interface ParsedCommand<T extends OptionSpec> {
  values: ParsedValues<T>;
  positionals: string[];
}

function isParseArgsError(error: unknown): error is Error {
  return error instanceof Error && String((error as NodeJS.ErrnoException).code ?? "").startsWith("ERR_PARSE_ARGS");
}

/** Parses `args` for `command`; an unknown option or a missing value becomes a UsageError. */
export function parseCommandArgs<T extends OptionSpec>(command: string, args: string[], options: T): ParsedCommand<T> {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...options, help: { type: "boolean", short: "h" } },
    });
    return { values: values as ParsedValues<T>, positionals };
  } catch (error) {
    if (isParseArgsError(error)) throw new UsageError(error.message, command);
    throw error;
  }
}

/** `--flag value` as a number, or undefined when absent; a UsageError when it is not one. */
export function parseNumber(flag: string, value: string | undefined, integer: boolean, command?: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || (integer && !Number.isInteger(parsed))) {
    throw new UsageError(localize("--{0} needs a number, not \"{1}\".", flag, value), command);
  }
  return parsed;
}

/** Exactly `count` positionals (or at least `count` with `orMore`), else a UsageError saying what is missing. */
export function requirePositionals(command: string, positionals: string[], count: number, usageLine: string, orMore = false): void {
  if (positionals.length < count) {
    throw new UsageError(localize("hearth {0} needs more arguments: {1}", command, usageLine), command);
  }
  if (!orMore && positionals.length > count) {
    throw new UsageError(
      localize("hearth {0} takes {1} argument(s); unexpected: {2}", command, count, positionals.slice(count).join(" ")),
      command,
    );
  }
}
