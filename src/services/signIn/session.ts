// The `Session` of a sign-in that needs another step (src/domain/authSession.ts): issued with
// a challenge, opened by the answer, single use. Cognito's words for a bad one
// (docs/signin-challenges.md, "Challenges"): `Invalid session for the user.` (unknown, altered, another
// client's, another step's), `Invalid session for the user, session is expired.`, and for one
// already used `Invalid session for the user, session can only be used once.`
import { createHash } from "node:crypto";
import { type AuthSessionState, issueSession, openSession } from "../../domain/authSession.js";
import type { Deps } from "../../operations/deps.js";
import type { ClientRecord, StoreTx, UserRecord } from "../../ports/store/index.js";
import { fail } from "../../protocol/errors.js";
import type { ChallengeNameType } from "../../protocol/generated/shapes.js";
import type { OpenedRespond } from "./request.js";
import { sealKey } from "./sealKeys.js";

export const SESSION_MESSAGES = {
  invalid: "Invalid session for the user.",
  expired: "Invalid session for the user, session is expired.",
  used: "Invalid session for the user, session can only be used once.",
} as const;

/** The client's AuthSessionValidity (3–15 minutes, default 3), in milliseconds. */
export function authSessionValidityMs(client: ClientRecord): number {
  const v = client.config.AuthSessionValidity;
  const minutes = typeof v === "number" && v >= 3 && v <= 15 ? v : 3;
  return minutes * 60_000;
}

/**
 * A tag of the user's password as it stands: a session issued for one password does not
 * continue once the password has changed.
 */
export function passwordTag(user: UserRecord): string {
  return createHash("sha256")
    .update(`${user.passwordHash ?? ""}:${user.srp?.verifier ?? ""}`)
    .digest()
    .subarray(0, 12)
    .toString("base64url");
}

export function newSession(
  deps: Pick<Deps, "serverSecret" | "random" | "clock">,
  client: ClientRecord,
  state: AuthSessionState,
): string {
  const issued = issueSession(
    sealKey(deps.serverSecret, "auth-session"),
    deps.random,
    state,
    deps.clock.now(),
    authSessionValidityMs(client),
  );
  // Only custom challenges with very large parameters can outgrow SessionType; none here.
  if (issued.kind !== "ok") throw new Error("sign-in session too large");
  return issued.session;
}

export interface OpenedSession {
  state: AuthSessionState;
  id: string;
  expiresAt: number;
}

/** Opens the answer's Session for `challenge`, or refuses it as Cognito does. */
export function openChallengeSession(
  deps: Pick<Deps, "serverSecret" | "clock">,
  s: OpenedRespond,
  challenge: ChallengeNameType,
): OpenedSession {
  const session = s.request.session;
  if (session === undefined || session === "") fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  const opened = openSession(
    sealKey(deps.serverSecret, "auth-session"),
    session,
    { poolId: s.pool.id, clientId: s.client.clientId },
    deps.clock.now(),
  );
  if (opened.kind === "expired") fail("NotAuthorizedException", SESSION_MESSAGES.expired);
  if (opened.kind !== "ok") fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  const admin = s.request.operation === "AdminRespondToAuthChallenge";
  // A session answers the one challenge it was issued for, through the same kind of operation.
  if (opened.state.challenge !== challenge || opened.state.admin !== admin) {
    fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  }
  return { state: opened.state, id: opened.id, expiresAt: opened.expiresAt };
}

/**
 * Marks a session (or SECRET_BLOCK) id as used, in the shared store, until it would have
 * expired anyway; false when it was used before. Rides on the rate-limit counters: a window
 * that admits one hit.
 */
export async function consumeOnce(
  deps: Pick<Deps, "store" | "clock">,
  poolId: string,
  kind: "session" | "srp-block",
  id: string,
  untilMs: number,
): Promise<boolean> {
  const now = deps.clock.now();
  const windowMs = Math.max(1, untilMs - now) + 60_000;
  const r = await deps.store.transaction((tx: StoreTx) =>
    tx.limits.hit(`${poolId}|used-${kind}|${id}`, windowMs, 1, now),
  );
  return r.allowed;
}
