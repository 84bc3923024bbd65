// The engine's dispatch table: every method the protocol declares, each with the check its params
// pass and its handler, gathered from the feature folders. engineMain.ts looks requests up here;
// the method list, the validation and the dispatch all follow from this one table.
import { localize } from "../common/localize";
import { apiMethods } from "./api/apiMethods";
import type { MethodTable } from "./engineMethod";
import { indexMethods } from "./index/indexMethods";
import { llamaMethods } from "./llama/llamaMethods";
import { storeMethods } from "./models/storeMethods";
import { bad, isPlainObject, requireString, requireText } from "./requestChecks";
import type { Params } from "./requestChecks";
import { remoteChatMethods } from "./remote/remoteChatMethods";
import { reviewMethods } from "./review/reviewMethods";

/** A remote engine's settings: null, or the kind, address and models (the key is never echoed). */
function remoteProblem(remote: unknown): string | null {
  if (remote === null) return null;
  if (!isPlainObject(remote)) return bad("remote", localize("null or an object with kind, url, model and embeddingModel"));
  if (remote.kind !== "ollama" && remote.kind !== "openai") return bad("remote.kind", localize("\"ollama\" or \"openai\""));
  return (
    requireString(remote, "url") ??
    (typeof remote.model === "string" ? null : bad("remote.model", localize("a string"))) ??
    (typeof remote.embeddingModel === "string" ? null : bad("remote.embeddingModel", localize("a string"))) ??
    (remote.apiKey === undefined || typeof remote.apiKey === "string" ? null : bad("remote.apiKey", localize("a string")))
  );
}

function settingsProblem(params: Params): string | null {
  return (
    requireText(params, "locale") ??
    (typeof params.threads === "number" && params.threads >= 0 && params.threads <= 1024 ? null : bad("threads", localize("a number from {0} to {1}", 0, 1024))) ??
    (typeof params.contextSize === "number" && params.contextSize >= 0 ? null : bad("contextSize", localize("a number from {0} to {1}", 0, 10_000_000))) ??
    (params.gpu === "auto" || params.gpu === "off" ? null : bad("gpu", localize("\"auto\" or \"off\""))) ??
    requireText(params, "storeRoot") ??
    requireText(params, "downloadEndpoint") ??
    requireText(params, "modelScopeEndpoint") ??
    requireText(params, "catalogueFile") ??
    remoteProblem(params.remote)
  );
}

export const engineMethodTable: MethodTable = {
  configure: {
    check: settingsProblem,
    run: (scope, { params }) => scope.configure(params),
  },
  ...llamaMethods,
  ...remoteChatMethods,
  ...storeMethods,
  ...reviewMethods,
  ...indexMethods,
  ...apiMethods,
};

/** Whether `name` is a method the engine serves. */
export function isEngineMethod(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(engineMethodTable, name);
}
