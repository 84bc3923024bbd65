// `hearth import FILE.gguf [NAME]`: adds a local GGUF file to the store, copied or (`--link`) linked.
import { EngineError } from "../../common/engine/engineError";
import { formatBytes } from "../../common/formatBytes";
import { localize, localizeById } from "../../common/localize";
import { parseCommandArgs, UsageError } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printLine, withInterrupt } from "../cliContext";

const help = (): string => localizeById("cli.help.import");

export const importCommand: CliCommand = {
  name: "import",
  aliases: [],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("import", args, { link: { type: "boolean" } });
    if (values.help) {
      printLine(help());
      return 0;
    }
    if (positionals.length < 1 || positionals.length > 2) {
      throw new UsageError(localize("hearth import needs a file and at most one name: hearth import FILE.gguf [NAME]"), "import");
    }
    const engine = createEngine();
    const manifest = await withInterrupt(async (signal) => {
      try {
        return await engine.store.importFile(positionals[0]!, positionals[1] || undefined, { mode: values.link ? "link" : "copy", signal });
      } catch (error) {
        if (signal.aborted) throw new EngineError("cancelled", localize("The import was cancelled; nothing was added."));
        throw error;
      }
    });
    printLine(localize("Imported {0} as {1} ({2}).", positionals[0]!, manifest.name, formatBytes(manifest.sizeBytes)));
    return 0;
  },
};
