// Temporary passwords: the one AdminCreateUser makes when none is given, and how long one
// lasts (docs/admin-users.md, "Temporary passwords").
//
// A user in FORCE_CHANGE_PASSWORD holds a temporary password set at `passwordChangedAt` (by
// AdminCreateUser, its RESEND, or AdminSetUserPassword without Permanent). It can be used to
// sign in for the pool's TemporaryPasswordValidityDays (0 or absent: 7; the legacy
// AdminCreateUserConfig.UnusedAccountValidityDays when the policy has none), after which the
// sign-in fails with TEMPORARY_PASSWORD_EXPIRED and only an administrator can issue a new one.
import type { UserRecord } from "../ports/store/index.js";
import type { Random } from "./ids.js";
import type { PoolConfig } from "./pool.js";

const DAY_MS = 86_400_000;
const DEFAULT_VALIDITY_DAYS = 7;

/** Cognito's answer to a sign-in with an expired temporary password. */
export const TEMPORARY_PASSWORD_EXPIRED =
  "Temporary password has expired and must be reset by an administrator.";

export function temporaryPasswordValidityDays(pool: PoolConfig): number {
  const days =
    pool.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays ??
    pool.AdminCreateUserConfig?.UnusedAccountValidityDays;
  return days === undefined || days === 0 ? DEFAULT_VALIDITY_DAYS : days;
}

/** When the user's temporary password stops working, or null when they have none. */
export function temporaryPasswordExpiresAt(user: UserRecord, pool: PoolConfig): number | null {
  if (user.status !== "FORCE_CHANGE_PASSWORD" || user.passwordChangedAt === null) return null;
  return user.passwordChangedAt + temporaryPasswordValidityDays(pool) * DAY_MS;
}

export function temporaryPasswordExpired(user: UserRecord, pool: PoolConfig, now: number): boolean {
  const until = temporaryPasswordExpiresAt(user, pool);
  return until !== null && now >= until;
}

const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER = "abcdefghijkmnopqrstuvwxyz";
const DIGITS = "23456789";
// Symbols of Cognito's accepted set that survive being typed, pasted from an email, or
// quoted in a shell.
const SYMBOLS = "!#$%*+-.=?@^_~";
const GENERATED_MIN_LENGTH = 12;

/**
 * A temporary password that satisfies the pool's policy: at least 12 characters (more when
 * the policy's MinimumLength asks), one of every class the policy requires and of every class
 * anyway (a pool may tighten its policy later), from an alphabet without look-alike
 * characters, in random order.
 */
export function generateTemporaryPassword(random: Random, pool: PoolConfig): string {
  const min = pool.Policies?.PasswordPolicy?.MinimumLength ?? 8;
  const length = Math.max(GENERATED_MIN_LENGTH, min);
  const all = UPPER + LOWER + DIGITS + SYMBOLS;
  const chars = [UPPER, LOWER, DIGITS, SYMBOLS].map((set) => random.string(set, 1));
  while (chars.length < length) chars.push(random.string(all, 1));
  // Fisher–Yates, so the required classes are not always at the front.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = chars[i] ?? "";
    chars[i] = chars[j] ?? "";
    chars[j] = t;
  }
  return chars.join("");
}
