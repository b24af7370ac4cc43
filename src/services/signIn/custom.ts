// CUSTOM_AUTH (docs/custom-auth.md): the pool's DefineAuthChallenge function decides each
// step from the `session` of earlier ones — issue tokens, fail, or ask another challenge —
// CreateAuthChallenge makes a CUSTOM_CHALLENGE, VerifyAuthChallengeResponse judges its
// ANSWER. The loop's state (the steps so far, the open challenge's private parameters and
// metadata) travels sealed in the Session, single use, for the client's AuthSessionValidity;
// only the public parameters and USERNAME reach the client.
//
//   InitiateAuth(CUSTOM_AUTH)  → PreAuthentication → Define([])        → Create → CUSTOM_CHALLENGE
//   RespondToAuthChallenge     → Verify → Define([..., {answerCorrect}]) → Create → … or tokens
//
// Starting with SRP (CHALLENGE_NAME: SRP_A) is src/services/signIn/customSrp.ts. Tokens go
// through completeSignIn (PostAuthentication → PreTokenGeneration). Wrong answers are the
// function's business: they do not count toward the password lock-out.
import type { AuthSessionState, CustomAuthStep } from "../../domain/authSession.js";
import { issueSession } from "../../domain/authSession.js";
import {
  type CustomAuthContext,
  createAuthChallengeEvent,
  defineAuthChallengeEvent,
  sessionSteps,
  verifyAuthChallengeEvent,
} from "../../domain/customAuthEvents.js";
import { caseInsensitive } from "../../domain/pool.js";
import { eventAttributes } from "../../domain/triggerEvents.js";
import { usernameKey } from "../../domain/usernames.js";
import type { Deps } from "../../operations/deps.js";
import type { StoreTx, UserRecord } from "../../ports/store/index.js";
import type { SyncTrigger } from "../../ports/triggers.js";
import { fail, messages } from "../../protocol/errors.js";
import { findUser } from "../users.js";
import { completeSignIn } from "./complete.js";
import { knownSignInDevice } from "./devices.js";
import { recordFailure, signInEvent } from "./events.js";
import { requireParameter } from "./flows.js";
import { eventContext, runPreAuthentication } from "./guards.js";
import { namesTheUser } from "./newPassword.js";
import { checkSignInSecret, SIGN_IN_MESSAGES } from "./password.js";
import { refuseDisabled, refuseSignIn, refuseUnconfirmed } from "./refusals.js";
import type { Opened, OpenedRespond, OpenedSignIn, SignInResponse } from "./request.js";
import { isAdmin } from "./request.js";
import { sealKey } from "./sealKeys.js";
import { authSessionValidityMs, consumeOnce, openChallengeSession, SESSION_MESSAGES } from "./session.js";
import { passwordVerifierChallenge, type SrpDeps, type SrpStart } from "./srp.js";

export const CUSTOM_AUTH_MESSAGES = {
  /** Observed (apps match it): any of the three functions missing from LambdaConfig. */
  notConfigured: "Custom auth lambda trigger is not configured for the user pool.",
  /** Observed for an answer Cognito cannot use (identity-js #167); here: Define named no usable step. */
  unrecognizable: "Unrecognizable lambda output",
  /** Cognate's: the challenge's state does not fit in a Session (SessionType is 2048 characters). */
  tooLarge:
    "CreateAuthChallenge answered more challenge parameters and metadata than the sign-in session can carry.",
} as const;

/**
 * The most steps one sign-in may take (the session array's length, SRP steps included) before
 * it fails as a failed authentication. Cognito caps the loop too; its number is not published.
 */
export const MAX_CUSTOM_STEPS = 10;

export type CustomDeps = SrpDeps;

/** Who signs in: a user, or (PreventUserExistenceErrors) a name with no user. */
export interface Signer {
  user: UserRecord | null;
  /** The internal username, or the name as sent when there is no user. */
  username: string;
}

/** A custom sign-in between two steps. */
export interface CustomLoop {
  who: Signer;
  steps: CustomAuthStep[];
  startedAt: number;
  /** ClientMetadata the triggers of this step get: RespondToAuthChallenge's, never InitiateAuth's. */
  clientMetadata: Record<string, string> | undefined;
  /** At an SRP start only: what Define's PASSWORD_VERIFIER answer needs. */
  srp?: SrpStart;
}

/** Refuses the sign-in when the pool's LambdaConfig lacks `trigger`. */
export function requireCustomTrigger(deps: Pick<Deps, "triggers">, s: Opened, trigger: SyncTrigger): void {
  if (deps.triggers.configured(s.pool, trigger) === null) {
    fail("InvalidParameterException", CUSTOM_AUTH_MESSAGES.notConfigured);
  }
}

