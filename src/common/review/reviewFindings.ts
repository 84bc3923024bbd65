// What a review answers: findings `{path, line, endLine, severity, category, message, suggestion?}`,
// the JSON schema the model's output is held to (node-llama-cpp turns it into a grammar), and the
// checks each finding passes before anyone sees it. A finding that fails them is dropped and
// counted; nothing a model writes can break a review.

export const findingSeverities = ["error", "warning", "info"] as const;
export const findingCategories = ["bug", "security", "performance", "readability", "test", "style"] as const;

export type FindingSeverity = (typeof findingSeverities)[number];
export type FindingCategory = (typeof findingCategories)[number];

export interface ReviewFinding {
  /** Workspace- or repository-relative path, `/`-separated. */
  path: string;
  /** First and last line (1-based, inclusive) of the new file the finding is about. */
  line: number;
  endLine: number;
  severity: FindingSeverity;
  category: FindingCategory;
  message: string;
  /** Replacement text for exactly lines `line..endLine` (without a final line end). */
  suggestion?: string;
}

export interface FindingsSchemaLimits {
  /** Most findings per answer (default 8). */
  maxFindings?: number;
  /** Longest message (default 400 characters). */
  maxMessageChars?: number;
}

/**
 * The findings schema in the subset node-llama-cpp follows (every property is written, so an
 * absent suggestion is `null`). The limits keep a model that rambles from running to maxTokens;
 * only the message is bounded, as llama.cpp refuses a grammar whose bounded repetitions multiply
 * past its limits (a bounded path or suggestion inside at most N findings does).
 */
export function findingsJsonSchema(limits: FindingsSchemaLimits = {}): Record<string, unknown> {
  return {
    type: "object",
    properties: {
      findings: {
        type: "array",
        maxItems: limits.maxFindings ?? 8,
        items: {
          type: "object",
          properties: {
            path: { type: "string" },
            line: { type: "integer" },
            endLine: { type: "integer" },
            severity: { enum: [...findingSeverities] },
            category: { enum: [...findingCategories] },
            message: { type: "string", maxLength: limits.maxMessageChars ?? 400 },
            suggestion: { oneOf: [{ type: "string" }, { type: "null" }] },
          },
          required: ["path", "line", "endLine", "severity", "category", "message", "suggestion"],
        },
      },
    },
    required: ["findings"],
  };
}

/** What a finding about one file is checked against. */
export interface FindingScope {
  path: string;
  /** Lines in the file; null when unknown (a diff read without the files). */
  lineCount: number | null;
  /**
   * Lines a finding must touch: a diff's changed lines, or a selection's lines. Null when
   * every line of the file may be reported (a whole-file review).
   */
  allowedLines: ReadonlySet<number> | null;
}

