// What the workspace indexer must never read into an index: secrets (by name and folder), binary
// files (by content), minified files (by shape), and which language a path holds. Pure: the
// engine's walker applies these to what it finds on disk.

/** Folders whose whole content is credentials. */
const secretFolders = new Set([".aws", ".ssh", ".gnupg", ".azure", ".kube", ".docker", ".gcloud"]);

/** Exact file names (lower-case) that hold credentials. */
const secretNames = new Set([
  ".npmrc",
  ".yarnrc",
  ".yarnrc.yml",
  ".pypirc",
  ".netrc",
  "_netrc",
  ".git-credentials",
  ".gitcredentials",
  ".htpasswd",
  ".pgpass",
  ".dockercfg",
  "credentials",
  "credentials.json",
  "credentials.xml",
  "credentials.yml",
  "credentials.yaml",
  "secrets.json",
  "secrets.yml",
  "secrets.yaml",
  "secrets.toml",
  "service-account.json",
  "known_hosts",
  "authorized_keys",
]);

/** File name patterns (lower-case) that hold keys, certificates or credentials. */
const secretPatterns: readonly RegExp[] = [
  /^\.env(\..*)?$/, // .env, .env.local, .env.production…
  /\.env$/, // production.env
  /^id_(rsa|dsa|ecdsa|ed25519)(\..*)?$/, // ssh keys and their .pub
  /\.(pem|key|p12|pfx|jks|keystore|crt|cer|der|csr|p8|ppk|asc|gpg|kdbx|tfstate|tfvars)$/,
  /\.tfstate\.backup$/,
  // aws.credentials, gcp-credentials.json, db_credentials.yaml — but not code such as
  // ws-credentials.ts, which SDKs use for the code that handles credentials.
  /^.*[._-]credentials?(\.(json|ya?ml|xml|toml|ini|cfg|conf|txt|csv|properties|env))?$/,
  /^.*accesskeys\.csv$/, // AWS console downloads: name_accessKeys.csv
  /^.*service[-_]account.*\.json$/,
];

/** The reason `relativePath` (with `/` separators) is a secret, or null. */
export function secretReason(relativePath: string): string | null {
  const parts = relativePath.split("/").filter((part) => part.length > 0);
  for (const folder of parts.slice(0, -1)) {
    if (secretFolders.has(folder.toLowerCase())) return `inside ${folder}/`;
  }
  const name = (parts.at(-1) ?? "").toLowerCase();
  if (secretNames.has(name)) return `credential file ${name}`;
  if (secretPatterns.some((pattern) => pattern.test(name))) return `secret file name ${name}`;
  return null;
}

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
