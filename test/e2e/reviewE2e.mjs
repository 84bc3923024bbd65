// The review checks of the end-to-end UI tier (runE2e.mjs), from outside as a person works: a git
// repository with a staged change, "Hearth: Review Staged Changes" from the command palette, the
// comment thread on the changed line with the finding's text, Apply Fix on the thread (its diff
// first, then Apply in the notification), and the file changed on exactly that line.
//
// The fixture model answers reviews with no findings, so HEARTH_TEST_REVIEW_GRAMMAR (read by the
// engine's reviewer, as HEARTH_TEST_CHAT_GRAMMAR is by the chat) holds its answer to one known
// finding: the answer still comes from the model in the engine process, and is parsed, checked
// against the diff and shown by the extension like any other.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { repoRoot, sleep } from "../vscode/codeServer.mjs";
import { normalize, quickOpen, runPaletteCommand, waitUntil, workbenchSelectors } from "./workbenchDriver.mjs";

const REVIEW_COMMAND = "Hearth: Review Staged Changes";
const FILE = "src/app.ts";
/** The staged change: line 10 divides by zero. */
const CHANGED_LINE = 10;
const FINDING = {
  path: FILE,
  line: CHANGED_LINE,
  endLine: CHANGED_LINE,
  severity: "error",
  category: "bug",
  message: "Dividing by zero makes a10 Infinity; keep the value as it was.",
  suggestion: "export const a10 = 10;",
};
const SELECTORS = {
  /** A comment thread's zone widget in the editor. */
  thread: ".part.editor .review-widget",
  notification: ".notifications-toasts .notification-list-item",
  diffEditor: ".part.editor .monaco-diff-editor",
};

const lines = (count) => Array.from({ length: count }, (_, i) => `export const a${i + 1} = ${i + 1};`);
const original = `${lines(30).join("\n")}\n`;
const staged = original.replace("a10 = 10;", "a10 = 10 / 0;");

/**
 * Before code-server starts: makes `workspace` a git repository with src/app.ts committed and a
 * change to its line 10 staged, and writes the grammar that holds the model's answer to one
 * finding on that line. Returns the environment code-server needs.
 */
export function prepareReviewWorkspace(workspace, scratchDir) {
  const git = (...args) => execFileSync("git", args, { cwd: workspace, encoding: "utf8" });
  fs.mkdirSync(path.join(workspace, "src"), { recursive: true });
  fs.writeFileSync(path.join(workspace, FILE), original);
  git("init", "-q");
  git("config", "user.email", "e2e@example.com");
  git("config", "user.name", "E2E");
  git("add", FILE);
  git("commit", "-qm", "start");
  fs.writeFileSync(path.join(workspace, FILE), staged);
  git("add", FILE);
  const grammarFile = path.join(scratchDir, "review-answer.gbnf");
  // A GBNF string literal reads escapes as JSON's do.
  fs.writeFileSync(grammarFile, `root ::= ${JSON.stringify(JSON.stringify({ findings: [FINDING] }))}\n`);
  return { HEARTH_TEST_REVIEW_GRAMMAR: grammarFile };
}

