// The answers to SELECT_MFA_TYPE and MFA_SETUP (docs/mfa.md).
//   SELECT_MFA_TYPE {USERNAME, ANSWER}: ANSWER is one of MFAS_CAN_CHOOSE; that factor's
//     challenge follows (a code is sent for SMS_MFA and EMAIL_OTP).
//   MFA_SETUP {USERNAME}: with the Session VerifySoftwareToken returned once it accepted a code
//     of the secret AssociateSoftwareToken gave (both with the sign-in's Session,
//     softwareTokenSetup.ts); the sign-in then ends with tokens.
//   MFA_SETUP {USERNAME, EMAIL}: an EMAIL_OTP challenge for that address follows.
import { looksLikeEmail } from "../../domain/attributes.js";
import type { MfaFactor } from "../../domain/mfaDecision.js";
import type { UserRecord } from "../../ports/store/index.js";
import { fail } from "../../protocol/errors.js";
import type { TokenDeps } from "../tokens/index.js";
import { completeSignIn } from "./complete.js";
import { requireParameter } from "./flows.js";
import { MFA_STEPS, sessionUser } from "./mfaAttempts.js";
import { type MfaStepDeps, mfaBaseOf, requireFactor } from "./mfaStep.js";
import type { OpenedRespond, SignInResponse } from "./request.js";
import { consumeOnce, type OpenedSession, openChallengeSession, SESSION_MESSAGES } from "./session.js";

export const SETUP_MESSAGES = {
  /** ANSWER not among MFAS_CAN_CHOOSE (our wording; Cognito's is not documented). */
  notOffered: (answer: string, options: readonly string[]) =>
    `Invalid ANSWER: ${answer} is not one of MFAS_CAN_CHOOSE ${JSON.stringify(options)}.`,
  /** MFA_SETUP answered before VerifySoftwareToken accepted a code (our wording). */
  notVerified:
    "MFA_SETUP needs a software token verified with this session: call AssociateSoftwareToken and VerifySoftwareToken with the Session first.",
  /** MFA_SETUP with EMAIL when MFAS_CAN_SETUP has no EMAIL_OTP (our wording). */
  emailNotOffered: "EMAIL_OTP is not one of MFAS_CAN_SETUP.",
  /**
   * MFA_SETUP with EMAIL in a pool where email is a sign-in name: giving the user an email
   * there must claim it as an alias, which this step does not do (our wording).
   */
  emailAlias:
    "Cognate does not support setting up EMAIL_OTP within MFA_SETUP in a pool where email is a sign-in name.",
} as const;

export async function answerSelectMfa(
  deps: TokenDeps & MfaStepDeps,
  s: OpenedRespond,
): Promise<SignInResponse> {
  const session = openChallengeSession(deps, s, "SELECT_MFA_TYPE");
  const params = s.request.parameters;
  const typed = requireParameter(params, "USERNAME");
  const answer = requireParameter(params, "ANSWER");
  const user = await sessionUser(deps, s, session, typed);
  const options = (session.state.mfaOptions ?? []) as MfaFactor[];
  const chosen = options.find((o) => o === answer);
  if (chosen === undefined) fail("InvalidParameterException", SETUP_MESSAGES.notOffered(answer, options));
  if (!(await consumeOnce(deps, s.pool.id, "session", session.id, session.expiresAt))) {
    fail("NotAuthorizedException", SESSION_MESSAGES.used);
  }
  return requireFactor(deps, s, user, chosen, mfaBaseOf(session.state));
}

export async function answerMfaSetup(
  deps: TokenDeps & MfaStepDeps,
  s: OpenedRespond,
): Promise<SignInResponse> {
  const session = openChallengeSession(deps, s, "MFA_SETUP");
  const params = s.request.parameters;
  const typed = requireParameter(params, "USERNAME");
  const user = await sessionUser(deps, s, session, typed);
  if (params.EMAIL !== undefined) return setUpEmail(deps, s, session, user, params.EMAIL);
  if (session.state.mfaSetupVerified !== true) fail("InvalidParameterException", SETUP_MESSAGES.notVerified);
  // The token set up was turned off or replaced since (by an administrator): start again.
  if (user.mfa?.totpEnabled !== true || user.mfa.totpSecret === null) {
    fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  }
  if (!(await consumeOnce(deps, s.pool.id, "session", session.id, session.expiresAt))) {
    fail("NotAuthorizedException", SESSION_MESSAGES.used);
  }
  const result = await completeSignIn(deps, s, {
    user,
    source: "TokenGeneration_Authentication",
    authTime: deps.clock.now(),
    clientMetadata: s.request.clientMetadata,
    clearFailures: true,
    deviceKey: session.state.deviceKey,
    steps: MFA_STEPS.success,
  });
  return { ChallengeParameters: {}, AuthenticationResult: result };
}

/**
 * MFA_SETUP {USERNAME, EMAIL}: an EMAIL_OTP code goes to the address given; the right code makes
 * it the user's email (verified) with email MFA on (mfaCode.ts).
 */
async function setUpEmail(
  deps: TokenDeps & MfaStepDeps,
  s: OpenedRespond,
  session: OpenedSession,
  user: UserRecord,
  email: string,
): Promise<SignInResponse> {
  if (!(session.state.mfaOptions ?? []).includes("EMAIL_OTP")) {
    fail("InvalidParameterException", SETUP_MESSAGES.emailNotOffered);
  }
  if (!looksLikeEmail(email)) fail("InvalidParameterException", "Invalid email address format.");
  const signInNames = [...(s.pool.config.UsernameAttributes ?? []), ...(s.pool.config.AliasAttributes ?? [])];
  if (signInNames.includes("email")) fail("InvalidParameterException", SETUP_MESSAGES.emailAlias);
  if (!(await consumeOnce(deps, s.pool.id, "session", session.id, session.expiresAt))) {
    fail("NotAuthorizedException", SESSION_MESSAGES.used);
  }
  return requireFactor(deps, s, user, "EMAIL_OTP", mfaBaseOf(session.state), email);
}
