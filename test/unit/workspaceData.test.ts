// Conversations and the index keyed by the workspace itself (issue 15, item 1): the key, bringing
// data over from VS Code's storage folders (`<id>`, `<id>-1` …), and two windows sharing one
// history folder without losing a conversation either of them wrote.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { ChatSession } from "../../src/common/chat/chatSessions";
import { legacyStorageNames, workspaceDataKey } from "../../src/common/workspaceDataKey";
import { ChatSessionStore } from "../../src/extension/chat/chatSessionStore";
import { moveLegacyData, workspaceDataFolders } from "../../src/node/workspaceDataFolder";

function session(id: string, updatedAt: number, text: string): ChatSession {
  return { id, title: "", createdAt: updatedAt, updatedAt, messages: [{ id: "c1", role: "user", text }] };
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
}

describe("workspace data folder", () => {
  let temp: string;
  beforeEach(() => {
    temp = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-wsdata-"));
  });
  afterEach(() => {
    fs.rmSync(temp, { recursive: true, force: true });
  });

  describe("the key", () => {
    it("is the same for the same folders whatever their order, and differs for other folders", () => {
      const a = workspaceDataKey({ folders: ["file:///home/u/proj", "file:///home/u/lib"], caseInsensitive: false });
      const b = workspaceDataKey({ folders: ["file:///home/u/lib/", "file:///home/u/proj"], caseInsensitive: false });
      const c = workspaceDataKey({ folders: ["file:///home/u/other"], caseInsensitive: false });
      assert.ok(a && b && c);
      assert.equal(a.folderName, b.folderName);
      assert.notEqual(a.folderName, c.folderName);
      assert.match(a.folderName, /^lib-[0-9a-f]{16}$/);
      assert.match(c.folderName, /^other-[0-9a-f]{16}$/);
    });

    it("follows a saved .code-workspace file, not its folders; an untitled one by its folders", () => {
      const saved = workspaceDataKey({ workspaceFile: "file:///home/u/team.code-workspace", folders: ["file:///home/u/a"], caseInsensitive: false });
      const untitled = workspaceDataKey({ workspaceFile: "untitled:Untitled-1", folders: ["file:///home/u/a"], caseInsensitive: false });
      const folderOnly = workspaceDataKey({ folders: ["file:///home/u/a"], caseInsensitive: false });
      assert.match(saved!.folderName, /^team-[0-9a-f]{16}$/);
      assert.equal(untitled!.folderName, folderOnly!.folderName);
    });

    it("ignores case where the file system does, and is null with no folder open", () => {
      const upper = workspaceDataKey({ folders: ["file:///c%3A/Code/App"], caseInsensitive: true });
      const lower = workspaceDataKey({ folders: ["file:///c%3a/code/app"], caseInsensitive: true });
      assert.equal(upper!.folderName.split("-").pop(), lower!.folderName.split("-").pop());
      assert.equal(workspaceDataKey({ folders: [], caseInsensitive: false }), null);
    });

    it("makes a readable, safe folder name from names with spaces and non-ASCII", () => {
      const key = workspaceDataKey({ folders: ["file:///home/u/my%20project%20%E9%A1%B9%E7%9B%AE"], caseInsensitive: false });
      assert.match(key!.folderName, /^my_project_-[0-9a-f]{16}$/);
    });
  });

  it("finds VS Code's storage folders for the workspace: <id> and <id>-1 … <id>-9, not others", () => {
    const siblings = ["abc-2", "abc", "abcd", "abc-10", "other", "abc-1", "abc-x"];
    assert.deepEqual(legacyStorageNames("abc-1", siblings), ["abc", "abc-1", "abc-2"]);
    assert.deepEqual(legacyStorageNames("abc", siblings), ["abc", "abc-1", "abc-2"]);
  });

  it("brings every conversation and the newest index over from the old storage folders, once", async () => {
    const storage = path.join(temp, "workspaceStorage");
    const first = path.join(storage, "abc", "hearth.hearth");
    const second = path.join(storage, "abc-1", "hearth.hearth");
    writeJson(path.join(first, "chats", "s1.json"), session("s1", 100, "first window"));
    writeJson(path.join(first, "chats", "s2.json"), session("s2", 100, "old copy"));
    writeJson(path.join(second, "chats", "s2.json"), session("s2", 200, "newer copy"));
    writeJson(path.join(second, "chats", "s3.json"), session("s3", 300, "second window"));
    fs.writeFileSync(path.join(second, "chats", "broken.json"), "{not json");
    writeJson(path.join(first, "workspace-index", "index.json"), { which: "older" });
    writeJson(path.join(second, "workspace-index", "index.json"), { which: "newer" });
    const past = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(first, "workspace-index", "index.json"), past, past);

    const key = workspaceDataKey({ folders: ["file:///home/u/proj"], caseInsensitive: false })!;
    const folders = workspaceDataFolders(path.join(temp, "home"), key);
    const report = await moveLegacyData(folders, [first, second]);
    assert.deepEqual(report.problems, []);
    assert.equal(report.sources.length, 2);
    assert.equal(report.chatsCopied, 3);
    assert.equal(report.indexFrom, path.join(second, "workspace-index"));

    const chats = fs.readdirSync(folders.chats).sort();
    assert.deepEqual(chats, ["s1.json", "s2.json", "s3.json"]);
    const s2 = JSON.parse(fs.readFileSync(path.join(folders.chats, "s2.json"), "utf8")) as ChatSession;
    assert.equal(s2.messages[0]!.text, "newer copy", "the newer of two copies wins");
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(folders.index, "index.json"), "utf8")), { which: "newer" });
    // The conversations stay where they were too (nothing is lost if this version is rolled back).
    assert.ok(fs.existsSync(path.join(first, "chats", "s1.json")));
    assert.ok(fs.existsSync(path.join(second, "chats", "broken.json")), "a damaged file is left alone");

    // Once per folder: a conversation deleted here is not brought back by the next window.
    fs.rmSync(path.join(folders.chats, "s1.json"));
    const again = await moveLegacyData(folders, [first, second]);
    assert.deepEqual(again.sources, []);
    assert.ok(!fs.existsSync(path.join(folders.chats, "s1.json")));

    // A storage folder seen for the first time (a later `-2`) still counts.
    const third = path.join(storage, "abc-2", "hearth.hearth");
    writeJson(path.join(third, "chats", "s4.json"), session("s4", 400, "third window"));
    const later = await moveLegacyData(folders, [first, second, third]);
    assert.equal(later.chatsCopied, 1);
    assert.equal(later.indexFrom, null, "an index already here is kept");
  });

  it("leaves an index that is being written for next time", async () => {
    const old = path.join(temp, "ws", "abc", "hearth.hearth");
    writeJson(path.join(old, "workspace-index", "index.json"), {});
    fs.writeFileSync(path.join(old, "workspace-index", "write.lock"), "{}");
    const folders = workspaceDataFolders(path.join(temp, "home"), workspaceDataKey({ folders: ["file:///p"], caseInsensitive: false })!);
    const report = await moveLegacyData(folders, [old]);
    assert.equal(report.indexFrom, null);
    assert.equal(report.problems.length, 1);
    assert.deepEqual(report.sources, []);
    fs.rmSync(path.join(old, "workspace-index", "write.lock"));
    const next = await moveLegacyData(folders, [old]);
    assert.equal(next.indexFrom, path.join(old, "workspace-index"));
    assert.ok(fs.existsSync(path.join(folders.index, "index.json")));
  });

  describe("two windows on one history folder", () => {
    it("each sees what the other saved and deleted after a reload", async () => {
      const dir = path.join(temp, "chats");
      const one = new ChatSessionStore(dir, () => undefined);
      const two = new ChatSessionStore(dir, () => undefined);
      assert.deepEqual(await two.all(), []);
      await one.save(session("a", 10, "from window one"));
      assert.deepEqual(await two.reload(), ["a"]);
      assert.equal((await two.get("a"))?.messages[0]?.text, "from window one");
      await one.delete("a");
      assert.deepEqual(await two.reload(), ["a"]);
      assert.equal(await two.get("a"), undefined);
    });

    it("keeps both versions when both windows change one conversation", async () => {
      const dir = path.join(temp, "chats");
      const one = new ChatSessionStore(dir, () => undefined);
      const two = new ChatSessionStore(dir, () => undefined);
      await one.save(session("a", 10, "start"));
      await two.reload();
      const mine = (await one.get("a"))!;
      const theirs = structuredClone((await two.get("a"))!);
      mine.messages.push({ id: "c2", role: "assistant", text: "window one's answer" });
      mine.updatedAt = 20;
      assert.deepEqual(await one.save(mine), { savedAs: "a" });
      theirs.messages.push({ id: "c2", role: "assistant", text: "window two's answer" });
      theirs.updatedAt = 30;
      const outcome = await two.save(theirs);
      assert.notEqual(outcome.savedAs, "a", "window two's version is saved beside window one's");
      assert.equal(theirs.id, outcome.savedAs);
      const onDisk = fs.readdirSync(dir).filter((name) => name.endsWith(".json")).sort();
      assert.equal(onDisk.length, 2);
      const texts = onDisk.map((name) => (JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")) as ChatSession).messages[1]!.text).sort();
      assert.deepEqual(texts, ["window one's answer", "window two's answer"]);
      // The open conversation is not replaced by reload(); adoptSaved takes the newer saved copy.
      const three = new ChatSessionStore(dir, () => undefined);
      await three.all();
      await one.save({ ...mine, updatedAt: 40 });
      assert.ok((await three.reload("a")).includes("a"));
      assert.equal((await three.get("a"))?.updatedAt, 20, "the open conversation keeps this window's copy");
      assert.equal((await three.adoptSaved("a", 20))?.updatedAt, 40);
      assert.equal(await three.adoptSaved("a", 40), null);
      assert.ok(!fs.readdirSync(dir).some((name) => name.endsWith(".tmp") || name.endsWith(".lock")));
      assert.ok(!fs.existsSync(`${dir}.lock`));
    });
  });
});
