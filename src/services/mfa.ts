// A user's MFA (docs/mfa.md): the TOTP secret sealed at rest, what GetUser and AdminGetUser
// show, and the preferences SetUserMFAPreference / AdminSetUserMFAPreference change. Which
// step a sign-in needs is src/domain/mfaDecision.ts.

import { type MfaFactor, poolFactors, userFactors } from "../domain/mfaDecision.js";
import type { PoolConfig } from "../domain/pool.js";
import type { RecoveryMfa } from "../domain/recovery.js";
import { decodeBase64Strict, seal, unseal } from "../domain/seal.js";
import { base32Decode } from "../domain/totp.js";
import type { Deps } from "../operations/deps.js";
import type { UserMfa, UserRecord } from "../ports/store/index.js";
import { fail } from "../protocol/errors.js";
import type { MFAOptionType, SoftwareTokenMfaSettingsType } from "../protocol/generated/shapes.js";
import { sealKey } from "./signIn/sealKeys.js";

export const MFA_MESSAGES = {
  /** RespondToAuthChallenge SOFTWARE_TOKEN_MFA, a wrong code (docs/mfa.md). */
  codeMismatch: "Invalid code received for user",
  /** The code of a step already accepted once. */
  reused: "Your software token has already been used once.",
  /** VerifySoftwareToken, a wrong code. */
  verifyMismatch: "Code mismatch and fail enable Software Token MFA",
  /** VerifySoftwareToken with no AssociateSoftwareToken before it. */
  notAssociated: "Software Token MFA has not been associated with the user.",
  /** SetUserMFAPreference enabling a token never verified. */
  notVerified: "User has not verified software token mfa",
  /** SetUserMFAPreference enabling SMS MFA for a user with no phone number. */
  noPhone: "User does not have a phone_number set to turn on SMS MFA",
  /** The same for email MFA (our wording, after the SMS one). */
  noEmail: "User does not have an email set to turn on EMAIL_OTP MFA",
  /** Preferring a factor left turned off (our wording). */
  notEnabled: (name: string) => `${name} must be enabled to be the preferred MFA method.`,
  /** More than one PreferredMfa true in one request (our wording). */
  twoPreferred: "Only one MFA method can be preferred.",
  /** RespondToAuthChallenge SMS_MFA / EMAIL_OTP, a wrong code. */
  codeMismatchOtp: "Invalid code or auth state for the user.",
  /** Too many wrong codes: the sign-in ends (the message Cognito's MFA lock-out gives). */
  tooManyAttempts:
    "Too many invalid credentials attempts. User temporarily locked. Please try again after few seconds.",
} as const;

export const NO_MFA: UserMfa = {
  totpSecret: null,
  totpPending: null,
  totpLastStep: null,
  totpEnabled: false,
  smsEnabled: false,
  emailEnabled: false,
  preferred: null,
};

function aad(poolId: string, username: string): Buffer {
  return Buffer.from(`cognate:totp:${poolId}:${username}`, "utf8");
}

/** Seals a base32 TOTP secret for one user: it opens only for that user of that pool. */
export function sealTotpSecret(
  deps: Pick<Deps, "serverSecret" | "random">,
  poolId: string,
  username: string,
  secret: string,
): string {
  const key = sealKey(deps.serverSecret, "totp-secret");
  return seal(key, deps.random, Buffer.from(secret, "utf8"), aad(poolId, username)).bytes.toString("base64");
}

/** The secret's bytes (for the HMAC), or null when the stored value does not open. */
export function openTotpSecret(
  deps: Pick<Deps, "serverSecret">,
  poolId: string,
  username: string,
  sealed: string,
): Buffer | null {
  const bytes = decodeBase64Strict(sealed);
  const opened = bytes && unseal(sealKey(deps.serverSecret, "totp-secret"), bytes, aad(poolId, username));
  return opened ? base32Decode(opened.plaintext.toString("utf8")) : null;
}

