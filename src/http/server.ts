// The HTTP front: the Cognito API on POST (any path), CORS, the dev inbox, the confirmation
// link page, and a health check. Everything protocol-specific lives in protocol/dispatch.ts.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { Logger } from "pino";
import { flatLineLogger } from "../logging.js";
import type { RequestContext } from "../operations/define.js";
import type { Deps } from "../operations/deps.js";
import { type ApiRequest, type Dispatcher, errorResponse } from "../protocol/dispatch.js";
import { ServiceError } from "../protocol/errors.js";
import { MODEL_OPERATIONS, TARGET_PREFIX } from "../protocol/generated/model.js";
import { AccessRules, messagesFor, PUBLIC_CORS } from "./access.js";
import { handleConfirmLink } from "./confirmLink.js";
import type { DevConsole } from "./console/console.js";
import { handleDevInbox } from "./devInbox.js";
import { header, type InFlight, readBody, requestUrl, sendApi, sendJson } from "./io.js";
import { handleWellKnown } from "./wellKnown.js";

const TARGET_DOT = `${TARGET_PREFIX}.`;

export interface HttpOptions {
  bodyLimitBytes: number;
  devInbox: boolean;
  /** Slow-client guards (config `timeouts`); the defaults below when absent. */
  timeouts?: { headersMs: number; requestMs: number; keepAliveMs: number };
  /** Counts requests being handled, so shutdown can wait for them. */
  inFlight?: InFlight;
  /** The dev console at /_dev/ (dev mode only; src/http/console/console.ts). */
  devConsole?: DevConsole;
  /** Serve HTTPS with this certificate and key (PEM) instead of plain HTTP. */
  tls?: { cert: Buffer; key: Buffer };
}

