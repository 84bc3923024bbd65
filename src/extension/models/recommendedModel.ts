// The catalogue's code model that fits this machine: what first run offers to download, and what
// the model picker and `@hearth` suggest while nothing is installed.
import * as os from "node:os";
import * as vscode from "vscode";
import { formatBytes } from "../../common/formatBytes";
import { modelCatalogue, recommendModel } from "../../common/models/modelCatalogue";

/** The code model that fits this machine best (the smallest one when none fits). */
export function recommendedCodeModel(): { entry: (typeof modelCatalogue)[number]; fits: boolean } {
  const fitting = recommendModel("code", os.totalmem());
  if (fitting) return { entry: fitting, fits: true };
  const smallest = [...modelCatalogue]
    .filter((entry) => entry.purpose === "code")
    .sort((a, b) => a.approxSizeBytes - b.approxSizeBytes)[0]!;
  return { entry: smallest, fits: false };
}

/** What the user is told when a question needs a model and none is installed. */
export function noModelInstalledText(): string {
  const { entry } = recommendedCodeModel();
  return vscode.l10n.t(
    "No model is installed yet. Download the one recommended for this machine, {0} ({1}), or load a GGUF file you already have.",
    entry.name,
    formatBytes(entry.approxSizeBytes),
  );
}
