// Restricted Mode (package.json capabilities.untrustedWorkspaces: "limited"). In a workspace the
// user has not trusted, Hearth runs no git (a repository's own configuration can name programs git
// runs, such as core.fsmonitor) and creates no model from the workspace's Modelfiles (their FROM
// and ADAPTER lines read files anywhere on this computer). Chat, the index and reviews of
// selections and files work as usual.
import * as vscode from "vscode";

/** Whether git may run in this window. */
export function gitAllowed(): boolean {
  return vscode.workspace.isTrusted;
}

/**
 * True in a trusted workspace. Otherwise says why `what` is not done, offers to manage the
 * workspace's trust, and answers false.
 */
export function requireTrust(why: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  const manage = vscode.l10n.t("Manage Workspace Trust");
  void vscode.window.showWarningMessage(why, manage).then((choice) => {
    if (choice === manage) void vscode.commands.executeCommand("workbench.trust.manage");
  });
  return false;
}
