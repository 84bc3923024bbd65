// Model references as a user types them: a store name (`qwen2.5-coder:1.5b`), a Hugging Face
// file (`hf:owner/repo/file.gguf@revision`), a ModelScope file (`ms:owner/repo/file.gguf`), an
// http(s) URL to a .gguf file, or a local .gguf path. Names follow Ollama's rules: lower case,
// letters, digits, `.`, `-`, `_`, and `/` in the family for namespaces; the tag defaults to `latest`.
import { EngineError } from "../engine/engineError";
import { localize } from "../localize";

export const defaultTag = "latest";

/** A name in the model store: `family:tag`. */
export interface ModelName {
  /** Lower case; may hold `/`-separated namespaces (`library/qwen2.5-coder`). */
  readonly family: string;
  readonly tag: string;
}

export type ModelReference =
  | { readonly kind: "name"; readonly name: ModelName }
  | {
      readonly kind: "huggingFace" | "modelScope";
      /** `owner/repo`. */
      readonly repo: string;
      /** The file's path inside the repository, `/`-separated, ending in `.gguf`. */
      readonly file: string;
      /** A branch, tag or commit; absent means the default branch. */
      readonly revision: string | undefined;
    }
  | { readonly kind: "url"; readonly url: string }
  | { readonly kind: "path"; readonly path: string };

const maxSegmentLength = 80;
const maxNamespaces = 3;
const familySegmentPattern = /^[a-z0-9][a-z0-9._-]*$/;
const tagPattern = /^[a-z0-9_][a-z0-9._-]*$/;
/** Owner and repository names on Hugging Face and ModelScope. */
const repoSegmentPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const revisionPattern = /^[A-Za-z0-9._/-]+$/;
const ggufSuffix = /\.gguf$/i;

function invalidName(input: string): EngineError {
  return new EngineError(
    "badRequest",
    localize(
      "\"{0}\" is not a valid model name. Use family:tag with lower-case letters, digits, '.', '-' and '_' (for example qwen2.5-coder:1.5b); the tag may be left out.",
      input,
    ),
  );
}

function isValidFamily(family: string): boolean {
  const segments = family.split("/");
  return (
    segments.length <= maxNamespaces &&
    segments.every((segment) => segment.length <= maxSegmentLength && familySegmentPattern.test(segment))
  );
}

function isValidTag(tag: string): boolean {
  return tag.length <= maxSegmentLength && tagPattern.test(tag);
}

/** Parses `family[:tag]` (case-insensitive; the result is lower case). Returns null when invalid. */
export function tryParseModelName(input: string): ModelName | null {
  const text = input.trim().toLowerCase();
  const colon = text.lastIndexOf(":");
  // A colon before the last slash belongs to a host (`host:port/x`), which store names do not have.
  if (colon !== -1 && text.indexOf("/", colon) !== -1) return null;
  const family = colon === -1 ? text : text.slice(0, colon);
  const tag = colon === -1 ? defaultTag : text.slice(colon + 1);
  if (!isValidFamily(family) || !isValidTag(tag)) return null;
  return { family, tag };
}

/** Parses `family[:tag]`, or throws an EngineError ("badRequest") that says what a name looks like. */
export function parseModelName(input: string): ModelName {
  if (input.trim() === "") {
    throw new EngineError("badRequest", localize("Enter a model name, for example qwen2.5-coder:1.5b."));
  }
  const name = tryParseModelName(input);
  if (!name) throw invalidName(input);
  return name;
}

export function formatModelName(name: ModelName): string {
  return `${name.family}:${name.tag}`;
}

/** `qwen2.5-coder` → `qwen2.5-coder:latest`; throws like parseModelName. */
export function normalizeModelName(input: string): string {
  return formatModelName(parseModelName(input));
}

