// Modelfile language features: diagnostics as you type, quick fixes, hover documentation (English
// or Simplified Chinese), completion, outline and formatting. The parsing and checking live in
// src/common (modelfileParser, modelfileValidator, modelfileParameters); this file adapts them.
// VS Code decodes the file before the parser sees it; it honours the same byte order marks as
// Ollama (UTF-8, UTF-16LE, UTF-16BE, the mark dropped), so a UTF-16 Modelfile reads the same here
// as in Ollama and `hearth create`. Where VS Code reads the bytes otherwise (UTF-16 guessed without
// a mark, a legacy code page), a warning says so.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import { modelCatalogue } from "../../common/models/modelCatalogue";
import type { ModelfileDiagnostic, ModelfileRange } from "../../common/modelfile/modelfileParser";
import { formatModelfileText, modelfileInstructions, modelfileMessageRoles, parseModelfile } from "../../common/modelfile/modelfileParser";
import {
  currentModelfileParameterNames,
  findModelfileInstructionDoc,
  findModelfileParameter,
  ollamaParserNames,
  ollamaRendererNames,
} from "../../common/modelfile/modelfileParameters";
import { ollamaCompatibilityVersion } from "../../common/models/modelProfile";
import type { ModelfileDocumentation } from "../../common/modelfile/modelfileParameters";
import { validateModelfile } from "../../common/modelfile/modelfileValidator";
import { configuredStoreRoot } from "../engineHost/storeLocation";

const languageId = "modelfile";
const selector: vscode.DocumentSelector = { language: languageId };

function toRange(range: ModelfileRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

function severityOf(diagnostic: ModelfileDiagnostic): vscode.DiagnosticSeverity {
  switch (diagnostic.severity) {
    case "error":
      return vscode.DiagnosticSeverity.Error;
    case "warning":
      return vscode.DiagnosticSeverity.Warning;
    case "info":
      return vscode.DiagnosticSeverity.Information;
  }
}

function localized(documentation: ModelfileDocumentation): string {
  return vscode.env.language.toLowerCase().startsWith("zh") ? documentation.zhCn : documentation.en;
}

/** Names of installed models, read from the store's manifests (no engine needed). */
function installedModelNames(): Set<string> {
  const names = new Set<string>();
  const manifests = path.join(configuredStoreRoot(), "models", "manifests");
  const walk = (dir: string, family: string[]): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name), [...family, entry.name]);
      else if (entry.name.endsWith(".json") && family.length > 0) {
        names.add(`${family.join("/")}:${entry.name.slice(0, -".json".length)}`);
      }
    }
  };
  walk(manifests, []);
  return names;
}

/** The first two bytes of the file on disk; null when it cannot be read. */
function firstBytes(file: string): Buffer | null {
  let handle: number | undefined;
  try {
    handle = fs.openSync(file, "r");
    const head = Buffer.alloc(2);
    return head.subarray(0, fs.readSync(handle, head, 0, 2, 0));
  } catch {
    return null;
  } finally {
    if (handle !== undefined) fs.closeSync(handle);
  }
}

/**
 * Where VS Code's decoding of the file differs from Ollama's, which reads the bytes on disk as
 * UTF-8 unless they start with a byte order mark. VS Code guesses UTF-16 without a mark from the
 * zero bytes (Ollama then cannot parse the file), and may be set to a legacy code page (Ollama
 * then reads the non-ASCII text differently). VS Code itself writes UTF-16 with the mark.
 */
function encodingProblem(document: vscode.TextDocument): ModelfileDiagnostic | undefined {
  const encoding: string | undefined = document.encoding;
  if (!encoding || encoding === "utf8" || encoding === "utf8bom") return undefined;
  const firstLine = document.lineAt(0).range;
  const range: ModelfileRange = {
    start: { line: 0, character: 0 },
    end: { line: 0, character: firstLine.end.character },
  };
  if (encoding === "utf16le" || encoding === "utf16be") {
    if (document.uri.scheme !== "file") return undefined;
    const head = firstBytes(document.uri.fsPath);
    if (head === null || head.length < 2) return undefined;
    const marked = encoding === "utf16le" ? head[0] === 0xff && head[1] === 0xfe : head[0] === 0xfe && head[1] === 0xff;
    if (marked) return undefined;
    return {
      severity: "warning",
      code: "fileEncoding",
      range,
      message: vscode.l10n.t(
        "VS Code reads this file as UTF-16, but it has no byte order mark, so Ollama (and hearth create) read it as UTF-8 and cannot parse it. Save it with the mark: Save with Encoding, then UTF-16 LE (or UTF-8).",
      ),
    };
  }
  if (!/[^\u0000-\u007f]/.test(document.getText())) return undefined;
  return {
    severity: "warning",
    code: "fileEncoding",
    range,
    message: vscode.l10n.t(
      "This file is stored as {0}, but Ollama reads a Modelfile as UTF-8 (or UTF-16 with a byte order mark), so its non-ASCII text reads differently there. Save it as UTF-8: Save with Encoding, then UTF-8.",
      encoding,
    ),
  };
}

