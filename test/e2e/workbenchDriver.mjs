// What the UI tiers (runE2e.mjs, chatE2e.mjs, vsixInstall.mjs) share: the workbench selectors,
// opening the workbench in Chromium, driving the command palette, Quick Open and the prompt box,
// reading the editor and a streamed answer, and running a list of named checks into a results
// file's counts.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { launchBrowser, repoRoot, sleep, withTimeout, writeResults } from "../vscode/codeServer.mjs";

export const workbenchSelectors = {
  workbench: ".monaco-workbench",
  /** The Hearth status-bar item: its DOM id (derived from "hearth.status") or its label says hearth. */
  hearthStatusItem: '.statusbar-item[id*="hearth" i], .statusbar-item[aria-label*="hearth" i]',
  quickInput: ".quick-input-widget",
  quickInputBox: ".quick-input-widget input",
  quickInputRows: ".quick-input-widget .quick-input-list .monaco-list-row",
  /** Text of the editors in the editor area (not the panel or the quick input). */
  editorLines: ".part.editor .monaco-editor .view-lines",
  /** The Hearth container in the activity bar. */
  hearthActivity: '.activitybar .action-item a[aria-label^="Hearth"]',
};

const NO_MATCH_TEXT = "No matching commands";

/**
 * Launches Chromium (ctx.context, ctx.page), writes the page's console to `consoleLogFile`, runs
 * `beforeLoad(context)` (e.g. to watch requests), opens `url` and waits for the workbench.
 */
export async function openWorkbench(ctx, { url, consoleLogFile, timeoutMs, beforeLoad }) {
  ctx.context = await launchBrowser();
  const page = (ctx.page = ctx.context.pages()[0] ?? (await ctx.context.newPage()));
  const consoleLog = fs.createWriteStream(consoleLogFile);
  ctx.closers.push(() => new Promise((resolve) => consoleLog.end(resolve)));
  page.on("console", (msg) => consoleLog.write(`[${msg.type()}] ${msg.text()}\n`));
  page.on("pageerror", (err) => consoleLog.write(`[pageerror] ${err.stack || err.message}\n`));
  beforeLoad?.(ctx.context);
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: 60_000 });
  await page.locator(workbenchSelectors.workbench).waitFor({ state: "visible", timeout: timeoutMs });
  return page;
}

/** Polls `predicate` (a throw counts as false) until it is truthy; returns its value. */
export async function waitUntil(predicate, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await Promise.resolve()
      .then(predicate)
      .catch(() => false);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(200);
  }
}

/**
 * Shows Hearth's side bar. Clicking the activity item of the container already showing hides it,
 * and just after a (re)load the workbench shows the item (from its cached state) before the
 * extension's views are registered, when a click does nothing: so click while the item is not
 * checked, and again a few seconds later if the click was lost.
 */
export async function showHearth(page) {
  const item = page.locator(workbenchSelectors.hearthActivity).first();
  await item.waitFor({ timeout: 60_000 });
  const shown = () => item.evaluate((element) => element.closest("li.action-item")?.classList.contains("checked") ?? false).catch(() => false);
  const deadline = Date.now() + 60_000;
  while (!(await shown())) {
    if (Date.now() > deadline) throw new Error("Hearth's side bar did not show after clicking its activity bar item for 60 s");
    await item.click({ timeout: 30_000 });
    for (let waited = 0; waited < 3_000 && !(await shown()); waited += 250) await sleep(250);
  }
}

/** The text of the editors in the editor area. */
export async function editorText(page) {
  return normalize((await page.locator(workbenchSelectors.editorLines).allInnerTexts().catch(() => [])).join("\n"));
}

/** Quick Open (Ctrl+P): opens the workspace file `name` the way a user does. */
export async function quickOpen(page, name) {
  await page.keyboard.press("Control+P");
  await page.locator(workbenchSelectors.quickInputBox).fill(name);
  await page.locator(workbenchSelectors.quickInputRows, { hasText: name }).first().waitFor({ timeout: 30_000 });
  await page.keyboard.press("Enter");
}

