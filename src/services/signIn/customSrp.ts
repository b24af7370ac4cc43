// SRP inside CUSTOM_AUTH (docs/custom-auth.md, "Starting with SRP"): InitiateAuth with
// `CHALLENGE_NAME: SRP_A` and SRP_A runs USER_SRP_AUTH's checks (src/services/signIn/srp.ts),
// then asks DefineAuthChallenge with the session [SRP_A ✓]. When it answers PASSWORD_VERIFIER,
// Cognito issues that challenge itself (no CreateAuthChallenge): its SECRET_BLOCK sealed under
// a key of its own, plus a Session carrying the loop. The proof is checked as USER_SRP_AUTH's
// is (a wrong one counts toward the lock-out and fails the sign-in), then Define is asked
// again with [SRP_A ✓, PASSWORD_VERIFIER ✓].
import { openSecretBlock } from "../../domain/secretBlock.js";
import { fail } from "../../protocol/errors.js";
import { type CustomDeps, nextCustomStep, recordStep, refuseCustom, requireCustomTrigger } from "./custom.js";
import { requireParameter } from "./flows.js";
import { clearFailures } from "./guards.js";
import type { OpenedRespond, OpenedSignIn, SignInResponse } from "./request.js";
import { sealKey } from "./sealKeys.js";
import { authSessionValidityMs, consumeOnce, openChallengeSession, SESSION_MESSAGES } from "./session.js";
import { checkPasswordClaim, startSrp } from "./srp.js";

/** InitiateAuth / AdminInitiateAuth with CUSTOM_AUTH, CHALLENGE_NAME SRP_A and SRP_A. */
export async function customSrpSignIn(deps: CustomDeps, s: OpenedSignIn): Promise<SignInResponse> {
  requireParameter(s.request.parameters, "USERNAME");
  requireParameter(s.request.parameters, "SRP_A");
  requireCustomTrigger(deps, s, "DefineAuthChallenge");
  const srp = await startSrp(deps, s);
  return nextCustomStep(deps, s, {
    who: srp.user ? { user: srp.user, username: srp.user.username } : { user: null, username: srp.typed },
    steps: [{ challengeName: "SRP_A", challengeResult: true }],
    startedAt: deps.clock.now(),
    clientMetadata: undefined,
    srp,
  });
}

/**
 * Whether a PASSWORD_VERIFIER answer belongs to a CUSTOM_AUTH sign-in: its SECRET_BLOCK was
 * sealed under the custom flow's key (even if it has expired since).
 */
export function isCustomPasswordClaim(deps: CustomDeps, s: OpenedRespond): boolean {
  const block = s.request.parameters.PASSWORD_CLAIM_SECRET_BLOCK;
  if (block === undefined || block === "") return false;
  const opened = openSecretBlock(
    sealKey(deps.serverSecret, "custom-srp-secret-block"),
    block,
    { poolId: s.pool.id, clientId: s.client.clientId },
    deps.clock.now(),
    authSessionValidityMs(s.client),
  );
  return opened.kind === "ok" || opened.kind === "expired";
}

/** RespondToAuthChallenge / AdminRespondToAuthChallenge with PASSWORD_VERIFIER, inside CUSTOM_AUTH. */
export async function answerCustomPasswordVerifier(
  deps: CustomDeps,
  s: OpenedRespond,
): Promise<SignInResponse> {
  // The Session is required here (identity-js and Amplify send it): it carries the loop.
  const session = openChallengeSession(deps, s, "PASSWORD_VERIFIER");
  const state = session.state;
  if (state.flow !== "CUSTOM_AUTH") fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  const { user, hasFailures } = await checkPasswordClaim(deps, s, "custom-srp-secret-block");
  if (user.username !== state.username || state.userNotFound === true) {
    fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  }
  if (!(await consumeOnce(deps, s.pool.id, "session", session.id, session.expiresAt))) {
    fail("NotAuthorizedException", SESSION_MESSAGES.used);
  }
  const who = { user, username: user.username };
  if (user.status !== "CONFIRMED" && user.status !== "FORCE_CHANGE_PASSWORD")
    return refuseCustom(deps, s, who);
  // The right password: failures counted before it no longer stand.
  if (hasFailures) await clearFailures(deps, s, user);
  await recordStep(deps, s, user, "PASSWORD_VERIFIER", true);
  return nextCustomStep(deps, s, {
    who,
    steps: [...(state.customSteps ?? []), { challengeName: "PASSWORD_VERIFIER", challengeResult: true }],
    startedAt: state.startedAt,
    clientMetadata: s.request.clientMetadata,
  });
}
