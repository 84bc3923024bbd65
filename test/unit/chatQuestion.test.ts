import * as assert from "node:assert/strict";
import type { ChatAttachment } from "../../src/common/chat/chatPrompt";
import { buildPrompt } from "../../src/common/chat/chatPrompt";
import {
  assembleQuestion,
  attachmentView,
  editedPrompt,
  mentionsWorkspace,
  referenceKey,
  uniqueAttachments,
  workspaceQuery,
} from "../../src/common/chat/chatQuestion";
import { parseChatReferences } from "../../src/common/chat/chatReferences";

const attachment = (id: string, kind: ChatAttachment["kind"], detail: string, content: string): ChatAttachment => ({
  id,
  kind,
  label: detail.split("/").pop()!,
  detail,
  tokens: 1,
  content,
});

describe("chat question", () => {
  it("puts the composer's chips first, then the references in the order typed, then retrieved passages", () => {
    const chip = attachment("a1", "selection", "src/main.ts:3", "const chip = 1;\n");
    const first = attachment("a2", "file", "src/first.ts", "first\n");
    const second = attachment("a3", "file", "src/second.ts", "second\n");
    const passage = attachment("workspace-1", "workspace", "docs/guide.md:1-4", "passage\n");
    const question = assembleQuestion("Why?", { attached: [chip], referenced: [first, second], retrieved: [passage] });
    assert.deepEqual(question.attachments.map((a) => a.id), ["a1", "a2", "a3", "workspace-1"]);
    assert.equal(question.prompt, buildPrompt("Why?", question.attachments));
    const order = ["const chip = 1;", "first", "second", "passage", "Question: Why?"].map((text) => question.prompt.indexOf(text));
    assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)), question.prompt);
  });

  it("is the question alone with no context", () => {
    assert.deepEqual(assembleQuestion("Hello", { attached: [], referenced: [], retrieved: [] }), { attachments: [], prompt: "Hello" });
  });

  it("keeps the same file twice when the ranges differ, and the exact same one once", () => {
    const a = attachment("a1", "selection", "src/a.ts:1-3", "x");
    const b = attachment("a2", "selection", "src/a.ts:5", "y");
    const again = attachment("a3", "selection", "src/a.ts:1-3", "x");
    assert.deepEqual(uniqueAttachments([a, b, again]).map((found) => found.id), ["a1", "a2"]);
    const noDetail = { id: "n", kind: "file" as const, label: "notes.md", tokens: 0, content: "" };
    assert.deepEqual(uniqueAttachments([noDetail, { ...noDetail, id: "m" }]).map((found) => found.id), ["n"]);
  });

  it("reads @workspace as a word of its own, and searches for the rest of the message", () => {
    assert.equal(mentionsWorkspace("@workspace where is the store?"), true);
    assert.equal(mentionsWorkspace("where is it? @workspace"), true);
    assert.equal(mentionsWorkspace("mail me@workspace.dev"), false);
    assert.equal(workspaceQuery("@workspace where is the store?"), "where is the store?");
    assert.equal(workspaceQuery("@workspace"), "@workspace", "nothing else: the whole message");
  });

  it("tells an edit that asks for other context from one that does not", () => {
    const key = (text: string): string => referenceKey(parseChatReferences(text), text);
    assert.equal(key("Explain #file:a.ts"), key("What does #file:a.ts do?"));
    assert.notEqual(key("Explain #file:a.ts"), key("Explain #file:b.ts"));
    assert.notEqual(key("Explain #file:a.ts"), key("Explain #file:a.ts:1-4"));
    assert.notEqual(key("Explain this"), key("@workspace Explain this"));
  });

  it("keeps an edited question's context and replaces only the question", () => {
    const prompt = buildPrompt("Old question", [attachment("a1", "file", "src/a.ts", "x\n")]);
    assert.equal(editedPrompt(prompt, "Old question", "New one"), buildPrompt("New one", [attachment("a1", "file", "src/a.ts", "x\n")]));
  });

  it("shows an attachment as a chip without its content", () => {
    const view = attachmentView({ ...attachment("a1", "file", "src/a.ts", "secret"), approximate: true, language: "ts" });
    assert.deepEqual(view, { id: "a1", kind: "file", label: "a.ts", tokens: 1, approximate: true, detail: "src/a.ts" });
    assert.deepEqual(attachmentView({ id: "b", kind: "workspace", label: "x", tokens: 2, content: "" }), { id: "b", kind: "workspace", label: "x", tokens: 2 });
  });
});
