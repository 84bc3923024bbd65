// The CLI's text helpers in-process: aligned tables (Chinese takes two columns), parameter
// counts, relative times, and the pull progress views (bar redraws, plain lines, JSON lines).
import * as assert from "node:assert/strict";
import type { LoadedModelInfo } from "../../src/common/engine/engineProtocol";
import type { PullProgress } from "../../src/common/models/modelManifest";
import { displayWidth, formatDuration, formatParameters, formatRelativeTime, formatTable } from "../../src/cli/cliFormat";
import { processorText } from "../../src/cli/commands/ps";
import { createPullProgressView, formatProgressLine } from "../../src/cli/progressBar";

function progress(phase: PullProgress["phase"], completedBytes: number, extra: Partial<PullProgress> = {}): PullProgress {
  return { phase, name: "tiny:1", completedBytes, totalBytes: 1_000_000, bytesPerSecond: 0, etaSeconds: null, ...extra };
}

describe("CLI text helpers", () => {
  it("aligns table columns by display width", () => {
    const table = formatTable(["名称", "SIZE"], [
      ["a", "1 MB"],
      ["longer-name", "22 MB"],
    ]).split("\n");
    assert.equal(displayWidth("名称"), 4);
    assert.deepEqual(table, ["名称          SIZE", "a             1 MB", "longer-name   22 MB"]);
  });

  it("formats parameter counts, durations and relative times", () => {
    assert.equal(formatParameters(1_543_714_304), "1.5B");
    assert.equal(formatParameters(494_032_768), "494M");
    assert.equal(formatParameters(211_904), "212K");
    assert.equal(formatParameters(7_000_000_000), "7B");
    assert.equal(formatParameters(0), "-");
    assert.equal(formatDuration(45), "45s");
    assert.equal(formatDuration(185), "3m05s");
    assert.equal(formatDuration(4000), "1h06m");
    const now = Date.UTC(2025, 0, 31);
    assert.equal(formatRelativeTime(now - 5_000, now), "just now");
    assert.equal(formatRelativeTime(now - 60_000, now), "a minute ago");
    assert.equal(formatRelativeTime(now - 5 * 60_000, now), "5 minutes ago");
    assert.equal(formatRelativeTime(now - 3 * 3_600_000, now), "3 hours ago");
    assert.equal(formatRelativeTime(now - 3 * 86_400_000, now), "3 days ago");
  });

  it("says where a loaded model runs", () => {
    const info = (gpuLayers: number, cpuRam: number, gpuVram: number): LoadedModelInfo =>
      ({ gpuLayers, memory: { cpuRam, gpuVram } }) as LoadedModelInfo;
    assert.equal(processorText(info(0, 100, 0)), "100% CPU");
    assert.equal(processorText(info(28, 0, 100)), "100% GPU");
    assert.equal(processorText(info(10, 30, 70)), "30%/70% CPU/GPU");
  });

  it("draws a bar that fits the terminal, with percent, bytes, speed and ETA", () => {
    const line = formatProgressLine(progress("downloading", 450_000, { bytesPerSecond: 12_000_000, etaSeconds: 50 }), 100);
    assert.match(line, /^pulling tiny:1 +45% ▕█+ +▏ 450 KB\/1.00 MB {2}12.0 MB\/s {2}ETA 50s$/);
    assert.ok(displayWidth(line) <= 99);
    assert.ok(displayWidth(formatProgressLine(progress("downloading", 1), 30)) <= 29, "cut to a narrow terminal");
  });

  it("redraws the bar in place at most every redrawMs, and ends its line", () => {
    let time = 0;
    const written: string[] = [];
    const view = createPullProgressView("bar", { write: (text) => written.push(text), columns: 80 }, { now: () => time, redrawMs: 100 });
    view.update(progress("resolving", 0));
    view.update(progress("downloading", 100));
    time = 50;
    view.update(progress("downloading", 200)); // too soon: kept for later
    time = 150;
    view.update(progress("downloading", 300));
    time = 160;
    view.update(progress("downloading", 400)); // too soon, then finish draws it
    view.finish();
    assert.equal(written.length, 5, JSON.stringify(written));
    assert.ok(written.slice(0, 4).every((text) => text.startsWith("\r") && text.endsWith("\x1b[K")));
    assert.match(written[3]!, /400 B/);
    assert.equal(written[4], "\n");
  });

  it("prints plain lines on phase changes and every lineMs, and JSON lines for scripts", () => {
    let time = 0;
    const lines: string[] = [];
    const view = createPullProgressView("lines", { write: (text) => lines.push(text) }, { now: () => time, lineMs: 5000 });
    view.update(progress("resolving", 0));
    view.update(progress("downloading", 100_000));
    time = 1000;
    view.update(progress("downloading", 200_000));
    time = 6000;
    view.update(progress("downloading", 900_000, { bytesPerSecond: 150_000, etaSeconds: 1 }));
    view.update(progress("done", 1_000_000));
    view.finish();
    assert.deepEqual(lines, [
      "resolving tiny:1…\n",
      "pulling tiny:1: 10% (100 KB/1.00 MB)\n",
      "pulling tiny:1: 90% (900 KB/1.00 MB, 150 KB/s, ETA 1s)\n",
      "pulled tiny:1: 100% (1.00 MB/1.00 MB)\n",
    ]);
    const json: string[] = [];
    const jsonView = createPullProgressView("json", { write: (text) => json.push(text) });
    jsonView.update(progress("downloading", 5));
    assert.deepEqual(JSON.parse(json[0]!), { event: "progress", ...progress("downloading", 5) });
  });
});
