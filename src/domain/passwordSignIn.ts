// Pure rules of password sign-in (docs/signin-internals.md, "Lock-out" and "SECRET_HASH").
import { checkSecretHash, type SecretHashCheck } from "./secretHash.js";

// ---- Lock-out ----
//
// Cognito: five failed sign-ins are allowed; after that the user is locked out for 2^(n−5)
// seconds, n the cumulative number of failures (attempts refused with "Password attempts
// exceeded" are not counted), up to about 15 minutes; 15 minutes without attempts reset it.
// During a lock-out even the right password is refused with that message.

export const LOCKOUT_FREE_FAILURES = 5;
export const LOCKOUT_MAX_MS = 15 * 60_000;
/** Quiet time after which the count starts again. */
export const LOCKOUT_RESET_MS = 15 * 60_000;

export interface LockoutState {
  /** Failed attempts counted so far. */
  failures: number;
  /** Epoch ms of the last counted failure, or null. */
  lastFailureAt: number | null;
}

export const NO_FAILURES: LockoutState = { failures: 0, lastFailureAt: null };

/** The state as it stands at `now`: an old count has lapsed after 15 quiet minutes. */
function current(state: LockoutState, now: number): LockoutState {
  if (state.lastFailureAt === null || now - state.lastFailureAt >= LOCKOUT_RESET_MS) return NO_FAILURES;
  return state;
}

/** How long the lock that follows the n-th failure lasts (0 for the first five). */
export function lockoutDurationMs(failures: number): number {
  if (failures < LOCKOUT_FREE_FAILURES) return 0;
  const exponent = failures - LOCKOUT_FREE_FAILURES;
  return exponent >= 20 ? LOCKOUT_MAX_MS : Math.min(LOCKOUT_MAX_MS, 1000 * 2 ** exponent);
}

export type LockoutCheck = { kind: "open" } | { kind: "locked"; until: number };

/** Whether a sign-in may be tried now; "locked" answers `Password attempts exceeded`. */
export function checkLockout(state: LockoutState, now: number): LockoutCheck {
  const s = current(state, now);
  if (s.lastFailureAt === null) return { kind: "open" };
  const until = s.lastFailureAt + lockoutDurationMs(s.failures);
  return now < until ? { kind: "locked", until } : { kind: "open" };
}

/**
 * The state after a wrong password or proof tried while open (never call it for an attempt
 * refused by the lock itself: those are not counted).
 */
export function recordFailure(state: LockoutState, now: number): LockoutState {
  const s = current(state, now);
  return { failures: s.failures + 1, lastFailureAt: now };
}

/** The state after a successful sign-in. */
export function recordSuccess(): LockoutState {
  return NO_FAILURES;
}

// ---- SECRET_HASH over any name of the user ----
//
// Cognito hashes different names in different steps (the typed name at InitiateAuth, the
// internal username in challenge answers and refresh), and clients get it wrong in both
// directions. Accepting a hash over any name that resolves to the same user — typed name,
// internal username, sub — is no weaker (each is a name of that user) and avoids that class of
// client bug.

/** checkSecretHash against each candidate name: ok if one matches. All are compared. */
export function checkSecretHashAnyName(
  clientSecret: string | null,
  names: readonly string[],
  clientId: string,
  provided: string | undefined,
): SecretHashCheck {
  if (clientSecret === null) return { kind: "ok" };
  if (provided === undefined) return { kind: "missing" };
  let ok = false;
  for (const name of new Set(names)) {
    ok = checkSecretHash(clientSecret, name, clientId, provided).kind === "ok" || ok;
  }
  return ok ? { kind: "ok" } : { kind: "mismatch" };
}
