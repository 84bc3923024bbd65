// Simplified Chinese for the messages of the engine process and the CLI (see localize.ts).
// A unit test checks that every `localize("…")` call in src/ has an entry here.
export const messagesZhCn: Readonly<Record<string, string>> = {};
