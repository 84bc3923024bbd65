// `hearth ps`: the models loaded on this machine by any Hearth process (the extension's engine,
// a `hearth run`, a server), from the records they keep in <store>/run. Reads files only.
import type { LoadedModelInfo } from "../../common/engine/engineProtocol";
import { formatBytes } from "../../common/formatBytes";
import { localize, localizeById } from "../../common/localize";
import type { EngineKind } from "../../node/runningRegistry";
import { listRunningEngines } from "../../node/runningRegistry";
import { parseCommandArgs, requirePositionals } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { printJson, printLine } from "../cliContext";
import { storeRootFromEnvironment } from "../../node/storeRoot";
import { formatRelativeTime, formatTable } from "../cliFormat";

const help = (): string => localizeById("cli.help.ps");

/** "100% CPU", "100% GPU" or "30%/70% CPU/GPU", from where the estimated memory lies. */
export function processorText(info: LoadedModelInfo): string {
  if (info.gpuLayers <= 0 || info.memory.gpuVram <= 0) return "100% CPU";
  const total = info.memory.cpuRam + info.memory.gpuVram;
  const gpuShare = Math.round((info.memory.gpuVram / total) * 100);
  if (gpuShare >= 100) return "100% GPU";
  return `${100 - gpuShare}%/${gpuShare}% CPU/GPU`;
}

function kindText(kind: EngineKind): string {
  switch (kind) {
    case "extension":
      return localize("extension");
    case "cli":
      return localize("cli");
    case "server":
      return localize("server");
  }
}

export const psCommand: CliCommand = {
  name: "ps",
  aliases: [],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("ps", args, { json: { type: "boolean" } });
    if (values.help) {
      printLine(help());
      return 0;
    }
    requirePositionals("ps", positionals, 0, "hearth ps");
    const engines = listRunningEngines(storeRootFromEnvironment()).filter((record) => record.pid !== process.pid);
    if (values.json) {
      printJson(engines);
      return 0;
    }
    const rows = engines.flatMap((record) =>
      record.models.map((info) => [
        info.name,
        formatBytes(info.memory.cpuRam + info.memory.gpuVram),
        processorText(info),
        localize("{0}, pid {1}", kindText(record.kind), record.pid),
        formatRelativeTime(info.loadedAt),
      ]),
    );
    if (rows.length === 0) {
      printLine(localize("No model is loaded on this machine."));
      return 0;
    }
    printLine(formatTable([localize("NAME"), localize("SIZE"), localize("PROCESSOR"), localize("LOADED BY"), localize("SINCE")], rows));
    return 0;
  },
};
