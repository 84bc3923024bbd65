// The chat end to end, as a new user meets it: real VS Code 1.100.3 (code-server) in headless
// Chromium, the real engine and the fixture model. Open the Hearth view, pick the installed model
// in the view's picker, send a prompt and watch the answer stream, stop one, edit the last message
// with ↑, switch and search conversations, apply a code block from a reply to the open file through
// the diff and Accept, reload the window and find everything intact, audit the view's accessibility
// (axe-core), open a second window on the folder and find the same History, open one in Chinese
// (code-server --locale zh-cn); screenshots in the dark and light themes and in Chinese (used in the README).
//
// The fixture model writes noise, so HEARTH_TEST_CHAT_GRAMMAR makes it answer in a fixed shape (a
// sentence and a Python code block, then lowercase text that only Stop or hearth.maxTokens ends).
//
// Env: HEARTH_TEST_RESULTS_FILE (default .test-artifacts/results/e2e-chat.json),
//      HEARTH_UPDATE_SCREENSHOTS=1 (copy the screenshots to media/screenshots/), HEARTH_E2E_TIMEOUT_MS.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import {
  artifactsDir,
  closeBrowser,
  makeTempDir,
  removeDir,
  repoRoot,
  runFixtureGenerator,
  sleep,
  startCodeServer,
  workbenchUrl,
  writeResults,
} from "../vscode/codeServer.mjs";
import {
  editorText,
  normalize,
  openWorkbench,
  prepareModelStore,
  quickOpen,
  runChecks,
  runPaletteCommand,
  runTier,
  showHearth,
  waitUntil,
  workbenchSelectors,
} from "./workbenchDriver.mjs";

const SELECTORS = {
  ...workbenchSelectors,
  chatWebview: 'iframe.webview.ready[src*="extensionId=hearth-dev.hearth"]',
  paneHeader: ".part.sidebar .pane-header",
  notification: ".notifications-toasts .notification-toast",
};
const INSTALLED_MODEL = "tiny-llama:e2e";
const CODE_LINE = 'print("hello from hearth")';
const GRAMMAR = [
  'root ::= "Here is the code, see [the docs](https://example.com/docs?a=1) ![logo](https://example.com/logo.png)\\n\\n```python\\n" code "\\n```\\n" tail',
  `code ::= ${JSON.stringify(CODE_LINE)}`,
  // No way out: the answer runs until Stop (or hearth.maxTokens), so there is time to stop it.
  "tail ::= [a-z ] tail",
].join("\n");
const FIRST_PROMPT = "Write hello world in Python";
const EDITED_PROMPT = "Write hello world in Python for Zanzibar";
const SECOND_PROMPT = "Another conversation about tests";
const TIMEOUTS = { answer: 240_000, run: Number(process.env.HEARTH_E2E_TIMEOUT_MS) || 10 * 60_000 };

const modelPath = path.join(repoRoot, "test/fixtures/.generated/tiny-llama.gguf");
const codeModelPath = path.join(repoRoot, "test/fixtures/.generated/tiny-code.gguf");
const axeScript = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const axeVersion = JSON.parse(fs.readFileSync(path.join(path.dirname(axeScript), "package.json"), "utf8")).version;
const resultsFile = path.resolve(process.env.HEARTH_TEST_RESULTS_FILE || path.join(artifactsDir, "results/e2e-chat.json"));
const screenshotDir = path.join(artifactsDir, "screenshots");
const failureScreenshot = path.join(screenshotDir, "e2e-chat-failure.png");
const consoleLogFile = path.join(artifactsDir, "logs/e2e-chat-console.log");
const rel = (p) => path.relative(repoRoot, p) || ".";

/** Preferences: Color Theme, the way a user switches themes; resolves once the workbench shows it. */
async function setTheme(ctx, label, workbenchClass) {
  await runPaletteCommand(ctx, "Preferences: Color Theme", 60_000);
  const input = ctx.page.locator(SELECTORS.quickInputBox);
  await input.fill(label);
  await ctx.page.locator(SELECTORS.quickInputRows, { hasText: label }).first().waitFor({ timeout: 30_000 });
  await input.press("Enter");
  await waitUntil(async () => (await ctx.page.locator(`.monaco-workbench.${workbenchClass}`).count()) > 0, `the ${label} theme`);
  await sleep(1000);
}

async function openChat(ctx) {
  const { page } = ctx;
  await showHearth(page);
  const header = page.locator(SELECTORS.paneHeader, { hasText: /^\s*chat/i }).first();
  if ((await header.getAttribute("aria-expanded").catch(() => null)) === "false") await header.click();
  // The chat gets the side bar's height: fold the Models view below it.
  const models = page.locator(SELECTORS.paneHeader, { hasText: /^\s*models/i }).first();
  if ((await models.getAttribute("aria-expanded").catch(() => null)) === "true") await models.click();
  ctx.chat = page.frameLocator(SELECTORS.chatWebview).frameLocator("iframe#active-frame");
  await ctx.chat.locator("#prompt").waitFor({ state: "visible", timeout: 60_000 });
}

