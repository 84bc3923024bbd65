// Checks a Modelfile's meaning on top of the parser: FROM present and used once, instructions and
// PARAMETER names that exist (with the closest valid name as a quick fix), values of the right
// type and in range, instructions that a later one overrides, a TEMPLATE that parses (Go template
// syntax, see goTemplateSyntax.ts) and uses variables Ollama defines, RENDERER and PARSER names Ollama
// has, and (through an injected environment, so this stays pure) FROM/ADAPTER/DRAFT paths that
// exist, FROM and DRAFT names that are installed or in the catalogue, and a REQUIRES the runner
// can meet. Where Ollama's parser reads a line other than it was surely meant (an extra space
// after PARAMETER, nothing after FROM), the message says how Ollama reads it.
import { parseGoTemplate } from "./goTemplateParser";
import { findCatalogueEntry } from "../models/modelCatalogue";
import { formatModelName, modelReferenceKind, parseModelReference, tryParseModelName } from "../models/modelName";
import { compareOllamaVersions, isDraftPath } from "../models/modelProfile";
import {
  currentModelfileParameterNames,
  findModelfileParameter,
  ollamaParserNames,
  ollamaRendererNames,
} from "./modelfileParameters";
import { localize } from "../localize";
import { resolveModelfilePath } from "./modelfilePaths";
import { rangeDescription, readParameterValue, typeDescription } from "./parameterValues";
import { missingFromProblem, modelfileInstructions, parseModelfile, splitModelfileLines } from "./modelfileParser";
import type {
  ModelfileCommand,
  ModelfileDiagnostic,
  ModelfileDiagnosticCode,
  ModelfileRange,
  ModelfileSeverity,
  ParsedModelfile,
} from "./modelfileParser";

/** What the validator may ask about the world. Paths given to fileExists are resolved already. */
export interface ModelfileEnvironment {
  /** The folder that holds the Modelfile; relative paths resolve against it. */
  readonly baseDir: string;
  /** The user's home folder, for `~/…` paths; without it such paths are not checked. */
  readonly homeDir?: string;
  /** Whether a file or folder exists at an absolute path. */
  fileExists(path: string): boolean;
  /** Whether the store has a model of this normalised name (`family:tag`). */
  isInstalledModel(name: string): boolean;
  /** Whether the catalogue can pull this normalised name; defaults to Hearth's catalogue. */
  isCatalogueModel?(name: string): boolean;
  /** The Ollama version whose Modelfiles the runner supports: a REQUIRES above it is an error. Unchecked when absent. */
  readonly ollamaVersion?: string;
}

export interface ModelfileValidation {
  readonly parsed: ParsedModelfile;
  /** Syntax errors and meaning checks together, in document order. */
  readonly diagnostics: readonly ModelfileDiagnostic[];
}

/** Variables Ollama passes to a template, and the fields of what they hold (messages, tools, tool calls). */
const templateFields: ReadonlySet<string> = new Set([
  // top level
  "System", "Prompt", "Response", "Messages", "Tools", "Suffix", "Think", "ThinkLevel", "IsThinkSet",
  "Query", "Document", "Instruction",
  // a message
  "Role", "Content", "Thinking", "Images", "ToolCalls", "ToolName", "ToolCallID",
  // a tool call and its function
  "ID", "Function", "Index", "Name", "Arguments",
  // a tool, its function, parameters and properties
  "Type", "Items", "Description", "Parameters", "Defs", "Required", "Properties", "Enum", "AnyOf",
  // methods templates call
  "String",
]);

/** Variables older Ollama versions passed and current ones do not. */
const retiredTemplateFields: ReadonlySet<string> = new Set(["First"]);

const singletonInstructions: ReadonlySet<string> = new Set(["SYSTEM", "TEMPLATE", "ADAPTER", "RENDERER", "PARSER", "REQUIRES"]);

/**
 * Whether a diagnostic stops `create`: every error, and a FROM, ADAPTER or DRAFT that names nothing
 * (only a warning in the editor, where a line being written is often empty for a while).
 */
