// A Modelfile's bytes turned into text the way Ollama's parser turns them (parser.ParseFile reads
// through a byte-order-mark override): a UTF-8, UTF-16LE or UTF-16BE byte order mark picks the
// encoding and is dropped; without one the bytes are UTF-8. Nothing is refused here: bytes that
// are not valid in the chosen encoding become U+FFFD, as in Go. Windows editors and PowerShell's
// `>` write UTF-16 with a byte order mark, so those files read as they do in Ollama.
//
// Pure (no Node built-ins): the CLI reads the file and hands the bytes in; in VS Code the editor
// has decoded the file already (it honours the same byte order marks).
import { localize } from "../localize";

export type ModelfileEncoding = "utf8" | "utf8bom" | "utf16le" | "utf16be";

/** Why bytes that decoded are probably not a Modelfile at all (said only when the text does not parse). */
export type ModelfileBytesSuspect = "binary" | "utf16WithoutBom";

export interface DecodedModelfile {
  /** The text the parser reads: decoded, without the byte order mark. */
  readonly text: string;
  readonly encoding: ModelfileEncoding;
  readonly suspect?: ModelfileBytesSuspect;
}

/** Builds a string from UTF-16 code units in slices, so that a large file does not overflow the call stack. */
function fromCodeUnits(units: Uint16Array): string {
  let text = "";
  for (let start = 0; start < units.length; start += 8192) {
    text += String.fromCharCode(...units.subarray(start, start + 8192));
  }
  return text;
}

/**
 * UTF-16 as Go's decoder reads it: a surrogate without its partner, and an odd byte at the end,
 * become U+FFFD.
 */
function decodeUtf16(bytes: Uint8Array, littleEndian: boolean): string {
  const count = Math.floor(bytes.length / 2);
  const raw = new Uint16Array(count);
  for (let k = 0; k < count; k++) {
    const a = bytes[2 * k]!;
    const b = bytes[2 * k + 1]!;
    raw[k] = littleEndian ? a | (b << 8) : (a << 8) | b;
  }
  const units = new Uint16Array(count + 1);
  let length = 0;
  for (let k = 0; k < count; k++) {
    const unit = raw[k]!;
    if (unit >= 0xd800 && unit <= 0xdbff && k + 1 < count && raw[k + 1]! >= 0xdc00 && raw[k + 1]! <= 0xdfff) {
      units[length++] = unit;
      units[length++] = raw[++k]!;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      units[length++] = 0xfffd;
    } else {
      units[length++] = unit;
    }
  }
  if (bytes.length % 2 === 1) units[length++] = 0xfffd;
  return fromCodeUnits(units.subarray(0, length));
}

/**
 * Whether bytes without a byte order mark look like UTF-16 text: in the first 512 bytes, zeros in
 * the high byte of at least half the characters (ASCII text, as Modelfiles mostly are) and never
 * in the low byte. VS Code opens such a file as UTF-16 by a guess much like this one; Ollama reads
 * it as UTF-8 and cannot parse it.
 */
function looksLikeUtf16(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 512) & ~1;
  if (end < 2) return false;
  let zerosEven = 0;
  let zerosOdd = 0;
  for (let k = 0; k < end; k++) {
    if (bytes[k] !== 0) continue;
    if (k % 2 === 0) zerosEven++;
    else zerosOdd++;
  }
  const characters = end / 2;
  return (zerosEven === 0 && zerosOdd >= characters / 2) || (zerosOdd === 0 && zerosEven >= characters / 2);
}

/** Decodes a Modelfile's bytes as Ollama does. */
export function decodeModelfileBytes(bytes: Uint8Array): DecodedModelfile {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: decodeUtf16(bytes.subarray(2), true), encoding: "utf16le" };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: decodeUtf16(bytes.subarray(2), false), encoding: "utf16be" };
  }
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  // ignoreBOM: the mark (when there is one) is cut off here; a second one is text, as in Go.
  const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bom ? bytes.subarray(3) : bytes);
  const encoding: ModelfileEncoding = bom ? "utf8bom" : "utf8";
  if (!text.includes("\u0000")) return { text, encoding };
  return { text, encoding, suspect: !bom && looksLikeUtf16(bytes) ? "utf16WithoutBom" : "binary" };
}

/** What to tell the user about a file whose bytes are suspect and whose text does not parse. */
export function suspectModelfileMessage(suspect: ModelfileBytesSuspect, file: string): string {
  return suspect === "utf16WithoutBom"
    ? localize(
        "{0} is UTF-16 text without a byte order mark. Ollama reads a Modelfile as UTF-8 unless it starts with a byte order mark, so it cannot read this file, and neither does Hearth. Save it as UTF-8 (in PowerShell: Set-Content -Encoding utf8), or as UTF-16 with a byte order mark.",
        file,
      )
    : localize("{0} is a binary file, not a Modelfile (a Modelfile is text). To use a .gguf model, write FROM followed by its path in a Modelfile.", file);
}
