// Revocation primitives, for the sign-out work (GlobalSignOut, AdminUserGlobalSignOut,
// RevokeToken, AdminDisableUser). Each revokes whole families: a family's refresh tokens stop
// refreshing ("Refresh Token has been revoked") and its access tokens stop working on the
// user-pool APIs ("Access Token has been revoked", verify.ts). Sign-ins after a revocation
// start new families and are unaffected (Cognito rejected tokens issued in the same second as
// a global sign-out; revoking the families that exist avoids that).
import type { Username } from "../../domain/usernames.js";
import type { StoreTx } from "../../ports/store/index.js";
import type { OpenedRefresh } from "./refresh.js";

/**
 * Revokes the family of an opened refresh token (RevokeToken: the token and every access
 * token issued with it or refreshed from it). Returns how many refresh tokens it revoked.
 */
export function revokeRefreshTokenFamily(tx: StoreTx, opened: OpenedRefresh, now: number): Promise<number> {
  return tx.refreshTokens.revokeFamily(opened.record.poolId, opened.record.originJti, now);
}

/** Revokes every family of the user (global sign-out). Returns how many refresh tokens. */
export function revokeAllTokensOfUser(
  tx: StoreTx,
  poolId: string,
  username: Username,
  now: number,
): Promise<number> {
  return tx.refreshTokens.revokeAllForUser(poolId, username, now);
}
