// The Modelfile language mode inside real VS Code: language detection by file name, diagnostics
// as you type, the quick fix for a misspelt parameter, hover, completion, outline and formatting.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("Modelfile language mode", function () {
  let document: vscode.TextDocument;
  let file: string;

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, "a workspace folder is open");
    await vscode.extensions.getExtension("hearth-dev.hearth")!.activate();
    file = path.join(folder.uri.fsPath, "Modelfile");
    fs.writeFileSync(
      file,
      [
        "from ./missing-model.gguf",
        "PARAMETER temprature 0.7",
        "parameter num_ctx lots",
        'SYSTEM "You are terse."',
        "",
      ].join("\n"),
    );
    document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
  });

  after(async () => {
    await vscode.commands.executeCommand("workbench.action.revertAndCloseActiveEditor");
    fs.rmSync(file, { force: true });
  });

  it("recognises a file named Modelfile", () => {
    assert.equal(document.languageId, "modelfile");
  });

  it("reports the missing FROM file, the misspelt parameter and the wrong value type", async () => {
    const diagnostics = await waitFor(() => {
      const found = vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === "Hearth");
      return found.length >= 3 ? found : undefined;
    }, "Hearth's diagnostics");
    const byLine = (line: number): vscode.Diagnostic[] => diagnostics.filter((d) => d.range.start.line === line);
    assert.match(byLine(0).map((d) => d.message).join(" "), /missing-model\.gguf/);
    assert.match(byLine(1).map((d) => d.message).join(" "), /temprature/);
    assert.ok(byLine(2).some((d) => d.severity === vscode.DiagnosticSeverity.Error), "num_ctx lots is an error");
  });

  it("offers the closest parameter name as a quick fix, and applying it fixes the line", async () => {
    const range = new vscode.Range(1, 12, 1, 12);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      "vscode.executeCodeActionProvider",
      document.uri,
      range,
    );
    const fix = actions.find((action) => action.title.includes("temperature"));
    assert.ok(fix?.edit, `quick fixes: ${actions.map((a) => a.title).join(", ")}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(document.lineAt(1).text, "PARAMETER temperature 0.7");
  });

  it("documents parameters on hover", async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      "vscode.executeHoverProvider",
      document.uri,
      new vscode.Position(2, 12),
    );
    const text = hovers
      .flatMap((hover) => hover.contents)
      .map((content) => (typeof content === "string" ? content : "value" in content ? content.value : ""))
      .join("\n");
    assert.match(text, /num_ctx/);
  });

  it("completes parameter names", async () => {
    const position = new vscode.Position(4, 0);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, position, "PARAMETER ");
    await vscode.workspace.applyEdit(edit);
    const list = await vscode.commands.executeCommand<vscode.CompletionList>(
      "vscode.executeCompletionItemProvider",
      document.uri,
      new vscode.Position(4, 10),
    );
    const labels = list.items.map((item) => (typeof item.label === "string" ? item.label : item.label.label));
    assert.ok(labels.includes("temperature") && labels.includes("num_ctx"), labels.slice(0, 20).join(", "));
  });

  it("lists instructions in the outline and formats with upper-case instructions", async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
      "vscode.executeDocumentSymbolProvider",
      document.uri,
    );
    assert.deepEqual(
      symbols.slice(0, 4).map((symbol) => symbol.name),
      ["FROM", "PARAMETER", "PARAMETER", "SYSTEM"],
    );
    const edit = new vscode.WorkspaceEdit();
    edit.delete(document.uri, document.lineAt(4).range);
    await vscode.workspace.applyEdit(edit);
    const edits = await vscode.commands.executeCommand<vscode.TextEdit[]>(
      "vscode.executeFormatDocumentProvider",
      document.uri,
      { tabSize: 4, insertSpaces: true },
    );
    assert.ok(edits.length > 0);
    const formatting = new vscode.WorkspaceEdit();
    formatting.set(document.uri, edits);
    await vscode.workspace.applyEdit(formatting);
    assert.match(document.getText(), /^FROM \.\/missing-model\.gguf\nPARAMETER temperature 0\.7\nPARAMETER num_ctx lots\n/);
  });

  it("offers Create Model and Chat with This Model as CodeLens, and creates a model that runs", async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>("vscode.executeCodeLensProvider", document.uri);
    const commands = lenses.map((lens) => lens.command?.command);
    assert.ok(commands.includes("hearth.createModelFromModelfile") && commands.includes("hearth.chatWithModelfile"), commands.join(", "));

    const extension = vscode.extensions.getExtension("hearth-dev.hearth")!;
    const fixture = path.join(extension.extensionPath, "test", "fixtures", ".generated", "tiny-llama.gguf");
    const folder = path.dirname(file);
    const second = path.join(folder, "assistant.modelfile");
    fs.writeFileSync(second, `FROM ${fixture}\nPARAMETER temperature 0\nPARAMETER num_predict 6\nSYSTEM "Be brief."\n`);
    try {
      const manifest = (await vscode.commands.executeCommand(
        "hearth.createModelFromModelfile",
        vscode.Uri.file(second),
        "assistant:test",
      )) as { name: string; profile?: { system?: string; parameters: { maxTokens?: number } } } | undefined;
      assert.ok(manifest, "the model was created");
      assert.equal(manifest.name, "assistant:test");
      assert.equal(manifest.profile?.system, "Be brief.");
      assert.equal(manifest.profile?.parameters.maxTokens, 6);
      const api = extension.exports as { engine: { storeList(): Promise<{ models: Array<{ name: string }> }>; loadModel(name: string): Promise<{ storeName: string | null }> } };
      assert.ok((await api.engine.storeList()).models.some((model) => model.name === "assistant:test"));
      const loaded = await api.engine.loadModel("assistant:test");
      assert.equal(loaded.storeName, "assistant:test");
    } finally {
      await vscode.commands.executeCommand("hearth.unloadModel");
      fs.rmSync(second, { force: true });
    }
  });
});
