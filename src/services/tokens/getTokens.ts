// GetTokensFromRefreshToken (docs/signin.md, "Refresh"): what Amplify ≥ 6.15 refreshes with.
// The same refresh as REFRESH_TOKEN_AUTH — new ID and access tokens of the sign-in's family —
// but the client proves itself with its raw ClientSecret, and with the client's
// RefreshTokenRotation ENABLED it also answers a new refresh token of the same family and
// retires the one presented:
//   - the retired token still works for RetryGracePeriodSeconds (0–60) after it was first
//     used, so a client that lost the answer to a network error can retry;
//   - after that it is refused with RefreshTokenReuseException, and — since a retired token
//     presented again means two parties hold it — its whole family is revoked. (Cognito does
//     not document what happens to the family; revoking it is the safe choice.)
//   - the new token keeps the family's expiry: rotation does not extend a sign-in past the
//     client's RefreshTokenValidity (another undocumented point; the strict reading).
import { timeOrderedId } from "../../domain/ids.js";
import { clientSecretMatches } from "../../domain/secretHash.js";
import { issueRefreshToken } from "../../domain/tokens/refresh.js";
import type { ClientRecord } from "../../ports/store/index.js";
import { fail, messages } from "../../protocol/errors.js";
import type { AuthenticationResultType } from "../../protocol/generated/shapes.js";
import { checkPoolQuota } from "../publicRequest.js";
import type { TokenContext, TokenDeps } from "./issue.js";
import { openRefresh, REFRESH_MESSAGES, reissue } from "./refresh.js";

/** A retired refresh token presented after its grace period (wording not documented). */
export const REUSE_MESSAGE = "Refresh Token has already been used";

/** A wrong ClientSecret (by analogy with the refresh flow's "SecretHash does not match …"). */
export const CLIENT_SECRET_MISMATCH = (clientId: string) =>
  `ClientSecret does not match for the client: ${clientId}`;

export interface Rotation {
  enabled: boolean;
  graceMs: number;
}

/** The client's RefreshTokenRotation setting. */
export function rotationOf(client: ClientRecord): Rotation {
  const r = client.config.RefreshTokenRotation;
  if (typeof r !== "object" || r === null) return { enabled: false, graceMs: 0 };
  const { Feature, RetryGracePeriodSeconds } = r as { Feature?: unknown; RetryGracePeriodSeconds?: unknown };
  const grace = typeof RetryGracePeriodSeconds === "number" ? RetryGracePeriodSeconds : 0;
  return { enabled: Feature === "ENABLED", graceMs: Math.max(0, Math.min(60, grace)) * 1000 };
}

function checkClientSecret(client: ClientRecord, provided: string | undefined): void {
  if (client.secret === null) return;
  if (provided === undefined) fail("NotAuthorizedException", messages.secretMissing(client.clientId));
  if (!clientSecretMatches(client.secret, provided)) {
    fail("NotAuthorizedException", CLIENT_SECRET_MISMATCH(client.clientId));
  }
}

export interface GetTokensInput {
  refreshToken: string;
  clientId: string;
  clientSecret: string | undefined;
  deviceKey: string | undefined;
  clientMetadata: Record<string, string> | undefined;
}

export async function getTokensFromRefreshToken(
  deps: TokenDeps,
  input: GetTokensInput,
  ctx: TokenContext,
): Promise<{ AuthenticationResult: AuthenticationResultType }> {
  const { client, pool } = await deps.directory.client(input.clientId);
  checkClientSecret(client, input.clientSecret);
  await checkPoolQuota(deps, pool.id);
  const opened = await openRefresh(deps, { pool, client, refreshToken: input.refreshToken });
  const rotation = rotationOf(client);
  const { record } = opened;
  const now = deps.clock.now();
  const pastGrace = (rotatedAt: number) => now - rotatedAt >= rotation.graceMs;
  if (record.revokedAt === null && record.rotatedAt !== null && pastGrace(record.rotatedAt)) {
    await deps.store.transaction((tx) => tx.refreshTokens.revokeFamily(pool.id, record.originJti, now));
    fail("RefreshTokenReuseException", REUSE_MESSAGE);
  }
  const reissued = { pool, client, opened, deviceKey: input.deviceKey, clientMetadata: input.clientMetadata };
  const result = await reissue(deps, reissued, ctx);
  if (!rotation.enabled) return { AuthenticationResult: result };

  const tokenId = timeOrderedId(deps.random, now);
  const refreshToken = issueRefreshToken(deps.refreshTokenKey, deps.random, {
    tokenId,
    poolId: pool.id,
    clientId: client.clientId,
    username: record.username,
    originJti: record.originJti,
    authTime: record.authTime,
    eventId: record.eventId,
    ...(record.deviceKey === null ? {} : { deviceKey: record.deviceKey }),
    issuedAt: now,
    expiresAt: record.expiresAt,
  });
  const stored = await deps.store.transaction(async (tx) => {
    // Two refreshes with one token at once: the second finds it retired by the first, and is
    // a retry within the grace period or a reuse.
    if (!(await tx.refreshTokens.markRotated(pool.id, record.id, now))) {
      const again = await tx.refreshTokens.get(pool.id, record.id);
      if (!again || again.revokedAt !== null) return "revoked";
      if (again.rotatedAt !== null && pastGrace(again.rotatedAt)) return "reused";
    }
    await tx.refreshTokens.insert({
      ...record,
      id: tokenId,
      issuedAt: now,
      revokedAt: null,
      rotatedAt: null,
    });
    return "ok";
  });
  if (stored === "revoked") fail("NotAuthorizedException", REFRESH_MESSAGES.revoked);
  if (stored === "reused") fail("RefreshTokenReuseException", REUSE_MESSAGE);
  return { AuthenticationResult: { ...result, RefreshToken: refreshToken } };
}
