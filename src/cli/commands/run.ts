// `hearth run MODEL [PROMPT]`: loads an installed model (by name) or a .gguf file in this process
// and streams the answer; without a prompt, an interactive chat. A catalogue model that is not
// installed is pulled first when the user agrees (in a terminal).
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline";
import type { LoadedModelInfo } from "../../common/engine/engineProtocol";
import type { GenerateResult, GenerationOptions, PromptMode } from "../../common/chat/chatTypes";
import { EngineError, errorText } from "../../common/engine/engineError";
import { formatBytes } from "../../common/formatBytes";
import { hasAcceptedLicence, licenceTextOf, parseLicenceRecord, withAcceptedLicence } from "../../common/models/licenceAcceptance";
import type { LicenceRecord } from "../../common/models/licenceAcceptance";
import { localize, localizeById } from "../../common/localize";
import { resolveDownload } from "../../common/models/modelCatalogue";
import { parseModelReference, storeNameForReference } from "../../common/models/modelName";
import type { LlamaEngine } from "../../engine/llama/llamaEngine";
import type { ParsedValues } from "../cliArgs";
import { parseCommandArgs, parseNumber, UsageError } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, endpointsFromEnvironment, printLine, writeErr, writeOut } from "../cliContext";
import { createPullProgressView } from "../progressBar";
import { pullModel } from "../../engine/models/storeOperations";
import { cliStoreScope } from "../cliContext";
import { isModelPath } from "../../common/models/modelName";

const help = (): string => localizeById("cli.help.run");

const options = {
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
} as const;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function askYesNo(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  rl.on("SIGINT", () => {
    writeErr("\n");
    process.exit(130);
  });
  try {
    const answer = await new Promise<string>((resolve) => {
      rl.question(question, resolve);
      rl.once("close", () => resolve("n"));
    });
    return /^\s*(y|yes|是|好)?\s*$/i.test(answer);
  } finally {
    rl.close();
  }
}

/**
 * When `reference` names a model that is not installed but can be pulled: in a terminal, asks
 * and pulls it; otherwise fails with the command to run. Names that are neither installed nor
 * pullable are left to the engine's own "not installed" error.
 */
async function ensureInstalled(engine: LlamaEngine, reference: string): Promise<void> {
  if (isModelPath(reference)) return;
  const ref = parseModelReference(reference);
  if (ref.kind === "path") return;
  if (await engine.store.get(storeNameForReference(ref))) return;
  let approxSize: number | undefined;
  try {
    approxSize = resolveDownload(ref, endpointsFromEnvironment()).expectedSizeBytes;
  } catch {
    return; // not in the catalogue: the engine explains
  }
  const notInstalled = new EngineError("modelNotFound", localize("{0} is not installed. Pull it first: hearth pull {0}", reference));
  if (!process.stdin.isTTY || !process.stderr.isTTY) throw notInstalled;
  const question =
    approxSize === undefined
      ? localize("{0} is not installed. Pull it now? [Y/n] ", reference)
      : localize("{0} is not installed. Pull it now (about {1})? [Y/n] ", reference, formatBytes(approxSize));
  if (!(await askYesNo(question))) throw notInstalled;
  const view = createPullProgressView("bar", { write: (text) => writeErr(text), columns: process.stderr.columns });
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  try {
    await pullModel(cliStoreScope(engine), { reference }, (progress) => view.update(progress), controller.signal);
  } finally {
    view.finish();
    process.off("SIGINT", onSigint);
  }
}

/** Where `hearth run` remembers the licences it has shown (in the store folder, shared by every user of that store). */
const shownLicencesFile = "licences-shown.json";

