// The one protocol between the extension host (or any other client) and the engine process.
// Over 600 lines on purpose: the house style keeps one protocol file per boundary, so every
// method's types sit beside the EngineMethods table that both sides and the dispatch table read.
import type {
  ModelManifest,
  PartialDownload,
  PullProgress,
  PullResult,
  RemoveResult,
  RepairReport,
  StoreDiskUsage,
  StoredModel,
} from "../models/modelManifest";
import type { ReviewFinding } from "../review/reviewFindings";
import type { ReviewTarget, SkippedFile } from "../review/reviewPrompt";

import type { ChatTurn, GenerateResult, GenerationOptions, PromptMode, StopReason, TokenUsage } from "../chat/chatTypes";
import type { ChatCapabilities, ConversationMessage, ThinkSetting, ToolCall, ToolChoice, ToolDefinition } from "../chat/toolCalls";
import type { EngineErrorInfo } from "./engineError";

// Both sides import this file. Requests are matched to replies by `id`; streamed requests send
// `chunk` messages and end with exactly one `done` or `error`.

/** How urgent a job is: interactive chat first, then review, then background indexing. */
export type JobPriority = "interactive" | "review" | "background";

export interface LoraAdapterSpec {
  /** Absolute path of a GGUF LoRA adapter made for the base model. */
  path: string;
  /** Scale applied to the adapter, 1 by default. */
  scale?: number;
}

export interface LoadModelParams {
  /**
   * What to load, as parseModelReference reads it: an installed model's name (`qwen2.5-coder:1.5b`)
   * or the path of a `.gguf` file (absolute, relative to the engine's folder, or `~/…`).
   */
  model: string;
  /** Context size in tokens; 0 or absent means the smaller of 4096 and the model's training context. */
  contextSize?: number;
  /** CPU threads; 0 or absent means the machine's physical cores. */
  threads?: number;
  /** Layers offloaded to a GPU; "auto" lets node-llama-cpp decide, 0 keeps everything on the CPU. */
  gpuLayers?: number | "auto";
  loraAdapters?: LoraAdapterSpec[];
}

export interface MemoryFigures {
  /** Bytes of system RAM. */
  cpuRam: number;
  /** Bytes of GPU memory. */
  gpuVram: number;
}

export interface LoadedModelInfo {
  modelId: string;
  /** The `.gguf` file loaded. */
  modelPath: string;
  /** The store name it was loaded by, when it was loaded by name. */
  storeName: string | null;
  /** What the user knows it by: the store name, else the file name without `.gguf`. */
  name: string;
  architecture: string;
  sizeBytes: number;
  contextSize: number;
  trainContextSize: number | null;
  threads: number;
  gpuLayers: number;
  /** True when the GGUF carries `tokenizer.chat_template`. */
  hasChatTemplate: boolean;
  chatWrapper: string;
  supportsRanking: boolean;
  /** True when the GGUF marks fill-in-the-middle tokens (prefix, suffix and middle): the model can complete code (`infill`). */
  supportsInfill: boolean;
  /** Estimated memory for the weights plus this context. */
  memory: MemoryFigures;
  loadedAt: number;
}

export interface GenerateParams {
  modelId: string;
  prompt: string;
  mode?: PromptMode;
  /** Wins over the model's Modelfile SYSTEM (chat mode). */
  systemPrompt?: string;
  /** Used in chat mode when neither `systemPrompt` nor the model's Modelfile says. */
  defaultSystemPrompt?: string;
  options?: GenerationOptions;
  /** Used where neither `options` nor the model's Modelfile profile say (e.g. the user's settings). */
  defaults?: GenerationOptions;
  priority?: JobPriority;
}

/** A chunk of extra context for a completion: another file's text, or a definition near the cursor. */
export interface InfillExtraChunk {
  /** Where it comes from, as the model is shown it (a workspace-relative path). */
  path: string;
  text: string;
}