export interface ValidatedFindings {
  findings: ReviewFinding[];
  /** Findings dropped: malformed, about another file, outside the file or the changed lines. */
  dropped: number;
  /** The answer was not JSON of the expected shape at all (cut off, or no grammar). */
  unreadable: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function normalizeFindingPath(path: string): string {
  return path.trim().replace(/\\/g, "/").replace(/^\.\//, "").replace(/^[ab]\//, "");
}

/** One finding checked against the scopes it may be about; null when it must be dropped. */
export function validateFinding(raw: unknown, scopes: readonly FindingScope[]): ReviewFinding | null {
  if (!isRecord(raw)) return null;
  const { line, endLine, severity, category, message, suggestion } = raw;
  if (typeof line !== "number" || !Number.isInteger(line) || typeof endLine !== "number" || !Number.isInteger(endLine)) return null;
  if (line < 1 || endLine < line) return null;
  if (typeof severity !== "string" || !(findingSeverities as readonly string[]).includes(severity)) return null;
  if (typeof category !== "string" || !(findingCategories as readonly string[]).includes(category)) return null;
  if (typeof message !== "string" || !message.trim()) return null;
  if (suggestion !== undefined && suggestion !== null && typeof suggestion !== "string") return null;
  const path = typeof raw.path === "string" ? normalizeFindingPath(raw.path) : "";
  // A model that names the one file under review a little differently still means that file.
  const scope = scopes.find((s) => normalizeFindingPath(s.path) === path) ?? (scopes.length === 1 ? scopes[0] : undefined);
  if (!scope) return null;
  if (scope.lineCount !== null && endLine > Math.max(scope.lineCount, 1)) return null;
  if (scope.allowedLines) {
    let touches = false;
    for (let n = line; n <= endLine && !touches; n++) touches = scope.allowedLines.has(n);
    if (!touches) return null;
  }
  const finding: ReviewFinding = {
    path: scope.path,
    line,
    endLine,
    severity: severity as FindingSeverity,
    category: category as FindingCategory,
    message: message.trim(),
  };
  if (typeof suggestion === "string") finding.suggestion = suggestion.replace(/\r?\n$/, "");
  return finding;
}

/** Every finding of a parsed answer checked; duplicates (same place, same message) kept once. */
export function validateFindings(answer: unknown, scopes: readonly FindingScope[]): ValidatedFindings {
  if (!isRecord(answer) || !Array.isArray(answer.findings)) return { findings: [], dropped: 0, unreadable: true };
  const findings: ReviewFinding[] = [];
  const seen = new Set<string>();
  let dropped = 0;
  for (const raw of answer.findings) {
    const finding = validateFinding(raw, scopes);
    if (!finding) {
      dropped++;
      continue;
    }
    const key = `${finding.path}:${finding.line}:${finding.endLine}:${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  return { findings, dropped, unreadable: false };
}

/**
 * The complete findings of an answer cut off mid-way (at maxTokens): a grammar-held answer is a
 * prefix of valid JSON, so every finding object closed before the cut is whole. Null when not
 * even the findings array had begun.
 */
export function salvageFindings(text: string): { findings: unknown[] } | null {
  const start = /^\s*\{\s*"findings"\s*:\s*\[/.exec(text);
  if (!start) return null;
  const findings: unknown[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let itemStart = -1;
  for (let i = start[0].length; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (depth === 0) itemStart = i;
      depth++;
    } else if (c === "}" || c === "]") {
      if (depth === 0) break; // the findings array closed
      depth--;
      if (depth === 0 && itemStart >= 0) {
        try {
          findings.push(JSON.parse(text.slice(itemStart, i + 1)));
        } catch {
          // Not a whole value after all: left out.
        }
        itemStart = -1;
      }
    }
  }
  return { findings };
}

/**
 * A model's answer text read and checked; text that is not JSON is unreadable, not an error. An
 * answer cut off mid-way keeps the findings it completed (and still counts as unreadable).
 */
export function parseFindingsAnswer(text: string, scopes: readonly FindingScope[]): ValidatedFindings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const salvaged = salvageFindings(text);
    return salvaged ? { ...validateFindings(salvaged, scopes), unreadable: true } : { findings: [], dropped: 0, unreadable: true };
  }
  return validateFindings(parsed, scopes);
}

/** By path and line; at the same line, the most severe first. */
export function sortFindings(findings: readonly ReviewFinding[]): ReviewFinding[] {
  const rank = (severity: FindingSeverity): number => findingSeverities.indexOf(severity);
  return [...findings].sort(
    (a, b) => a.path.localeCompare(b.path) || a.line - b.line || rank(a.severity) - rank(b.severity) || a.endLine - b.endLine,
  );
}

/** Whether any finding is at least as severe as `threshold` (for `--fail-on`). */
export function reachesSeverity(findings: readonly ReviewFinding[], threshold: FindingSeverity): boolean {
  const limit = findingSeverities.indexOf(threshold);
  return findings.some((finding) => findingSeverities.indexOf(finding.severity) <= limit);
}
