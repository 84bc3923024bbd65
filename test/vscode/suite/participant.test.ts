// `@hearth` in VS Code's chat. code-server has no chat UI to type into, so the tests call the
// extension's own participant handler as VS Code would: a real engine with the fixture model, a response stream
// that records what is written, real cancellation tokens, and histories shaped like VS Code's.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import type { HearthChatParticipant, ParticipantResultMetadata } from "../../../src/extension/chat/chatParticipant";
import type { HearthApi } from "../../../src/extension/extension";
import { activateHearth, fixtureModel } from "./support";

/** A ChatResponseStream that keeps what the handler wrote. */
class RecordingStream implements vscode.ChatResponseStream {
  readonly markdowns: string[] = [];
  readonly progresses: string[] = [];
  readonly buttons: vscode.Command[] = [];
  readonly references: Array<vscode.Uri | vscode.Location> = [];
  onMarkdown: ((text: string) => void) | null = null;

  get text(): string {
    return this.markdowns.join("");
  }

  markdown(value: string | vscode.MarkdownString): void {
    const text = typeof value === "string" ? value : value.value;
    this.markdowns.push(text);
    this.onMarkdown?.(text);
  }

  anchor(): void {}

  button(command: vscode.Command): void {
    this.buttons.push(command);
  }

  filetree(): void {}

  progress(value: string): void {
    this.progresses.push(value);
  }

  reference(value: vscode.Uri | vscode.Location): void {
    this.references.push(value);
  }

  push(): void {}
}

type History = Array<vscode.ChatRequestTurn | vscode.ChatResponseTurn>;

function request(prompt: string, references: vscode.ChatPromptReference[] = []): vscode.ChatRequest {
  return { prompt, command: undefined, references, toolReferences: [] } as unknown as vscode.ChatRequest;
}

/** The two turns VS Code puts in the history for an answered request. */
function turns(prompt: string, answer: string, result: vscode.ChatResult): History {
  return [
    { prompt, participant: "hearth.chat", references: [], toolReferences: [] } as unknown as vscode.ChatRequestTurn,
    {
      response: [new vscode.ChatResponseMarkdownPart(answer)],
      result,
      participant: "hearth.chat",
    } as unknown as vscode.ChatResponseTurn,
  ];
}