export interface InfillOptions {
  /** Most tokens to generate; default 64. */
  maxTokens?: number;
  /** Stops generating after this many milliseconds, keeping what was produced (stopReason "maxTokens"); default 2000. */
  timeoutMs?: number;
  /** Default 0 (greedy): completions should be repeatable. */
  temperature?: number;
  /** Stop sequences, matched on the text (none reaches the caller). */
  stop?: string[];
  /** Ends the completion at the end of its first line (the cursor is in the middle of a line). */
  singleLine?: boolean;
  /** Token budgets: the prefix keeps its last `prefixTokens` (default 1024), the suffix its first `suffixTokens` (default 256), the extra context its last `extraTokens` (default 1024). */
  prefixTokens?: number;
  suffixTokens?: number;
  extraTokens?: number;
  /**
   * The prompt's order: "psm" (prefix, suffix, middle) or "spm" (suffix first, llama.cpp's
   * --spm-infill). Default: the order the model's family was trained with.
   */
  order?: "psm" | "spm";
}

/**
 * Fill-in-the-middle (code completion) with the model's own infill tokens, on a sequence of its own
 * so chat and completion do not evict each other's KV cache. Extra context goes before the prefix
 * and is reused from the cache while it is unchanged.
 */
export interface InfillParams {
  modelId: string;
  /** The text before the cursor. */
  prefix: string;
  /** The text after the cursor. */
  suffix: string;
  /** Extra context, oldest first (the chunk most worth keeping last). */
  extra?: InfillExtraChunk[];
  /** The file being edited, workspace-relative, as the model is shown it (repository-level prompts). */
  path?: string;
  options?: InfillOptions;
}

export interface InfillResult {
  /** The text to insert at the cursor. */
  text: string;
  stopReason: StopReason;
  usage: TokenUsage;
  /** True when the token budgets cut the prefix, suffix or extra context. */
  truncated?: boolean;
}

/**
 * One chat turn on the remote engine of the settings (hearth.remote.*, sent with `configure`). The
 * caller keeps the conversation and sends its history each time, as the server keeps none.
 */
export interface RemoteChatParams {
  /** The system prompt (the user's hearth.systemPrompt). */
  system: string;
  history: ChatTurn[];
  message: string;
  options?: GenerationOptions;
}

/** A remote turn's result, with who answered as "model @ host:port". */
export interface RemoteChatTurnResult extends ChatTurnResult {
  model: string;
}

export interface ChatCreateParams {
  modelId: string;
  /** Wins over the model's Modelfile SYSTEM. */
  systemPrompt?: string;
  /** Used when neither `systemPrompt` nor the model's Modelfile says (e.g. the user's setting). */
  defaultSystemPrompt?: string;
  history?: ChatTurn[];
}

export interface ChatCreateResult {
  sessionId: string;
}

export interface ChatSendParams {
  sessionId: string;
  message: string;
  options?: GenerationOptions;
  /** Used where neither `options` nor the model's Modelfile profile say (e.g. the user's settings). */
  defaults?: GenerationOptions;
  priority?: JobPriority;
}

export interface ChatTurnResult extends GenerateResult {
  /** Turns (user + model pairs) in the session after this one. */
  turns: number;
  /**
   * The oldest user + model pairs dropped in this turn so the conversation fits the context
   * window (0 normally). Dropped turns stay dropped for the rest of the session.
   */
  droppedTurns: number;
  /** Tokens in the context after this turn (history, message and answer). */
  contextTokens: number;
  /** The model's context window in tokens. */
  contextSize: number;
}

/**
 * One answer to a conversation the request carries in full (as the HTTP APIs and VS Code's
 * language-model provider send it), with tools the model may call, tool results in the history,
 * and thinking. The model's own tool-call syntax is used where its chat template has one; a
 * required or named call is generated as JSON under a grammar built from the tool's schema.
 */
