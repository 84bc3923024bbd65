// Activation: registers commands, the status bar and the log. Nothing heavy happens here: the
// engine process starts on the first request that needs it.
import * as vscode from "vscode";
import { normalizeLocale } from "../common/localize";
import { errorText } from "../common/engine/engineError";
import { ChatPipeline } from "./chat/chatPipeline";
import { ChatViewProvider } from "./chat/chatViewProvider";
import { registerChatParticipant } from "./chat/chatParticipant";
import type { HearthChatParticipant } from "./chat/chatParticipant";
import { registerModelfileLanguage } from "./modelfile/modelfileLanguage";
import { chatWithModelfileCommand, createModelCommand, ModelfileCodeLensProvider } from "./modelfile/modelfileCommands";
import { applyCustomCatalogue } from "../node/customCatalogue";
import { applyLocale } from "../node/messageBundles";
import { EngineService } from "./engineHost/engineService";
import { pullRecommendedCommand, setRecommendedModelContext } from "./models/gettingStarted";
import { importModelCommand } from "./models/importModelCommand";
import { loadWithProgress } from "./models/modelLoading";
import { LicenceGate } from "./models/licenceGate";
import { LocalApiController } from "./api/localApi";
import { RemoteChat } from "./chat/remoteChat";
import { showLoadedModelsCommand } from "./models/loadedModelsCommand";
import { pickAndLoadModel } from "./models/loadModelCommand";
import { showModelDetailsCommand } from "./models/modelDetailsCommand";
import { showModelfileCommand } from "./models/showModelfileCommand";
import { showModelInfoCommand } from "./models/modelInfoCommand";
import { selectModelCommand } from "./models/modelPicker";
import { isModelsNode, modelNameOf, ModelsTreeProvider } from "./models/modelsTreeView";
import { openModelsFolderCommand } from "./models/openModelsFolderCommand";
import { pullModelCommand } from "./models/pullModelCommand";
import { PullTracker } from "./models/pullTracker";
import { removeModelCommand } from "./models/removeModelCommand";
import { repairStoreCommand } from "./models/repairStoreCommand";
import { ReviewComments } from "./review/reviewComments";
import { runReviewCommand } from "./review/reviewCommands";
import { runPromptCommand } from "./chat/runPromptCommand";
import { moveRenamedSettings, readSettings, restartKeysAffected } from "./settingsAccess";
import { StatusBarController } from "./statusBar";
import { registerReadOnlyPages } from "./readOnlyPages";
import { statusMenuCommand } from "./statusMenuCommand";
import { showEngineError } from "./errorMessages";
import { WorkspaceIndexController } from "./index/workspaceIndex";
import { CompletionFeature } from "./completion/completionFeature";
import { WorkspaceData } from "./workspaceData";
import { registerLanguageModels } from "./languageModels/languageModels";
import type { HearthChatModelProvider } from "./languageModels/chatModelProvider";

/** What the extension exports: used by its integration tests and by other extensions. */
export interface HearthApi {
  readonly engine: EngineService;
  readonly statusBar: StatusBarController;
  readonly chat: ChatViewProvider;
  readonly models: ModelsTreeProvider;
  readonly pulls: PullTracker;
  readonly licences: LicenceGate;
  /** `@hearth` in VS Code's chat (registered where the host has the chat API). */
  readonly participant: HearthChatParticipant;
  /** Review findings shown as comment threads and diagnostics. */
  readonly review: ReviewComments;
  /** The workspace index: Index Workspace and its commands, file watchers, @workspace's passages. */
  readonly workspaceIndex: WorkspaceIndexController;
  /** Code completion as you type: the provider, its model and its status-bar item. */
  readonly completion: CompletionFeature;
  /** Hearth's models in VS Code's model picker; undefined where VS Code lacks the API (before 1.104). */
  readonly languageModels: HearthChatModelProvider | undefined;
}

let engineService: EngineService | undefined;
let chatView: ChatViewProvider | undefined;

