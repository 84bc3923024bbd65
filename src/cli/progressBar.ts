// Pull progress in a terminal. On a TTY: one line redrawn in place (percent, bar, bytes, speed,
// ETA), at most ten times a second. Otherwise (a log, a pipe): a plain line when the phase
// changes and every few seconds while downloading. `--json`: every event as one JSON line.
import { formatBytes } from "../common/formatBytes";
import { localize } from "../common/localize";
import type { PullPhase, PullProgress } from "../common/models/modelManifest";
import { displayWidth, formatDuration, truncate } from "./cliFormat";

export type ProgressStyle = "bar" | "lines" | "json" | "none";

export interface ProgressOutput {
  write(text: string): void;
  /** Terminal width, when known. */
  columns?: number | undefined;
}

export interface PullProgressView {
  update(progress: PullProgress): void;
  /** Ends the bar's line (before any other output). */
  finish(): void;
}

/** The style for `--json` and the stream progress goes to: a bar on a TTY, lines otherwise. */
export function progressStyleFor(json: boolean, stream: NodeJS.WriteStream): ProgressStyle {
  if (json) return "json";
  return stream.isTTY ? "bar" : "lines";
}

function phaseLabel(phase: PullPhase, name: string): string {
  switch (phase) {
    case "resolving":
      return localize("resolving {0}", name);
    case "downloading":
      return localize("pulling {0}", name);
    case "verifying":
      return localize("verifying {0}", name);
    case "writing manifest":
      return localize("writing manifest of {0}", name);
    case "done":
      return localize("pulled {0}", name);
  }
}

function percentOf(progress: PullProgress): number | null {
  if (progress.totalBytes === null || progress.totalBytes <= 0) return null;
  return Math.min(100, Math.floor((progress.completedBytes / progress.totalBytes) * 100));
}

function bytesText(progress: PullProgress): string {
  return progress.totalBytes === null
    ? formatBytes(progress.completedBytes)
    : `${formatBytes(progress.completedBytes)}/${formatBytes(progress.totalBytes)}`;
}

/** The bar's line for a width of `columns` (the bar shrinks first, then the text is cut). */
export function formatProgressLine(progress: PullProgress, columns: number): string {
  const label = phaseLabel(progress.phase, progress.name);
  if (progress.phase === "resolving") return truncate(`${label}…`, Math.max(10, columns - 1));
  const percent = percentOf(progress);
  const tail: string[] = [bytesText(progress)];
  if (progress.phase === "downloading") {
    if (progress.bytesPerSecond > 0) tail.push(`${formatBytes(progress.bytesPerSecond)}/s`);
    if (progress.etaSeconds !== null && progress.etaSeconds >= 0.5) tail.push(localize("ETA {0}", formatDuration(progress.etaSeconds)));
  }
  const percentText = percent === null ? "" : `${String(percent).padStart(3)}%`;
  const tailText = tail.join("  ");
  const fixed = displayWidth(label) + displayWidth(percentText) + displayWidth(tailText) + 6;
  const barWidth = Math.max(0, Math.min(40, columns - 1 - fixed));
  let bar = "";
  if (barWidth >= 10 && percent !== null) {
    const filled = Math.round((percent / 100) * barWidth);
    bar = `▕${"█".repeat(filled)}${" ".repeat(barWidth - filled)}▏`;
  }
  const line = [label, percentText, bar, tailText].filter((part) => part !== "").join(" ");
  return truncate(line, Math.max(10, columns - 1));
}

/** A plain line for logs: "pulling NAME: 45% (503 MB/1.1 GB, 12 MB/s, ETA 50s)". */
export function formatProgressPlain(progress: PullProgress): string {
  const percent = percentOf(progress);
  const details: string[] = [bytesText(progress)];
  if (progress.phase === "downloading") {
    if (progress.bytesPerSecond > 0) details.push(`${formatBytes(progress.bytesPerSecond)}/s`);
    if (progress.etaSeconds !== null && progress.etaSeconds >= 0.5) details.push(localize("ETA {0}", formatDuration(progress.etaSeconds)));
  }
  if (progress.phase !== "downloading" && progress.phase !== "done") return `${phaseLabel(progress.phase, progress.name)}…`;
  return `${phaseLabel(progress.phase, progress.name)}: ${percent === null ? "" : `${percent}% `}(${details.join(", ")})`;
}

export interface ProgressViewOptions {
  /** Least time between two redraws of the bar (default 100 ms). */
  redrawMs?: number;
  /** Least time between two plain lines of one phase (default 5 s). */
  lineMs?: number;
  now?: () => number;
}

export function createPullProgressView(style: ProgressStyle, output: ProgressOutput, options: ProgressViewOptions = {}): PullProgressView {
  const now = options.now ?? Date.now;
  const redrawMs = options.redrawMs ?? 100;
  const lineMs = options.lineMs ?? 5000;
  let lastPhase: PullPhase | null = null;
  let lastDraw = 0;
  let drawn = false;
  let pending: PullProgress | null = null;
  switch (style) {
    case "none":
      return { update: () => undefined, finish: () => undefined };
    case "json":
      return {
        update: (progress) => output.write(`${JSON.stringify({ event: "progress", ...progress })}\n`),
        finish: () => undefined,
      };
    case "lines":
      return {
        update: (progress) => {
          const time = now();
          if (progress.phase === lastPhase && time - lastDraw < lineMs) return;
          lastPhase = progress.phase;
          lastDraw = time;
          output.write(`${formatProgressPlain(progress)}\n`);
        },
        finish: () => undefined,
      };
    case "bar": {
      const draw = (progress: PullProgress): void => {
        output.write(`\r${formatProgressLine(progress, output.columns || 80)}\x1b[K`);
        drawn = true;
        pending = null;
      };
      return {
        update: (progress) => {
          const time = now();
          if (progress.phase === lastPhase && progress.phase !== "done" && time - lastDraw < redrawMs) {
            pending = progress;
            return;
          }
          lastPhase = progress.phase;
          lastDraw = time;
          draw(progress);
        },
        finish: () => {
          if (pending) draw(pending);
          if (drawn) output.write("\n");
          drawn = false;
        },
      };
    }
  }
}
