// `hearth`: the command line. It runs the same engine code as the extension, in-process.
import * as readline from "node:readline";
import { parseArgs } from "node:util";
import type { GenerateResult, GenerationOptions, LoadedModelInfo, PromptMode } from "../common/engineProtocol";
import { EngineError, errorText, isEngineError } from "../common/engineError";
import { localeFromEnvironment, localize, setLocale } from "../common/localize";
import { formatBytes } from "../common/formatBytes";
import { LlamaEngine } from "../engine/llamaEngine";

declare const HEARTH_VERSION: string | undefined;

const usage = (): string =>
  localize(`Usage: hearth <command> [options]

Commands:
  run MODEL [PROMPT]   Run a prompt on MODEL (a .gguf file) and stream the answer.
                       Without PROMPT: an interactive chat (or the prompt read from a pipe).

Options for run:
  --system TEXT        System prompt (chat models).
  --mode MODE          auto (default), chat or completion.
  --max-tokens N       The most tokens to generate (default 512).
  --temperature T      Sampling temperature (default 0.8; 0 = always the likeliest token).
  --seed N             Random seed, for repeatable answers.
  --threads N          CPU threads (default: physical cores).
  --ctx N              Context size in tokens (default: min(4096, the model's)).
  --verbose            Print load and speed figures to stderr.
  --json               Print one JSON object with the answer and its figures.
  --interactive        Chat line by line even when input comes from a pipe.

  -h, --help           Show this help.
  -v, --version        Show the version.`);

interface RunFlags {
  system?: string;
  mode?: string;
  "max-tokens"?: string;
  temperature?: string;
  seed?: string;
  threads?: string;
  ctx?: string;
  verbose?: boolean;
  json?: boolean;
  interactive?: boolean;
}

class UsageError extends Error {}

function parseNumber(flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || (integer && !Number.isInteger(parsed))) {
    throw new UsageError(localize("--{0} needs a number, not \"{1}\".", flag, value));
  }
  return parsed;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function writeOut(text: string): void {
  process.stdout.write(text);
}

async function runCommand(positionals: string[], flags: RunFlags): Promise<number> {
  const [modelPath, ...promptWords] = positionals;
  if (!modelPath) throw new UsageError(localize("hearth run needs a model: hearth run MODEL.gguf \"your prompt\""));
  const mode = (flags.mode ?? "auto") as PromptMode;
  if (!["auto", "chat", "completion"].includes(mode)) {
    throw new UsageError(localize("--mode must be auto, chat or completion, not \"{0}\".", String(flags.mode)));
  }
  const options: GenerationOptions = {
    maxTokens: parseNumber("max-tokens", flags["max-tokens"], true) ?? 512,
    temperature: parseNumber("temperature", flags.temperature, false) ?? 0.8,
  };
  const seed = parseNumber("seed", flags.seed, true);
  if (seed !== undefined) options.seed = seed;
  const verbose = flags.verbose === true;
  const engine = new LlamaEngine({
    log: (level, message) => {
      if (verbose || level === "error") process.stderr.write(`[${level}] ${message}\n`);
    },
  });
  let activeAbort: AbortController | null = null;
  let interrupted = false;
  const onSigint = (): void => {
    if (activeAbort && !activeAbort.signal.aborted) {
      activeAbort.abort();
      return;
    }
    interrupted = true;
    process.exit(130);
  };
  process.on("SIGINT", onSigint);
  try {
    const info = await engine.loadModel({
      modelPath,
      threads: parseNumber("threads", flags.threads, true) ?? 0,
      contextSize: parseNumber("ctx", flags.ctx, true) ?? 0,
    });
    if (verbose) {
      process.stderr.write(
        `${localize("Loaded {0} ({1}, {2}): context {3} tokens, {4} threads.", info.name, info.architecture, formatBytes(info.sizeBytes), info.contextSize, info.threads)}\n`,
      );
    }
    let prompt = promptWords.join(" ");
    if (!prompt && !process.stdin.isTTY && !flags.interactive) prompt = (await readStdin()).trim();
    if (prompt) {
      activeAbort = new AbortController();
      const result = await engine.generate(
        { modelId: info.modelId, prompt, mode, ...(flags.system ? { systemPrompt: flags.system } : {}), options },
        flags.json ? () => undefined : writeOut,
        activeAbort.signal,
      );
      activeAbort = null;
      if (flags.json) {
        writeOut(`${JSON.stringify({ model: info.name, ...result }, null, 2)}\n`);
      } else {
        if (!result.text.endsWith("\n")) writeOut("\n");
        if (verbose) reportFigures(result);
      }
      return result.stopReason === "cancelled" ? 130 : 0;
    }
    return await interactive(engine, info, mode, flags.system, options, verbose, (controller) => {
      activeAbort = controller;
    });
  } finally {
    process.off("SIGINT", onSigint);
    if (!interrupted) await engine.dispose();
  }
}