export function createHttpServer(a: {
  dispatcher: Dispatcher;
  deps: Deps;
  log: Logger;
  options: HttpOptions;
}): Server | HttpsServer {
  const { dispatcher, deps, log, options } = a;
  // The debug line of each request has flat, fixed fields: no wildcard redaction for it.
  const requestLog = flatLineLogger(log, deps.config.mode, {});
  // Made at the first request, once the listening address has completed publicUrl.
  let rules: AccessRules | undefined;
  const access = () => {
    rules ??= new AccessRules(deps.config, deps.config.publicUrl);
    return rules;
  };

  /** A refusal by the access rules: an AWS JSON error on the API, plain JSON elsewhere. */
  function refuse(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    api: boolean,
    message: string,
  ) {
    if (api) {
      sendApi(res, requestId, errorResponse(new ServiceError("AccessDeniedException", message)), {});
    } else {
      sendJson(res, requestId, 403, { error: message }, {});
    }
    req.resume();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const method = req.method ?? "GET";
    const url = requestUrl(req.url);
    const rulesNow = access();
    const origin = header(req, "origin");
    const target = header(req, "x-amz-target");
    const isApi = method === "POST" && target !== undefined;
    const host = header(req, "host");
    if (!rulesNow.hostAllowed(host)) {
      refuse(req, res, requestId, isApi, messagesFor.host(host ?? ""));
      return;
    }
    const devPath = options.devInbox && url.pathname.startsWith("/_dev/");

    if (method === "OPTIONS") {
      if (devPath && origin !== undefined && !rulesNow.originAllowed(origin, host)) {
        refuse(req, res, requestId, false, messagesFor.origin(origin));
        return;
      }
      res.writeHead(204, { ...rulesNow.preflight(devPath, origin, host), "x-amzn-RequestId": requestId });
      res.end();
      return;
    }

    if (isApi) {
      // The admin operations take no signature in dev mode: only pages of the allowed origins
      // may call them from a browser. The public ones are open to every origin, as on Cognito.
      const name = target.startsWith(TARGET_DOT) ? target.slice(TARGET_DOT.length) : "";
      const guarded =
        rulesNow.guardsAdmin &&
        Object.hasOwn(MODEL_OPERATIONS, name) &&
        MODEL_OPERATIONS[name]?.auth === "sigv4";
      const cors = guarded ? rulesNow.guardedCors(origin, host) : PUBLIC_CORS;
      if (guarded && origin !== undefined && !rulesNow.originAllowed(origin, host)) {
        refuse(req, res, requestId, true, messagesFor.origin(origin));
        return;
      }
      const body = await readBody(req, options.bodyLimitBytes);
      if (body === "aborted") {
        // The client went away mid-request: nothing to answer, nothing wrong on our side.
        log.debug(
          { requestId, operation: name || undefined },
          "client closed the connection before sending the request body",
        );
        return;
      }
      if (body === "too-large") {
        res.setHeader("Connection", "close");
        sendApi(
          res,
          requestId,
          errorResponse(
            new ServiceError(
              "RequestEntityTooLargeException",
              `Request body is larger than the limit of ${options.bodyLimitBytes} bytes.`,
            ),
          ),
        );
        req.resume();
        return;
      }
      const api: ApiRequest = {
        target,
        contentType: header(req, "content-type"),
        body,
        headers: req.headers,
        method,
        path: url.pathname,
        rawUrl: req.url ?? "/",
      };
      let rlog: Logger | undefined;
      const ctx: RequestContext = {
        requestId,
        sourceIp: req.socket.remoteAddress ?? "",
        userAgent: header(req, "x-amz-user-agent") ?? header(req, "user-agent"),
        // A child logger costs more than most requests' own work (pino re-applies the redaction
        // paths): made only when something is logged.
        get log() {
          rlog ??= log.child({ requestId });
          return rlog;
        },
        accessKeyId: undefined,
      };
      const started = performance.now();
      const r = await dispatcher.handle(api, ctx);
      if (requestLog.isLevelEnabled("debug")) {
        requestLog.debug(
          {
            requestId,
            operation: r.operation,
            status: r.status,
            errorType: r.errorType,
            ms: +(performance.now() - started).toFixed(2),
          },
          "request",
        );
      }
      // In production the Date header tells SigV4 clients the time signatures are checked
      // against (the injected clock); the SDKs correct their own from it after "Signature
      // expired". Dev mode checks no signature and keeps Node's real-time Date.
      if (deps.config.mode === "production") res.setHeader("Date", new Date(deps.clock.now()).toUTCString());
      sendApi(res, requestId, r, cors);
      if (r.status === 200) options.devConsole?.apiCompleted(r.operation);
      return;
    }

    if (url.pathname === "/_dev" || url.pathname.startsWith("/_dev/")) {
      if (!options.devInbox) {
        sendJson(res, requestId, 404, { error: "not found" });
        return;
      }
      // The inbox and the console show every code: a browser page may use them only from an
      // allowed origin (or the console's own, same-origin).
      if (origin !== undefined && !rulesNow.originAllowed(origin, host)) {
        refuse(req, res, requestId, false, messagesFor.origin(origin));
        return;
      }
      if (options.devConsole && (await options.devConsole.handle(req, res, url))) return;
      const r = await handleDevInbox(deps.store, method, url);
      if (r) {
        if (method === "DELETE" && r.status === 204) options.devConsole?.feed.changed();
        sendJson(res, requestId, r.status, r.body, rulesNow.guardedCors(origin, host));
        return;
      }
    }

    if (method === "GET" && url.pathname.replace(/\/+$/, "") === "/confirmUser") {
      const page = await handleConfirmLink(dispatcher, deps, url, {
        requestId,
        sourceIp: req.socket.remoteAddress ?? "",
        log: log.child({ requestId }),
      });
      res.writeHead(page.status, {
        "Content-Type": "text/html; charset=utf-8",
        "x-amzn-RequestId": requestId,
      });
      res.end(page.html);
      return;
    }

    if (method === "GET" && url.pathname.includes("/.well-known/")) {
      const answer = await handleWellKnown(deps, url.pathname);
      if (answer) {
        sendJson(res, requestId, answer.status, answer.body);
        return;
      }
    }

    if (method === "GET" && (url.pathname === "/health" || url.pathname === "/_health")) {
      sendJson(res, requestId, 200, { status: "ok" });
      return;
    }

    if (method === "POST") {
      // A POST without X-Amz-Target is an API call with no operation.
      sendApi(
        res,
        requestId,
        errorResponse(new ServiceError("UnknownOperationException", "Missing X-Amz-Target header")),
      );
      req.resume();
      return;
    }

    if (method === "GET" && url.pathname === "/") {
      sendJson(res, requestId, 200, {
        service: "cognate",
        api: "cognito-idp (AWS JSON 1.1): POST / with X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>",
        devInbox: options.devInbox ? "/_dev/messages" : null,
        devConsole: options.devInbox && options.devConsole ? "/_dev/" : null,
      });
      return;
    }
    sendJson(res, requestId, 404, { error: "not found" });
  }

  const t = options.timeouts ?? { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 };
  const serverOptions = {
    // Slow clients (slowloris) may not hold a connection open indefinitely: the headers,
    // then the whole request, must arrive in time. Node enforces both on a timer whose
    // default period (30 s) would let a slow client overstay by that much.
    headersTimeout: Math.min(t.headersMs, t.requestMs),
    requestTimeout: t.requestMs,
    keepAliveTimeout: t.keepAliveMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(t.headersMs / 4))),
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    options.inFlight?.enter();
    handle(req, res)
      .catch((e: unknown) => {
        log.error({ err: e }, "request failed");
        if (!res.headersSent) {
          sendApi(
            res,
            randomUUID(),
            errorResponse(new ServiceError("InternalErrorException", "Internal server error.")),
          );
        } else {
          res.destroy();
        }
      })
      .finally(() => options.inFlight?.leave());
  };
  // With TLS, a handshake must also finish within headersMs.
  const server = options.tls
    ? createHttpsServer(
        { ...serverOptions, cert: options.tls.cert, key: options.tls.key, handshakeTimeout: t.headersMs },
        onRequest,
      )
    : createServer(serverOptions, onRequest);
  // Node times out slow headers and slow bodies, but not a connection that sends nothing at
  // all: such a socket is dropped when no request has arrived on it within headersMs. (Over
  // TLS, requests arrive on the TLS socket, which "secureConnection" hands over.)
  const served = new WeakSet<Socket>();
  server.on("request", (req: IncomingMessage) => served.add(req.socket));
  server.on(options.tls ? "secureConnection" : "connection", (socket: Socket) => {
    const timer = setTimeout(() => {
      if (!served.has(socket)) socket.destroy();
    }, t.headersMs);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  });
  return server;
}
