// Model references and the catalogue: parsing, store names, download URLs, recommendations.
import * as assert from "node:assert/strict";
import { isEngineError } from "../../src/common/engine/engineError";
import {
  catalogueAliases,
  findCatalogueEntry,
  modelCatalogue,
  recommendationReason,
  recommendModel,
  resolveDownload,
} from "../../src/common/models/modelCatalogue";
import {
  formatModelReference,
  modelNameFromFileName,
  normalizeModelName,
  parseModelName,
  parseModelReference,
  storeNameForReference,
  tryParseModelName,
} from "../../src/common/models/modelName";

const GiB = 1024 ** 3;

function assertBadRequest(action: () => unknown): void {
  assert.throws(action, (error: unknown) => isEngineError(error, "badRequest") && error.message.length > 20);
}

describe("model names", () => {
  it("parses family:tag, lower-cases it and defaults the tag to latest", () => {
    assert.deepEqual(parseModelName("Qwen2.5-Coder:1.5B"), { family: "qwen2.5-coder", tag: "1.5b" });
    assert.equal(normalizeModelName("qwen2.5-coder"), "qwen2.5-coder:latest");
    assert.equal(normalizeModelName("library/bge-m3:567m"), "library/bge-m3:567m");
    assert.equal(normalizeModelName("my_model:q4_k_m"), "my_model:q4_k_m");
  });

  it("rejects invalid names with a message that shows a valid one", () => {
    for (const bad of ["", " ", "-model", "mo del", "a:b:c", "../x", "a//b", "x:", "x:-tag", "a/b/c/d", "host:8080/x"]) {
      assertBadRequest(() => parseModelName(bad));
      assert.equal(bad.trim() === "" ? null : tryParseModelName(bad), null, bad);
    }
    assert.throws(() => parseModelName("mo del"), /qwen2\.5-coder:1\.5b/);
  });

  it("tells references apart", () => {
    assert.deepEqual(parseModelReference("hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"), {
      kind: "huggingFace",
      repo: "Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
      file: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
      revision: undefined,
    });
    assert.deepEqual(parseModelReference("hf:owner/repo/sub/dir/model.gguf@refs/pr/1"), {
      kind: "huggingFace",
      repo: "owner/repo",
      file: "sub/dir/model.gguf",
      revision: "refs/pr/1",
    });
    assert.deepEqual(parseModelReference("ms:Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"), {
      kind: "modelScope",
      repo: "Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF",
      file: "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
      revision: undefined,
    });
    assert.deepEqual(parseModelReference("https://example.com/models/x.gguf?download=true"), {
      kind: "url",
      url: "https://example.com/models/x.gguf?download=true",
    });
    assert.deepEqual(parseModelReference("./models/My Model.GGUF"), { kind: "path", path: "./models/My Model.GGUF" });
    assert.deepEqual(parseModelReference("C:\\models\\x.gguf"), { kind: "path", path: "C:\\models\\x.gguf" });
    assert.deepEqual(parseModelReference("qwen2.5-coder:7b"), { kind: "name", name: { family: "qwen2.5-coder", tag: "7b" } });
    assert.equal(formatModelReference(parseModelReference("huggingface:o/r/f.gguf@v1")), "hf:o/r/f.gguf@v1");
  });

  it("rejects malformed references", () => {
    for (const bad of ["hf:owner/file.gguf", "hf:owner/repo/file.bin", "hf:o/r/../f.gguf", "ms:o/r", "https://example.com/model.bin", "ftp://x/y.gguf", "hf:o/r/f.gguf@"]) {
      assertBadRequest(() => parseModelReference(bad));
    }
  });

  it("derives store names from file names", () => {
    assert.equal(
      storeNameForReference(parseModelReference("hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")),
      "qwen2.5-coder-1.5b-instruct:q4_k_m",
    );
    assert.deepEqual(modelNameFromFileName("Llama-3.2-3B-Instruct.Q8_0.gguf"), { family: "llama-3.2-3b-instruct", tag: "q8_0" });
    assert.deepEqual(modelNameFromFileName("bge-m3-F16.gguf"), { family: "bge-m3", tag: "f16" });
    assert.deepEqual(modelNameFromFileName("/x/y/Model-IQ3_XXS.gguf"), { family: "model", tag: "iq3_xxs" });
    assert.deepEqual(modelNameFromFileName("qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf"), { family: "qwen2.5-7b-instruct", tag: "q4_k_m" });
    assert.deepEqual(modelNameFromFileName("tiny-llama.gguf"), { family: "tiny-llama", tag: "latest" });
    assert.deepEqual(modelNameFromFileName("Weird Name (v2)!.gguf"), { family: "weird-name-v2", tag: "latest" });
    assert.equal(storeNameForReference(parseModelReference("https://h/x/My%20Model-Q4_K_M.gguf")), "my-model:q4_k_m");
  });
});

