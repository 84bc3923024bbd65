// The newer-VS Code tier (`npm run test:vscode-next`): runs out/test/vscode/suiteNext/index.js in
// the Node extension host of VS Code 1.104.0 — code-server 4.104.0 under Node 22, installed by
// scripts/install-code-server-next.sh — the first VS Code whose vscode.lm.registerLanguageModelChatProvider
// is final, to check Hearth's models in VS Code's model picker and its search tool there. The 1.100
// tier (runInCodeServer.mjs) stays the minimum-version check; this one runs beside it.
//
// Env as runInCodeServer.mjs; the results file defaults to .test-artifacts/results/vscode-next.json.
import * as path from "node:path";
import { codeServers, repoRoot } from "./codeServer.mjs";
import { runSuiteAndExit } from "./runInCodeServer.mjs";

runSuiteAndExit({
  server: codeServers.next,
  testsPath: path.join(repoRoot, "out/test/vscode/suiteNext/index.js"),
  tier: "vscode-next",
  title: "newer-VS Code suite (code-server 4.104.0)",
});
