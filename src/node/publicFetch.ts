// A `fetch` that reaches only public internet addresses, for downloads a caller other than the
// user asks for (a URL pull through the local HTTP API). Each connection resolves its host name
// and checks every address the connection may use — the address checked is the one connected
// to, so a name that resolves to a public address for the check and a private one for the
// connection (DNS rebinding) cannot slip through — and redirects are followed here, one hop at a
// time, each hop checked again. Loopback, private (RFC 1918, unique local), link-local (cloud
// metadata at 169.254.169.254 included), carrier-grade NAT, multicast, reserved and documentation
// ranges are refused, as are IPv4 addresses embedded in IPv6 (mapped, NAT64, 6to4) that are.
import * as dns from "node:dns";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import { Readable } from "node:stream";

/** Ranges no pull through the API may reach. */
const blockedV4: ReadonlyArray<[string, number]> = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];
const blockedV6: ReadonlyArray<[string, number]> = [
  ["::", 128],
  ["::1", 128],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
];

const blockList = new net.BlockList();
for (const [address, prefix] of blockedV4) blockList.addSubnet(address, prefix, "ipv4");
for (const [address, prefix] of blockedV6) blockList.addSubnet(address, prefix, "ipv6");

/** The 16 bytes of an IPv6 address (valid per net.isIPv6). */
function ipv6Bytes(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, "");
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const parts = dotted[1]!.split(".").map(Number);
    tail.push(parts[0]!, parts[1]!, parts[2]!, parts[3]!);
    text = text.slice(0, -dotted[1]!.length).replace(/:$/, ":0");
    text = text.endsWith("::0") ? text.slice(0, -1) : text;
  }
  const [head, rest] = text.includes("::") ? text.split("::") : [text, undefined];
  const groups = (value: string | undefined): number[] => (value ? value.split(":").filter((part) => part !== "").map((part) => parseInt(part, 16)) : []);
  const first = groups(head);
  const last = groups(rest);
  const wanted = 8 - tail.length / 2;
  const all = rest === undefined ? first : [...first, ...new Array<number>(Math.max(0, wanted - first.length - last.length)).fill(0), ...last];
  const bytes: number[] = [];
  for (const group of all.slice(0, wanted)) bytes.push((group >> 8) & 0xff, group & 0xff);
  return [...bytes, ...tail];
}

/** The IPv4 address an IPv6 address carries (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16), or null. */
function embeddedIpv4(address: string): string | null {
  const b = ipv6Bytes(address);
  if (b.length !== 16) return null;
  const v4 = (offset: number): string => b.slice(offset, offset + 4).join(".");
  const zeros = (from: number, to: number): boolean => b.slice(from, to).every((value) => value === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return v4(12);
  if (zeros(0, 12)) return v4(12);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return v4(12);
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2);
  return null;
}

/** Whether an IP address is on the public internet (not loopback, private, link-local, reserved…). */
export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return !blockList.check(address, "ipv4");
  if (family !== 6) return false;
  const embedded = embeddedIpv4(address);
  if (embedded !== null) return isPublicAddress(embedded);
  return !blockList.check(address.replace(/%.*$/, ""), "ipv6");
}

export type LookupAll = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface AddressPolicy {
  /** Which resolved addresses may be connected to; isPublicAddress by default (tests widen it). */
  allowAddress?: (address: string) => boolean;
  /** Resolves a host name to all its addresses; dns.lookup by default (tests substitute names). */
  lookup?: LookupAll;
}

/** The error a refused address fails a request with; `refusedAddress` says which. */
export class RefusedAddressError extends Error {
  constructor(
    readonly hostname: string,
    readonly refusedAddress: string,
  ) {
    super(`${hostname} resolves to ${refusedAddress}, which is not a public internet address`);
    this.name = "RefusedAddressError";
  }
}

const defaultLookup: LookupAll = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * The address to connect to for `hostname`: every address the name resolves to must be allowed
 * (a name with one private address among public ones is refused, as a client may pick any).
 */
export async function checkedAddress(hostname: string, policy: AddressPolicy = {}): Promise<{ address: string; family: number }> {
  const allow = policy.allowAddress ?? isPublicAddress;
  const bare = hostname.replace(/^\[|\]$/g, "");
  const literal = net.isIP(bare);
  const addresses = literal ? [{ address: bare, family: literal }] : await (policy.lookup ?? defaultLookup)(bare);
  if (addresses.length === 0) throw new RefusedAddressError(bare, "(no address)");
  for (const entry of addresses) {
    if (!allow(entry.address)) throw new RefusedAddressError(bare, entry.address);
  }
  return addresses[0]!;
}

const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

/** One request with no redirects followed, connected only to a checked address. */
async function requestOnce(url: URL, init: RequestInit, policy: AddressPolicy): Promise<Response> {
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`unsupported protocol ${url.protocol}`);
  const target = await checkedAddress(url.hostname, policy);
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, key) => {
    headers[key] = value;
  });
  const method = (init.method ?? "GET").toUpperCase();
  const transport = url.protocol === "https:" ? https : http;
  return new Promise<Response>((resolve, reject) => {
    const request = transport.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port === "" ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        // The connection goes to the address checked above, never to a second answer from DNS.
        lookup: (_hostname: string, options: dns.LookupOptions, callback: (...args: never[]) => void) => {
          const done = callback as unknown as (error: Error | null, address: string | dns.LookupAddress[], family?: number) => void;
          if (options.all) done(null, [{ address: target.address, family: target.family }]);
          else done(null, target.address, target.family);
        },
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (response) => {
        const responseHeaders = new Headers();
        for (const [key, value] of Object.entries(response.headers)) {
          if (value === undefined) continue;
          for (const item of Array.isArray(value) ? value : [value]) responseHeaders.append(key, item);
        }
        const status = response.statusCode ?? 500;
        const hasBody = method !== "HEAD" && !nullBodyStatuses.has(status);
        if (!hasBody) response.resume();
        resolve(
          new Response(hasBody ? (Readable.toWeb(response) as ReadableStream<Uint8Array>) : null, {
            status: status < 200 || status > 599 ? 502 : status,
            statusText: response.statusMessage ?? "",
            headers: responseHeaders,
          }),
        );
      },
    );
    request.on("error", reject);
    if (init.body !== undefined && init.body !== null) request.end(init.body as string);
    else request.end();
  });
}

/**
 * A `fetch` for downloads that must reach only allowed (public) addresses: every hop of a
 * redirect is checked as the first one was; credentials (Authorization) do not follow a redirect
 * to another origin, as fetch's own redirects behave.
 */
export function publicOnlyFetch(policy: AddressPolicy = {}): (input: string, init?: RequestInit) => Promise<Response> {
  return async (input, init = {}) => {
    let url = new URL(input);
    const origin = url.origin;
    for (let hop = 0; hop <= 10; hop++) {
      const headers = new Headers(init.headers);
      if (url.origin !== origin) headers.delete("authorization");
      const response = await requestOnce(url, { ...init, headers }, policy);
      const location = response.headers.get("location");
      if (init.redirect === "manual" || response.status < 300 || response.status >= 400 || !location) return response;
      await response.body?.cancel().catch(() => undefined);
      url = new URL(location, url);
    }
    throw new TypeError(`too many redirects from ${input}`);
  };
}
