// Signing and checking the RS256 JWTs (docs/signin-internals.md, "Tokens"). The header is
// exactly {"kid":…,"alg":"RS256"}, like Cognito's (no `typ`).
import { compactVerify, decodeProtectedHeader, SignJWT } from "jose";
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
  token: string,
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
  token: string,
  options: VerifyOptions & { clientId: string },
): Promise<TokenCheck> {
  return verify(token, options, "id", (c) =>
    typeof c.aud !== "string" ? "claims" : c.aud !== options.clientId ? "client" : null,
  );
}

async function verify(
  token: string,
  options: VerifyOptions,
  use: "id" | "access",
  check: (claims: Claims) => InvalidReason | null,
): Promise<TokenCheck> {
  const invalid = (reason: InvalidReason): TokenCheck => ({ kind: "invalid", reason });
  if (token.split(".").length !== 3) return invalid("malformed");
  let header: { alg?: unknown; kid?: unknown };
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return invalid("malformed");
  }
  if (header.alg !== ALG) return invalid("algorithm");
  const key = typeof header.kid === "string" ? options.keys.get(header.kid) : undefined;
  if (key === undefined) return invalid("unknown-kid");
  let payload: Uint8Array;
  try {
    payload = (await compactVerify(token, key, { algorithms: [ALG] })).payload;
  } catch {
    return invalid("signature");
  }
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload).toString("utf8"));
  } catch {
    return invalid("malformed");
  }
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) return invalid("malformed");
  const c = claims as Claims;
  if (c.iss !== options.issuer) return invalid("issuer");
  if (c.token_use !== use) return invalid("token-use");
  if (typeof c.exp !== "number" || typeof c.iat !== "number" || typeof c.sub !== "string")
    return invalid("claims");
  const reason = check(c);
  if (reason !== null) return invalid(reason);
  if (options.now >= c.exp * 1000) return { kind: "expired", claims: c };
  return { kind: "ok", claims: c };
}
