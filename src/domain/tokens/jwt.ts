// Signing and checking the RS256 JWTs (docs/signin-internals.md, "Tokens"). The header is
// exactly {"kid":…,"alg":"RS256"}, like Cognito's (no `typ`).
//
// Checking runs on every request that carries an access token, so it is done by hand with
// node:crypto's synchronous RSA verification (tens of microseconds) rather than through
// WebCrypto's promise round trip; each part must be strict base64url, and only RS256 is ever
// accepted, whatever the header says.
import { KeyObject, verify as rsaVerify, type webcrypto } from "node:crypto";
import { type CryptoKey, SignJWT } from "jose";
import { decodeBase64UrlStrict } from "../seal.js";
import type { Claims } from "./claims.js";
import { ALG, type KeyRing, type Signer } from "./keys.js";

export async function signToken(signer: Signer, claims: Claims): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ kid: signer.kid, alg: ALG }).sign(signer.key);
}

export type InvalidReason =
  | "malformed"
  | "algorithm"
  | "unknown-kid"
  | "signature"
  | "issuer"
  | "token-use"
  | "client"
  | "claims";

export type TokenCheck =
  | { kind: "ok"; claims: Claims }
  /** Cannot be trusted: `Invalid Access Token` for an access token. */
  | { kind: "invalid"; reason: InvalidReason }
  /** Genuine, but past its exp: `Access Token has expired`. Revocation is the caller's check. */
  | { kind: "expired"; claims: Claims };

export interface VerifyOptions {
  /** The pool's public keys (loadKeyRing): a token signed by another pool's key is invalid. */
  keys: KeyRing;
  /** The pool's issuer (issuerFor). */
  issuer: string;
  /** Epoch ms. */
  now: number;
}

/** The wire messages for an access token that fails (NotAuthorizedException). */
export const ACCESS_TOKEN_MESSAGES = {
  invalid: "Invalid Access Token",
  expired: "Access Token has expired",
  revoked: "Access Token has been revoked",
} as const;

/**
 * Checks an access token for user-pool APIs: signature by one of the pool's keys, RS256,
 * `iss`, `token_use: access`, and — when `clientId` is given — `client_id`. Expiry is judged
 * only for a token whose signature and claims hold, so a forged expired token is "invalid".
 */
export async function verifyAccessToken(
  token: string | DecodedJwt,
  options: VerifyOptions & { clientId?: string },
): Promise<TokenCheck> {
  return verify(token, options, "access", (c) =>
    typeof c.client_id !== "string" || typeof c.username !== "string"
      ? "claims"
      : options.clientId !== undefined && c.client_id !== options.clientId
        ? "client"
        : null,
  );
}

/** Checks an ID token: as an access token, with `token_use: id` and `aud` = the client id. */
export async function verifyIdToken(
  token: string | DecodedJwt,
  options: VerifyOptions & { clientId: string },
): Promise<TokenCheck> {
  return verify(token, options, "id", (c) =>
    typeof c.aud !== "string" ? "claims" : c.aud !== options.clientId ? "client" : null,
  );
}

/** A token split into its parts, the header and claims parsed (not yet verified). */
export interface DecodedJwt {
  header: { alg?: unknown; kid?: unknown };
  claims: Claims;
  /** The bytes the signature covers: `header.payload` as sent. */
  signingInput: Buffer;
  signature: Buffer;
}

function jsonObject(part: string): Record<string, unknown> | null {
  const bytes = decodeBase64UrlStrict(part);
  if (bytes === null) return null;
  try {
    const v: unknown = JSON.parse(bytes.toString("utf8"));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The token's parts, or null when it is not a JWS compact serialisation of JSON objects. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const [h = "", p = "", sig = ""] = parts;
  const header = jsonObject(h);
  const claims = jsonObject(p);
  // An empty signature decodes to nothing (alg "none"): refused below for its algorithm.
  const signature = sig === "" ? Buffer.alloc(0) : decodeBase64UrlStrict(sig);
  if (header === null || claims === null || signature === null) return null;
  return { header, claims, signingInput: Buffer.from(`${h}.${p}`, "ascii"), signature };
}

// node:crypto's form of each WebCrypto key, made once per key.
const keyObjects = new WeakMap<CryptoKey, KeyObject>();
function keyObjectOf(key: CryptoKey): KeyObject {
  let k = keyObjects.get(key);
  if (!k) {
    k = KeyObject.from(key as unknown as webcrypto.CryptoKey);
    keyObjects.set(key, k);
  }
  return k;
}

async function verify(
  token: string | DecodedJwt,
  options: VerifyOptions,
  use: "id" | "access",
  check: (claims: Claims) => InvalidReason | null,
): Promise<TokenCheck> {
  const invalid = (reason: InvalidReason): TokenCheck => ({ kind: "invalid", reason });
  const decoded = typeof token === "string" ? decodeJwt(token) : token;
  if (decoded === null) return invalid("malformed");
  const { header, claims: c } = decoded;
  if (header.alg !== ALG) return invalid("algorithm");
  const key = typeof header.kid === "string" ? options.keys.get(header.kid) : undefined;
  if (key === undefined) return invalid("unknown-kid");
  let valid = false;
  try {
    valid = rsaVerify("sha256", decoded.signingInput, keyObjectOf(key), decoded.signature);
  } catch {
    valid = false;
  }
  if (!valid) return invalid("signature");
  if (c.iss !== options.issuer) return invalid("issuer");
  if (c.token_use !== use) return invalid("token-use");
  if (typeof c.exp !== "number" || typeof c.iat !== "number" || typeof c.sub !== "string")
    return invalid("claims");
  const reason = check(c);
  if (reason !== null) return invalid(reason);
  if (options.now >= c.exp * 1000) return { kind: "expired", claims: c };
  return { kind: "ok", claims: c };
}
