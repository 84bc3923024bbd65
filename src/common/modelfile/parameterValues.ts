// A PARAMETER's value read as Ollama reads it (api.FormatParams: Go's integer, float and bool
// syntax, int64 and float32 limits), and how its type and range are described in messages.
import { localize } from "../localize";
import type { ModelfileParameterInfo } from "./modelfileParameters";

const goIntPattern = /^[+-]?\d+$/;
const goFloatPattern = /^[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+|inf|infinity|nan)$/i;
const goBools: ReadonlySet<string> = new Set(["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"]);
const int64Max = 9223372036854775807n;
const float32Max = 3.4028234663852886e38;

export type ParsedValue = { readonly ok: true; readonly number: number | null } | { readonly ok: false };

/** Reads a value as Ollama's api.FormatParams does. */
export function readParameterValue(info: ModelfileParameterInfo, value: string): ParsedValue {
  switch (info.type) {
    case "int": {
      if (!goIntPattern.test(value)) return { ok: false };
      const big = BigInt(value);
      if (big > int64Max || big < -int64Max - 1n) return { ok: false };
      return { ok: true, number: Number(big) };
    }
    case "float": {
      if (!goFloatPattern.test(value)) return { ok: false };
      const lower = value.toLowerCase().replace(/^\+/, "");
      const number = /inf/.test(lower) ? (lower.startsWith("-") ? -Infinity : Infinity) : /nan/.test(lower) ? NaN : Number(value);
      if (Number.isFinite(number) && Math.abs(number) > float32Max) return { ok: false };
      return { ok: true, number };
    }
    case "bool":
      return goBools.has(value) ? { ok: true, number: null } : { ok: false };
    case "string":
      return { ok: true, number: null };
  }
}

export function typeDescription(info: ModelfileParameterInfo): string {
  switch (info.type) {
    case "int":
      return localize("a whole number");
    case "float":
      return localize("a number");
    case "bool":
      return localize("true or false");
    case "string":
      return localize("text");
  }
}

export function rangeDescription(info: ModelfileParameterInfo): string {
  if (info.allowed) return info.allowed.join(", ");
  if (info.min !== undefined && info.max !== undefined) return localize("from {0} to {1}", info.min, info.max);
  if (info.min !== undefined) return localize("{0} or more", info.min);
  return localize("{0} or less", info.max ?? 0);
}
