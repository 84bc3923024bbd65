// The engine method that reviews code, on the loaded model or on the remote engine of the settings.
import { EngineError } from "../../common/engine/engineError";
import { localize } from "../../common/localize";
import type { MethodTable } from "../engineMethod";
import { bad, isPlainObject, optionalNumber, optionalString, requireString } from "../requestChecks";
import { remoteReviewEngine, runReview } from "./reviewer";

/** Most files, and characters of file text in all, per review request. */
export const maxReviewTargets = 2_000;
export const maxReviewChars = 20_000_000;

/** Why a review's targets are malformed, or null. */
function reviewTargetsProblem(targets: unknown): string | null {
  const expected = localize("a list of {0} (path, content, and diff or range)", "{ path, content, diff?, range? }");
  if (!Array.isArray(targets) || targets.length === 0 || targets.length > maxReviewTargets) return bad("targets", expected);
  let chars = 0;
  for (const target of targets as unknown[]) {
    if (!isPlainObject(target) || typeof target.path !== "string" || !target.path) return bad("targets", expected);
    if (target.content !== null && typeof target.content !== "string") return bad("targets", expected);
    if (target.language !== undefined && typeof target.language !== "string") return bad("targets", expected);
    if (target.diff !== undefined && !(isPlainObject(target.diff) && Array.isArray(target.diff.hunks))) return bad("targets", expected);
    if (target.range !== undefined) {
      const range = target.range;
      if (!isPlainObject(range) || !Number.isInteger(range.start) || !Number.isInteger(range.end) || (range.start as number) < 1 || (range.end as number) < (range.start as number)) {
        return bad("targets", expected);
      }
    }
    if (target.related !== undefined) {
      if (!Array.isArray(target.related)) return bad("targets", expected);
      for (const snippet of target.related as unknown[]) {
        if (!isPlainObject(snippet) || typeof snippet.label !== "string" || typeof snippet.text !== "string") return bad("targets", expected);
        chars += snippet.text.length;
      }
    }
    chars += typeof target.content === "string" ? target.content.length : 0;
  }
  return chars > maxReviewChars ? bad("targets", localize("at most {0} characters of file text", maxReviewChars)) : null;
}

export const reviewMethods: Pick<MethodTable, "review"> = {
  review: {
    check: (params) =>
      (params.remote === undefined || typeof params.remote === "boolean" ? null : bad("remote", localize("true or false"))) ??
      (params.remote === true ? null : requireString(params, "modelId")) ??
      reviewTargetsProblem(params.targets) ??
      optionalString(params, "rules") ??
      optionalNumber(params, "budgetTokens", 128, 10_000_000) ??
      optionalNumber(params, "maxTokens", 16, 1_000_000) ??
      optionalNumber(params, "temperature", 0, 100) ??
      optionalNumber(params, "seed", -1, Number.MAX_SAFE_INTEGER) ??
      optionalNumber(params, "maxFindings", 1, 100),
    run: (scope, { params, signal, emit }) => {
      if (!params.remote) return runReview(scope.engine, params, emit, signal);
      const remote = scope.settings().remote;
      if (!remote?.model.trim()) {
        throw new EngineError(
          "badRequest",
          localize("A review on the remote engine was asked for, but no remote engine with a model is set. Set hearth.remote.kind, hearth.remote.url and hearth.remote.model, or set hearth.remote.kind to off to review with the embedded engine."),
        );
      }
      return runReview(remoteReviewEngine(remote), params, emit, signal);
    },
  },
};