export function activate(context: vscode.ExtensionContext): HearthApi | undefined {
  try {
    const localeProblem = applyLocale(normalizeLocale(vscode.env.language));
    const log = vscode.window.createOutputChannel("Hearth", { log: true });
    context.subscriptions.push(log);
    if (localeProblem) log.warn(localeProblem);
    // Not awaited: reading falls back to the old keys until the move is written.
    void moveRenamedSettings((line) => log.info(line));
    context.subscriptions.push(registerReadOnlyPages());
    const statusBar = new StatusBarController();
    context.subscriptions.push(statusBar);
    const engine = new EngineService(context, log, statusBar);
    engineService = engine;
    context.subscriptions.push({ dispose: () => void engine.dispose() });
    const licences = new LicenceGate(engine, context.globalState, log);
    engine.beforeLoad = (modelPath) => licences.check(modelPath);
    context.subscriptions.push(licences);

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

    const pulls = new PullTracker();

    // Cancel Download is offered in the palette only while a download runs in this window.

    context.subscriptions.push(pulls.onDidChange(() => void vscode.commands.executeCommand("setContext", "hearth.downloading", pulls.active.length > 0)));
    const models = new ModelsTreeProvider(engine, pulls, log);
    context.subscriptions.push(
      pulls,
      models,
      vscode.window.createTreeView(ModelsTreeProvider.viewId, { treeDataProvider: models, showCollapseAll: false }),
    );
    applyCatalogueSetting();
    setRecommendedModelContext();

    registerModelfileLanguage(context);
    context.subscriptions.push(vscode.languages.registerCodeLensProvider({ language: "modelfile" }, new ModelfileCodeLensProvider()));
    // One pipeline (references, attachments, budget, prompt, engine) for the Chat view and @hearth.
    const pipeline = new ChatPipeline(engine);
    // Conversations and the index, in the workspace's own folder under Hearth's home (every window on it shares them).
    const workspaceData = new WorkspaceData(context, log);
    const chat = new ChatViewProvider(context, engine, pipeline, pulls, log, workspaceData);
    chatView = chat;
    context.subscriptions.push(
      chat,
      vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, chat, {
        webviewOptions: { retainContextWhenHidden: false },
      }),
    );

    const participant = registerChatParticipant(context, engine, pipeline, log);

    register("hearth.openChat", () => chat.focusComposer());
    register("hearth.newChat", () => chat.newChat());
    register("hearth.openChatInEditor", () => chat.openInEditor());
    register("hearth.askAboutSelection", () => chat.askAboutSelection());
    register("hearth.attachContext", () => chat.attachContext("pick"));
    register("hearth.showChatHistory", () => chat.showHistory());
    const review = new ReviewComments();
    context.subscriptions.push(review);
    // A review's summary goes to its notification and the log, not into whatever conversation is open.
    const summarize = (text: string): void => log.info(`review: ${text}`);
    const reviewLog = (line: string): void => log.info(line);
    register("hearth.reviewSelection", (...args) => runReviewCommand("selection", engine, review, args, summarize, workspaceIndex, reviewLog));
    register("hearth.reviewFile", (...args) => runReviewCommand("file", engine, review, args, summarize, workspaceIndex, reviewLog));
    register("hearth.reviewStaged", (...args) => runReviewCommand("staged", engine, review, args, summarize, workspaceIndex, reviewLog));
    register("hearth.reviewWorkingTree", (...args) => runReviewCommand("workingTree", engine, review, args, summarize, workspaceIndex, reviewLog));
    register("hearth.reviewBranch", (...args) => runReviewCommand("branch", engine, review, args, summarize, workspaceIndex, reviewLog));
    register("hearth.clearReviewComments", () => review.clear());
    register("hearth.applyReviewFix", (target) => review.proposeFix(target as string | vscode.CommentThread | undefined));
    register("hearth.dismissReviewFinding", (target) => review.dismiss(target as string | vscode.CommentThread | undefined));
    register("hearth.loadModelFromFile", (target) => pickAndLoadModel(engine, target));
    register("hearth.runPrompt", (prompt) => runPromptCommand(engine, pulls, prompt));
    register("hearth.showModelInfo", (target) => showModelInfoCommand(engine, target));
    register("hearth.unloadModel", async (target) => {
      // From the Models view: the node's model (which may not be the active one); else the active model.
      let modelId: string | undefined;
      let name: string | undefined;
      if (isModelsNode(target) && target.kind === "loaded") {
        modelId = target.row.model.modelId;
        name = target.row.installedName ?? target.row.model.name;
      } else if (isModelsNode(target) && target.kind === "installed" && target.row.loaded) {
        modelId = target.row.loaded.modelId;
        name = target.row.stored.name;
      }
      name ??= engine.activeModel?.name;
      const unloaded = modelId ? await engine.unloadModelById(modelId) : await engine.unloadModel();
      void vscode.window.showInformationMessage(
        unloaded && name
          ? vscode.l10n.t("Unloaded {0}; its memory is free again.", name)
          : vscode.l10n.t("No model was loaded."),
      );
      return unloaded;
    });
    register("hearth.selectModel", (target) => selectModelCommand(engine, target));
    register("hearth.loadModel", (target) => selectModelCommand(engine, target));
    register("hearth.pullModel", (target) => pullModelCommand(engine, pulls, target));
    register("hearth.createModelFromModelfile", (target, name) => createModelCommand(engine, target, name));
    register("hearth.chatWithModelfile", (target, name) => chatWithModelfileCommand(engine, target, name));
    register("hearth.pullRecommended", () => pullRecommendedCommand(engine, pulls));
    register("hearth.resumeDownload", (target) => pullModelCommand(engine, pulls, target));
    register("hearth.removeModel", (target) => removeModelCommand(engine, target));
    register("hearth.showModel", (target) => showModelDetailsCommand(engine, target));
    register("hearth.showModelfile", (target) => showModelfileCommand(engine, target));
    register("hearth.showLoadedModels", (options) => showLoadedModelsCommand(engine, options));
    register("hearth.importModel", (target) => importModelCommand(engine, target));
    register("hearth.repairModelStore", (options) => repairStoreCommand(engine, options));
    register("hearth.openModelsFolder", (options) => openModelsFolderCommand(engine, options));
    register("hearth.refreshModels", () => models.refresh());
    register("hearth.openWalkthrough", () =>
      vscode.commands.executeCommand("workbench.action.openWalkthrough", `${context.extension.id}#gettingStarted`, false),
    );
    register("hearth.copyModelName", async (target) => {
      const name = modelNameOf(target);
      if (!name) return undefined;
      await vscode.env.clipboard.writeText(name);
      vscode.window.setStatusBarMessage(vscode.l10n.t("Copied {0} to the clipboard.", name), 3000);
      return name;
    });
    register("hearth.cancelDownload", async (target) => {
      if (isModelsNode(target) && target.kind === "download") return pulls.cancel(target.row.id);
      const running = pulls.active;
      if (running.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t("No download is running in this window."));
        return false;
      }
      const picked =
        running.length === 1
          ? running[0]
          : await vscode.window.showQuickPick(
              running.map((pull) => ({ label: pull.name, description: pull.reference, pull })),
              { title: vscode.l10n.t("Hearth: Cancel Download") },
            ).then((item) => item?.pull);
      return picked ? pulls.cancel(picked.id) : false;
    });
    register("hearth.restartEngine", async () => {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Hearth: restarting the engine…") },
        () => engine.restartEngine(),
      );
    });
    register("hearth.showLog", () => log.show(true));
    const workspaceIndex = new WorkspaceIndexController(workspaceData, engine, log);
    context.subscriptions.push(workspaceIndex);
    pipeline.setWorkspaceIndex(workspaceIndex);
    register("hearth.indexWorkspace", () => workspaceIndex.index(false));
    register("hearth.reindexWorkspace", () => workspaceIndex.index(true));
    register("hearth.clearIndex", () => workspaceIndex.clear());
    register("hearth.showIndexStatus", () => workspaceIndex.showStatus());
    const completion = new CompletionFeature(engine, workspaceIndex, log);
    context.subscriptions.push(completion);
    register("hearth.completionMenu", () => completion.menu());
    register("hearth.toggleCompletion", () => completion.setEnabled(!readSettings()["completion.enabled"]));
    register("hearth.snoozeCompletion", () => completion.snooze(15));
    // Hearth's models in VS Code's model picker (1.104+) and its search as a language-model tool.
    const languageModels = registerLanguageModels(context, engine, workspaceIndex, log);
    const localApi = new LocalApiController(engine, log, context.secrets);
    context.subscriptions.push(localApi);
    register("hearth.startApi", () => localApi.start());
    register("hearth.stopApi", () => localApi.stop());
    register("hearth.localApiMenu", () => localApi.menu());
    register("hearth.setLocalApiKey", () => localApi.setApiKey());
    const remoteChat = new RemoteChat(context.secrets);
    engine.remote = remoteChat;
    context.subscriptions.push(remoteChat.showIn(statusBar));
    register("hearth.setRemoteApiKey", () => remoteChat.setApiKey());
    if (readSettings()["api.startWithVSCode"]) {
      // Asked for by the user: the engine starts now rather than on first use.
      void localApi.start(false).catch((error: unknown) => {
        log.error(`local API: ${errorText(error)}`);
        void showEngineError(error);
      });
    }
    register("hearth.showMenu", () => statusMenuCommand(engine));

    context.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration(async (event) => {
        if (event.affectsConfiguration("hearth.catalogueFile")) {
          applyCatalogueSetting();
          setRecommendedModelContext();
        }
        const loaded = engine.activeModel;
        if (event.affectsConfiguration("hearth.contextSize") && loaded) {
          // A loaded model keeps the context it was loaded with: say so, and offer to load it again.
          const reload = vscode.l10n.t("Reload {0}", loaded.name);
          void vscode.window
            .showInformationMessage(
              vscode.l10n.t(
                "{0} keeps its {1}-token context until it is loaded again; models loaded from now on use hearth.contextSize. Reload it now?",
                loaded.name,
                loaded.contextSize,
              ),
              reload,
            )
            .then(async (choice) => {
              if (choice !== reload) return;
              await loadWithProgress(engine, loaded.storeName ?? loaded.modelPath);
            });
        }
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
    return { engine, statusBar, chat, models, pulls, licences, participant, review, workspaceIndex, completion, languageModels };
  } catch (error) {
    void vscode.window.showErrorMessage(
      vscode.l10n.t("Hearth could not start: {0}. Reload the window; if it happens again, report it with the Hearth log.", errorText(error)),
    );
    return undefined;
  }
}

/** The team catalogue from hearth.catalogueFile, applied in the extension (the engine reads it at start). */
function applyCatalogueSetting(): void {
  const problem = applyCustomCatalogue(readSettings().catalogueFile.trim());
  if (problem) void vscode.window.showWarningMessage(problem);
}

export async function deactivate(): Promise<void> {
  // A conversation's last words reach the disk before the window goes.
  await chatView?.flush().catch(() => undefined);
  chatView = undefined;
  const engine = engineService;
  engineService = undefined;
  await engine?.dispose();
}

