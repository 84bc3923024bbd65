// The workspace index inside real VS Code: Index Workspace through the engine with the fixture
// embedding model, @workspace passages labelled with their lines in the chat's prompt, file
// watchers that follow a new and a deleted file, a secret that never reaches the prompt, Clear.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { HearthApi } from "../../../src/extension/extension";
import { activateHearth, fixtureModel, waitFor } from "./support";

describe("Workspace index in VS Code", function () {
  let api: HearthApi;
  let workspace: string;
  let fixtures: string;

  before(async () => {
    api = await activateHearth();
    fixtures = path.dirname(fixtureModel("tiny-llama.gguf"));
    workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    fs.mkdirSync(path.join(workspace, "src"), { recursive: true });
    fs.writeFileSync(
      path.join(workspace, "src", "billing.ts"),
      "export function computeInvoiceTotal(lines: number[]): number {\n  return lines.reduce((sum, line) => sum + line, 0);\n}\n",
    );
    fs.writeFileSync(path.join(workspace, ".env"), "BILLING_KEY=canary-7c1d-never-in-a-prompt\n");
    await vscode.workspace.getConfiguration("hearth").update("threads", 1, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration("hearth").update("maxTokens", 8, vscode.ConfigurationTarget.Global);
    await vscode.workspace
      .getConfiguration("hearth")
      .update("index.embeddingModel", path.join(fixtures, "tiny-bert-embed.gguf"), vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration("hearth").update("index.embeddingModel", undefined, vscode.ConfigurationTarget.Global);
  });

  it("indexes the workspace, gives @workspace labelled passages, follows file changes and clears", async () => {
    await vscode.commands.executeCommand("hearth.indexWorkspace");
    assert.ok(api.workspaceIndex.hasIndex());
    const status = await api.workspaceIndex.status();
    assert.ok(status && status.files >= 1, JSON.stringify(status));
    assert.equal(status.embeddingModel, path.join(fixtures, "tiny-bert-embed.gguf"));

    const passages = await api.workspaceIndex.search("computeInvoiceTotal");
    assert.equal(passages?.[0]?.label, "src/billing.ts:1-3");
    assert.deepEqual(await api.workspaceIndex.search("computeInvoiceTotal", undefined, ["docs"]), [], "#folder keeps passages under it");

    await api.engine.loadModel(path.join(fixtures, "tiny-llama.gguf"));
    await api.chat.newChat();
    await api.chat.send("@workspace how is computeInvoiceTotal computed? BILLING_KEY");
    const given = api.chat.modelHistory()[0]!.text;
    assert.match(given, /src\/billing\.ts:1-3\n```typescript\nexport function computeInvoiceTotal/);
    assert.ok(!given.includes("canary-7c1d"), "the .env file never reaches the prompt");

    // File watchers: a new file is found, a deleted one is gone.
    const shipping = path.join(workspace, "src", "shipping.ts");
    fs.writeFileSync(shipping, "export function estimateShippingCost(weight: number): number {\n  return weight * 2;\n}\n");
    await waitFor(async () => (await api.workspaceIndex.search("estimateShippingCost"))?.[0]?.label === "src/shipping.ts:1-3", "the new file in the index", 60_000);
    fs.rmSync(shipping);
    await waitFor(
      async () => !(await api.workspaceIndex.search("estimateShippingCost"))?.some((passage) => passage.label.startsWith("src/shipping.ts")),
      "the deleted file to leave the index",
      60_000,
    );

    await vscode.commands.executeCommand("hearth.clearIndex");
    assert.equal(api.workspaceIndex.hasIndex(), false);
    assert.equal(await api.workspaceIndex.search("computeInvoiceTotal"), null);
  });
});