function readShownLicences(file: string): LicenceRecord {
  try {
    return parseLicenceRecord(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch {
    return parseLicenceRecord(null);
  }
}

/**
 * A model made from a Modelfile with LICENSE: its licence goes to stderr the first time it runs
 * from this store (and again when the text changes), so it is seen before first use without
 * getting in the way of scripts reading stdout.
 */
async function showLicenceOnFirstUse(engine: LlamaEngine, reference: string): Promise<void> {
  if (isModelPath(reference)) return;
  let name: string;
  try {
    const ref = parseModelReference(reference);
    if (ref.kind === "path") return;
    name = storeNameForReference(ref);
  } catch {
    return; // not a name: the engine explains
  }
  const stored = await engine.store.get(name).catch(() => null);
  const text = licenceTextOf(stored?.manifest);
  if (!stored || text === null) return;
  const file = path.join(engine.store.root, shownLicencesFile);
  const record = readShownLicences(file);
  if (hasAcceptedLicence(record, stored.name, text)) return;
  writeErr(`${localize("{0} comes with this licence (shown the first time it runs):", stored.name)}\n\n${text}\n\n`);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await fs.promises.writeFile(temp, `${JSON.stringify(withAcceptedLicence(record, stored.name, text), null, 2)}\n`);
    await fs.promises.rename(temp, file);
  } catch {
    // A read-only store: the licence shows again next time, which does no harm.
    await fs.promises.rm(temp, { force: true }).catch(() => undefined);
  }
}

/** Used where neither the command line nor the model's Modelfile say. */
const cliDefaults: GenerationOptions = { maxTokens: 512, temperature: 0.8 };

async function runModel(positionals: string[], flags: ParsedValues<typeof options>): Promise<number> {
  const [modelReference, ...promptWords] = positionals;
  if (!modelReference) throw new UsageError(localize("hearth run needs a model: hearth run MODEL.gguf \"your prompt\""), "run");
  const mode = (flags.mode ?? "auto") as PromptMode;
  if (!["auto", "chat", "completion"].includes(mode)) {
    throw new UsageError(localize("--mode must be auto, chat or completion, not \"{0}\".", String(flags.mode)), "run");
  }
  // What the user typed wins; a Modelfile profile comes next; then the CLI's defaults.
  const maxTokens = parseNumber("max-tokens", flags["max-tokens"], true, "run");
  const temperature = parseNumber("temperature", flags.temperature, false, "run");
  const generation: GenerationOptions = {
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
  };
  const seed = parseNumber("seed", flags.seed, true, "run");
  if (seed !== undefined) generation.seed = seed;
  const threads = parseNumber("threads", flags.threads, true, "run") ?? 0;
  const contextSize = parseNumber("ctx", flags.ctx, true, "run") ?? 0;
  const verbose = flags.verbose === true;
  const engine = createEngine({
    kind: "cli",
    log: (level, message) => {
      if (verbose || level === "error") writeErr(`[${level}] ${message}\n`);
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
    // dispose() drops this process's `hearth ps` record before its first await.
    void engine.dispose();
    process.exit(130);
  };
  try {
    await ensureInstalled(engine, modelReference);
    await showLicenceOnFirstUse(engine, modelReference);
    process.on("SIGINT", onSigint);
    const info = await engine.loadModel({ model: modelReference, threads, contextSize });
    if (verbose) {
      writeErr(
        `${localize("Loaded {0} ({1}, {2}): context {3} tokens, threads: {4}.", info.name, info.architecture, formatBytes(info.sizeBytes), info.contextSize, info.threads)}\n`,
      );
    }
    let prompt = promptWords.join(" ");
    if (!prompt && !process.stdin.isTTY && !flags.interactive) prompt = (await readStdin()).trim();
    if (prompt) {
      activeAbort = new AbortController();
      const result = await engine.generate(
        { modelId: info.modelId, prompt, mode, ...(flags.system ? { systemPrompt: flags.system } : {}), options: generation, defaults: cliDefaults },
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
    return await interactive(engine, info, mode, flags.system, generation, verbose, (controller) => {
      activeAbort = controller;
    });
  } finally {
    process.off("SIGINT", onSigint);
    if (!interrupted) await engine.dispose();
  }
}

function reportFigures(result: GenerateResult): void {
  const u = result.usage;
  writeErr(
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
  generation: GenerationOptions,
  verbose: boolean,
  setAbort: (controller: AbortController | null) => void,
): Promise<number> {
  const useChat = mode === "chat" || (mode === "auto" && info.hasChatTemplate);
  const session = useChat
    ? engine.chats.create({ modelId: info.modelId, ...(system ? { systemPrompt: system } : {}) })
    : null;
  writeErr(`${localize("Chatting with {0}. Type /bye or press Ctrl+D to leave; Ctrl+C stops an answer.", info.name)}\n`);
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
        ? await engine.chats.send({ sessionId: session.sessionId, message: text, options: generation, defaults: cliDefaults }, writeOut, controller.signal)
        : await engine.generate({ modelId: info.modelId, prompt: text, mode: "completion", options: generation, defaults: cliDefaults }, writeOut, controller.signal);
      writeOut(result.stopReason === "cancelled" ? `\n${localize("(stopped)")}\n\n` : "\n\n");
      if (verbose) reportFigures(result);
    } catch (error) {
      writeErr(`${localize("Error: {0}", errorText(error))}\n`);
    } finally {
      setAbort(null);
    }
    rl.prompt();
  }
  rl.close();
  return 0;
}

export const runCommand: CliCommand = {
  name: "run",
  aliases: [],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("run", args, options);
    if (values.help) {
      printLine(help());
      return 0;
    }
    return runModel(positionals, values);
  },
};
