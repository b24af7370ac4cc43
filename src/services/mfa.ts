// A user's TOTP MFA (docs/mfa.md): the secret sealed at rest, what GetUser and AdminGetUser
// show, whether a sign-in needs the SOFTWARE_TOKEN_MFA step, and the preferences
// SetUserMFAPreference / AdminSetUserMFAPreference change.
import { decodeBase64Strict, seal, unseal } from "../domain/seal.js";
import { base32Decode } from "../domain/totp.js";
import type { Deps } from "../operations/deps.js";
import type { PoolRecord, UserMfa, UserRecord } from "../ports/store/index.js";
import { fail } from "../protocol/errors.js";
import type { SoftwareTokenMfaSettingsType } from "../protocol/generated/shapes.js";
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
} as const;

export const NO_MFA: UserMfa = {
  totpSecret: null,
  totpPending: null,
  totpLastStep: null,
  totpEnabled: false,
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
} {
  const mfa = user.mfa;
  if (!mfa?.totpEnabled) return {};
  return {
    UserMFASettingList: ["SOFTWARE_TOKEN_MFA"],
    ...(mfa.preferred !== null ? { PreferredMfaSetting: mfa.preferred } : {}),
  };
}

/**
 * Whether a sign-in of this user needs SOFTWARE_TOKEN_MFA: the pool's MFA is OPTIONAL or ON
 * with software tokens enabled, and the user enabled a verified token.
 */
export function needsTotp(pool: PoolRecord, user: UserRecord): boolean {
  const config = pool.config;
  if (config.MfaConfiguration !== "OPTIONAL" && config.MfaConfiguration !== "ON") return false;
  if (config.SoftwareTokenMfaConfiguration?.Enabled !== true) return false;
  return user.mfa?.totpEnabled === true && user.mfa.totpSecret !== null;
}

export interface MfaPreferenceInput {
  SoftwareTokenMfaSettings?: SoftwareTokenMfaSettingsType;
  SMSMfaSettings?: { Enabled?: boolean; PreferredMfa?: boolean };
  EmailMfaSettings?: { Enabled?: boolean; PreferredMfa?: boolean };
}

/** The settings after SetUserMFAPreference / AdminSetUserMFAPreference; refuses what cannot be. */
export function nextMfaPreference(current: UserMfa | null | undefined, input: MfaPreferenceInput): UserMfa {
  const mfa: UserMfa = { ...NO_MFA, ...current };
  for (const [name, settings] of [
    ["SMS_MFA", input.SMSMfaSettings],
    ["EMAIL_OTP", input.EmailMfaSettings],
  ] as const) {
    // Turning on a factor Cognate has not built would promise a second step it cannot give.
    if (settings?.Enabled === true || settings?.PreferredMfa === true) {
      fail("InvalidParameterException", `Cognate does not support ${name} yet.`);
    }
  }
  const totp = input.SoftwareTokenMfaSettings;
  if (totp === undefined) return mfa;
  if (totp.Enabled === true && mfa.totpSecret === null)
    fail("InvalidParameterException", MFA_MESSAGES.notVerified);
  if (totp.Enabled !== undefined) mfa.totpEnabled = totp.Enabled;
  if (totp.PreferredMfa === true) {
    if (!mfa.totpEnabled) fail("InvalidParameterException", MFA_MESSAGES.notVerified);
    mfa.preferred = "SOFTWARE_TOKEN_MFA";
  } else if (totp.PreferredMfa === false || !mfa.totpEnabled) {
    if (mfa.preferred === "SOFTWARE_TOKEN_MFA") mfa.preferred = null;
  }
  return mfa;
}