export interface ChatRespondParams {
  modelId: string;
  messages: ConversationMessage[];
  /** Used when the messages hold no system message (nor the model's Modelfile a SYSTEM). */
  defaultSystemPrompt?: string;
  tools?: ToolDefinition[];
  /** Default "auto" (when there are tools). */
  toolChoice?: ToolChoice;
  /** With "auto": whether the model may make several calls in one answer (default true). */
  parallelToolCalls?: boolean;
  /** Absent: the model's default (a thinking model thinks). */
  think?: ThinkSetting;
  /**
   * For OpenAI's `reasoning_effort`: a level the model cannot take thinks as it does by default,
   * and a model that cannot think answers without. Otherwise these are refused.
   */
  thinkLeniently?: boolean;
  options?: GenerationOptions;
  defaults?: GenerationOptions;
  priority?: JobPriority;
}

/** Streamed while a `chatRespond` answer is generated: answer text, thinking, or a piece of a tool call. */
export interface ChatRespondChunk {
  kind: "respond";
  text?: string;
  thinking?: string;
  /** A tool call's start (`arguments` empty) or the next fragment of its arguments JSON. */
  toolCall?: { index: number; id: string; name: string; arguments: string };
}

export interface ChatRespondResult extends GenerateResult {
  /** The thinking (empty when the model did not think, or `think` was false). */
  thinking: string;
  /** The calls the model made; when there are some, the answer ends with them. */
  toolCalls: ToolCall[];
}

/** One of the two: a loaded model's id, or an installed model's store name (read from its file, not loaded). */
export interface ChatCapabilitiesParams {
  modelId?: string;
  /** A store name (`family:tag`): its GGUF's chat template (or its Modelfile's TEMPLATE) is inspected. */
  model?: string;
}

export interface ChatDisposeParams {
  sessionId: string;
}

export interface EmbedParams {
  modelId: string;
  texts: string[];
  priority?: JobPriority;
  /** Embed only the start of a text longer than the model's context, instead of failing. */
  truncate?: boolean;
}

export interface EmbedResult {
  dimensions: number;
  vectors: number[][];
}

export interface CountTokensParams {
  modelId: string;
  texts: string[];
}

export interface CountTokensResult {
  /**
   * Tokens per text, in the order given, by the model's own tokenizer: the text alone, without
   * the BOS token or the chat template's tokens around a message.
   */
  counts: number[];
  /** The loaded model's context window in tokens. */
  contextSize: number;
}

export interface RankParams {
  modelId: string;
  query: string;
  documents: string[];
  priority?: JobPriority;
}

export interface RankResult {
  /** One relevance score in [0, 1] per document, in the order given. */
  scores: number[];
}

export interface InspectParams {
  modelPath: string;
  /** The context size to estimate memory for; absent means the configured default. */
  contextSize?: number;
}

export interface FitEstimate {
  contextSize: number;
  /** Estimated memory for the weights and a context of `contextSize`. */
  required: MemoryFigures;
  /** Memory this machine has free now. */
  available: MemoryFigures;
  fits: boolean;
  /** A sentence for the user: whether it fits and what to do when it does not. */
  summary: string;
}

export interface ModelInspection {
  modelPath: string;
  sizeBytes: number;
  name: string;
  architecture: string;
  /** Human readable, e.g. "F32", "Q4_K_M". */
  quantization: string;
  parameters: number;
  trainContextSize: number | null;
  embeddingLength: number | null;
  layers: number;
  chatTemplate: string | null;
  supportsRanking: boolean;
  /** True when the GGUF marks fill-in-the-middle tokens (prefix, suffix and middle). */
  supportsInfill: boolean;
  license: string | null;
  /** Scalar metadata, flattened (`general.name` → value); long arrays are summarised. */
  metadata: Record<string, string | number | boolean>;
  fit: FitEstimate;
}

export interface UnloadModelParams {
  modelId: string;
}

