// `hearth cp SOURCE TARGET`: a second name for an installed model's file, like `ollama cp`.
import { localize } from "../../common/localize";
import { parseCommandArgs, requirePositionals } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printLine } from "../cliContext";

const help = (): string =>
  localize(`Usage: hearth cp SOURCE TARGET [options]

Gives the installed model SOURCE a second name, TARGET (family:tag). Both names use the same
file; removing one leaves the other.

Options:
  -h, --help           Show this help.`);

export const copyCommand: CliCommand = {
  name: "cp",
  aliases: ["copy"],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("cp", args, {});
    if (values.help) {
      printLine(help());
      return 0;
    }
    requirePositionals("cp", positionals, 2, "hearth cp SOURCE TARGET");
    const engine = createEngine();
    const manifest = await engine.store.copy(positionals[0]!, positionals[1]!);
    printLine(localize("Copied {0} to {1}.", positionals[0]!, manifest.name));
    return 0;
  },
};
