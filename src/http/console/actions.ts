// The dev console's user actions. Each one is an API operation run through the same
// dispatcher as a wire request (validation, error catalog, triggers, events, delivery), with
// a request context marked `via: "console"` — never a second implementation of the action.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Logger } from "pino";
import { computeSecretHash } from "../../domain/secretHash.js";
import type { Deps } from "../../operations/deps.js";
import type { ClientRecord } from "../../ports/store/index.js";
import type { Dispatcher } from "../../protocol/dispatch.js";
import { TARGET_PREFIX } from "../../protocol/generated/model.js";

export const ACTIONS = {
  confirm: "AdminConfirmSignUp",
  resend: "ResendConfirmationCode",
  disable: "AdminDisableUser",
  enable: "AdminEnableUser",
  delete: "AdminDeleteUser",
} as const;
export type ConsoleAction = keyof typeof ACTIONS;

export function isAction(s: string): s is ConsoleAction {
  return Object.hasOwn(ACTIONS, s);
}

export interface ActionResult {
  status: number;
  body: {
    operation: string;
    ok: boolean;
    result?: unknown;
    error?: { type: string; message: string };
  };
}

/** The header a console page sends its token in. */
export const TOKEN_HEADER = "x-cognate-console-token";

/**
 * The token that proves a POST comes from a console page: derived from the server secret, so
 * it survives restarts and is the same on every node of one store, and only readable by a
 * page served from this origin (the console page carries it; no console response allows
 * cross-origin reads).
 */
export function consoleToken(serverSecret: Buffer): string {
  return createHmac("sha256", serverSecret).update("cognate dev console action token").digest("base64url");
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Refuses an action request a hostile page could have sent: it must carry the token in a
 * custom header (which forces a CORS preflight that this server never grants for it), be
 * JSON, and — where the browser says — come from this same origin. Returns why it is refused,
 * or null.
 */
export function refuseCrossSite(req: IncomingMessage, token: string): string | null {
  const given = Buffer.from(header(req, TOKEN_HEADER) ?? "", "utf8");
  const expected = Buffer.from(token, "utf8");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return "missing or wrong console token: reload the console page";
  }
  const type = (header(req, "content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") return "console actions take application/json";
  const site = header(req, "sec-fetch-site");
  if (site !== undefined && site !== "same-origin") return "console actions must come from the console page";
  const origin = header(req, "origin");
  const host = header(req, "host");
  if (origin !== undefined && origin !== "null") {
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return "console actions must come from the console page";
    }
    if (originHost !== host) return "console actions must come from the console page";
  } else if (origin === "null") {
    return "console actions must come from the console page";
  }
  return null;
}

/** The client a resend goes through: the one asked for, else the pool's first without a secret. */
async function resendClient(
  deps: Pick<Deps, "store">,
  poolId: string,
  clientId: string | undefined,
): Promise<ClientRecord | string> {
  if (clientId !== undefined) {
    const c = await deps.store.read.clients.get(clientId);
    if (!c || c.poolId !== poolId) return `app client ${clientId} is not in pool ${poolId}`;
    return c;
  }
  const clients = await deps.store.read.clients.list(poolId, 200, null);
  const chosen = clients.find((c) => c.secret === null) ?? clients[0];
  return chosen ?? "the pool has no app client to send the code through";
}

export async function runAction(a: {
  dispatcher: Dispatcher;
  deps: Pick<Deps, "store">;
  action: ConsoleAction;
  poolId: string;
  username: string;
  clientId: string | undefined;
  requestId: string;
  sourceIp: string;
  log: Logger;
}): Promise<ActionResult> {
  const operation = ACTIONS[a.action];
  let input: Record<string, string>;
  if (a.action === "resend") {
    const client = await resendClient(a.deps, a.poolId, a.clientId);
    if (typeof client === "string") {
      return {
        status: 400,
        // Refused before the operation ran: a console error, not one of the operation's.
        body: { operation, ok: false, error: { type: "ConsoleRequestError", message: client } },
      };
    }
    input = { ClientId: client.clientId, Username: a.username };
    // What the app would send: the console holds the secret server-side and signs for it.
    if (client.secret !== null)
      input.SecretHash = computeSecretHash(client.secret, a.username, client.clientId);
  } else {
    input = { UserPoolId: a.poolId, Username: a.username };
  }
  const r = await a.dispatcher.handle(
    {
      target: `${TARGET_PREFIX}.${operation}`,
      contentType: "application/x-amz-json-1.1",
      body: Buffer.from(JSON.stringify(input)),
      headers: {},
      method: "POST",
      path: "/_dev/api",
    },
    {
      requestId: a.requestId,
      sourceIp: a.sourceIp,
      userAgent: "cognate-dev-console",
      log: a.log,
      accessKeyId: undefined,
      via: "console",
    },
  );
  a.log.info(
    { via: "console", operation, userPoolId: a.poolId, username: a.username, status: r.status },
    `dev console: ${operation} ${r.status === 200 ? "done" : `failed (${r.errorType ?? r.status})`}`,
  );
  if (r.status === 200) {
    return { status: 200, body: { operation, ok: true, result: JSON.parse(r.body) as unknown } };
  }
  return {
    status: r.status,
    body: {
      operation,
      ok: false,
      error: { type: r.errorType ?? "InternalErrorException", message: r.errorMessage ?? "" },
    },
  };
}
