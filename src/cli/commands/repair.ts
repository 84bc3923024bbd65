// `hearth repair`: removes damaged entries, files no model uses, old temp files and abandoned
// downloads from the store, and says what it removed.
import { formatBytes } from "../../common/formatBytes";
import { localize, localizeById } from "../../common/localize";
import { parseCommandArgs, requirePositionals } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printJson, printLine } from "../cliContext";

const help = (): string => localizeById("cli.help.repair");

export const repairCommand: CliCommand = {
  name: "repair",
  aliases: [],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("repair", args, { json: { type: "boolean" } });
    if (values.help) {
      printLine(help());
      return 0;
    }
    requirePositionals("repair", positionals, 0, "hearth repair");
    const engine = createEngine();
    const report = await engine.store.repair();
    if (values.json) {
      printJson(report);
      return 0;
    }
    const nothing =
      report.removedManifests.length === 0 && report.removedBlobs.length === 0 && report.removedTempFiles.length === 0;
    if (nothing) {
      printLine(localize("The store in {0} is in order; nothing to repair.", engine.store.root));
      return 0;
    }
    for (const removed of report.removedManifests) printLine(localize("Removed the entry {0}: {1}", removed.name, removed.reason));
    for (const blob of report.removedBlobs) printLine(localize("Deleted a model file no entry uses: {0}", blob));
    if (report.removedTempFiles.length > 0) {
      printLine(localize("Deleted {0} leftover temporary or abandoned download file(s).", report.removedTempFiles.length));
    }
    printLine(localize("Freed {0}.", formatBytes(report.freedBytes)));
    return 0;
  },
};
