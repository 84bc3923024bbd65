// The Models view's rows, without VS Code: grouping, matching pulls to partial files, what a
// resumable download resumes from, the catalogue rows and what fits, and the number formats.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { LoadedModelInfo, StoreListResult } from "../../src/common/engine/engineProtocol";
import { formatBytes } from "../../src/common/formatBytes";
import { modelCatalogue, recommendModel, resolveDownload } from "../../src/common/models/modelCatalogue";
import type { ModelManifest, StoredModel } from "../../src/common/models/modelManifest";
import {
  buildModelsOverview,
  downloadPercent,
  fileNameOfUrl,
  formatDuration,
  formatParameterCount,
  huggingFacePageFor,
  referenceForDownloadUrl,
} from "../../src/common/models/modelsOverview";
import { repoRoot } from "../support/engineHarness";

const GiB = 1024 ** 3;
const sha = (digit: string): string => digit.repeat(64);

function manifest(name: string, sha256: string, sizeBytes = 1000): ModelManifest {
  return {
    schemaVersion: 1,
    name,
    blob: `sha256-${sha256}`,
    sizeBytes,
    sha256,
    source: { kind: "file", uri: `/models/${name}.gguf` },
    storage: "copy",
    createdAt: "2024-01-01T00:00:00.000Z",
    gguf: {
      name: null,
      architecture: "llama",
      parameters: 1_500_000_000,
      quantization: "Q4_K_M",
      contextLength: 32768,
      license: "apache-2.0",
      hasChatTemplate: true,
      embeddingLength: 1536,
      poolingType: null,
      supportsRanking: false,
    },
    purpose: "code",
  };
}

function stored(name: string, sha256: string, sizeBytes = 1000): StoredModel {
  return {
    name,
    status: "ok",
    manifest: manifest(name, sha256, sizeBytes),
    manifestPath: `/store/models/manifests/${name.replace(":", "/")}.json`,
    blobPath: `/store/models/blobs/sha256-${sha256}`,
    problem: null,
  };
}

function storeList(models: StoredModel[], partials: StoreListResult["partials"] = []): StoreListResult {
  return {
    root: "/store",
    models,
    partials,
    usage: { root: "/store", blobBytes: 0, partialBytes: 0, models: models.length, freeBytes: null },
  };
}

function loadedModel(modelPath: string, storeName: string | null): LoadedModelInfo {
  return {
    modelId: "m1",
    modelPath,
    storeName,
    name: storeName ?? "tiny",
    architecture: "llama",
    sizeBytes: 1000,
    contextSize: 4096,
    trainContextSize: 32768,
    threads: 4,
    gpuLayers: 0,
    hasChatTemplate: true,
    chatWrapper: "",
    supportsRanking: false,
    supportsInfill: false,
    memory: { cpuRam: 3000, gpuVram: 500 },
    loadedAt: 1_700_000_000_000,
  };
}

const endpoints = { huggingFaceEndpoint: "https://hf-mirror.com", modelScopeEndpoint: "https://modelscope.cn" };

