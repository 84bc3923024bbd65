// Realistic-shape models for the benchmarks: GGUF files with the exact transformer dimensions of the
// models Hearth's catalogue recommends and random, quantized weights. llama.cpp does the same work per
// token as with the real model (same matrices, same quantization, same vocabulary size); only the
// words are noise. Real weights cannot be downloaded here; shapes can be generated.
//
// - qwen2.5-coder-0.5b-shape  qwen2 arch, 24 layers, 896 wide, FFN 4864, 14 heads / 2 KV heads,
//                             context 32768, vocabulary 151,936, tied embeddings (as Qwen2.5-Coder-0.5B)
// - qwen2.5-coder-1.5b-shape  qwen2 arch, 28 layers, 1536 wide, FFN 8960, 12 heads / 2 KV heads (1.5B)
//   each in Q8_0 and Q4_0; ChatML template with <|im_start|>/<|im_end|>, FIM tokens marked.
// - bge-small-shape           bert arch, 12 layers, 384 wide, FFN 1536, 12 heads, context 512,
//                             vocabulary 30,522, mean pooling (as bge-small / all-MiniLM-L12)
// - bge-m3-shape              bert arch, 24 layers, 1024 wide, FFN 4096, 16 heads, context 8192,
//                             vocabulary 250,002, CLS pooling (as BAAI bge-m3)
// - bge-reranker-v2-m3-shape  bge-m3's shape with rank pooling and the classifier head
//
// Vocabulary: the real Llama-2 32k SentencePiece vocabulary (from ../shared/models/llama-2-tiny-random.gguf
// when present, otherwise a synthetic one), padded with unused tokens to each model's real size, so
// prompts tokenize into realistic counts and the output layer costs what the real one costs. BERT
// shapes get a WordPiece vocabulary derived from the same pieces ("▁word" -> "word", "ing" -> "##ing").
//
// Weights: uniform random int8/int4 with a per-tensor scale (std ~0.02; token embeddings ~1, so greedy
// text varies). The real models tie the output matrix to the token embeddings; here it is a separate
// matrix of the same shape and type (the same matrix product per token; tied random weights only
// repeat the input token), whose rows for control, byte and unused tokens are zero: their logits are
// 0 and never win, so answers stay valid UTF-8 and run to their token limit.
//
// Files are cached outside the repository (HEARTH_BENCH_MODELS, else ~/.cache/hearth/bench-models)
// in a folder named after a hash of this file, so a change here rebuilds them; a file is written under
// a temporary name and renamed into place when complete.

import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  encodeGgufHeader,
  ggufAlignment,
  ggufBool,
  ggufFloat32,
  ggufFloat32Array,
  ggufInt32Array,
  ggufString,
  ggufStringArray,
  ggufUint32,
} from "../../test/fixtures/ggufWriter";
import type { GgufTensorInfo, GgufValue } from "../../test/fixtures/ggufWriter";

export type Quantization = "Q8_0" | "Q4_0";

interface DecoderShape {
  readonly kind: "decoder";
  readonly layers: number;
  readonly embd: number;
  readonly ff: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly context: number;
  readonly vocab: number;
}

interface EncoderShape {
  readonly kind: "encoder";
  readonly layers: number;
  readonly embd: number;
  readonly ff: number;
  readonly heads: number;
  readonly context: number;
  readonly vocab: number;
  /** llama_pooling_type: 1 mean, 2 CLS, 4 rank. */
  readonly pooling: 1 | 2 | 4;
}

export interface RealisticModelSpec {
  readonly id: string;
  /** What real model it is shaped like. */
  readonly shapedLike: string;
  readonly purpose: "chat" | "embedding" | "reranker";
  readonly quantization: Quantization;
  readonly shape: DecoderShape | EncoderShape;
}

const qwen05: DecoderShape = { kind: "decoder", layers: 24, embd: 896, ff: 4864, heads: 14, kvHeads: 2, context: 32768, vocab: 151936 };
const qwen15: DecoderShape = { kind: "decoder", layers: 28, embd: 1536, ff: 8960, heads: 12, kvHeads: 2, context: 32768, vocab: 151936 };
const bgeSmall: EncoderShape = { kind: "encoder", layers: 12, embd: 384, ff: 1536, heads: 12, context: 512, vocab: 30522, pooling: 1 };
const bgeM3: EncoderShape = { kind: "encoder", layers: 24, embd: 1024, ff: 4096, heads: 16, context: 8192, vocab: 250002, pooling: 2 };

