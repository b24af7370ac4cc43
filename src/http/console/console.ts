// The dev console (docs/console.md): a page at /_dev/ with its assets, its JSON reads under
// /_dev/api/, its user actions, and a live feed at /_dev/events. Dev mode only — the HTTP
// server answers 404 for all of /_dev/ in production before anything here runs.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Deps } from "../../operations/deps.js";
import type { Dispatcher } from "../../protocol/dispatch.js";
import { filterFrom, toDevMessage } from "../devInbox.js";
import { consoleToken, isAction, refuseCrossSite, runAction } from "./actions.js";
import { ConsoleFeed } from "./feed.js";
import { listPools, listUsers, userDetail } from "./views.js";

/** The page and its assets, shipped in the package (package.json "files": web). */
const WEB_DIR = new URL("../../../web/console/", import.meta.url);
const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";
const ASSETS: Record<string, string> = {
  "main.js": JS,
  "dom.js": JS,
  "state.js": JS,
  "messages.js": JS,
  "pools.js": JS,
  "users.js": JS,
  "console.css": CSS,
  "views.css": CSS,
  "favicon.svg": "image/svg+xml",
};
const TOKEN_PLACEHOLDER = "__COGNATE_CONSOLE_TOKEN__";
const MESSAGES_DEFAULT = 200;
const MESSAGES_MAX = 1000;
const ACTION_BODY_LIMIT = 4096;

