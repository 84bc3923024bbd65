// The batch size, chosen by measurement (issue 17, item 4): prompt processing on a 2,000-token
// prompt and generation on the 0.5B shape (Q8_0), 2 threads, at batch sizes 128 to 2,048, with
// node-llama-cpp in this process. Hearth leaves node-llama-cpp's default (the smaller of the context
// and 512); this shows where that default sits. HEARTH_BENCH_SHAPES picks another shape.
import { ensureRealisticModel, realisticModelSpec } from "./models/realisticModels";
import { directModel, longPrompt } from "./support/benchSupport";

async function main(): Promise<void> {
  const id = realisticModelSpec((process.env.HEARTH_BENCH_SHAPES ?? "qwen2.5-coder-0.5b-shape-q8_0").split(",")[0]!.trim()).id;
  const file = await ensureRealisticModel(id);
  console.log(`batch sizes on ${id}, 2 threads, 4,096-token context; prompt time best of 2`);
  const rows: Array<{ batchSize: number; promptTps: number; genTps: number }> = [];
  for (const batchSize of [128, 256, 512, 1024, 2048]) {
    const model = await directModel(file, { threads: 2, contextSize: 4096, batchSize });
    const prompt = longPrompt(2000, (text) => model.tokenCount(text));
    const runs = [await model.promptMs(`0 ${prompt}`), await model.promptMs(`1 ${prompt}`)].sort((a, b) => a.ms - b.ms);
    rows.push({ batchSize, promptTps: (runs[0]!.tokens / runs[0]!.ms) * 1000, genTps: await model.generate("def main():", 64) });
    await model.dispose();
  }
  const chosen = rows.find((row) => row.batchSize === 512)!;
  for (const row of rows) {
    console.log(
      `batch ${String(row.batchSize).padStart(4)}${row.batchSize === 512 ? " (Hearth's)" : "           "}  prompt ${row.promptTps.toFixed(0).padStart(4)} tok/s (${(row.promptTps / chosen.promptTps).toFixed(2)}× Hearth's)  generation ${row.genTps.toFixed(1)} tok/s`,
    );
  }
}

void main();
