// Streamed text for the local HTTP API (ollamaApi.ts, openaiApi.ts), coalesced so a fast model
// does not cost a write and a client-side parse per token.

/** How often streamed text goes out at most: the first piece at once, then what came in each interval as one piece. */
export const streamIntervalMs = 16;

/**
 * Coalesces streamed text: a small model makes a token every millisecond or less, and a line (or
 * event) per token costs the server a write and the client a parse each. Nothing is held back
 * longer than `streamIntervalMs`; `flush` sends what is left before the final line.
 */
export function textCoalescer(emit: (text: string) => void): { push: (text: string) => void; flush: () => void } {
  let buffer = "";
  let lastSent = 0;
  let timer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (buffer === "") return;
    const text = buffer;
    buffer = "";
    lastSent = performance.now();
    emit(text);
  };
  const push = (text: string): void => {
    buffer += text;
    const since = performance.now() - lastSent;
    if (since >= streamIntervalMs) flush();
    else if (!timer) timer = setTimeout(flush, streamIntervalMs - since);
  };
  return { push, flush };
}