// No console response allows cross-origin reads (no Access-Control-Allow-Origin), may be
// framed, or is cached: it shows codes and carries the action token.
const COMMON_HEADERS = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
};
// Email bodies are shown in a sandboxed srcdoc frame, which inherits this policy: no script
// runs in it and nothing loads from outside (the console works offline). Inline styles stay
// allowed so that an HTML email looks as designed.
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Operations that change nothing: they do not wake the live feed. */
const READ_ONLY = /^(Describe|List|Get|AdminGet|AdminList)/;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...COMMON_HEADERS,
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** The body as text, or null as soon as it is over the limit (the rest is not waited for). */
function readSmallBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
      else resolve(null);
    });
    req.on("end", () => resolve(size > limit ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** A path segment, decoded; null when it is not valid percent-encoding. */
function segment(s: string | undefined): string | null {
  if (s === undefined || s === "") return null;
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

export class DevConsole {
  readonly feed: ConsoleFeed;
  readonly #dispatcher: Dispatcher;
  readonly #deps: Pick<Deps, "store" | "serverSecret">;
  readonly #log: Logger;
  readonly #token: string;
  readonly #files = new Map<string, Promise<Buffer>>();

  constructor(a: { dispatcher: Dispatcher; deps: Pick<Deps, "store" | "serverSecret">; log: Logger }) {
    this.#dispatcher = a.dispatcher;
    this.#deps = a.deps;
    this.#log = a.log;
    this.#token = consoleToken(a.deps.serverSecret);
    this.feed = new ConsoleFeed(a.deps.store);
  }

  /** An API operation succeeded: pages may need to show its effect. */
  apiCompleted(operation: string | undefined): void {
    if (operation && !READ_ONLY.test(operation)) this.feed.changed();
  }

  /** Ends the live streams so shutdown is not held up by open pages. */
  close(): void {
    this.feed.close();
  }

  #file(name: string): Promise<Buffer> {
    let f = this.#files.get(name);
    if (!f) {
      f = readFile(new URL(name, WEB_DIR));
      // A failed read is not remembered: the next request tries again.
      f.catch(() => this.#files.delete(name));
      this.#files.set(name, f);
    }
    return f;
  }

  /** Handles a console path; false when the path is not the console's (the inbox API's, or unknown). */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const method = req.method ?? "GET";
    const path = url.pathname;
    if (path === "/_dev") {
      res.writeHead(308, { ...COMMON_HEADERS, Location: "/_dev/" });
      res.end();
      return true;
    }
    if (path === "/_dev/" || path === "/_dev/index.html") {
      if (method !== "GET" && method !== "HEAD") return this.#wrongMethod(res, "GET");
      await this.#page(res, method);
      return true;
    }
    if (path.startsWith("/_dev/assets/")) {
      const name = path.slice("/_dev/assets/".length);
      const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
      if (!type) {
        sendJson(res, 404, { error: "not found" });
        return true;
      }
      if (method !== "GET" && method !== "HEAD") return this.#wrongMethod(res, "GET");
      const body = await this.#file(name);
      res.writeHead(200, { ...COMMON_HEADERS, "Content-Type": type, "Content-Length": body.length });
      res.end(method === "HEAD" ? undefined : body);
      return true;
    }
    if (path === "/_dev/events") {
      if (method !== "GET") return this.#wrongMethod(res, "GET");
      this.feed.subscribe(req, res);
      return true;
    }
    if (path === "/_dev/api" || path.startsWith("/_dev/api/")) {
      await this.#api(req, res, method, url);
      return true;
    }
    return false;
  }

  #wrongMethod(res: ServerResponse, allow: string): true {
    res.setHeader("Allow", allow);
    sendJson(res, 405, { error: `use ${allow}` });
    return true;
  }

  async #page(res: ServerResponse, method: string): Promise<void> {
    const html = (await this.#file("index.html")).toString("utf8").replace(TOKEN_PLACEHOLDER, this.#token);
    res.writeHead(200, {
      ...COMMON_HEADERS,
      "Content-Type": "text/html; charset=utf-8",
      "Content-Length": Buffer.byteLength(html),
      "Content-Security-Policy": PAGE_CSP,
    });
    res.end(method === "HEAD" ? undefined : html);
  }

  async #api(req: IncomingMessage, res: ServerResponse, method: string, url: URL): Promise<void> {
    const read = this.#deps.store.read;
    const parts = url.pathname.replace(/\/+$/, "").split("/").slice(3); // after "", "_dev", "api"
    const [first, poolSeg, usersSeg, userSeg, actionSeg, ...rest] = parts;

    if (first === "messages" && parts.length === 1) {
      if (method !== "GET") return void this.#wrongMethod(res, "GET");
      const f = filterFrom(url.searchParams);
      if (typeof f === "string") return sendJson(res, 400, { error: f });
      const asked = Number(url.searchParams.get("limit") ?? MESSAGES_DEFAULT);
      const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, MESSAGES_MAX) : MESSAGES_DEFAULT;
      // One more than shown says whether older messages were left out.
      const rows = await read.outbox.list({ ...f, order: "desc", limit: limit + 1 });
      return sendJson(res, 200, {
        messages: rows.slice(0, limit).map(toDevMessage),
        truncated: rows.length > limit,
      });
    }
    if (first === "pools" && parts.length === 1) {
      if (method !== "GET") return void this.#wrongMethod(res, "GET");
      return sendJson(res, 200, { pools: await listPools(read) });
    }
    const poolId = segment(poolSeg);
    if (first !== "pools" || poolId === null || usersSeg !== "users" || rest.length > 0) {
      return sendJson(res, 404, { error: "not found" });
    }
    if (userSeg === undefined) {
      if (method !== "GET") return void this.#wrongMethod(res, "GET");
      const page = await listUsers(read, poolId, url.searchParams.get("after") || null);
      if (!page) return sendJson(res, 404, { error: `no pool ${poolId}` });
      return sendJson(res, 200, page);
    }
    const username = segment(userSeg);
    if (username === null) return sendJson(res, 404, { error: "not found" });
    if (actionSeg === undefined) {
      if (method !== "GET") return void this.#wrongMethod(res, "GET");
      const detail = await userDetail(read, poolId, username);
      if (!detail) return sendJson(res, 404, { error: `no user ${username} in pool ${poolId}` });
      return sendJson(res, 200, detail);
    }
    if (!isAction(actionSeg)) return sendJson(res, 404, { error: "not found" });
    if (method !== "POST") return void this.#wrongMethod(res, "POST");
    const refused = refuseCrossSite(req, this.#token);
    if (refused) {
      req.resume();
      return sendJson(res, 403, { error: refused });
    }
    const text = await readSmallBody(req, ACTION_BODY_LIMIT);
    if (text === null) {
      // The rest of an oversized body is not read: the connection goes with the answer.
      res.setHeader("Connection", "close");
      return sendJson(res, 413, { error: "request body too large" });
    }
    let clientId: string | undefined;
    try {
      const body = text.trim() === "" ? {} : (JSON.parse(text) as unknown);
      if (body && typeof body === "object" && "clientId" in body && typeof body.clientId === "string")
        clientId = body.clientId || undefined;
    } catch {
      return sendJson(res, 400, { error: "the body must be JSON" });
    }
    const r = await runAction({
      dispatcher: this.#dispatcher,
      deps: this.#deps,
      action: actionSeg,
      poolId,
      username,
      clientId,
      requestId: randomUUID(),
      sourceIp: req.socket.remoteAddress ?? "",
      log: this.#log,
    });
    if (r.body.ok) this.feed.changed();
    sendJson(res, r.status, r.body);
  }
}
