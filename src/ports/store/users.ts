// Users, and the sign-in aliases they hold (an alias names exactly one user of its pool).
//
// A user is found by its lookup key (`UsernameKey`: what the caller typed, case-folded in a
// case-insensitive pool) and, once found, addressed by its immutable internal `Username`.
// The two are distinct branded types (src/domain/usernames.ts), so that one cannot be passed
// where the other is meant.
import type { StoredVerifier } from "../../domain/srp/verifier.js";
import type { Username, UsernameKey } from "../../domain/usernames.js";

export type UserStatus =
  | "UNCONFIRMED"
  | "CONFIRMED"
  | "ARCHIVED"
  | "COMPROMISED"
  | "UNKNOWN"
  | "RESET_REQUIRED"
  | "FORCE_CHANGE_PASSWORD"
  | "EXTERNAL_PROVIDER";

export interface UserRecord {
  poolId: string;
  /** The internal username (a UUID in UsernameAttributes pools). */
  username: Username;
  sub: string;
  status: UserStatus;
  enabled: boolean;
  /** Attribute name → value, excluding `sub` (kept in its own column). */
  attributes: Record<string, string>;
  /** PHC-style password hash, or null (no password). */
  passwordHash: string | null;
  /**
   * The SRP salt and verifier of the same password (hex), or null: no password, or one set
   * before Cognate stored verifiers (the next password sign-in adds it).
   */
  srp: StoredVerifier | null;
  /** When the password was last set (epoch ms), or null when unknown or there is none. */
  passwordChangedAt: number | null;
  /**
   * MFA settings (docs/mfa.md); absent or null when the user never set MFA up. Read with the
   * user, written only by `setMfa` (`update` leaves them as they are).
   */
  mfa?: UserMfa | null;
  createdAt: number;
  updatedAt: number;
}

/** A user's MFA settings, as stored. */
export interface UserMfa {
  /** The verified TOTP secret, sealed (base64); null when none. */
  totpSecret: string | null;
  /**
   * A secret from AssociateSoftwareToken not yet verified (sealed); VerifySoftwareToken makes
   * it `totpSecret`. Until then the verified one, if any, stays in use.
   */
  totpPending: string | null;
  /** The time step of the last TOTP code accepted: that code and older ones are refused. */
  totpLastStep: number | null;
  /** SoftwareTokenMfaSettings.Enabled. */
  totpEnabled: boolean;
  /**
   * SMSMfaSettings.Enabled: codes go to the user's phone_number. Absent from documents written
   * before SMS MFA existed (read as false).
   */
  smsEnabled?: boolean;
  /** EmailMfaSettings.Enabled: codes go to the user's email. Absent as smsEnabled. */
  emailEnabled?: boolean;
  /** The preferred factor, or null. */
  preferred: "SOFTWARE_TOKEN_MFA" | "SMS_MFA" | "EMAIL_OTP" | null;
}

export interface UserReads {
  /** The user whose lookup key this is. */
  get(poolId: string, key: UsernameKey): Promise<UserRecord | undefined>;
  getBySub(poolId: string, sub: string): Promise<UserRecord | undefined>;
  /** Users ordered by username; `after` is an exclusive lower bound on the username. */
  list(poolId: string, limit: number, after: string | null): Promise<UserRecord[]>;
  /**
   * ListUsers: the users matching `search` (all when null) in the order described at
   * UserCursor, after `after`, at most `limit`. Each page costs one or two index ranges,
   * however many users the pool has.
   */
  search(
    poolId: string,
    search: UserSearch | null,
    after: UserCursor | null,
    limit: number,
  ): Promise<UserRecord[]>;
}

/**
 * What ListUsers can filter on, each with an index (migration 0008): the username, its lookup
 * key (case-insensitive pools), the sub, the status, the enabled flag, and six attributes.
 */
export type UserSearchField =
  | "username"
  | "usernameKey"
  | "sub"
  | "status"
  | "enabled"
  | "email"
  | "phone_number"
  | "name"
  | "given_name"
  | "family_name"
  | "preferred_username";

export interface UserSearch {
  field: UserSearchField;
  /** The value (`enabled`: "1" or "0"), or with `prefix` what the value starts with. */
  value: string;
  /** A prefix search ("starts with"); `enabled` is searched by exact value only. */
  prefix: boolean;
}

/**
 * Where a page of a search resumes: after this user. Pages of an exact search, and of no
 * search, are in username order; pages of a prefix search are in (value, username) order,
 * values compared by code point.
 */
export interface UserCursor {
  /** The searched field's value of the last user of the previous page (prefix searches). */
  value: string;
  username: string;
}

export interface UserRepo extends UserReads {
  /** Atomic: inserts unless the lookup key (or the sub) exists; false when it does. */
  createIfAbsent(user: UserRecord, key: UsernameKey): Promise<boolean>;
  /**
   * Bulk import (benchmarks, imports): inserts many new users in few statements. Fails the
   * transaction if any lookup key or sub exists.
   */
  insertMany(users: readonly { user: UserRecord; usernameKey: UsernameKey }[]): Promise<void>;
  /**
   * Reads the user by its internal username and locks it for the rest of the transaction
   * (`FOR UPDATE` where the engine has row locks; SQLite transactions are already serialised).
   */
  getForUpdate(poolId: string, username: Username): Promise<UserRecord | undefined>;
  /** As `getForUpdate`, by lookup key: the user whose key this is, locked. */
  getByKeyForUpdate(poolId: string, key: UsernameKey): Promise<UserRecord | undefined>;
  update(user: UserRecord): Promise<void>;
  /** Replaces the user's MFA settings (null: none). */
  setMfa(poolId: string, username: Username, mfa: UserMfa | null): Promise<void>;
  delete(poolId: string, username: Username): Promise<boolean>;
}

/** A sign-in name other than the username: an alias or a username attribute. */
export type AliasKind = "email" | "phone_number" | "preferred_username";

export interface AliasRecord {
  poolId: string;
  kind: AliasKind;
  /** The value, case-folded when the pool is case-insensitive. */
  valueKey: string;
  username: Username;
}

export interface AliasReads {
  find(poolId: string, kind: AliasKind, valueKey: string): Promise<AliasRecord | undefined>;
  listForUser(poolId: string, username: Username): Promise<AliasRecord[]>;
}

export interface AliasRepo extends AliasReads {
  /** Atomic: claims the alias for a user unless another user holds it; false when taken. */
  claim(alias: AliasRecord): Promise<boolean>;
  /** Moves the alias to `alias.username` whoever holds it; returns the previous holder. */
  transfer(alias: AliasRecord): Promise<Username | null>;
  release(poolId: string, kind: AliasKind, valueKey: string, username: Username): Promise<void>;
}