export interface EngineStatus {
  pid: number;
  /** The model store's folder. */
  storeRoot: string;
  startedAt: number;
  /** Resident memory of the engine process in bytes. */
  rssBytes: number;
  models: LoadedModelInfo[];
  chatSessions: number;
  queuedJobs: number;
  runningJob: string | null;
  /** How much longer queued background jobs (indexing) are held for an expected request, in ms. */
  backgroundHeldMs: number;
}

export interface HoldBackgroundParams {
  /** How long from now (ms, at most 30 s); 0 ends the hold. */
  ms: number;
}

export interface StoreListResult {
  root: string;
  models: StoredModel[];
  /** Unfinished downloads (being pulled now, or interrupted and resumable). */
  partials: PartialDownload[];
  usage: StoreDiskUsage;
}

export interface StoreShowParams {
  name: string;
  contextSize?: number;
}

export interface StoreShowResult {
  model: StoredModel;
  /** Null when the model's file is missing or damaged (see `model.problem`). */
  inspection: ModelInspection | null;
}

export interface StorePullParams {
  /** A catalogue name, `hf:owner/repo/file.gguf`, `ms:…`, or an `https://` URL. */
  reference: string;
  /** The store name to install it as (default: derived from the reference). */
  name?: string;
}

export interface StoreRemoveParams {
  name: string;
}

export interface StoreCopyParams {
  source: string;
  destination: string;
}

export interface StoreImportParams {
  path: string;
  name?: string;
  mode?: "copy" | "link";
}

export interface StoreCreateParams {
  /** The name to create (`family:tag`). */
  name: string;
  /** The Modelfile's text. */
  modelfile: string;
  /** The Modelfile's folder: relative FROM and ADAPTER paths resolve against it. */
  baseDir: string;
}

export interface ReviewParams {
  modelId: string;
  /** The files under review: a diff's files, a file, or a selection. */
  targets: ReviewTarget[];
  /** Project rules (`.hearth/review.md` or `AGENTS.md`), put in every prompt. */
  rules?: string;
  /** Tokens one prompt may take; absent: what the context leaves after room for the answer. */
  budgetTokens?: number;
  /** Tokens one answer may take (default 1024). */
  maxTokens?: number;
  /** Sampling temperature (default 0.2). */
  temperature?: number;
  seed?: number;
  /** Most findings per chunk (default 8). */
  maxFindings?: number;
  priority?: JobPriority;
  /** Generate on the remote engine of the settings (`configure`); modelId is then not used. */
  remote?: boolean;
}

/** Streamed after each reviewed chunk: its findings, as soon as the model has answered. */
export interface ReviewProgress {
  kind: "review";
  path: string;
  findings: ReviewFinding[];
  /** Findings of this chunk dropped by the checks. */
  dropped: number;
  /** Chunks reviewed so far, and in all. */
  chunksDone: number;
  chunks: number;
  /** This was the file's last chunk. */
  fileDone: boolean;
}

export interface ReviewResult {
  findings: ReviewFinding[];
  dropped: number;
  /** Chunks whose answer was not readable JSON (cut off at maxTokens). */
  unreadableChunks: number;
  skipped: SkippedFile[];
  chunks: number;
  /** Changed (or selected) lines the model saw. */
  reviewedLines: number;
  promptTokens: number;
  /** Prompt tokens evaluated; the rest (the instructions every chunk shares) came from the KV cache. */
  evaluatedPromptTokens: number;
  outputTokens: number;
  durationMs: number;
  cancelled: boolean;
}

/** Indexes folders into a workspace index (see src/engine/index): incremental by content hash. */
export interface IndexBuildParams {
  /** The folders to index (absolute paths). Files of other folders leave the index. */
  roots: string[];
  /** Where the index lives (absolute path; created when missing). */
  storeDir: string;
  /**
   * An installed model's name or a `.gguf` path to embed with; "none" for a keyword-only index;
   * absent: the model the index already uses (keyword-only for a new index).
   */
  embeddingModel?: string;
  /** Patterns in gitignore syntax never indexed (VS Code's `files.exclude`). */
  excludes?: string[];
  /** Files larger than this are not indexed (default 1 MiB). */
  maxFileBytes?: number;
  /** Reads and embeds every file again. */
  rebuild?: boolean;
}

