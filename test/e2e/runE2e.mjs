// The end-to-end UI tier (`npm run test:e2e`): drives real VS Code 1.100.3 (code-server in headless
// Chromium) from outside, the way a person would: the Hearth status-bar item shows up, the command
// palette runs "Hearth: Run Prompt", a prompt goes into the input box, and the answer streams into
// an untitled Markdown editor; the chat answers; the Models view lists the model installed in the
// store that hearth.modelsPath points at (prepared before the run) and the loaded one; a Modelfile
// opens in its language mode with a diagnostic on a misspelt parameter and completion of parameter
// names; "Hearth: Review Staged Changes" puts a comment thread on a staged change and Apply Fix
// changes exactly its line (reviewE2e.mjs). Screenshots of each.
//
// Env: HEARTH_E2E_EXTENSION_PATH  extension folder to load (default: this repository)
//      HEARTH_TEST_RESULTS_FILE   counts JSON (default .test-artifacts/results/e2e.json)
//      HEARTH_E2E_MODEL           model for "hearth.defaultModel" (default test/fixtures/.generated/tiny-llama.gguf)
//      HEARTH_UPDATE_SCREENSHOTS=1  also copy the screenshots to media/screenshots/ (run-prompt, models,
//                                   modelfile, review-thread)
//      HEARTH_E2E_TIMEOUT_MS      bound on the whole run (default 10 min)
//      HEARTH_HEADED=1            show the browser (needs a display)
import * as fs from "node:fs";
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
  normalize,
  openWorkbench,
  prepareModelStore,
  quickOpen,
  runChecks,
  runPaletteCommand,
  runTier,
  showHearth,
  waitForAnswer,
  waitForPromptBox,
  waitUntil,
  workbenchSelectors,
} from "./workbenchDriver.mjs";
import { prepareReviewWorkspace, reviewChecks } from "./reviewE2e.mjs";

// ------------------------------------------------------------------ knobs that may need adjusting
const SELECTORS = {
  ...workbenchSelectors,
  activeTab: ".part.editor .tab.active",
  languageStatus: "#status\\.editor\\.mode",
  /** Hearth's chat webview (the extensionId filter keeps the welcome walkthrough's webview out). */
  chatWebview: 'iframe.webview.ready[src*="extensionId=hearth-dev.hearth"]',
  /** A view pane in the side bar, found by its header's title. */
  paneHeader: ".part.sidebar .pane-header",
  treeRows: ".monaco-list-row",
  /** Monaco's marker decorations in the editor area. */
  squiggle: ".part.editor .monaco-editor .squiggly-error, .part.editor .monaco-editor .squiggly-warning",
  /** A row of the Problems panel. */
  problemRows: ".part.panel .monaco-list-row",
  suggestWidget: ".part.editor .suggest-widget.visible",
  hover: ".monaco-hover:not(.hidden)",
};
const COMMAND_LABEL = "Hearth: Run Prompt";
const PROMPT = "Say hello to the hearth in one short sentence.";
const CHAT_PROMPT = "What is a GGUF file?";
/** The name the fixture model is installed under in the prepared store. */
const INSTALLED_MODEL = "tiny-llama:e2e";
/** Written into the workspace before code-server starts; line 8 misspells temperature. */
const MODELFILE = [
  "# A concise coding assistant on a small local model",
  "FROM qwen2.5-coder:1.5b",
  "",
  'SYSTEM """You are a concise coding assistant.',
  'Answer with code first, then one sentence of explanation."""',
  "",
  "PARAMETER num_ctx 8192",
  "PARAMETER temprature 0.2",
  'PARAMETER stop "<|im_end|>"',
  "MESSAGE user Reverse a string in Python.",
  'MESSAGE assistant "s[::-1]"',
  "",
].join("\n");
const TIMEOUTS = {
  workbench: 90_000,
  statusItem: 90_000,
  palette: 120_000, // the whole retry loop while the extension activates
  inputBox: 30_000,
  answer: 240_000, // model load + first tokens, one thread, maybe a busy machine
  answerSettle: 60_000, // after the first tokens: wait (bounded) for the text to stop changing
  run: Number(process.env.HEARTH_E2E_TIMEOUT_MS) || 10 * 60_000,
};

