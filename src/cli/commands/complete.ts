// `hearth complete FILE --line L --column C`: the code completion the editor would show at that
// position (line and column 1-based, as editors show them), for scripts and tests. The request's
// shape and the post-processing are the editor's own rules (src/common/completion/completionRules.ts);
// unlike the editor, no time cap applies, so the answer does not depend on the machine's speed.
import * as fs from "node:fs";
import * as path from "node:path";
import type { CompletionPosition } from "../../common/completion/completionRules";
import { finishCompletion, infillOptionsFor } from "../../common/completion/completionRules";
import { EngineError, errorText } from "../../common/engine/engineError";
import { localize, localizeById } from "../../common/localize";
import { recommendedInfillModel } from "../../engine/llama/infill";
import type { LlamaEngine } from "../../engine/llama/llamaEngine";
import { exitCodes, parseCommandArgs, parseNumber, requirePositionals, UsageError } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printJson, printLine, withInterrupt, writeErr, writeOut } from "../cliContext";

const help = (): string => localizeById("cli.help.complete");

/** The catalogue's code models with fill-in-the-middle tokens, the recommended one first. */
const codeCompletionModels = [recommendedInfillModel, "qwen2.5-coder:0.5b", "qwen2.5-coder:7b"];

const options = {
  line: { type: "string" },
  column: { type: "string" },
  model: { type: "string" },
  threads: { type: "string" },
  json: { type: "boolean" },
} as const;

/** The offset in `text` of 1-based `line` and `column` (UTF-16 code units, as editors count); a UsageError when outside the file. */
export function offsetAt(text: string, line: number, column: number): number {
  const lines = text.split("\n");
  if (line < 1 || line > lines.length) {
    throw new UsageError(localize("--line {0} is outside the file, which has {1} lines.", line, lines.length), "complete");
  }
  const content = lines[line - 1]!.replace(/\r$/, "");
  if (column < 1 || column > content.length + 1) {
    throw new UsageError(localize("--column {0} is outside line {1}, which has {2} characters (the end of the line is column {3}).", column, line, content.length, content.length + 1), "complete");
  }
  let offset = 0;
  for (let index = 0; index < line - 1; index++) offset += lines[index]!.length + 1;
  return offset + column - 1;
}

/** The model to complete with: --model, $HEARTH_COMPLETION_MODEL, else an installed catalogue code model. */
async function chooseModel(engine: LlamaEngine, given: string | undefined): Promise<string> {
  const named = given ?? process.env.HEARTH_COMPLETION_MODEL?.trim();
  if (named) return named;
  for (const name of codeCompletionModels) {
    if (await engine.store.get(name)) return name;
  }
  throw new UsageError(
    localize("No model to complete code with: name one with --model NAME (or a .gguf file), or install a code model with hearth pull {0}.", codeCompletionModels[0]!),
    "complete",
  );
}

/** The file as the model is shown it: relative to the current folder when inside it. */
function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? path.basename(file) : relative.split(path.sep).join("/");
}

async function complete(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs("complete", args, options);
  if (values.help) {
    printLine(help());
    return exitCodes.ok;
  }
  requirePositionals("complete", positionals, 1, "FILE --line L --column C");
  const line = parseNumber("line", values.line, true, "complete");
  const column = parseNumber("column", values.column, true, "complete");
  if (line === undefined || column === undefined) {
    throw new UsageError(localize("hearth complete needs the cursor's position: --line L --column C (1-based, as editors show them)."), "complete");
  }
  const threads = parseNumber("threads", values.threads, true, "complete") ?? 0;
  const file = path.resolve(positionals[0]!);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new EngineError("badRequest", localize("Could not read {0}: {1}. Check the path.", file, errorText(error)));
  }
  const offset = offsetAt(text, line, column);
  const position: CompletionPosition = { prefix: text.slice(0, offset), suffix: text.slice(offset) };
  const engine = createEngine({
    kind: "cli",
    log: (level, message) => {
      if (level === "error") writeErr(`[${level}] ${message}\n`);
    },
  });
  try {
    const model = await chooseModel(engine, values.model);
    const info = await engine.loadModel({ model, threads });
    const shape = infillOptionsFor(position);
    const result = await withInterrupt((signal) =>
      engine.infill(
        {
          modelId: info.modelId,
          prefix: position.prefix,
          suffix: position.suffix,
          path: shownPath(file),
          options: { ...shape, timeoutMs: 600_000 },
        },
        () => undefined,
        signal,
      ),
    );
    if (result.stopReason === "cancelled") return exitCodes.cancelled;
    const shown = finishCompletion(result.text, position);
    if (values.json) {
      printJson({
        model: info.name,
        line,
        column,
        completion: shown ?? "",
        raw: result.text,
        singleLine: shape.singleLine,
        stopReason: result.stopReason,
        usage: result.usage,
      });
    } else if (shown !== null) {
      writeOut(shown.endsWith("\n") ? shown : `${shown}\n`);
    }
    return exitCodes.ok;
  } finally {
    await engine.dispose();
  }
}

export const completeCommand: CliCommand = { name: "complete", aliases: [], help, run: complete };