/** The review checks; `screenshotFile` is written, and copied to media/ with HEARTH_UPDATE_SCREENSHOTS=1. */
export function reviewChecks({ screenshotFile, paletteTimeoutMs, rel }) {
  const mediaScreenshot = path.join(repoRoot, "media/screenshots/review-thread.png");
  return [
    {
      name: `"${REVIEW_COMMAND}" from the palette puts a comment thread with the finding on the staged line`,
      async run(ctx) {
        const { page } = ctx;
        await page.keyboard.press("Escape");
        await quickOpen(page, "app.ts");
        await waitUntil(async () => normalize(await page.locator(workbenchSelectors.editorLines).first().innerText()).includes("a10 = 10 / 0;"), "src/app.ts in the editor", 30_000);
        const started = Date.now();
        await runPaletteCommand(ctx, REVIEW_COMMAND, paletteTimeoutMs);
        const thread = page.locator(SELECTORS.thread, { hasText: FINDING.message }).first();
        await thread.waitFor({ state: "visible", timeout: 120_000 }).catch(async () => {
          const toasts = await page.locator(SELECTORS.notification).allInnerTexts().catch(() => []);
          throw new Error(`no comment thread with the finding in the editor; notifications: ${JSON.stringify(toasts.map(normalize))}`);
        });
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        const text = normalize(await thread.innerText()).replace(/\s+/g, " ").trim();
        if (!/Error · bug/.test(text)) throw new Error(`the thread does not say its severity and category: "${text.slice(0, 200)}"`);
        if (!text.includes(FINDING.suggestion)) throw new Error(`the thread does not show the suggested fix: "${text.slice(0, 200)}"`);
        // It sits under the changed line: the line just above the widget is line 10.
        const threadTop = (await thread.boundingBox())?.y ?? 0;
        const lineAbove = await page.evaluate(
          ({ selector, top }) => {
            const rows = [...document.querySelectorAll(`${selector} .view-line`)].filter((row) => row.getBoundingClientRect().bottom <= top + 1);
            rows.sort((a, b) => b.getBoundingClientRect().bottom - a.getBoundingClientRect().bottom);
            return rows[0]?.textContent ?? "";
          },
          { selector: workbenchSelectors.editorLines, top: threadTop },
        );
        if (!normalize(lineAbove).includes("a10 = 10 / 0;")) throw new Error(`the thread is not under line ${CHANGED_LINE}: the line above it reads "${normalize(lineAbove)}"`);
        ctx.note = `thread shown ${seconds} s after the command`;
      },
    },
    {
      name: "a screenshot of the review thread is saved",
      async run(ctx) {
        const { page } = ctx;
        fs.mkdirSync(path.dirname(screenshotFile), { recursive: true });
        const box = await page.locator(".part.editor").first().boundingBox().catch(() => null);
        if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height - 40);
        await sleep(500);
        await page.screenshot({ path: screenshotFile, timeout: 30_000 });
        ctx.note = rel(screenshotFile);
        if (process.env.HEARTH_UPDATE_SCREENSHOTS === "1") {
          fs.copyFileSync(screenshotFile, mediaScreenshot);
          ctx.note += `, copied to ${rel(mediaScreenshot)}`;
        }
      },
    },
    {
      name: "Apply Fix shows the diff, and Apply changes exactly the finding's line",
      async run(ctx) {
        const { page } = ctx;
        const thread = page.locator(SELECTORS.thread, { hasText: FINDING.message }).first();
        await thread.hover();
        await thread.locator('.action-label[aria-label*="Apply Fix"]').first().click({ timeout: 15_000 });
        await page.locator(SELECTORS.diffEditor).first().waitFor({ state: "visible", timeout: 30_000 }).catch(() => {
          throw new Error("Apply Fix opened no diff");
        });
        let diffText = "";
        await waitUntil(
          async () => (diffText = normalize(await page.locator(SELECTORS.diffEditor).first().innerText())).includes(FINDING.suggestion) && diffText.includes("10 / 0"),
          "the diff to show the line and its fix",
          30_000,
        ).catch(() => {
          throw new Error(`the diff does not show the line and its fix: ${JSON.stringify(diffText.slice(0, 300))}`);
        });
        if (fs.readFileSync(path.join(ctx.workspace, FILE), "utf8") !== staged) throw new Error("the file changed before Apply");
        const ask = page.locator(SELECTORS.notification, { hasText: "Apply Hearth's fix" }).first();
        await ask.waitFor({ state: "visible", timeout: 30_000 });
        await ask.locator(".monaco-button", { hasText: /^Apply$/ }).first().click({ timeout: 10_000 });
        await page.locator(SELECTORS.diffEditor).first().waitFor({ state: "hidden", timeout: 30_000 }).catch(() => {
          throw new Error("the diff stayed open after Apply");
        });
        // The fix is an edit in the editor: open the file and save it, then read it from disk.
        await quickOpen(page, "app.ts");
        await waitUntil(async () => normalize(await page.locator(workbenchSelectors.editorLines).first().innerText()).includes("a9 = 9;"), "src/app.ts in the editor", 30_000);
        await page.keyboard.press("Control+S");
        const expected = staged.replace("a10 = 10 / 0;", "a10 = 10;");
        let onDisk = "";
        await waitUntil(() => (onDisk = fs.readFileSync(path.join(ctx.workspace, FILE), "utf8")) === expected, "the fixed file saved", 20_000).catch(() => {
          const changed = onDisk.split("\n").map((line, i) => (line === expected.split("\n")[i] ? null : `${i + 1}: ${line}`)).filter(Boolean);
          throw new Error(`the file on disk is not the staged file with line ${CHANGED_LINE} fixed; lines that differ: ${JSON.stringify(changed.slice(0, 5))}`);
        });
        if ((await page.locator(SELECTORS.thread, { hasText: FINDING.message }).count()) !== 0) throw new Error("the thread stayed after its fix was applied");
        ctx.note = `line ${CHANGED_LINE} now reads "${FINDING.suggestion}", the other 29 lines as staged`;
      },
    },
  ];
}
