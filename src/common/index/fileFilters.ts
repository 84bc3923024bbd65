// What the workspace indexer must never read into an index besides secrets (secretRules.ts): binary
// files (by content), minified files (by shape), and which language a path holds. Pure: the
// engine's walker applies these to what it finds on disk.

/**
 * True when `bytes` (the start of a file) are not text: a NUL byte, or more than 10% control
 * characters other than tab, newline, carriage return and form feed. UTF-8 text passes.
 */
export function looksBinary(bytes: Uint8Array): boolean {
  const length = Math.min(bytes.length, 8192);
  if (length === 0) return false;
  let control = 0;
  for (let i = 0; i < length; i++) {
    const byte = bytes[i]!;
    if (byte === 0) return true;
    if (byte < 32 && byte !== 9 && byte !== 10 && byte !== 13 && byte !== 12 && byte !== 27) control++;
  }
  return control / length > 0.1;
}

/**
 * True for generated, minified text: a `.min.` name, a source map, or a file whose characters sit
 * mostly on very long lines (bundles, minified CSS, one-line JSON dumps).
 */
export function looksMinified(relativePath: string, text: string): boolean {
  const name = (relativePath.split("/").at(-1) ?? "").toLowerCase();
  if (/\.min\.[a-z]+$/.test(name) || name.endsWith(".map")) return true;
  if (text.length < 1000) return false;
  let longChars = 0;
  let lineStart = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text.charCodeAt(i) === 10) {
      const length = i - lineStart;
      if (length > 500) longChars += length;
      lineStart = i + 1;
    }
  }
  return longChars / text.length > 0.5;
}

export type ChunkLanguage =
  | "typescript"
  | "javascript"
  | "python"
  | "go"
  | "java"
  | "c"
  | "cpp"
  | "csharp"
  | "rust"
  | "kotlin"
  | "swift"
  | "php"
  | "ruby"
  | "markdown"
  | "pdf"
  | "plaintext";

const languageByExtension: Readonly<Record<string, ChunkLanguage>> = {
  ts: "typescript",
  tsx: "typescript",
  mts: "typescript",
  cts: "typescript",
  js: "javascript",
  jsx: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  py: "python",
  pyi: "python",
  go: "go",
  java: "java",
  c: "c",
  h: "c",
  cc: "cpp",
  cpp: "cpp",
  cxx: "cpp",
  hpp: "cpp",
  hh: "cpp",
  hxx: "cpp",
  cs: "csharp",
  rs: "rust",
  kt: "kotlin",
  kts: "kotlin",
  swift: "swift",
  php: "php",
  rb: "ruby",
  md: "markdown",
  markdown: "markdown",
  mdx: "markdown",
  pdf: "pdf",
};

/** The language a path's extension names; plain text for anything else. */
export function languageForPath(relativePath: string): ChunkLanguage {
  const name = (relativePath.split("/").at(-1) ?? "").toLowerCase();
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return "plaintext";
  return languageByExtension[name.slice(dot + 1)] ?? "plaintext";
}
