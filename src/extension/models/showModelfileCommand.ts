// "Hearth: Show Modelfile": a model's Modelfile (as `ollama show --modelfile`) in an untitled
// editor in the Modelfile language, so it can be edited and made into a new model with the
// "Create Model" CodeLens. A profile shows its instructions; a plain model `FROM` its name.
import * as vscode from "vscode";
import type { StoredModel } from "../../common/models/modelManifest";
import { formatModelName, tryParseModelName } from "../../common/models/modelName";
import { shownModelfile } from "../../common/modelfile/shownModelfile";
import type { EngineService } from "../engineHost/engineService";
import { isModelPath } from "../../common/models/modelName";
import { modelNameOf } from "./modelsTreeView";

/** `argument`: a model's name, a `.gguf` path or a Models view node; without one, asks which model. */
export async function showModelfileCommand(engine: EngineService, argument?: unknown): Promise<vscode.TextDocument | undefined> {
  const given = modelNameOf(argument);
  let content: string;
  if (given && isModelPath(given)) {
    // A model loaded from a file, not installed: its Modelfile is that file.
    content = shownModelfile(given);
  } else {
    const list = await engine.storeList();
    const usable = list.models.filter((model) => model.manifest !== null);
    const model = given ? findModel(usable, given) : await pickModel(usable);
    if (!model) {
      if (given) {
        void vscode.window.showWarningMessage(
          vscode.l10n.t("{0} is not installed in {1} (or its manifest is damaged), so it has no Modelfile to show. The Models view lists what is installed.", given, list.root),
        );
      }
      return undefined;
    }
    content = shownModelfile(model);
  }
  const document = await vscode.workspace.openTextDocument({ language: "modelfile", content });
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

function findModel(models: readonly StoredModel[], name: string): StoredModel | undefined {
  const parsed = tryParseModelName(name);
  const canonical = parsed ? formatModelName(parsed) : name;
  return models.find((model) => model.name === name || model.name === canonical);
}

async function pickModel(models: readonly StoredModel[]): Promise<StoredModel | undefined> {
  if (models.length === 0) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t("No model is installed yet. Pull one (\"Hearth: Pull Model…\"), import a GGUF file or create one from a Modelfile first."),
    );
    return undefined;
  }
  // Profiles first: theirs is the Modelfile worth reading.
  const sorted = [...models].sort((a, b) => Number(b.manifest?.profile !== undefined) - Number(a.manifest?.profile !== undefined));
  const picked = await vscode.window.showQuickPick(
    sorted.map((model) => ({
      label: `${model.manifest?.profile ? "$(file-code)" : "$(package)"} ${model.name}`,
      description: model.manifest?.profile ? vscode.l10n.t("from {0}", model.manifest.profile.from) : "",
      model,
    })),
    { title: vscode.l10n.t("Hearth: Show Modelfile"), placeHolder: vscode.l10n.t("Choose the model whose Modelfile to open") },
  );
  return picked?.model;
}