/** Streamed while an index is built or updated. */
export interface IndexProgress {
  kind: "index";
  /**
   * "measuring": the index is saved and searchable; Hearth embeds a few dozen probes from the
   * workspace's own doc comments to weigh its vectors in searches (vectorCheck.ts).
   */
  phase: "scanning" | "indexing" | "saving" | "measuring";
  filesTotal: number;
  filesDone: number;
  /** Chunks embedded so far in this run. */
  chunksEmbedded: number;
  /** The file being read, relative to its root. */
  currentFile?: string;
}

/** Why files were left out, and how many of each. */
export interface IndexSkipCounts {
  ignored: number;
  secret: number;
  tooLarge: number;
  binary: number;
  minified: number;
  unreadable: number;
}

export interface IndexStatusResult {
  storeDir: string;
  /** False when no index was built there yet. */
  exists: boolean;
  roots: string[];
  files: number;
  chunks: number;
  /** Bytes on disk. */
  sizeBytes: number;
  /** Milliseconds since the epoch of the last save; null when never saved. */
  updatedAt: number | null;
  /** Null for a keyword-only index. */
  embeddingModel: string | null;
  dimensions: number;
}

export interface IndexBuildResult {
  status: IndexStatusResult;
  filesScanned: number;
  /** Files read, chunked and (re)embedded in this run. */
  filesIndexed: number;
  filesUnchanged: number;
  filesRemoved: number;
  chunksEmbedded: number;
  /** Chunks whose vector was kept because their content did not change (moved or renamed files, branch switches). */
  chunksReused: number;
  skipped: IndexSkipCounts;
}

export interface IndexUpdateFilesParams {
  storeDir: string;
  /** The index's folders; absent: those it was built with. */
  roots?: string[];
  /** Files or folders created or changed (absolute paths). */
  changed: string[];
  /** Files or folders deleted (absolute paths). */
  deleted: string[];
  excludes?: string[];
  maxFileBytes?: number;
}

export type IndexSearchMode = "hybrid" | "keyword" | "vector";

export interface IndexSearchParams {
  storeDir: string;
  query: string;
  /** How many results (default 10). */
  k?: number;
  /** Only files under these paths (absolute, or relative to a root). */
  paths?: string[];
  /** Default hybrid (keyword only when the index has no vectors). */
  mode?: IndexSearchMode;
  /** A reranker (an installed model's name or a `.gguf` path) that reorders the fused results. */
  rerankModel?: string;
  /** Say why each result matched (`IndexSearchHit.explain`). */
  explain?: boolean;
}

/** A field of a chunk that the keyword ranking weighs on its own (issue 16). */
export type IndexMatchField = "name" | "path" | "doc" | "body";

/** Why a result matched: the query's terms it holds, where, and what each added to its keyword score. */
export interface IndexMatchExplanation {
  /** Each matched query term (stemmed, lower-case), its count per field and its share of the BM25F score, best first. */
  terms: Array<{ term: string; fields: Partial<Record<IndexMatchField, number>>; score: number }>;
  /** The keyword (BM25F) score, the vector similarity, where the chunk had one. */
  keywordScore: number | null;
  vectorScore: number | null;
  /** The weight the fusion gave the vector ranking (hybrid only; see IndexSearchResult.vectorWeight). */
  vectorWeight: number | null;
}

