// The pool's password history (Policies.PasswordPolicy.PasswordHistorySize, 0–24): a user may
// not set a password that matches any of their last n, the current one included
// (docs/admin-users.md, "Password history"). Each password set is remembered as the SRP salt
// and verifier made for it anyway (src/domain/credentials.ts), so a candidate is checked with
// one exponentiation per remembered password, on the SRP worker threads — never by keeping
// the password or re-running the slow hash n times.
//
// The check runs outside any transaction (it is CPU work); the write that follows it must see
// the user's password unchanged since (`historyMoved`), or check again: otherwise a password
// set concurrently would escape the comparison.
import { timingSafeEqual } from "node:crypto";
import type { PasswordCredentials } from "../domain/credentials.js";
import type { PoolConfig } from "../domain/pool.js";
import { N_BYTES, toFixedBytes } from "../domain/srp/group.js";
import { parseVerifier, type StoredVerifier, userIdentity } from "../domain/srp/verifier.js";
import type { Deps } from "../operations/deps.js";
import type { PoolRecord, StoreTx, UserRecord } from "../ports/store/index.js";
import { fail, messages } from "../protocol/errors.js";
import { passwordMatches } from "./signIn/password.js";

/**
 * Cognito's text for PasswordHistoryPolicyViolationException is not documented anywhere we
 * could find; this wording is ours (docs/admin-users.md, "Password history").
 */
export const PASSWORD_HISTORY_MESSAGE = "The password has been used recently and cannot be used again.";

/** The model's upper bound for PasswordHistorySize. */
const MAX_HISTORY = 24;

/** How many passwords the pool remembers per user; 0 (absent or 0) enforces nothing. */
export function historySize(config: PoolConfig): number {
  const n = config.Policies?.PasswordPolicy?.PasswordHistorySize;
  if (n === undefined || !Number.isInteger(n) || n <= 0) return 0;
  return Math.min(n, MAX_HISTORY);
}

export type HistoryDeps = Pick<Deps, "store" | "srpMath" | "hashGate">;

export type HistoryCheck =
  | { kind: "reused" }
  /** Not among the last n; `mark` is the state of the user's password it was checked against. */
  | { kind: "fresh"; mark: string | null };

/** The state of a user's password the check depends on (null: the pool keeps no history). */
function markOf(user: UserRecord): string {
  return `${user.passwordHash ?? ""}:${user.srp?.verifier ?? ""}`;
}

/**
 * Whether the user's password has changed since `check` was made: the write must then check
 * again (with the user it read) rather than trust it.
 */
export function historyMoved(check: HistoryCheck, current: UserRecord): boolean {
  return check.kind === "fresh" && check.mark !== null && check.mark !== markOf(current);
}

/** Whether `password` makes the stored verifier, compared in constant time. */
async function matches(
  deps: HistoryDeps,
  poolId: string,
  user: UserRecord,
  stored: StoredVerifier,
  password: string,
): Promise<boolean> {
  const parsed = parseVerifier(stored);
  if (parsed === null) return false;
  const v = await deps.srpMath.verifier(parsed.salt, userIdentity(poolId, user.username), password);
  return timingSafeEqual(toFixedBytes(parsed.verifier, N_BYTES), toFixedBytes(v, N_BYTES));
}

/**
 * Checks `password` against the user's last n passwords: the current one (its verifier on the
 * user record, which is also what counts for users whose password was set before history was
 * kept) and the remembered ones, newest first, n in all. A user with only a password hash (set
 * before Cognate kept verifiers) has that hash checked instead.
 */
export async function checkPasswordHistory(
  deps: HistoryDeps,
  pool: PoolRecord,
  user: UserRecord,
  password: string,
): Promise<HistoryCheck> {
  const n = historySize(pool.config);
  if (n === 0) return { kind: "fresh", mark: null };
  const mark = markOf(user);
  const remembered = await deps.store.read.passwordHistory.list(pool.id, user.username, n);
  const current = user.srp;
  const candidates: StoredVerifier[] = [];
  if (current !== null) candidates.push(current);
  for (const e of remembered) {
    if (current === null || e.srp.verifier !== current.verifier) candidates.push(e.srp);
  }
  const checks = candidates.slice(0, n).map((c) => matches(deps, pool.id, user, c, password));
  if (current === null && user.passwordHash !== null) {
    checks.push(passwordMatches(deps, pool.id, user, password));
  }
  const results = await Promise.all(checks);
  return results.includes(true) ? { kind: "reused" } : { kind: "fresh", mark };
}

/**
 * The check, with its refusal: PasswordHistoryPolicyViolationException for a reused password,
 * else the check for the write to hold against (historyMoved).
 */
export async function refuseReusedPassword(
  deps: HistoryDeps,
  pool: PoolRecord,
  user: UserRecord,
  password: string,
): Promise<HistoryCheck> {
  const check = await checkPasswordHistory(deps, pool, user, password);
  if (check.kind === "reused") fail("PasswordHistoryPolicyViolationException", PASSWORD_HISTORY_MESSAGE);
  return check;
}

/**
 * Remembers the password just set, in the transaction that sets it (the user locked), and
 * forgets what is beyond the pool's size. A pool that keeps no history forgets what it held.
 */
export async function rememberPassword(
  tx: StoreTx,
  pool: PoolRecord,
  user: UserRecord,
  credentials: Pick<PasswordCredentials, "srp" | "passwordChangedAt">,
): Promise<void> {
  await tx.passwordHistory.remember(
    pool.id,
    user.username,
    { srp: credentials.srp, setAt: credentials.passwordChangedAt },
    historySize(pool.config),
  );
}

/**
 * A new user's first password (SignUp, AdminCreateUser, and its RESEND's new temporary
 * password): remembered when the pool keeps a history, never refused by it (those operations
 * do not have the error).
 */
export async function rememberNewUserPassword(
  tx: StoreTx,
  pool: PoolRecord,
  user: UserRecord,
): Promise<void> {
  if (historySize(pool.config) === 0 || user.srp === null) return;
  await rememberPassword(tx, pool, user, {
    srp: user.srp,
    passwordChangedAt: user.passwordChangedAt ?? user.updatedAt,
  });
}

/** What a password write answers when the user's password changed since it was checked. */
export interface HistoryMoved {
  kind: "historyMoved";
  /** The user as the write read it: the next check runs against it. */
  user: UserRecord;
}

/** A write gives up after this many rounds (each needs another password set meanwhile). */
const MAX_ROUNDS = 5;

/**
 * Checks `password` against the history and runs `write` (a transaction that sets it, and that
 * answers `HistoryMoved` when `historyMoved(check, current)`); when the user's password moved
 * between them, checks again against the user the write read, and writes again. Refuses a
 * reused password with PasswordHistoryPolicyViolationException.
 */
export async function writeUnlessReused<T>(
  deps: HistoryDeps,
  pool: PoolRecord,
  user: UserRecord,
  password: string,
  write: (check: HistoryCheck) => Promise<T | HistoryMoved>,
): Promise<T> {
  let against = user;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const r = await write(await refuseReusedPassword(deps, pool, against, password));
    if (!isMoved(r)) return r;
    against = r.user;
  }
  fail("TooManyRequestsException", messages.tooManyRequests);
}

function isMoved(r: unknown): r is HistoryMoved {
  return typeof r === "object" && r !== null && (r as { kind?: unknown }).kind === "historyMoved";
}
