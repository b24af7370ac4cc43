// Sorting transport failures into "retry later" and "give up": the outbox retries the first
// with backoff and marks the second failed at once.
//
// What a failure is recorded as (the outbox's last error, the warning logged) is its status
// and the class of error only — `SMTP 550 5.1.1 EENVELOPE`, `SMS gateway: HTTP 502`,
// `SES: MessageRejected (HTTP 400)`, `SMTP ESOCKET ECONNREFUSED` — never the text the remote
// answered with: mail servers and gateways often quote the message they refuse, code and
// recipient included, and that text would then sit in the logs and the database after the
// message itself has been scrubbed (docs/security.md).

import { PermanentDeliveryError, TransientDeliveryError } from "../../ports/transport.js";
import { ServiceError } from "../../protocol/errors.js";

interface SmtpLikeError {
  message?: string;
  code?: string;
  responseCode?: number;
  response?: string;
}

// Errors that will recur on every attempt until someone changes the configuration.
const SMTP_PERMANENT_CODES = new Set(["EAUTH", "ENOAUTH", "EENVELOPE", "ECONFIG", "EREQUIRETLS", "ETLS"]);

/** An error code such as EAUTH or ECONNREFUSED: letters only, so nothing else can ride along. */
function errorCode(v: unknown): string | undefined {
  return typeof v === "string" && /^E[A-Z_]{2,30}$/.test(v) ? v : undefined;
}

/**
 * What a failure without a server reply was, from our own side of the connection: the
 * system error code (ECONNREFUSED, ETIMEDOUT, …) or a TLS certificate problem. Node and
 * nodemailer write these messages locally, but only the recognised class is kept.
 */
function localCause(message: string | undefined): string | undefined {
  if (!message) return undefined;
  const sys = /\b(E[A-Z]{3,}[A-Z_]*)\b/.exec(message)?.[1];
  if (sys) return sys;
  if (/certificate|self[- ]signed/i.test(message)) return "TLS certificate not trusted";
  if (/timeout|timed out/i.test(message)) return "timeout";
  return undefined;
}

/** The enhanced status code (RFC 3463) at the start of an SMTP reply, e.g. 5.1.1. */
function enhancedStatus(response: string | undefined): string | undefined {
  return /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})(?:\s|$)/.exec(response ?? "")?.[1];
}

/**
 * SMTP replies say it themselves (RFC 5321 §4.2.1): 4yz is a transient negative completion,
 * 5yz a permanent one. Without a reply (refused connection, timeout, reset) the server may be
 * back later.
 */
export function smtpFailure(e: unknown): Error {
  const err = (e ?? {}) as SmtpLikeError;
  const code = errorCode(err.code);
  if (typeof err.responseCode === "number" && Number.isInteger(err.responseCode)) {
    const message = ["SMTP", String(err.responseCode), enhancedStatus(err.response), code]
      .filter(Boolean)
      .join(" ");
    return err.responseCode >= 500
      ? new PermanentDeliveryError(message)
      : new TransientDeliveryError(message);
  }
  const cause = localCause(err.message);
  const message =
    ["SMTP", code, cause !== code ? cause : undefined].filter(Boolean).join(" ") || "SMTP error";
  if (code && SMTP_PERMANENT_CODES.has(code)) return new PermanentDeliveryError(message);
  return new TransientDeliveryError(message);
}

/** An HTTP call that got no answer: the system error code, or what kind of abort it was. */
export function networkFailure(what: string, e: unknown): string {
  const err = e as { name?: unknown; message?: string; cause?: { code?: unknown; message?: string } };
  const cause =
    errorCode(err?.cause?.code) ??
    (err?.name === "TimeoutError" || err?.name === "AbortError" ? "timeout" : undefined) ??
    localCause(err?.cause?.message) ??
    localCause(err?.message);
  return `${what}: ${cause ?? "no answer"}`;
}

interface AwsLikeError {
  name?: string;
  message?: string;
  $fault?: "client" | "server";
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

// Client-fault error codes that AWS services use for throttling and brief unavailability.
const AWS_TRANSIENT_NAMES = new Set([
  "Throttling",
  "ThrottlingException",
  "Throttled",
  "TooManyRequestsException",
  "RequestTimeout",
  "RequestTimeoutException",
  "KMSThrottlingException",
  "ProvisionedThroughputExceededException",
]);

/**
 * AWS SDK errors: server faults, throttling and network failures (no HTTP status at all)
 * are worth retrying; other client faults (rejected message, unverified identity, opted-out
 * number, bad credentials) are not.
 */
export function awsFailure(service: string, e: unknown): Error {
  const err = (e ?? {}) as AwsLikeError & { code?: unknown };
  // The exception's name is a shape name of the service's model; its message is not kept
  // (SES and SNS quote the address or number they refuse).
  const name = typeof err.name === "string" && /^[A-Za-z][\w.]{0,99}$/.test(err.name) ? err.name : "Error";
  const status = err.$metadata?.httpStatusCode;
  const code = status === undefined ? errorCode(err.code) : undefined;
  const message = `${service}: ${name}${status !== undefined ? ` (HTTP ${status})` : ""}${code ? ` ${code}` : ""}`;
  if (
    status === undefined ||
    status >= 500 ||
    status === 429 ||
    err.$fault === "server" ||
    err.$retryable !== undefined ||
    AWS_TRANSIENT_NAMES.has(name)
  ) {
    return new TransientDeliveryError(message);
  }
  return new PermanentDeliveryError(message);
}

/**
 * A pool's delivery settings re-read at send time: a pool deleted or changed into an invalid
 * configuration since the message was queued cannot be sent, and retrying will not help.
 */
export function atSendTime<T>(what: () => T): T {
  try {
    return what();
  } catch (e) {
    if (e instanceof ServiceError) throw new PermanentDeliveryError(`${e.name}: ${e.message}`);
    throw e;
  }
}
