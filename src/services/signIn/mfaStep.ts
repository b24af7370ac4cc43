// The MFA step of a sign-in (docs/mfa.md): once the password (or SRP proof, or a new password)
// is right, src/domain/mfaDecision.ts says whether a second step follows and which; this issues
// it. SOFTWARE_TOKEN_MFA is softwareToken.ts's; SMS_MFA and EMAIL_OTP send a one-time code
// through the outbox (mfaCode.ts answers them); SELECT_MFA_TYPE and MFA_SETUP carry their
// choices in the Session (mfaSetup.ts answers them).
import type { AuthSessionState } from "../../domain/authSession.js";
import type { DeliveryTarget } from "../../domain/delivery.js";
import { maskDestination } from "../../domain/masking.js";
import { decideMfa, type MfaFactor } from "../../domain/mfaDecision.js";
import type { Deps } from "../../operations/deps.js";
import type { StoreTx, UserRecord } from "../../ports/store/index.js";
import { fail, ServiceError } from "../../protocol/errors.js";
import { issueCode, saveCode } from "../codes.js";
import { recordInProgress } from "./mfaAttempts.js";
import { codeId } from "./mfaCode.js";
import type { Opened, SignInResponse } from "./request.js";
import { isAdmin } from "./request.js";
import { newSession, passwordTag } from "./session.js";
import { requireSoftwareToken } from "./softwareToken.js";

export type MfaStepDeps = Pick<
  Deps,
  "clock" | "serverSecret" | "random" | "store" | "delivery" | "triggers" | "config"
>;

/** What every session of one sign-in's MFA steps carries (deviceKey: docs/devices.md). */
export type MfaBase = Pick<AuthSessionState, "flow" | "startedAt" | "deviceKey">;

/** The MfaBase a step's session carries on to the next step. */
export function mfaBaseOf(state: AuthSessionState): MfaBase {
  return {
    flow: state.flow,
    startedAt: state.startedAt,
    ...(state.deviceKey === undefined ? {} : { deviceKey: state.deviceKey }),
  };
}

/**
 * The MFA step this user's sign-in needs, or null when tokens follow at once. Failures counted
 * toward the lock-out stay counted until the sign-in ends (a wrong code adds to them).
 */
export async function requireMfa(
  deps: MfaStepDeps,
  s: Opened,
  user: UserRecord,
  flow: AuthSessionState["flow"],
  /** The confirmed device the sign-in is on (docs/devices.md): the tokens will be bound to it. */
  deviceKey?: string | undefined,
): Promise<SignInResponse | null> {
  const decision = decideMfa(s.pool.config, user);
  if (decision.kind === "none") return null;
  await recordInProgress(deps, s, user);
  const base: MfaBase = {
    flow,
    startedAt: deps.clock.now(),
    ...(deviceKey === undefined ? {} : { deviceKey }),
  };
  switch (decision.kind) {
    case "challenge":
      return requireFactor(deps, s, user, decision.factor, base);
    case "select":
      return {
        ChallengeName: "SELECT_MFA_TYPE",
        Session: mfaSession(deps, s, user, base, {
          challenge: "SELECT_MFA_TYPE",
          mfaOptions: decision.options,
        }),
        ChallengeParameters: { MFAS_CAN_CHOOSE: JSON.stringify(decision.options) },
      };
    case "setup":
      return {
        ChallengeName: "MFA_SETUP",
        Session: mfaSession(deps, s, user, base, { challenge: "MFA_SETUP", mfaOptions: decision.options }),
        ChallengeParameters: { MFAS_CAN_SETUP: JSON.stringify(decision.options) },
      };
  }
}

/** A session of this sign-in for one of its MFA steps. */
export function mfaSession(
  deps: Pick<Deps, "clock" | "serverSecret" | "random">,
  s: Opened,
  user: UserRecord,
  base: MfaBase,
  step: Pick<AuthSessionState, "challenge"> & Partial<AuthSessionState>,
): string {
  return newSession(deps, s.client, {
    poolId: s.pool.id,
    clientId: s.client.clientId,
    username: user.username,
    admin: isAdmin(s),
    failedAttempts: 0,
    userTag: passwordTag(user),
    ...base,
    ...step,
  });
}

/**
 * The challenge of one factor. `setupEmail`: MFA_SETUP with EMAIL, the address the user gave,
 * which the EMAIL_OTP code goes to (and which becomes theirs once the code is right).
 */
export async function requireFactor(
  deps: MfaStepDeps,
  s: Opened,
  given: UserRecord,
  factor: MfaFactor,
  base: MfaBase,
  setupEmail?: string,
): Promise<SignInResponse> {
  if (factor === "SOFTWARE_TOKEN_MFA") {
    return requireSoftwareToken(deps, s, given, {
      authFlow: base.flow,
      hasFailures: false,
      deviceKey: base.deviceKey,
    });
  }
  const user =
    setupEmail === undefined ? given : { ...given, attributes: { ...given.attributes, email: setupEmail } };
  const target = mfaTarget(user, factor);
  // InitiateAuth's ClientMetadata reaches only PreAuthentication and migration (service
  // model); RespondToAuthChallenge's reaches the triggers of the step it leads to.
  const clientMetadata =
    s.request.operation === "InitiateAuth" || s.request.operation === "AdminInitiateAuth"
      ? undefined
      : s.request.clientMetadata;
  const issued = await issueCode(deps, {
    purpose: factor === "SMS_MFA" ? "MFA_SMS" : "MFA_EMAIL",
    source: "CustomMessage_Authentication",
    pool: s.pool,
    clientId: s.client.clientId,
    user,
    target,
    clientMetadata,
    userAgent: s.ctx.userAgent,
  }).catch((e: unknown) => {
    // A code that cannot be delivered (the SMS sandbox, the pool's email settings): the sign-in
    // operations have no CodeDeliveryFailureException in their model; the same words come back
    // as an InvalidParameterException (docs/mfa.md).
    if (e instanceof ServiceError && e.type === "CodeDeliveryFailureException") {
      fail("InvalidParameterException", e.message);
    }
    throw e;
  });
  await deps.store.transaction((tx: StoreTx) => saveCode(tx, issued));
  return {
    ChallengeName: factor,
    Session: mfaSession(deps, s, user, base, {
      challenge: factor,
      // The answer must be this code, not one a later sign-in sent.
      codeId: codeId(issued.record.codeHmac, target.destination),
      ...(setupEmail === undefined ? {} : { setupEmail }),
    }),
    ChallengeParameters: {
      CODE_DELIVERY_DELIVERY_MEDIUM: target.medium,
      CODE_DELIVERY_DESTINATION: maskDestination(target.medium, target.destination),
    },
  };
}

/** Where an SMS_MFA or EMAIL_OTP code goes: the user's phone number or email, verified or not. */
export function mfaTarget(user: UserRecord, factor: "SMS_MFA" | "EMAIL_OTP"): DeliveryTarget {
  return factor === "SMS_MFA"
    ? { medium: "SMS", attributeName: "phone_number", destination: user.attributes.phone_number ?? "" }
    : { medium: "EMAIL", attributeName: "email", destination: user.attributes.email ?? "" };
}
