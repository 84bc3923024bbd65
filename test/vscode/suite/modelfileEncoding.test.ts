// Modelfiles the way Windows users write them, inside real VS Code: a UTF-16 file with a byte order
// mark and CRLF line ends reads as Ollama (and `hearth modelfile parse`) reads it, an extra space
// after PARAMETER and an empty SYSTEM are shown for what Ollama makes of them, with the quick fix,
// and a UTF-16 file without the mark (which VS Code guesses and Ollama cannot read) is flagged.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { activateHearth, waitFor } from "./support";

function hearthDiagnostics(document: vscode.TextDocument): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === "Hearth");
}

describe("Modelfile encodings and Ollama's reading in the editor", function () {
  const files: string[] = [];
  let folder: string;

  const write = (name: string, bytes: Buffer): string => {
    const file = path.join(folder, name);
    fs.writeFileSync(file, bytes);
    files.push(file);
    return file;
  };

  before(async () => {
    const workspace = vscode.workspace.workspaceFolders?.[0];
    assert.ok(workspace, "a workspace folder is open");
    folder = workspace.uri.fsPath;
    await activateHearth();
  });

  after(async () => {
    await vscode.commands.executeCommand("workbench.action.closeAllEditors");
    for (const file of files) fs.rmSync(file, { force: true });
  });

  it("reads a UTF-16 file with a byte order mark and CRLF as Ollama does, and fixes an extra space after PARAMETER", async () => {
    const text = ["FROM llama3.2", "PARAMETER  temperature 0.7", "SYSTEM ", 'TEMPLATE """{{ .Prompt }}', '{{ .Sytem }}"""', ""].join("\r\n");
    const file = write("windows.modelfile", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, "modelfile");
    assert.equal(document.encoding, "utf16le");
    assert.equal(document.eol, vscode.EndOfLine.CRLF);
    assert.equal(document.getText(), text, "VS Code drops the byte order mark, as Ollama does");

    let diagnostics: vscode.Diagnostic[] = [];
    await waitFor(() => (diagnostics = hearthDiagnostics(document)).length >= 3, "Hearth's diagnostics");
    const at = (line: number): vscode.Diagnostic => diagnostics.find((d) => d.range.start.line === line)!;
    assert.equal(at(1).code, "extraSpace");
    assert.equal(at(1).severity, vscode.DiagnosticSeverity.Error);
    assert.match(at(1).message, /^Ollama reads this as a parameter with an empty name and the value "temperature 0\.7"/);
    assert.equal(at(2).code, "emptyValue");
    assert.equal(at(2).severity, vscode.DiagnosticSeverity.Warning);
    // The TEMPLATE keeps its CRLF and its problem is placed on the line after it.
    assert.equal(at(4).code, "unknownTemplateVariable");
    assert.equal(at(4).range.start.character, 4);
    assert.ok(!diagnostics.some((d) => d.code === "fileEncoding"), "a UTF-16 file with its mark reads the same in Ollama");

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>("vscode.executeCodeActionProvider", document.uri, new vscode.Range(1, 3, 1, 3));
    const fix = actions.find((action) => action.title === "Remove the extra space");
    assert.ok(fix?.edit, `quick fixes: ${actions.map((a) => a.title).join(", ")}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(document.lineAt(1).text, "PARAMETER temperature 0.7");
    await waitFor(() => !hearthDiagnostics(document).some((d) => d.code === "extraSpace"), "the extra-space error to go");
  });

  it("warns when VS Code guessed UTF-16 for a file without a byte order mark, which Ollama cannot read", async () => {
    const file = write("unmarked.modelfile", Buffer.from("FROM llama3.2\r\nSYSTEM Be brief.\r\n", "utf16le"));
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    assert.equal(document.encoding, "utf16le");
    await waitFor(() => hearthDiagnostics(document).some((d) => d.code === "fileEncoding"), "the encoding warning");
    const warning = hearthDiagnostics(document).find((d) => d.code === "fileEncoding")!;
    assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(warning.message, /no byte order mark/);
  });
});