export interface IndexSearchHit {
  /** The root the file belongs to (absolute). */
  root: string;
  /** Relative to `root`, `/`-separated. */
  path: string;
  absolutePath: string;
  startLine: number;
  endLine: number;
  /** For a PDF: the page (then startLine = endLine = page). */
  page?: number;
  language: string;
  symbol?: string;
  /** Higher is better: fused (reciprocal rank), BM25, cosine or reranker score depending on the mode. */
  score: number;
  text: string;
  /** 1-based rank in the keyword and vector rankings, null where absent. */
  keywordRank: number | null;
  vectorRank: number | null;
  /** With `explain`: why it matched. */
  explain?: IndexMatchExplanation;
}

export interface IndexSearchResult {
  results: IndexSearchHit[];
  mode: IndexSearchMode;
  reranked: boolean;
  /**
   * Hybrid: the weight of the vector ranking in the fusion (the keyword ranking's is 1), set at
   * index time by how well the index's vectors retrieve on its own doc comments (0 for an embedder
   * that does no better than chance).
   */
  vectorWeight?: number;
}

export interface IndexStoreParams {
  storeDir: string;
}

/** Starts the local HTTP API (Ollama's and OpenAI's) in the engine process. */
export interface ApiStartParams {
  /** Where to listen: HOST:PORT; empty means 127.0.0.1:11435. */
  host: string;
  /** Browser origins allowed besides local pages, comma-separated (as HEARTH_ORIGINS); only these may change the store. */
  origins: string;
  /** A key every request must carry (Authorization: Bearer); absent or empty: none. Travels only over IPC, never logged. */
  apiKey?: string;
  /** Whether pulls through the API may name URLs (public addresses only); hearth.api.allowUrlPulls. */
  allowUrlPulls?: boolean;
  /** Folders besides the store whose files a Modelfile sent to /api/create may name; hearth.api.modelFolders. */
  modelFolders?: string[];
}

export interface ApiStatusResult {
  running: boolean;
  /** `http://HOST:PORT` while running. */
  url: string | null;
  /** Other computers can reach it (it listens beyond loopback). */
  exposed: boolean;
  /** Requests must carry the API key. */
  requiresKey: boolean;
}

/**
 * A remote engine (an Ollama or OpenAI-compatible server) the engine process uses for reviews and
 * the workspace index's embeddings, as the extension's hearth.remote.* settings say (issue 8).
 */
export interface RemoteEngineConfig {
  kind: "ollama" | "openai";
  url: string;
  /** The model reviews generate with. */
  model: string;
  /** The model the workspace index embeds with; empty: the index keeps the local model it is given. */
  embeddingModel: string;
  /** Sent as a bearer token. It travels only over the IPC channel: never logged or written. */
  apiKey?: string;
}

/**
 * What the engine process runs with, sent by its host as the first message after it starts and
 * again whenever one of these settings changes (`configure`). The extension fills it from its
 * hearth.* settings; other hosts (tests, tools) from their own options.
 */
export interface EngineSettings {
  /** The language of the engine's messages (a BCP 47 tag such as `zh-CN`; others mean English). */
  locale: string;
  /** CPU threads for a model a request does not say; 0: the machine's physical cores. */
  threads: number;
  /** Context size for a model a request does not say; 0: the smaller of 4096 and the trained length. */
  contextSize: number;
  /** "off" keeps llama.cpp on the CPU. Applied when the engine starts. */
  gpu: "auto" | "off";
  /** The model store's folder; empty: the engine's environment decides (HEARTH_MODELS_PATH, HEARTH_HOME, ~/.hearth). Applied when the engine starts. */
  storeRoot: string;
  /** A Hugging Face mirror to pull from; empty: huggingface.co. */
  downloadEndpoint: string;
  /** A ModelScope endpoint; empty: modelscope.cn. */
  modelScopeEndpoint: string;
  /** A team catalogue file (JSON) that adds or overrides recommended models; empty: none. */
  catalogueFile: string;
  /** The remote engine for reviews, index embeddings and remote chat; null: everything runs here. */
  remote: RemoteEngineConfig | null;
}