function parseRepositoryFile(
  kind: "huggingFace" | "modelScope",
  body: string,
  input: string,
): ModelReference {
  let location = body;
  let revision: string | undefined;
  const at = body.lastIndexOf("@");
  if (at !== -1 && ggufSuffix.test(body.slice(0, at))) {
    location = body.slice(0, at);
    revision = body.slice(at + 1);
  }
  const segments = location.split("/");
  const valid =
    segments.length >= 3 &&
    repoSegmentPattern.test(segments[0]!) &&
    repoSegmentPattern.test(segments[1]!) &&
    segments.slice(2).every((segment) => segment !== "" && segment !== "." && segment !== ".." && !/[\\?#]/.test(segment)) &&
    ggufSuffix.test(location) &&
    (revision === undefined || (revision !== "" && revisionPattern.test(revision) && !revision.split("/").includes("..")));
  if (!valid) {
    throw new EngineError(
      "badRequest",
      kind === "huggingFace"
        ? localize(
            "\"{0}\" is not a valid Hugging Face reference. Write hf:owner/repository/file.gguf, optionally followed by @revision (a branch, tag or commit).",
            input,
          )
        : localize(
            "\"{0}\" is not a valid ModelScope reference. Write ms:owner/repository/file.gguf, optionally followed by @revision.",
            input,
          ),
    );
  }
  return { kind, repo: `${segments[0]}/${segments[1]}`, file: segments.slice(2).join("/"), revision };
}

function parseUrl(input: string): ModelReference {
  let url: URL | null = null;
  try {
    url = new URL(input);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !ggufSuffix.test(url.pathname)) {
    throw new EngineError(
      "badRequest",
      localize("\"{0}\" is not an address Hearth can download a model from: give an http(s) URL of a .gguf file.", input),
    );
  }
  return { kind: "url", url: url.toString() };
}

/**
 * Which form a reference is written in, without checking it: `hf:` / `huggingface:`, `ms:` /
 * `modelscope:`, a URL, a file path, else a store name. A path ends in `.gguf` (or another weights
 * file: `.bin`, `.safetensors`), or is written as one: `/…`, `./…`, `../…`, `~…`, a backslash, a
 * drive letter. A slash alone does not make a path: store names have namespaces
 * (`library/qwen2.5-coder`), as Ollama's do.
 */
export function modelReferenceKind(input: string): ModelReference["kind"] {
  const text = input.trim();
  const scheme = /^([a-z]+):(?!\/\/)/i.exec(text)?.[1]?.toLowerCase();
  if (scheme === "hf" || scheme === "huggingface") return "huggingFace";
  if (scheme === "ms" || scheme === "modelscope") return "modelScope";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return "url";
  if (/^(\.{1,2}([\\/]|$)|[\\/~]|[A-Za-z]:[\\/])/.test(text) || text.includes("\\") || /\.(gguf|bin|safetensors)$/i.test(text)) {
    return "path";
  }
  return "name";
}

/** Whether a reference names a file on this machine rather than a store name or a download. */
export function isModelPath(input: string): boolean {
  return modelReferenceKind(input) === "path";
}

/**
 * Tells the forms apart (see modelReferenceKind) and checks each: a store name by Ollama's rules,
 * a Hugging Face or ModelScope file, an http(s) URL of a `.gguf` file, a path. Throws an
 * EngineError ("badRequest") written for the user.
 */
export function parseModelReference(input: string): ModelReference {
  const text = input.trim();
  if (text === "") {
    throw new EngineError("badRequest", localize("Enter a model name, for example qwen2.5-coder:1.5b."));
  }
  switch (modelReferenceKind(text)) {
    case "huggingFace":
    case "modelScope": {
      const colon = text.indexOf(":");
      return parseRepositoryFile(modelReferenceKind(text) as "huggingFace" | "modelScope", text.slice(colon + 1), text);
    }
    case "url":
      return parseUrl(text);
    case "path":
      return { kind: "path", path: text };
    case "name":
      return { kind: "name", name: parseModelName(text) };
  }
}

/** The reference written back in its canonical form (`hf:owner/repo/file.gguf@rev`, `family:tag`, …). */
export function formatModelReference(ref: ModelReference): string {
  switch (ref.kind) {
    case "name":
      return formatModelName(ref.name);
    case "huggingFace":
    case "modelScope": {
      const prefix = ref.kind === "huggingFace" ? "hf" : "ms";
      return `${prefix}:${ref.repo}/${ref.file}${ref.revision === undefined ? "" : `@${ref.revision}`}`;
    }
    case "url":
      return ref.url;
    case "path":
      return ref.path;
  }
}

/**
 * Quantization names as they end GGUF file names: q4_k_m, q8_0, iq3_xxs, f16, bf16, tq1_0, mxfp4…
 * Matched at the end of the lower-cased base name, after a `-`, `.` or `_`.
 */
const quantizationSuffix =
  /[-._]((?:i?q\d+(?:_[a-z0-9]+)*)|(?:tq\d+_\d+)|f16|f32|bf16|fp16|fp32|mxfp4)$/;
const splitSuffix = /-\d{5}-of-\d{5}$/;

function sanitizeFamily(text: string): string {
  const cleaned = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .replace(/[-._]+$/, "")
    .slice(0, maxSegmentLength)
    .replace(/[-._]+$/, "");
  return cleaned === "" ? "model" : cleaned;
}

/**
 * A store name for a GGUF file name: the quantization becomes the tag, the rest the family.
 * `qwen2.5-coder-1.5b-instruct-q4_k_m.gguf` → `qwen2.5-coder-1.5b-instruct:q4_k_m`;
 * `Llama-3.2-3B-Instruct.Q8_0.gguf` → `llama-3.2-3b-instruct:q8_0`; no quantization → `:latest`.
 */
export function modelNameFromFileName(fileName: string): ModelName {
  const base = (fileName.split(/[\\/]/).pop() ?? fileName).replace(ggufSuffix, "").toLowerCase().replace(splitSuffix, "");
  const match = quantizationSuffix.exec(base);
  if (match && match.index > 0) {
    const family = sanitizeFamily(base.slice(0, match.index));
    return { family, tag: match[1]!.slice(0, maxSegmentLength) };
  }
  return { family: sanitizeFamily(base), tag: defaultTag };
}

/** The file name at the end of a reference that names a file (URL, repository file, path). */
export function referenceFileName(ref: ModelReference): string | null {
  switch (ref.kind) {
    case "name":
      return null;
    case "huggingFace":
    case "modelScope":
      return ref.file.split("/").pop() ?? ref.file;
    case "url": {
      const last = new URL(ref.url).pathname.split("/").pop() ?? "";
      try {
        return decodeURIComponent(last);
      } catch {
        return last;
      }
    }
    case "path":
      return ref.path.split(/[\\/]/).pop() ?? ref.path;
  }
}

/** The store name a reference gets when the user gives none: a name stays itself, a file is named after its file name. */
export function storeNameForReference(ref: ModelReference): string {
  if (ref.kind === "name") return formatModelName(ref.name);
  return formatModelName(modelNameFromFileName(referenceFileName(ref) ?? "model.gguf"));
}