async function screenshot(ctx, name, { keep = true } = {}) {
  fs.mkdirSync(screenshotDir, { recursive: true });
  // The start of the conversation: the question, the answer's link and its code block.
  await ctx.chat?.locator("main.messages").evaluate((element) => element.scrollTo(0, 0)).catch(() => {});
  const file = path.join(screenshotDir, name);
  const box = await ctx.page.locator(".part.editor").first().boundingBox().catch(() => null);
  if (box) await ctx.page.mouse.move(box.x + box.width / 2, box.y + box.height - 40);
  await sleep(500);
  await ctx.page.screenshot({ path: file, timeout: 30_000 });
  ctx.note = rel(file);
  if (keep && process.env.HEARTH_UPDATE_SCREENSHOTS === "1") {
    const media = path.join(repoRoot, "media/screenshots", name);
    fs.mkdirSync(path.dirname(media), { recursive: true });
    fs.copyFileSync(file, media);
    ctx.note += `, copied to ${rel(media)}`;
  }
}

const checks = [
  {
    name: "code-server starts with the fixture model installed and a Python file in the workspace",
    async run(ctx) {
      ctx.server = await startCodeServer({
        workspace: ctx.workspace,
        label: "e2e-chat",
        env: { HEARTH_HOME: ctx.hearthHome, HEARTH_TEST_CHAT_GRAMMAR: ctx.grammarFile },
        settings: {
          "hearth.threads": 1,
          // Room for a long answer (the fixture streams hundreds of tokens a second), so Stop has time to act.
          "hearth.maxTokens": 16000,
          "hearth.contextSize": 16384,
          "hearth.modelsPath": ctx.modelsStore,
          // Code completion with the fixture code model (fill-in-the-middle tokens marked).
          "hearth.completion.model": codeModelPath,
        },
      });
    },
  },
  {
    name: "the workbench opens hello.py",
    async run(ctx) {
      const page = await openWorkbench(ctx, {
        url: workbenchUrl(ctx.server.baseUrl, { folder: ctx.workspace, extensionDevelopmentPath: repoRoot }),
        consoleLogFile,
        timeoutMs: 90_000,
        // Every request the workbench and its webviews make (nothing may go to a reply's URLs).
        beforeLoad: (context) => context.on("request", (request) => ctx.requests.push(request.url())),
      });
      await page.locator(SELECTORS.hearthStatusItem).first().waitFor({ state: "visible", timeout: 90_000 });
      await quickOpen(page, "hello.py");
      await waitUntil(async () => (await editorText(page)).includes('print("hi")'), "hello.py in the editor");
    },
  },
  {
    name: "the chat view opens and its model picker loads the installed model",
    async run(ctx) {
      await openChat(ctx);
      const { page, chat } = ctx;
      await chat.locator("#model-picker").click();
      const row = page.locator(SELECTORS.quickInputRows, { hasText: INSTALLED_MODEL }).first();
      await row.waitFor({ state: "visible", timeout: 60_000 });
      await row.click();
      await waitUntil(async () => (await chat.locator("#model-picker").innerText()).includes("tiny-llama"), "the picker to show the loaded model", 120_000);
      // The composer names the model that answers, and follows it when it changes.
      const placeholder = await waitUntil(
        async () => {
          const text = await chat.locator("#prompt").getAttribute("placeholder");
          return text?.includes(INSTALLED_MODEL) ? text : false;
        },
        "the composer to name the loaded model",
        30_000,
      );
      ctx.note = `picker shows "${(await chat.locator("#model-picker").innerText()).trim()}"; composer "${placeholder.slice(0, 40)}…"`;
    },
  },
  {
    name: "Open Chat and Focus on Chat View put the cursor in the composer: typing goes there",
    async run(ctx) {
      const { page, chat } = ctx;
      const typed = [];
      for (const [command, text] of [["Hearth: Open Chat", "typed after Open Chat"], ["Hearth: Focus on Chat View", "typed after Focus"]]) {
        // Somewhere else first: the editor.
        await page.locator(".part.editor .monaco-editor").first().click();
        await runPaletteCommand(ctx, command, 60_000);
        await sleep(800);
        await page.keyboard.type(text);
        const value = await waitUntil(async () => {
          const current = await chat.locator("#prompt").inputValue();
          return current.includes(text) ? current : false;
        }, `the composer to receive what was typed after ${command}`, 15_000).catch(async () => {
          throw new Error(`after ${command}, typing did not reach the composer (it holds ${JSON.stringify(await chat.locator("#prompt").inputValue())})`);
        });
        typed.push(`${command}: "${value}"`);
        await chat.locator("#prompt").fill("");
      }
      ctx.note = typed.join("; ");
    },
  },
  {
    name: "a prompt streams an answer token by token, with a highlighted code block, and Stop ends it",
    async run(ctx) {
      const { chat } = ctx;
      await chat.locator("#prompt").fill(FIRST_PROMPT);
      await chat.locator("#prompt").press("Enter");
      await chat.locator(".message.user .body", { hasText: FIRST_PROMPT }).first().waitFor({ timeout: 30_000 });
      const streaming = chat.locator(".message.assistant.streaming");
      await streaming.waitFor({ state: "visible", timeout: TIMEOUTS.answer });
      // The answer grows while it streams; once its code block is complete, Stop.
      const seen = new Set();
      await waitUntil(async () => {
        const text = await streaming.locator(".body").innerText({ timeout: 2_000 });
        seen.add(text.length);
        return /hello from hearth[\s\S]*\n[a-z ]{5,}/.test(text);
      }, "the code block to stream in", TIMEOUTS.answer);
      await chat.locator("#send.stop").click();
      const answer = chat.locator(".message.assistant:not(.streaming)").last();
      await answer.waitFor({ state: "visible", timeout: 30_000 });
      const code = (await answer.locator(".code-block pre code").first().innerText()).trim();
      if (code !== CODE_LINE) throw new Error(`the code block shows ${JSON.stringify(code)}`);
      const highlighted = await answer.locator(".code-block code.language-python .hljs-built_in, .code-block code.language-python .hljs-string").count();
      if (highlighted === 0) throw new Error("the Python code block is not highlighted");
      const footer = (await answer.locator(".footer").innerText()).trim();
      if (!/tiny-llama.*tok\/s.*stopped/.test(footer)) throw new Error(`the footer does not show the model, speed and the stop: "${footer}"`);
      // The view follows the answer to its true end: the footer is in sight, not under the composer.
      await waitUntil(
        () =>
          answer.locator(".footer").evaluate((element) => {
            const list = element.closest("main.messages");
            const box = element.getBoundingClientRect();
            const view = list.getBoundingClientRect();
            return box.height > 0 && box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
          }),
        "the answer's footer to be in sight at the end of the conversation",
        10_000,
      );
      ctx.note = `${seen.size} different lengths seen while streaming; footer "${footer}"`;
    },
  },
  {
    name: "the reply's image is never fetched and its link opens only after a confirmation that shows the full URL",
    async run(ctx) {
      const { page, chat } = ctx;
      const answer = chat.locator(".message.assistant").last();
      if ((await answer.locator("img").count()) > 0) throw new Error("the reply has an <img>");
      if ((await answer.locator("a[href]").count()) > 0) throw new Error("a link in the reply has an href");
      const remote = ctx.requests.filter((url) => url.includes("example.com"));
      if (remote.length > 0) throw new Error(`the page fetched ${remote.join(", ")}`);
      const csp = await chat.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
      if (!/^default-src 'none'/.test(csp ?? "") || /connect-src/.test(csp ?? "")) throw new Error(`the view's CSP is "${csp}"`);
      await answer.locator("a.md-link", { hasText: "the docs" }).click();
      const dialog = page.locator(".monaco-dialog-box");
      await dialog.waitFor({ state: "visible", timeout: 30_000 });
      const text = normalize(await dialog.innerText());
      if (!text.includes("https://example.com/docs?a=1")) throw new Error(`the confirmation does not show the full URL: ${JSON.stringify(text)}`);
      await dialog.locator(".monaco-button", { hasText: /^Cancel$/ }).click();
      await dialog.waitFor({ state: "hidden", timeout: 10_000 });
      if (ctx.requests.some((url) => url.includes("example.com"))) throw new Error("Cancel still opened the link");
      ctx.note = "the image shows as a link; the link asks first, with its full URL; Cancel opens nothing";
    },
  },
  {
    name: "↑ in the empty composer edits the last message, Enter sends it in its place, Esc stops the answer",
    async run(ctx) {
      const { chat } = ctx;
      const prompt = chat.locator("#prompt");
      await prompt.focus();
      await prompt.press("ArrowUp");
      const value = await prompt.inputValue();
      if (value !== FIRST_PROMPT) throw new Error(`↑ put ${JSON.stringify(value)} in the composer`);
      await prompt.fill(EDITED_PROMPT);
      await prompt.press("Enter");
      await chat.locator(".message.user .body", { hasText: EDITED_PROMPT }).waitFor({ timeout: 30_000 });
      const streaming = chat.locator(".message.assistant.streaming");
      await waitUntil(async () => /hello from hearth[\s\S]*\n[a-z ]{5,}/.test(await streaming.locator(".body").innerText({ timeout: 2_000 })), "the new answer's code block", TIMEOUTS.answer);
      await prompt.press("Escape");
      await waitUntil(async () => (await chat.locator(".message.assistant.streaming").count()) === 0, "Esc to stop the answer");
      const users = await chat.locator(".message.user .body").allInnerTexts();
      if (users.length !== 1 || users[0] !== EDITED_PROMPT) throw new Error(`questions now: ${JSON.stringify(users)}`);
      const footer = (await chat.locator(".message.assistant .footer").last().innerText()).trim();
      if (!/stopped/.test(footer)) throw new Error(`after Esc the footer says "${footer}"`);
    },
  },
  {
    name: "Apply on the code block shows a diff of hello.py and Accept changes the file",
    async run(ctx) {
      const { page, chat } = ctx;
      await chat.locator('.message.assistant .code-block button[data-action="apply"]').first().click();
      await page.locator(".part.editor .tab", { hasText: "Hearth's change" }).first().waitFor({ timeout: 30_000 });
      const toast = page.locator(SELECTORS.notification, { hasText: "hello.py" }).first();
      await toast.waitFor({ state: "visible", timeout: 30_000 });
      await toast.locator("a.monaco-button, .monaco-button", { hasText: /^Accept$/ }).first().click();
      await waitUntil(
        async () => (await page.locator(".part.editor .tab", { hasText: "Hearth's change" }).count()) === 0,
        "the diff to close",
      );
      await waitUntil(async () => (await editorText(page)).includes(CODE_LINE), "hello.py to hold the code block");
      const text = await editorText(page);
      if (text.includes('print("hi")')) throw new Error(`the old line is still there: ${JSON.stringify(text.slice(0, 200))}`);
    },
  },
  {
    name: "New Chat starts a second conversation; History lists, searches and switches them",
    async run(ctx) {
      const { chat } = ctx;
      await chat.locator("#new-chat").click();
      await waitUntil(async () => (await chat.locator(".message").count()) === 0, "an empty conversation");
      await chat.locator("#prompt").fill(SECOND_PROMPT);
      await chat.locator("#prompt").press("Enter");
      await chat.locator(".message.assistant.streaming").waitFor({ timeout: TIMEOUTS.answer });
      await chat.locator("#send.stop").click();
      await chat.locator(".message.assistant:not(.streaming)").first().waitFor({ timeout: 30_000 });
      await chat.locator("#history-button").click();
      const items = chat.locator("#history-list .history-open");
      await waitUntil(async () => (await items.count()) === 2, "two conversations in the history");
      await chat.locator("#history-search").fill("zanzibar");
      await waitUntil(async () => (await items.count()) === 1, "the search to keep one conversation");
      const title = (await items.first().locator(".history-item-title").innerText()).trim();
      if (title !== EDITED_PROMPT) throw new Error(`the search found "${title}"`);
      await items.first().click();
      await chat.locator(".message.user .body", { hasText: EDITED_PROMPT }).waitFor({ timeout: 30_000 });
      ctx.note = `switched back to "${title}"`;
    },
  },
  {
    name: "the Chat view passes an axe-core audit (no serious or critical violations) and names every control by its visible label",
    async run(ctx) {
      const { chat } = ctx;
      // The conversation on screen has every kind of control: Copy, Edit, Regenerate, a code block's buttons.
      await chat.locator('.message.assistant .message-action[data-action="regenerate"]').first().waitFor({ timeout: 30_000 });
      const frame = await (await chat.locator("html").elementHandle()).ownerFrame();
      // Evaluated through the browser's protocol, so the view's CSP (scripts by nonce only) does not apply.
      await frame.evaluate(fs.readFileSync(axeScript, "utf8"));
      const audit = await frame.evaluate(async () => {
        const result = await globalThis.axe.run(document, {
          resultTypes: ["violations"],
          // Off by default (experimental): the name must contain the visible label (voice control).
          rules: { "label-content-name-mismatch": { enabled: true } },
        });
        return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) }));
      });
      const serious = audit.filter((v) => v.impact === "serious" || v.impact === "critical" || v.id === "label-content-name-mismatch");
      if (serious.length > 0) throw new Error(`axe-core: ${JSON.stringify(serious)}`);
      // Stricter than axe: a control with a visible label is named starting with it; one without has a name.
      const mismatches = await chat.locator("html").evaluate(() => {
        const found = [];
        for (const control of document.querySelectorAll("button, [role=button], input, textarea, select")) {
          if (control.closest("[hidden]")) continue;
          const visible = (control.innerText ?? "").replace(/^[^\p{L}\p{N}]+/u, "").trim();
          const clone = control.cloneNode(true);
          for (const hidden of clone.querySelectorAll('[aria-hidden="true"]')) hidden.remove();
          const labelled = control.getAttribute("aria-labelledby");
          const name = (control.getAttribute("aria-label") ?? (labelled ? document.getElementById(labelled)?.textContent : null) ?? (clone.textContent || control.getAttribute("placeholder") || control.getAttribute("title") || "")).trim();
          if (!name) found.push(`${control.outerHTML.slice(0, 80)} has no accessible name`);
          else if (visible && !name.toLowerCase().startsWith(visible.toLowerCase())) found.push(`"${visible}" is named "${name}"`);
        }
        return found;
      });
      if (mismatches.length > 0) throw new Error(mismatches.join("; "));
      const moderate = audit.map((v) => `${v.id} (${v.impact})`);
      ctx.note = `axe-core ${axeVersion}: no serious or critical violations${moderate.length ? `; minor: ${moderate.join(", ")}` : ""}; every control named by its label`;
    },
  },
  {
    name: "typing # in the composer suggests #file:, then the workspace's files; Enter picks without sending",
    async run(ctx) {
      const { chat } = ctx;
      const prompt = chat.locator("#prompt");
      const list = chat.locator("#path-suggestions");
      const questions = await chat.locator(".message.user").count();
      await prompt.fill("");
      await prompt.pressSequentially("Explain #fi");
      await list.waitFor({ state: "visible", timeout: 10_000 });
      const keywords = await list.locator('[role="option"]').allInnerTexts();
      if (keywords.length !== 1 || !keywords[0].startsWith("#file:")) throw new Error(`after "#fi" the list offers ${JSON.stringify(keywords)}`);
      if ((await prompt.getAttribute("aria-activedescendant")) !== "suggestion-0") throw new Error("the composer does not point at the highlighted option");
      await prompt.press("Enter");
      await waitUntil(async () => (await prompt.inputValue()) === "Explain #file:", "Enter to put #file: in the composer", 10_000);
      await prompt.pressSequentially("hel");
      const hello = list.locator('[role="option"]', { hasText: "hello.py" });
      await waitUntil(async () => (await hello.count()) > 0 && (await hello.first().getAttribute("aria-selected")) === "true", "hello.py suggested and highlighted", 30_000);
      await prompt.press("Enter");
      await waitUntil(async () => (await prompt.inputValue()) === "Explain #file:hello.py ", "Enter to pick hello.py", 10_000);
      if (await list.isVisible()) throw new Error("the list stays open after the pick");
      if ((await chat.locator(".message.user").count()) !== questions) throw new Error("Enter sent the message instead of picking");
      await prompt.fill("");
      ctx.note = `offered ${JSON.stringify(keywords[0])}, then picked hello.py`;
    },
  },
  {
    name: "Ask About Selection (Ctrl+Alt+J in the editor) attaches the selection as a chip with its token count",
    async run(ctx) {
      const { page, chat } = ctx;
      await page.locator(".part.editor .monaco-editor .view-lines").first().click();
      await page.keyboard.press("Control+A");
      await page.keyboard.press("Control+Alt+J");
      const chip = chat.locator("#attachments .chip").first();
      await chip.waitFor({ state: "visible", timeout: 30_000 });
      const text = normalize((await chip.innerText()).replace(/\s+/g, " ").trim());
      if (!/^hello\.py:1(-2)? \S*\d+ tokens/.test(text)) throw new Error(`the chip says "${text}"`);
      await chat.locator("#prompt").fill("What does this print?");
      // Widen the side bar for the pictures (best effort).
      const sidebar = await page.locator(".part.sidebar").first().boundingBox().catch(() => null);
      if (sidebar) {
        const y = sidebar.y + sidebar.height / 2;
        await page.mouse.move(sidebar.x + sidebar.width - 1, y);
        await page.mouse.down();
        await page.mouse.move(sidebar.x + sidebar.width + 220, y, { steps: 8 });
        await page.mouse.up();
      }
      ctx.note = `chip "${text}"`;
    },
  },
  {
    name: "a screenshot of the chat in the dark theme is saved",
    async run(ctx) {
      await setTheme(ctx, "Default Dark Modern", "vs-dark");
      await screenshot(ctx, "chat-dark.png");
    },
  },
  {
    name: "after a window reload the conversation is intact",
    async run(ctx) {
      const { page } = ctx;
      await page.reload({ waitUntil: "domcontentloaded" });
      await page.locator(SELECTORS.workbench).waitFor({ state: "visible", timeout: 90_000 });
      await openChat(ctx);
      const { chat } = ctx;
      await chat.locator(".message.user .body", { hasText: EDITED_PROMPT }).waitFor({ timeout: 60_000 });
      const questions = await chat.locator(".message.user .body").allInnerTexts();
      const answers = await chat.locator(".message.assistant .body").allInnerTexts();
      if (questions.length !== 1 || answers.length !== 1 || !answers[0].includes("hello from hearth")) {
        throw new Error(`after the reload: ${questions.length} questions, ${answers.length} answers`);
      }
      const picker = (await chat.locator("#model-picker").innerText()).trim();
      if (!picker.includes(INSTALLED_MODEL)) throw new Error(`after the reload the picker says "${picker}", not the model the next message loads`);
      ctx.note = `${questions.length} questions and ${answers.length} answers back; picker "${picker}"`;
    },
  },
  {
    name: "a screenshot of the chat in the light theme is saved",
    async run(ctx) {
      await setTheme(ctx, "Default Light Modern", "vs");
      await screenshot(ctx, "chat-light.png");
    },
  },
  {
    name: "in the high-contrast theme every message and control has a visible border",
    async run(ctx) {
      await setTheme(ctx, "Default High Contrast", "hc-black");
      const { chat } = ctx;
      await waitUntil(async () => (await chat.locator("body.vscode-high-contrast").count()) > 0, "the view to take the high-contrast theme");
      const borders = await chat.locator(".message, #send, #model-picker").evaluateAll((elements) =>
        elements.map((element) => {
          const style = getComputedStyle(element);
          return `${style.borderTopStyle} ${style.borderTopColor}`;
        }),
      );
      const invisible = borders.filter((border) => border.startsWith("none") || /rgba\(0, 0, 0, 0\)|transparent/.test(border));
      if (invisible.length > 0) throw new Error(`${invisible.length} of ${borders.length} have no visible border: ${invisible.join("; ")}`);
      await screenshot(ctx, "chat-high-contrast.png", { keep: false });
      ctx.note = `${borders.length} elements with borders`;
    },
  },
  {
    name: "a #file that is not in the workspace is named in a notice, and the message comes back into the composer unsent",
    async run(ctx) {
      const { chat } = ctx;
      await chat.locator("#new-chat").click();
      await waitUntil(async () => (await chat.locator(".message").count()) === 0, "an empty conversation");
      const prompt = chat.locator("#prompt");
      const text = "Explain #file:missing.py";
      await prompt.fill(text);
      await chat.locator("#send").click();
      const notice = chat.locator(".message.notice", { hasText: "There is no file missing.py in the workspace" });
      await notice.waitFor({ state: "visible", timeout: 30_000 });
      await waitUntil(async () => (await prompt.inputValue()) === text, "the message back in the composer", 10_000);
      if ((await chat.locator(".message.user").count()) !== 0) throw new Error("the message was sent");
      await prompt.fill("");
      ctx.note = normalize(await notice.innerText()).slice(0, 120);
    },
  },
  {
    name: "a second window on the same folder (VS Code gives it another storage folder, '…-1') shows the same History",
    async run(ctx) {
      const second = await ctx.page.context().newPage();
      try {
        await second.goto(ctx.page.url(), { waitUntil: "domcontentloaded", timeout: 60_000 });
        await second.locator(SELECTORS.workbench).waitFor({ state: "visible", timeout: 90_000 });
        await second.locator(SELECTORS.hearthStatusItem).first().waitFor({ state: "visible", timeout: 90_000 });
        // The palette, not the activity bar: the Hearth side bar may already be open here (a click would close it).
        await runPaletteCommand({ ...ctx, page: second }, "Hearth: Open Chat", 60_000);
        const chat = second.frameLocator(SELECTORS.chatWebview).frameLocator("iframe#active-frame");
        await chat.locator("#prompt").waitFor({ state: "visible", timeout: 60_000 });
        // Both conversations the first window saved are in this window's History.
        await chat.locator("#history-button").click();
        const titles = chat.locator("#history-list .history-item-title");
        await waitUntil(async () => (await titles.count()) >= 2, "the first window's conversations in the second window's History", 30_000);
        const listed = await titles.allInnerTexts();
        if (!listed.includes(EDITED_PROMPT) || !listed.includes(SECOND_PROMPT)) throw new Error(`the second window lists ${JSON.stringify(listed)}`);
        const storage = path.join(ctx.server.userDataDir, "User", "workspaceStorage");
        const folders = fs.existsSync(storage) ? fs.readdirSync(storage) : [];
        ctx.note = `History lists ${listed.length} conversations; workspace storage folders: ${folders.join(", ") || "none"}`;
      } finally {
        await second.close().catch(() => {});
      }
    },
  },
  {
    name: "an answer that streams while the Chat view is hidden is all there when the view comes back, and still streaming",
    async run(ctx) {
      const { page } = ctx;
      let chat = ctx.chat;
      await chat.locator("#new-chat").click();
      await waitUntil(async () => (await chat.locator(".message").count()) === 0, "an empty conversation");
      await chat.locator("#prompt").fill("Stream while the view is hidden");
      await chat.locator("#prompt").press("Enter");
      let streaming = chat.locator(".message.assistant.streaming");
      await streaming.waitFor({ state: "visible", timeout: TIMEOUTS.answer });
      await waitUntil(
        async () => {
          const text = await streaming.locator(".body").innerText({ timeout: 2_000 });
          return text.includes(CODE_LINE) && text.length - text.lastIndexOf(CODE_LINE) > 80;
        },
        "the answer to stream past its code block",
        TIMEOUTS.answer,
      );
      const before = await streaming.locator(".body").innerText();
      // Another view takes the side bar: VS Code disposes the hidden webview's page (no retained context).
      await page.locator('.activitybar .action-item a[aria-label^="Explorer"]').first().click();
      await page.locator(".part.sidebar .pane-header", { hasText: /^\s*chat/i }).first().waitFor({ state: "hidden", timeout: 30_000 });
      await sleep(3_000);
      await openChat(ctx);
      chat = ctx.chat;
      streaming = chat.locator(".message.assistant.streaming");
      await streaming.waitFor({ state: "visible", timeout: 60_000 });
      const after = await streaming.locator(".body").innerText();
      // The prose after the code block is where the answer grows; compare that part (a finished
      // answer's code block gains its Copy/Insert/Apply bar, which changes the text around it).
      const prose = (text) => text.slice(text.lastIndexOf(CODE_LINE) + CODE_LINE.length);
      const kept = prose(before).slice(0, Math.max(0, prose(before).length - 20));
      if (!prose(after).startsWith(kept)) throw new Error(`the answer shown again does not go on from what was shown before hiding: ${JSON.stringify(prose(after).slice(0, 120))}`);
      if (prose(after).length <= prose(before).length) throw new Error(`nothing written while hidden reached the view (${before.length} characters before, ${after.length} after)`);
      await waitUntil(async () => (await streaming.locator(".body").innerText({ timeout: 2_000 })).length > after.length, "the answer to keep streaming into the view", 60_000);
      await chat.locator("#send.stop").click();
      const answer = chat.locator(".message.assistant:not(.streaming)").last();
      await answer.waitFor({ state: "visible", timeout: 30_000 });
      const final = await answer.locator(".body").innerText();
      if (!prose(final).startsWith(kept) || prose(final).length < prose(after).length) {
        throw new Error(`the stopped answer lost text: ${prose(final).length} characters after the code block, ${prose(after).length} shown while streaming`);
      }
      ctx.note = `${before.length} characters before hiding, ${after.length} when shown again, ${final.length} when stopped`;
    },
  },
  {
    name: "typing in hello.py shows ghost text from the local code model; Esc hides it, Tab accepts it; a screenshot is saved",
    async run(ctx) {
      const { page } = ctx;
      // The README's picture in the default dark theme (the checks before end in high contrast).
      await setTheme(ctx, "Default Dark Modern", "vs-dark");
      await quickOpen(page, "hello.py");
      await page.locator(".monaco-editor .view-lines").first().click();
      await page.keyboard.press("Control+End");
      const ghost = page.locator(".monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text");
      // Typed as a user types: the suggestion comes after the keystrokes settle.
      await page.keyboard.press("Enter");
      await page.keyboard.type("def greet(name):", { delay: 40 });
      await page.keyboard.press("Enter");
      await ghost.first().waitFor({ state: "visible", timeout: 120_000 });
      const shown = normalize((await ghost.allInnerTexts()).join("\n")).trim();
      if (!shown) throw new Error("the ghost text is empty");
      await screenshot(ctx, "completion.png");
      await page.keyboard.press("Escape");
      await waitUntil(async () => (await ghost.count()) === 0, "Esc to hide the suggestion", 10_000);
      // The next keystroke asks again; Tab accepts what it shows.
      await page.keyboard.type("r", { delay: 40 });
      await ghost.first().waitFor({ state: "visible", timeout: 60_000 });
      const before = await editorText(page);
      const offered = normalize((await ghost.first().innerText()).trim());
      await page.keyboard.press("Tab");
      await waitUntil(async () => (await editorText(page)) !== before, "Tab to insert the suggestion", 10_000);
      const after = await editorText(page);
      if (offered && !after.includes(offered.split("\n")[0].trim())) throw new Error(`after Tab the editor does not hold the suggestion ${JSON.stringify(offered)}`);
      ctx.note = `ghost text ${JSON.stringify(shown.slice(0, 60))}; Tab inserted it`;
    },
  },
  {
    name: "in Chinese (code-server --locale zh-cn) the status bar, the Chat view and History speak Chinese, with the same conversations; a screenshot is saved",
    async run(ctx) {
      const server = await startCodeServer({
        workspace: ctx.workspace,
        label: "e2e-chat-zh",
        locale: "zh-cn",
        env: { HEARTH_HOME: ctx.hearthHome, HEARTH_TEST_CHAT_GRAMMAR: ctx.grammarFile },
        settings: { "hearth.threads": 1, "hearth.contextSize": 16384, "hearth.modelsPath": ctx.modelsStore },
      });
      ctx.closers.push(() => server.stop());
      const page = await ctx.page.context().newPage();
      ctx.closers.push(() => page.close().catch(() => {}));
      await page.setViewportSize(ctx.page.viewportSize() ?? { width: 1280, height: 800 });
      await page.goto(workbenchUrl(server.baseUrl, { folder: ctx.workspace, extensionDevelopmentPath: repoRoot }), { waitUntil: "domcontentloaded", timeout: 60_000 });
      await page.locator(SELECTORS.workbench).waitFor({ state: "visible", timeout: 90_000 });
      const status = page.locator(SELECTORS.hearthStatusItem).first();
      await status.waitFor({ state: "visible", timeout: 90_000 });
      const chinese = /[\u4e00-\u9fff]/;
      const statusLabel = await waitUntil(
        async () => {
          const label = `${await status.innerText().catch(() => "")} ${(await status.getAttribute("aria-label").catch(() => "")) ?? ""}`;
          return chinese.test(label) ? normalize(label) : false;
        },
        "the Hearth status bar item in Chinese",
        60_000,
      );
      await showHearth(page);
      const chat = page.frameLocator(SELECTORS.chatWebview).frameLocator("iframe#active-frame");
      await chat.locator("#prompt").waitFor({ state: "visible", timeout: 60_000 });
      // The view fills in its words once the extension's strings arrive: wait for them.
      let placeholder = "";
      await waitUntil(
        async () => chinese.test((placeholder = (await chat.locator("#prompt").getAttribute("placeholder")) ?? "")),
        "the composer's placeholder in Chinese",
        30_000,
      );
      // The conversations the English windows saved, opened from History (its words in Chinese too).
      await chat.locator("#history-button").click();
      const titles = chat.locator("#history-list .history-item-title");
      await waitUntil(async () => (await titles.count()) >= 2, "the conversations in the Chinese window's History", 30_000);
      const search = (await chat.locator("#history-search").getAttribute("placeholder").catch(() => "")) ?? "";
      if (search && !chinese.test(search)) throw new Error(`History's search box says "${search}" in Chinese VS Code`);
      await chat.locator("#history-list .history-item-title", { hasText: EDITED_PROMPT }).first().click();
      await chat.locator(".message.user .body", { hasText: EDITED_PROMPT }).first().waitFor({ timeout: 30_000 });
      await screenshot({ ...ctx, page, chat }, "chat-zh-cn.png");
      ctx.note = `status "${statusLabel.slice(0, 40)}"; composer "${placeholder.slice(0, 30)}"; ${await titles.count()} conversations`;
    },
  },
];

