// `hearth cp SOURCE TARGET`: a second name for an installed model's file, like `ollama cp`.
import { localize, localizeById } from "../../common/localize";
import { parseCommandArgs, requirePositionals } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printLine } from "../cliContext";

const help = (): string => localizeById("cli.help.cp");

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
