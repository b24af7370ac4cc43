// The answer to SMS_MFA (SMS_MFA_CODE) and EMAIL_OTP (EMAIL_OTP_CODE) (docs/mfa.md): the code
// the challenge sent, checked as every one-time code is (src/services/codeRedemption.ts: the
// HMAC compared in constant time, used once). A right code also verifies the phone number or
// email it reached ("When a user completes their first MFA, Amazon Cognito marks their email
// address or phone number as verified", developer guide).
import { createHash } from "node:crypto";
import type { Deps } from "../../operations/deps.js";
import type { StoreTx, UserRecord } from "../../ports/store/index.js";
import { fail, messages } from "../../protocol/errors.js";
import { checkCode, codeAttempt, consumeCode } from "../codeRedemption.js";
import { MFA_MESSAGES, NO_MFA } from "../mfa.js";
import type { TokenDeps } from "../tokens/index.js";
import { completeSignIn } from "./complete.js";
import { requireParameter } from "./flows.js";
import { MFA_STEPS, refuseSpentSession, sessionUser, wrongCode } from "./mfaAttempts.js";
import type { OpenedRespond, SignInResponse } from "./request.js";
import { consumeOnce, openChallengeSession, SESSION_MESSAGES } from "./session.js";

/**
 * What the session keeps of the code it waits for: digests of the code's HMAC (a code another
 * sign-in sent does not answer this one) and of where it went (only that address is marked
 * verified).
 */
export function codeId(codeHmac: string, destination: string): string {
  return `${digest(codeHmac)}:${digest(destination)}`;
}

function digest(v: string): string {
  return createHash("sha256").update(v, "utf8").digest("base64url").slice(0, 16);
}

type Outcome = { kind: "ok"; user: UserRecord } | { kind: "mismatch" | "expired" | "spent" };

export async function answerMfaCode(
  deps: TokenDeps & Pick<Deps, "serverSecret">,
  s: OpenedRespond,
  factor: "SMS_MFA" | "EMAIL_OTP",
): Promise<SignInResponse> {
  const session = openChallengeSession(deps, s, factor);
  const params = s.request.parameters;
  const typed = requireParameter(params, "USERNAME");
  const code = requireParameter(params, factor === "SMS_MFA" ? "SMS_MFA_CODE" : "EMAIL_OTP_CODE");
  const user = await sessionUser(deps, s, session, typed);
  await refuseSpentSession(deps, s, session);

  const purpose = factor === "SMS_MFA" ? "MFA_SMS" : "MFA_EMAIL";
  const attribute = factor === "SMS_MFA" ? "phone_number" : "email";
  const attempt = codeAttempt(deps, purpose, s.pool.id, user.username, code);
  const now = deps.clock.now();
  const outcome = await deps.store.transaction(async (tx: StoreTx): Promise<Outcome> => {
    const current = await tx.users.getForUpdate(s.pool.id, user.username);
    if (!current) fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
    const checked = await checkCode(tx, deps, attempt, now);
    if (checked.kind === "mismatch") return { kind: "mismatch" };
    if (checked.kind === "locked" || checked.kind === "limited") return { kind: "spent" };
    // A code a later sign-in sent is not this session's: this one's was superseded.
    if (checked.kind === "expired" || session.state.codeId?.split(":")[0] !== digest(checked.code.codeHmac)) {
      return { kind: "expired" };
    }
    if (!(await consumeCode(tx, attempt, now))) return { kind: "expired" };
    const setupEmail = session.state.setupEmail;
    if (setupEmail !== undefined) return { kind: "ok", user: await adoptEmail(tx, current, setupEmail, now) };
    // The code went to the address as it stands: reaching it verifies it.
    const value = current.attributes[attribute];
    if (
      value !== undefined &&
      session.state.codeId === codeId(checked.code.codeHmac, value) &&
      current.attributes[`${attribute}_verified`] !== "true"
    ) {
      const next: UserRecord = {
        ...current,
        attributes: { ...current.attributes, [`${attribute}_verified`]: "true" },
        updatedAt: now,
      };
      await tx.users.update(next);
      return { kind: "ok", user: next };
    }
    return { kind: "ok", user: current };
  });
  switch (outcome.kind) {
    case "mismatch":
      return wrongCode(deps, s, user, session, () =>
        fail("CodeMismatchException", MFA_MESSAGES.codeMismatchOtp),
      );
    case "spent":
      await consumeOnce(deps, s.pool.id, "session", session.id, session.expiresAt);
      fail("NotAuthorizedException", MFA_MESSAGES.tooManyAttempts);
      break;
    case "expired":
      fail("ExpiredCodeException", messages.codeExpired);
      break;
    case "ok":
      break;
  }
  if (!(await consumeOnce(deps, s.pool.id, "session", session.id, session.expiresAt))) {
    fail("NotAuthorizedException", SESSION_MESSAGES.used);
  }
  const result = await completeSignIn(deps, s, {
    user: outcome.user,
    source: "TokenGeneration_Authentication",
    authTime: now,
    clientMetadata: s.request.clientMetadata,
    clearFailures: true,
    steps: MFA_STEPS.success,
    deviceKey: session.state.deviceKey,
  });
  return { ChallengeParameters: {}, AuthenticationResult: result };
}

/**
 * MFA_SETUP with EMAIL, the code right: the address becomes the user's email, verified, with
 * email MFA on (and preferred when nothing was). A user who got an email meanwhile keeps it.
 */
async function adoptEmail(tx: StoreTx, current: UserRecord, email: string, now: number): Promise<UserRecord> {
  if (current.attributes.email !== undefined) fail("NotAuthorizedException", SESSION_MESSAGES.invalid);
  const next: UserRecord = {
    ...current,
    attributes: { ...current.attributes, email, email_verified: "true" },
    updatedAt: now,
  };
  await tx.users.update(next);
  const mfa = { ...NO_MFA, ...current.mfa };
  const withEmail = { ...mfa, emailEnabled: true, preferred: mfa.preferred ?? ("EMAIL_OTP" as const) };
  await tx.users.setMfa(current.poolId, current.username, withEmail);
  return { ...next, mfa: withEmail };
}
