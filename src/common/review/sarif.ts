// Review findings as SARIF 2.1.0 (for code-scanning uploads in CI) and as plain text lines
// (`path:line: severity [category] message`, the shape compilers print and editors link).
import type * as Sarif from "sarif";
import type { FindingCategory, FindingSeverity, ReviewFinding } from "./reviewFindings";
import { findingCategories } from "./reviewFindings";
import type { SkippedFile } from "./reviewPrompt";
import { skipReasonText } from "./reviewPrompt";

export const sarifSchemaUri = "https://json.schemastore.org/sarif-2.1.0.json";

const sarifLevel: Record<FindingSeverity, Sarif.Result.level> = { error: "error", warning: "warning", info: "note" };

const ruleDescriptions: Record<FindingCategory, string> = {
  bug: "A defect: the code does not do what it is meant to.",
  security: "A security weakness.",
  performance: "Work the code does not need to do, or does slowly.",
  readability: "Code that is hard to read or maintain.",
  test: "Missing or weak tests.",
  style: "A departure from the project's conventions.",
};

export interface SarifToolInfo {
  version: string;
  /** The model that reviewed (recorded in the run's properties). */
  model?: string;
  /** Files the review left out (secrets, lock files…): one tool notification each, with the reason. */
  skipped?: readonly SkippedFile[];
}

/** A SARIF 2.1.0 log with one run, one rule per category, one result per finding. */
export function findingsToSarif(findings: readonly ReviewFinding[], tool: SarifToolInfo): Sarif.Log {
  const rules: Sarif.ReportingDescriptor[] = findingCategories.map((category) => ({
    id: `hearth/${category}`,
    name: category,
    shortDescription: { text: ruleDescriptions[category] },
  }));
  const results: Sarif.Result[] = findings.map((finding) => {
    const result: Sarif.Result = {
      ruleId: `hearth/${finding.category}`,
      ruleIndex: findingCategories.indexOf(finding.category),
      level: sarifLevel[finding.severity],
      message: { text: finding.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeURI(finding.path), uriBaseId: "%SRCROOT%" },
            region: { startLine: finding.line, endLine: finding.endLine },
          },
        },
      ],
    };
    if (finding.suggestion !== undefined) {
      result.fixes = [
        {
          description: { text: "Replace the lines with the suggestion." },
          artifactChanges: [
            {
              artifactLocation: { uri: encodeURI(finding.path), uriBaseId: "%SRCROOT%" },
              replacements: [
                {
                  // endColumn 1 of the line after: the whole lines, their line ends included.
                  deletedRegion: { startLine: finding.line, startColumn: 1, endLine: finding.endLine + 1, endColumn: 1 },
                  insertedContent: { text: `${finding.suggestion}\n` },
                },
              ],
            },
          ],
        },
      ];
    }
    return result;
  });
  const run: Sarif.Run = {
    tool: {
      driver: {
        name: "Hearth",
        version: tool.version,
        rules,
      },
    },
    originalUriBaseIds: { "%SRCROOT%": { uri: "./" } },
    results,
    ...(tool.skipped && tool.skipped.length > 0
      ? {
          invocations: [
            {
              executionSuccessful: true,
              toolExecutionNotifications: tool.skipped.map(
                (skipped): Sarif.Notification => ({
                  descriptor: { id: `hearth/skipped/${skipped.reason}` },
                  level: "note",
                  message: { text: skipReasonText(skipped) },
                  locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(skipped.path), uriBaseId: "%SRCROOT%" } } }],
                  properties: { reason: skipped.reason, ...(skipped.secret ? { secret: skipped.secret } : {}) },
                }),
              ),
            },
          ],
        }
      : {}),
    ...(tool.model ? { properties: { model: tool.model } } : {}),
  };
  return { $schema: sarifSchemaUri, version: "2.1.0", runs: [run] };
}

/** One line per finding (`path:line[-end]: severity [category] message`), its suggestion indented below. */
export function formatFindingsText(findings: readonly ReviewFinding[], severityLabel: (severity: FindingSeverity) => string = (s) => s): string {
  const lines: string[] = [];
  for (const finding of findings) {
    const where = finding.endLine > finding.line ? `${finding.line}-${finding.endLine}` : String(finding.line);
    lines.push(`${finding.path}:${where}: ${severityLabel(finding.severity)} [${finding.category}] ${finding.message}`);
    if (finding.suggestion !== undefined) {
      for (const row of finding.suggestion.split("\n")) lines.push(`    | ${row}`);
    }
  }
  return lines.join("\n");
}
