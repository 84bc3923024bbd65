// The engine methods of the workspace index: build, update files, search, status, clear.
import { localize } from "../../common/localize";
import type { MethodTable } from "../engineMethod";
import { bad, checkStringList, optional, optionalNumber, optionalOneOf, optionalString, requireString, requireText } from "../requestChecks";
import type { Params } from "../requestChecks";
import { withRemoteEmbedding } from "./remoteEmbeddingBackend";

const maxFileBytesLimit = 1024 * 1024 * 1024;

function nonEmptyRoots(params: Params): string | null {
  return (
    checkStringList(params, "roots") ??
    (Array.isArray(params.roots) && params.roots.length > 0 ? null : bad("roots", localize("a non-empty list of folders")))
  );
}

export const indexMethods: Pick<MethodTable, "indexBuild" | "indexUpdateFiles" | "indexSearch" | "indexStatus" | "indexClear"> = {
  indexBuild: {
    check: (params) =>
      nonEmptyRoots(params) ??
      requireString(params, "storeDir") ??
      optionalString(params, "embeddingModel") ??
      optional(params, "excludes", checkStringList) ??
      optionalNumber(params, "maxFileBytes", 1, maxFileBytesLimit),
    run: async (scope, { params, signal, emit }) =>
      scope.indexes.build(
        await withRemoteEmbedding(params, scope.settings().remote, async () => (await scope.indexes.status(params.storeDir)).embeddingModel),
        emit,
        signal,
      ),
  },
  indexUpdateFiles: {
    check: (params) =>
      requireString(params, "storeDir") ??
      optional(params, "roots", checkStringList) ??
      checkStringList(params, "changed") ??
      checkStringList(params, "deleted") ??
      optional(params, "excludes", checkStringList) ??
      optionalNumber(params, "maxFileBytes", 1, maxFileBytesLimit),
    run: (scope, { params, signal, emit }) => scope.indexes.updateFiles(params, emit, signal),
  },
  indexSearch: {
    check: (params) =>
      requireString(params, "storeDir") ??
      requireText(params, "query") ??
      optionalNumber(params, "k", 1, 200) ??
      optional(params, "paths", checkStringList) ??
      optionalOneOf(params, "mode", ["hybrid", "keyword", "vector"], localize("\"hybrid\", \"keyword\" or \"vector\"")) ??
      optionalString(params, "rerankModel") ??
      (params.explain === undefined || typeof params.explain === "boolean" ? null : bad("explain", localize("true or false"))),
    run: (scope, { params, signal }) => scope.indexes.search(params, signal),
  },
  indexStatus: {
    check: (params) => requireString(params, "storeDir"),
    run: (scope, { params }) => scope.indexes.status(params.storeDir),
  },
  indexClear: {
    check: (params) => requireString(params, "storeDir"),
    run: (scope, { params }) => scope.indexes.clear(params.storeDir),
  },
};
