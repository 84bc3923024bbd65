import * as vscode from "vscode";
import type { DownloadEndpoints } from "../common/models/modelCatalogue";
import type { HearthSettings, SettingKey } from "../common/settings";
import { renamedSettings, resolveSettings, settingKeys, settingsSchema } from "../common/settings";

/** The one typed accessor for `hearth.*` settings. */
export function readSettings(): HearthSettings {
  const configuration = vscode.workspace.getConfiguration("hearth");
  return resolveSettings(
    (key) => configuration.get(key),
    (key) => {
      const info = configuration.inspect(key);
      return info !== undefined && (info.globalValue !== undefined || info.workspaceValue !== undefined || info.workspaceFolderValue !== undefined);
    },
  );
}

/**
 * Moves the values of renamed settings (hearth.rag.* became hearth.index.*) to their new keys, in
 * user and workspace settings alike, where the new key is not set there yet; the old key is then
 * cleared, so the Settings editor shows one setting. Reading falls back to the old key meanwhile
 * (readSettings), so a value that cannot be moved (a read-only settings file) still applies.
 */
export async function moveRenamedSettings(log: (message: string) => void): Promise<void> {
  const configuration = vscode.workspace.getConfiguration("hearth");
  for (const { key, from } of renamedSettings()) {
    const old = configuration.inspect(from);
    const current = configuration.inspect(key);
    if (!old) continue;
    const targets: Array<[unknown, unknown, vscode.ConfigurationTarget]> = [[old.globalValue, current?.globalValue, vscode.ConfigurationTarget.Global]];
    // A machine-scoped setting has no workspace value VS Code would apply: nothing to move there.
    if (settingsSchema[key].scope !== "machine") targets.push([old.workspaceValue, current?.workspaceValue, vscode.ConfigurationTarget.Workspace]);
    for (const [value, existing, target] of targets) {
      if (value === undefined) continue;
      try {
        if (existing === undefined) await configuration.update(key, value, target);
        await configuration.update(from, undefined, target);
        log(`settings: hearth.${from} is now hearth.${key}; moved its ${target === vscode.ConfigurationTarget.Global ? "user" : "workspace"} value`);
      } catch (error) {
        log(`settings: could not move hearth.${from} to hearth.${key}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
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
