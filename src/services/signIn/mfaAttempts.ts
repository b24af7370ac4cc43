// What every answer to an MFA step shares (docs/mfa.md): the user the session names, checked
// again (deleted, password changed, disabled since: the session is over), and the wrong-code
// limit. A wrong code counts toward the user's sign-in lock-out, as Cognito's "after five
// unsuccessful attempts to present an MFA code, Amazon Cognito begins the exponential-timeout
// lockout process" says, and against the session: the fifth wrong code of one sign-in ends it.
import { MFA_WRONG_CODE_LIMIT } from "../../domain/codePurposes.js";
import { caseInsensitive } from "../../domain/pool.js";
import { usernameKey } from "../../domain/usernames.js";
import type { Deps } from "../../operations/deps.js";
import type { ChallengeStep, StoreTx, UserRecord } from "../../ports/store/index.js";
import { fail, messages } from "../../protocol/errors.js";
import { MFA_MESSAGES } from "../mfa.js";
import { signInEvent } from "./events.js";
import { countFailure } from "./guards.js";
import { namesTheUser } from "./newPassword.js";
import { checkSignInSecret } from "./password.js";
import type { Opened, OpenedRespond } from "./request.js";
import { consumeOnce, type OpenedSession, passwordTag, SESSION_MESSAGES } from "./session.js";

/** The user an MFA answer's session names, as the answer's USERNAME and SECRET_HASH must name them. */
export async function sessionUser(
  deps: Pick<Deps, "store">,
  s: OpenedRespond,
  session: OpenedSession,
  typed: string,
): Promise<UserRecord> {
  const ci = caseInsensitive(s.pool.config);
  const user = await deps.store.read.users.get(s.pool.id, usernameKey(session.state.username, ci));
  if (!user || user.username !== session.state.username || passwordTag(user) !== session.state.userTag) {
    fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  }
  if (!(await namesTheUser(deps, s, typed, user))) fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  checkSignInSecret(s.client, typed, user, s.request.parameters.SECRET_HASH);
  if (!user.enabled) fail("NotAuthorizedException", messages.userDisabled);
  return user;
}

/**
 * The ChallengeResponses of a password sign-in's auth events (password, SRP, new password):
 * "the challenges that the user was requested to answer, for example Password, and the result"
 * (AuthEventType in the API reference; docs/signin.md, "Auth events").
 */
export const PASSWORD_STEPS: Record<"failure" | "success", ChallengeStep[]> = {
  failure: [{ name: "Password", response: "Failure" }],
  success: [{ name: "Password", response: "Success" }],
};

/** The ChallengeResponses of an MFA sign-in's auth events, at each point. */
export const MFA_STEPS: Record<"inProgress" | "failure" | "success", ChallengeStep[]> = {
  inProgress: [{ name: "Password", response: "Success" }],
  failure: [
    { name: "Password", response: "Success" },
    { name: "Mfa", response: "Failure" },
  ],
  success: [
    { name: "Password", response: "Success" },
    { name: "Mfa", response: "Success" },
  ],
};

function wrongKey(poolId: string, session: OpenedSession): string {
  return `${poolId}|mfa-wrong|${session.id}`;
}

/**
 * Refuses a session already answered (before its code is looked at: the code is spent too) or
 * that has taken the wrong codes it may (its sign-in is over).
 */
export async function refuseSpentSession(
  deps: Pick<Deps, "store" | "clock">,
  s: Opened,
  session: OpenedSession,
): Promise<void> {
  const seen = await deps.store.read.limits.peek(wrongKey(s.pool.id, session), deps.clock.now());
  if (seen !== undefined && seen.count >= MFA_WRONG_CODE_LIMIT) {
    fail("NotAuthorizedException", MFA_MESSAGES.tooManyAttempts);
  }
  const used = await deps.store.read.limits.peek(`${s.pool.id}|used-session|${session.id}`, deps.clock.now());
  if (used !== undefined && used.count >= 1) fail("NotAuthorizedException", SESSION_MESSAGES.used);
}

/**
 * A wrong code: a failed attempt toward the lock-out, one more against the session; the answer
 * is `refusal` until the session has had MFA_WRONG_CODE_LIMIT of them, then the lock-out's.
 */
export async function wrongCode(
  deps: Pick<Deps, "store" | "clock" | "random">,
  s: Opened,
  user: UserRecord,
  session: OpenedSession,
  refusal: () => never,
): Promise<never> {
  await countFailure(deps, s, user, MFA_STEPS.failure);
  const now = deps.clock.now();
  const windowMs = Math.max(1, session.expiresAt - now) + 60_000;
  const hit = await deps.store.transaction((tx: StoreTx) =>
    tx.limits.hit(wrongKey(s.pool.id, session), windowMs, MFA_WRONG_CODE_LIMIT, now),
  );
  if (!hit.allowed || hit.count >= MFA_WRONG_CODE_LIMIT) {
    // Spent for good: a later right code cannot revive it.
    await consumeOnce(deps, s.pool.id, "session", session.id, session.expiresAt);
    fail("NotAuthorizedException", MFA_MESSAGES.tooManyAttempts);
  }
  return refusal();
}

/** An auth event for a sign-in that proved the password and now waits for its MFA step. */
export async function recordInProgress(
  deps: Pick<Deps, "store" | "clock" | "random">,
  s: Opened,
  user: UserRecord,
): Promise<void> {
  const event = {
    ...signInEvent(deps, s, user, "Pass", deps.clock.now(), MFA_STEPS.inProgress),
    eventResponse: "InProgress" as const,
  };
  await deps.store.transaction((tx: StoreTx) => tx.events.add(event));
}