const extensionPath = path.resolve(process.env.HEARTH_E2E_EXTENSION_PATH || repoRoot);
const modelPath = path.resolve(
  process.env.HEARTH_E2E_MODEL || path.join(repoRoot, "test/fixtures/.generated/tiny-llama.gguf"),
);
const resultsFile = path.resolve(
  process.env.HEARTH_TEST_RESULTS_FILE || path.join(artifactsDir, "results/e2e.json"),
);
const screenshotDir = path.join(artifactsDir, "screenshots");
const screenshotFile = path.join(screenshotDir, "run-prompt.png");
const failureScreenshot = path.join(screenshotDir, "e2e-failure.png");
const mediaScreenshot = path.join(repoRoot, "media/screenshots/run-prompt.png");
const chatScreenshotFile = path.join(screenshotDir, "chat.png");
const modelsScreenshotFile = path.join(screenshotDir, "models.png");
const mediaModelsScreenshot = path.join(repoRoot, "media/screenshots/models.png");
const modelfileScreenshotFile = path.join(screenshotDir, "modelfile.png");
const mediaModelfileScreenshot = path.join(repoRoot, "media/screenshots/modelfile.png");
const consoleLogFile = path.join(artifactsDir, "logs/e2e-workbench-console.log");
const reviewScreenshotFile = path.join(screenshotDir, "review-thread.png");

const rel = (p) => path.relative(repoRoot, p) || ".";

