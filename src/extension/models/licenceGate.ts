// LICENSE shown before first use: before a model whose Modelfile has LICENSE loads for the first
// time, Hearth shows the licence and loads the model only once the user accepts it. Acceptances
// are remembered per model name and licence text (src/common/models/licenceAcceptance.ts) in
// globalState, so each is asked once, and again only when the text changes. EngineService calls
// `check` at the start of every load (its `beforeLoad` hook), so every way of loading — the
// picker, the Models view, the chat, Run Prompt, the default model — goes through it.
import * as vscode from "vscode";
import { EngineError, errorText } from "../../common/engine/engineError";
import type { LicenceRecord } from "../../common/models/licenceAcceptance";
import { hasAcceptedLicence, licenceFingerprint, licenceTextOf, parseLicenceRecord, withAcceptedLicence } from "../../common/models/licenceAcceptance";
import { parseModelReference, storeNameForReference } from "../../common/models/modelName";
import type { EngineService } from "../engineHost/engineService";
import { isModelPath } from "../../common/models/modelName";

export interface LicenceQuestion {
  /** The model's store name. */
  name: string;
  /** The licence text (the Modelfile's LICENSE blocks). */
  text: string;
}

/** Shows the licence and answers whether the user accepts it. */
export type LicencePrompt = (question: LicenceQuestion) => Promise<boolean>;

const acceptedKey = "hearth.acceptedLicences";
const scheme = "hearth-licence";
/** Longer licences open in a read-only editor; the dialog shows their beginning. */
const dialogLimit = 1200;

export class LicenceGate implements vscode.Disposable {
  /**
   * How the licence is shown and answered: a modal dialog (with a read-only editor for long
   * texts). Replaceable, so the integration tests can answer it.
   */
  prompt: LicencePrompt = (question) => this.ask(question);

  private readonly texts = new Map<string, string>();
  /** A question being asked now, so two loads of the same model at once ask once. */
  private readonly asking = new Map<string, Promise<boolean>>();
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly engine: EngineService,
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(scheme, {
      provideTextDocumentContent: (uri) => this.texts.get(uri.path) ?? "",
    });
  }

  /**
   * Resolves when `reference` (a store name or a `.gguf` path) may load: it has no licence text,
   * or the user accepted it now or before. Otherwise says so and throws a "cancelled" EngineError,
   * which every load path treats as "stopped by the user", not as a failure.
   */
  async check(reference: string): Promise<void> {
    const licensed = await this.licensedModel(reference);
    if (!licensed) return;
    const { name, text } = licensed;
    if (hasAcceptedLicence(this.record(), name, text)) return;
    const key = `${name}\n${licenceFingerprint(text)}`;
    let answer = this.asking.get(key);
    if (!answer) {
      answer = this.prompt({ name, text }).finally(() => this.asking.delete(key));
      this.asking.set(key, answer);
    }
    if (await answer) {
      if (!hasAcceptedLicence(this.record(), name, text)) {
        await this.state.update(acceptedKey, withAcceptedLicence(this.record(), name, text));
      }
      this.log.info(`licence of ${name} accepted (sha256 ${licenceFingerprint(text)})`);
      return;
    }
    const still = this.engine.activeModel;
    const message = still
      ? vscode.l10n.t(
          "{0} was not loaded because its licence was not accepted; {1} stays loaded. To use {0}, load it again and accept its licence.",
          name,
          still.storeName ?? still.name,
        )
      : vscode.l10n.t("{0} was not loaded because its licence was not accepted. To use it, load it again and accept its licence.", name);
    void vscode.window.showInformationMessage(message);
    throw new EngineError("cancelled", message);
  }

  /** Whether `name`'s licence `text` has been accepted in VS Code. */
  isAccepted(name: string, text: string): boolean {
    return hasAcceptedLicence(this.record(), name, text);
  }

  private record(): LicenceRecord {
    return parseLicenceRecord(this.state.get<unknown>(acceptedKey));
  }

  /** The installed model `reference` names and its licence text; null for files and models without one. */
  private async licensedModel(reference: string): Promise<LicenceQuestion | null> {
    if (isModelPath(reference)) return null;
    let name: string;
    try {
      const ref = parseModelReference(reference);
      if (ref.kind === "path") return null;
      name = storeNameForReference(ref);
    } catch {
      return null; // not a model name: the load explains
    }
    try {
      const { models } = await this.engine.storeList();
      const stored = models.find((model) => model.name === name);
      const text = licenceTextOf(stored?.manifest);
      return stored && text !== null ? { name: stored.name, text } : null;
    } catch (error) {
      // The store cannot be read: the load that follows meets the same problem and reports it.
      this.log.debug(`licence check for ${reference}: ${errorText(error)}`);
      return null;
    }
  }

  /** The default prompt: a modal with the licence; a long one also opens in a read-only editor. */
  private async ask({ name, text }: LicenceQuestion): Promise<boolean> {
    let detail = text;
    if (text.length > dialogLimit || text.split("\n").length > 20) {
      const uri = vscode.Uri.from({ scheme, path: `/${name}/LICENSE` });
      this.texts.set(uri.path, text);
      const document = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(document, { preview: true });
      detail = `${text.slice(0, dialogLimit).trimEnd()}…\n\n${vscode.l10n.t("The whole licence is open in the editor.")}`;
    }
    const accept = vscode.l10n.t("Accept");
    const choice = await vscode.window.showInformationMessage(
      vscode.l10n.t("{0} comes with a licence. Accept it to load the model; Hearth asks once.", name),
      { modal: true, detail },
      accept,
    );
    return choice === accept;
  }

  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}
