// The engine methods that start, stop and report the local HTTP API.
import { parseListenAddress } from "../../common/api/apiAccess";
import type { MethodTable } from "../engineMethod";
import { noParams } from "../engineMethod";
import { bad, checkStringList, optional, optionalString } from "../requestChecks";
import { localize } from "../../common/localize";
import type { Params } from "../requestChecks";

/** Why an apiStart host is not an address to listen on, or null. */
function apiHostProblem(params: Params): string | null {
  if (typeof params.host !== "string") return null;
  try {
    parseListenAddress(params.host);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function optionalBoolean(params: Params, field: string): string | null {
  return params[field] === undefined || typeof params[field] === "boolean" ? null : bad(field, localize("true or false"));
}

export const apiMethods: Pick<MethodTable, "apiStart" | "apiStop" | "apiStatus"> = {
  apiStart: {
    check: (params) =>
      optionalString(params, "host") ??
      optionalString(params, "origins") ??
      optionalString(params, "apiKey") ??
      optionalBoolean(params, "allowUrlPulls") ??
      optional(params, "modelFolders", checkStringList) ??
      apiHostProblem(params),
    run: (scope, { params }) => scope.api.start(params),
  },
  apiStop: { check: noParams, run: (scope) => scope.api.stop() },
  apiStatus: { check: noParams, run: (scope) => scope.api.status() },
};
