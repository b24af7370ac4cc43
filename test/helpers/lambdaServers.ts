// Loopback stand-ins for where Lambda functions run, so the trigger invokers are exercised
// over real HTTP with real clients:
// - a handler server: the HTTP invoker's contract (README "Lambda triggers"), checking the
//   request signature the way a user's endpoint would;
// - a Lambda Invoke API: the route @aws-sdk/client-lambda calls
//   (POST /2015-03-31/functions/{FunctionName}/invocations), answering as AWS Lambda does.
// Both run the same handler functions (test/fixtures/triggers/handlers.mjs).
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (event: Record<string, unknown>) => Promise<unknown>;

/** Every trigger call the fixture handlers recorded in this process, oldest first. */
export interface RecordedCall {
  name: string;
  event: Record<string, unknown>;
  context?: Record<string, unknown>;
  /** Custom senders: the code the handler decrypted. */
  decrypted?: string;
}
export function triggerCalls(name?: string): RecordedCall[] {
  const all = (globalThis as { __cognateTriggerCalls?: RecordedCall[] }).__cognateTriggerCalls ?? [];
  return name ? all.filter((c) => c.name === name) : all;
}
export function clearTriggerCalls(): void {
  (globalThis as { __cognateTriggerCalls?: RecordedCall[] }).__cognateTriggerCalls = [];
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(body);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

/** Runs a handler as the Lambda runtime would report it. */
async function run(
  handler: Handler,
  event: Record<string, unknown>,
): Promise<{ ok: true; body: string } | { ok: false; body: string }> {
  try {
    const result = await handler(event);
    return { ok: true, body: JSON.stringify(result === undefined ? null : result) };
  } catch (e) {
    const err = e as Error;
    return { ok: false, body: JSON.stringify({ errorType: err.name, errorMessage: err.message, trace: [] }) };
  }
}

export interface HandlerServer {
  url: string;
  /** Requests received: path, trigger header, whether the signature checked out. */
  requests: { path: string; trigger: string | undefined; arn: string | undefined; signed: boolean }[];
  close(): Promise<void>;
}

/**
 * An HTTP endpoint serving trigger handlers by path. It verifies
 * `X-Cognate-Signature: v1=<hex HMAC-SHA256(secret, "<X-Cognate-Timestamp>.<body>")>` and answers
 * 401 when it does not match; a handler that throws is reported with X-Amz-Function-Error.
 * `raw` routes answer exactly what they return (for malformed answers).
 */
export async function startHandlerServer(
  secret: string,
  routes: Record<string, Handler>,
  raw: Record<string, () => { status: number; body: string; headers?: Record<string, string> }> = {},
): Promise<HandlerServer> {
  const requests: HandlerServer["requests"] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const timestamp = String(req.headers["x-cognate-timestamp"] ?? "");
    const given = Buffer.from(String(req.headers["x-cognate-signature"] ?? ""));
    const expected = Buffer.from(
      `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`,
    );
    const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
    const signed = fresh && given.length === expected.length && timingSafeEqual(given, expected);
    requests.push({
      path,
      trigger: req.headers["x-cognate-trigger"] as string | undefined,
      arn: req.headers["x-cognate-function-arn"] as string | undefined,
      signed,
    });
    if (req.method !== "POST") return send(res, 405, '{"message":"POST only"}');
    if (!signed) return send(res, 401, '{"message":"bad signature"}');
    const r = raw[path];
    if (r) {
      const out = r();
      return send(res, out.status, out.body, out.headers);
    }
    const handler = routes[path];
    if (!handler) return send(res, 404, '{"message":"no such function"}');
    const out = await run(handler, JSON.parse(body) as Record<string, unknown>);
    if (out.ok) return send(res, 200, out.body);
    return send(res, 200, out.body, { "x-amz-function-error": "Unhandled" });
  });
  const url = await listen(server);
  return { url, requests, close: closer(server) };
}

export interface LambdaApi {
  url: string;
  invocations: { functionName: string; invocationType: string | undefined; authorization: string }[];
  close(): Promise<void>;
}

/**
 * The Lambda Invoke API on loopback. Functions are found by name (the ARN's last part);
 * `access-denied` and `throttled` answer with those Lambda API errors; any other unknown name
 * is ResourceNotFoundException, as Lambda answers.
 */
export async function startLambdaApi(functions: Record<string, Handler>): Promise<LambdaApi> {
  const invocations: LambdaApi["invocations"] = [];
  const apiError = (res: ServerResponse, status: number, type: string, message: string) =>
    send(res, status, JSON.stringify({ Type: "User", message }), { "x-amzn-errortype": type });
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(
      new URL(req.url ?? "/", "http://x").pathname,
    );
    if (req.method !== "POST" || !m?.[1])
      return apiError(res, 404, "UnknownOperationException", "Unknown operation");
    const arn = decodeURIComponent(m[1]);
    const name = /function:([^:]+)/.exec(arn)?.[1] ?? arn;
    invocations.push({
      functionName: name,
      invocationType: req.headers["x-amz-invocation-type"] as string | undefined,
      authorization: String(req.headers.authorization ?? ""),
    });
    if (name === "access-denied") {
      return apiError(
        res,
        403,
        "AccessDeniedException",
        "User is not authorized to perform: lambda:InvokeFunction",
      );
    }
    if (name === "throttled") return apiError(res, 429, "TooManyRequestsException", "Rate Exceeded.");
    const handler = functions[name];
    if (!handler) return apiError(res, 404, "ResourceNotFoundException", `Function not found: ${arn}`);
    const out = await run(handler, JSON.parse(body) as Record<string, unknown>);
    const headers = { "x-amz-executed-version": "$LATEST" };
    if (out.ok) return send(res, 200, out.body, headers);
    return send(res, 200, out.body, { ...headers, "x-amz-function-error": "Unhandled" });
  });
  const url = await listen(server);
  return { url, invocations, close: closer(server) };
}
