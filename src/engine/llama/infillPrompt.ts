// The prompt of a code completion (fill-in-the-middle), as tokens: the model's own infill tokens
// read from its vocabulary, the order its family was trained with, and the layout that lets a
// keystroke re-evaluate only what changed.
//
// Layout (`extra` first, so it stays in the KV cache while the cursor moves):
//   PSM  extra <PRE> prefix up to the cursor's line <SUF> suffix <MID> the cursor's line so far
//   SPM  extra <SUF> suffix <PRE> prefix <MID>
// The model generates what follows. In PSM the suffix comes after the prefix, so a change to the
// prefix re-evaluates the suffix too; putting the cursor's line after <MID> (as llama.cpp's
// /infill does with `prompt`, and llama.vscode with the line typed so far) keeps everything before
// <MID> unchanged while typing within a line, so a keystroke evaluates only the characters typed
// (plus the re-tokenized end of the word). SPM has the same property by its order.
//
// Which order: families trained with both orders take SPM (Code Llama, StarCoder/StarCoder2, and
// Codestral, whose native format is suffix first); families trained with PSM only take PSM
// (Qwen2.5-Coder, DeepSeek-Coder, CodeGemma). The family is told by the text of its prefix token.
import type { LlamaModel, Token } from "node-llama-cpp";
import type { InfillExtraChunk } from "../../common/engine/engineProtocol";

export type InfillOrder = "psm" | "spm";

export interface FimTokens {
  prefix: Token;
  suffix: Token;
  /** Absent in a few vocabularies (Codestral's early GGUFs): then the prompt ends after the prefix. */
  middle: Token | null;
  /** Qwen2.5-Coder's repository-level tokens: extra files go in as `<|repo_name|>name <|file_sep|>path text…`. */
  repoName: Token | null;
  fileSep: Token | null;
  /** The prefix token's text (`<|fim_prefix|>`, `<PRE>`, `<fim_prefix>`, …), which tells the family. */
  prefixText: string;
}

/** The model's infill tokens, or null when it has no prefix, suffix and middle tokens (it cannot complete code). */
export function fimTokensOf(model: LlamaModel): FimTokens | null {
  const { prefix, suffix, middle } = model.tokens.infill;
  if (prefix === null || suffix === null) return null;
  const prefixText = model.tokens.infill.prefixString ?? model.detokenize([prefix], true);
  // A model with prefix and suffix but no middle token completes in SPM order only when its
  // family is known to (Codestral's [SUFFIX]/[PREFIX]); otherwise it is not offered.
  if (middle === null && !/\[PREFIX\]/.test(prefixText)) return null;
  return {
    prefix,
    suffix,
    middle,
    repoName: specialToken(model, "<|repo_name|>"),
    fileSep: specialToken(model, "<|file_sep|>"),
    prefixText,
  };
}

function specialToken(model: LlamaModel, text: string): Token | null {
  const tokens = model.tokenize(text, true);
  return tokens.length === 1 && model.isSpecialToken(tokens[0]!) ? tokens[0]! : null;
}

/** The order a model family was trained with (see the file's header). */
export function infillOrderFor(fim: Pick<FimTokens, "prefixText" | "middle">): InfillOrder {
  if (fim.middle === null) return "spm";
  const text = fim.prefixText.trim();
  if (text === "<PRE>" || text === "▁<PRE>" || text === "<fim_prefix>" || text === "<fim-prefix>" || text === "[PREFIX]") return "spm";
  return "psm";
}

/**
 * Whether GGUF metadata marks fill-in-the-middle tokens: `tokenizer.ggml.fim_{pre,suf,mid}_token_id`,
 * the older `{prefix,suffix,middle}_token_id`, or the well-known token texts llama.cpp looks for.
 */
export function metadataSupportsInfill(tokenizer: Record<string, unknown> | undefined): boolean {
  if (!tokenizer) return false;
  const ggml = (tokenizer.ggml ?? {}) as Record<string, unknown>;
  const has = (key: string): boolean => typeof ggml[key] === "number" || typeof ggml[key] === "bigint";
  if (has("fim_pre_token_id") && has("fim_suf_token_id") && has("fim_mid_token_id")) return true;
  if (has("prefix_token_id") && has("suffix_token_id") && has("middle_token_id")) return true;
  const tokens = ggml.tokens;
  if (!Array.isArray(tokens)) return false;
  const texts = new Set(tokens.filter((token): token is string => typeof token === "string"));
  return knownFimTexts.some(([pre, suf, mid]) => texts.has(pre) && texts.has(suf) && texts.has(mid));
}

/** Prefix, suffix and middle token texts by family, as llama.cpp recognises them. */
const knownFimTexts: ReadonlyArray<readonly [string, string, string]> = [
  ["<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"], // Qwen2.5-Coder, CodeGemma
  ["<fim_prefix>", "<fim_suffix>", "<fim_middle>"], // StarCoder, StarCoder2
  ["<fim-prefix>", "<fim-suffix>", "<fim-middle>"], // SantaCoder
  ["<PRE>", "<SUF>", "<MID>"], // Code Llama
  ["▁<PRE>", "▁<SUF>", "▁<MID>"],
  ["<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"], // DeepSeek-Coder
  ["[PREFIX]", "[SUFFIX]", "[MIDDLE]"], // Codestral
];

