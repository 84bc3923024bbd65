// Hearth in VS Code 1.100's language model API, the oldest VS Code it supports: activation does
// not need the chat provider API (final only in 1.104; see test/vscode/suiteNext/ for that tier),
// and the workspace search is still a language-model tool that other extensions can invoke.
import * as assert from "node:assert/strict";
import * as vscode from "vscode";
import { activateHearth } from "./support";

const toolName = "hearth_searchWorkspace";

describe("Hearth's language-model tool without the chat provider API (VS Code 1.100)", function () {
  it("activates without vscode.lm.registerLanguageModelChatProvider and still registers the search tool", async function () {
    this.timeout(300_000);
    const api = await activateHearth();
    const hasProviderApi = typeof (vscode.lm as { registerLanguageModelChatProvider?: unknown }).registerLanguageModelChatProvider === "function";
    if (vscode.version.startsWith("1.100.")) assert.equal(hasProviderApi, false, `VS Code ${vscode.version} has no provider API`);
    assert.ok(api.engine, "activated");

    const tool = vscode.lm.tools.find((candidate) => candidate.name === toolName);
    assert.ok(tool, `${toolName} in vscode.lm.tools: ${vscode.lm.tools.map((candidate) => candidate.name).join(", ")}`);
    assert.deepEqual(Object.keys((tool.inputSchema as { properties: object }).properties), ["query", "k"]);

    // Without an index the tool says how to build one (and starts nothing to say it).
    await vscode.commands.executeCommand("hearth.clearIndex");
    const result = await vscode.lm.invokeTool(toolName, { input: { query: "computeInvoiceTotal" }, toolInvocationToken: undefined });
    const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : "")).join("");
    assert.match(text, /no Hearth index yet.*Hearth: Index Workspace/s, text);
  });
});