/** Settings a host that says nothing else runs the engine with. */
export const defaultEngineSettings: EngineSettings = {
  locale: "en",
  threads: 0,
  contextSize: 0,
  gpu: "auto",
  storeRoot: "",
  downloadEndpoint: "",
  modelScopeEndpoint: "",
  catalogueFile: "",
  remote: null,
};

export interface ConfigureResult {
  /** Settings that changed but apply only when the engine restarts (gpu, storeRoot). */
  restartNeeded: Array<keyof EngineSettings>;
  /** A problem with a setting, for the user (a team catalogue that does not read); null when none. */
  problem: string | null;
}

export interface EngineMethods {
  /** Applies the host's settings; always the first request after the engine starts. */
  configure: { params: EngineSettings; result: ConfigureResult; chunk: never };
  loadModel: { params: LoadModelParams; result: LoadedModelInfo; chunk: never };
  unloadModel: { params: UnloadModelParams; result: { unloaded: boolean }; chunk: never };
  generate: { params: GenerateParams; result: GenerateResult; chunk: TextChunk };
  /** Code completion (fill-in-the-middle); refused for a model without infill tokens. Never queued behind a chat answer. */
  infill: { params: InfillParams; result: InfillResult; chunk: TextChunk };
  chatCreate: { params: ChatCreateParams; result: ChatCreateResult; chunk: never };
  chatSend: { params: ChatSendParams; result: ChatTurnResult; chunk: TextChunk };
  chatDispose: { params: ChatDisposeParams; result: { disposed: boolean }; chunk: never };
  /** One answer to a whole conversation, with tools and thinking. */
  chatRespond: { params: ChatRespondParams; result: ChatRespondResult; chunk: ChatRespondChunk };
  /** What a model's chat template can do (a loaded one, or an installed one without loading it): its own tool syntax, thinking, thinking levels. */
  chatCapabilities: { params: ChatCapabilitiesParams; result: ChatCapabilities; chunk: never };
  /** A chat turn on the remote engine of the settings instead of a loaded model. */
  remoteChat: { params: RemoteChatParams; result: RemoteChatTurnResult; chunk: TextChunk };
  embed: { params: EmbedParams; result: EmbedResult; chunk: never };
  countTokens: { params: CountTokensParams; result: CountTokensResult; chunk: never };
  rank: { params: RankParams; result: RankResult; chunk: never };
  inspect: { params: InspectParams; result: ModelInspection; chunk: never };
  status: { params: Record<string, never>; result: EngineStatus; chunk: never };
  /**
   * The user is about to ask (typing in the chat's composer): background jobs (indexing) do not
   * start for `ms`, so the request does not wait for an embedding that cannot be interrupted.
   */
  holdBackground: { params: HoldBackgroundParams; result: { heldMs: number }; chunk: never };
  storeList: { params: Record<string, never>; result: StoreListResult; chunk: never };
  storeShow: { params: StoreShowParams; result: StoreShowResult; chunk: never };
  storePull: { params: StorePullParams; result: PullResult; chunk: PullProgress };
  /** Unloads the model first when it is loaded. */
  storeRemove: { params: StoreRemoveParams; result: RemoveResult; chunk: never };
  storeCopy: { params: StoreCopyParams; result: ModelManifest; chunk: never };
  storeImport: { params: StoreImportParams; result: ModelManifest; chunk: never };
  storeRepair: { params: Record<string, never>; result: RepairReport; chunk: never };
  /** Creates a model from a Modelfile; pulls a catalogue base on demand (its progress streams). */
  storeCreate: { params: StoreCreateParams; result: ModelManifest; chunk: PullProgress };
  /** Reviews code with the findings grammar; each chunk's findings stream as they are checked. */
  review: { params: ReviewParams; result: ReviewResult; chunk: ReviewProgress };
  /** Starts the HTTP API (restarts it when the address or origins changed). */
  apiStart: { params: ApiStartParams; result: ApiStatusResult; chunk: never };
  apiStop: { params: Record<string, never>; result: { stopped: boolean }; chunk: never };
  apiStatus: { params: Record<string, never>; result: ApiStatusResult; chunk: never };
  indexBuild: { params: IndexBuildParams; result: IndexBuildResult; chunk: IndexProgress };
  indexUpdateFiles: { params: IndexUpdateFilesParams; result: IndexBuildResult; chunk: IndexProgress };
  indexSearch: { params: IndexSearchParams; result: IndexSearchResult; chunk: never };
  indexStatus: { params: IndexStoreParams; result: IndexStatusResult; chunk: never };
  indexClear: { params: IndexStoreParams; result: { cleared: boolean }; chunk: never };
}