/** Imports `modelPath` into a fresh store folder as `name` (before code-server starts); returns what it printed. */
export function prepareModelStore(storeDir, modelPath, name) {
  const result = spawnSync("npx", ["--no-install", "tsx", "test/e2e/prepareModelStore.ts", storeDir, modelPath, name], {
    cwd: repoRoot,
    encoding: "utf8",
    timeout: 120_000,
    killSignal: "SIGKILL",
  });
  if (result.status !== 0) {
    throw new Error(`could not prepare the model store: ${(result.stderr || result.error?.message || "").trim()}`);
  }
  return result.stdout.trim();
}

/**
 * Runs a tier's `main` and exits with its code; a failure before the checks ran (setup) is still
 * written to `resultsFile` as one failed test, so the runner never mistakes it for no tests.
 */
export function runTier(label, resultsFile, main) {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`[test:${label}] ${err.stack || err}`);
      try {
        writeResults(resultsFile, {
          passed: 0,
          failed: 1,
          pending: 0,
          failures: [{ title: `${label}: setup`, message: String(err.message || err) }],
        });
      } catch {
        // nothing more to do
      }
      process.exit(1);
    },
  );
}

/** Monaco renders spaces as U+00A0. */
export const normalize = (text) => text.replace(/\u00a0/g, " ");
const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * F1, type ">label", run it. While the extension is still being registered the palette shows
 * "No matching commands" (or, on 1.100, a "similar commands" row): retry, bounded by `timeoutMs`.
 */
export async function runPaletteCommand(ctx, label, timeoutMs) {
  const { page } = ctx;
  const input = page.locator(workbenchSelectors.quickInputBox);
  const rows = page.locator(workbenchSelectors.quickInputRows);
  const matching = rows.filter({ hasText: new RegExp(`^\\s*${escapeRegExp(label)}`) });
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("Escape"); // close any leftover quick input
    await page.keyboard.press("F1");
    await input.waitFor({ state: "visible", timeout: 15_000 });
    await input.fill(`>${label}`);
    const found = await matching
      .first()
      .waitFor({ state: "visible", timeout: 5_000 })
      .then(() => true, () => false);
    if (found) {
      // Keyboard when the best match is the focused top row (no mouse hover left in screenshots).
      const top = normalize((await rows.first().innerText({ timeout: 5_000 }).catch(() => "")).trim());
      if (top.startsWith(label)) await input.press("Enter");
      else await matching.first().click({ timeout: 10_000 });
      if (attempt > 1) ctx.note = `found on attempt ${attempt}`;
      return;
    }
    if (Date.now() > deadline) {
      const seen = normalize((await rows.allInnerTexts().catch(() => [])).join(" | ")).replace(/\s+/g, " ").trim();
      throw new Error(
        `the palette still has no "${label}" after ${attempt} attempts (${timeoutMs / 1000} s); it shows: ${JSON.stringify(seen || NO_MATCH_TEXT)}`,
      );
    }
    await page.keyboard.press("Escape");
    await sleep(2_000); // activation can be slow under load
  }
}

/** What the quick input and the notification toasts show now, for error messages. */
async function quickInputState(page) {
  return page
    .evaluate((sel) => {
      const widget = document.querySelector(sel.quickInput);
      const input = document.querySelector(sel.quickInputBox);
      const toasts = [...document.querySelectorAll(".notifications-toasts .notification-list-item-message")]
        .map((el) => el.textContent.trim())
        .filter(Boolean);
      const shown = toasts.length ? `; notifications: ${JSON.stringify(toasts)}` : "";
      if (!widget || getComputedStyle(widget).display === "none") return `quick input closed${shown}`;
      return `quick input open with ${JSON.stringify(input?.value ?? "")}${shown}`;
    }, workbenchSelectors)
    .catch((err) => `unknown: ${err.message.split("\n")[0]}`);
}

