// Request and response plumbing of the HTTP front (server.ts): reading a bounded body,
// answering in the API's or plain JSON, the request target as a URL, and the in-flight count
// shutdown waits on.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiResponse } from "../protocol/dispatch.js";
import { PUBLIC_CORS } from "./access.js";

const JSON_TYPE = "application/x-amz-json-1.1";

/** Requests being handled right now; shutdown waits for zero before closing the store. */
export class InFlight {
  #count = 0;
  #waiters: (() => void)[] = [];
  get count(): number {
    return this.#count;
  }
  enter(): void {
    this.#count++;
  }
  leave(): void {
    this.#count--;
    if (this.#count === 0) for (const w of this.#waiters.splice(0)) w();
  }
  /** Resolves once no request is being handled. */
  idle(): Promise<void> {
    return this.#count === 0 ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }
}

/** Header values on the error path may only hold visible ASCII. */
export function headerSafe(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, "?").slice(0, 1024);
}

export function sendApi(
  res: ServerResponse,
  requestId: string,
  r: ApiResponse,
  cors: Readonly<Record<string, string>> = PUBLIC_CORS,
): void {
  const headers: Record<string, string | number> = {
    ...cors,
    "Content-Type": JSON_TYPE,
    "Content-Length": Buffer.byteLength(r.body),
    "x-amzn-RequestId": requestId,
  };
  if (r.errorType) {
    // Amplify reads the header before the body; both must name the same error.
    headers["x-amzn-ErrorType"] = `${r.errorType}:`;
    if (r.errorMessage) headers["x-amzn-ErrorMessage"] = headerSafe(r.errorMessage);
  }
  res.writeHead(r.status, headers);
  res.end(r.body);
}

export function sendJson(
  res: ServerResponse,
  requestId: string,
  status: number,
  body?: unknown,
  cors: Readonly<Record<string, string>> = PUBLIC_CORS,
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...cors,
    "x-amzn-RequestId": requestId,
    ...(text ? { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) } : {}),
  });
  res.end(text);
}

/**
 * The request body; "too-large" past the limit; "aborted" when the client went away before
 * sending all of it (a client's doing, not a fault of ours: not an error to log).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "too-large" | "aborted"> {
  return new Promise((resolve) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      resolve("too-large");
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > limit) {
        done = true;
        resolve("too-large");
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size));
    });
    const gone = () => {
      if (done) return;
      done = true;
      resolve("aborted");
    };
    req.on("error", gone);
    req.on("close", () => {
      if (!req.complete) gone();
    });
  });
}

/**
 * The request target as a URL. Always read as a path on a fixed origin: `new URL("//x", base)`
 * would take "x" for a host (and throw on "//"), turning an odd path into a 500 or a misroute.
 */
export function requestUrl(target: string | undefined): URL {
  const raw = target ?? "/";
  try {
    return new URL(`http://localhost${raw.startsWith("/") ? raw : `/${raw}`}`);
  } catch {
    return new URL("http://localhost/");
  }
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
