// `hearth list` (`ls`): the installed models, aligned like `ollama list`; damaged entries with what
// is wrong, unfinished downloads that a pull would resume. `--json` for scripts.
import { formatBytes } from "../../common/formatBytes";
import { localize, localizeById } from "../../common/localize";
import type { StoredModel } from "../../common/models/modelManifest";
import { parseCommandArgs, requirePositionals } from "../cliArgs";
import type { CliCommand } from "../cliCommand";
import { createEngine, printJson, printLine } from "../cliContext";
import { formatParameters, formatRelativeTime, formatTable } from "../cliFormat";
import { listStore } from "../../engine/models/storeOperations";

const help = (): string => localizeById("cli.help.list");

function statusText(model: StoredModel): string {
  return model.status === "corrupt" ? localize("damaged manifest") : localize("file missing or damaged");
}

function row(model: StoredModel): string[] {
  const manifest = model.manifest;
  const gguf = manifest?.gguf ?? null;
  if (model.status !== "ok" || !manifest) {
    return [model.name, manifest ? formatBytes(manifest.sizeBytes) : "-", "-", "-", "-", `(${statusText(model)})`];
  }
  const created = Date.parse(manifest.createdAt);
  return [
    model.name,
    formatBytes(manifest.sizeBytes),
    gguf?.quantization ?? "-",
    formatParameters(gguf?.parameters),
    gguf?.contextLength ? String(gguf.contextLength) : "-",
    Number.isFinite(created) ? formatRelativeTime(created) : "-",
  ];
}

export const listCommand: CliCommand = {
  name: "list",
  aliases: ["ls"],
  help,
  async run(args) {
    const { values, positionals } = parseCommandArgs("list", args, { json: { type: "boolean" } });
    if (values.help) {
      printLine(help());
      return 0;
    }
    requirePositionals("list", positionals, 0, "hearth list");
    const engine = createEngine();
    const listed = await listStore(engine.store);
    if (values.json) {
      printJson(listed);
      return 0;
    }
    if (listed.models.length === 0 && listed.partials.length === 0) {
      printLine(localize("No models are installed in {0}. Get one with: hearth pull {1} (hearth catalogue lists more).", listed.root, "qwen2.5-coder:1.5b"));
      return 0;
    }
    if (listed.models.length > 0) {
      printLine(
        formatTable(
          [localize("NAME"), localize("SIZE"), localize("QUANT"), localize("PARAMS"), localize("CONTEXT"), localize("MODIFIED")],
          listed.models.map(row),
        ),
      );
    }
    const damaged = listed.models.filter((model) => model.status !== "ok");
    if (damaged.length > 0) {
      printLine();
      printLine(localize("Damaged entries (hearth repair removes them; pulling or importing again replaces them):"));
      for (const model of damaged) printLine(`  ${model.name}: ${model.problem ?? statusText(model)}`);
    }
    if (listed.partials.length > 0) {
      printLine();
      printLine(localize("Unfinished downloads (hearth pull resumes them):"));
      for (const partial of listed.partials) {
        const size =
          partial.totalBytes === null
            ? formatBytes(partial.completedBytes)
            : `${formatBytes(partial.completedBytes)}/${formatBytes(partial.totalBytes)}`;
        printLine(`  ${partial.url}  ${size}${partial.active ? `  (${localize("downloading now")})` : ""}`);
      }
    }
    return 0;
  },
};