describe("models overview", () => {
  it("is empty (the welcome shows) only when the store was read and holds nothing", () => {
    const base = { loaded: [], pulls: [], machine: { totalMemoryBytes: 8 * GiB, physicalCores: 8, hasGpu: null }, endpoints };
    assert.equal(buildModelsOverview({ ...base, store: null }).empty, false, "unknown is not empty");
    assert.equal(buildModelsOverview({ ...base, store: storeList([]) }).empty, true);
    assert.equal(buildModelsOverview({ ...base, store: storeList([stored("a:b", sha("1"))]) }).empty, false);
  });

  it("marks installed models that are loaded, by store name or by file, and files shared between names", () => {
    const a = stored("tiny:test", sha("a"));
    const b = stored("tiny:copy", sha("a"));
    const c = stored("other:latest", sha("c"));
    const overview = buildModelsOverview({
      store: storeList([a, b, c]),
      loaded: [loadedModel(c.blobPath!, null)],
      pulls: [],
      machine: { totalMemoryBytes: 8 * GiB, physicalCores: 8, hasGpu: null },
      endpoints,
    });
    assert.deepEqual(
      overview.installed.map((row) => [row.stored.name, row.loaded !== null, row.sharesFileWith]),
      [
        ["tiny:test", false, ["tiny:copy"]],
        ["tiny:copy", false, ["tiny:test"]],
        ["other:latest", true, []],
      ],
    );
    assert.equal(overview.loaded.length, 1);
    assert.equal(overview.loaded[0]!.installedName, "other:latest", "a file loaded by path is still known by its name");
    assert.equal(overview.loaded[0]!.memoryBytes, 3500);
  });

  it("lists catalogue models not installed, marking the ones that fit and the suggested one per purpose", () => {
    const installedEntry = modelCatalogue.find((entry) => entry.name === "qwen2.5-coder:0.5b")!;
    // Installed under another name but with the catalogue file's checksum: not offered again.
    const sameFile = stored("my-coder:q4", installedEntry.sha256!);
    const overview = buildModelsOverview({
      store: storeList([sameFile]),
      loaded: [],
      pulls: [],
      machine: { totalMemoryBytes: 8 * GiB, physicalCores: 8, hasGpu: null },
      endpoints,
    });
    const names = overview.recommended.map((row) => row.entry.name);
    assert.ok(!names.includes("qwen2.5-coder:0.5b"));
    const coder7b = overview.recommended.find((row) => row.entry.name === "qwen2.5-coder:7b")!;
    assert.equal(coder7b.fits, false, "7B wants 10 GiB");
    const suggestedCode = overview.recommended.filter((row) => row.suggested && row.entry.purpose === "code");
    assert.deepEqual(suggestedCode.map((row) => row.entry.name), [recommendModel("code", { totalMemoryBytes: 8 * GiB, physicalCores: 8, hasGpu: null })!.name]);
    assert.ok(overview.recommended.filter((row) => row.suggested).every((row) => row.reason !== null), "each suggestion says why");
  });

  it("matches this window's pulls to their partial files and lists the others as elsewhere or interrupted", () => {
    const coder = resolveDownload("qwen2.5-coder:1.5b", endpoints);
    const hfUrl = "https://hf-mirror.com/someone/Some-GGUF/resolve/main/some-model-q8_0.gguf";
    const store = storeList(
      [],
      [
        { path: "/p/1", url: coder.url, completedBytes: 100, totalBytes: 1000, active: true, startedAt: "" },
        { path: "/p/2", url: hfUrl, completedBytes: 250, totalBytes: 1000, active: false, startedAt: "" },
        { path: "/p/3", url: "https://example.com/x.gguf", completedBytes: 5, totalBytes: null, active: true, startedAt: "" },
      ],
    );
    const overview = buildModelsOverview({
      store,
      loaded: [],
      pulls: [
        {
          id: "pull-1",
          reference: "qwen2.5-coder:1.5b",
          name: "qwen2.5-coder:1.5b",
          progress: {
            phase: "downloading",
            name: "qwen2.5-coder:1.5b",
            completedBytes: 420,
            totalBytes: 1000,
            bytesPerSecond: 50,
            etaSeconds: 12,
          },
        },
      ],
      machine: { totalMemoryBytes: 8 * GiB, physicalCores: 8, hasGpu: null },
      endpoints,
    });
    assert.deepEqual(
      overview.downloads.map((row) => [row.id, row.label, row.reference, row.percent, row.state]),
      [
        ["pull-1", "qwen2.5-coder:1.5b", "qwen2.5-coder:1.5b", 42, "pulling"],
        ["/p/2", "some-model-q8_0.gguf", "hf:someone/Some-GGUF/some-model-q8_0.gguf", 25, "interrupted"],
        ["/p/3", "x.gguf", "https://example.com/x.gguf", null, "elsewhere"],
      ],
    );
    assert.ok(
      !overview.recommended.some((row) => row.entry.name === "qwen2.5-coder:1.5b"),
      "a catalogue model being pulled is not offered again",
    );
    assert.equal(overview.empty, false);
  });

  it("resumes a download by catalogue name, hf:/ms: reference (revision kept) or URL", () => {
    const catalogueUrl = resolveDownload("bge-m3:567m", endpoints).url;
    assert.equal(referenceForDownloadUrl(catalogueUrl, endpoints), "bge-m3:567m");
    assert.equal(
      referenceForDownloadUrl("https://hf-mirror.com/a/b/resolve/v1.0/dir/m%20x.gguf", endpoints),
      "hf:a/b/dir/m x.gguf@v1.0",
    );
    assert.equal(
      referenceForDownloadUrl("https://modelscope.cn/models/qwen/Qwen-GGUF/resolve/master/q.gguf", endpoints),
      "ms:qwen/Qwen-GGUF/q.gguf",
    );
    assert.equal(referenceForDownloadUrl("http://127.0.0.1:9/files/t.gguf", endpoints), "http://127.0.0.1:9/files/t.gguf");
    assert.equal(fileNameOfUrl("http://h/a/b%20c.gguf?x=1"), "b c.gguf");
  });

  it("finds a reference's Hugging Face page on the configured endpoint", () => {
    assert.equal(huggingFacePageFor("qwen2.5-coder:1.5b", endpoints), "https://hf-mirror.com/Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF");
    assert.equal(huggingFacePageFor("hf:owner/repo/file.gguf", {}), "https://huggingface.co/owner/repo");
    assert.equal(huggingFacePageFor("https://example.com/x.gguf", endpoints), null);
    assert.equal(huggingFacePageFor("ms:owner/repo/file.gguf", endpoints), null);
  });

  it("formats percentages, parameter counts and durations", () => {
    assert.equal(downloadPercent(999, 1000), 99, "100 only when complete");
    assert.equal(downloadPercent(1000, 1000), 100);
    assert.equal(downloadPercent(5, null), null);
    assert.equal(formatParameterCount(1_543_714_304), "1.5B");
    assert.equal(formatParameterCount(494_032_768), "494M");
    assert.equal(formatParameterCount(7_615_616_512), "7.6B");
    assert.equal(formatParameterCount(0), "?");
    assert.equal(formatDuration(42), "0:42");
    assert.equal(formatDuration(725), "12:05");
    assert.equal(formatDuration(3723), "1:02:03");
  });

  it("keeps the Models view's welcome links in step with the catalogue", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
      contributes: { viewsWelcome: Array<{ view: string; contents: string; when: string }> };
    };
    const nls = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.nls.json"), "utf8")) as Record<string, string>;
    const codeModels = modelCatalogue.filter((entry) => entry.purpose === "code");
    for (const entry of codeModels) {
      const welcome = pkg.contributes.viewsWelcome.find((item) => item.when.includes(`'${entry.name}'`));
      assert.ok(welcome, `a welcome for ${entry.name}`);
      const text = nls[/^%(.+)%$/.exec(welcome.contents)![1]!]!;
      assert.ok(text.includes(`${entry.name} (${formatBytes(entry.approxSizeBytes)})`), text);
      assert.ok(text.includes("command:hearth.pullRecommended") && text.includes("command:hearth.loadModelFromFile"));
    }
  });
});
