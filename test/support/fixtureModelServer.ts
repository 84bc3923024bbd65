// A real HTTP server on loopback that serves model files the way Hugging Face and plain web
// servers do: HEAD, Range / If-Range with ETags, redirects with X-Linked-Etag (Hugging Face's
// sha256 of an LFS file), and faults on demand: a status for every request, a connection dropped
// after N bytes, wrong bytes, slow streaming, a server that ignores Range or knows no HEAD.
import { createHash } from "node:crypto";
import * as fs from "node:fs/promises";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import type { FixtureModels } from "../fixtures/fixtureModels";
import { ensureFixtureModels } from "../fixtures/fixtureModels";

export interface FixtureFault {
  /** Answer every request for the path with this status (404, 401, 403, 500…). */
  status?: number;
  /** GET: close the connection after sending this many body bytes… */
  dropAfterBytes?: number;
  /** …this many times (default 1); later requests are served whole. */
  dropTimes?: number;
  /** GET: send the file with one byte changed (same length). */
  corrupt?: boolean;
  /** GET: send the body in chunks of this many bytes… */
  chunkBytes?: number;
  /** …waiting this long between chunks. */
  chunkDelayMs?: number;
  /** Answer Range requests with the whole file (200). */
  ignoreRange?: boolean;
  /** HEAD is answered 405, as some servers do. */
  noHead?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  range: string | null;
  ifRange: string | null;
  authorization: string | null;
  status: number;
}

export interface ServedFile {
  /** The URL path the file is requested at. */
  path: string;
  url: string;
  bytes: Buffer;
  sha256: string;
  etag: string;
}

interface Route {
  kind: "file" | "redirect";
  file: ServedFile;
  /** For a redirect: where to, and the X-Linked-* headers it carries. */
  location?: string;
}