function reportFigures(result: GenerateResult): void {
  const u = result.usage;
  process.stderr.write(
    `${localize(
      "{0} prompt tokens ({1} evaluated, {2} from cache), {3} output tokens, {4} tok/s, first token after {5} ms.",
      u.promptTokens,
      u.evaluatedPromptTokens,
      u.reusedPromptTokens,
      u.outputTokens,
      u.tokensPerSecond.toFixed(1),
      u.firstTokenMs === null ? "—" : u.firstTokenMs.toFixed(0),
    )}\n`,
  );
}

async function interactive(
  engine: LlamaEngine,
  info: LoadedModelInfo,
  mode: PromptMode,
  system: string | undefined,
  options: GenerationOptions,
  verbose: boolean,
  setAbort: (controller: AbortController | null) => void,
): Promise<number> {
  const useChat = mode === "chat" || (mode === "auto" && info.hasChatTemplate);
  const session = useChat
    ? engine.chatCreate({ modelId: info.modelId, ...(system ? { systemPrompt: system } : {}) })
    : null;
  process.stderr.write(
    `${localize("Chatting with {0}. Type /bye or press Ctrl+D to leave; Ctrl+C stops an answer.", info.name)}\n`,
  );
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: ">>> " });
  rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === "/bye" || text === "/exit") break;
    if (!text) {
      rl.prompt();
      continue;
    }
    const controller = new AbortController();
    setAbort(controller);
    try {
      const result = session
        ? await engine.chatSend({ sessionId: session.sessionId, message: text, options }, writeOut, controller.signal)
        : await engine.generate({ modelId: info.modelId, prompt: text, mode: "completion", options }, writeOut, controller.signal);
      writeOut(result.stopReason === "cancelled" ? `\n${localize("(stopped)")}\n\n` : "\n\n");
      if (verbose) reportFigures(result);
    } catch (error) {
      process.stderr.write(`${localize("Error: {0}", errorText(error))}\n`);
    } finally {
      setAbort(null);
    }
    rl.prompt();
  }
  rl.close();
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  setLocale(localeFromEnvironment(process.env));
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
  });
  const [command, ...rest] = argv;
  if (!command || command === "-h" || command === "--help" || command === "help") {
    writeOut(`${usage()}\n`);
    return command ? 0 : 2;
  }
  if (command === "-v" || command === "--version") {
    writeOut(`hearth ${typeof HEARTH_VERSION === "string" ? HEARTH_VERSION : "dev"}\n`);
    return 0;
  }
  try {
    if (command === "run") {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          system: { type: "string" },
          mode: { type: "string" },
          "max-tokens": { type: "string" },
          temperature: { type: "string" },
          seed: { type: "string" },
          threads: { type: "string" },
          ctx: { type: "string" },
          verbose: { type: "boolean" },
          json: { type: "boolean" },
          interactive: { type: "boolean" },
        },
      });
      return await runCommand(positionals, values);
    }
    throw new UsageError(localize("Unknown command \"{0}\". Run hearth --help for the list.", command));
  } catch (error) {
    if (error instanceof UsageError || (error instanceof Error && "code" in error && String((error as NodeJS.ErrnoException).code).startsWith("ERR_PARSE_ARGS"))) {
      process.stderr.write(`${localize("Error: {0}", error.message)}\n\n${usage()}\n`);
      return 2;
    }
    process.stderr.write(`${localize("Error: {0}", errorText(error))}\n`);
    if (isEngineError(error) && error.detail && process.env.HEARTH_DEBUG) process.stderr.write(`${error.detail}\n`);
    return error instanceof EngineError && error.code === "cancelled" ? 130 : 1;
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
