// Checking an access token presented to a user-pool API (GetUser, and the sign-out, password,
// attribute and MFA operations later). Cognito's answers (docs/signin.md, "Access tokens"):
//   not ours, altered, another pool's, an ID token, no longer matching the issuer setting
//                                 → NotAuthorizedException "Invalid Access Token"
//   genuine but past its exp      → NotAuthorizedException "Access Token has expired"
//   its family revoked (sign-out, RevokeToken), or its user disabled
//                                 → NotAuthorizedException "Access Token has been revoked"
//   without aws.cognito.signin.user.admin in its scope
//                                 → NotAuthorizedException "Access Token does not have required scopes"
//   its user deleted              → UserNotFoundException "User does not exist."
// Cost: the signature check against keys held in memory (once per token and node: a verified
// token's claims are remembered, keys.ts), then one statement reading the user and the
// family's revocation record together.
import { caseInsensitive } from "../../domain/pool.js";
import { ADMIN_SCOPE, type Claims } from "../../domain/tokens/claims.js";
import {
  ACCESS_TOKEN_MESSAGES,
  verifyAccessToken as checkAccessToken,
  decodeJwt,
} from "../../domain/tokens/jwt.js";
import { usernameKey } from "../../domain/usernames.js";
import type { FamilyKey, PoolRecord, UserRecord } from "../../ports/store/index.js";
import { fail, messages } from "../../protocol/errors.js";
import type { TokenDeps } from "./issue.js";
import { poolIdOfIssuer, poolIssuer } from "./issuer.js";

export const MISSING_SCOPE = "Access Token does not have required scopes";
export const ACCESS_TOKEN_REVOKED = ACCESS_TOKEN_MESSAGES.revoked;

export interface VerifiedAccessToken {
  pool: PoolRecord;
  user: UserRecord;
  /** The token's claims (client_id, username, origin_jti, event_id, scope, …). */
  claims: Claims;
  /** The app client the token was issued to. */
  clientId: string;
}

function invalid(): never {
  fail("NotAuthorizedException", ACCESS_TOKEN_MESSAGES.invalid);
}

/** The family an access token belongs to: its origin_jti, or its event_id when it has none. */
export function familyOf(claims: Claims): FamilyKey | null {
  if (typeof claims.origin_jti === "string") return { originJti: claims.origin_jti };
  if (typeof claims.event_id === "string") return { eventId: claims.event_id };
  return null;
}

/** Signature, issuer and use: the claims of a genuine access token (expired or not). */
async function checkSignature(
  deps: Pick<TokenDeps, "config" | "clock" | "signingKeys" | "directory">,
  token: string,
): Promise<Claims> {
  // The claims say which pool's keys to check the token with; nothing is believed before that.
  const decoded = decodeJwt(token);
  const iss = decoded?.claims.iss;
  const poolId = typeof iss === "string" ? poolIdOfIssuer(iss) : null;
  const pool = poolId === null ? undefined : await deps.directory.findPool(poolId);
  if (!pool || !decoded) invalid();
  const kid = decoded.header.kid;
  const keys = await deps.signingKeys.ring(pool.id, typeof kid === "string" ? kid : undefined);
  const check = await checkAccessToken(decoded, {
    keys,
    issuer: poolIssuer(deps.config, pool.id),
    now: deps.clock.now(),
  });
  if (check.kind === "invalid") invalid();
  if (check.kind === "ok") deps.signingKeys.rememberVerified(token, check.claims);
  return check.claims;
}

export async function verifyAccessToken(
  deps: Pick<TokenDeps, "config" | "clock" | "store" | "signingKeys" | "directory">,
  token: string,
): Promise<VerifiedAccessToken> {
  const claims = deps.signingKeys.verifiedClaims(token) ?? (await checkSignature(deps, token));
  const poolId = poolIdOfIssuer(String(claims.iss));
  const pool = poolId === null ? undefined : await deps.directory.findPool(poolId);
  // A token remembered from before its pool was deleted.
  if (!pool || claims.iss !== poolIssuer(deps.config, pool.id)) invalid();
  if (deps.clock.now() >= Number(claims.exp) * 1000)
    fail("NotAuthorizedException", ACCESS_TOKEN_MESSAGES.expired);
  const scopes = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
  if (!scopes.includes(ADMIN_SCOPE)) fail("NotAuthorizedException", MISSING_SCOPE);
  const family = familyOf(claims);
  if (family === null) invalid();
  const username = String(claims.username);
  const found = await deps.store.read.refreshTokens.userWithFamily(
    pool.id,
    usernameKey(username, caseInsensitive(pool.config)),
    family,
  );
  // A user deleted since (or deleted and signed up again under the same name: a new sub).
  if (!found || found.user.username !== username || found.user.sub !== claims.sub) {
    fail("UserNotFoundException", messages.userNotFound);
  }
  const { user, family: state } = found;
  // No record of the family: never stored (a forgery cannot get this far) or pruned once its
  // refresh tokens expired; only a revocation on record revokes.
  if ((state !== undefined && state.revokedAt !== null) || !user.enabled) {
    fail("NotAuthorizedException", ACCESS_TOKEN_MESSAGES.revoked);
  }
  return { pool, user, claims, clientId: String(claims.client_id) };
}
