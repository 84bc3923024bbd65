// `hearth catalogue [WORD]`: the recommended models, what each is for, its size and
// licence, which are installed, and the best fit for this machine's memory per purpose.
import { thisMachine } from "../../node/machine";
import { formatBytes } from "../../common/formatBytes";
import { localize, localizeById } from "../../common/localize";
import type { CatalogueEntry } from "../../common/models/modelCatalogue";
import { modelCatalogue, recommendModel } from "../../common/models/modelCatalogue";
import type { ModelPurpose } from "../../common/models/modelManifest";
import { modelPurposes } from "../../common/models/modelManifest";
import { parseCommandArgs } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printJson, printLine } from "../cliContext";
import { formatTable } from "../cliFormat";

const help = (): string => localizeById("cli.help.catalogue");

export function purposeText(purpose: ModelPurpose): string {
  switch (purpose) {
    case "code":
      return localize("code");
    case "chat":
      return localize("chat");
    case "embedding":
      return localize("embedding");
    case "reranker":
      return localize("reranker");
  }
}

function matches(entry: CatalogueEntry, word: string): boolean {
  const needle = word.toLowerCase();
  return [entry.name, entry.purpose, purposeText(entry.purpose), entry.description, entry.license, entry.source.repo].some((text) =>
    text.toLowerCase().includes(needle),
  );
}

export const catalogueCommand: CliCommand = {
  name: "catalogue",
  aliases: ["catalog"],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("catalogue", args, { json: { type: "boolean" } });
    if (values.help) {
      printLine(help());
      return 0;
    }
    const words = positionals.map((word) => word.trim()).filter((word) => word !== "");
    const machine = thisMachine();
    const totalMemory = machine.totalMemoryBytes;
    const recommended = new Map<ModelPurpose, CatalogueEntry | null>(
      modelPurposes.map((purpose) => [purpose, recommendModel(purpose, machine)]),
    );
    const bestNames = new Set([...recommended.values()].flatMap((entry) => (entry ? [entry.name] : [])));
    const installed = new Set(
      (await createEngine().store.list()).filter((model) => model.status === "ok").map((model) => model.name),
    );
    const entries = modelCatalogue.filter((entry) => words.every((word) => matches(entry, word)));
    if (values.json) {
      printJson({
        totalMemoryBytes: totalMemory,
        recommended: Object.fromEntries([...recommended].map(([purpose, entry]) => [purpose, entry?.name ?? null])),
        models: entries.map((entry) => ({ ...entry, installed: installed.has(entry.name), bestFit: bestNames.has(entry.name) })),
      });
      return 0;
    }
    if (entries.length === 0) {
      printLine(localize("No catalogue model matches \"{0}\".", words.join(" ")));
      return 1;
    }
    printLine(
      formatTable(
        ["", localize("NAME"), localize("PURPOSE"), localize("SIZE"), localize("MEMORY"), localize("LICENSE"), localize("DESCRIPTION")],
        entries.map((entry) => [
          `${bestNames.has(entry.name) ? "★" : " "}${installed.has(entry.name) ? "✓" : " "}`,
          entry.name,
          purposeText(entry.purpose),
          `~${formatBytes(entry.approxSizeBytes)}`,
          formatBytes(entry.minMemoryBytes),
          entry.license,
          entry.description,
        ]),
      ),
    );
    printLine();
    const best = [...recommended]
      .flatMap(([purpose, entry]) => (entry ? [`${entry.name} (${purposeText(purpose)})`] : []))
      .join(", ");
    printLine(
      best
        ? localize("Best fit for this machine ({0} of memory): {1}.", formatBytes(totalMemory), best)
        : localize("This machine ({0} of memory) has too little memory for the catalogue's models.", formatBytes(totalMemory)),
    );
    printLine(localize("Pull one with: hearth pull NAME"));
    return 0;
  },
};