function authContext(deps: Pick<Deps, "config">, s: Opened, loop: CustomLoop): CustomAuthContext {
  return {
    ctx: eventContext(deps, s, loop.who.username),
    userAttributes: loop.who.user ? eventAttributes(loop.who.user) : {},
    userNotFound: loop.who.user === null,
    clientMetadata: loop.clientMetadata,
  };
}

/** A failed authentication: Cognito's wrong-password answer, recorded as a failed sign-in. */
export async function refuseCustom(deps: CustomDeps, s: Opened, who: Signer): Promise<never> {
  if (who.user) await recordFailure(deps, s, who.user);
  fail("NotAuthorizedException", SIGN_IN_MESSAGES.incorrect);
}

/**
 * One answered step, as an auth event of its own (`<operation>.<challenge>`, Pass or Fail),
 * beside the sign-in's final SignIn event. AdminListUserAuthEvents lists only the latter.
 */
export async function recordStep(
  deps: CustomDeps,
  s: Opened,
  user: UserRecord,
  challenge: string,
  passed: boolean,
): Promise<void> {
  const event = {
    ...signInEvent(deps, s, user, passed ? "Pass" : "Fail", deps.clock.now()),
    eventType: `${s.request.operation}.${challenge}`,
  };
  await deps.store.transaction((tx: StoreTx) => tx.events.add(event));
}

/** InitiateAuth / AdminInitiateAuth with CUSTOM_AUTH and no SRP. */
export async function customSignIn(deps: CustomDeps, s: OpenedSignIn): Promise<SignInResponse> {
  const params = s.request.parameters;
  const typed = requireParameter(params, "USERNAME");
  requireCustomTrigger(deps, s, "DefineAuthChallenge");
  const user = await findUser(deps.store.read, s.pool, typed);
  checkSignInSecret(s.client, typed, user, params.SECRET_HASH);
  const start = { steps: [], startedAt: deps.clock.now(), clientMetadata: undefined };
  if (!user) {
    if (!s.protect) fail("UserNotFoundException", messages.userNotFound);
    // The functions run with userNotFound and decide; no tokens can come of it.
    await runPreAuthentication(deps, s, { typed });
    return nextCustomStep(deps, s, { ...start, who: { user: null, username: typed } });
  }
  await runPreAuthentication(deps, s, { user });
  await refuseDisabled(deps, s, user);
  await refuseUnconfirmed(deps, s, user);
  // A user with a temporary password may sign in this way (observed: amplify-js #5834);
  // external-provider, archived and compromised users may not.
  if (user.status !== "CONFIRMED" && user.status !== "FORCE_CHANGE_PASSWORD") {
    return refuseSignIn(deps, s, user, "NotAuthorizedException", SIGN_IN_MESSAGES.incorrect);
  }
  return nextCustomStep(deps, s, { ...start, who: { user, username: user.username } });
}

/** Asks DefineAuthChallenge what comes after `loop.steps`, and does it. */
export async function nextCustomStep(deps: CustomDeps, s: Opened, loop: CustomLoop): Promise<SignInResponse> {
  if (loop.steps.length > MAX_CUSTOM_STEPS) return refuseCustom(deps, s, loop.who);
  requireCustomTrigger(deps, s, "DefineAuthChallenge");
  const ctx = authContext(deps, s, loop);
  const steps = sessionSteps(loop.steps);
  const defined = await deps.triggers.invoke(
    s.pool,
    "DefineAuthChallenge",
    defineAuthChallengeEvent(ctx, steps),
  );
  // Failing wins over issuing tokens when a function says both.
  if (defined.failAuthentication === true) return refuseCustom(deps, s, loop.who);
  if (defined.issueTokens === true) {
    const user = loop.who.user;
    if (!user) return refuseCustom(deps, s, loop.who);
    // The device the last request named (identity-js sends DEVICE_KEY with its answers).
    const device = await knownSignInDevice(deps, s, user, s.request.parameters.DEVICE_KEY);
    const result = await completeSignIn(deps, s, {
      user,
      source: "TokenGeneration_Authentication",
      authTime: deps.clock.now(),
      clientMetadata: loop.clientMetadata,
      deviceKey: device?.deviceKey,
    });
    return { ChallengeParameters: {}, AuthenticationResult: result };
  }
  if (defined.challengeName === "CUSTOM_CHALLENGE") {
    requireCustomTrigger(deps, s, "CreateAuthChallenge");
    const created = await deps.triggers.invoke(
      s.pool,
      "CreateAuthChallenge",
      createAuthChallengeEvent(ctx, "CUSTOM_CHALLENGE", steps),
    );
    const session = sealCustomSession(deps, s, loop, {
      challenge: "CUSTOM_CHALLENGE",
      privateChallengeParameters: created.privateChallengeParameters ?? {},
      ...(created.challengeMetadata === undefined ? {} : { challengeMetadata: created.challengeMetadata }),
    });
    return {
      ChallengeName: "CUSTOM_CHALLENGE",
      Session: session,
      // Cognito adds USERNAME (the internal username) to what the function made public.
      ChallengeParameters: { ...(created.publicChallengeParameters ?? {}), USERNAME: loop.who.username },
    };
  }
  // Cognito answers the PASSWORD_VERIFIER step itself, and only right after SRP_A.
  const last = loop.steps.at(-1);
  if (defined.challengeName === "PASSWORD_VERIFIER" && loop.srp && last?.challengeName === "SRP_A") {
    const srp = loop.srp;
    const challenge = await passwordVerifierChallenge(
      deps,
      s,
      srp.username,
      srp.verifier,
      srp.srpA,
      "custom-srp-secret-block",
    );
    return { ...challenge, Session: sealCustomSession(deps, s, loop, { challenge: "PASSWORD_VERIFIER" }) };
  }
  // No usable next step (nothing set, or a challenge Cognate does not run in this flow).
  fail("InvalidLambdaResponseException", CUSTOM_AUTH_MESSAGES.unrecognizable);
}