export const realisticModelSpecs: readonly RealisticModelSpec[] = [
  { id: "qwen2.5-coder-0.5b-shape-q8_0", shapedLike: "Qwen2.5-Coder-0.5B-Instruct", purpose: "chat", quantization: "Q8_0", shape: qwen05 },
  { id: "qwen2.5-coder-0.5b-shape-q4_0", shapedLike: "Qwen2.5-Coder-0.5B-Instruct", purpose: "chat", quantization: "Q4_0", shape: qwen05 },
  { id: "qwen2.5-coder-1.5b-shape-q8_0", shapedLike: "Qwen2.5-Coder-1.5B-Instruct", purpose: "chat", quantization: "Q8_0", shape: qwen15 },
  { id: "qwen2.5-coder-1.5b-shape-q4_0", shapedLike: "Qwen2.5-Coder-1.5B-Instruct", purpose: "chat", quantization: "Q4_0", shape: qwen15 },
  { id: "bge-small-shape-q8_0", shapedLike: "bge-small-en-v1.5", purpose: "embedding", quantization: "Q8_0", shape: bgeSmall },
  { id: "bge-m3-shape-q8_0", shapedLike: "BAAI bge-m3", purpose: "embedding", quantization: "Q8_0", shape: bgeM3 },
  {
    id: "bge-reranker-v2-m3-shape-q8_0",
    shapedLike: "BAAI bge-reranker-v2-m3",
    purpose: "reranker",
    quantization: "Q8_0",
    shape: { ...bgeM3, pooling: 4 },
  },
];

export function realisticModelSpec(id: string): RealisticModelSpec {
  const spec = realisticModelSpecs.find((candidate) => candidate.id === id);
  if (!spec) throw new Error(`no realistic-shape model "${id}"; known: ${realisticModelSpecs.map((known) => known.id).join(", ")}`);
  return spec;
}

/** Where the models are cached: one folder per version of this generator. */
export function realisticModelsDir(): string {
  const root = process.env.HEARTH_BENCH_MODELS || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "hearth", "bench-models");
  const source = fs.readFileSync(__filename);
  const writer = fs.readFileSync(path.resolve(__dirname, "../../test/fixtures/ggufWriter.ts"));
  const version = createHash("sha256").update(source).update(writer).update(vocabularySourceStamp()).digest("hex").slice(0, 12);
  return path.join(root, version);
}

export function realisticModelPath(id: string): string {
  return path.join(realisticModelsDir(), `${id}.gguf`);
}

/** The path of the model, generating it first when it is not in the cache. */
export async function ensureRealisticModel(id: string, onProgress?: (fraction: number) => void): Promise<string> {
  const file = realisticModelPath(id);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  removeOtherVersions(path.dirname(file));
  await writeRealisticModel(realisticModelSpec(id), file, onProgress);
  return file;
}

