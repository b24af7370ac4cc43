// Where a password-reset code goes (ForgotPassword, AdminResetUserPassword): the pool's
// AccountRecoverySetting, tried in priority order, and only a verified email or phone number
// qualifies. Without the setting, Cognito's legacy order: "uses a verified phone first. If the
// verified phone is not found for the user, Cognito falls back and will use verified email
// next". `admin_only` turns self-service recovery off. (docs/recovery.md, "Where the code goes".)
import type { DeliveryTarget } from "./delivery.js";
import type { PoolConfig } from "./pool.js";

type Mechanism = "verified_email" | "verified_phone_number";

/** The mechanisms to try, in order, or "admin_only". */
export function recoveryMechanisms(pool: PoolConfig): Mechanism[] | "admin_only" {
  const list = pool.AccountRecoverySetting?.RecoveryMechanisms;
  if (!list || list.length === 0) return ["verified_phone_number", "verified_email"];
  const sorted = [...list].sort((a, b) => (a.Priority ?? 0) - (b.Priority ?? 0));
  if (sorted.some((m) => m.Name === "admin_only")) return "admin_only";
  return sorted
    .map((m) => m.Name)
    .filter((n): n is Mechanism => n === "verified_email" || n === "verified_phone_number");
}

/**
 * The MFA factors a user has turned on that disqualify a recovery medium: "SMS doesn't qualify
 * … if the user also has SMS multi-factor authentication (MFA) activated. Email MFA is also
 * disqualifying for account recovery with email" (API reference, AccountRecoverySettingType).
 * The callers pass the user's (src/services/mfa.ts, recoveryMfa).
 */
export interface RecoveryMfa {
  sms: boolean;
  email: boolean;
}

const NO_MFA: RecoveryMfa = { sms: false, email: false };

/**
 * The medium a reset code goes to for a user with these attributes, or null when none
 * qualifies (or the pool is admin_only: the caller checks that first).
 */
export function recoveryTarget(
  pool: PoolConfig,
  attributes: Readonly<Record<string, string>>,
  mfa: RecoveryMfa = NO_MFA,
): DeliveryTarget | null {
  const mechanisms = recoveryMechanisms(pool);
  if (mechanisms === "admin_only") return null;
  for (const m of mechanisms) {
    if (m === "verified_phone_number") {
      const phone = attributes.phone_number;
      if (phone && attributes.phone_number_verified === "true" && !mfa.sms) {
        return { medium: "SMS", attributeName: "phone_number", destination: phone };
      }
    } else {
      const email = attributes.email;
      if (email && attributes.email_verified === "true" && !mfa.email) {
        return { medium: "EMAIL", attributeName: "email", destination: email };
      }
    }
  }
  return null;
}

/** Cognito's answers in the recovery flows (docs/recovery.md gives their sources). */
export const RECOVERY_MESSAGES = {
  cannotReset: "User password cannot be reset in the current state.",
  noMedium: "Cannot reset password for the user as there is no registered/verified email or phone_number",
  adminOnly: "Contact administrator to reset password.",
  adminOnlyAdminReset:
    "The user pool's account recovery is admin_only, so no reset code can be sent: set a password with AdminSetUserPassword.",
  incorrectPassword: "Incorrect username or password.",
  resetRequired: "Password reset required for the user",
  notConfirmed: "User is not confirmed.",
} as const;

/**
 * Whether a user in this status may reset a password with a code: not a user who never signed
 * in with their temporary password (FORCE_CHANGE_PASSWORD: "User password cannot be reset in
 * the current state."), nor a federated profile, which has no password of ours.
 */
export function mayResetPassword(status: string): boolean {
  return status === "CONFIRMED" || status === "RESET_REQUIRED" || status === "UNCONFIRMED";
}
