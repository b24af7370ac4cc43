// Structured logs (pino). Secrets never reach them: every member the service model marks
// sensitive is redacted wherever it appears, with codes, passwords, secrets and credentials.
//
// Two layers, because a redaction list only catches what sits under a known key:
// 1. key-based redaction (pino `redact`) of the names below, at any of the first three levels;
// 2. in production, a scrub of every logged string — messages, error messages and stacks
//    included — that masks email addresses and phone numbers, so a destination quoted by,
//    say, an SMTP server's error text does not end up in the log either.
// In dev mode a delivered message's destination and code are logged on purpose (docs/dev-inbox.md:
// the developer reads the code in the terminal); passwords and secrets never are.
import pino, { type DestinationStream, type Logger } from "pino";
import { SENSITIVE_MEMBERS } from "./protocol/generated/model.js";

/** Redacted in every mode, besides the model's sensitive members. */
const ALWAYS = [
  "password",
  "Password",
  "secret",
  "ClientSecret",
  "SecretHash",
  "secretHash",
  "serverSecret",
  "passwordHash",
  "ConfirmationCode",
  "confirmationCode",
  "codeHmac",
  "secretAccessKey",
  "SecretAccessKey",
  "sessionToken",
  "SessionToken",
  "webhookSecret",
  "smtpUrl",
  "authorization",
  "Authorization",
  "x-amz-security-token",
  "cookie",
];

/** Redacted in production only: what the dev-mode terminal shows to the developer. */
const PRODUCTION_ONLY = ["code", "destination", "body", "Destination", "email", "phone_number"];

function redactedKeys(mode: "dev" | "production"): string[] {
  const names = new Set([...SENSITIVE_MEMBERS, ...ALWAYS]);
  if (mode === "production") for (const n of PRODUCTION_ONLY) names.add(n);
  return [...names].map((n) => (/^[A-Za-z_$][\w$]*$/.test(n) ? n : `["${n}"]`));
}

export function redactPaths(mode: "dev" | "production"): string[] {
  return redactedKeys(mode).flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
}

/**
 * A child logger for the lines written on a hot path whose fields are fixed and flat — the
 * dev-mode line of each delivered message, the debug line of each request. The root logger's
 * wildcard paths cost far more than such a line itself (pino walks every object at three
 * levels for each of some hundred names); this child redacts the same names, precompiled, at
 * the top level only, which is where these lines keep all their fields. In production the
 * scrub of every string still applies (the hook is inherited). Not for objects that nest.
 */
export function flatLineLogger(
  log: Logger,
  mode: "dev" | "production",
  bindings: Record<string, string>,
): Logger {
  return log.child(bindings, { redact: { paths: redactedKeys(mode), censor: "[redacted]" } });
}

const EMAIL = /[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+/g;
// E.164 numbers and the like: a plus sign and 8–15 digits, possibly split by spaces or dashes.
const PHONE = /\+\d(?:[\s-]?\d){7,14}/g;

/** Masks email addresses and phone numbers in free text. */
export function scrubText(s: string): string {
  return s.replace(EMAIL, "[email]").replace(PHONE, "[phone]");
}

function scrubValue(v: unknown, depth: number): unknown {
  if (typeof v === "string") return scrubText(v);
  if (depth > 4 || v === null || typeof v !== "object") return v;
  if (v instanceof Error) {
    // Error objects are serialised by pino after this hook: give it a scrubbed copy.
    const copy: Record<string, unknown> = { type: v.name, message: scrubText(v.message) };
    if (v.stack) copy.stack = scrubText(v.stack);
    for (const [k, x] of Object.entries(v)) copy[k] = scrubValue(x, depth + 1);
    return copy;
  }
  if (Array.isArray(v)) return v.map((x) => scrubValue(x, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = scrubValue(x, depth + 1);
  return out;
}

export function createLogger(level: string, mode: "dev" | "production", stream?: DestinationStream): Logger {
  const production = mode === "production";
  return pino(
    {
      level,
      base: { service: "cognate" },
      redact: { paths: redactPaths(mode), censor: "[redacted]" },
      ...(production
        ? {
            hooks: {
              logMethod(args: Parameters<pino.LogFn>, method: pino.LogFn) {
                const scrubbed = args.map((a) => scrubValue(a, 0)) as Parameters<pino.LogFn>;
                method.apply(this, scrubbed);
              },
            },
          }
        : {}),
    },
    stream,
  );
}
