import * as assert from "node:assert/strict";
import type { ChatSession } from "../../src/common/chat/chatSessions";
import {
  historyOf,
  maxSessions,
  messageForView,
  newSessionId,
  parseSavedSession,
  searchSessions,
  sessionForSaving,
  sessionTitle,
  sessionsToEvict,
  titleFromText,
} from "../../src/common/chat/chatSessions";

function session(id: string, updatedAt: number, texts: Array<[ "user" | "assistant" | "notice", string]>): ChatSession {
  return {
    id,
    title: "",
    createdAt: updatedAt,
    updatedAt,
    messages: texts.map(([role, text], index) => ({ id: `c${index + 1}`, role, text })),
  };
}

describe("chat sessions", () => {
  it("titles a conversation from its first question, shortened at a word", () => {
    assert.equal(titleFromText("\n\n  How do I read a file in Rust?\nMore detail"), "How do I read a file in Rust?");
    assert.equal(titleFromText("# Heading question"), "Heading question");
    const long = titleFromText("word ".repeat(40));
    assert.ok(long.length <= 80 && long.endsWith("…"), long);
    assert.ok(!long.includes("wor…"), "cut at a word boundary");
    assert.equal(titleFromText("   "), "");
    const s = session("a", 1, [["user", "First question"], ["assistant", "answer"]]);
    assert.equal(sessionTitle(s, "Untitled"), "First question");
    assert.equal(sessionTitle(session("b", 1, []), "Untitled"), "Untitled");
    assert.equal(sessionTitle({ ...s, title: "Mine", titleFixed: true }, "Untitled"), "Mine");
  });

  it("makes ids that are safe as file names and differ", () => {
    const ids = new Set(Array.from({ length: 50 }, () => newSessionId(Date.now())));
    assert.equal(ids.size, 50);
    for (const id of ids) assert.match(id, /^[a-z0-9-]+$/);
  });

  it("searches titles and messages for every word, most recent first, with an excerpt", () => {
    const sessions = [
      session("old", 1, [["user", "How do I parse JSON in Go?"], ["assistant", "Use encoding/json and Unmarshal."]]),
      session("new", 3, [["user", "Rust lifetimes"], ["assistant", "A lifetime says how long a reference is valid."]]),
      session("mid", 2, [["user", "Go channels"], ["assistant", "Channels connect goroutines."]]),
    ];
    assert.deepEqual(searchSessions(sessions, "", "U").map((s) => s.id), ["new", "mid", "old"]);
    assert.deepEqual(searchSessions(sessions, "go", "U").map((s) => s.id), ["mid", "old"]);
    assert.deepEqual(searchSessions(sessions, "unmarshal JSON", "U").map((s) => s.id), ["old"]);
    assert.match(searchSessions(sessions, "unmarshal", "U")[0]!.match ?? "", /Unmarshal/);
    assert.deepEqual(searchSessions(sessions, "python", "U"), []);
    assert.equal(searchSessions(sessions, "", "U")[0]!.messageCount, 2);
  });

  it("saves finished messages and reads back only well-formed data", () => {
    const s = session("abc-1", 5, [["user", "q"], ["assistant", "partial"]]);
    s.messages[1]!.streaming = true;
    s.messages[0]!.prompt = "context\nq";
    const saved = JSON.parse(JSON.stringify(sessionForSaving(s)));
    assert.equal(saved.messages[1].streaming, false);
    const back = parseSavedSession(saved)!;
    assert.equal(back.id, "abc-1");
    assert.equal(back.messages[0]!.prompt, "context\nq");
    assert.equal(back.messages[1]!.text, "partial");
    for (const bad of [null, [], "x", { id: "../x", messages: [] }, { id: "ok" }, { id: 5, messages: [] }]) {
      assert.equal(parseSavedSession(bad), null, JSON.stringify(bad));
    }
    const mixed = parseSavedSession({
      id: "ok",
      messages: [
        { id: "1", role: "user", text: "fine", attachments: [{ id: "a1", kind: "file", label: "x.ts", tokens: 12 }, { id: 3 }] },
        { id: "2", role: "system", text: "not a role the view has" },
        { id: "3", role: "assistant" },
        "junk",
      ],
    })!;
    assert.equal(mixed.messages.length, 1);
    assert.equal(mixed.messages[0]!.attachments?.length, 1);
    assert.equal(mixed.updatedAt, 0);
  });

  it("evicts the least recently used conversations beyond the limit", () => {
    const many = Array.from({ length: maxSessions + 3 }, (_, i) => session(`s${i}`, i, []));
    assert.deepEqual(sessionsToEvict(many).map((s) => s.id).sort(), ["s0", "s1", "s2"]);
    assert.deepEqual(sessionsToEvict(many.slice(0, 10)), []);
  });

  it("gives the model question-answer pairs, skipping notices and lost answers, using the full prompt", () => {
    const s = session("h", 1, [
      ["user", "one"],
      ["notice", "context trimmed"],
      ["assistant", "first"],
      ["user", "lost"],
      ["notice", "engine stopped"],
      ["user", "two"],
      ["assistant", "second"],
    ]);
    s.messages[5]!.prompt = "file.ts\n```\nx\n```\n\nQuestion: two";
    assert.deepEqual(historyOf(s.messages), [
      { role: "user", text: "one" },
      { role: "assistant", text: "first" },
      { role: "user", text: "file.ts\n```\nx\n```\n\nQuestion: two" },
      { role: "assistant", text: "second" },
    ]);
  });

  it("never gives the view a question's host-only prompt", () => {
    const question = { id: "c1", role: "user" as const, text: "Why?", prompt: "Context…\n\nQuestion: Why?" };
    assert.deepEqual(messageForView(question), { id: "c1", role: "user", text: "Why?" });
    assert.equal(question.prompt, "Context…\n\nQuestion: Why?", "the message itself keeps it");
  });
});
