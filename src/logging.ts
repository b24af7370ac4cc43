// Structured logs (pino). Secrets never reach them: every member the service model marks
// sensitive is redacted wherever it appears, with codes, passwords and secrets.
import pino, { type DestinationStream, type Logger } from "pino";
import { SENSITIVE_MEMBERS } from "./protocol/generated/model.js";

const ALWAYS = [
  "password",
  "Password",
  "secret",
  "ClientSecret",
  "SecretHash",
  "serverSecret",
  "passwordHash",
  "authorization",
  "Authorization",
];

export function redactPaths(mode: "dev" | "production"): string[] {
  const names = new Set([...SENSITIVE_MEMBERS, ...ALWAYS]);
  // In dev mode a message's code and destination are logged on purpose (PRODUCT.md: the
  // developer sees the code in the terminal); production redacts them too.
  if (mode === "production") for (const n of ["code", "destination", "body"]) names.add(n);
  const paths: string[] = [];
  for (const n of names) {
    const key = /^[A-Za-z_$][\w$]*$/.test(n) ? n : `["${n}"]`;
    paths.push(key, `*.${key}`, `*.*.${key}`);
  }
  paths.push('req.headers["authorization"]', 'headers["authorization"]');
  return paths;
}

export function createLogger(level: string, mode: "dev" | "production", stream?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "cognate" },
      redact: { paths: redactPaths(mode), censor: "[redacted]" },
    },
    stream,
  );
}
