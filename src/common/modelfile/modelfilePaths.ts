// Where a Modelfile's FROM, ADAPTER and DRAFT paths point, resolved as Ollama resolves them, with
// either separator, so the same answer comes on Windows and elsewhere (no Node path module here).

function isWindowsStyle(path: string): boolean {
  return /^[A-Za-z]:/.test(path) || (path.includes("\\") && !path.includes("/"));
}

function normalizeSegments(path: string, separator: string): string {
  const prefixMatch = /^([A-Za-z]:)?[\\/]*/.exec(path)!;
  const prefix = prefixMatch[0].replace(/[\\/]+/g, separator);
  const out: string[] = [];
  for (const segment of path.slice(prefixMatch[0].length).split(/[\\/]+/)) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (prefix === "") out.push("..");
      continue;
    }
    out.push(segment);
  }
  return prefix + out.join(separator);
}

/**
 * Resolves a FROM/ADAPTER/DRAFT path as Ollama does: absolute as is, `~/` against the home
 * folder, anything else against the Modelfile's folder. Null for a path it cannot resolve
 * (`~user/…`, or `~/…` without a home folder).
 */
export function resolveModelfilePath(value: string, baseDir: string, homeDir?: string): string | null {
  const windows = isWindowsStyle(baseDir) || isWindowsStyle(value);
  const separator = windows ? "\\" : "/";
  if (/^([A-Za-z]:)?[\\/]/.test(value)) return normalizeSegments(value, separator);
  if (value === "~" || value.startsWith("~/") || value.startsWith("~\\")) {
    return homeDir === undefined ? null : normalizeSegments(`${homeDir}${separator}${value.slice(1)}`, separator);
  }
  if (value.startsWith("~")) return null;
  return normalizeSegments(`${baseDir}${separator}${value}`, separator);
}