async function main() {
  const started = Date.now();
  fs.rmSync(resultsFile, { force: true });
  fs.mkdirSync(path.dirname(consoleLogFile), { recursive: true });
  runFixtureGenerator();
  const ctx = {
    workspace: makeTempDir("e2e-chat-ws"),
    hearthHome: makeTempDir("e2e-chat-home"),
    modelsStore: makeTempDir("e2e-chat-models"),
    grammarFile: "",
    requests: [],
    closers: [],
    server: null,
    context: null,
    page: null,
    note: "",
  };
  fs.writeFileSync(path.join(ctx.workspace, "hello.py"), 'print("hi")\n');
  ctx.grammarFile = path.join(ctx.hearthHome, "answer.gbnf");
  fs.writeFileSync(ctx.grammarFile, GRAMMAR);
  prepareModelStore(ctx.modelsStore, modelPath, INSTALLED_MODEL);

  let results;
  let failed = false;
  try {
    ({ results, failed } = await runChecks({
      checks,
      ctx,
      label: "e2e-chat",
      timeoutMs: TIMEOUTS.run,
      failureScreenshot,
      log: (text) => console.log(`[test:e2e-chat] ${text}`),
    }));
  } finally {
    await closeBrowser(ctx.context);
    for (const close of ctx.closers) await close();
    if (ctx.server) await ctx.server.stop();
    removeDir(ctx.workspace);
    removeDir(ctx.hearthHome);
    removeDir(ctx.modelsStore);
  }
  writeResults(resultsFile, results);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[test:e2e-chat] ${results.passed} passed, ${results.failed} failed, ${results.pending} skipped in ${secs} s; results ${rel(resultsFile)}`);
  return failed ? 1 : 0;
}

runTier("e2e-chat", resultsFile, main);
