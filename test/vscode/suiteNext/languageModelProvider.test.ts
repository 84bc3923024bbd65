// Hearth in VS Code 1.104's language model API, as another extension or VS Code's own chat uses it:
// the installed models through vscode.lm.selectChatModels (vendor `hearth`) with their real token
// limits, a request that streams from the engine and stops when cancelled, token counts, the
// workspace search tool through vscode.lm.tools and vscode.lm.invokeTool on an indexed workspace,
// and a model that calls tools: listed with tool calling, a required call whose input follows the
// tool's schema, a text answer once the call's result comes back, and its thinking kept out.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import type { HearthApi } from "../../../src/extension/extension";
import { tokenLimits } from "../../../src/common/languageModels/chatModelInformation";
import { activateHearth, fixtureModel, waitFor } from "../suite/support";

const chatModelName = "tiny-chat:latest";
const toolName = "hearth_searchWorkspace";

/** The text of a tool result's text parts. */
function resultText(result: vscode.LanguageModelToolResult): string {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : "")).join("");
}

async function hearthModels(): Promise<vscode.LanguageModelChat[]> {
  return vscode.lm.selectChatModels({ vendor: "hearth" });
}

describe("Hearth in VS Code's language model API (1.104)", function () {
  let api: HearthApi;
  let workspace: string;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration("hearth");

  before(async () => {
    api = await activateHearth();
    workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    await config().update("threads", 1, vscode.ConfigurationTarget.Global);
    await config().update("maxTokens", 400, vscode.ConfigurationTarget.Global);
    // The store (this run's own HEARTH_HOME) holds a chat model and an embedding model.
    await api.engine.importModel({ path: fixtureModel("tiny-llama.gguf"), name: "tiny-chat", mode: "link" });
    await api.engine.importModel({ path: fixtureModel("tiny-bert-embed.gguf"), name: "tiny-embed", mode: "link" });
  });

  after(async () => {
    for (const key of ["threads", "maxTokens", "index.embeddingModel"]) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
  });

  it("has the final provider API, and lists the installed chat models (not the embedding one) with their token limits", async () => {
    assert.equal(typeof (vscode.lm as { registerLanguageModelChatProvider?: unknown }).registerLanguageModelChatProvider, "function", `VS Code ${vscode.version}`);
    let models: vscode.LanguageModelChat[] = [];
    await waitFor(async () => (models = await hearthModels()).some((model) => model.id === chatModelName), "tiny-chat in vscode.lm.selectChatModels({vendor: 'hearth'})");
    assert.deepEqual(models.map((model) => model.id), [chatModelName], "the embedding model is not a chat model");
    const model = models[0]!;
    assert.equal(model.vendor, "hearth");
    assert.equal(model.name, chatModelName);
    assert.equal(model.family, "tiny-chat");
    assert.equal(model.version, "latest");
    // Not loaded yet: the context it loads with, hearth.contextSize 0 → min(4096, its 2048 training context).
    const stored = await api.engine.storeShow(chatModelName);
    assert.equal(stored.model.manifest?.gguf?.contextLength, 2048);
    assert.equal(model.maxInputTokens, tokenLimits(2048, 400).maxInputTokens);
    assert.equal(model.maxInputTokens, 2048 - 400);
  });

  it("streams an answer from the engine through model.sendRequest, loading the picked model", async () => {
    const [model] = await hearthModels();
    assert.ok(model);
    const response = await model.sendRequest(
      [vscode.LanguageModelChatMessage.User("Say something about files.")],
      { modelOptions: { maxTokens: 24, temperature: 0 } },
      new vscode.CancellationTokenSource().token,
    );
    const fragments: string[] = [];
    for await (const fragment of response.text) fragments.push(fragment);
    assert.ok(fragments.length > 1, `streamed in pieces: ${JSON.stringify(fragments)}`);
    assert.ok(fragments.join("").trim().length > 0);
    assert.equal(api.engine.activeModel?.storeName, chatModelName, "the request loaded the model it was sent to");
    // Loaded now: the limits come from the loaded context (2048 here too).
    const loaded = (await hearthModels())[0]!;
    assert.equal(loaded.maxInputTokens, tokenLimits(api.engine.activeModel!.contextSize, 400).maxInputTokens);
    // Counted with the loaded model's own tokenizer.
    const counted = await model.countTokens("Say something about files.");
    const engineCount = await api.engine.countTokens(["Say something about files."]);
    assert.equal(counted, engineCount?.counts[0]);
    assert.ok(counted > 0);
  });

  it("stops generating when the request's token is cancelled, and answers the next request", async () => {
    // VS Code before 1.127 does not pass a caller's cancellation on to a provider once the answer has
    // started (microsoft/vscode#277872), so the token VS Code would cancel is cancelled here, on the
    // provider VS Code registered, with the model information VS Code got from it.
    const provider = api.languageModels;
    assert.ok(provider, "the provider is registered");
    const [information] = await provider.provideLanguageModelChatInformation({ silent: true }, new vscode.CancellationTokenSource().token);
    assert.equal(information?.id, chatModelName);
    const source = new vscode.CancellationTokenSource();
    const fragments: string[] = [];
    await provider.provideLanguageModelChatResponse(
      information!,
      [vscode.LanguageModelChatMessage.User("Tell me a very long story.")],
      // Room for 1200 tokens: the answer ends long before, when the cancellation reaches the engine.
      { modelOptions: { maxTokens: 1200 }, toolMode: vscode.LanguageModelChatToolMode.Auto },
      {
        report: (part) => {
          if (part instanceof vscode.LanguageModelTextPart) fragments.push(part.value);
          source.cancel();
        },
      },
      source.token,
    );
    assert.ok(fragments.length >= 1 && fragments.length <= 4, `stopped within a few pieces: ${JSON.stringify(fragments)}`);
    // The engine is free again: the next request, through vscode.lm, answers.
    const [model] = await hearthModels();
    const next = await model!.sendRequest([vscode.LanguageModelChatMessage.User("And now?")], { modelOptions: { maxTokens: 8 } });
    let answered = "";
    for await (const fragment of next.text) answered += fragment;
    assert.ok(answered.length > 0);
  });

  it("offers the workspace search as a tool, which says how to index and then returns passages with paths and lines", async function () {
    this.timeout(300_000);
    const tool = vscode.lm.tools.find((candidate) => candidate.name === toolName);
    assert.ok(tool, `${toolName} in vscode.lm.tools: ${vscode.lm.tools.map((candidate) => candidate.name).join(", ")}`);
    assert.deepEqual((tool.inputSchema as { required?: string[] }).required, ["query"]);
    assert.ok(tool.tags.includes("hearth"));

    await vscode.commands.executeCommand("hearth.clearIndex");
    const before = resultText(await vscode.lm.invokeTool(toolName, { input: { query: "computeInvoiceTotal" }, toolInvocationToken: undefined }));
    assert.match(before, /Hearth: Index Workspace/, before);

    fs.mkdirSync(path.join(workspace, "src"), { recursive: true });
    fs.writeFileSync(
      path.join(workspace, "src", "billing.ts"),
      "export function computeInvoiceTotal(lines: number[]): number {\n  return lines.reduce((sum, line) => sum + line, 0);\n}\n",
    );
    await config().update("index.embeddingModel", fixtureModel("tiny-bert-embed.gguf"), vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand("hearth.indexWorkspace");
    assert.ok(api.workspaceIndex.hasIndex());

    const found = resultText(await vscode.lm.invokeTool(toolName, { input: { query: "computeInvoiceTotal", k: 2 }, toolInvocationToken: undefined }));
    assert.match(found, /^src\/billing\.ts:1-3\n```typescript\nexport function computeInvoiceTotal/m, found);
    assert.ok((found.match(/^```typescript$/gm) ?? []).length <= 2, "no more than k passages");
    await vscode.commands.executeCommand("hearth.clearIndex");
  });

  // Runs after the tests above (mocha runs a suite's own tests before its inner suites), which see
  // the store without this model.
  describe("tool calling, on the fixture model with a Hermes-style template (<tool_call>, <think>)", () => {
    const toolModelName = "tiny-tools:latest";
    const cities = ["paris", "london", "tokyo"];
    const weatherTool: vscode.LanguageModelChatTool = {
      name: "get_weather",
      description: "The weather in a city",
      inputSchema: {
        type: "object",
        properties: { city: { type: "string", enum: cities }, days: { type: "integer" } },
        required: ["city", "days"],
        additionalProperties: false,
      },
    };
    const question = vscode.LanguageModelChatMessage.User("What is the weather in paris for two days?");

    /** What a response streams: its text, and its tool calls. */
    async function collect(response: vscode.LanguageModelChatResponse): Promise<{ text: string; calls: vscode.LanguageModelToolCallPart[] }> {
      let text = "";
      const calls: vscode.LanguageModelToolCallPart[] = [];
      for await (const part of response.stream) {
        if (part instanceof vscode.LanguageModelTextPart) text += part.value;
        else if (part instanceof vscode.LanguageModelToolCallPart) calls.push(part);
      }
      return { text, calls };
    }

    async function toolModel(): Promise<vscode.LanguageModelChat> {
      let model: vscode.LanguageModelChat | undefined;
      await waitFor(async () => (model = (await hearthModels()).find((candidate) => candidate.id === toolModelName)) !== undefined, `${toolModelName} in vscode.lm`);
      return model!;
    }

    before(async () => {
      await api.engine.importModel({ path: fixtureModel("tiny-llama-tools.gguf"), name: "tiny-tools", mode: "link" });
    });

    it("lists the model whose template has a tool-call syntax with tool calling, the plain one without", async () => {
      const model = await toolModel();
      const plain = (await hearthModels()).find((candidate) => candidate.id === chatModelName);
      // LanguageModelChat.capabilities is in VS Code 1.104's objects, not in the 1.100 typings Hearth builds with.
      const callsTools = (chat: vscode.LanguageModelChat | undefined): unknown =>
        (chat as { capabilities?: { supportsToolCalling?: boolean } } | undefined)?.capabilities?.supportsToolCalling;
      assert.equal(callsTools(model), true);
      assert.equal(callsTools(plain), false);
      assert.notEqual(api.engine.activeModel?.storeName, toolModelName, "listing it did not load it");
    });

    it("streams a required tool call whose input follows the tool's schema, and answers in text once given its result", async () => {
      const model = await toolModel();
      const first = await collect(
        await model.sendRequest([question], {
          tools: [weatherTool],
          toolMode: vscode.LanguageModelChatToolMode.Required,
          modelOptions: { maxTokens: 300, temperature: 0 },
        }),
      );
      assert.equal(first.calls.length, 1, JSON.stringify(first));
      const call = first.calls[0]!;
      assert.equal(call.name, "get_weather");
      assert.match(call.callId, /^call_/);
      // The schema: exactly city (one of the enum) and days (an integer).
      const input = call.input as Record<string, unknown>;
      assert.deepEqual(Object.keys(input).sort(), ["city", "days"], JSON.stringify(input));
      assert.ok(cities.includes(input.city as string), JSON.stringify(input));
      assert.ok(Number.isInteger(input.days), JSON.stringify(input));
      assert.equal(api.engine.activeModel?.storeName, toolModelName, "the request loaded the model it was sent to");

      // The call and its result go back, as VS Code's chat sends them; thinking off so the tiny model's text is the answer.
      const second = await collect(
        await model.sendRequest(
          [
            question,
            vscode.LanguageModelChatMessage.Assistant([new vscode.LanguageModelToolCallPart(call.callId, call.name, call.input)]),
            vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart(call.callId, [new vscode.LanguageModelTextPart("sunny, 21 degrees")])]),
          ],
          { tools: [weatherTool], toolMode: vscode.LanguageModelChatToolMode.Auto, modelOptions: { maxTokens: 16, temperature: 0, think: false } },
        ),
      );
      assert.ok(second.text.trim().length > 0, JSON.stringify(second));
    });

    it("keeps a thinking model's thought out of the answer text", async () => {
      const model = await toolModel();
      const options = { maxTokens: 24, temperature: 0 };
      const streamed = await collect(await model.sendRequest([question], { tools: [weatherTool], modelOptions: options }));
      // The same request to the engine directly: what the model thought and what it answered.
      const direct = await api.engine.chatRespond(
        { messages: [{ role: "user", text: "What is the weather in paris for two days?" }], tools: [{ name: "get_weather", description: "The weather in a city", parameters: weatherTool.inputSchema as Record<string, unknown> }], toolChoice: "auto", thinkLeniently: true, options },
        () => undefined,
      );
      assert.ok(direct.thinking.trim().length > 0, "the fixture model thinks");
      assert.equal(streamed.text, direct.text);
      assert.ok(!streamed.text.includes(direct.thinking.trim()), "the thought is not in the answer");
    });
  });
});
