import * as vscode from "vscode";
import type { DownloadEndpoints } from "../common/models/modelCatalogue";
import type { HearthSettings, SettingKey } from "../common/settings";
import { resolveSettings, settingKeys, settingsSchema } from "../common/settings";

/** The one typed accessor for `hearth.*` settings. */
export function readSettings(): HearthSettings {
  const configuration = vscode.workspace.getConfiguration("hearth");
  return resolveSettings((key) => configuration.get(key));
}

/** The keys among those changed in `event` whose new value only takes effect after an engine restart. */
export function restartKeysAffected(event: vscode.ConfigurationChangeEvent): SettingKey[] {
  return settingKeys.filter(
    (key) => settingsSchema[key].requiresRestart && event.affectsConfiguration(`hearth.${key}`),
  );
}

/** The download endpoints the engine is started with (a Hugging Face mirror, ModelScope). */
export function downloadEndpoints(): DownloadEndpoints {
  const settings = readSettings();
  return {
    huggingFaceEndpoint: settings.downloadEndpoint.trim(),
    modelScopeEndpoint: settings.modelScopeEndpoint.trim(),
  };
}
