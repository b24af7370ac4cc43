// Sorting transport failures into "retry later" and "give up": the outbox retries the first
// with backoff and marks the second failed at once.

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

/**
 * SMTP replies say it themselves (RFC 5321 §4.2.1): 4yz is a transient negative completion,
 * 5yz a permanent one. Without a reply (refused connection, timeout, reset) the server may be
 * back later.
 */
export function smtpFailure(e: unknown): Error {
  const err = (e ?? {}) as SmtpLikeError;
  const detail = err.response ?? err.message ?? String(e);
  const message = `SMTP: ${err.code ? `${err.code} ` : ""}${detail}`.slice(0, 500);
  if (typeof err.responseCode === "number") {
    return err.responseCode >= 500
      ? new PermanentDeliveryError(message)
      : new TransientDeliveryError(message);
  }
  if (err.code && SMTP_PERMANENT_CODES.has(err.code)) return new PermanentDeliveryError(message);
  return new TransientDeliveryError(message);
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
  const err = (e ?? {}) as AwsLikeError;
  const name = err.name ?? "Error";
  const message = `${service}: ${name}: ${err.message ?? String(e)}`.slice(0, 500);
  const status = err.$metadata?.httpStatusCode;
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
