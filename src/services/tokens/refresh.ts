// Refreshing: new ID and access tokens from a refresh token (REFRESH_TOKEN_AUTH now;
// GetTokensFromRefreshToken later). They keep the sign-in's auth_time, origin_jti and event_id
// (docs/signin.md, "Refresh"); no new refresh token is issued (Cognito's REFRESH_TOKEN_AUTH
// returns none). Rotation (RefreshTokenRotation ENABLED) is GetTokensFromRefreshToken's: it
// marks the record rotated (RefreshTokenRepo.markRotated) and issues a new token of the same
// family.
//
// Two steps, so that a caller can check the client between them once it knows the user
// (InitiateAuth hashes SECRET_HASH over the user's internal username):
//   openRefresh — the token opens, is this client's, has a record, and its user exists;
//   reissue     — the family is not revoked, the device matches, the user may sign in; mint.

import { caseInsensitive } from "../../domain/pool.js";
import type { RefreshTokenState } from "../../domain/tokens/refresh.js";
import { openRefreshToken } from "../../domain/tokens/refresh.js";
import { usernameKey } from "../../domain/usernames.js";
import type { ClientRecord, PoolRecord, RefreshTokenRecord, UserRecord } from "../../ports/store/index.js";
import { fail, messages } from "../../protocol/errors.js";
import type { AuthenticationResultType } from "../../protocol/generated/shapes.js";
import { groupsForUser } from "./groups.js";
import { mintTokens, type TokenContext, type TokenDeps } from "./issue.js";

/** The wire messages of a refresh that fails (all NotAuthorizedException). */
export const REFRESH_MESSAGES = {
  /** Malformed, not ours, another client's or pool's, unknown, its user gone, wrong device. */
  invalid: "Invalid Refresh Token.",
  revoked: "Refresh Token has been revoked",
  /**
   * Past RefreshTokenValidity. Observations of Cognito disagree (this wording, and "… has been
   * revoked" for an expired token); this one says what happened (docs/signin.md, "Decisions").
   */
  expired: "Refresh Token has expired",
} as const;

export interface OpenedRefresh {
  state: RefreshTokenState;
  record: RefreshTokenRecord;
  user: UserRecord;
}

/** Opens a refresh token presented to `client` of `pool`, with its record and user. */
export async function openRefresh(
  deps: Pick<TokenDeps, "clock" | "store" | "refreshTokenKey">,
  a: { pool: PoolRecord; client: ClientRecord; refreshToken: string },
): Promise<OpenedRefresh> {
  const opened = openRefreshToken(
    deps.refreshTokenKey,
    a.refreshToken,
    { poolId: a.pool.id, clientId: a.client.clientId },
    deps.clock.now(),
  );
  if (opened.kind === "expired") fail("NotAuthorizedException", REFRESH_MESSAGES.expired);
  if (opened.kind !== "ok") fail("NotAuthorizedException", REFRESH_MESSAGES.invalid);
  const state = opened.state;
  const [record, user] = await Promise.all([
    deps.store.read.refreshTokens.get(a.pool.id, state.tokenId),
    deps.store.read.users.get(a.pool.id, usernameKey(state.username, caseInsensitive(a.pool.config))),
  ]);
  // The record goes with its user: a deleted user's tokens (and a new user who took the same
  // name) find none.
  if (
    !record ||
    record.clientId !== state.clientId ||
    record.username !== state.username ||
    record.originJti !== state.originJti ||
    !user ||
    user.username !== record.username
  ) {
    fail("NotAuthorizedException", REFRESH_MESSAGES.invalid);
  }
  return { state, record, user };
}

/** The names a SECRET_HASH of a request about this user may be computed over (§ SECRET_HASH). */
export function namesOfUser(user: UserRecord): string[] {
  const names = [user.username, user.sub];
  for (const a of ["email", "phone_number", "preferred_username"]) {
    const v = user.attributes[a];
    if (v !== undefined) names.push(v);
  }
  return names;
}

/** New ID and access tokens for an opened refresh token (no new refresh token). */
export async function reissue(
  deps: TokenDeps,
  a: {
    pool: PoolRecord;
    client: ClientRecord;
    opened: OpenedRefresh;
    /** DEVICE_KEY sent with the refresh: must be the sign-in's when it was on a device. */
    deviceKey?: string | undefined;
    clientMetadata?: Record<string, string> | undefined;
  },
  ctx: TokenContext,
): Promise<AuthenticationResultType> {
  const { record, user } = a.opened;
  // A disabled user is told so first: disabling also revoked the tokens (AdminDisableUser),
  // and once the user is enabled again they answer "revoked".
  if (!user.enabled) fail("NotAuthorizedException", messages.userDisabled);
  if (record.revokedAt !== null) fail("NotAuthorizedException", REFRESH_MESSAGES.revoked);
  if (record.deviceKey !== null) {
    if (a.deviceKey !== record.deviceKey) fail("NotAuthorizedException", REFRESH_MESSAGES.invalid);
    // A forgotten device's tokens end with it (docs/devices.md).
    const device = await deps.store.read.devices.get(a.pool.id, record.deviceKey);
    if (!device || device.username !== user.username)
      fail("NotAuthorizedException", REFRESH_MESSAGES.invalid);
  }
  const signed = await mintTokens(deps, {
    pool: a.pool,
    client: a.client,
    user,
    source: "TokenGeneration_RefreshTokens",
    now: deps.clock.now(),
    authTime: record.authTime,
    originJti: record.originJti,
    eventId: record.eventId,
    deviceKey: record.deviceKey ?? undefined,
    groups: await groupsForUser(deps, a.pool, user),
    clientMetadata: a.clientMetadata,
    userAgent: ctx.userAgent,
  });
  return {
    AccessToken: signed.accessToken,
    ExpiresIn: signed.accessSeconds,
    TokenType: "Bearer",
    IdToken: signed.idToken,
  };
}

/** openRefresh then reissue, for callers that check nothing in between. */
export async function refreshTokens(
  deps: TokenDeps,
  a: {
    pool: PoolRecord;
    client: ClientRecord;
    refreshToken: string;
    deviceKey?: string | undefined;
    clientMetadata?: Record<string, string> | undefined;
  },
  ctx: TokenContext,
): Promise<AuthenticationResultType> {
  const opened = await openRefresh(deps, a);
  return reissue(deps, { ...a, opened }, ctx);
}
