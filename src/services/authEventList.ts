// Auth events as AdminListUserAuthEvents shows them. Cognate records a row per user-facing
// step under the operation's own name; the list shows the steps the API's EventType names
// (SignIn, SignUp, ForgotPassword, PasswordChange, ResendCode) and leaves out the others
// (confirmations have no EventType). Cognate scores no risk: every event is NoRisk / Low, and
// a recorded step passed unless it says otherwise (a sign-in records Pass or Fail; docs/admin-users.md,
// "Auth events").
import type { AuthEventRecord, PoolRecord } from "../ports/store/index.js";
import { fail } from "../protocol/errors.js";
import type { AuthEventType, EventType } from "../protocol/generated/shapes.js";
import { epochSeconds } from "../protocol/wire.js";

/** Recorded event types (operation names) → the API's EventType. */
export const WIRE_EVENT_TYPES: Readonly<Record<string, EventType>> = {
  SignUp: "SignUp",
  ResendConfirmationCode: "ResendCode",
  SignIn: "SignIn",
  InitiateAuth: "SignIn",
  AdminInitiateAuth: "SignIn",
  ForgotPassword: "ForgotPassword",
  ChangePassword: "PasswordChange",
};

/**
 * The events need the pool's threat-protection add-on, as in Cognito (API reference,
 * AdminListUserAuthEvents): AUDIT or ENFORCED. Cognito's wording is not captured.
 */
export function requireAddOn(pool: PoolRecord): void {
  const mode = pool.config.UserPoolAddOns?.AdvancedSecurityMode;
  if (mode !== "AUDIT" && mode !== "ENFORCED") {
    fail(
      "UserPoolAddOnNotEnabledException",
      "Threat protection (UserPoolAddOns.AdvancedSecurityMode AUDIT or ENFORCED) is not enabled for this user pool.",
    );
  }
}

export function authEventType(e: AuthEventRecord): AuthEventType {
  const out: AuthEventType = {
    EventId: e.id,
    EventType: WIRE_EVENT_TYPES[e.eventType] ?? "SignIn",
    CreationDate: epochSeconds(e.createdAt),
    EventResponse: e.eventResponse ?? "Pass",
    EventRisk: { RiskDecision: "NoRisk", RiskLevel: "Low", CompromisedCredentialsDetected: false },
    ChallengeResponses: (e.challengeResponses ?? []).map((c) => ({
      ChallengeName: c.name,
      ChallengeResponse: c.response,
    })),
  };
  if (e.ipAddress !== null) out.EventContextData = { IpAddress: e.ipAddress };
  if (e.feedback) {
    out.EventFeedback = {
      FeedbackValue: e.feedback.value,
      Provider: e.feedback.provider,
      FeedbackDate: epochSeconds(e.feedback.date),
    };
  }
  return out;
}