/** GetUser / AdminGetUser: the MFA members, omitted while the user has no MFA (as Cognito does). */
export function mfaMembers(user: UserRecord): {
  UserMFASettingList?: string[];
  PreferredMfaSetting?: string;
  MFAOptions?: MFAOptionType[];
} {
  const factors = userFactors(user.mfa, user.attributes);
  if (factors.length === 0) return {};
  const preferred = user.mfa?.preferred ?? null;
  return {
    UserMFASettingList: factors,
    ...(preferred !== null && factors.includes(preferred) ? { PreferredMfaSetting: preferred } : {}),
    // The legacy member: SMS MFA only, as Cognito's SetUserSettings knew it.
    ...(factors.includes("SMS_MFA")
      ? { MFAOptions: [{ DeliveryMedium: "SMS", AttributeName: "phone_number" }] }
      : {}),
  };
}

export interface MfaPreferenceInput {
  SoftwareTokenMfaSettings?: SoftwareTokenMfaSettingsType;
  SMSMfaSettings?: { Enabled?: boolean; PreferredMfa?: boolean };
  EmailMfaSettings?: { Enabled?: boolean; PreferredMfa?: boolean };
}

type Toggle = "totpEnabled" | "smsEnabled" | "emailEnabled";

/**
 * The settings after SetUserMFAPreference / AdminSetUserMFAPreference; refuses what cannot be:
 * a token never verified, SMS without a phone_number, email without an email.
 */
export function nextMfaPreference(
  current: UserMfa | null | undefined,
  input: MfaPreferenceInput,
  attributes: Record<string, string>,
): UserMfa {
  const mfa: UserMfa = { ...NO_MFA, ...current };
  const factors: [
    MfaFactor,
    Toggle,
    { Enabled?: boolean; PreferredMfa?: boolean } | undefined,
    string | null,
  ][] = [
    [
      "SOFTWARE_TOKEN_MFA",
      "totpEnabled",
      input.SoftwareTokenMfaSettings,
      mfa.totpSecret === null ? MFA_MESSAGES.notVerified : null,
    ],
    ["SMS_MFA", "smsEnabled", input.SMSMfaSettings, attributes.phone_number ? null : MFA_MESSAGES.noPhone],
    ["EMAIL_OTP", "emailEnabled", input.EmailMfaSettings, attributes.email ? null : MFA_MESSAGES.noEmail],
  ];
  const preferring = factors.filter(([, , settings]) => settings?.PreferredMfa === true);
  // Cognito's answer to two preferred factors is not documented; one preference is kept, so
  // the request is refused rather than one of them picked.
  if (preferring.length > 1) fail("InvalidParameterException", MFA_MESSAGES.twoPreferred);
  for (const [name, toggle, settings, missing] of factors) {
    // JSON null (identity-js sends it for a factor left alone) is no change, as absent is.
    if (settings === undefined || settings === null) continue;
    if (settings.Enabled === true && missing !== null) fail("InvalidParameterException", missing);
    if (typeof settings.Enabled === "boolean") mfa[toggle] = settings.Enabled;
    const enabled = mfa[toggle] === true;
    if (settings.PreferredMfa === true) {
      if (!enabled) fail("InvalidParameterException", missing ?? MFA_MESSAGES.notEnabled(name));
      mfa.preferred = name;
    } else if ((settings.PreferredMfa === false || !enabled) && mfa.preferred === name) {
      mfa.preferred = null;
    }
  }
  return mfa;
}

/**
 * The MFA factors in force for a user that disqualify a recovery medium (src/domain/recovery.ts):
 * SMS or email MFA the user turned on, in a pool whose MFA is not OFF and offers it.
 */
export function recoveryMfa(pool: PoolConfig, user: Pick<UserRecord, "mfa" | "attributes">): RecoveryMfa {
  if ((pool.MfaConfiguration ?? "OFF") === "OFF") return { sms: false, email: false };
  const offered = poolFactors(pool);
  const on = userFactors(user.mfa, user.attributes).filter((f) => offered.includes(f));
  return { sms: on.includes("SMS_MFA"), email: on.includes("EMAIL_OTP") };
}