// ------------------------------------------------------------------------------------- the checks
/** @type {{name: string, run: (ctx: any) => Promise<void>}[]} */
const checks = [
  {
    name: "code-server starts with the extension's settings",
    async run(ctx) {
      ctx.server = await startCodeServer({
        workspace: ctx.workspace,
        label: "e2e",
        env: { HEARTH_HOME: ctx.hearthHome, ...ctx.reviewEnv },
        settings: {
          "hearth.defaultModel": modelPath,
          "hearth.threads": 1,
          "hearth.modelsPath": ctx.modelsStore,
          // The fixture's byte-level vocabulary spends a token per character: room for a review's instructions.
          "hearth.contextSize": 4096,
        },
      });
    },
  },
  {
    name: "the workbench loads with the workspace folder",
    async run(ctx) {
      const page = await openWorkbench(ctx, {
        url: workbenchUrl(ctx.server.baseUrl, { folder: ctx.workspace, extensionDevelopmentPath: extensionPath }),
        consoleLogFile,
        timeoutMs: TIMEOUTS.workbench,
      });
      // The explorer shows the folder's name once the workspace is open.
      const folderName = path.basename(ctx.workspace);
      await page
        .getByText(folderName, { exact: false })
        .first()
        .waitFor({ state: "attached", timeout: TIMEOUTS.workbench })
        .catch(() => {
          throw new Error(`the workspace folder ${folderName} never showed in the workbench`);
        });
    },
  },
  {
    name: "the Hearth status-bar item appears",
    async run(ctx) {
      const item = ctx.page.locator(SELECTORS.hearthStatusItem).first();
      await item.waitFor({ state: "visible", timeout: TIMEOUTS.statusItem }).catch(() => {
        throw new Error(
          `no element matches ${SELECTORS.hearthStatusItem} after ${TIMEOUTS.statusItem / 1000} s (did the extension activate? see ${rel(consoleLogFile)})`,
        );
      });
      ctx.statusText = normalize((await item.innerText().catch(() => "")).trim());
      ctx.note = `"${ctx.statusText}"`;
    },
  },
  {
    name: `"${COMMAND_LABEL}" runs from the command palette and asks for a prompt`,
    async run(ctx) {
      await runPaletteCommand(ctx, COMMAND_LABEL, TIMEOUTS.palette);
      await waitForPromptBox(ctx.page, TIMEOUTS.inputBox);
    },
  },
  {
    name: "the answer streams into an untitled Markdown editor",
    async run(ctx) {
      const { page } = ctx;
      const input = page.locator(SELECTORS.quickInputBox);
      await input.fill(PROMPT);
      await input.press("Enter");
      const answer = await waitForAnswer(page, PROMPT, { answerMs: TIMEOUTS.answer, settleMs: TIMEOUTS.answerSettle });
      // Soft details for the report; the hard requirement is the answer text itself.
      const tab = normalize((await page.locator(SELECTORS.activeTab).first().innerText({ timeout: 5_000 }).catch(() => "")).trim());
      const language = normalize((await page.locator(SELECTORS.languageStatus).first().innerText({ timeout: 5_000 }).catch(() => "")).trim());
      if (language && !/markdown/i.test(language)) {
        throw new Error(`the answer editor's language is "${language}", expected Markdown`);
      }
      if (tab && !/untitled/i.test(tab)) throw new Error(`the answer is in "${tab}", expected an untitled editor`);
      ctx.note = `${answer.length} chars of answer in "${tab.split("\n")[0]}" (${language || "language unknown"})`;
    },
  },
  {
    name: "a screenshot of the answer is saved",
    async run(ctx) {
      fs.mkdirSync(screenshotDir, { recursive: true });
      // Park the mouse on empty editor space so no hover tooltip lands in the picture.
      const box = await ctx.page.locator(".part.editor").first().boundingBox().catch(() => null);
      if (box) await ctx.page.mouse.move(box.x + box.width / 2, box.y + box.height - 40);
      await sleep(300);
      await ctx.page.screenshot({ path: screenshotFile, timeout: 30_000 });
      ctx.note = rel(screenshotFile);
      if (process.env.HEARTH_UPDATE_SCREENSHOTS === "1") {
        fs.mkdirSync(path.dirname(mediaScreenshot), { recursive: true });
        fs.copyFileSync(screenshotFile, mediaScreenshot);
        ctx.note += `, copied to ${rel(mediaScreenshot)}`;
      }
    },
  },
  {
    name: "the Hearth chat view opens from the activity bar",
    async run(ctx) {
      const { page } = ctx;
      await showHearth(page);
      ctx.chat = page.frameLocator(SELECTORS.chatWebview).frameLocator("iframe#active-frame");
      await ctx.chat.locator("#prompt").waitFor({ state: "visible", timeout: 60_000 });
    },
  },
  {
    name: "a chat message streams an answer from the loaded model",
    async run(ctx) {
      const prompt = ctx.chat.locator("#prompt");
      await prompt.fill(CHAT_PROMPT);
      await prompt.press("Enter");
      await ctx.chat.locator(".message.user .body", { hasText: CHAT_PROMPT }).first().waitFor({ timeout: 30_000 });
      const answer = ctx.chat.locator(".message.assistant:not(.streaming) .body").last();
      await answer.waitFor({ state: "visible", timeout: TIMEOUTS.answer });
      const text = (await answer.innerText()).trim();
      if (!text) throw new Error("the answer is empty");
      const footer = (await ctx.chat.locator(".message.assistant .footer").last().innerText()).trim();
      if (!/tok\/s/.test(footer)) throw new Error(`the answer's footer does not show the speed: "${footer}"`);
      ctx.note = `${text.length} chars; footer "${footer}"`;
    },
  },
  {
    name: "a screenshot of the chat view is saved",
    async run(ctx) {
      const box = await ctx.page.locator(".part.editor").first().boundingBox().catch(() => null);
      if (box) await ctx.page.mouse.move(box.x + box.width / 2, box.y + box.height - 40);
      await sleep(300);
      await ctx.page.screenshot({ path: chatScreenshotFile, timeout: 30_000 });
      // The README's chat pictures come from test/e2e/chatE2e.mjs (dark and light themes).
      ctx.note = rel(chatScreenshotFile);
    },
  },
  {
    name: "the Models view in the Hearth container lists the installed model and the loaded one",
    async run(ctx) {
      const { page } = ctx;
      const header = page.locator(SELECTORS.paneHeader, { hasText: /^\s*models/i }).first();
      await header.waitFor({ state: "visible", timeout: 30_000 }).catch(() => {
        throw new Error("the Hearth container has no Models view");
      });
      // Give the Models view the side bar: fold the chat, unfold Models when it is folded.
      const chatHeader = page.locator(SELECTORS.paneHeader, { hasText: /^\s*chat/i }).first();
      if ((await chatHeader.getAttribute("aria-expanded").catch(() => null)) === "true") await chatHeader.click();
      if ((await header.getAttribute("aria-expanded").catch(() => null)) === "false") await header.click();
      const pane = page.locator(".part.sidebar .pane").filter({
        has: page.locator(".pane-header", { hasText: /^\s*models/i }),
      });
      const rowWith = (text) => pane.locator(SELECTORS.treeRows, { hasText: text }).first();
      for (const text of ["Loaded", "Installed", INSTALLED_MODEL]) {
        await rowWith(text).waitFor({ state: "visible", timeout: 60_000 }).catch(async () => {
          const rows = await pane.locator(SELECTORS.treeRows).allInnerTexts().catch(() => []);
          throw new Error(`the Models view has no "${text}" row; it shows: ${JSON.stringify(normalize(rows.join(" | ")))}`);
        });
      }
      const rows = (await pane.locator(SELECTORS.treeRows).allInnerTexts()).map((row) => normalize(row).replace(/\s+/g, " ").trim());
      const installed = rows.find((row) => row.includes(INSTALLED_MODEL)) ?? "";
      if (!/\d+(\.\d+)? [KMG]B/.test(installed)) throw new Error(`the installed row shows no size: "${installed}"`);
      const loadedIndex = rows.findIndex((row) => row.startsWith("Loaded"));
      const loaded = rows[loadedIndex + 1] ?? "";
      if (!/since/.test(loaded)) throw new Error(`the loaded row does not say since when: "${loaded}"`);
      // Select the installed model (focus leaves the chat's header; the row shows as chosen).
      await rowWith(INSTALLED_MODEL).click({ timeout: 10_000 });
      ctx.modelsPane = pane;
      ctx.note = `loaded "${loaded}"; installed "${installed}"`;
    },
  },
  {
    name: "the installed model's inline Show action opens its details page",
    async run(ctx) {
      const { page } = ctx;
      const row = ctx.modelsPane.locator(SELECTORS.treeRows, { hasText: INSTALLED_MODEL }).first();
      await row.hover();
      await row.locator('.action-label[aria-label^="Show Model Details"]').first().click({ timeout: 10_000 });
      const deadline = Date.now() + 60_000;
      let text = "";
      // The page's top lines (the editor renders only what is visible): the name and the fit estimate.
      while (!(text.includes(`# ${INSTALLED_MODEL}`) && /Fits|fit/.test(text))) {
        if (Date.now() > deadline) throw new Error(`no details page opened; the editor shows: ${JSON.stringify(text.slice(0, 200))}`);
        await sleep(300);
        text = normalize((await page.locator(SELECTORS.editorLines).allInnerTexts().catch(() => [])).join("\n"));
      }
      // Unfold the catalogue and widen the side bar for the picture (best effort).
      await ctx.modelsPane.locator(SELECTORS.treeRows, { hasText: /^\s*Recommended/ }).first().click({ timeout: 5_000 }).catch(() => {});
      const sidebar = await page.locator(".part.sidebar").first().boundingBox().catch(() => null);
      if (sidebar) {
        const y = sidebar.y + sidebar.height / 2;
        await page.mouse.move(sidebar.x + sidebar.width - 1, y);
        await page.mouse.down();
        await page.mouse.move(sidebar.x + sidebar.width + 160, y, { steps: 8 });
        await page.mouse.up();
      }
      ctx.note = "details page with the store's facts";
    },
  },
  {
    name: "a screenshot of the Models view is saved",
    async run(ctx) {
      const box = await ctx.page.locator(".part.editor").first().boundingBox().catch(() => null);
      if (box) await ctx.page.mouse.move(box.x + box.width / 2, box.y + box.height - 40);
      await sleep(500);
      await ctx.page.screenshot({ path: modelsScreenshotFile, timeout: 30_000 });
      ctx.note = rel(modelsScreenshotFile);
      if (process.env.HEARTH_UPDATE_SCREENSHOTS === "1") {
        fs.copyFileSync(modelsScreenshotFile, mediaModelsScreenshot);
        ctx.note += `, copied to ${rel(mediaModelsScreenshot)}`;
      }
    },
  },
  {
    name: "a Modelfile opens from Quick Open in the Modelfile language mode",
    async run(ctx) {
      const { page } = ctx;
      await page.keyboard.press("Escape");
      // The Explorer in the side bar, so the picture shows the file in its folder.
      await page.keyboard.press("Control+Shift+E");
      await quickOpen(page, "Modelfile");
      await waitUntil(
        async () => normalize((await page.locator(SELECTORS.editorLines).allInnerTexts().catch(() => [])).join("\n")).includes("PARAMETER temprature"),
        "the Modelfile in the editor",
      );
      let language = "";
      await waitUntil(async () => {
        language = normalize((await page.locator(SELECTORS.languageStatus).first().innerText({ timeout: 5_000 }).catch(() => "")).trim());
        return language === "Modelfile";
      }, "the language status to say Modelfile", 30_000).catch(() => {
        throw new Error(`the language status says "${language}", expected Modelfile`);
      });
      ctx.note = `language "${language}"`;
    },
  },
  {
    name: "the misspelt parameter gets a squiggle, and the Problems panel says what it should be",
    async run(ctx) {
      const { page } = ctx;
      await page.locator(SELECTORS.squiggle).first().waitFor({ state: "attached", timeout: 60_000 }).catch(() => {
        throw new Error("no squiggle in the Modelfile's editor (no diagnostics from the language features?)");
      });
      await page.keyboard.press("Control+Shift+M");
      const row = page.locator(SELECTORS.problemRows, { hasText: "temprature" }).first();
      await row.waitFor({ state: "visible", timeout: 30_000 }).catch(async () => {
        const rows = await page.locator(SELECTORS.problemRows).allInnerTexts().catch(() => []);
        throw new Error(`the Problems panel does not list temprature; it shows: ${JSON.stringify(normalize(rows.join(" | ")))}`);
      });
      const message = normalize((await row.innerText()).replace(/\s+/g, " ").trim());
      if (!/Did you mean temperature/.test(message)) throw new Error(`the problem does not suggest temperature: "${message}"`);
      ctx.note = `"${message}"`;
    },
  },
  {
    name: "completion after PARAMETER lists the parameter names",
    async run(ctx) {
      const { page } = ctx;
      // Back to the editor, at the empty last line.
      await page.keyboard.press("Control+1");
      await page.keyboard.press("Control+End");
      await page.keyboard.type("PARAMETER ", { delay: 40 });
      const widget = page.locator(SELECTORS.suggestWidget);
      const labels = async () =>
        (await widget.locator(".monaco-list-row").allInnerTexts().catch(() => [])).map((text) => normalize(text).replace(/\s+/g, " ").trim());
      let shown = [];
      await waitUntil(async () => {
        if (!(await widget.isVisible().catch(() => false))) await page.keyboard.press("Control+Space");
        shown = await labels();
        return shown.some((label) => label.startsWith("num_ctx")) && shown.some((label) => label.startsWith("num_predict"));
      }, "the suggest widget to list parameter names", 30_000).catch(() => {
        throw new Error(`the suggest widget shows: ${JSON.stringify(shown)}`);
      });
      // Narrowed by what is typed: "t" puts temperature first.
      await page.keyboard.type("t", { delay: 40 });
      await waitUntil(async () => {
        shown = await labels();
        return (shown[0] ?? "").startsWith("temperature");
      }, "temperature first", 15_000).catch(() => {
        throw new Error(`after "PARAMETER t" the suggest widget shows: ${JSON.stringify(shown)}`);
      });
      ctx.note = `${JSON.stringify(shown.slice(0, 5))}`;
    },
  },
  {
    name: "a screenshot of the Modelfile with its diagnostic and completion is saved",
    async run(ctx) {
      const { page } = ctx;
      // Best effort: hover the misspelt name so the picture shows the message beside the squiggle.
      const word = page.locator(`${SELECTORS.editorLines} span[class*="mtk"]`, { hasText: /^temprature$/ }).first();
      const box = await word.boundingBox().catch(() => null);
      let hovered = false;
      if (box) {
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
        hovered = await page
          .locator(SELECTORS.hover, { hasText: "temperature" })
          .first()
          .waitFor({ state: "visible", timeout: 5_000 })
          .then(() => true, () => false);
      }
      const suggesting = await page.locator(SELECTORS.suggestWidget).isVisible().catch(() => false);
      await sleep(300);
      await page.screenshot({ path: modelfileScreenshotFile, timeout: 30_000 });
      ctx.note = `${rel(modelfileScreenshotFile)} (hover ${hovered ? "shown" : "not shown"}, suggestions ${suggesting ? "shown" : "not shown"})`;
      if (!suggesting) throw new Error("the suggest widget closed before the screenshot");
      if (process.env.HEARTH_UPDATE_SCREENSHOTS === "1") {
        fs.copyFileSync(modelfileScreenshotFile, mediaModelfileScreenshot);
        ctx.note += `, copied to ${rel(mediaModelfileScreenshot)}`;
      }
    },
  },
  ...reviewChecks({ screenshotFile: reviewScreenshotFile, paletteTimeoutMs: TIMEOUTS.palette, rel }),
  {
    name: "in Restricted Mode, Review Staged Changes runs no git and says why, with Manage Workspace Trust",
    async run(ctx) {
      // A second code-server on the same git repository (a staged change), with workspace trust on.
      await closeBrowser(ctx.context);
      ctx.context = null;
      if (ctx.server) await ctx.server.stop();
      ctx.server = await startCodeServer({
        workspace: ctx.workspace,
        label: "e2e-restricted",
        env: { HEARTH_HOME: ctx.hearthHome, ...ctx.reviewEnv },
        settings: { "hearth.defaultModel": modelPath, "hearth.threads": 1, "hearth.modelsPath": ctx.modelsStore },
        workspaceTrust: true,
      });
      const page = await openWorkbench(ctx, {
        url: workbenchUrl(ctx.server.baseUrl, { folder: ctx.workspace, extensionDevelopmentPath: extensionPath }),
        consoleLogFile: consoleLogFile.replace(/\.log$/, "-restricted.log"),
        timeoutMs: TIMEOUTS.workbench,
      });
      // VS Code asks whether to trust the folder's authors: the user says no (Restricted Mode).
      const distrust = page.getByRole("button", { name: /don.t trust/i }).first();
      await distrust.waitFor({ state: "visible", timeout: TIMEOUTS.workbench }).catch(() => {
        throw new Error("VS Code never asked whether to trust the workspace");
      });
      await distrust.click();
      await page.getByText(/Restricted Mode/i).first().waitFor({ state: "visible", timeout: 30_000 });
      await runPaletteCommand(ctx, "Hearth: Review Staged Changes", TIMEOUTS.palette);
      const toast = page.locator(".notifications-toasts .notification-list-item").filter({ hasText: /Restricted Mode, so Hearth does not run git/ });
      await toast.first().waitFor({ state: "visible", timeout: 60_000 }).catch(async () => {
        const shown = await page.locator(".notifications-toasts .notification-list-item-message").allInnerTexts().catch(() => []);
        throw new Error(`no Restricted Mode notice after the review command; notifications: ${JSON.stringify(shown)}`);
      });
      const buttons = normalize((await toast.first().locator(".monaco-button").allInnerTexts()).join(" | "));
      if (!/Manage Workspace Trust/.test(buttons)) throw new Error(`the notice offers ${JSON.stringify(buttons)}, not Manage Workspace Trust`);
      // No review ran: no comment thread, no finding.
      if ((await page.locator(".review-widget, .comment-thread-widget").count()) > 0) throw new Error("a review thread appeared in Restricted Mode");
      ctx.note = `notice with "${buttons}"`;
    },
  },
];

