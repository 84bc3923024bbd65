// Checks a model file before llama.cpp sees it, so that a wrong file gives the user a clear
// message instead of a native error (or a native abort that would end the engine process).
import * as fs from "node:fs";
import * as path from "node:path";
import { EngineError } from "../../common/engine/engineError";
import { localize } from "../../common/localize";

const ggufMagic = Buffer.from("GGUF", "ascii");
/** Magic numbers of the formats that came before GGUF, as they appear in the first 4 bytes. */
const legacyMagics = ["lmgg", "fmgg", "tjgg", "algg", "ggml", "ggmf", "ggjt", "ggla"];

/** Returns the file size in bytes, or throws an EngineError that says what is wrong and what to do. */
export async function checkModelFile(modelPath: string): Promise<number> {
  const fileName = path.basename(modelPath);
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(modelPath);
  } catch (error) {
    throw new EngineError(
      "modelNotFound",
      localize(
        "There is no model file at {0}. Check the path, or choose another file with \"Hearth: Load Model from File…\".",
        modelPath,
      ),
      String(error),
    );
  }
  if (!stat.isFile()) {
    throw new EngineError(
      "invalidModel",
      localize("{0} is a folder, not a model file. Choose a .gguf file inside it.", modelPath),
    );
  }
  if (stat.size === 0) {
    throw new EngineError(
      "invalidModel",
      localize(
        "{0} is empty (0 bytes), so it holds no model. A download or copy probably failed: download or copy it again.",
        fileName,
      ),
    );
  }
  const head = Buffer.alloc(4);
  const handle = await fs.promises.open(modelPath, "r");
  let bytesRead: number;
  try {
    ({ bytesRead } = await handle.read(head, 0, 4, 0));
  } finally {
    await handle.close();
  }
  if (bytesRead < 4 || !head.equals(ggufMagic)) {
    const magic = head.subarray(0, bytesRead).toString("latin1");
    if (legacyMagics.includes(magic)) {
      throw new EngineError(
        "invalidModel",
        localize(
          "{0} is in an old GGML format that llama.cpp no longer reads. Download the GGUF version of this model, or convert it with llama.cpp's conversion scripts.",
          fileName,
        ),
      );
    }
    throw new EngineError(
      "invalidModel",
      localize(
        "{0} is not a GGUF model: it does not start with the GGUF signature. Hearth runs llama.cpp models in GGUF format; choose a .gguf file (for example from Hugging Face).",
        fileName,
      ),
      `first bytes: ${head.subarray(0, bytesRead).toString("hex")}`,
    );
  }
  return stat.size;
}

/** The error for a GGUF file whose header or tensor data llama.cpp could not read. */
export function damagedModelError(modelPath: string, detail: string): EngineError {
  return new EngineError(
    "invalidModel",
    localize(
      "Hearth could not load {0}: the file looks damaged or incomplete (llama.cpp said: {1}). Download it again, or choose another model.",
      path.basename(modelPath),
      detail,
    ),
    detail,
  );
}