export function blocksModelCreation(diagnostic: ModelfileDiagnostic): boolean {
  return diagnostic.severity === "error" || diagnostic.code === "emptyReference";
}

// --- small helpers ---------------------------------------------------------------------------

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The candidate nearest to `word` (case-insensitively), if it is near enough to be a likely typo. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

function textInRange(lines: readonly string[], range: ModelfileRange): string {
  if (range.start.line !== range.end.line) return "";
  return (lines[range.start.line] ?? "").slice(range.start.character, range.end.character);
}

// --- the validator ---------------------------------------------------------------------------

/** Parses and checks a Modelfile. Never throws. */
export function validateModelfile(text: string, environment?: ModelfileEnvironment): ModelfileValidation {
  const parsed = parseModelfile(text);
  const lines = splitModelfileLines(text);
  const diagnostics: ModelfileDiagnostic[] = [];
  const report = (
    severity: ModelfileSeverity,
    code: ModelfileDiagnosticCode,
    range: ModelfileRange,
    message: string,
    suggestion?: string,
  ): void => {
    diagnostics.push(suggestion === undefined ? { severity, code, range, message } : { severity, code, range, message, suggestion });
  };

  // Syntax errors, with a suggestion added where the closest word is obvious.
  for (const error of parsed.errors) {
    if (error.suggestion === undefined && error.code === "unknownInstruction") {
      const word = textInRange(lines, error.range);
      const suggestion = closestMatch(word, modelfileInstructions);
      diagnostics.push(
        suggestion === undefined
          ? error
          : { ...error, suggestion, message: localize("Unknown instruction \"{0}\". Did you mean {1}?", word, suggestion) },
      );
    } else if (error.suggestion === undefined && error.code === "invalidParameterName") {
      const word = textInRange(lines, error.range).replace(/[^A-Za-z0-9]+/g, "_");
      const suggestion = closestMatch(word, currentModelfileParameterNames());
      diagnostics.push(suggestion === undefined ? error : { ...error, suggestion });
    } else {
      diagnostics.push(error);
    }
  }

  const commands = parsed.commands;
  // A value never closed may have swallowed the FROM: that error says enough.
  const missingFrom = parsed.errors.some((error) => error.code === "unterminatedValue") ? undefined : missingFromProblem(parsed);
  if (missingFrom) diagnostics.push(missingFrom);

  // Overridden instructions and parameters: the last one wins; warn on the earlier ones.
  const lastOf = new Map<string, ModelfileCommand>();
  for (const command of commands) {
    const key =
      command.instruction === "PARAMETER"
        ? findModelfileParameter(command.name)?.repeatable || command.name === "" ? null : `PARAMETER ${command.name}`
        : command.instruction === "FROM" || singletonInstructions.has(command.instruction)
          ? command.instruction
          : null;
    if (key !== null) lastOf.set(key, command);
  }
  for (const command of commands) {
    if (command.instruction === "FROM") {
      const last = lastOf.get("FROM")!;
      if (last !== command) {
        report(
          "warning",
          "duplicateFrom",
          command.keywordRange,
          localize("This Modelfile has more than one FROM; the one on line {0} is the base model, so this one is not used.", last.range.start.line + 1),
        );
      }
    } else if (command.instruction === "PARAMETER") {
      const last = lastOf.get(`PARAMETER ${command.name}`);
      if (last !== undefined && last !== command) {
        report(
          "warning",
          "overriddenParameter",
          command.nameRange,
          localize("{0} is set again on line {1}, which overrides this value.", command.name, last.range.start.line + 1),
        );
      }
    } else if (singletonInstructions.has(command.instruction)) {
      const last = lastOf.get(command.instruction)!;
      if (last !== command) {
        report(
          "warning",
          "overriddenInstruction",
          command.keywordRange,
          localize("{0} appears again on line {1}; only the last one is used, so this one has no effect.", command.instruction, last.range.start.line + 1),
        );
      }
    }
  }

  const froms = commands.filter((command) => command.instruction === "FROM");
  const renderer = lastOf.get("RENDERER");
  const template = lastOf.get("TEMPLATE");
  if (renderer && template) {
    report(
      "warning",
      "overriddenInstruction",
      template.keywordRange,
      localize("RENDERER {0} formats the prompt, so this TEMPLATE is not used (as in Ollama). Hearth prompts the model with its own chat template. Remove RENDERER to use this TEMPLATE.", renderer.value),
    );
  }

  for (const command of commands) {
    if (command.value === "") checkEmptyValue(command, report);
    switch (command.instruction) {
      case "PARAMETER":
        if (command.name === "") checkEmptyName(command, lines, report);
        else checkParameter(command, report);
        break;
      case "TEMPLATE":
        checkTemplate(command, report);
        break;
      case "REQUIRES":
        if (!/^v?(0|[1-9]\d*)(\.(0|[1-9]\d*)(\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?)?)?$/.test(command.value)) {
          report(
            "error",
            "invalidRequires",
            command.valueRange,
            localize("REQUIRES needs an Ollama version number such as 0.14.0, not \"{0}\".", command.value),
          );
        } else if (environment?.ollamaVersion !== undefined && (compareOllamaVersions(command.value, environment.ollamaVersion) ?? 0) > 0) {
          report(
            "error",
            "requiresNewerOllama",
            command.valueRange,
            localize(
              "This Modelfile REQUIRES Ollama {0}, but Hearth runs Modelfiles of Ollama {1} and earlier, so the model may use features Hearth does not have. Use an earlier version in REQUIRES if the model works with it, or update Hearth.",
              command.value,
              environment.ollamaVersion,
            ),
          );
        }
        break;
      case "FROM":
        if (command.value !== "") checkFrom(command, environment, report);
        break;
      case "ADAPTER":
        if (environment && command.value !== "") checkPathExists(command, environment, report);
        break;
      case "DRAFT":
        if (environment && command.value !== "") {
          checkDraft(command, environment, report);
          checkDraftIsNotBase(command, froms, environment, report);
        }
        break;
      case "RENDERER":
      case "PARSER":
        if (command.value !== "") checkBuiltinName(command, report);
        break;
      default:
        break;
    }
  }

  diagnostics.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
  return { parsed, diagnostics };
}