export interface InfillBudgets {
  prefixTokens: number;
  suffixTokens: number;
  extraTokens: number;
}

export interface InfillPrompt {
  tokens: Token[];
  /** What went in after the budgets trimmed it, for the response's figures. */
  prefixTokens: number;
  suffixTokens: number;
  extraTokens: number;
  /** True when the budgets cut something. */
  truncated: boolean;
}

type Tokenize = (text: string) => Token[];

/**
 * The prompt's tokens. The prefix keeps its end and the suffix its start, both cut at whole lines
 * where a line fits, so the kept text (and with it the KV cache) does not shift while typing on one
 * line; the extra context keeps its last chunks (the caller puts the one most worth keeping last).
 */
export function buildInfillPrompt(
  model: LlamaModel,
  fim: FimTokens,
  order: InfillOrder,
  input: { prefix: string; suffix: string; extra: readonly InfillExtraChunk[]; path?: string | undefined },
  budgets: InfillBudgets,
): InfillPrompt {
  const tokenize: Tokenize = (text) => (text === "" ? [] : model.tokenize(text, false, "trimLeadingSpace"));
  let truncated = false;

  // PSM: the cursor's line (so far) goes after <MID>; SPM: the whole prefix goes before <MID>.
  const lineStart = order === "psm" ? input.prefix.lastIndexOf("\n") + 1 : input.prefix.length;
  const line = input.prefix.slice(lineStart);
  const lineTokens = tokenize(line);
  const head = keepEnd(tokenize, input.prefix.slice(0, lineStart), Math.max(0, budgets.prefixTokens - lineTokens.length));
  const tail = keepStart(tokenize, input.suffix, budgets.suffixTokens);
  truncated ||= head.cut || tail.cut;

  const extraTokens: Token[] = [];
  const useRepoFormat = fim.repoName !== null && fim.fileSep !== null;
  if (input.extra.length > 0 && budgets.extraTokens > 0) {
    const pieces: Token[][] = [];
    let total = 0;
    for (let index = input.extra.length - 1; index >= 0; index--) {
      const chunk = input.extra[index]!;
      const piece = useRepoFormat ? [fim.fileSep!, ...tokenize(`${chunk.path}\n${chunk.text}`)] : tokenize(chunk.text.endsWith("\n") ? chunk.text : `${chunk.text}\n`);
      if (total + piece.length > budgets.extraTokens) {
        truncated = true;
        break;
      }
      pieces.unshift(piece);
      total += piece.length;
    }
    if (useRepoFormat && pieces.length > 0) extraTokens.push(fim.repoName!, ...tokenize("workspace\n"));
    for (const piece of pieces) extraTokens.push(...piece);
  }
  if (useRepoFormat && extraTokens.length > 0) extraTokens.push(fim.fileSep!, ...tokenize(`${input.path ?? "file"}\n`));

  const tokens: Token[] = [...extraTokens];
  if (order === "psm") {
    tokens.push(fim.prefix, ...head.tokens, fim.suffix, ...tail.tokens);
    if (fim.middle !== null) tokens.push(fim.middle);
    tokens.push(...lineTokens);
  } else {
    tokens.push(fim.suffix, ...tail.tokens, fim.prefix, ...head.tokens, ...lineTokens);
    if (fim.middle !== null) tokens.push(fim.middle);
  }
  return {
    tokens,
    prefixTokens: head.tokens.length + lineTokens.length,
    suffixTokens: tail.tokens.length,
    extraTokens: extraTokens.length,
    truncated,
  };
}

/** The end of `text` within `budget` tokens, starting at a line start when one is inside the kept part. */
function keepEnd(tokenize: Tokenize, whole: string, budget: number): { tokens: Token[]; cut: boolean } {
  // A token is rarely longer than 16 characters: tokenize no more than that many per token of budget.
  const text = whole.length > budget * 16 ? whole.slice(-budget * 16) : whole;
  const tokens = tokenize(text);
  if (text === whole && tokens.length <= budget) return { tokens, cut: false };
  if (budget === 0) return { tokens: [], cut: true };
  let low = 0;
  if (tokens.length > budget) {
    // The first character from which the rest fits.
    let high = text.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (tokenize(text.slice(middle)).length > budget) low = middle + 1;
      else high = middle;
    }
  }
  let kept = text.slice(low);
  const newline = kept.indexOf("\n");
  if (newline >= 0 && newline < kept.length - 1) kept = kept.slice(newline + 1);
  return { tokens: tokenize(kept), cut: true };
}

/** The start of `text` within `budget` tokens, ending at a line end when one is inside the kept part. */
function keepStart(tokenize: Tokenize, whole: string, budget: number): { tokens: Token[]; cut: boolean } {
  const text = whole.length > budget * 16 ? whole.slice(0, budget * 16) : whole;
  const tokens = tokenize(text);
  if (text === whole && tokens.length <= budget) return { tokens, cut: false };
  if (budget === 0) return { tokens: [], cut: true };
  let low = text.length;
  if (tokens.length > budget) {
    // The longest start that fits.
    low = 0;
    let high = text.length;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (tokenize(text.slice(0, middle)).length <= budget) low = middle;
      else high = middle - 1;
    }
  }
  let kept = text.slice(0, low);
  const newline = kept.lastIndexOf("\n");
  if (newline > 0) kept = kept.slice(0, newline + 1);
  return { tokens: tokenize(kept), cut: true };
}
