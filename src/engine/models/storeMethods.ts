// The engine methods of the model store: list, show, pull, remove, copy, import, repair, create.
import { localize } from "../../common/localize";
import type { EngineScope, MethodTable } from "../engineMethod";
import { noParams } from "../engineMethod";
import { optional, optionalNumber, optionalOneOf, requireString } from "../requestChecks";
import type { StoreScope } from "./storeOperations";
import { createModel, listStore, pullModel, removeModel, showStoredModel } from "./storeOperations";

/** The engine process's scope as the store operations see it. */
function storeScope(scope: EngineScope): StoreScope {
  return {
    store: scope.store,
    engine: scope.engine,
    endpoints: () => {
      const settings = scope.settings();
      return {
        ...(settings.downloadEndpoint.trim() ? { huggingFaceEndpoint: settings.downloadEndpoint.trim() } : {}),
        ...(settings.modelScopeEndpoint.trim() ? { modelScopeEndpoint: settings.modelScopeEndpoint.trim() } : {}),
      };
    },
    log: (level, message) => scope.log(level, message),
  };
}

export const storeMethods: Pick<
  MethodTable,
  "storeList" | "storeShow" | "storePull" | "storeRemove" | "storeCopy" | "storeImport" | "storeRepair" | "storeCreate"
> = {
  storeList: { check: noParams, run: (scope) => listStore(scope.store) },
  storeShow: {
    check: (params) => requireString(params, "name") ?? optionalNumber(params, "contextSize", 0, 10_000_000),
    run: (scope, { params }) => showStoredModel(storeScope(scope), params),
  },
  storePull: {
    check: (params) => requireString(params, "reference") ?? optional(params, "name", requireString),
    run: (scope, { params, signal, emit }) => pullModel(storeScope(scope), params, emit, signal),
  },
  storeRemove: {
    check: (params) => requireString(params, "name"),
    run: (scope, { params }) => removeModel(storeScope(scope), params),
  },
  storeCopy: {
    check: (params) => requireString(params, "source") ?? requireString(params, "destination"),
    run: (scope, { params }) => scope.store.copy(params.source, params.destination),
  },
  storeImport: {
    check: (params) =>
      requireString(params, "path") ?? optional(params, "name", requireString) ?? optionalOneOf(params, "mode", ["copy", "link"], localize("\"copy\" or \"link\"")),
    run: (scope, { params, signal }) => scope.store.importFile(params.path, params.name, { mode: params.mode ?? "copy", signal }),
  },
  storeRepair: { check: noParams, run: (scope) => scope.store.repair() },
  storeCreate: {
    check: (params) => requireString(params, "name") ?? requireString(params, "modelfile") ?? requireString(params, "baseDir"),
    run: (scope, { params, signal, emit }) => createModel(storeScope(scope), params, emit, signal),
  },
};
