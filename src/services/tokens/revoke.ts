// Revocation (docs/signin.md, "Sign-out and revocation"). Everything revokes whole families: a
// family's refresh tokens stop refreshing ("Refresh Token has been revoked") and its access
// tokens stop working on the user-pool APIs ("Access Token has been revoked", verify.ts).
//   GlobalSignOut, AdminUserGlobalSignOut, AdminDisableUser — every family of the user;
//   RevokeToken — the family of one refresh token.
// Sign-ins after a revocation start new families and are unaffected (Cognito was seen to
// reject tokens issued in the same second as a global sign-out; revoking the families that
// exist, rather than every token issued before a time, avoids that).

import { clientSecretMatches } from "../../domain/secretHash.js";
import { openRefreshToken } from "../../domain/tokens/refresh.js";
import type { Username } from "../../domain/usernames.js";
import type { ClientRecord, StoreTx } from "../../ports/store/index.js";
import { fail } from "../../protocol/errors.js";
import { checkPoolQuota } from "../publicRequest.js";
import { revocationEnabled, type TokenDeps } from "./issue.js";
import type { OpenedRefresh } from "./refresh.js";

/**
 * RevokeToken's answers. Cognito's wording for these is not documented anywhere we could
 * find; these say what happened (docs/signin.md, "Decisions").
 */
export const REVOKE_MESSAGES = {
  /** Unknown client, a missing or wrong ClientSecret, a secret for a client without one. */
  client: "Invalid client id or client secret.",
  /** A refresh token issued to another app client (RFC 7009 refuses it, so do we). */
  foreignClient: "The token was not issued to this client.",
  /** The client's EnableTokenRevocation is false. */
  disabled: "Token revocation is not enabled for this app client.",
  /** An access or ID token (JWTs have three parts; refresh tokens five). */
  unsupported: "Only refresh tokens can be revoked.",
  /** Not a refresh token of this server and user pool. */
  invalid: "Invalid Refresh Token.",
} as const;

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

/** GlobalSignOut / AdminUserGlobalSignOut: every session of the user ends now. */
export async function signOutEverywhere(
  deps: Pick<TokenDeps, "store" | "clock">,
  poolId: string,
  username: Username,
): Promise<void> {
  const now = deps.clock.now();
  await deps.store.transaction((tx) => revokeAllTokensOfUser(tx, poolId, username, now));
}

/** The client of a RevokeToken request, its secret checked (UnauthorizedException otherwise). */
function authenticateClient(client: ClientRecord | undefined, provided: string | undefined): ClientRecord {
  if (!client) fail("UnauthorizedException", REVOKE_MESSAGES.client);
  const ok =
    client.secret === null
      ? provided === undefined
      : provided !== undefined && clientSecretMatches(client.secret, provided);
  if (!ok) fail("UnauthorizedException", REVOKE_MESSAGES.client);
  return client;
}

/**
 * RevokeToken: the refresh token's family, for the client it was issued to. Order: the client
 * and its secret, the pool's quota, whether the client allows revocation, the kind of token,
 * the token itself. A genuine token whose family is revoked already, has expired, or whose
 * user is gone is revoked without complaint (RFC 7009: nothing is left to do).
 */
export async function revokeToken(
  deps: Pick<TokenDeps, "store" | "clock" | "directory" | "config" | "refreshTokenKey">,
  input: { token: string; clientId: string; clientSecret: string | undefined },
): Promise<void> {
  const client = authenticateClient(await deps.directory.findClient(input.clientId), input.clientSecret);
  await checkPoolQuota(deps, client.poolId);
  if (!revocationEnabled(client)) fail("UnsupportedOperationException", REVOKE_MESSAGES.disabled);
  if (input.token.split(".").length === 3) fail("UnsupportedTokenTypeException", REVOKE_MESSAGES.unsupported);
  const now = deps.clock.now();
  const opened = openRefreshToken(
    deps.refreshTokenKey,
    input.token,
    { poolId: client.poolId, clientId: client.clientId },
    now,
  );
  if (opened.kind === "foreign-client") fail("UnauthorizedException", REVOKE_MESSAGES.foreignClient);
  if (opened.kind !== "ok" && opened.kind !== "expired") {
    fail("InvalidParameterException", REVOKE_MESSAGES.invalid);
  }
  const { poolId, originJti } = opened.state;
  await deps.store.transaction((tx) => tx.refreshTokens.revokeFamily(poolId, originJti, now));
}
