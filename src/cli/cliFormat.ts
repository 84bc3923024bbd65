// Text for the terminal: aligned tables (Chinese characters take two columns), parameter counts,
// relative times and durations.
import { localize } from "../common/localize";
import { formatParameterCount } from "../common/models/modelsOverview";

/** Columns a string takes in a terminal: East Asian wide and full-width characters count two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x300 && code <= 0x36f)) continue;
    const wide =
      (code >= 0x1100 && code <= 0x115f) ||
      (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
      (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) ||
      (code >= 0xfe30 && code <= 0xfe4f) ||
      (code >= 0xff00 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) ||
      (code >= 0x1f300 && code <= 0x1faff) ||
      (code >= 0x20000 && code <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

export function padEnd(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}

/** Cuts `text` to at most `width` columns, ending in "…" when cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = "";
  for (const char of text) {
    if (displayWidth(out + char) > width - 1) break;
    out += char;
  }
  return `${out}…`;
}

/** Rows under headers, columns left-aligned and three spaces apart; the last column is not padded. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(displayWidth(header), ...rows.map((row) => displayWidth(row[column] ?? ""))),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : padEnd(cell, widths[column]!)))
      .join("   ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** 1_543_714_304 → "1.5B", 494_032_768 → "494M", 260_000 → "260K"; 0 or unknown → "-". */
export function formatParameters(count: number | null | undefined): string {
  if (count === null || count === undefined || !Number.isFinite(count) || count <= 0) return "-";
  return formatParameterCount(count);
}

/** "just now", "5 minutes ago", "3 days ago"… for a time in the past (milliseconds since 1970). */
export function formatRelativeTime(then: number, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (!Number.isFinite(seconds)) return "-";
  if (seconds < 60) return localize("just now");
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return minutes === 1 ? localize("a minute ago") : localize("{0} minutes ago", minutes);
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return hours === 1 ? localize("an hour ago") : localize("{0} hours ago", hours);
  const days = Math.floor(hours / 24);
  if (days < 14) return days === 1 ? localize("yesterday") : localize("{0} days ago", days);
  if (days < 60) return localize("{0} weeks ago", Math.floor(days / 7));
  if (days < 730) return localize("{0} months ago", Math.floor(days / 30));
  return localize("{0} years ago", Math.floor(days / 365));
}

/** 45 → "45s", 185 → "3m05s", 4000 → "1h06m". */
export function formatDuration(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds) || totalSeconds < 0) return "?";
  const seconds = Math.round(totalSeconds);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, "0")}s`;
  const hours = Math.floor(minutes / 60);
  return `${hours}h${String(minutes % 60).padStart(2, "0")}m`;
}