function sha256Of(bytes: Buffer): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export class FixtureModelServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Route>();
  private readonly faults = new Map<string, FixtureFault & { dropped: number }>();
  private readonly server: http.Server;
  private readonly lastModified = new Date(Date.UTC(2024, 0, 1)).toUTCString();
  url = "";

  private constructor() {
    this.server = http.createServer((request, response) => {
      void this.handle(request, response).catch(() => {
        response.destroy();
      });
    });
  }

  static async start(): Promise<FixtureModelServer> {
    const instance = new FixtureModelServer();
    await new Promise<void>((resolve) => instance.server.listen(0, "127.0.0.1", resolve));
    instance.url = `http://127.0.0.1:${(instance.server.address() as AddressInfo).port}`;
    return instance;
  }

  /** Serves `bytes` at `urlPath` (which starts with `/`). */
  serve(urlPath: string, bytes: Buffer): ServedFile {
    const sha256 = sha256Of(bytes);
    const file: ServedFile = { path: urlPath, url: this.url + urlPath, bytes, sha256, etag: `"${sha256.slice(0, 16)}"` };
    this.routes.set(urlPath, { kind: "file", file });
    return file;
  }

  /** Replaces the bytes at a path (a new ETag: a resume must notice the file changed). */
  replace(urlPath: string, bytes: Buffer): ServedFile {
    return this.serve(urlPath, bytes);
  }

  /**
   * Hugging Face's layout: `/<repo>/resolve/main/<file>` answers 302 with X-Linked-Etag (the
   * sha256) and X-Linked-Size, pointing at `/cdn/<sha256>/<file>` which serves the bytes.
   * Returns the CDN file; faults can be set on either path.
   */
  serveHuggingFace(repo: string, file: string, bytes: Buffer): { resolvePath: string; cdn: ServedFile } {
    const sha256 = sha256Of(bytes);
    const cdn = this.serve(`/cdn/${sha256}/${file}`, bytes);
    const resolvePath = `/${repo}/resolve/main/${file}`;
    this.routes.set(resolvePath, { kind: "redirect", file: cdn, location: cdn.path });
    return { resolvePath, cdn };
  }

  /** `urlPath` answers 302 to `location` (any URL: another host, another port). */
  redirect(urlPath: string, location: string, file: ServedFile): void {
    this.routes.set(urlPath, { kind: "redirect", file, location });
  }

  setFault(urlPath: string, fault: FixtureFault | null): void {
    if (fault) this.faults.set(urlPath, { ...fault, dropped: 0 });
    else this.faults.delete(urlPath);
  }

  requestsFor(urlPath: string, method?: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === urlPath && (method === undefined || request.method === method));
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(request: http.IncomingMessage, urlPath: string, status: number): void {
    const header = (name: string): string | null => {
      const value = request.headers[name];
      return typeof value === "string" ? value : null;
    };
    this.requests.push({
      method: request.method ?? "GET",
      path: urlPath,
      range: header("range"),
      ifRange: header("if-range"),
      authorization: header("authorization"),
      status,
    });
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const urlPath = decodeURIComponent(new URL(request.url ?? "/", this.url).pathname);
    const method = request.method ?? "GET";
    const route = this.routes.get(urlPath);
    const fault = this.faults.get(urlPath);
    if (fault?.status !== undefined) {
      this.record(request, urlPath, fault.status);
      response.writeHead(fault.status, { "content-type": "text/plain" });
      response.end(method === "HEAD" ? undefined : `status ${fault.status}`);
      return;
    }
    if (!route) {
      this.record(request, urlPath, 404);
      response.writeHead(404, { "content-type": "text/plain" });
      response.end(method === "HEAD" ? undefined : "Entry not found");
      return;
    }
    if (method === "HEAD" && fault?.noHead) {
      this.record(request, urlPath, 405);
      response.writeHead(405);
      response.end();
      return;
    }
    if (route.kind === "redirect") {
      this.record(request, urlPath, 302);
      response.writeHead(302, {
        location: route.location!,
        "x-linked-etag": `"${route.file.sha256}"`,
        "x-linked-size": String(route.file.bytes.length),
        "content-length": "0",
      });
      response.end();
      return;
    }

    const file = route.file;
    const size = file.bytes.length;
    let start = 0;
    let end = size - 1;
    let status = 200;
    const rangeHeader = typeof request.headers.range === "string" ? request.headers.range : null;
    const ifRange = typeof request.headers["if-range"] === "string" ? request.headers["if-range"] : null;
    const rangeValid = ifRange === null || ifRange === file.etag || ifRange === this.lastModified;
    if (rangeHeader && !fault?.ignoreRange && rangeValid) {
      const match = /^bytes=(\d+)-(\d*)$/.exec(rangeHeader);
      if (match) {
        start = Number(match[1]);
        end = match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
        if (start >= size) {
          this.record(request, urlPath, 416);
          response.writeHead(416, { "content-range": `bytes */${size}` });
          response.end();
          return;
        }
        status = 206;
      }
    }
    this.record(request, urlPath, status);
    const headers: http.OutgoingHttpHeaders = {
      "content-type": "application/octet-stream",
      "content-length": String(end - start + 1),
      "accept-ranges": "bytes",
      etag: file.etag,
      "last-modified": this.lastModified,
    };
    if (status === 206) headers["content-range"] = `bytes ${start}-${end}/${size}`;
    response.writeHead(status, headers);
    if (method === "HEAD") {
      response.end();
      return;
    }

    let body = file.bytes.subarray(start, end + 1);
    if (fault?.corrupt) {
      body = Buffer.from(body);
      const middle = Math.floor(body.length / 2);
      body[middle] = body[middle]! ^ 0xff;
    }
    const dropAt =
      fault?.dropAfterBytes !== undefined && fault.dropped < (fault.dropTimes ?? 1) ? fault.dropAfterBytes : null;
    if (dropAt !== null) fault!.dropped++;
    const chunkBytes = fault?.chunkBytes ?? 64 * 1024;
    const delayMs = fault?.chunkDelayMs ?? 0;
    let sent = 0;
    let closed = false;
    response.on("close", () => {
      closed = true;
    });
    while (sent < body.length && !closed) {
      let next = Math.min(body.length, sent + chunkBytes);
      if (dropAt !== null) next = Math.min(next, dropAt);
      const chunk = body.subarray(sent, next);
      sent = next;
      await new Promise<void>((resolve) => response.write(chunk, () => resolve()));
      if (dropAt !== null && sent >= dropAt) {
        // Let the bytes reach the client, then cut the connection mid-body.
        await new Promise((resolve) => setTimeout(resolve, 20));
        response.socket?.destroy();
        return;
      }
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
    response.end();
  }
}

export interface FixtureModelSite {
  server: FixtureModelServer;
  fixtures: FixtureModels;
  /** The tiny llama at `/files/tiny-llama.gguf`. */
  llama: ServedFile;
  /** The tiny embedder at `/files/tiny-bert-embed.gguf`. */
  embedding: ServedFile;
  /** The tiny llama in Hugging Face's layout, repo `hearth-test/tiny-llama-GGUF`. */
  huggingFace: { repo: string; file: string; resolvePath: string; cdn: ServedFile };
}

/** Starts a server with the fixture models (generated on demand) at plain and Hugging Face paths. */
export async function startFixtureModelSite(): Promise<FixtureModelSite> {
  const fixtures = await ensureFixtureModels();
  const server = await FixtureModelServer.start();
  const llamaBytes = await fs.readFile(fixtures.llama);
  const llama = server.serve(`/files/${path.basename(fixtures.llama)}`, llamaBytes);
  const embedding = server.serve(`/files/${path.basename(fixtures.embedding)}`, await fs.readFile(fixtures.embedding));
  const repo = "hearth-test/tiny-llama-GGUF";
  const file = "tiny-llama-q8_0.gguf";
  const { resolvePath, cdn } = server.serveHuggingFace(repo, file, llamaBytes);
  return { server, fixtures, llama, embedding, huggingFace: { repo, file, resolvePath, cdn } };
}
