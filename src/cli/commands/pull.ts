// `hearth pull NAME|URI`: downloads a catalogue model, an `hf:`/`ms:` file or an https:// URL into
// the store, with a progress bar (stderr, when a terminal), plain lines (a log), or JSON lines
// (`--json`). Ctrl+C stops it; what arrived is kept and the next pull resumes from there.
import { formatBytes } from "../../common/formatBytes";
import { localize, localizeById } from "../../common/localize";
import type { PullResult } from "../../common/models/modelManifest";
import { parseCommandArgs, requirePositionals } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printLine, withInterrupt, writeErr, writeOut } from "../cliContext";
import { createPullProgressView, progressStyleFor } from "../progressBar";
import { pullModel } from "../../engine/models/storeOperations";
import { cliStoreScope } from "../cliContext";

const help = (): string => localizeById("cli.help.pull");

function summary(result: PullResult): string {
  const size = formatBytes(result.manifest.sizeBytes);
  if (result.alreadyInstalled) return localize("{0} is already installed ({1}).", result.name, size);
  if (result.resumedFromBytes > 0) {
    return localize("Pulled {0} ({1}), continuing an earlier download from {2}.", result.name, size, formatBytes(result.resumedFromBytes));
  }
  return localize("Pulled {0} ({1}).", result.name, size);
}

export const pullCommand: CliCommand = {
  name: "pull",
  aliases: [],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("pull", args, {
      name: { type: "string" },
      json: { type: "boolean" },
    });
    if (values.help) {
      printLine(help());
      return 0;
    }
    requirePositionals("pull", positionals, 1, "hearth pull NAME|URI");
    const reference = positionals[0]!;
    const json = values.json === true;
    const style = progressStyleFor(json, process.stderr);
    const view = createPullProgressView(style, {
      write: json ? (text) => writeOut(text) : (text) => writeErr(text),
      columns: process.stderr.columns,
    });
    const engine = createEngine();
    let result: PullResult;
    try {
      result = await withInterrupt((signal) =>
        pullModel(cliStoreScope(engine), { reference, ...(values.name ? { name: values.name } : {}) }, (progress) => view.update(progress), signal),
      );
    } finally {
      view.finish();
    }
    if (json) writeOut(`${JSON.stringify({ event: "result", ...result })}\n`);
    else printLine(summary(result));
    return 0;
  },
};
