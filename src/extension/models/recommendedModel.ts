// The catalogue's code model that fits this machine: what first run offers to download, and what
// the model picker and `@hearth` suggest while nothing is installed.
import * as vscode from "vscode";
import { formatBytes } from "../../common/formatBytes";
import { modelCatalogue, recommendationReason, recommendModel } from "../../common/models/modelCatalogue";
import { thisMachine } from "../../node/machine";

/** The code model that suits this machine best (memory and CPU; the smallest one when none fits), and why. */
export function recommendedCodeModel(): { entry: (typeof modelCatalogue)[number]; fits: boolean; reason: string | null } {
  const machine = thisMachine();
  const fitting = recommendModel("code", machine);
  if (fitting) return { entry: fitting, fits: true, reason: recommendationReason(fitting, machine) };
  const smallest = [...modelCatalogue]
    .filter((entry) => entry.purpose === "code")
    .sort((a, b) => a.approxSizeBytes - b.approxSizeBytes)[0]!;
  return { entry: smallest, fits: false, reason: null };
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
