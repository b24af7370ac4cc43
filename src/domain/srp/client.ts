// The client's half of Cognito's SRP-6a, as amazon-cognito-identity-js, Amplify and
// pycognito compute it (docs/signin-internals.md, "SRP"). Cognate's server never runs it;
// tests, benchmarks and the CLI sign in with it.
import type { Random } from "../ids.js";
import { fromBytes, G, hex, K, modPow, N, parseHexInt } from "./group.js";
import { computeU, deriveKey, passwordClaim } from "./server.js";
import { computeX, type SrpIdentity } from "./verifier.js";

export interface ClientStart {
  a: bigint;
  /** SRP_A as clients send it: unpadded lowercase hex. */
  srpA: string;
}

/** A random 1024-bit a (what identity-js and Amplify draw) and A = g^a. */
export function clientStart(random: Random): ClientStart {
  for (;;) {
    const a = fromBytes(random.bytes(128));
    if (a !== 0n) return clientStartWith(a);
  }
}

export function clientStartWith(a: bigint): ClientStart {
  return { a, srpA: hex(modPow(G, a)) };
}

export interface ClientAnswerInput {
  start: ClientStart;
  /** The challenge parameters SRP_B and SALT, as received. */
  srpB: string;
  salt: string;
  identity: SrpIdentity;
  password: string;
}

export type ClientKey = { kind: "ok"; key: Buffer } | { kind: "invalid-b" };

/** The 16-byte key: S = (B − k·g^x)^(a + u·x) mod N. Refuses B mod N = 0 and u = 0, as clients do. */
export function clientKey(input: ClientAnswerInput): ClientKey {
  const B = parseHexInt(input.srpB);
  const salt = parseHexInt(input.salt);
  if (B === null || salt === null || B % N === 0n) return { kind: "invalid-b" };
  const A = BigInt(`0x${input.start.srpA}`);
  const u = computeU(A, B);
  if (u === 0n) return { kind: "invalid-b" };
  const x = computeX(salt, input.identity, input.password);
  const base = (((B - K * modPow(G, x)) % N) + N) % N;
  const S = modPow(base, input.start.a + u * x);
  return { kind: "ok", key: deriveKey(S, u) };
}

/** PASSWORD_CLAIM_SIGNATURE for the given SECRET_BLOCK and TIMESTAMP, or null if B is refused. */
export function clientClaim(
  input: ClientAnswerInput & { secretBlock: string; timestamp: string },
): string | null {
  const k = clientKey(input);
  if (k.kind !== "ok") return null;
  return passwordClaim(k.key, input.identity, input.secretBlock, input.timestamp).toString("base64");
}
