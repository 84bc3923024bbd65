// Hearth's workspace search as a language-model tool (`hearth_searchWorkspace`): its input, checked
// as the schema in package.json says, and its result as text a model can cite: each passage under
// its `path:start-end` label, fenced as data.
import { fenceFor, fenceLanguage } from "../chat/chatPrompt";
import type { IndexPassage } from "../index/indexPassages";
import { passageLabel } from "../index/indexPassages";
import { localize } from "../localize";

export const searchToolName = "hearth_searchWorkspace";
/** How many passages when the call does not say, and the most it may ask for. */
export const defaultSearchToolResults = 6;
export const maxSearchToolResults = 20;

export interface SearchToolInput {
  query: string;
  k: number;
}

/** Thrown for input the schema forbids (VS Code checks it too; other callers may not). */
export class SearchToolInputError extends Error {}

/** The query (trimmed, non-empty) and k (a whole number from 1 to 20; 6 when absent). */
export function searchToolInput(input: unknown): SearchToolInput {
  const fields = typeof input === "object" && input !== null ? (input as Record<string, unknown>) : {};
  const query = typeof fields.query === "string" ? fields.query.trim() : "";
  if (!query) throw new SearchToolInputError(localize("The search needs a query: give \"query\" as a non-empty string (words, or a name from the code)."));
  const k = fields.k;
  if (k === undefined || k === null) return { query, k: defaultSearchToolResults };
  if (typeof k !== "number" || !Number.isInteger(k) || k < 1 || k > maxSearchToolResults) {
    throw new SearchToolInputError(localize("\"k\" must be a whole number from 1 to {0} (how many passages to return).", maxSearchToolResults));
  }
  return { query, k };
}

/** The passages as the tool's result: a line saying what was found, then each passage labelled and fenced. */
export function searchToolText(query: string, passages: readonly IndexPassage[]): string {
  if (passages.length === 0) {
    return localize("The workspace index has no passage matching \"{0}\". Try other words, or a name from the code.", query);
  }
  const blocks = passages.map((passage) => {
    const fence = fenceFor(passage.text);
    const language = passage.language === "pdf" ? "" : fenceLanguage(passage.language);
    return `${passageLabel(passage)}\n${fence}${language}\n${passage.text.replace(/\n$/, "")}\n${fence}`;
  });
  return `${localize("{0} passages from the workspace index for \"{1}\", best first (path:lines):", passages.length, query)}\n\n${blocks.join("\n\n")}`;
}