type Report = (
  severity: ModelfileSeverity,
  code: ModelfileDiagnosticCode,
  range: ModelfileRange,
  message: string,
  suggestion?: string,
) => void;

/**
 * An instruction with an empty value, which Ollama accepts as such. FROM, ADAPTER and DRAFT then
 * name nothing, and `create` refuses them (blocksModelCreation); elsewhere a bare instruction at
 * the end of a line (`SYSTEM `) is most likely a line still being written, while `SYSTEM ""` says
 * the emptiness on purpose and is not flagged.
 */
function checkEmptyValue(command: ModelfileCommand, report: Report): void {
  switch (command.instruction) {
    case "FROM":
      report(
        "warning",
        "emptyReference",
        command.range,
        localize("FROM names no model, so no model can be created from this Modelfile (Ollama reads an empty FROM here). Write the base model after FROM, for example FROM qwen2.5-coder:1.5b, or a GGUF file: FROM ./model.gguf."),
      );
      return;
    case "ADAPTER":
      report(
        "warning",
        "emptyReference",
        command.range,
        localize("ADAPTER names no file, so the model cannot be created with it (Ollama reads an empty ADAPTER here). Write the path of the LoRA adapter (a GGUF file) after ADAPTER, or remove the line."),
      );
      return;
    case "DRAFT":
      report(
        "warning",
        "emptyReference",
        command.range,
        localize("DRAFT names no model, so the model cannot be created with it (Ollama reads an empty DRAFT here). Write the draft model (an installed model or a GGUF file) after DRAFT, or remove the line."),
      );
      return;
    case "REQUIRES":
      return; // not a version: the REQUIRES check says so
    case "PARAMETER":
      // A number or a flag cannot be empty: checkParameter says so. Text can.
      if (command.name === "" || findModelfileParameter(command.name)?.type !== "string") return;
      break;
    default:
      break;
  }
  if (command.quoting !== "none") return;
  const written =
    command.instruction === "PARAMETER"
      ? `${command.instruction} ${command.name}`
      : command.instruction === "MESSAGE"
        ? `${command.instruction} ${command.role}`
        : command.instruction;
  report(
    "warning",
    "emptyValue",
    command.range,
    localize("Nothing follows {0} on this line, so Ollama reads an empty value. Write the value on the same line after {0}, or {0} \"\" if it is meant to be empty.", written),
  );
}