// ----------------------------------------------------------------------------------------- runner
async function main() {
  const started = Date.now();
  fs.rmSync(resultsFile, { force: true });
  fs.mkdirSync(path.dirname(consoleLogFile), { recursive: true });
  console.log(`[test:e2e] extension: ${extensionPath}`);
  runFixtureGenerator();
  if (!fs.existsSync(modelPath)) {
    console.log(`[test:e2e] warning: the model ${modelPath} does not exist (hearth.defaultModel points at it anyway)`);
  }
  if (!fs.existsSync(path.join(extensionPath, "package.json"))) {
    throw new Error(`${extensionPath} has no package.json: not an extension folder`);
  }

  const ctx = {
    workspace: makeTempDir("e2e-ws"),
    hearthHome: makeTempDir("e2e-home"),
    modelsStore: makeTempDir("e2e-models"),
    scratch: makeTempDir("e2e-scratch"),
    reviewEnv: {},
    closers: [],
    server: null,
    context: null,
    page: null,
    note: "",
  };
  const fixtureWorkspace = path.join(repoRoot, "test/fixtures/workspace");
  if (fs.existsSync(fixtureWorkspace)) fs.cpSync(fixtureWorkspace, ctx.workspace, { recursive: true });
  console.log(`[test:e2e] model store ${ctx.modelsStore}: ${prepareModelStore(ctx.modelsStore, modelPath, INSTALLED_MODEL)}`);
  fs.writeFileSync(path.join(ctx.workspace, "Modelfile"), MODELFILE);
  ctx.reviewEnv = prepareReviewWorkspace(ctx.workspace, ctx.scratch);

  let results;
  let failed = false;
  try {
    ({ results, failed } = await runChecks({
      checks,
      ctx,
      label: "e2e",
      timeoutMs: TIMEOUTS.run,
      failureScreenshot,
      log: (text) => console.log(`[test:e2e] ${text}`),
    }));
  } finally {
    await closeBrowser(ctx.context);
    for (const close of ctx.closers) await close();
    if (ctx.server) await ctx.server.stop();
    removeDir(ctx.workspace);
    removeDir(ctx.hearthHome);
    removeDir(ctx.modelsStore);
    removeDir(ctx.scratch);
  }

  writeResults(resultsFile, results);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `[test:e2e] ${results.passed} passed, ${results.failed} failed, ${results.pending} skipped in ${secs} s; results ${rel(resultsFile)}` +
      (failed && ctx.server ? `; code-server log ${rel(ctx.server.logFile)}, console ${rel(consoleLogFile)}` : ""),
  );
  return failed ? 1 : 0;
}

runTier("e2e", resultsFile, main);
