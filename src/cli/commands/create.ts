// `hearth create NAME [-f Modelfile]`: a model from a Modelfile, like `ollama create`.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EngineError } from "../../common/engine/engineError";
import { localize, localizeById } from "../../common/localize";
import { ollamaCompatibilityVersion } from "../../common/models/modelProfile";
import { suspectModelfileMessage } from "../../common/modelfile/modelfileEncoding";
import { firstModelfileProblem, parseModelfile } from "../../common/modelfile/modelfileParser";
import { blocksModelCreation, validateModelfile } from "../../common/modelfile/modelfileValidator";
import { parseCommandArgs, requirePositionals } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printLine, withInterrupt, writeErr } from "../cliContext";
import { readModelfileFile } from "../modelfileFile";
import { createPullProgressView, progressStyleFor } from "../progressBar";
import { createModel } from "../../engine/models/storeOperations";
import { cliStoreScope } from "../cliContext";

const help = (): string => localizeById("cli.help.create");

export const createCommand: CliCommand = {
  name: "create",
  aliases: [],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("create", args, {
      file: { type: "string", short: "f" },
    });
    if (values.help) {
      printLine(help());
      return 0;
    }
    requirePositionals("create", positionals, 1, "hearth create NAME -f Modelfile");
    const file = path.resolve(values.file ?? "Modelfile");
    const read = readModelfileFile(file);
    if ("problem" in read) {
      throw new EngineError("modelNotFound", fs.existsSync(file) ? read.problem : localize("There is no Modelfile at {0}. Give its path with -f.", file));
    }
    // Decoded as Ollama decodes it (UTF-16 with a byte order mark included); bytes that are no
    // Modelfile at all are named for what they are.
    const modelfile = read.decoded.text;
    if (read.decoded.suspect && firstModelfileProblem(parseModelfile(modelfile))) {
      throw new EngineError("badRequest", suspectModelfileMessage(read.decoded.suspect, file));
    }
    const view = createPullProgressView(progressStyleFor(false, process.stderr), {
      write: (text) => writeErr(text),
      columns: process.stderr.columns,
    });
    const engine = createEngine();
    try {
      // Warnings (an unknown RENDERER, a TEMPLATE that RENDERER overrides, a deprecated
      // parameter…) do not stop the model; say them, as ollama create does. Errors come from
      // storeCreate, which refuses the Modelfile.
      const installed = new Set((await engine.store.list()).map((model) => model.name));
      const validation = validateModelfile(modelfile, {
        baseDir: path.dirname(file),
        homeDir: os.homedir(),
        fileExists: (candidate) => fs.existsSync(candidate),
        isInstalledModel: (name) => installed.has(name),
        ollamaVersion: ollamaCompatibilityVersion,
      });
      const shownFile = path.relative(process.cwd(), file) || file;
      // What stops the model (an error, an empty FROM) comes from storeCreate below.
      for (const warning of validation.diagnostics.filter((diagnostic) => diagnostic.severity === "warning" && !blocksModelCreation(diagnostic))) {
        writeErr(`${localize("warning: {0}, line {1}: {2}", shownFile, warning.range.start.line + 1, warning.message)}\n`);
      }
      const manifest = await withInterrupt((signal) =>
        createModel(
          cliStoreScope(engine),
          { name: positionals[0]!, modelfile, baseDir: path.dirname(file) },
          (progress) => view.update(progress),
          signal,
        ),
      );
      view.finish();
      printLine(localize("Created {0} from {1}. Try it: hearth run {0}", manifest.name, path.relative(process.cwd(), file) || file));
      return 0;
    } finally {
      view.finish();
    }
  },
};
