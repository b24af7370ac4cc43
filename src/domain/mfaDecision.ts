// Whether a sign-in that proved the password needs a second step, and which (docs/mfa.md,
// "Which step"): pure, from the pool's MFA settings and the user's. The rules:
//   - pool MfaConfiguration OFF: no step;
//   - the factors that count are those both the pool enables (software tokens; SMS with an
//     SmsConfiguration; email with an EmailMfaConfiguration) and the user enabled (a verified
//     token; a phone_number; an email);
//   - one such factor, or a preferred one among them: that factor's challenge;
//   - several, none preferred: SELECT_MFA_TYPE with MFAS_CAN_CHOOSE;
//   - none, pool OPTIONAL: no step;
//   - none, pool ON: SMS or email to the number or address the user has ("SMS and email
//     message MFA require no additional configuration after your user adds an email address or
//     phone number to their profile", developer guide), choosing when both could; else
//     MFA_SETUP with MFAS_CAN_SETUP (a software token or an email address can be set up within
//     the sign-in).
import type { UserMfa } from "../ports/store/index.js";
import type { PoolConfig } from "./pool.js";

export type MfaFactor = "SOFTWARE_TOKEN_MFA" | "SMS_MFA" | "EMAIL_OTP";

/** MFAS_CAN_CHOOSE / MFAS_CAN_SETUP list factors in this order. */
const ORDER: readonly MfaFactor[] = ["SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"];

export type MfaDecision =
  | { kind: "none" }
  | { kind: "challenge"; factor: MfaFactor }
  | { kind: "select"; options: MfaFactor[] }
  | { kind: "setup"; options: MfaFactor[] };

/** The factors the pool offers (whatever its MfaConfiguration). */
export function poolFactors(pool: PoolConfig): MfaFactor[] {
  const out: MfaFactor[] = [];
  if (pool.SmsConfiguration !== undefined) out.push("SMS_MFA");
  if (pool.SoftwareTokenMfaConfiguration?.Enabled === true) out.push("SOFTWARE_TOKEN_MFA");
  if (pool.EmailMfaConfiguration !== undefined) out.push("EMAIL_OTP");
  return out;
}

/** The factors the user turned on, whatever the pool offers (GetUser's UserMFASettingList). */
export function userFactors(
  mfa: UserMfa | null | undefined,
  attributes: Record<string, string>,
): MfaFactor[] {
  const out: MfaFactor[] = [];
  if (mfa?.smsEnabled === true && attributes.phone_number) out.push("SMS_MFA");
  if (mfa?.totpEnabled === true && mfa.totpSecret !== null) out.push("SOFTWARE_TOKEN_MFA");
  if (mfa?.emailEnabled === true && attributes.email) out.push("EMAIL_OTP");
  return out;
}

export function decideMfa(
  pool: PoolConfig,
  user: { mfa?: UserMfa | null | undefined; attributes: Record<string, string> },
): MfaDecision {
  const mode = pool.MfaConfiguration ?? "OFF";
  if (mode === "OFF") return { kind: "none" };
  const offered = poolFactors(pool);
  const enabled = userFactors(user.mfa, user.attributes).filter((f) => offered.includes(f));
  const preferred = user.mfa?.preferred ?? null;
  if (preferred !== null && enabled.includes(preferred)) return { kind: "challenge", factor: preferred };
  const one = enabled[0];
  if (one !== undefined && enabled.length === 1) return { kind: "challenge", factor: one };
  if (enabled.length > 1) return { kind: "select", options: enabled };
  if (mode === "OPTIONAL") return { kind: "none" };
  // MFA is required and the user turned nothing on.
  const reachable = ORDER.filter(
    (f) =>
      offered.includes(f) &&
      ((f === "SMS_MFA" && Boolean(user.attributes.phone_number)) ||
        (f === "EMAIL_OTP" && Boolean(user.attributes.email))),
  );
  const first = reachable[0];
  if (first !== undefined && reachable.length === 1) return { kind: "challenge", factor: first };
  if (reachable.length > 1) return { kind: "select", options: reachable };
  // SMS_MFA is listed as Cognito lists it, though only an attribute change outside the
  // sign-in can give the user a phone number; a software token or an email address can be set
  // up within it.
  return { kind: "setup", options: offered };
}