describe("@hearth chat participant", function () {
  let api: HearthApi;
  let participant: HearthChatParticipant;
  let workspace: string;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration("hearth");

  async function ask(
    prompt: string,
    history: History = [],
    options: { references?: vscode.ChatPromptReference[]; token?: vscode.CancellationToken; stream?: RecordingStream } = {},
  ): Promise<{ stream: RecordingStream; result: vscode.ChatResult; metadata: ParticipantResultMetadata }> {
    const stream = options.stream ?? new RecordingStream();
    const source = new vscode.CancellationTokenSource();
    const result = await participant.handle(
      request(prompt, options.references),
      { history },
      stream,
      options.token ?? source.token,
    );
    source.dispose();
    assert.ok(result, "the handler answers a result");
    return { stream, result, metadata: (result.metadata ?? {}) as ParticipantResultMetadata };
  }

  before(async () => {
    api = await activateHearth();
    await config().update("threads", 1, vscode.ConfigurationTarget.Global);
    await config().update("maxTokens", 24, vscode.ConfigurationTarget.Global);
    await api.engine.loadModel(fixtureModel("tiny-llama.gguf"));
    participant = api.participant;
    workspace = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  });

  after(async () => {
    participant.forget();
    await config().update("maxTokens", undefined, vscode.ConfigurationTarget.Global);
  });

  it("is registered as hearth.chat where the host has the chat API", () => {
    const packageJson = vscode.extensions.getExtension("hearth-dev.hearth")!.packageJSON as {
      contributes: { chatParticipants: Array<{ id: string; name: string; isSticky: boolean }> };
    };
    assert.deepEqual(
      packageJson.contributes.chatParticipants.map((p) => [p.id, p.name, p.isSticky]),
      [["hearth.chat", "hearth", true]],
    );
    if (typeof vscode.chat?.createChatParticipant === "function") {
      const registered = api.participant.registration;
      assert.ok(registered, "registered");
      assert.equal(registered.id, "hearth.chat");
      assert.equal(registered.requestHandler, api.participant.handle, "VS Code calls the handler these tests call");
      assert.ok(registered.iconPath instanceof vscode.Uri);
    } else {
      assert.equal(api.participant.registration, undefined);
    }
  });

  it("streams the loaded model's answer as markdown, with the model and speed in the result", async () => {
    const { stream, metadata } = await ask("How do I read a file in Rust?");
    assert.ok(stream.markdowns.length > 1, `streamed in pieces: ${JSON.stringify(stream.markdowns)}`);
    assert.ok(stream.text.trim().length > 0);
    assert.equal(metadata.model, api.engine.activeModel?.name);
    assert.ok(metadata.model);
    assert.ok(typeof metadata.tokensPerSecond === "number" && metadata.tokensPerSecond > 0, JSON.stringify(metadata));
    assert.equal(metadata.answerChars, stream.text.length);
    assert.equal(metadata.error, undefined);
  });

  it("gives the model the earlier turns, reusing their engine session and KV cache", async () => {
    const first = await ask("What is a goroutine?");
    const history = turns("What is a goroutine?", first.stream.text, first.result);
    assert.deepEqual(participant.modelHistory(history), [
      { role: "user", text: "What is a goroutine?" },
      { role: "assistant", text: first.stream.text },
    ]);

    const second = await ask("And a channel?", history);
    assert.ok(second.stream.text.length > 0);
    // The second prompt holds the first turn, and the engine evaluated only what is new.
    assert.ok(second.metadata.promptTokens! > first.metadata.promptTokens!, JSON.stringify([first.metadata, second.metadata]));
    // Everything the first turn evaluated is reused from the KV cache (a fresh session reuses nothing).
    assert.ok(
      second.metadata.reusedPromptTokens! >= first.metadata.promptTokens! * 0.9,
      `reused ${second.metadata.reusedPromptTokens} of the first turn's ${first.metadata.promptTokens}: ${JSON.stringify(second.metadata)}`,
    );
    const after = [...history, ...turns("And a channel?", second.stream.text, second.result)];
    assert.deepEqual(
      participant.modelHistory(after)!.map((turn) => turn.text),
      ["What is a goroutine?", first.stream.text, "And a channel?", second.stream.text],
    );

    // A window reload loses the engine sessions: the history VS Code keeps is enough.
    participant.forget();
    assert.equal(participant.modelHistory(history), null);
    const again = await ask("And a channel?", history);
    assert.deepEqual(
      participant.modelHistory([...history, ...turns("And a channel?", again.stream.text, again.result)])!.map((turn) => turn.text),
      ["What is a goroutine?", first.stream.text, "And a channel?", again.stream.text],
    );
  });

  it("attaches #file and selection references as context and lists them as references", async () => {
    const file = path.join(workspace, "participant-sample.ts");
    fs.writeFileSync(file, "export function add(a: number, b: number): number {\n  return a + b;\n}\n// the end\n");
    const uri = vscode.Uri.file(file);
    const selection = new vscode.Location(uri, new vscode.Range(1, 0, 1, 15));
    const { stream, result } = await ask("What does #file:participant-sample.ts do with #selection?", [], {
      references: [
        { id: "vscode.implicit.selection", value: selection },
        { id: "vscode.file", value: uri },
      ],
    });
    assert.equal(stream.references.length, 2);
    const history = turns("What does #file:participant-sample.ts do with #selection?", stream.text, result);
    const prompt = participant.modelHistory(history)![0]!.text;
    assert.match(prompt, /^Context for the question below:/);
    assert.ok(prompt.includes("participant-sample.ts\n```typescript\nexport function add"), prompt);
    assert.ok(prompt.includes("participant-sample.ts:2\n```typescript\n  return a + b;\n```"), prompt);
    assert.ok(prompt.indexOf("export function add") < prompt.indexOf("  return a + b;\n```"), "in the order typed");
    assert.ok(prompt.endsWith("Question: What does #file:participant-sample.ts do with #selection?"), prompt);
  });

  it("says which references it could not attach, and keeps that note out of the model's history", async () => {
    const binary = path.join(workspace, "participant-sample.bin");
    fs.writeFileSync(binary, Buffer.from([0, 1, 2, 3, 0, 255, 254, 0, 10]));
    const { stream, result, metadata } = await ask("What is in #file:participant-sample.bin?", [], {
      references: [{ id: "vscode.file", value: vscode.Uri.file(binary) }],
    });
    assert.match(stream.text, /^\*Hearth left participant-sample\.bin out of the question: .+\*\n\n/);
    assert.equal(stream.references.length, 0);
    assert.ok(metadata.answerStart! > 0 && metadata.answerStart! + metadata.answerChars! === stream.text.length);
    const history = turns("What is in #file:participant-sample.bin?", stream.text, result);
    assert.deepEqual(participant.modelHistory(history), [
      { role: "user", text: "What is in #file:participant-sample.bin?" },
      { role: "assistant", text: stream.text.slice(metadata.answerStart) },
    ]);
  });

  it("stops within a few tokens when the request is cancelled, keeping what was written", async () => {
    await config().update("maxTokens", 400, vscode.ConfigurationTarget.Global);
    try {
      const source = new vscode.CancellationTokenSource();
      const stream = new RecordingStream();
      stream.onMarkdown = () => source.cancel();
      const started = Date.now();
      const { metadata } = await ask("Tell me a very long story.", [], { token: source.token, stream });
      assert.equal(metadata.stopReason, "cancelled");
      assert.ok(stream.markdowns.length >= 1 && stream.markdowns.length <= 4, JSON.stringify(stream.markdowns));
      assert.ok(Date.now() - started < 20_000);
      assert.equal(metadata.error, undefined, "a stop is not an error");

      // Cancelled before it started: nothing is written, nothing fails.
      const early = new vscode.CancellationTokenSource();
      early.cancel();
      const none = await ask("Never mind.", [], { token: early.token });
      assert.equal(none.metadata.stopReason, "cancelled");
      assert.equal(none.stream.text, "");
    } finally {
      await config().update("maxTokens", 24, vscode.ConfigurationTarget.Global);
    }
  });

  it("leaves failed turns out of the history it gives the model", async () => {
    const failed = turns("Broken?", "**Hearth could not answer.** boom", { metadata: { error: true } });
    const { stream, result } = await ask("Hello", failed);
    assert.deepEqual(participant.modelHistory([...failed, ...turns("Hello", stream.text, result)]), [
      { role: "user", text: "Hello" },
      { role: "assistant", text: stream.text },
    ]);
  });

  describe("with no model installed", () => {
    let storeDir: string;

    before(async () => {
      storeDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-participant-"));
      await api.engine.unloadModel();
      await config().update("modelsPath", storeDir, vscode.ConfigurationTarget.Global);
      await api.engine.restartEngine();
    });

    after(async () => {
      await config().update("modelsPath", undefined, vscode.ConfigurationTarget.Global);
      await api.engine.restartEngine();
      fs.rmSync(storeDir, { recursive: true, force: true });
    });

    it("says so in the answer and offers the download instead of throwing", async () => {
      const { stream, metadata, result } = await ask("Hello?");
      assert.match(stream.text, /^No model is installed yet\. Download the one recommended for this machine, /);
      assert.deepEqual(
        stream.buttons.map((button) => button.command),
        ["hearth.pullRecommended", "hearth.loadModelFromFile"],
      );
      assert.ok(stream.progresses.length >= 1, "showed progress while it looked for a model");
      assert.equal(metadata.error, true);
      assert.equal(result.errorDetails, undefined);
    });
  });
});