/** After the command runs, the palette closes and the command's own input box opens. */
export async function waitForPromptBox(page, timeoutMs) {
  await page
    .waitForFunction(
      (sel) => {
        const widget = document.querySelector(sel.quickInput);
        const input = document.querySelector(sel.quickInputBox);
        if (!widget || !input) return false;
        const visible = widget.offsetParent !== null && getComputedStyle(widget).display !== "none";
        return visible && !input.value.startsWith(">");
      },
      workbenchSelectors,
      { timeout: timeoutMs, polling: 200 },
    )
    .catch(async () => {
      throw new Error(
        `no prompt input box opened within ${timeoutMs / 1000} s after the command ran (${await quickInputState(page)})`,
      );
    });
}

/** Text of the editor area beyond the quoted prompt and any heading. */
async function answerText(page, prompt) {
  const texts = await page
    .locator(workbenchSelectors.editorLines)
    .evaluateAll((els) => els.map((el) => el.innerText))
    .catch(() => []);
  return normalize(texts.join("\n"))
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#") && line !== prompt && line !== `> ${prompt}`)
    .join("\n");
}

/** Waits (bounded) for answer text, then for the stream to settle so a screenshot shows it. */
export async function waitForAnswer(page, prompt, { answerMs, settleMs }) {
  const deadline = Date.now() + answerMs;
  let text = "";
  while (!(text = await answerText(page, prompt))) {
    if (Date.now() > deadline) {
      const all = await page.locator(workbenchSelectors.editorLines).allInnerTexts().catch(() => []);
      throw new Error(
        `no answer text in the editor within ${answerMs / 1000} s (editor text: ${JSON.stringify(normalize(all.join(" | ")).slice(0, 300))})`,
      );
    }
    await sleep(500);
  }
  // Streaming: wait until the text stops changing for 3 s (bounded).
  const settleDeadline = Date.now() + settleMs;
  let stableSince = Date.now();
  while (Date.now() < settleDeadline && Date.now() - stableSince < 3_000) {
    await sleep(500);
    const next = await answerText(page, prompt);
    if (next !== text) {
      text = next;
      stableSince = Date.now();
    }
  }
  return text;
}

/**
 * Runs `checks` in order (after a failure the rest are skipped), the whole run bounded by
 * `timeoutMs`; prints one line per check and, on failure, saves a screenshot of `ctx.page`.
 * Returns the counts for the results file.
 */
export async function runChecks({ checks, ctx, label, timeoutMs, failureScreenshot, log }) {
  const results = { passed: 0, failed: 0, pending: 0, failures: [] };
  let failed = false;
  const runAll = async () => {
    for (const check of checks) {
      if (failed) {
        results.pending++;
        console.log(`  - ${check.name} (skipped: an earlier check failed)`);
        continue;
      }
      ctx.note = "";
      const t0 = Date.now();
      try {
        await check.run(ctx);
        results.passed++;
        const secs = ((Date.now() - t0) / 1000).toFixed(1);
        console.log(`  ✔ ${check.name} (${secs} s)${ctx.note ? ` — ${ctx.note}` : ""}`);
      } catch (err) {
        failed = true;
        results.failed++;
        const message = String(err?.message || err).split("\n")[0];
        results.failures.push({ title: `${label}: ${check.name}`, message });
        console.log(`  ✖ ${check.name}: ${message}`);
      }
    }
  };
  await withTimeout(runAll(), timeoutMs, `the ${label} run did not finish`).catch((err) => {
    if (!failed) {
      failed = true;
      results.failed++;
      results.failures.push({ title: `${label}: whole run`, message: err.message });
      console.log(`  ✖ ${err.message}`);
    }
  });
  if (failed && ctx.page) {
    fs.mkdirSync(path.dirname(failureScreenshot), { recursive: true });
    await ctx.page
      .screenshot({ path: failureScreenshot, timeout: 15_000 })
      .then(() => log(`failure screenshot: ${failureScreenshot}`))
      .catch((err) => log(`no failure screenshot: ${err.message.split("\n")[0]}`));
  }
  return { results, failed };
}