describe("model catalogue", () => {
  it("has well-formed entries for code, chat, embedding and reranking", () => {
    for (const purpose of ["code", "chat", "embedding", "reranker"] as const) {
      assert.ok(modelCatalogue.some((entry) => entry.purpose === purpose), purpose);
    }
    for (const entry of modelCatalogue) {
      assert.equal(normalizeModelName(entry.name), entry.name);
      assert.match(entry.source.file, /\.gguf$/);
      assert.ok(entry.approxSizeBytes > 0 && entry.minMemoryBytes > entry.approxSizeBytes, entry.name);
      if (entry.sha256 !== undefined) assert.match(entry.sha256, /^[0-9a-f]{64}$/);
    }
    for (const target of Object.values(catalogueAliases)) assert.ok(findCatalogueEntry(target), target);
    assert.equal(findCatalogueEntry("qwen2.5-coder:latest")?.name, "qwen2.5-coder:1.5b");
  });

  it("recommends the largest model that fits the memory where a GPU runs it", () => {
    const gpu = (memory: number) => ({ totalMemoryBytes: memory, physicalCores: 4, hasGpu: true });
    assert.equal(recommendModel("code", gpu(1 * GiB)), null);
    assert.equal(recommendModel("code", gpu(3 * GiB))?.name, "qwen2.5-coder:0.5b");
    assert.equal(recommendModel("code", gpu(8 * GiB))?.name, "qwen2.5-coder:1.5b");
    assert.equal(recommendModel("code", gpu(32 * GiB))?.name, "qwen2.5-coder:7b");
    assert.equal(recommendModel("embedding", gpu(8 * GiB))?.purpose, "embedding");
    assert.equal(recommendModel("reranker", gpu(8 * GiB))?.name, "bge-reranker-v2-m3:568m");
  });

  it("recommends from the CPU too when no GPU runs the model, and says why", () => {
    // The new user's machine: 2 cores, 24 GB, no GPU. Memory allows the 7B model; the CPU does not.
    const small = { totalMemoryBytes: 24 * GiB, physicalCores: 2, hasGpu: null };
    const code = recommendModel("code", small);
    assert.equal(code?.name, "qwen2.5-coder:1.5b");
    assert.match(recommendationReason(code!, small), /2 CPU cores and 24 GB/);
    assert.equal(recommendModel("code", { ...small, physicalCores: 8, hasGpu: false })?.name, "qwen2.5-coder:1.5b");
    assert.equal(recommendModel("chat", { ...small, physicalCores: 8, hasGpu: false })?.name, "qwen2.5:3b");
    assert.equal(recommendModel("code", { ...small, physicalCores: 16, hasGpu: false })?.name, "qwen2.5-coder:7b");
    // Embeddings and rankings run in short bursts: memory alone decides them.
    assert.equal(recommendModel("reranker", small)?.name, "bge-reranker-v2-m3:568m");
    const roomy = { totalMemoryBytes: 32 * GiB, physicalCores: 16, hasGpu: false };
    assert.match(recommendationReason(recommendModel("code", roomy)!, roomy), /largest one that fits 32 GB/);
  });

  it("resolves references to download URLs on the chosen endpoints", () => {
    const byName = resolveDownload("qwen2.5-coder:1.5b", { huggingFaceEndpoint: "https://hf-mirror.com/" });
    assert.equal(
      byName.url,
      "https://hf-mirror.com/Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/resolve/main/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    );
    assert.equal(byName.suggestedName, "qwen2.5-coder:1.5b");
    assert.equal(byName.expectedSha256, findCatalogueEntry("qwen2.5-coder:1.5b")?.sha256);
    assert.equal(byName.source.kind, "catalogue");
    assert.equal(resolveDownload("qwen2.5-coder").suggestedName, "qwen2.5-coder:1.5b");

    const hf = resolveDownload("hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf");
    assert.equal(hf.url, "https://huggingface.co/Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/resolve/main/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf");
    assert.equal(hf.suggestedName, "qwen2.5-coder-1.5b-instruct:q4_k_m");
    assert.equal(hf.catalogueEntry?.name, "qwen2.5-coder:1.5b");

    const revision = resolveDownload("hf:o/r/dir/m-Q4_K_M.gguf@refs/pr/2");
    assert.equal(revision.url, "https://huggingface.co/o/r/resolve/refs%2Fpr%2F2/dir/m-Q4_K_M.gguf");
    assert.equal(revision.expectedSha256, undefined);

    const ms = resolveDownload("ms:Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf");
    assert.equal(ms.url, "https://modelscope.cn/models/Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF/resolve/master/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf");
    assert.equal(
      resolveDownload("ms:a/b/c.gguf", { modelScopeEndpoint: "http://127.0.0.1:9" }).url,
      "http://127.0.0.1:9/models/a/b/resolve/master/c.gguf",
    );

    assert.equal(resolveDownload("http://127.0.0.1:1/x/y-f16.gguf").suggestedName, "y:f16");
  });

  it("explains unknown names and local paths", () => {
    assert.throws(() => resolveDownload("no-such-model:1b"), (error: unknown) => isEngineError(error, "modelNotFound") && /hf:owner/.test(error.message));
    assert.throws(() => resolveDownload("./local.gguf"), (error: unknown) => isEngineError(error, "badRequest") && /import/.test(error.message));
  });
});
