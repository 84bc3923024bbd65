// Profile benchmarks (issue 7), each printed as a ratio against a baseline measured in the same run:
//  1. creating a profile from a Modelfile (parse, validate, find the installed base, write the
//     manifest) vs copying the base model's manifest under a new name (`hearth cp`), the least any
//     new name costs;
//  2. first-token latency of a profile with SYSTEM, two MESSAGEs and a ChatML TEMPLATE vs its base
//     model, same question: cold (the model just loaded, nothing in its KV cache) and warm (a
//     second question right after, so the system prompt and seeded messages come from the cache).
// Runs alternate between the two sides and report medians, so a noisy neighbour hurts both.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { GenerateResult } from "../src/common/chat/chatTypes";
import { LlamaEngine } from "../src/engine/llama/llamaEngine";
import { ensureFixtureModels } from "../test/fixtures/fixtureModels";
import { repoRoot, sharedStoriesModel } from "../test/support/engineHarness";
import { createModel, engineStoreScope, removeModel } from "../src/engine/models/storeOperations";
import { benchModels, median } from "./support/benchSupport";

// On the models HEARTH_BENCH_SIZE picks (bench/support/benchSupport.ts: tiny or realistic shapes).
const realistic = process.env.HEARTH_BENCH_SIZE === "realistic";
const rounds = Number(process.env.HEARTH_BENCH_ROUNDS) || (realistic ? 3 : 5);
const createRounds = rounds * 4;
let threads = 1;

const chatMl = `{{- if .System }}<|im_start|>system
{{ .System }}<|im_end|>
{{ end }}
{{- range $i, $m := .Messages }}
{{- $last := eq (len (slice $.Messages $i)) 1 -}}
{{- if eq .Role "user" }}<|im_start|>user
{{ .Content }}<|im_end|>
{{ else if eq .Role "assistant" }}<|im_start|>assistant
{{ .Content }}{{ if not $last }}<|im_end|>
{{ end }}
{{- end }}
{{- if and (ne .Role "assistant") $last }}<|im_start|>assistant
{{ end }}
{{- end }}`;

function modelfile(base: string): string {
  return [
    `FROM ${base}`,
    "PARAMETER temperature 0",
    "PARAMETER num_predict 8",
    "PARAMETER num_thread 1",
    'SYSTEM """You review code for a small team. Answer in two sentences, name the file and line you mean, and say what to change."""',
    "MESSAGE user Is this loop right? for (let i = 0; i <= items.length; i++) total += items[i];",
    "MESSAGE assistant It reads one past the end: use i < items.length, or total = items.reduce((a, b) => a + b, 0).",
    `TEMPLATE """${chatMl}"""`,
    "",
  ].join("\n");
}

interface FirstToken {
  model: string;
  coldRatio: number;
  warmRatio: number;
  baseCold: number;
  profileCold: number;
  baseWarm: number;
  profileWarm: number;
  basePromptTokens: number;
  profilePromptTokens: number;
  baseWarmEvaluated: number;
  profileWarmEvaluated: number;
}

async function firstToken(engine: LlamaEngine, base: string, profile: string, label: string): Promise<FirstToken> {
  const cold: Record<"base" | "profile", number[]> = { base: [], profile: [] };
  const warm: Record<"base" | "profile", number[]> = { base: [], profile: [] };
  const promptTokens = { base: 0, profile: 0 };
  const warmEvaluated = { base: 0, profile: 0 };
  const ask = async (name: string, question: string): Promise<GenerateResult> => {
    const info = engine.listModels().find((model) => model.storeName === name)!;
    return engine.generate({ modelId: info.modelId, prompt: question, mode: "chat", options: { maxTokens: 8, temperature: 0 } }, () => undefined);
  };
  const time = (result: GenerateResult): number => result.usage.firstTokenMs ?? result.usage.durationMs;
  for (let round = -1; round < rounds; round++) {
    for (const side of round % 2 === 0 ? (["base", "profile"] as const) : (["profile", "base"] as const)) {
      const name = side === "base" ? base : profile;
      // A fresh load: nothing of this model in any KV cache.
      for (const loaded of engine.listModels()) await engine.unloadModel(loaded.modelId);
      await engine.loadModel({ model: name, threads, contextSize: 1024 });
      const first = await ask(name, `Round ${round}: what does this function return when the list is empty?`);
      const second = await ask(name, `Round ${round}: and when it holds one item?`);
      if (round < 0) continue; // warm-up
      cold[side].push(time(first));
      warm[side].push(time(second));
      promptTokens[side] = first.usage.promptTokens;
      warmEvaluated[side] = second.usage.evaluatedPromptTokens;
    }
  }
  for (const loaded of engine.listModels()) await engine.unloadModel(loaded.modelId);
  return {
    model: label,
    coldRatio: median(cold.profile) / median(cold.base),
    warmRatio: median(warm.profile) / median(warm.base),
    baseCold: median(cold.base),
    profileCold: median(cold.profile),
    baseWarm: median(warm.base),
    profileWarm: median(warm.profile),
    basePromptTokens: promptTokens.base,
    profilePromptTokens: promptTokens.profile,
    baseWarmEvaluated: warmEvaluated.base,
    profileWarmEvaluated: warmEvaluated.profile,
  };
}

