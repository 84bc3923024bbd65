// Go templates: values as Go prints them (fmt's %v, Sprint, Sprintf), the truth of a value, and the
// escaping functions (html, js, json). Each is linear in what it reads and writes; the runner
// (goTemplateRunner.ts) charges that against a rendering's budget.
import type { GoTemplateObject, GoTemplateValue } from "./goTemplateSyntax";
export function isObject(value: GoTemplateValue): value is GoTemplateObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function typeName(value: GoTemplateValue): string {
  if (value === undefined || value === null) return "nil";
  if (Array.isArray(value)) return "slice";
  if (isObject(value)) return "map";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float64";
  return typeof value === "boolean" ? "bool" : "string";
}

/** Go's notion of "true": non-zero, non-empty, not nil. */
export function goTruth(value: GoTemplateValue): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return Object.keys(value).length > 0;
}

function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  const text = String(value);
  return text.replace(/e([+-])(\d)$/, "e$10$2");
}

/** Go's fmt %v, near enough. */
export function printValue(value: GoTemplateValue): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map(printInner).join(" ")}]`;
  return `map[${Object.keys(value).sort().map((key) => `${key}:${printInner(value[key])}`).join(" ")}]`;
}

export function printInner(value: GoTemplateValue): string {
  return value === undefined || value === null ? "<nil>" : printValue(value);
}

export function goSprint(values: readonly GoTemplateValue[]): string {
  let out = "";
  values.forEach((value, index) => {
    if (index > 0 && typeof value !== "string" && typeof values[index - 1] !== "string") out += " ";
    out += printInner(value);
  });
  return out;
}

const printfFlags = "-+# 0";
/** Go's fmt refuses widths and precisions above this ("%!(NOVERB)"), as fmt's tooLarge does. */
const maxPrintfNumber = 1_000_000;

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= "0" && ch <= "9";
}

function isVerb(ch: string | undefined): boolean {
  return ch !== undefined && (ch === "%" || (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z"));
}

/**
 * Go's fmt.Sprintf for the verbs templates use. One pass over the format (each character is looked
 * at a bounded number of times), so its cost is linear in the format and the output; the output
 * stops with null once it would pass `maxLength` characters, so a width of a million repeated a
 * thousand times does not build a gigabyte first.
 */
export function goSprintf(format: string, values: readonly GoTemplateValue[], maxLength = Infinity): string | null {
  const parts: string[] = [];
  let length = 0;
  const add = (text: string): boolean => {
    length += text.length;
    parts.push(text);
    return length <= maxLength;
  };
  let next = 0;
  let copied = 0;
  let search = 0;
  const n = format.length;
  for (;;) {
    const percent = format.indexOf("%", search);
    if (percent === -1) break;
    // %[flags][width][.precision]verb; anything else stays as written (flags, width and precision
    // hold no %, so the next search starts past them and nothing is read twice).
    let i = percent + 1;
    while (i < n && printfFlags.includes(format[i]!)) i++;
    const widthStart = i;
    while (isDigit(format[i])) i++;
    const width = i > widthStart ? Number(format.slice(widthStart, i)) : undefined;
    let precision: number | undefined;
    if (format[i] === "." && isDigit(format[i + 1])) {
      const precisionStart = ++i;
      while (isDigit(format[i])) i++;
      precision = Number(format.slice(precisionStart, i));
    }
    const verb = format[i];
    if (!isVerb(verb)) {
      search = percent + 1;
      continue;
    }
    if (!add(format.slice(copied, percent))) return null;
    copied = i + 1;
    search = i + 1;
    if ((width !== undefined && width > maxPrintfNumber) || (precision !== undefined && precision > maxPrintfNumber)) {
      // Go gives up on the rest of the format here.
      if (!add("%!(NOVERB)")) return null;
      copied = n;
      break;
    }
    if (verb === "%") {
      if (!add("%")) return null;
      continue;
    }
    if (next >= values.length) {
      if (!add(`%!${verb}(MISSING)`)) return null;
      continue;
    }
    const value = values[next++];
    let text: string;
    switch (verb) {
      case "q":
        text = typeof value === "string" ? JSON.stringify(value) : printInner(value);
        break;
      case "d":
        text = typeof value === "number" ? String(Math.trunc(value)) : `%!d(${typeName(value)}=${printInner(value)})`;
        break;
      case "f":
      case "F":
        text = typeof value === "number" ? value.toFixed(precision === undefined ? 6 : Math.min(precision, 100)) : `%!f(${typeName(value)}=${printInner(value)})`;
        break;
      case "t":
        text = typeof value === "boolean" ? String(value) : `%!t(${typeName(value)}=${printInner(value)})`;
        break;
      case "x":
        text = typeof value === "number" ? Math.trunc(value).toString(16) : [...new TextEncoder().encode(printInner(value))].map((b) => b.toString(16).padStart(2, "0")).join("");
        break;
      case "s":
      case "v":
        text = printInner(value);
        break;
      default:
        if (!add(format.slice(percent, i + 1))) return null;
        continue;
    }
    if (precision !== undefined && verb === "s") text = text.slice(0, precision);
    if (width !== undefined && width > text.length && length + width > maxLength) return null;
    if (!add(width !== undefined ? text.padStart(width) : text)) return null;
  }
  if (!add(format.slice(copied))) return null;
  if (next < values.length && !add(`%!(EXTRA ${values.slice(next).map((v) => `${typeName(v)}=${printInner(v)}`).join(", ")})`)) return null;
  return parts.join("");
}

export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** Go's json.Marshal: compact, with <, > and & escaped. */
export function goJson(value: GoTemplateValue): string {
  const text = JSON.stringify(value === undefined ? null : value) ?? "null";
  return text.replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

export function isoDate(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function htmlEscape(text: string): string {
  return text.replace(/[&<>"'\0]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;", "\0": "\uFFFD" })[ch] ?? ch);
}

export function jsEscape(text: string): string {
  return text.replace(/[\\'"<>&=\n\r\t]/g, (ch) =>
    ({ "\\": "\\\\", "'": "\\'", '"': "\\\"", "<": "\\u003C", ">": "\\u003E", "&": "\\u0026", "=": "\\u003D", "\n": "\\n", "\r": "\\r", "\t": "\\t" })[ch] ?? ch,
  );
}

export function sameValue(a: GoTemplateValue, b: GoTemplateValue): boolean {
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  return a === b;
}
