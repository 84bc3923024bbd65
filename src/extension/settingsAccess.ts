import * as vscode from "vscode";
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