/** Older generators' folders (gigabytes each) go when a new version is made. */
function removeOtherVersions(current: string): void {
  const root = path.dirname(current);
  for (const entry of fs.readdirSync(root)) {
    const folder = path.join(root, entry);
    if (folder !== current && /^[0-9a-f]{12}$/.test(entry)) fs.rmSync(folder, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------
// Vocabulary

const sharedVocabularyModel = path.resolve(__dirname, "..", "..", "..", "shared", "models", "llama-2-tiny-random.gguf");

function vocabularySourceStamp(): string {
  return fs.existsSync(sharedVocabularyModel) ? "llama-2-vocabulary" : "synthetic-vocabulary";
}

const tokenType = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

interface Vocabulary {
  readonly tokens: string[];
  readonly scores: number[];
  readonly types: number[];
}

async function sentencePieceVocabulary(): Promise<Vocabulary> {
  if (fs.existsSync(sharedVocabularyModel)) {
    const { readGgufFileInfo } = await import("node-llama-cpp");
    const info = await readGgufFileInfo(sharedVocabularyModel, { readTensorInfo: false });
    const tokenizer = (info.metadata as unknown as { tokenizer: { ggml: { tokens: string[]; scores: number[]; token_type: number[] } } }).tokenizer.ggml;
    return { tokens: [...tokenizer.tokens], scores: [...tokenizer.scores], types: [...tokenizer.token_type] };
  }
  // No shared model: the same layout (<unk>, <s>, </s>, 256 byte tokens) and pieces built from letters.
  const tokens = ["<unk>", "<s>", "</s>"];
  const types: number[] = [tokenType.unknown, tokenType.control, tokenType.control];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(tokenType.byte);
  }
  const letters = "etaoinshrdlcumwfgypbvkjxqz";
  const seen = new Set(tokens);
  const add = (piece: string) => {
    if (seen.has(piece)) return;
    seen.add(piece);
    tokens.push(piece);
    types.push(tokenType.normal);
  };
  for (const character of `${letters}${letters.toUpperCase()}0123456789 .,;:!?'"()[]{}<>=+-*/_#&|@$%^~\`\\`) add(character);
  for (const first of letters) for (const second of letters) add(`▁${first}${second}`);
  for (const first of letters) for (const second of letters) for (const third of "etaoinsr") add(`${first}${second}${third}`);
  return { tokens, scores: tokens.map((_, index) => -index), types };
}

const chatControlTokens = [
  "<|endoftext|>",
  "<|im_start|>",
  "<|im_end|>",
  "<|fim_prefix|>",
  "<|fim_middle|>",
  "<|fim_suffix|>",
  "<|fim_pad|>",
  "<|repo_name|>",
  "<|file_sep|>",
];

async function decoderVocabulary(size: number): Promise<Vocabulary & { readonly ids: Record<string, number> }> {
  const base = await sentencePieceVocabulary();
  const tokens = [...base.tokens];
  const scores = [...base.scores];
  const types = [...base.types];
  const ids: Record<string, number> = {};
  if (tokens.length + chatControlTokens.length > size) throw new Error(`a vocabulary of ${size} tokens cannot hold the ${tokens.length} pieces and ${chatControlTokens.length} control tokens`);
  for (const control of chatControlTokens) {
    ids[control] = tokens.length;
    tokens.push(control);
    scores.push(0);
    types.push(tokenType.control);
  }
  while (tokens.length < size) {
    tokens.push(`<unused_${tokens.length}>`);
    scores.push(-1e9);
    types.push(tokenType.unused);
  }
  return { tokens, scores, types, ids };
}

const bertSpecial = { pad: 0, unknown: 1, cls: 2, sep: 3, mask: 4 } as const;

async function wordPieceVocabulary(size: number): Promise<Vocabulary> {
  const base = await sentencePieceVocabulary();
  const tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
  const types: number[] = [tokenType.control, tokenType.unknown, tokenType.control, tokenType.control, tokenType.control];
  const seen = new Set(tokens);
  const add = (piece: string) => {
    if (!piece || seen.has(piece) || tokens.length >= size) return;
    seen.add(piece);
    tokens.push(piece);
    types.push(tokenType.normal);
  };
  // Every character first, so no text falls back to [UNK].
  for (const character of "abcdefghijklmnopqrstuvwxyz0123456789.,;:!?'\"()[]{}<>=+-*/_#&|@$%^~`\\") {
    add(character);
    add(`##${character}`);
  }
  base.tokens.forEach((piece, index) => {
    if (base.types[index] !== tokenType.normal) return;
    const lower = piece.toLowerCase();
    if (lower.startsWith("▁")) add(lower.slice(1));
    else add(`##${lower}`);
  });
  while (tokens.length < size) {
    tokens.push(`[unused${tokens.length}]`);
    types.push(tokenType.unused);
  }
  return { tokens, scores: tokens.map(() => 0), types };
}

// ---------------------------------------------------------------------------------------------------
// Tensors: F32 (norms, biases, small heads) or quantized blocks of 32 weights

const ggmlType = { F32: 0, Q4_0: 2, Q8_0: 8 } as const;
const blockBytes = { Q8_0: 34, Q4_0: 18 } as const;
const blockSize = 32;

type Fill =
  | { readonly kind: "constant"; readonly value: number }
  | { readonly kind: "random"; readonly std: number; readonly zeroRows?: ReadonlySet<number> };

interface PlannedTensor {
  readonly name: string;
  readonly dims: readonly [number] | readonly [number, number];
  readonly type: "F32" | Quantization;
  readonly fill: Fill;
}

function byteLength(tensor: PlannedTensor): number {
  const count = tensor.dims.reduce((product, dim) => product * dim, 1);
  if (tensor.type === "F32") return count * 4;
  if (tensor.dims[0] % blockSize !== 0) throw new Error(`${tensor.name}: rows of ${tensor.dims[0]} are not whole blocks of ${blockSize}`);
  return (count / blockSize) * blockBytes[tensor.type];
}

/** xorshift128: fast, seeded, identical on every machine. */
class Xorshift {
  private x: number;
  private y = 362436069;
  private z = 521288629;
  private w = 88675123;

  constructor(seed: number) {
    this.x = seed >>> 0 || 123456789;
    for (let i = 0; i < 8; i++) this.next();
  }

  next(): number {
    const t = this.x ^ (this.x << 11);
    this.x = this.y;
    this.y = this.z;
    this.z = this.w;
    this.w = (this.w ^ (this.w >>> 19) ^ (t ^ (t >>> 8))) >>> 0;
    return this.w;
  }
}

function seedOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** IEEE half-precision bits of a small positive number (normal range). */
function float16Bits(value: number): number {
  if (value === 0) return 0;
  const buffer = new DataView(new ArrayBuffer(4));
  buffer.setFloat32(0, value);
  const bits = buffer.getUint32(0);
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  if (exponent <= 0 || exponent >= 31) throw new Error(`scale ${value} is outside float16's normal range`);
  return ((bits >>> 31) << 15) | (exponent << 10) | ((bits >>> 13) & 0x3ff);
}

/** Writes one tensor's data in chunks of whole rows. */
function writeTensorData(fd: number, tensor: PlannedTensor, seedPrefix: string, onBytes: (count: number) => void): void {
  const columns = tensor.dims[0];
  const rows = tensor.dims.length > 1 ? tensor.dims[1]! : 1;
  const rowBytes = tensor.type === "F32" ? columns * 4 : (columns / blockSize) * blockBytes[tensor.type];
  const rowsPerChunk = Math.max(1, Math.floor((8 << 20) / rowBytes));
  const chunk = Buffer.alloc(rowsPerChunk * rowBytes);
  const random = new Xorshift(seedOf(`${seedPrefix}/${tensor.name}`));
  const fill = tensor.fill;
  // Uniform int8 over [-128, 127] has std ~73.9; uniform int4 (q - 8) over [-8, 7] std ~4.61.
  const scale = fill.kind === "random" ? fill.std / (tensor.type === "Q4_0" ? 4.61 : 73.9) : 0;
  const scaleBits = tensor.type !== "F32" && fill.kind === "random" ? float16Bits(scale) : 0;
  for (let row = 0; row < rows; row += rowsPerChunk) {
    const count = Math.min(rowsPerChunk, rows - row);
    const bytes = count * rowBytes;
    for (let r = 0; r < count; r++) {
      const base = r * rowBytes;
      const zero = fill.kind === "random" && fill.zeroRows?.has(row + r);
      if (tensor.type === "F32") {
        for (let c = 0; c < columns; c++) {
          let value = 0;
          if (fill.kind === "constant") value = fill.value;
          else if (!zero) value = ((random.next() / 4294967296) * 2 - 1) * fill.std * 1.732;
          chunk.writeFloatLE(value, base + c * 4);
        }
        continue;
      }
      const block = blockBytes[tensor.type];
      for (let at = base; at < base + rowBytes; at += block) {
        if (zero || fill.kind === "constant") {
          chunk.fill(0, at, at + block);
          continue;
        }
        chunk.writeUInt16LE(scaleBits, at);
        for (let q = at + 2; q < at + block; q += 2) chunk.writeUInt16LE(random.next() & 0xffff, q);
      }
    }
    fs.writeSync(fd, chunk, 0, bytes);
    onBytes(bytes);
  }
}

// ---------------------------------------------------------------------------------------------------
// Model plans

const chatTemplate =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

async function decoderPlan(spec: RealisticModelSpec, shape: DecoderShape) {
  const vocabulary = await decoderVocabulary(shape.vocab);
  const silent = new Set<number>();
  vocabulary.types.forEach((type, id) => {
    if (type !== tokenType.normal) silent.add(id);
  });
  const headDim = shape.embd / shape.heads;
  const kvWidth = headDim * shape.kvHeads;
  const q = spec.quantization;
  const matrixStd = 0.02;
  const tensors: PlannedTensor[] = [
    { name: "token_embd.weight", dims: [shape.embd, shape.vocab], type: q, fill: { kind: "random", std: 1 } },
    { name: "output_norm.weight", dims: [shape.embd], type: "F32", fill: { kind: "constant", value: 1 } },
    // The real models tie the output to token_embd; llama.cpp then runs the same matrix product, so a
    // separate output matrix costs nothing per token and keeps a random model from repeating its input.
    { name: "output.weight", dims: [shape.embd, shape.vocab], type: q, fill: { kind: "random", std: matrixStd, zeroRows: silent } },
  ];
  for (let layer = 0; layer < shape.layers; layer++) {
    const block = (name: string) => `blk.${layer}.${name}`;
    tensors.push(
      { name: block("attn_norm.weight"), dims: [shape.embd], type: "F32", fill: { kind: "constant", value: 1 } },
      { name: block("attn_q.weight"), dims: [shape.embd, shape.embd], type: q, fill: { kind: "random", std: matrixStd } },
      { name: block("attn_q.bias"), dims: [shape.embd], type: "F32", fill: { kind: "random", std: 0.02 } },
      { name: block("attn_k.weight"), dims: [shape.embd, kvWidth], type: q, fill: { kind: "random", std: matrixStd } },
      { name: block("attn_k.bias"), dims: [kvWidth], type: "F32", fill: { kind: "random", std: 0.02 } },
      { name: block("attn_v.weight"), dims: [shape.embd, kvWidth], type: q, fill: { kind: "random", std: matrixStd } },
      { name: block("attn_v.bias"), dims: [kvWidth], type: "F32", fill: { kind: "random", std: 0.02 } },
      { name: block("attn_output.weight"), dims: [shape.embd, shape.embd], type: q, fill: { kind: "random", std: matrixStd } },
      { name: block("ffn_norm.weight"), dims: [shape.embd], type: "F32", fill: { kind: "constant", value: 1 } },
      { name: block("ffn_gate.weight"), dims: [shape.embd, shape.ff], type: q, fill: { kind: "random", std: matrixStd } },
      { name: block("ffn_up.weight"), dims: [shape.embd, shape.ff], type: q, fill: { kind: "random", std: matrixStd } },
      { name: block("ffn_down.weight"), dims: [shape.ff, shape.embd], type: q, fill: { kind: "random", std: matrixStd } },
    );
  }
  const metadata: Array<readonly [string, GgufValue]> = [
    ["general.architecture", ggufString("qwen2")],
    ["general.name", ggufString(`${spec.shapedLike} shape (random weights)`)],
    ["general.file_type", ggufUint32(q === "Q8_0" ? 7 : 2)],
    ["general.quantization_version", ggufUint32(2)],
    ["qwen2.context_length", ggufUint32(shape.context)],
    ["qwen2.embedding_length", ggufUint32(shape.embd)],
    ["qwen2.block_count", ggufUint32(shape.layers)],
    ["qwen2.feed_forward_length", ggufUint32(shape.ff)],
    ["qwen2.attention.head_count", ggufUint32(shape.heads)],
    ["qwen2.attention.head_count_kv", ggufUint32(shape.kvHeads)],
    ["qwen2.rope.freq_base", ggufFloat32(1_000_000)],
    ["qwen2.attention.layer_norm_rms_epsilon", ggufFloat32(1e-6)],
    ["tokenizer.ggml.model", ggufString("llama")],
    ["tokenizer.ggml.tokens", ggufStringArray(vocabulary.tokens)],
    ["tokenizer.ggml.scores", ggufFloat32Array(vocabulary.scores)],
    ["tokenizer.ggml.token_type", ggufInt32Array(vocabulary.types)],
    ["tokenizer.ggml.bos_token_id", ggufUint32(vocabulary.ids["<|endoftext|>"]!)],
    ["tokenizer.ggml.eos_token_id", ggufUint32(vocabulary.ids["<|im_end|>"]!)],
    ["tokenizer.ggml.padding_token_id", ggufUint32(vocabulary.ids["<|endoftext|>"]!)],
    ["tokenizer.ggml.unknown_token_id", ggufUint32(0)],
    ["tokenizer.ggml.add_bos_token", ggufBool(false)],
    ["tokenizer.ggml.fim_pre_token_id", ggufUint32(vocabulary.ids["<|fim_prefix|>"]!)],
    ["tokenizer.ggml.fim_suf_token_id", ggufUint32(vocabulary.ids["<|fim_suffix|>"]!)],
    ["tokenizer.ggml.fim_mid_token_id", ggufUint32(vocabulary.ids["<|fim_middle|>"]!)],
    ["tokenizer.ggml.fim_pad_token_id", ggufUint32(vocabulary.ids["<|fim_pad|>"]!)],
    ["tokenizer.ggml.fim_rep_token_id", ggufUint32(vocabulary.ids["<|repo_name|>"]!)],
    ["tokenizer.ggml.fim_sep_token_id", ggufUint32(vocabulary.ids["<|file_sep|>"]!)],
    ["tokenizer.chat_template", ggufString(chatTemplate)],
  ];
  return { metadata, tensors };
}

async function encoderPlan(spec: RealisticModelSpec, shape: EncoderShape) {
  const vocabulary = await wordPieceVocabulary(shape.vocab);
  const q = spec.quantization;
  const std = 0.02;
  const f32 = (name: string, length: number, value: number): PlannedTensor => ({ name, dims: [length], type: "F32", fill: { kind: "constant", value } });
  const tensors: PlannedTensor[] = [
    { name: "token_embd.weight", dims: [shape.embd, shape.vocab], type: q, fill: { kind: "random", std: 0.5 } },
    { name: "token_types.weight", dims: [shape.embd, 2], type: "F32", fill: { kind: "random", std: 0.02 } },
    { name: "position_embd.weight", dims: [shape.embd, shape.context], type: "F32", fill: { kind: "random", std: 0.02 } },
    f32("token_embd_norm.weight", shape.embd, 1),
    f32("token_embd_norm.bias", shape.embd, 0),
  ];
  for (let layer = 0; layer < shape.layers; layer++) {
    const block = (name: string) => `blk.${layer}.${name}`;
    for (const name of ["attn_q", "attn_k", "attn_v", "attn_output"]) {
      tensors.push({ name: block(`${name}.weight`), dims: [shape.embd, shape.embd], type: q, fill: { kind: "random", std } });
      tensors.push({ name: block(`${name}.bias`), dims: [shape.embd], type: "F32", fill: { kind: "random", std } });
    }
    tensors.push(
      f32(block("attn_output_norm.weight"), shape.embd, 1),
      f32(block("attn_output_norm.bias"), shape.embd, 0),
      { name: block("ffn_up.weight"), dims: [shape.embd, shape.ff], type: q, fill: { kind: "random", std } },
      { name: block("ffn_up.bias"), dims: [shape.ff], type: "F32", fill: { kind: "random", std } },
      { name: block("ffn_down.weight"), dims: [shape.ff, shape.embd], type: q, fill: { kind: "random", std } },
      { name: block("ffn_down.bias"), dims: [shape.embd], type: "F32", fill: { kind: "random", std } },
      f32(block("layer_output_norm.weight"), shape.embd, 1),
      f32(block("layer_output_norm.bias"), shape.embd, 0),
    );
  }
  if (shape.pooling === 4) {
    tensors.push(
      { name: "cls.weight", dims: [shape.embd, shape.embd], type: "F32", fill: { kind: "random", std: 0.03 } },
      f32("cls.bias", shape.embd, 0),
      { name: "cls.output.weight", dims: [shape.embd, 1], type: "F32", fill: { kind: "random", std: 0.03 } },
      f32("cls.output.bias", 1, 0),
    );
  }
  const metadata: Array<readonly [string, GgufValue]> = [
    ["general.architecture", ggufString("bert")],
    ["general.name", ggufString(`${spec.shapedLike} shape (random weights)`)],
    ["general.file_type", ggufUint32(7)],
    ["general.quantization_version", ggufUint32(2)],
    ["bert.context_length", ggufUint32(shape.context)],
    ["bert.embedding_length", ggufUint32(shape.embd)],
    ["bert.block_count", ggufUint32(shape.layers)],
    ["bert.feed_forward_length", ggufUint32(shape.ff)],
    ["bert.attention.head_count", ggufUint32(shape.heads)],
    ["bert.attention.layer_norm_epsilon", ggufFloat32(1e-12)],
    ["bert.attention.causal", ggufBool(false)],
    ["bert.pooling_type", ggufUint32(shape.pooling)],
    ["tokenizer.ggml.model", ggufString("bert")],
    ["tokenizer.ggml.tokens", ggufStringArray(vocabulary.tokens)],
    ["tokenizer.ggml.token_type", ggufInt32Array(vocabulary.types)],
    ["tokenizer.ggml.token_type_count", ggufUint32(2)],
    ["tokenizer.ggml.padding_token_id", ggufUint32(bertSpecial.pad)],
    ["tokenizer.ggml.unknown_token_id", ggufUint32(bertSpecial.unknown)],
    ["tokenizer.ggml.cls_token_id", ggufUint32(bertSpecial.cls)],
    ["tokenizer.ggml.bos_token_id", ggufUint32(bertSpecial.cls)],
    ["tokenizer.ggml.seperator_token_id", ggufUint32(bertSpecial.sep)], // sic: llama.cpp's key
    ["tokenizer.ggml.eos_token_id", ggufUint32(bertSpecial.sep)],
    ["tokenizer.ggml.mask_token_id", ggufUint32(bertSpecial.mask)],
    ["tokenizer.ggml.add_bos_token", ggufBool(true)],
    ["tokenizer.ggml.add_sep_token", ggufBool(true)],
  ];
  return { metadata, tensors };
}

/** Generates one model into `file` (via a temporary name). */
export async function writeRealisticModel(spec: RealisticModelSpec, file: string, onProgress?: (fraction: number) => void): Promise<void> {
  const plan = spec.shape.kind === "decoder" ? await decoderPlan(spec, spec.shape) : await encoderPlan(spec, spec.shape);
  const infos: GgufTensorInfo[] = plan.tensors.map((tensor) => ({
    name: tensor.name,
    dims: tensor.dims,
    type: ggmlType[tensor.type],
    byteLength: byteLength(tensor),
  }));
  const { header, dataOffsets, dataLength } = encodeGgufHeader(plan.metadata, infos);
  const temporary = `${file}.${process.pid}.partial`;
  const fd = fs.openSync(temporary, "w");
  try {
    fs.writeSync(fd, header);
    let written = 0;
    const total = dataLength;
    const padding = Buffer.alloc(ggufAlignment);
    plan.tensors.forEach((tensor, index) => {
      const gap = dataOffsets[index]! - written;
      if (gap > 0) {
        fs.writeSync(fd, padding, 0, gap);
        written += gap;
      }
      writeTensorData(fd, tensor, spec.id, (count) => {
        written += count;
        onProgress?.(written / total);
      });
    });
    if (dataLength > written) fs.writeSync(fd, padding, 0, dataLength - written);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
}

/** Parameters of a spec (weights of the matrices and embeddings), for the bench's labels. */
export function parameterCount(spec: RealisticModelSpec): number {
  const shape = spec.shape;
  if (shape.kind === "decoder") {
    const kvWidth = (shape.embd / shape.heads) * shape.kvHeads;
    const perLayer = 2 * shape.embd * shape.embd + 2 * shape.embd * kvWidth + 3 * shape.embd * shape.ff;
    return shape.vocab * shape.embd + shape.layers * perLayer;
  }
  const perLayer = 4 * shape.embd * shape.embd + 2 * shape.embd * shape.ff;
  return shape.vocab * shape.embd + shape.context * shape.embd + shape.layers * perLayer;
}
