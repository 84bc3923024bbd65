import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findCatalogueEntry, modelCatalogue, recommendModel } from "../../src/common/models/modelCatalogue";
import { applyCustomCatalogue } from "../../src/node/customCatalogue";

const entry = {
  name: "team-coder:q4",
  purpose: "code",
  source: { repo: "acme/team-coder-GGUF", file: "team-coder-q4_k_m.gguf" },
  approxSizeBytes: 1000,
  minMemoryBytes: 1,
  license: "apache-2.0",
  sha256: "A".repeat(64),
  recommended: true,
};

describe("custom model catalogue (hearth.catalogueFile)", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-catalogue-"))));
  afterEach(() => {
    applyCustomCatalogue("");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("adds entries, replaces same-named built-ins, and its recommended entry comes first", () => {
    const builtInCount = modelCatalogue.length;
    const replaced = { ...entry, name: "qwen2.5-coder:1.5b", recommended: false, sha256: undefined };
    const file = path.join(dir, "catalogue.json");
    fs.writeFileSync(file, JSON.stringify([entry, replaced]));
    assert.equal(applyCustomCatalogue(file), null);
    assert.equal(modelCatalogue.length, builtInCount + 1);
    assert.equal(findCatalogueEntry("team-coder:q4")?.sha256, "a".repeat(64));
    assert.equal(findCatalogueEntry("qwen2.5-coder:1.5b")?.source.repo, "acme/team-coder-GGUF");
    assert.equal(recommendModel("code", { totalMemoryBytes: 64 * 1024 ** 3, physicalCores: 16, hasGpu: null })?.name, "team-coder:q4");
    assert.equal(applyCustomCatalogue(""), null);
    assert.equal(modelCatalogue.length, builtInCount);
    assert.equal(findCatalogueEntry("team-coder:q4"), undefined);
  });

  it("explains a missing or invalid file and keeps the built-in catalogue", () => {
    const builtInCount = modelCatalogue.length;
    assert.match(applyCustomCatalogue(path.join(dir, "nope.json")) ?? "", /could not read the model catalogue/);
    const bad = path.join(dir, "bad.json");
    for (const content of ["{ not json", "{}", JSON.stringify([{ ...entry, purpose: "poetry" }]), JSON.stringify([{ ...entry, sha256: "xyz" }]), JSON.stringify([{ ...entry, source: { repo: "a/b", file: "x.bin" } }])]) {
      fs.writeFileSync(bad, content);
      assert.match(applyCustomCatalogue(bad) ?? "", /is not valid/, content);
      assert.equal(modelCatalogue.length, builtInCount);
    }
  });
});
