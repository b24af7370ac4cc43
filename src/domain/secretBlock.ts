// SECRET_BLOCK: the state of one SRP handshake, sealed into the string the client must send
// back verbatim (PASSWORD_CLAIM_SECRET_BLOCK) — clients send no Session with a
// PASSWORD_VERIFIER answer, so any node must be able to finish the handshake from it alone
// (docs/signin-internals.md, "SECRET_BLOCK").
//
// It carries the 16-byte key derived when the challenge was issued (src/domain/srp/server.ts),
// not b: the answer then needs no exponentiation, and the key is useless after this one
// handshake. It is standard base64 with padding: pycognito decodes it strictly.
import type { Random } from "./ids.js";
import { decodeBase64Strict, seal, unseal } from "./seal.js";

const AAD = Buffer.from("cognate:srp-secret-block:v1", "utf8");

export interface SecretBlockState {
  /** PASSWORD_VERIFIER (a user's password) or DEVICE_PASSWORD_VERIFIER (a remembered device). */
  challenge: "PASSWORD_VERIFIER" | "DEVICE_PASSWORD_VERIFIER";
  poolId: string;
  clientId: string;
  /** The internal username (USER_ID_FOR_SRP). */
  username: string;
  /** The device key whose verifier was used (device SRP), or the DEVICE_KEY sent with the sign-in. */
  deviceKey?: string;
  /** The key the proof is checked with (src/domain/srp/server.ts). */
  key: Buffer;
  /** verifierTag() of the verifier the challenge used: a changed password refuses the proof. */
  verifierTag: string;
  /** Epoch milliseconds. */
  issuedAt: number;
}

export interface IssuedSecretBlock {
  secretBlock: string;
  /** Unique per block; record it as used when the proof is checked (single use). */
  id: string;
}

interface Wire {
  c: SecretBlockState["challenge"];
  p: string;
  cl: string;
  u: string;
  d?: string;
  k: string;
  t: string;
  i: number;
}

export function issueSecretBlock(key: Buffer, random: Random, state: SecretBlockState): IssuedSecretBlock {
  const wire: Wire = {
    c: state.challenge,
    p: state.poolId,
    cl: state.clientId,
    u: state.username,
    ...(state.deviceKey === undefined ? {} : { d: state.deviceKey }),
    k: state.key.toString("base64"),
    t: state.verifierTag,
    i: state.issuedAt,
  };
  const sealed = seal(key, random, Buffer.from(JSON.stringify(wire), "utf8"), AAD);
  return { secretBlock: sealed.bytes.toString("base64"), id: sealed.id };
}

export type SecretBlockOpen =
  | { kind: "ok"; state: SecretBlockState; id: string }
  /** Not a block this server sealed, or altered. */
  | { kind: "tampered" }
  /** Sealed by this server for another pool. */
  | { kind: "foreign-pool" }
  /** Sealed for another app client of the pool. */
  | { kind: "foreign-client" }
  /** Older than maxAgeMs (or issued in the future). */
  | { kind: "expired" };

/**
 * Opens a block returned by a client. Every outcome but "ok" is, on the wire, the same as a
 * wrong password; the kinds exist for the auth-event record.
 */
export function openSecretBlock(
  key: Buffer,
  secretBlock: string,
  expected: { poolId: string; clientId: string },
  now: number,
  maxAgeMs: number,
): SecretBlockOpen {
  const bytes = decodeBase64Strict(secretBlock);
  const opened = bytes === null ? null : unseal(key, bytes, AAD);
  if (opened === null) return { kind: "tampered" };
  const wire = parseWire(opened.plaintext);
  if (wire === null) return { kind: "tampered" };
  if (wire.p !== expected.poolId) return { kind: "foreign-pool" };
  if (wire.cl !== expected.clientId) return { kind: "foreign-client" };
  // A small allowance for clocks of different nodes; beyond it a block "from the future" is refused.
  if (now - wire.i > maxAgeMs || wire.i - now > 5_000) return { kind: "expired" };
  const state: SecretBlockState = {
    challenge: wire.c,
    poolId: wire.p,
    clientId: wire.cl,
    username: wire.u,
    key: Buffer.from(wire.k, "base64"),
    verifierTag: wire.t,
    issuedAt: wire.i,
  };
  if (wire.d !== undefined) state.deviceKey = wire.d;
  return { kind: "ok", state, id: opened.id };
}

function parseWire(plaintext: Buffer): Wire | null {
  let v: unknown;
  try {
    v = JSON.parse(plaintext.toString("utf8"));
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const w = v as Record<string, unknown>;
  const str = (x: unknown) => typeof x === "string";
  if (w.c !== "PASSWORD_VERIFIER" && w.c !== "DEVICE_PASSWORD_VERIFIER") return null;
  if (!str(w.p) || !str(w.cl) || !str(w.u) || !str(w.k) || !str(w.t) || typeof w.i !== "number") return null;
  if (w.d !== undefined && !str(w.d)) return null;
  return w as unknown as Wire;
}
