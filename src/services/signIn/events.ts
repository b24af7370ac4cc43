// Auth events of sign-in attempts: one per attempt on an existing user, with its outcome
// (EventResponse Pass / Fail) and what the caller said about the end user (UserContextData or
// ContextData: IP address, encoded device data). Never a password, token or SRP value.
// Attempts on names with no user record nothing: an event under a name nobody holds would be
// listed for whoever signs up with it later.
import { timeOrderedId } from "../../domain/ids.js";
import type { Deps } from "../../operations/deps.js";
import type { AuthEventRecord, ChallengeStep, StoreTx, UserRecord } from "../../ports/store/index.js";
import type { Opened } from "./request.js";

export type Outcome = "Pass" | "Fail";

export function signInEvent(
  deps: Pick<Deps, "random">,
  s: Opened,
  user: Pick<UserRecord, "username">,
  outcome: Outcome,
  now: number,
  steps?: ChallengeStep[],
): AuthEventRecord {
  return {
    ...(steps === undefined ? {} : { challengeResponses: steps }),
    id: timeOrderedId(deps.random, now),
    poolId: s.pool.id,
    username: user.username,
    clientId: s.client.clientId,
    eventType: "SignIn",
    createdAt: now,
    ipAddress: s.request.context.ipAddress,
    encodedData: s.request.context.encodedData,
    analyticsEndpointId: s.request.context.analyticsEndpointId,
    userAgent: s.ctx.userAgent ?? null,
    eventResponse: outcome,
  };
}

/** Records a failed attempt in a transaction of its own (the request then fails). */
export async function recordFailure(
  deps: Pick<Deps, "random" | "store" | "clock">,
  s: Opened,
  user: UserRecord,
): Promise<void> {
  const event = signInEvent(deps, s, user, "Fail", deps.clock.now());
  await deps.store.transaction((tx: StoreTx) => tx.events.add(event));
}
