// The HTTP invoker: POSTs the event as JSON to a URL and reads the returned event, for
// functions served by any web framework. The contract (README "Lambda triggers"):
//
// Request: `Content-Type: application/json`, the event as body, and
//   X-Cognate-Trigger: <LambdaConfig key, e.g. PreSignUp>
//   X-Cognate-Function-Arn: <the ARN from LambdaConfig>
//   X-Cognate-Timestamp: <unix seconds>
//   X-Cognate-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
// Answer:
//   2xx + the event JSON                       → the function's answer
//   2xx + `X-Amz-Function-Error` + {errorMessage, errorType}, or
//   4xx/5xx + {"errorMessage": …}              → the function failed (UserLambdaValidationException)
//   404 → ResourceNotFoundException, 401/403 → AccessDeniedException, 429 → TooManyRequestsException,
//   anything else → ServiceException (UnexpectedLambdaException)
import { createHmac } from "node:crypto";
import { type InvokeOutcome, type InvokeRequest, type Invoker, parseFunctionError } from "./invoker.js";

export const SIGNATURE_HEADER = "x-cognate-signature";
export const TIMESTAMP_HEADER = "x-cognate-timestamp";

export function signRequest(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

function errorCode(e: unknown): string {
  const cause = (e as { cause?: { code?: unknown } }).cause;
  if (cause && typeof cause.code === "string") return cause.code;
  return e instanceof Error ? e.message : String(e);
}

/** The URL without any user:password part, for logs. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.href;
  } catch {
    return "(invalid URL)";
  }
}

export class HttpInvoker implements Invoker {
  readonly #url: string;
  readonly #shown: string;
  readonly #secret: string;

  constructor(url: string, secret: string) {
    this.#url = url;
    this.#shown = shown(url);
    this.#secret = secret;
  }

  async invoke(req: InvokeRequest): Promise<InvokeOutcome> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    let status: number;
    let headers: Headers;
    let text: string;
    try {
      const r = await fetch(this.#url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-cognate-trigger": req.trigger,
          "x-cognate-function-arn": req.arn,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signRequest(this.#secret, timestamp, req.payload),
        },
        body: req.payload,
        redirect: "manual",
        signal: AbortSignal.timeout(req.timeoutMs),
      });
      status = r.status;
      headers = r.headers;
      text = await r.text();
    } catch (e) {
      const name = (e as Error).name;
      if (name === "TimeoutError" || name === "AbortError") return { kind: "timeout" };
      return {
        kind: "not-invoked",
        code: "ServiceException",
        detail: `POST ${this.#shown} failed: ${errorCode(e)}`,
        retry: true,
      };
    }

    if (status >= 200 && status < 300) {
      if (headers.has("x-amz-function-error")) return { kind: "function-error", ...parseFunctionError(text) };
      return { kind: "ok", payload: text };
    }
    const detail = `POST ${this.#shown} answered ${status}`;
    if (status === 404)
      return { kind: "not-invoked", code: "ResourceNotFoundException", detail, retry: false };
    if (status === 401 || status === 403) {
      return { kind: "not-invoked", code: "AccessDeniedException", detail, retry: false };
    }
    if (status === 429) return { kind: "not-invoked", code: "TooManyRequestsException", detail, retry: true };
    if (status >= 400) {
      const err = parseFunctionError(text);
      // A framework's error page is not a function error; a JSON {"errorMessage"} is.
      if (err.errorMessage !== text || headers.has("x-amz-function-error")) {
        return { kind: "function-error", ...err };
      }
    }
    return { kind: "not-invoked", code: "ServiceException", detail, retry: status >= 500 };
  }
}
