// Taking a one-time code back (src/services/codes.ts issues them), inside the caller's
// transaction after it has locked the user. As ory/kratos redeems its codes: the attempt is
// counted first, then compared in constant time, then consumed atomically, so that of two
// right answers one wins and a wrong one is counted even when the caller gives up. The
// results are data; each operation maps them to its own wire errors.
import { CODE_POLICIES, type CodePolicy, limitKey } from "../domain/codePurposes.js";
import { classifyCode, codeHmac } from "../domain/codes.js";
import type { Username } from "../domain/usernames.js";
import type { Deps } from "../operations/deps.js";
import type { CodePurpose, CodeRecord, StoreTx } from "../ports/store/index.js";

/** A code as submitted, bound to its purpose and user; its HMAC is computed outside any transaction. */
export interface CodeAttempt {
  readonly purpose: CodePurpose;
  readonly poolId: string;
  readonly username: Username;
  readonly hmac: string;
}

export function codeAttempt(
  deps: Pick<Deps, "serverSecret">,
  purpose: CodePurpose,
  poolId: string,
  username: Username,
  code: string,
): CodeAttempt {
  return { purpose, poolId, username, hmac: codeHmac(deps.serverSecret, poolId, username, purpose, code) };
}

export type Redemption =
  /** The code was right and is now used. */
  | { kind: "ok"; code: CodeRecord }
  /** The user's redemption calls are over the purpose's limit; nothing was compared. */
  | { kind: "limited" }
  /** The code took too many wrong guesses and is dead. */
  | { kind: "locked" }
  /** Expired, superseded, already used, or never issued. */
  | { kind: "expired" }
  /** Wrong; counted against the code. */
  | { kind: "mismatch" }
  /** Right, but a concurrent redemption used it first. */
  | { kind: "taken" };

export type CodeCheck =
  /** The code is right; it is still unused until `consumeCode`. */
  { kind: "ok"; code: CodeRecord } | Exclude<Redemption, { kind: "ok" } | { kind: "taken" }>;

/**
 * Counts the call and compares the code, in the caller's transaction (which holds the user's
 * lock), without using the code up: for flows with work to do between a right code and its
 * use that cannot run in a transaction (ConfirmForgotPassword hashes the new password only for
 * a right code). Such a flow uses the code with `consumeCode` in its second transaction.
 */
export async function checkCode(
  tx: StoreTx,
  deps: Pick<Deps, "config">,
  attempt: CodeAttempt,
  now: number,
): Promise<CodeCheck> {
  const { purpose, poolId, username } = attempt;
  const policy: CodePolicy = CODE_POLICIES[purpose];
  const limits = deps.config.limits;
  const limit = policy.redeemLimit(limits);
  const hit = await tx.limits.hit(limitKey(limit.name, poolId, username), limit.windowMs, limit.max, now);
  if (!hit.allowed) return { kind: "limited" };
  const stored = await tx.codes.get(poolId, username, purpose);
  const maxFailed = policy.maxFailedAttempts(limits);
  const check = classifyCode(stored, attempt.hmac, now, maxFailed);
  switch (check.kind) {
    case "none":
    case "expired":
      return { kind: "expired" };
    case "locked":
      return { kind: "locked" };
    case "mismatch":
      await tx.codes.addFailedAttempt(poolId, username, purpose, maxFailed);
      return { kind: "mismatch" };
    case "ok":
      return { kind: "ok", code: check.stored };
  }
}

/**
 * Uses up a code `checkCode` found right: atomic, so that of concurrent uses one wins; false
 * when it is no longer the current unused code (used, superseded or expired meanwhile).
 */
export function consumeCode(tx: StoreTx, attempt: CodeAttempt, now: number): Promise<boolean> {
  return tx.codes.consume(attempt.poolId, attempt.username, attempt.purpose, attempt.hmac, now);
}

/** Redeems a code in the caller's transaction (which holds the user's lock). */
export async function redeemCode(
  tx: StoreTx,
  deps: Pick<Deps, "config">,
  attempt: CodeAttempt,
  now: number,
): Promise<Redemption> {
  const r = await checkCode(tx, deps, attempt, now);
  if (r.kind !== "ok") return r;
  // Consumed atomically: of concurrent redemptions with the right code, one wins.
  if (!(await consumeCode(tx, attempt, now))) return { kind: "taken" };
  return r;
}

/**
 * A redemption for a user who does not exist (PreventUserExistenceErrors), with `attempt`
 * made for the user's `simulatedName`: counted against the same per-user limit, with the
 * statements of a wrong guess (the code read and the failed-attempt update find nothing),
 * so that neither the limit nor the time taken tells it from a real user's wrong code. Like a
 * real code, it reports `locked` once the calls counted exceed the wrong guesses a code
 * survives (every call to an unknown name is a wrong guess).
 */
export async function redeemForUnknown(
  tx: StoreTx,
  deps: Pick<Deps, "config">,
  attempt: CodeAttempt,
  now: number,
): Promise<{ kind: "limited" } | { kind: "locked" } | { kind: "mismatch" }> {
  const { purpose, poolId, username } = attempt;
  const policy: CodePolicy = CODE_POLICIES[purpose];
  const limits = deps.config.limits;
  const limit = policy.redeemLimit(limits);
  const hit = await tx.limits.hit(limitKey(limit.name, poolId, username), limit.windowMs, limit.max, now);
  if (!hit.allowed) return { kind: "limited" };
  const maxFailed = policy.maxFailedAttempts(limits);
  classifyCode(await tx.codes.get(poolId, username, purpose), attempt.hmac, now, maxFailed);
  if (hit.count > maxFailed) return { kind: "locked" };
  await tx.codes.addFailedAttempt(poolId, username, purpose, maxFailed);
  return { kind: "mismatch" };
}
