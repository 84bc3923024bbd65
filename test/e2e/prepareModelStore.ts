// Prepares a model store for the e2e run, the way `hearth.modelsPath` will find it: imports a
// GGUF file under a name with the real store code (manifest, blob, GGUF summary).
//   npx tsx test/e2e/prepareModelStore.ts <store folder> <file.gguf> <name>
import { ModelStore } from "../../src/engine/models/modelStore";

async function main(): Promise<void> {
  const [root, file, name] = process.argv.slice(2);
  if (!root || !file || !name) throw new Error("usage: prepareModelStore.ts <store folder> <file.gguf> <name>");
  const manifest = await new ModelStore(root).importFile(file, name, { mode: "copy" });
  process.stdout.write(`${JSON.stringify({ name: manifest.name, sizeBytes: manifest.sizeBytes, sha256: manifest.sha256 })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`Could not prepare the model store: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