export type EngineMethod = keyof EngineMethods;
export type ParamsOf<M extends EngineMethod> = EngineMethods[M]["params"];
export type ResultOf<M extends EngineMethod> = EngineMethods[M]["result"];
export type ChunkOf<M extends EngineMethod> = EngineMethods[M]["chunk"];

export interface TextChunk {
  text: string;
  /** How many generated pieces (about one per token) were coalesced into `text`. */
  pieces?: number;
}


export type EngineRequestMessage = {
  [M in EngineMethod]: { type: "request"; id: number; method: M; params: ParamsOf<M> };
}[EngineMethod];

export type HostToEngineMessage =
  | EngineRequestMessage
  | { type: "cancel"; id: number }
  | { type: "shutdown" }
  /** The host's watchdog asks whether the engine's event loop still runs; the engine answers `pong`. */
  | { type: "ping" };

export type LogLevel = "debug" | "info" | "warn" | "error";

export type EngineToHostMessage =
  | { type: "ready"; pid: number; nodeVersion: string }
  | { type: "chunk"; id: number; chunk: TextChunk | ChatRespondChunk | PullProgress | ReviewProgress | IndexProgress }
  | { type: "done"; id: number; result: unknown }
  | { type: "error"; id: number; error: EngineErrorInfo }
  | { type: "log"; level: LogLevel; message: string }
  | { type: "pong" };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks the envelope of a message arriving at the engine; `isMethod` says which method names the
 * engine serves (its dispatch table), and each method checks its own params.
 */
export function parseHostMessage(value: unknown, isMethod: (name: string) => boolean): HostToEngineMessage | null {
  if (!isObject(value)) return null;
  if (value.type === "shutdown") return { type: "shutdown" };
  if (value.type === "ping") return { type: "ping" };
  if (typeof value.id !== "number" || !Number.isInteger(value.id)) return null;
  if (value.type === "cancel") return { type: "cancel", id: value.id };
  if (value.type !== "request") return null;
  if (typeof value.method !== "string" || !isMethod(value.method)) return null;
  if (!isObject(value.params)) return null;
  return value as unknown as EngineRequestMessage;
}

/** Checks the envelope of a message arriving at the host from the engine. */
export function parseEngineMessage(value: unknown): EngineToHostMessage | null {
  if (!isObject(value) || typeof value.type !== "string") return null;
  switch (value.type) {
    case "ready":
      return typeof value.pid === "number" ? (value as unknown as EngineToHostMessage) : null;
    case "log":
      return typeof value.message === "string" ? (value as unknown as EngineToHostMessage) : null;
    case "pong":
      return { type: "pong" };
    case "chunk":
      return typeof value.id === "number" && isObject(value.chunk)
        ? (value as unknown as EngineToHostMessage)
        : null;
    case "done":
      return typeof value.id === "number" ? (value as unknown as EngineToHostMessage) : null;
    case "error":
      return typeof value.id === "number" &&
        isObject(value.error) &&
        typeof value.error.code === "string" &&
        typeof value.error.message === "string"
        ? (value as unknown as EngineToHostMessage)
        : null;
    default:
      return null;
  }
}
