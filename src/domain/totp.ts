// Software-token MFA: RFC 6238 TOTP with the parameters authenticator apps assume for
// Cognito's secrets — HMAC-SHA1, 6 digits, 30-second steps — accepting the step before and
// after the current one for clock drift (docs/signin-internals.md, "TOTP").
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Random } from "./ids.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32, upper case, without padding (SecretCodeType allows only [A-Za-z0-9]). */
export function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Base32 to bytes (either case, no padding, no spaces); null for anything else. */
export function base32Decode(s: string): Buffer | null {
  if (!/^[A-Za-z2-7]*$/.test(s)) return null;
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of s.toUpperCase()) {
    buffer = (buffer << 5) | ALPHABET.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  // Leftover bits must be zero padding: another encoder's output, not a mangled string.
  if (buffer !== 0 || bits >= 5) return null;
  return Buffer.from(out);
}

/**
 * A new shared secret as AssociateSoftwareToken returns it: 32 random bytes in base32
 * (52 characters), within SecretCodeType (at least 16 of [A-Za-z0-9]).
 */
export function generateTotpSecret(random: Random, bytes = 32): string {
  return base32Encode(random.bytes(bytes));
}

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;

/** The RFC 4226 HOTP value for a counter. */
export function hotp(secret: Uint8Array, counter: number, digits = TOTP_DIGITS, algorithm = "sha1"): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, secret).update(msg).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 10 ** digits).padStart(digits, "0");
}

/** The time step (counter) an instant falls in. */
export function totpStep(epochMs: number, stepSeconds = TOTP_STEP_SECONDS): number {
  return Math.floor(epochMs / 1000 / stepSeconds);
}

/** The code for an instant: what an authenticator app shows (tests and the CLI). */
export function totpCode(
  secret: Uint8Array,
  epochMs: number,
  digits = TOTP_DIGITS,
  algorithm = "sha1",
): string {
  return hotp(secret, totpStep(epochMs), digits, algorithm);
}

export type TotpCheck =
  /** The code of `step`; record it so it cannot be used again. */
  | { kind: "ok"; step: number }
  /** The code of a step at or before the last accepted one: `Your software token has already been used once.` */
  | { kind: "reused"; step: number }
  | { kind: "mismatch" };

/**
 * Checks a code against the steps now−window … now+window. `lastUsedStep` is the step of the
 * last code accepted for this secret: a code from that step or an earlier one is refused, so
 * a code is good once even within its window. Every step is compared, in constant time.
 */
export function verifyTotp(
  secret: Uint8Array,
  code: string,
  now: number,
  options: { window?: number; lastUsedStep?: number | null } = {},
): TotpCheck {
  const window = options.window ?? 1;
  const current = totpStep(now);
  const given = Buffer.from(/^\d{6}$/.test(code) ? code : "xxxxxx", "utf8");
  let matched: number | null = null;
  for (let step = current - window; step <= current + window; step++) {
    const expected = Buffer.from(hotp(secret, step), "utf8");
    if (timingSafeEqual(expected, given) && matched === null) matched = step;
  }
  if (matched === null) return { kind: "mismatch" };
  const last = options.lastUsedStep;
  if (last !== undefined && last !== null && matched <= last) return { kind: "reused", step: matched };
  return { kind: "ok", step: matched };
}
