// "Hearth: Repair Model Store": removes entries whose file is missing or damaged, files no model
// uses, and old unfinished downloads; says what it removed and what came free.
import * as vscode from "vscode";
import { formatBytes } from "../../common/formatBytes";
import type { RepairReport } from "../../common/models/modelManifest";
import type { EngineService } from "../engineHost/engineService";

/** `{ confirm: false }` (from code only) skips the question about damaged entries. */
export async function repairStoreCommand(engine: EngineService, argument?: unknown): Promise<RepairReport | undefined> {
  const skipConfirmation =
    typeof argument === "object" && argument !== null && (argument as { confirm?: unknown }).confirm === false;
  const list = await engine.storeList();
  const damaged = list.models.filter((model) => model.status !== "ok");
  if (damaged.length > 0 && !skipConfirmation) {
    const repair = vscode.l10n.t("Repair");
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t("Repair the model store in {0}?", list.root),
      {
        modal: true,
        detail: vscode.l10n.t(
          "These entries are damaged and will be removed: {0}. Files no model uses, old temporary files and downloads interrupted more than a week ago are deleted too. Models that are fine are not touched.",
          damaged.map((model) => model.name).join(", "),
        ),
      },
      repair,
    );
    if (choice !== repair) return undefined;
  }
  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Hearth: repairing the model store…") },
    () => engine.repairStore(),
  );
  const removed = report.removedManifests.length + report.removedBlobs.length + report.removedTempFiles.length;
  if (removed === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t("The model store in {0} is in order: nothing needed repair.", list.root),
    );
  } else {
    const names = report.removedManifests.map((entry) => entry.name).join(", ");
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        "Repaired the model store: removed {0} damaged entries{1}, {2} unused files and {3} temporary files; {4} of disk space is free again. Pull a removed model again to use it.",
        report.removedManifests.length,
        names ? ` (${names})` : "",
        report.removedBlobs.length,
        report.removedTempFiles.length,
        formatBytes(report.freedBytes),
      ),
    );
  }
  return report;
}
