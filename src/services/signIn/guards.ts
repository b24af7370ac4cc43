// What stands around the credential check of every sign-in (docs/signin-challenges.md, "Lock-out" and
// "Triggers"): the lock-out after repeated failures, counted in the store so that every node
// sees the same count, and the PreAuthentication and PostAuthentication triggers. A function
// that fails or answers garbage fails the sign-in with the errors every trigger has
// (src/ports/triggers.ts: UserLambdaValidationException "<Trigger> failed with error …").
import { checkLockout, NO_FAILURES, recordFailure as nextFailureState } from "../../domain/passwordSignIn.js";
import {
  eventAttributes,
  postAuthenticationEvent,
  preAuthenticationEvent,
} from "../../domain/triggerEvents.js";
import { asUsername } from "../../domain/usernames.js";
import type { Deps } from "../../operations/deps.js";
import type { ChallengeStep, StoreTx, UserRecord } from "../../ports/store/index.js";
import { fail } from "../../protocol/errors.js";
import { signInEvent } from "./events.js";
import type { Opened } from "./request.js";

/** Cognito's answer while a user is locked out, even to the right password. */
export const LOCKED_OUT = "Password attempts exceeded";

/**
 * Whether the user has failures counted (the success that follows clears them). Refuses with
 * `Password attempts exceeded` while the lock-out runs; that refusal is recorded as a failed
 * attempt but not counted (Cognito does not count attempts refused by the lock).
 */
export async function checkNotLockedOut(
  deps: Pick<Deps, "store" | "clock" | "random">,
  s: Opened,
  user: UserRecord,
): Promise<{ hasFailures: boolean }> {
  const now = deps.clock.now();
  const state = await deps.store.read.signInFailures.get(s.pool.id, user.username);
  if (state === undefined) return { hasFailures: false };
  if (checkLockout(state, now).kind === "locked") {
    const event = signInEvent(deps, s, user, "Fail", now);
    await deps.store.transaction((tx: StoreTx) => tx.events.add(event));
    fail("NotAuthorizedException", LOCKED_OUT);
  }
  return { hasFailures: true };
}

/**
 * A wrong password or proof: counted toward the lock-out (with the user locked, so that
 * concurrent failures on several nodes are all counted) and recorded as a failed attempt.
 */
export async function countFailure(
  deps: Pick<Deps, "store" | "clock" | "random">,
  s: Opened,
  user: UserRecord,
  steps?: ChallengeStep[],
): Promise<void> {
  const now = deps.clock.now();
  const event = signInEvent(deps, s, user, "Fail", now, steps);
  await deps.store.transaction(async (tx: StoreTx) => {
    const current = await tx.users.getForUpdate(s.pool.id, user.username);
    if (current) {
      const before = (await tx.signInFailures.get(s.pool.id, user.username)) ?? NO_FAILURES;
      const after = nextFailureState(before, now);
      await tx.signInFailures.put(s.pool.id, user.username, {
        failures: after.failures,
        lastFailureAt: after.lastFailureAt ?? now,
      });
    }
    await tx.events.add(event);
  });
}

/** Forgets the user's counted failures (their right password, when no tokens follow yet). */
export async function clearFailures(deps: Pick<Deps, "store">, s: Opened, user: UserRecord): Promise<void> {
  await deps.store.transaction((tx: StoreTx) => tx.signInFailures.clear(s.pool.id, user.username));
}

const ROLLBACK = Symbol("rollback");

/**
 * The store work of checking and counting a failure, for a name with no user
 * (PreventUserExistenceErrors ENABLED), rolled back: such names cost what a real user's wrong
 * password costs, and nothing is kept.
 */
export async function simulateCountedFailure(
  deps: Pick<Deps, "store" | "clock" | "random">,
  s: Opened,
  typed: string,
): Promise<void> {
  // No internal username starts with a space (usernames are trimmed), so this names no one.
  const decoyName = asUsername(` ${typed}`);
  await deps.store.read.signInFailures.get(s.pool.id, decoyName);
  const decoy = signInEvent(deps, s, { username: decoyName }, "Fail", deps.clock.now());
  await deps.store
    .transaction(async (tx: StoreTx) => {
      await tx.users.getForUpdate(s.pool.id, decoyName);
      await tx.signInFailures.get(s.pool.id, decoyName);
      await tx.events.add(decoy);
      throw ROLLBACK;
    })
    .catch((e: unknown) => {
      if (e !== ROLLBACK) throw e;
    });
}

export function eventContext(deps: Pick<Deps, "config">, s: Opened, userName: string) {
  return {
    region: deps.config.region,
    userPoolId: s.pool.id,
    userName,
    clientId: s.client.clientId,
    userAgent: s.ctx.userAgent,
  };
}

/**
 * PreAuthentication, for every attempt on an existing user before anything about them is
 * judged, and (PreventUserExistenceErrors ENABLED) for names with no user, with `userNotFound`.
 * InitiateAuth's ClientMetadata is its `validationData`.
 */
export async function runPreAuthentication(
  deps: Pick<Deps, "triggers" | "config">,
  s: Opened,
  who: { user: UserRecord } | { typed: string },
): Promise<void> {
  if (deps.triggers.configured(s.pool, "PreAuthentication") === null) return;
  const found = "user" in who;
  const event = preAuthenticationEvent(
    eventContext(deps, s, found ? who.user.username : who.typed),
    found ? eventAttributes(who.user) : {},
    s.request.clientMetadata,
    !found,
  );
  await deps.triggers.invoke(s.pool, "PreAuthentication", event);
}

/**
 * PostAuthentication, once the user has proved who they are and before the tokens: a function
 * that fails aborts the sign-in. It gets RespondToAuthChallenge's ClientMetadata, never
 * InitiateAuth's (service model).
 */
export async function runPostAuthentication(
  deps: Pick<Deps, "triggers" | "config">,
  s: Opened,
  user: UserRecord,
  clientMetadata: Record<string, string> | undefined,
  newDeviceUsed = false,
): Promise<void> {
  if (deps.triggers.configured(s.pool, "PostAuthentication") === null) return;
  const event = postAuthenticationEvent(
    eventContext(deps, s, user.username),
    eventAttributes(user),
    clientMetadata,
    newDeviceUsed,
  );
  await deps.triggers.invoke(s.pool, "PostAuthentication", event);
}
