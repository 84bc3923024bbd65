// The engine methods that start, stop and report the local HTTP API.
import { parseListenAddress } from "../../common/api/apiAccess";
import type { MethodTable } from "../engineMethod";
import { noParams } from "../engineMethod";
import { optionalString } from "../requestChecks";
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

export const apiMethods: Pick<MethodTable, "apiStart" | "apiStop" | "apiStatus"> = {
  apiStart: {
    check: (params) => optionalString(params, "host") ?? optionalString(params, "origins") ?? apiHostProblem(params),
    run: (scope, { params }) => scope.api.start(params),
  },
  apiStop: { check: noParams, run: (scope) => scope.api.stop() },
  apiStatus: { check: noParams, run: (scope) => scope.api.status() },
};
