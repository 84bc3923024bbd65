// The engine method that answers a chat turn on the remote engine of the settings (hearth.remote.*)
// instead of a loaded model: the Chat view, @hearth and Run Prompt use it, so whether the embedded
// engine or a server answers is decided here, in the engine process, as for reviews and embeddings.
import { remoteLabel } from "../../common/chat/remoteLabel";
import { EngineError } from "../../common/engine/engineError";
import type { RemoteChatTurnResult } from "../../common/engine/engineProtocol";
import { localize } from "../../common/localize";
import type { MethodTable } from "../engineMethod";
import { bad, checkOptions, historyProblem, requireText } from "../requestChecks";
import { remoteEngineFor, remoteGenerateResult } from "./remoteEngine";

export const remoteChatMethods: Pick<MethodTable, "remoteChat"> = {
  remoteChat: {
    check: (params) =>
      (typeof params.system === "string" ? null : bad("system", localize("a string"))) ??
      historyProblem(params) ??
      requireText(params, "message") ??
      checkOptions(params.options),
    run: async (scope, { params, signal, emit }): Promise<RemoteChatTurnResult> => {
      const remote = scope.settings().remote;
      const model = remote?.model.trim() ?? "";
      if (!remote || !model) {
        throw new EngineError(
          "badRequest",
          localize("A chat on the remote engine was asked for, but no remote engine with a model is set. Set hearth.remote.kind, hearth.remote.url and hearth.remote.model, or set hearth.remote.kind to off to chat with the embedded engine."),
        );
      }
      const history = params.history ?? [];
      const started = performance.now();
      let first: number | null = null;
      const result = await remoteEngineFor(remote).chat(
        { model, system: params.system, history, message: params.message, ...(params.options ? { options: params.options } : {}) },
        (text) => {
          first ??= performance.now();
          emit({ text });
        },
        signal,
      );
      return {
        ...remoteGenerateResult(result, started, first),
        turns: history.filter((turn) => turn.role === "assistant").length + 1,
        droppedTurns: 0,
        contextTokens: result.promptTokens + result.outputTokens,
        contextSize: 0,
        model: remoteLabel(model, remote.url),
      };
    },
  },
};