/**
 * PARAMETER followed by two spaces: Ollama ends the name at the second space, so the name is
 * empty and the intended name starts the value, and `create` fails on the unknown parameter "".
 */
function checkEmptyName(command: Extract<ModelfileCommand, { instruction: "PARAMETER" }>, lines: readonly string[], report: Report): void {
  if (command.value === "") {
    report("error", "missingValue", command.keywordRange, localize("PARAMETER needs a name and a value, for example PARAMETER temperature 0.7."));
    return;
  }
  const start = command.valueRange.start;
  const meant = /^[A-Za-z0-9_]+/.exec((lines[start.line] ?? "").slice(start.character))?.[0];
  report(
    "error",
    "extraSpace",
    meant === undefined
      ? command.range
      : { start: command.keywordRange.start, end: { line: start.line, character: start.character + meant.length } },
    localize(
      "Ollama reads this as a parameter with an empty name and the value \"{0}\", and refuses it: the name ends at the first space after PARAMETER, so a second space leaves it empty. Remove the extra space.",
      command.value,
    ),
    meant === undefined ? undefined : `${command.keyword} ${meant}`,
  );
}

function checkParameter(command: Extract<ModelfileCommand, { instruction: "PARAMETER" }>, report: Report): void {
  const info = findModelfileParameter(command.name);
  if (!info) {
    const suggestion = closestMatch(command.name, currentModelfileParameterNames());
    report(
      "error",
      "unknownParameter",
      command.nameRange,
      suggestion === undefined
        ? localize("Unknown parameter \"{0}\". See the Modelfile documentation for the parameters Ollama accepts (temperature, num_ctx, top_p, stop…).", command.name)
        : localize("Unknown parameter \"{0}\". Did you mean {1}?", command.name, suggestion),
      suggestion,
    );
    return;
  }
  if (info.status === "removed") {
    report(
      "error",
      "removedParameter",
      command.nameRange,
      localize("Ollama no longer supports the parameter {0} and refuses to create the model. Remove this line.", command.name),
    );
    return;
  }
  if (info.status === "deprecated") {
    report(
      "warning",
      "deprecatedParameter",
      command.nameRange,
      localize("The parameter {0} is deprecated: Ollama ignores it. Remove this line.", command.name),
    );
  }
  const read = readParameterValue(info, command.value);
  if (!read.ok) {
    report(
      "error",
      "invalidParameterValue",
      command.valueRange,
      localize("{0} needs {1}, not \"{2}\". For example: {3}", command.name, typeDescription(info), command.value, info.example),
    );
    return;
  }
  if (read.number === null) return;
  const number = read.number;
  const outside =
    Number.isNaN(number) ||
    (info.allowed !== undefined && !info.allowed.includes(number)) ||
    (info.min !== undefined && number < info.min) ||
    (info.max !== undefined && number > info.max);
  if (outside) {
    report(
      "warning",
      "parameterOutOfRange",
      command.valueRange,
      localize("{0} is {1}, outside the range that makes sense ({2}).", command.name, command.value, rangeDescription(info)),
    );
  }
}

