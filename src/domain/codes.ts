// One-time codes: 6 decimal digits from a CSPRNG, stored only as an HMAC under the server
// secret and bound to pool, user and purpose, compared in constant time.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Random } from "./ids.js";

export function generateCode(random: Random): string {
  return random.int(1_000_000).toString().padStart(6, "0");
}

export function codeHmac(
  serverSecret: Buffer,
  poolId: string,
  username: string,
  purpose: string,
  code: string,
): string {
  return createHmac("sha256", serverSecret)
    .update(`${poolId}\u0000${username}\u0000${purpose}\u0000${code}`, "utf8")
    .digest("base64url");
}

export function sameHmac(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  if (x.length !== y.length) return false;
  return timingSafeEqual(x, y);
}

export interface StoredCode {
  codeHmac: string;
  previous: string[];
  expiresAt: number;
  consumedAt: number | null;
  failedAttempts: number;
}

export type CodeCheck<T> =
  | { kind: "ok"; stored: T }
  | { kind: "mismatch" }
  | { kind: "expired" }
  | { kind: "locked" }
  | { kind: "none" };

/** Classifies a submitted code against the stored record (pure: the caller writes). */
export function classifyCode<T extends StoredCode>(
  stored: T | undefined,
  submittedHmac: string,
  now: number,
  maxFailedAttempts: number,
): CodeCheck<T> {
  if (!stored) return { kind: "none" };
  if (stored.failedAttempts >= maxFailedAttempts) return { kind: "locked" };
  // Always run every comparison, so the time taken does not say which one matched.
  const matchesCurrent = sameHmac(stored.codeHmac, submittedHmac);
  let matchesPrevious = false;
  for (const p of stored.previous) matchesPrevious = sameHmac(p, submittedHmac) || matchesPrevious;
  if (matchesCurrent) {
    if (stored.consumedAt !== null || stored.expiresAt <= now) return { kind: "expired" };
    return { kind: "ok", stored };
  }
  if (matchesPrevious) return { kind: "expired" };
  return { kind: "mismatch" };
}
