// Opens the Settings editor on a Hearth setting, in the tab where it can be set. In a remote window
// (code-server, SSH, WSL, a container) machine-scoped settings live in the remote's settings: the
// User tab would show "No Settings Found" for them.
import * as vscode from "vscode";
import type { SettingKey } from "../common/settings";
import { settingsSchema } from "../common/settings";

/** Whether `key` is set in the Remote tab of this window rather than the User tab. */
export function settingLivesInRemote(key: SettingKey): boolean {
  return settingsSchema[key].scope === "machine" && vscode.env.remoteName !== undefined;
}

/** Shows `hearth.<key>` (or every setting whose name starts so, e.g. "remote") where it can be changed. */
export async function openSetting(key: SettingKey | "remote" | "index" | "api"): Promise<void> {
  const machine = key in settingsSchema ? settingLivesInRemote(key as SettingKey) : vscode.env.remoteName !== undefined;
  const query = `hearth.${key}`;
  if (machine) {
    try {
      await vscode.commands.executeCommand("workbench.action.openRemoteSettings", { query });
      return;
    } catch {
      // An older VS Code without the remote settings command: the User tab is the next best.
    }
  }
  await vscode.commands.executeCommand("workbench.action.openSettings", query);
}
