// The server's half of Cognito's SRP-6a (docs/signin-internals.md, "SRP"). The whole shared
// secret is derived when the challenge is issued — A arrives with the InitiateAuth request and
// b, v are known then — so the answer needs only the 16-byte key, which travels sealed in the
// SECRET_BLOCK (src/domain/secretBlock.ts): no state on the server between the two calls.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Random } from "../ids.js";
import { fromBytes, G, hex, K, modPow, N, pad, parseHexInt, sha256 } from "./group.js";
import { parseVerifier, type SrpIdentity, type StoredVerifier } from "./verifier.js";

const INFO = Buffer.concat([Buffer.from("Caldera Derived Key", "utf8"), Buffer.from([1])]);

/** u = H(PAD(A) ‖ PAD(B)). */
export function computeU(A: bigint, B: bigint): bigint {
  return fromBytes(sha256(pad(A), pad(B)));
}

/**
 * The 16-byte key both sides derive from S: one HKDF-SHA256 block with salt PAD(u), input
 * PAD(S) and info "Caldera Derived Key" ‖ 0x01, cut to 16 bytes.
 */
export function deriveKey(S: bigint, u: bigint): Buffer {
  const prk = createHmac("sha256", pad(u)).update(pad(S)).digest();
  return createHmac("sha256", prk).update(INFO).digest().subarray(0, 16);
}

export type ServerChallenge =
  | {
      kind: "ok";
      /** SRP_B as sent: unpadded lowercase hex. */
      srpB: string;
      /** The key the client's proof must be made with; to be sealed, never sent in clear. */
      key: Buffer;
    }
  /** SRP_A is not a hex integer, or A mod N = 0 (which would let anyone pass). */
  | { kind: "invalid-a" }
  /** The stored verifier is unusable (corrupt record). */
  | { kind: "invalid-verifier" };

/** A challenge for SRP_A against a stored verifier, with a fresh 256-bit b. */
export function serverChallenge(random: Random, stored: StoredVerifier, srpA: string): ServerChallenge {
  for (;;) {
    const b = fromBytes(random.bytes(32));
    if (b === 0n) continue;
    const c = serverChallengeWith(b, stored, srpA);
    // B or u of zero happen with probability ~2^-256; a new b avoids them rather than failing.
    if (c.kind === "retry") continue;
    return c;
  }
}

/** The same with a chosen b (the test vector fixes it). */
export function serverChallengeWith(
  b: bigint,
  stored: StoredVerifier,
  srpA: string,
): ServerChallenge | { kind: "retry" } {
  const A = parseHexInt(srpA);
  if (A === null || A % N === 0n) return { kind: "invalid-a" };
  const parsed = parseVerifier(stored);
  if (parsed === null) return { kind: "invalid-verifier" };
  const v = parsed.verifier;
  const B = (K * v + modPow(G, b)) % N;
  if (B === 0n) return { kind: "retry" };
  const u = computeU(A, B);
  if (u === 0n) return { kind: "retry" };
  const S = modPow((A * modPow(v, u)) % N, b);
  return { kind: "ok", srpB: hex(B), key: deriveKey(S, u) };
}

/**
 * PASSWORD_CLAIM_SIGNATURE's bytes: HMAC-SHA256(key, realm ‖ userId ‖ secret block bytes ‖
 * TIMESTAMP). The secret block is the base64 string as the client returned it, decoded; the
 * timestamp is signed verbatim.
 */
export function passwordClaim(key: Buffer, id: SrpIdentity, secretBlock: string, timestamp: string): Buffer {
  return createHmac("sha256", key)
    .update(Buffer.from(id.realm, "utf8"))
    .update(Buffer.from(id.userId, "utf8"))
    .update(Buffer.from(secretBlock, "base64"))
    .update(Buffer.from(timestamp, "utf8"))
    .digest();
}

/** Whether PASSWORD_CLAIM_SIGNATURE is the expected claim; constant time. */
export function verifyPasswordClaim(
  key: Buffer,
  id: SrpIdentity,
  secretBlock: string,
  timestamp: string,
  signature: string,
): boolean {
  const expected = passwordClaim(key, id, secretBlock, timestamp);
  const given = /^[A-Za-z0-9+/_-]*={0,2}$/.test(signature)
    ? Buffer.from(signature, "base64")
    : Buffer.alloc(0);
  if (given.length !== expected.length) {
    // Spend the same comparison so the time does not tell a short signature from a wrong one.
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(expected, given);
}
