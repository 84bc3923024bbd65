// Licence bookkeeping (src/common/models/licenceAcceptance.ts) and the plain-TypeScript SHA-256 under it.
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  emptyLicenceRecord,
  hasAcceptedLicence,
  licenceFingerprint,
  licenceTextOf,
  parseLicenceRecord,
  withAcceptedLicence,
} from "../../src/common/models/licenceAcceptance";
import type { ModelManifest } from "../../src/common/models/modelManifest";
import { sha256Hex } from "../../src/common/sha256";

function nodeSha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function manifestWith(license: string[] | null): ModelManifest {
  return {
    schemaVersion: 1,
    name: "licensed:test",
    blob: `sha256-${"a".repeat(64)}`,
    sizeBytes: 1,
    sha256: "a".repeat(64),
    source: { kind: "file", uri: "/models/base.gguf" },
    storage: "hardLink",
    createdAt: "2024-01-01T00:00:00.000Z",
    gguf: null,
    purpose: "chat",
    ...(license ? { profile: { from: "./base.gguf", parameters: {}, messages: [], adapters: [], license } } : {}),
  };
}

describe("sha256Hex", () => {
  it("matches node:crypto on empty, short, multi-byte and block-boundary texts", () => {
    const texts = ["", "abc", "MIT License\n\nCopyright (c) 2024", "许可证：非商业用途 ✓ 🚀", "x".repeat(1000)];
    // 55, 56, 63, 64 and 119 bytes: where the padding spills into another block.
    for (const length of [55, 56, 63, 64, 65, 119, 120]) texts.push("y".repeat(length));
    for (const text of texts) assert.equal(sha256Hex(text), nodeSha256(text), `length ${text.length}`);
    assert.equal(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("licence acceptance", () => {
  it("reads a profile's LICENSE blocks as one text, and none from a plain model", () => {
    assert.equal(licenceTextOf(manifestWith(["MIT License\r\n\r\nCopyright", "  Also this.  "])), "MIT License\n\nCopyright\n\nAlso this.");
    assert.equal(licenceTextOf(manifestWith(null)), null);
    assert.equal(licenceTextOf(manifestWith([])), null);
    assert.equal(licenceTextOf(manifestWith(["   "])), null, "blank LICENSE lines carry no licence");
    assert.equal(licenceTextOf(null), null);
  });

  it("fingerprints the text with SHA-256, blind to line endings and surrounding space", () => {
    assert.equal(licenceFingerprint("MIT"), nodeSha256("MIT"));
    assert.equal(licenceFingerprint("a\r\nb\n"), licenceFingerprint("a\nb"));
    assert.notEqual(licenceFingerprint("a b"), licenceFingerprint("a  b"));
  });

  it("remembers an acceptance per model name and licence text", () => {
    let record = emptyLicenceRecord();
    assert.equal(hasAcceptedLicence(record, "a:latest", "MIT"), false);
    record = withAcceptedLicence(record, "a:latest", "MIT", new Date("2024-05-01T10:00:00Z"));
    assert.equal(hasAcceptedLicence(record, "a:latest", "MIT"), true);
    assert.equal(hasAcceptedLicence(record, "a:latest", "MIT\r\n"), true);
    assert.equal(hasAcceptedLicence(record, "b:latest", "MIT"), false, "another model asks for itself");
    assert.equal(hasAcceptedLicence(record, "a:latest", "Apache-2.0"), false, "a changed licence asks again");
    assert.deepEqual(record.accepted, [{ name: "a:latest", sha256: nodeSha256("MIT"), acceptedAt: "2024-05-01T10:00:00.000Z" }]);

    record = withAcceptedLicence(record, "b:latest", "MIT");
    record = withAcceptedLicence(record, "a:latest", "Apache-2.0");
    assert.deepEqual(record.accepted.map((entry) => entry.name), ["b:latest", "a:latest"], "a name keeps only its latest acceptance");
    assert.equal(hasAcceptedLicence(record, "a:latest", "MIT"), false);
    assert.equal(hasAcceptedLicence(record, "a:latest", "Apache-2.0"), true);
  });

  it("reads a stored record back, and anything unreadable as nothing accepted", () => {
    const record = withAcceptedLicence(emptyLicenceRecord(), "a:latest", "MIT");
    assert.deepEqual(parseLicenceRecord(JSON.parse(JSON.stringify(record))), record);
    assert.deepEqual(parseLicenceRecord(undefined), emptyLicenceRecord());
    assert.deepEqual(parseLicenceRecord("text"), emptyLicenceRecord());
    assert.deepEqual(parseLicenceRecord({ accepted: "no" }), emptyLicenceRecord());
    assert.deepEqual(
      parseLicenceRecord({ accepted: [{ name: "a:latest" }, null, { name: "b:latest", sha256: "x", acceptedAt: "t", extra: 1 }] }),
      { version: 1, accepted: [{ name: "b:latest", sha256: "x", acceptedAt: "t" }] },
    );
  });
});