/** The Session of the next step: the loop so far and the open challenge, sealed. */
function sealCustomSession(
  deps: CustomDeps,
  s: Opened,
  loop: CustomLoop,
  open: Pick<AuthSessionState, "challenge" | "privateChallengeParameters" | "challengeMetadata">,
): string {
  const state: AuthSessionState = {
    ...open,
    poolId: s.pool.id,
    clientId: s.client.clientId,
    username: loop.who.username,
    flow: "CUSTOM_AUTH",
    admin: isAdmin(s),
    startedAt: loop.startedAt,
    failedAttempts: 0,
    customSteps: loop.steps,
    ...(loop.who.user === null ? { userNotFound: true } : {}),
  };
  const issued = issueSession(
    sealKey(deps.serverSecret, "auth-session"),
    deps.random,
    state,
    deps.clock.now(),
    authSessionValidityMs(s.client),
  );
  if (issued.kind !== "ok") fail("InvalidLambdaResponseException", CUSTOM_AUTH_MESSAGES.tooLarge);
  return issued.session;
}

/**
 * Who a custom session belongs to, once the answer's USERNAME (any name of the user) and
 * SECRET_HASH are checked; a user deleted or disabled since ends the sign-in.
 */
export async function sessionSigner(
  deps: CustomDeps,
  s: OpenedRespond,
  state: AuthSessionState,
  typed: string,
): Promise<Signer> {
  const secretHash = s.request.parameters.SECRET_HASH;
  if (state.userNotFound === true) {
    if (typed !== state.username) fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
    checkSignInSecret(s.client, typed, undefined, secretHash);
    return { user: null, username: state.username };
  }
  const ci = caseInsensitive(s.pool.config);
  const user = await deps.store.read.users.get(s.pool.id, usernameKey(state.username, ci));
  if (!user || user.username !== state.username) fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  if (!(await namesTheUser(deps, s, typed, user))) fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  checkSignInSecret(s.client, typed, user, secretHash);
  if (!user.enabled) fail("NotAuthorizedException", messages.userDisabled);
  return { user, username: user.username };
}

/** RespondToAuthChallenge / AdminRespondToAuthChallenge with CUSTOM_CHALLENGE. */
export async function answerCustomChallenge(deps: CustomDeps, s: OpenedRespond): Promise<SignInResponse> {
  const session = openChallengeSession(deps, s, "CUSTOM_CHALLENGE");
  const state = session.state;
  if (state.flow !== "CUSTOM_AUTH") fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  const params = s.request.parameters;
  const typed = requireParameter(params, "USERNAME");
  const answer = requireParameter(params, "ANSWER");
  const who = await sessionSigner(deps, s, state, typed);
  // Used up before the function runs: a wrong answer (or a failing function) needs the next
  // Session, never this one again.
  if (!(await consumeOnce(deps, s.pool.id, "session", session.id, session.expiresAt))) {
    fail("NotAuthorizedException", SESSION_MESSAGES.used);
  }
  requireCustomTrigger(deps, s, "VerifyAuthChallengeResponse");
  const loop: CustomLoop = {
    who,
    steps: state.customSteps ?? [],
    startedAt: state.startedAt,
    clientMetadata: s.request.clientMetadata,
  };
  const verified = await deps.triggers.invoke(
    s.pool,
    "VerifyAuthChallengeResponse",
    verifyAuthChallengeEvent(authContext(deps, s, loop), state.privateChallengeParameters ?? {}, answer),
  );
  const correct = verified.answerCorrect === true;
  if (who.user) await recordStep(deps, s, who.user, "CUSTOM_CHALLENGE", correct);
  const step: CustomAuthStep = {
    challengeName: "CUSTOM_CHALLENGE",
    challengeResult: correct,
    ...(state.challengeMetadata === undefined ? {} : { challengeMetadata: state.challengeMetadata }),
  };
  return nextCustomStep(deps, s, { ...loop, steps: [...loop.steps, step] });
}
