// `hearth show MODEL`: what a model is, read from its GGUF header without loading it:
// architecture, parameters, quantization, context and embedding length, licence, chat template,
// and whether it fits this machine at a context size (`--ctx`). `--template` and `--license`
// print just that; `--json` everything.
import { modelfileFromProfile } from "../../common/models/modelProfile";
import type { ModelInspection } from "../../common/engine/engineProtocol";
import { EngineError } from "../../common/engine/engineError";
import { formatBytes } from "../../common/formatBytes";
import { localize, localizeById } from "../../common/localize";
import { findCatalogueEntry, findCatalogueEntryBySource } from "../../common/models/modelCatalogue";
import type { StoredModel } from "../../common/models/modelManifest";
import { parseModelReference, storeNameForReference } from "../../common/models/modelName";
import { parseCommandArgs, parseNumber, requirePositionals } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printJson, printLine, writeOut } from "../cliContext";
import { displayWidth, formatParameters, padEnd } from "../cliFormat";
import { showStoredModel } from "../../engine/models/storeOperations";
import { cliStoreScope } from "../cliContext";
import { isModelPath } from "../../common/models/modelName";

const help = (): string => localizeById("cli.help.show");


/** The licence the file states, else the one the catalogue records for where it came from. */
function licenseOf(inspection: ModelInspection, model: StoredModel | null): string | null {
  if (inspection.license) return inspection.license;
  const source = model?.manifest?.source;
  if (!source) return null;
  try {
    if (source.kind === "catalogue") return findCatalogueEntry(source.uri)?.license ?? null;
    if (source.kind === "huggingFace") {
      const ref = parseModelReference(source.uri);
      if (ref.kind === "huggingFace") return findCatalogueEntryBySource(ref.repo, ref.file)?.license ?? null;
    }
  } catch {
    // an odd recorded source: no licence to add
  }
  return null;
}

function printSection(title: string, rows: Array<[string, string]>): void {
  printLine(`  ${title}`);
  const width = Math.max(...rows.map(([label]) => displayWidth(label)));
  for (const [label, value] of rows) printLine(`    ${padEnd(label, width)}   ${value}`);
  printLine();
}

function yesNo(value: boolean): string {
  return value ? localize("yes") : localize("no");
}

export const showCommand: CliCommand = {
  name: "show",
  aliases: [],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("show", args, {
      ctx: { type: "string" },
      template: { type: "boolean" },
      license: { type: "boolean" },
      modelfile: { type: "boolean" },
      json: { type: "boolean" },
    });
    if (values.help) {
      printLine(help());
      return 0;
    }
    requirePositionals("show", positionals, 1, "hearth show MODEL");
    const reference = positionals[0]!;
    const contextSize = parseNumber("ctx", values.ctx, true, "show");
    const engine = createEngine();
    try {
      let model: StoredModel | null = null;
      let inspection: ModelInspection | null;
      if (isModelPath(reference)) {
        inspection = await engine.inspect({ modelPath: reference, ...(contextSize !== undefined ? { contextSize } : {}) });
      } else {
        // `hf:`/`ms:`/URL references show the model they were pulled as.
        const ref = parseModelReference(reference);
        const name = ref.kind === "name" ? reference : storeNameForReference(ref);
        const shown = await showStoredModel(cliStoreScope(engine), { name, ...(contextSize !== undefined ? { contextSize } : {}) });
        model = shown.model;
        inspection = shown.inspection;
      }
      if (values.json) {
        printJson({ model, inspection: inspection && { ...inspection, license: licenseOf(inspection, model) } });
        return inspection ? 0 : 1;
      }
      if (!inspection) {
        throw new EngineError("invalidModel", localize("{0} cannot be used: {1}", model?.name ?? reference, model?.problem ?? model?.status ?? ""));
      }
      const name = model?.name ?? inspection.name;
      if (values.modelfile) {
        // As `ollama show --modelfile`: the Modelfile that recreates this model.
        const profile = model?.manifest?.profile;
        writeOut(
          profile
            ? modelfileFromProfile(profile, profile.from)
            : `FROM ${model?.name ?? inspection.modelPath}\n`,
        );
        return 0;
      }
      if (values.template) {
        if (!inspection.chatTemplate) throw new EngineError("notSupported", localize("{0} has no chat template.", name));
        writeOut(inspection.chatTemplate.endsWith("\n") ? inspection.chatTemplate : `${inspection.chatTemplate}\n`);
        return 0;
      }
      const license = licenseOf(inspection, model);
      if (values.license) {
        if (!license) throw new EngineError("notSupported", localize("{0} does not state a licence; check where it came from.", name));
        printLine(license);
        return 0;
      }
      const rows: Array<[string, string]> = [
        [localize("name"), name],
        [localize("architecture"), inspection.architecture],
        [localize("parameters"), formatParameters(inspection.parameters)],
        [localize("quantization"), inspection.quantization],
        [localize("context length"), inspection.trainContextSize === null ? "-" : String(inspection.trainContextSize)],
        [localize("embedding length"), inspection.embeddingLength === null ? "-" : String(inspection.embeddingLength)],
        [localize("layers"), String(inspection.layers)],
        [localize("chat template"), inspection.chatTemplate ? localize("yes (hearth show {0} --template prints it)", reference) : localize("no")],
        [localize("reranker"), yesNo(inspection.supportsRanking)],
        [localize("licence"), license ?? localize("not stated")],
        [localize("file"), `${inspection.modelPath} (${formatBytes(inspection.sizeBytes)})`],
      ];
      if (model?.manifest) {
        rows.push([localize("source"), model.manifest.source.uri]);
        rows.push([localize("sha256"), model.manifest.sha256]);
        rows.push([localize("purpose"), model.manifest.purpose]);
      }
      printLine();
      printSection(localize("Model"), rows);
      printLine(`  ${localize("Memory for a {0}-token context", inspection.fit.contextSize)}`);
      printLine(`    ${inspection.fit.summary}`);
      printLine();
      return 0;
    } finally {
      await engine.dispose();
    }
  },
};
