// A chat answer with tools and thinking for the local HTTP API (ollamaApi.ts, openaiApi.ts): the
// engine's chatRespond, its answer text and thinking coalesced as plain text is (apiStreaming.ts)
// and kept in order, tool-call pieces passed on as they come.
import type { ChatRespondChunk, ChatRespondParams, ChatRespondResult } from "../../common/engine/engineProtocol";
import type { ApiContext } from "./apiRoutes";
import { textCoalescer } from "./apiStreaming";

export interface RespondSinks {
  text(text: string): void;
  thinking(text: string): void;
  toolCall(call: NonNullable<ChatRespondChunk["toolCall"]>): void;
}

/** Runs `params` on the model; `sinks` (null when the answer is not streamed) get its pieces in order. */
export async function respondWithTools(
  context: ApiContext,
  params: ChatRespondParams,
  sinks: RespondSinks | null,
  signal: AbortSignal,
): Promise<ChatRespondResult> {
  const text = textCoalescer((piece) => sinks?.text(piece));
  const thinking = textCoalescer((piece) => sinks?.thinking(piece));
  const result = await context.engine.chatRespond(
    { ...params, priority: "interactive" },
    (chunk) => {
      if (!sinks) return;
      if (chunk.thinking !== undefined) {
        text.flush();
        thinking.push(chunk.thinking);
      }
      if (chunk.text !== undefined) {
        thinking.flush();
        text.push(chunk.text);
      }
      if (chunk.toolCall) {
        thinking.flush();
        text.flush();
        sinks.toolCall(chunk.toolCall);
      }
    },
    signal,
  );
  thinking.flush();
  text.flush();
  return result;
}
