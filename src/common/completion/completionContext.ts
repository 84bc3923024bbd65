// The extra context a completion sees before the text around the cursor (issue 18): chunks of the
// files the user recently edited or opened (a ring: the oldest leaves first, so the context changes
// at its end and the engine reuses the rest from its KV cache), and the definitions of the symbols
// near the cursor, found in the workspace index. Secret files never contribute.
import type { InfillExtraChunk } from "../engine/engineProtocol";
import { findSecret } from "../index/secretRules";

export type { InfillExtraChunk };

/** Lines a ring chunk holds around the place the user worked. */
export const ringChunkLines = 48;

/** Share of lines two chunks must have in common to count as the same place. */
const sameChunkShare = 0.8;

function lineSet(text: string): Set<string> {
  return new Set(
    text
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.length > 0),
  );
}

function overlap(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const line of a) if (b.has(line)) shared++;
  return shared / Math.min(a.size, b.size);
}

interface RingChunk extends InfillExtraChunk {
  lines: Set<string>;
}

/** Chunks of recently edited and opened files, oldest first. */
export class CompletionContextRing {
  private readonly chunks: RingChunk[] = [];

  constructor(
    private readonly capacity = 12,
    private readonly maxChars = 24_000,
  ) {}

  /**
   * Notes the lines around `line` (0-based) of a file the user edited or opened. A chunk much like
   * one already held replaces it (moving it to the end); a secret file, or a chunk with a secret in
   * it, is never held. Returns whether the ring changed.
   */
  note(relativePath: string, text: string, line: number): boolean {
    const lines = text.split("\n");
    const start = Math.max(0, Math.min(line - Math.floor(ringChunkLines / 2), lines.length - ringChunkLines));
    const chunkText = lines.slice(start, start + ringChunkLines).join("\n").slice(0, 4000);
    if (chunkText.trim().length === 0) return false;
    if (findSecret(relativePath, chunkText)) return false;
    const chunkLines = lineSet(chunkText);
    const same = this.chunks.findIndex((chunk) => chunk.path === relativePath && overlap(chunk.lines, chunkLines) >= sameChunkShare);
    if (same >= 0) {
      // The same place again: keep the ring (and the engine's cache of it) as it is unless it moved.
      if (same === this.chunks.length - 1 && this.chunks[same]!.text === chunkText) return false;
      if (same >= this.chunks.length - 3) return false;
      this.chunks.splice(same, 1);
    }
    this.chunks.push({ path: relativePath, text: chunkText, lines: chunkLines });
    while (this.chunks.length > this.capacity || this.totalChars() > this.maxChars) this.chunks.shift();
    return true;
  }

  /** Forgets every chunk of a file (deleted, or become secret). */
  forget(relativePath: string): void {
    for (let index = this.chunks.length - 1; index >= 0; index--) {
      if (this.chunks[index]!.path === relativePath) this.chunks.splice(index, 1);
    }
  }

  private totalChars(): number {
    return this.chunks.reduce((sum, chunk) => sum + chunk.text.length, 0);
  }

  /**
   * The chunks to send, oldest first, leaving out those of `currentPath` that overlap the text the
   * completion already sees around the cursor.
   */
  extra(currentPath: string, visibleText: string): InfillExtraChunk[] {
    const visible = lineSet(visibleText);
    return this.chunks
      .filter((chunk) => chunk.path !== currentPath || overlap(chunk.lines, visible) < 0.5)
      .map(({ path, text }) => ({ path, text }));
  }
}

const keywords = new Set(
  (
    "abstract and as assert async await break case catch class const continue def default del delete do elif else enum except export " +
    "extends false final finally for from func function go if implements import in instanceof interface is lambda let match new nil " +
    "none not null or package pass private protected public raise return self static struct super switch this throw true try type " +
    "typeof undefined var void while with yield string number boolean int float str bool list dict any print console log len range"
  ).split(" "),
);

/**
 * The identifiers near the cursor worth looking up: names used in the lines just before the cursor
 * (and on its line) that the visible text does not define itself, most recent first.
 */
export function symbolsNearCursor(prefix: string, suffix: string, limit = 4): string[] {
  const lines = prefix.split("\n");
  // Names in strings and comments are not looked up.
  const near = (lines.slice(-4).join("\n") + suffix.split("\n")[0])
    .replace(/(["'`])(?:\\.|(?!\1)[^\\\n])*\1/g, " ")
    .replace(/(?:\/\/|#).*$/gm, " ");
  const visible = prefix.slice(-6000) + suffix.slice(0, 2000);
  const found: string[] = [];
  const names = [...near.matchAll(/[A-Za-z_$][A-Za-z0-9_$]{2,}/g)].map((match) => match[0]).reverse();
  for (const name of names) {
    if (found.includes(name) || keywords.has(name.toLowerCase())) continue;
    if (definesIn(visible, name)) continue;
    found.push(name);
    if (found.length >= limit) break;
  }
  return found;
}

function escape(name: string): string {
  return name.replace(/[$]/g, "\\$");
}

/** True when `text` defines `name` (a function, class, type, method or variable declaration). */
export function definesIn(text: string, name: string): boolean {
  const id = escape(name);
  const pattern = new RegExp(
    `(?:\\b(?:function\\*?|class|interface|type|enum|struct|trait|def|fn|func|const|let|var|val|module|namespace)\\s+${id}\\b)` +
      `|(?:^|\\n)\\s*(?:(?:export|public|private|protected|static|async|readonly|pub)\\s+)*${id}\\s*(?:[:=(<]|\\?\\s*:)`,
  );
  return pattern.test(text);
}

/** A passage from the workspace index, as the completion's definitions lookup sees it. */
export interface DefinitionCandidate {
  path: string;
  startLine: number;
  symbol?: string;
  text: string;
}

/**
 * The definitions of `symbols` among the index's passages: those whose symbol is one of them, or
 * that define one of them; never from `currentPath`, never a secret, at most one per symbol.
 */
export function definitionChunks(candidates: readonly DefinitionCandidate[], symbols: readonly string[], currentPath: string): InfillExtraChunk[] {
  const chosen: InfillExtraChunk[] = [];
  for (const symbol of symbols) {
    const hit = candidates.find(
      (candidate) =>
        candidate.path !== currentPath &&
        (candidate.symbol === symbol || candidate.symbol?.endsWith(`.${symbol}`) || definesIn(candidate.text, symbol)) &&
        !findSecret(candidate.path, candidate.text),
    );
    if (hit && !chosen.some((chunk) => chunk.path === hit.path && chunk.text === hit.text)) {
      chosen.push({ path: hit.path, text: hit.text.slice(0, 2000) });
    }
  }
  return chosen;
}
