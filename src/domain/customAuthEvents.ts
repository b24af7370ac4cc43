// The events of the three custom-authentication triggers (docs/custom-auth.md, "Events"),
// built as Cognito sends them: the common envelope, the user's attributes (none, with
// `userNotFound: true`, for a name with no user under PreventUserExistenceErrors), the
// `session` of earlier steps, and a `response` part with nulls for the function to fill in.
// `clientMetadata` is present only when the request that reached the trigger carried it and
// passes it on (RespondToAuthChallenge does; InitiateAuth does not: service model).

import type { ChallengeStep, TriggerEvent } from "../ports/triggers.js";
import type { AuthSessionState } from "./authSession.js";
import { type EventContext, envelope } from "./triggerEvents.js";

/** What every custom-auth event says about the user and the request. */
export interface CustomAuthContext {
  ctx: EventContext;
  userAttributes: Record<string, string>;
  userNotFound: boolean;
  clientMetadata: Record<string, string> | undefined;
}

/** The steps so far, as the session array shows them. */
export function sessionSteps(steps: AuthSessionState["customSteps"]): ChallengeStep[] {
  return (steps ?? []).map((s) => ({
    challengeName: s.challengeName,
    challengeResult: s.challengeResult,
    challengeMetadata: s.challengeMetadata ?? null,
  }));
}

function common(c: CustomAuthContext) {
  const request: {
    userAttributes: Record<string, string>;
    userNotFound?: boolean;
    clientMetadata?: Record<string, string>;
  } = { userAttributes: c.userAttributes };
  if (c.userNotFound) request.userNotFound = true;
  if (c.clientMetadata !== undefined) request.clientMetadata = c.clientMetadata;
  return request;
}

export function defineAuthChallengeEvent(
  c: CustomAuthContext,
  session: ChallengeStep[],
): TriggerEvent<"DefineAuthChallenge"> {
  return {
    ...envelope(c.ctx, "DefineAuthChallenge_Authentication"),
    request: { ...common(c), session },
    response: { challengeName: null, issueTokens: null, failAuthentication: null },
  };
}

export function createAuthChallengeEvent(
  c: CustomAuthContext,
  challengeName: string,
  session: ChallengeStep[],
): TriggerEvent<"CreateAuthChallenge"> {
  return {
    ...envelope(c.ctx, "CreateAuthChallenge_Authentication"),
    request: { ...common(c), challengeName, session },
    response: { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null },
  };
}

export function verifyAuthChallengeEvent(
  c: CustomAuthContext,
  privateChallengeParameters: Record<string, string>,
  challengeAnswer: string,
): TriggerEvent<"VerifyAuthChallengeResponse"> {
  return {
    ...envelope(c.ctx, "VerifyAuthChallengeResponse_Authentication"),
    request: { ...common(c), privateChallengeParameters, challengeAnswer },
    response: { answerCorrect: null },
  };
}