function validate(document: vscode.TextDocument): readonly ModelfileDiagnostic[] {
  const installed = installedModelNames();
  const baseDir = document.uri.scheme === "file" ? path.dirname(document.uri.fsPath) : os.homedir();
  const diagnostics = validateModelfile(document.getText(), {
    baseDir,
    homeDir: os.homedir(),
    fileExists: (file) => fs.existsSync(file),
    isInstalledModel: (name) => installed.has(name),
    ollamaVersion: ollamaCompatibilityVersion,
  }).diagnostics;
  const encoding = encodingProblem(document);
  return encoding ? [encoding, ...diagnostics] : diagnostics;
}

export function registerModelfileLanguage(context: vscode.ExtensionContext): void {
  const collection = vscode.languages.createDiagnosticCollection(languageId);
  const timers = new Map<string, NodeJS.Timeout>();
  const refresh = (document: vscode.TextDocument): void => {
    if (document.languageId !== languageId) return;
    collection.set(
      document.uri,
      validate(document).map((item) => {
        const diagnostic = new vscode.Diagnostic(toRange(item.range), item.message, severityOf(item));
        diagnostic.source = "Hearth";
        diagnostic.code = item.code;
        return diagnostic;
      }),
    );
  };
  const schedule = (document: vscode.TextDocument): void => {
    const key = document.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        refresh(document);
      }, 150),
    );
  };
  vscode.workspace.textDocuments.forEach(refresh);
  context.subscriptions.push(
    collection,
    { dispose: () => timers.forEach((timer) => clearTimeout(timer)) },
    vscode.workspace.onDidOpenTextDocument(refresh),
    vscode.workspace.onDidChangeTextDocument((event) => schedule(event.document)),
    // Saving can change what is on disk without changing the text (VS Code writes the byte order mark).
    vscode.workspace.onDidSaveTextDocument(refresh),
    vscode.workspace.onDidCloseTextDocument((document) => collection.delete(document.uri)),
    vscode.languages.registerCodeActionsProvider(selector, new ModelfileQuickFixes(), {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
    }),
    vscode.languages.registerHoverProvider(selector, { provideHover }),
    vscode.languages.registerCompletionItemProvider(selector, { provideCompletionItems }, " "),
    vscode.languages.registerDocumentSymbolProvider(selector, { provideDocumentSymbols }),
    vscode.languages.registerDocumentFormattingEditProvider(selector, { provideDocumentFormattingEdits }),
  );
}

/** A misspelt parameter, instruction, role or template variable → the closest valid one; an extra space → one space. */
class ModelfileQuickFixes implements vscode.CodeActionProvider {
  provideCodeActions(document: vscode.TextDocument, range: vscode.Range): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const item of validate(document)) {
      if (item.suggestion === undefined) continue;
      const target = toRange(item.range);
      if (!target.intersection(range)) continue;
      const action = new vscode.CodeAction(
        item.code === "extraSpace" ? vscode.l10n.t("Remove the extra space") : vscode.l10n.t("Change to \"{0}\"", item.suggestion),
        vscode.CodeActionKind.QuickFix,
      );
      action.edit = new vscode.WorkspaceEdit();
      action.edit.replace(document.uri, target, item.suggestion);
      action.isPreferred = true;
      const diagnostic = new vscode.Diagnostic(target, item.message, severityOf(item));
      diagnostic.code = item.code;
      diagnostic.source = "Hearth";
      action.diagnostics = [diagnostic];
      actions.push(action);
    }
    return actions;
  }
}

function provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
  const { commands } = parseModelfile(document.getText());
  for (const command of commands) {
    const keyword = toRange(command.keywordRange);
    if (keyword.contains(position)) {
      const doc = findModelfileInstructionDoc(command.instruction);
      if (!doc) return undefined;
      const markdown = new vscode.MarkdownString();
      markdown.appendCodeblock(doc.syntax, languageId);
      markdown.appendMarkdown(localized(doc.documentation));
      return new vscode.Hover(markdown, keyword);
    }
    if (command.instruction === "PARAMETER" && toRange(command.nameRange).contains(position)) {
      const parameter = findModelfileParameter(command.name);
      if (!parameter) return undefined;
      const markdown = new vscode.MarkdownString();
      markdown.appendMarkdown(`**${parameter.name}** · \`${parameter.type}\``);
      if (parameter.default !== undefined) markdown.appendMarkdown(` · ${vscode.l10n.t("default {0}", parameter.default)}`);
      if (parameter.min !== undefined || parameter.max !== undefined) {
        markdown.appendMarkdown(` · ${parameter.min ?? "…"}–${parameter.max ?? "…"}`);
      }
      markdown.appendMarkdown(`\n\n${localized(parameter.documentation)}`);
      markdown.appendCodeblock(parameter.example, languageId);
      return new vscode.Hover(markdown, toRange(command.nameRange));
    }
  }
  return undefined;
}

function provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
  const before = document.lineAt(position.line).text.slice(0, position.character);
  if (/^\s*[A-Za-z]*$/.test(before)) {
    return modelfileInstructions.map((instruction) => {
      const item = new vscode.CompletionItem(instruction, vscode.CompletionItemKind.Keyword);
      const doc = findModelfileInstructionDoc(instruction);
      if (doc) item.documentation = new vscode.MarkdownString(localized(doc.documentation));
      item.insertText = `${instruction} `;
      return item;
    });
  }
  if (/^\s*parameter\s+\S*$/i.test(before)) {
    return currentModelfileParameterNames().map((name) => {
      const parameter = findModelfileParameter(name)!;
      const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.Property);
      item.detail = parameter.default !== undefined ? `${parameter.type} = ${parameter.default}` : parameter.type;
      item.documentation = new vscode.MarkdownString(localized(parameter.documentation));
      return item;
    });
  }
  if (/^\s*message\s+\S*$/i.test(before)) {
    return modelfileMessageRoles.map((role) => new vscode.CompletionItem(role, vscode.CompletionItemKind.EnumMember));
  }
  if (/^\s*(renderer|parser)\s+\S*$/i.test(before)) {
    const names = /^\s*renderer/i.test(before) ? ollamaRendererNames : ollamaParserNames;
    return names.map((name) => new vscode.CompletionItem(name, vscode.CompletionItemKind.EnumMember));
  }
  const draft = /^\s*draft\s+\S*$/i.test(before);
  if (draft || /^\s*from\s+\S*$/i.test(before)) {
    const items: vscode.CompletionItem[] = [];
    for (const name of installedModelNames()) {
      const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.Module);
      item.detail = vscode.l10n.t("installed");
      items.push(item);
    }
    for (const entry of draft ? [] : modelCatalogue) {
      const item = new vscode.CompletionItem(entry.name, vscode.CompletionItemKind.Reference);
      item.detail = vscode.l10n.t("catalogue · {0}", entry.purpose);
      item.documentation = entry.description;
      items.push(item);
    }
    if (document.uri.scheme === "file") {
      const dir = path.dirname(document.uri.fsPath);
      try {
        for (const file of fs.readdirSync(dir).filter((name) => name.toLowerCase().endsWith(".gguf"))) {
          items.push(new vscode.CompletionItem(`./${file}`, vscode.CompletionItemKind.File));
        }
      } catch {
        // An unreadable folder offers no files.
      }
    }
    return items;
  }
  return [];
}

function provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
  return parseModelfile(document.getText()).commands.map((command) => {
    const detail =
      command.instruction === "PARAMETER"
        ? `${command.name} ${command.value}`
        : command.instruction === "MESSAGE"
          ? command.role
          : command.value.split("\n")[0]!.slice(0, 60);
    return new vscode.DocumentSymbol(
      command.instruction,
      detail,
      command.instruction === "PARAMETER" ? vscode.SymbolKind.Property : vscode.SymbolKind.Key,
      toRange(command.range),
      toRange(command.keywordRange),
    );
  });
}

function provideDocumentFormattingEdits(document: vscode.TextDocument): vscode.TextEdit[] {
  const formatted = formatModelfileText(document.getText());
  if (formatted === null || formatted === document.getText()) return [];
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  return [vscode.TextEdit.replace(whole, formatted)];
}
