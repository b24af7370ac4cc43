// Refresh tokens: one record per token handed out. The tokens of one sign-in form a family:
// they share an origin_jti (and an event_id), and so do the ID and access tokens issued with
// them. Revocation is by family (RevokeToken, sign-out) or by user (global sign-out); an
// access token is checked against its family's record (docs/signin.md, "Sign-out and revocation").
import type { Username, UsernameKey } from "../../domain/usernames.js";
import type { UserRecord } from "./users.js";

export interface RefreshTokenRecord {
  /** The id sealed into the token (domain/tokens/refresh.ts). */
  id: string;
  poolId: string;
  clientId: string;
  /** The internal username. */
  username: Username;
  originJti: string;
  eventId: string;
  /** When the user authenticated (epoch ms): kept by every token refreshed from this one. */
  authTime: number;
  /** The remembered device the sign-in was on; refreshing must present it. */
  deviceKey: string | null;
  issuedAt: number;
  expiresAt: number;
  revokedAt: number | null;
  /** When a rotation replaced this token with a new one (GetTokensFromRefreshToken), or null. */
  rotatedAt: number | null;
}

/** Which claim of an access token names its family. */
export type FamilyKey = { originJti: string } | { eventId: string };

export interface FamilyState {
  /** When the family was revoked, or null. */
  revokedAt: number | null;
}

export interface RefreshTokenReads {
  get(poolId: string, id: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * What checking an access token reads, in one statement: the user under `usernameKey` and,
   * when there is one, its token's family: whether it is revoked, or undefined when no record of
   * it is kept (never stored, or pruned after its refresh tokens expired). Every request that
   * carries an access token makes this read (services/tokens/verify.ts).
   */
  userWithFamily(
    poolId: string,
    usernameKey: UsernameKey,
    key: FamilyKey,
  ): Promise<{ user: UserRecord; family: FamilyState | undefined } | undefined>;
}

export interface RefreshTokenRepo extends RefreshTokenReads {
  insert(token: RefreshTokenRecord): Promise<void>;
  /** Revokes every token of the family not revoked yet; returns how many. */
  revokeFamily(poolId: string, originJti: string, now: number): Promise<number>;
  /** Revokes every token of the user not revoked yet (global sign-out); returns how many. */
  revokeAllForUser(poolId: string, username: Username, now: number): Promise<number>;
  /** Marks a token replaced by rotation; false when it is gone or rotated already. */
  markRotated(poolId: string, id: string, now: number): Promise<boolean>;
  /** Deletes tokens that expired before `before`; returns how many. */
  prune(before: number): Promise<number>;
}
