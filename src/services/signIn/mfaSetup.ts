// The answers to SELECT_MFA_TYPE and MFA_SETUP (docs/mfa.md).
//   SELECT_MFA_TYPE {USERNAME, ANSWER}: ANSWER is one of MFAS_CAN_CHOOSE; that factor's
//     challenge follows (a code is sent for SMS_MFA and EMAIL_OTP).
//   MFA_SETUP {USERNAME}: with the Session VerifySoftwareToken returned once it accepted a code
//     of the secret AssociateSoftwareToken gave (both with the sign-in's Session,
//     softwareTokenSetup.ts); the sign-in then ends with tokens.
import type { MfaFactor } from "../../domain/mfaDecision.js";
import { fail } from "../../protocol/errors.js";
import type { TokenDeps } from "../tokens/index.js";
import { completeSignIn } from "./complete.js";
import { requireParameter } from "./flows.js";
import { sessionUser } from "./mfaAttempts.js";
import { type MfaStepDeps, requireFactor } from "./mfaStep.js";
import type { OpenedRespond, SignInResponse } from "./request.js";
import { consumeOnce, openChallengeSession, SESSION_MESSAGES } from "./session.js";

export const SETUP_MESSAGES = {
  /** ANSWER not among MFAS_CAN_CHOOSE (our wording; Cognito's is not documented). */
  notOffered: (answer: string, options: readonly string[]) =>
    `Invalid ANSWER: ${answer} is not one of MFAS_CAN_CHOOSE ${JSON.stringify(options)}.`,
  /** MFA_SETUP answered before VerifySoftwareToken accepted a code (our wording). */
  notVerified:
    "MFA_SETUP needs a software token verified with this session: call AssociateSoftwareToken and VerifySoftwareToken with the Session first.",
  /** MFA_SETUP with EMAIL: not built. */
  emailSetup: "Cognate does not support setting up EMAIL_OTP within MFA_SETUP yet.",
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
  return requireFactor(deps, s, user, chosen, {
    flow: session.state.flow,
    startedAt: session.state.startedAt,
  });
}

export async function answerMfaSetup(
  deps: TokenDeps & MfaStepDeps,
  s: OpenedRespond,
): Promise<SignInResponse> {
  const session = openChallengeSession(deps, s, "MFA_SETUP");
  const params = s.request.parameters;
  const typed = requireParameter(params, "USERNAME");
  const user = await sessionUser(deps, s, session, typed);
  if (params.EMAIL !== undefined) fail("InvalidParameterException", SETUP_MESSAGES.emailSetup);
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
  });
  return { ChallengeParameters: {}, AuthenticationResult: result };
}
