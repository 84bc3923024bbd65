// `hearth rm NAME...` (`remove`): removes models from the store; the file goes when no other name
// uses it. An unknown name is reported and the others are still removed; the exit code is 1.
import { errorText } from "../../common/engine/engineError";
import { formatBytes } from "../../common/formatBytes";
import { localize, localizeById } from "../../common/localize";
import { parseCommandArgs, requirePositionals } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printLine, writeErr } from "../cliContext";
import { removeModel } from "../../engine/models/storeOperations";
import { cliStoreScope } from "../cliContext";

const help = (): string => localizeById("cli.help.rm");

export const removeCommand: CliCommand = {
  name: "rm",
  aliases: ["remove"],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("rm", args, {});
    if (values.help) {
      printLine(help());
      return 0;
    }
    requirePositionals("rm", positionals, 1, "hearth rm NAME...", true);
    const engine = createEngine();
    let failed = false;
    for (const name of positionals) {
      try {
        const result = await removeModel(cliStoreScope(engine), { name });
        if (result.blobRemoved) printLine(localize("Removed {0} (freed {1}).", result.name, formatBytes(result.freedBytes)));
        else if (result.problem) printLine(localize("Removed {0}. {1}", result.name, result.problem));
        else printLine(localize("Removed {0} (its file is still used by another name).", result.name));
      } catch (error) {
        failed = true;
        writeErr(`${localize("Error: {0}", errorText(error))}\n`);
      }
    }
    return failed ? 1 : 0;
  },
};
