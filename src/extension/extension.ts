// Activation: registers commands, the status bar and the log. Nothing heavy happens here: the
// engine process starts on the first request that needs it.
import * as vscode from "vscode";
import { setLocale, normalizeLocale } from "../common/localize";
import { errorText } from "../common/engineError";
import { ChatViewProvider } from "./chatViewProvider";
import { EngineService } from "./engineService";
import { pickAndLoadModel } from "./loadModelCommand";
import { showModelInfoCommand } from "./modelInfoCommand";
import { runPromptCommand } from "./runPromptCommand";
import { restartKeysAffected } from "./settingsAccess";
import { StatusBarController } from "./statusBar";
import { statusMenuCommand } from "./statusMenuCommand";
import { showEngineError } from "./errorMessages";

/** What the extension exports: used by its integration tests and by other extensions. */
export interface HearthApi {
  readonly engine: EngineService;
  readonly statusBar: StatusBarController;
  readonly chat: ChatViewProvider;
}

let engineService: EngineService | undefined;

export function activate(context: vscode.ExtensionContext): HearthApi | undefined {
  try {
    setLocale(normalizeLocale(vscode.env.language));
    const log = vscode.window.createOutputChannel("Hearth", { log: true });
    context.subscriptions.push(log);
    const statusBar = new StatusBarController();
    context.subscriptions.push(statusBar);
    const engine = new EngineService(context, log, statusBar);
    engineService = engine;
    context.subscriptions.push({ dispose: () => void engine.dispose() });

    const register = (command: string, handler: (...args: unknown[]) => unknown): void => {
      context.subscriptions.push(
        vscode.commands.registerCommand(command, async (...args: unknown[]) => {
          try {
            return await handler(...args);
          } catch (error) {
            log.error(`${command}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
            void showEngineError(error);
            return undefined;
          }
        }),
      );
    };

    const chat = new ChatViewProvider(context, engine);
    context.subscriptions.push(
      chat,
      vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, chat, {
        webviewOptions: { retainContextWhenHidden: false },
      }),
    );

    register("hearth.openChat", () => vscode.commands.executeCommand(`${ChatViewProvider.viewId}.focus`));
    register("hearth.newChat", () => chat.newChat());
    register("hearth.loadModelFromFile", (target) => pickAndLoadModel(engine, target));
    register("hearth.runPrompt", (prompt) => runPromptCommand(engine, prompt));
    register("hearth.showModelInfo", (target) => showModelInfoCommand(engine, target));
    register("hearth.unloadModel", async () => {
      const name = engine.activeModel?.name;
      const unloaded = await engine.unloadModel();
      void vscode.window.showInformationMessage(
        unloaded && name
          ? vscode.l10n.t("Unloaded {0}; its memory is free again.", name)
          : vscode.l10n.t("No model was loaded."),
      );
    });
    register("hearth.restartEngine", async () => {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Hearth: restarting the engine…") },
        () => engine.restartEngine(),
      );
    });
    register("hearth.showLog", () => log.show(true));
    register("hearth.showMenu", () => statusMenuCommand(engine));

    context.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration(async (event) => {
        const keys = restartKeysAffected(event);
        if (keys.length === 0 || !engine.enginePid) return;
        const restart = vscode.l10n.t("Restart Engine");
        const choice = await vscode.window.showInformationMessage(
          vscode.l10n.t(
            "The Hearth engine applies {0} when it restarts. Restart it now? The loaded model is reloaded.",
            keys.map((key) => `hearth.${key}`).join(", "),
          ),
          restart,
        );
        if (choice === restart) await vscode.commands.executeCommand("hearth.restartEngine");
      }),
    );

    log.info(`Hearth ${String(context.extension.packageJSON.version)} activated (VS Code ${vscode.version})`);
    return { engine, statusBar, chat };
  } catch (error) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t("Hearth could not start: {0}. Reload the window; if it happens again, report it with the Hearth log.", errorText(error)),
    );
    return undefined;
  }
}

export async function deactivate(): Promise<void> {
  const engine = engineService;
  engineService = undefined;
  await engine?.dispose();
}

