// Who may call the local HTTP API (DNS-rebinding protection, as Ollama's OLLAMA_HOST and
// OLLAMA_ORIGINS): where it listens, which Host headers and which browser origins it answers.
// Pure: the server (src/engine/api/apiServer.ts) applies these to each request.
import { localize } from "../localize";

/** Hearth's API port: next to Ollama's 11434, so both can run on one machine. */
export const defaultApiPort = 11435;
export const defaultApiHost = "127.0.0.1";

export interface ListenAddress {
  /** A host name or IP address (IPv6 without brackets). */
  host: string;
  port: number;
}

/**
 * `HOST:PORT`, `HOST`, `:PORT`, `[::1]:PORT` or `http://HOST:PORT` (as HEARTH_HOST and the
 * hearth.api.host setting take them). Empty means 127.0.0.1:11435. Throws an Error whose message
 * says what is wrong.
 */
export function parseListenAddress(text: string): ListenAddress {
  let rest = text.trim().replace(/^https?:\/\//i, "").replace(/\/+$/, "");
  if (rest === "") return { host: defaultApiHost, port: defaultApiPort };
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) throw new Error(invalidAddress(text));
    host = rest.slice(1, close);
    rest = rest.slice(close + 1);
    if (rest !== "" && !rest.startsWith(":")) throw new Error(invalidAddress(text));
    portText = rest === "" ? undefined : rest.slice(1);
  } else {
    const colon = rest.lastIndexOf(":");
    if (colon >= 0 && rest.indexOf(":") !== colon) {
      // A bare IPv6 address without a port.
      host = rest;
    } else if (colon >= 0) {
      host = rest.slice(0, colon);
      portText = rest.slice(colon + 1);
    } else {
      host = rest;
    }
  }
  if (host === "") host = defaultApiHost;
  if (!/^[A-Za-z0-9.:_-]+$/.test(host)) throw new Error(invalidAddress(text));
  let port = defaultApiPort;
  if (portText !== undefined) {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 0 || port > 65535) throw new Error(invalidAddress(text));
  }
  return { host, port };
}

function invalidAddress(text: string): string {
  return localize(
    "\"{0}\" is not an address to listen on. Write HOST:PORT, for example 127.0.0.1:11435, or 0.0.0.0:11435 to accept other computers.",
    text,
  );
}

/** `http://HOST:PORT` for a listen address, with IPv6 in brackets. */
export function addressUrl(address: ListenAddress): string {
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `http://${host}:${address.port}`;
}

/** `localhost`, `*.localhost`, 127.0.0.0/8, ::1 (and ::ffff:127.x). */
export function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (name === "::1" || name === "0:0:0:0:0:0:0:1") return true;
  const v4 = name.startsWith("::ffff:") ? name.slice("::ffff:".length) : name;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** The host name of a Host header (`name:port`, `[v6]:port`), lower case; null when malformed. */
export function hostHeaderName(header: string): string | null {
  const value = header.trim().toLowerCase();
  if (value === "") return null;
  if (value.startsWith("[")) {
    const close = value.indexOf("]");
    return close > 1 ? value.slice(1, close) : null;
  }
  const colon = value.indexOf(":");
  return colon >= 0 ? value.slice(0, colon) : value;
}

/** Origins given as a comma-separated list (HEARTH_ORIGINS, hearth.api.allowedOrigins); `*` wildcards. */
export function parseOriginList(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((entry) => entry.trim().replace(/\/+$/, ""))
    .filter((entry) => entry !== "");
}

/** Schemes of local apps and editor webviews, allowed as Ollama allows them. */
const localSchemes = ["app", "file", "tauri", "vscode-webview", "vscode-file"];

function globMatches(pattern: string, value: string): boolean {
  const escaped = pattern
    .toLowerCase()
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${escaped}$`).test(value.toLowerCase());
}

interface ParsedOrigin {
  scheme: string;
  hostname: string;
}

function parseOrigin(origin: string): ParsedOrigin | null {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^/:]*)(?::\d+)?\/?$/i.exec(origin.trim());
  if (!match) return null;
  return { scheme: match[1]!.toLowerCase(), hostname: match[2]!.toLowerCase().replace(/^\[|\]$/g, "") };
}

/**
 * Whether a browser page at `origin` may call the API: a page on a loopback host (http/https),
 * a local app or editor webview, or one the user allowed. `null` (no Origin header: curl, scripts,
 * SDKs) is always allowed.
 */
export function originAllowed(origin: string | null, allowed: readonly string[]): boolean {
  if (origin === null) return true;
  const value = origin.trim().replace(/\/+$/, "");
  if (allowed.some((pattern) => pattern === "*" || globMatches(pattern, value))) return true;
  const parsed = parseOrigin(value);
  if (!parsed) return false;
  if (localSchemes.includes(parsed.scheme)) return true;
  return (parsed.scheme === "http" || parsed.scheme === "https") && isLoopbackHostname(parsed.hostname);
}

/**
 * Whether a request's Host header names this server. On a loopback address only loopback names
 * are answered (a foreign name is a DNS-rebinding attempt); when the user chose to listen on
 * another address, every name is (they opened it to the network on purpose). A host named by an
 * allowed origin is answered too.
 */
export function hostAllowed(hostHeader: string | undefined, listenHost: string, allowed: readonly string[]): boolean {
  if (hostHeader === undefined) return true;
  const name = hostHeaderName(hostHeader);
  if (name === null) return false;
  if (isLoopbackHostname(name)) return true;
  if (!isLoopbackHostname(listenHost)) return true;
  return allowed.some((pattern) => {
    if (pattern === "*") return true;
    const hostPattern = pattern.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/:(\d+|\*)$/, "");
    return globMatches(hostPattern, name);
  });
}

/**
 * Whether a browser page at `origin` may change the model store (pull, create, copy, delete):
 * only a page the user named in HEARTH_ORIGINS / hearth.api.allowedOrigins. Local pages, editor
 * webviews and desktop apps may read and generate (originAllowed), but not manage models, unless
 * named; a bare `*` (every site may read and generate) does not count as naming one. `null` (no
 * Origin header: curl, scripts, SDKs) is not a browser page and may.
 */
export function originMayChangeStore(origin: string | null, allowed: readonly string[]): boolean {
  if (origin === null) return true;
  const value = origin.trim().replace(/\/+$/, "");
  return allowed.some((pattern) => pattern !== "*" && globMatches(pattern, value));
}

/** Whether the API, listening on `host`, can be reached from other computers (an address other than loopback). */
export function listensBeyondLoopback(host: string): boolean {
  return !isLoopbackHostname(host);
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^\s*Bearer\s+(.+?)\s*$/i.exec(header ?? "");
  return match ? match[1]! : null;
}