async function main(): Promise<void> {
  const chosen = await benchModels();
  threads = chosen.threads;
  const fixtures = await ensureFixtureModels();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-profile-bench-"));
  const engine = new LlamaEngine({ gpu: false, defaultThreads: threads, storeRoot: path.join(dir, "store") });
  try {
    const models = chosen.size === "realistic" ? [{ file: chosen.chat, name: "shape:bench" }] : [{ file: fixtures.llama, name: "tiny-llama:bench" }];
    if (chosen.size === "tiny" && fs.existsSync(sharedStoriesModel)) models.push({ file: sharedStoriesModel, name: "stories:bench" });
    for (const model of models) await engine.store.importFile(model.file, model.name, { mode: "link" });
    console.log(`Hearth profile benchmark — ${chosen.label}, ${rounds} rounds (${createRounds} for create)`);

    // 1. hearth create vs hearth cp, same base, the store kept the same size.
    const base = models[0]!.name;
    const text = modelfile(base);
    const createMs: number[] = [];
    const copyMs: number[] = [];
    for (let round = -2; round < createRounds; round++) {
      let started = performance.now();
      await createModel(engineStoreScope(engine), { name: "bench-profile:latest", modelfile: text, baseDir: dir }, () => undefined);
      const created = performance.now() - started;
      started = performance.now();
      await engine.store.copy(base, "bench-copy:latest");
      const copied = performance.now() - started;
      await removeModel(engineStoreScope(engine), { name: "bench-profile:latest" });
      await removeModel(engineStoreScope(engine), { name: "bench-copy:latest" });
      if (round < 0) continue;
      createMs.push(created);
      copyMs.push(copied);
    }
    const createRatio = median(createMs) / median(copyMs);

    // 2. First token: the profile vs its base.
    const latencies: FirstToken[] = [];
    for (const model of models) {
      await createModel(engineStoreScope(engine), { name: `${model.name.split(":")[0]}-profile:bench`, modelfile: modelfile(model.name), baseDir: dir }, () => undefined);
      latencies.push(await firstToken(engine, model.name, `${model.name.split(":")[0]}-profile:bench`, path.basename(model.file, ".gguf")));
    }

    const line = (name: string, value: string): string => `${name.padEnd(66)} ${value.padStart(8)}`;
    console.log("");
    console.log(line("create a profile from a Modelfile / copy the base's manifest", `${createRatio.toFixed(2)}×`));
    console.log(`    (medians: create ${median(createMs).toFixed(2)} ms, copy ${median(copyMs).toFixed(2)} ms)`);
    for (const result of latencies) {
      console.log(line(`first token, profile / base, cold (${result.model})`, `${result.coldRatio.toFixed(2)}×`));
      console.log(
        `    (medians: base ${result.baseCold.toFixed(1)} ms for ${result.basePromptTokens} prompt tokens, ` +
          `profile ${result.profileCold.toFixed(1)} ms for ${result.profilePromptTokens} prompt tokens: SYSTEM, 2 MESSAGEs, TEMPLATE)`,
      );
      console.log(line(`first token, profile / base, warm (${result.model})`, `${result.warmRatio.toFixed(2)}×`));
      console.log(
        `    (medians: base ${result.baseWarm.toFixed(1)} ms evaluating ${result.baseWarmEvaluated} prompt tokens, ` +
          `profile ${result.profileWarm.toFixed(1)} ms evaluating ${result.profileWarmEvaluated}: the rest comes from the cache)`,
      );
    }
    const outDir = path.join(repoRoot, ".bench-results");
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, `profile-${chosen.size}.json`), JSON.stringify({ createRatio, createMs, copyMs, latencies }, null, 2));
  } finally {
    await engine.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