/** Maps an offset inside a command's value to a document position (values keep their line breaks as written). */
function positionInValue(command: ModelfileCommand, offset: number): { line: number; character: number } {
  const lines = splitModelfileLines(command.value.slice(0, offset));
  if (lines.length === 1) {
    return { line: command.contentRange.start.line, character: command.contentRange.start.character + offset };
  }
  return { line: command.contentRange.start.line + lines.length - 1, character: lines[lines.length - 1]!.length };
}

function checkTemplate(command: ModelfileCommand, report: Report): void {
  const value = command.value;
  const rangeAt = (start: number, end: number): ModelfileRange => ({
    start: positionInValue(command, start),
    end: positionInValue(command, end),
  });
  // The syntax, as Go's template parser (and so Ollama) reads it.
  for (const problem of parseGoTemplate(value).diagnostics) {
    report(
      "error",
      "templateSyntax",
      rangeAt(problem.start, Math.max(problem.end, problem.start)),
      localize("The TEMPLATE does not parse: {0}", problem.message),
    );
  }
  // The variables it reads.
  let cursor = 0;
  while (cursor < value.length) {
    const open = value.indexOf("{{", cursor);
    if (open === -1) break;
    const close = value.indexOf("}}", open + 2);
    if (close === -1) return;
    const body = value.slice(open + 2, close);
    cursor = close + 2;
    const trimmed = body.replace(/^-?\s*/, "").replace(/\s*-?$/, "");
    if (trimmed.startsWith("/*")) continue;
    // Blank out string literals so that dots inside them are not read as fields.
    const code = body.replace(/"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'/g, (literal) => " ".repeat(literal.length));
    for (const match of code.matchAll(/\.([A-Za-z_]\w*)/g)) {
      const name = match[1]!;
      // `1.5` and the like are numbers, not fields.
      if (/^\d+$/.test(/[\w$]*$/.exec(code.slice(0, match.index))![0])) continue;
      const nameStart = open + 2 + match.index + 1;
      if (templateFields.has(name)) continue;
      const range = rangeAt(nameStart, nameStart + name.length);
      if (retiredTemplateFields.has(name)) {
        report(
          "warning",
          "unknownTemplateVariable",
          range,
          localize("Ollama no longer sets .{0}; it is always empty. Use {{ if .System }} or range over .Messages instead.", name),
        );
        continue;
      }
      const suggestion = closestMatch(name, [...templateFields]);
      report(
        "warning",
        "unknownTemplateVariable",
        range,
        suggestion === undefined
          ? localize("Ollama does not define .{0} in templates; it renders as nothing or stops the template. Defined are .System, .Prompt, .Response, .Messages (with .Role and .Content) and .Tools.", name)
          : localize("Ollama does not define .{0} in templates. Did you mean .{1}?", name, suggestion),
        suggestion,
      );
    }
  }
}

/** RENDERER and PARSER name one of Ollama's built-in renderers or parsers. */
function checkBuiltinName(command: ModelfileCommand, report: Report): void {
  const names = command.instruction === "RENDERER" ? ollamaRendererNames : ollamaParserNames;
  if (names.includes(command.value)) return;
  const suggestion = closestMatch(command.value, names);
  const known = names.join(", ");
  report(
    "warning",
    command.instruction === "RENDERER" ? "unknownRenderer" : "unknownParser",
    command.valueRange,
    command.instruction === "RENDERER"
      ? suggestion === undefined
        ? localize("Ollama has no built-in renderer named \"{0}\", so Ollama refuses this model. Known renderers: {1}.", command.value, known)
        : localize("Ollama has no built-in renderer named \"{0}\". Did you mean {1}?", command.value, suggestion)
      : suggestion === undefined
        ? localize("Ollama has no built-in parser named \"{0}\", so Ollama refuses this model. Known parsers: {1}.", command.value, known)
        : localize("Ollama has no built-in parser named \"{0}\". Did you mean {1}?", command.value, suggestion),
    suggestion,
  );
}

/** DRAFT names a GGUF file (a path) or an installed model. */
function checkDraft(command: ModelfileCommand, environment: ModelfileEnvironment, report: Report): void {
  if (isDraftPath(command.value)) {
    checkPathExists(command, environment, report);
    return;
  }
  const name = tryParseModelName(command.value);
  if (!name) {
    report(
      "error",
      "invalidModelName",
      command.valueRange,
      localize("\"{0}\" is neither a model name nor a path. A name looks like qwen2.5-coder:1.5b (lower-case letters, digits, '.', '-' and '_'); a path starts with ./, / or ~/ or ends in .gguf.", command.value),
    );
    return;
  }
  const normalized = formatModelName(name);
  if (!environment.isInstalledModel(normalized)) {
    report(
      "error",
      "unknownModel",
      command.valueRange,
      localize("DRAFT names {0}, which is not installed. Pull or import the draft model first (it must share the base model's tokenizer), or point DRAFT at a GGUF file.", normalized),
    );
  }
}

/** A DRAFT that is the FROM file itself, which Ollama refuses (a model cannot draft for itself). */
function checkDraftIsNotBase(
  command: ModelfileCommand,
  froms: readonly ModelfileCommand[],
  environment: ModelfileEnvironment,
  report: Report,
): void {
  if (!isDraftPath(command.value)) return;
  const draft = resolveModelfilePath(command.value, environment.baseDir, environment.homeDir);
  if (draft === null || !environment.fileExists(draft)) return;
  const same = froms.some((from) => from.value !== "" && resolveModelfilePath(from.value, environment.baseDir, environment.homeDir) === draft);
  if (!same) return;
  report(
    "error",
    "draftSameAsFrom",
    command.valueRange,
    localize("DRAFT names the same file as FROM ({0}). A model cannot draft for itself, and Ollama refuses this Modelfile. Name a smaller model of the same family in DRAFT, or remove DRAFT.", draft),
  );
}

function checkPathExists(command: ModelfileCommand, environment: ModelfileEnvironment, report: Report): void {
  const resolved = resolveModelfilePath(command.value, environment.baseDir, environment.homeDir);
  if (resolved === null || environment.fileExists(resolved)) return;
  report(
    "error",
    "fileNotFound",
    command.valueRange,
    localize("{0} names {1}, which does not exist. Paths are absolute or relative to the Modelfile's folder.", command.instruction, resolved),
  );
}

function checkFrom(command: ModelfileCommand, environment: ModelfileEnvironment | undefined, report: Report): void {
  const value = command.value;
  if (environment) {
    const resolved = resolveModelfilePath(value, environment.baseDir, environment.homeDir);
    if (resolved !== null && environment.fileExists(resolved)) return;
  }
  const kind = modelReferenceKind(value);
  if (kind === "huggingFace" || kind === "modelScope" || kind === "url") {
    try {
      parseModelReference(value);
    } catch (error) {
      report("error", "invalidModelName", command.valueRange, error instanceof Error ? error.message : String(error));
    }
    return;
  }
  if (kind === "path") {
    if (environment) checkPathExists(command, environment, report);
    return;
  }
  const name = tryParseModelName(value);
  if (!name) {
    report(
      "error",
      "invalidModelName",
      command.valueRange,
      localize("\"{0}\" is neither a model name nor a path. A name looks like qwen2.5-coder:1.5b (lower-case letters, digits, '.', '-' and '_'); a path starts with ./, / or ~/ or ends in .gguf.", value),
    );
    return;
  }
  if (!environment) return;
  const normalized = formatModelName(name);
  const inCatalogue = environment.isCatalogueModel
    ? environment.isCatalogueModel(normalized)
    : findCatalogueEntry(normalized) !== undefined;
  if (!inCatalogue && !environment.isInstalledModel(normalized)) {
    report(
      "warning",
      "unknownModel",
      command.valueRange,
      localize("No model named {0} is installed, and Hearth's catalogue does not have it. Pull or import it first (Hearth: Pull Model… in VS Code, hearth pull on the command line), or point FROM at a GGUF file.", normalized),
    );
  }
}
