// What differs between the flows that send a one-time code and take it back. The machinery
// (src/services/codes.ts) is one; each purpose only says how long its codes live, how many
// wrong guesses and calls it tolerates, which template renders its message and under which
// CustomMessage trigger sources (one per operation that sends it) it goes out. Custom sender
// sources follow from these (`CustomEmailSender_ForgotPassword`, …).
//
// Each purpose keeps its own current code per user, so a pending sign-up code is untouched
// by a password reset, and an email code by a phone code. Sources of the settings:
// docs/recovery.md ("Codes") and docs/mfa.md (MFA_SMS, MFA_EMAIL).
import type { CustomMessageTriggerEvent } from "aws-lambda";
import type { ServerConfig } from "../config/config.js";
import type { CodePurpose } from "../ports/store/index.js";
import type { PoolConfig } from "./pool.js";
import { codeTemplate, type MessageTemplate, mfaTemplate, verificationTemplate } from "./templates.js";

export type CustomMessageSource = CustomMessageTriggerEvent["triggerSource"];
type Limits = ServerConfig["limits"];

export interface CodePolicy {
  /** How long a code stays valid after it is issued. */
  readonly validityMs: number;
  /** The pool's template for the message, before substitution and before CustomMessage. */
  template(pool: PoolConfig, medium: "EMAIL" | "SMS"): MessageTemplate;
  /** The CustomMessage trigger sources codes of this purpose are sent under. */
  readonly sources: readonly CustomMessageSource[];
  /** Wrong guesses one code survives; then it is dead (TooManyFailedAttemptsException). */
  maxFailedAttempts(limits: Limits): number;
  /**
   * Redemption calls per user per window, right or wrong (LimitExceededException). `name`
   * keys the counter; it is also what unknown users are counted under.
   */
  redeemLimit(limits: Limits): CallLimit;
  /**
   * Codes sent per user per window by the operations that count them (LimitExceededException).
   * Purposes that share a `name` share the counter.
   */
  issueLimit(limits: Limits): CallLimit;
}

export interface CallLimit {
  readonly name: string;
  readonly max: number;
  readonly windowMs: number;
}

const HOUR_MS = 3_600_000;

/**
 * Wrong MFA codes one sign-in survives: "After five unsuccessful attempts to present an MFA
 * code, Amazon Cognito begins the exponential-timeout lockout process" (developer guide,
 * user-pool-settings-mfa). The sixth answer of a session ends it (docs/mfa.md).
 */
export const MFA_WRONG_CODE_LIMIT = 5;

const MFA_CODE = {
  // A code lives as long as the sign-in session that asked for it; the longest
  // AuthSessionValidity is 15 minutes, and the session's own expiry is checked first.
  validityMs: 15 * 60_000,
  template: mfaTemplate,
  sources: ["CustomMessage_Authentication"],
  maxFailedAttempts: () => MFA_WRONG_CODE_LIMIT,
  // Guessing is bounded by MFA_WRONG_CODE_LIMIT per sign-in and by the lock-out those wrong
  // codes feed; this only stops a runaway caller, not an app's test suite signing in often.
  redeemLimit: () => ({ name: "mfa-code", max: 600, windowMs: HOUR_MS }),
  // Each code follows a right password; the password's own limits bound how often.
  issueLimit: (l: Limits) => ({
    name: "mfa-send",
    max: l.resendPerUser,
    windowMs: l.resendWindowSeconds * 1000,
  }),
} as const satisfies CodePolicy;

const VERIFY_ATTRIBUTE = {
  validityMs: 24 * HOUR_MS,
  template: codeTemplate,
  sources: ["CustomMessage_UpdateUserAttribute", "CustomMessage_VerifyUserAttribute"],
  maxFailedAttempts: (l: Limits) => l.codeMaxFailedAttempts,
  redeemLimit: (l: Limits) => ({
    name: "verify",
    max: l.verifyAttributePerUser,
    windowMs: l.accountWindowSeconds * 1000,
  }),
  issueLimit: (l: Limits) => ({
    name: "verify-code",
    max: l.attributeCodePerUser,
    windowMs: l.accountWindowSeconds * 1000,
  }),
} as const satisfies CodePolicy;

export const CODE_POLICIES = {
  // Sign-up confirmation: 24 hours (Cognito's quota table), the pool's verification template
  // (code or link, as its DefaultEmailOption says), sent by SignUp and ResendConfirmationCode.
  SIGNUP: {
    validityMs: 24 * HOUR_MS,
    template: verificationTemplate,
    sources: ["CustomMessage_SignUp", "CustomMessage_ResendCode"],
    maxFailedAttempts: (l) => l.codeMaxFailedAttempts,
    redeemLimit: (l) => ({ name: "confirm", max: l.confirmPerUser, windowMs: l.confirmWindowSeconds * 1000 }),
    // ResendConfirmationCode counts its sends under this name itself.
    issueLimit: (l) => ({ name: "resend", max: l.resendPerUser, windowMs: l.resendWindowSeconds * 1000 }),
  },
  // Password reset: 1 hour ("The recovery code is valid for one hour"), the code form of the
  // verification template even in link mode, sent by ForgotPassword and by
  // AdminResetUserPassword (both under CustomMessage_ForgotPassword).
  FORGOT_PASSWORD: {
    validityMs: HOUR_MS,
    template: codeTemplate,
    sources: ["CustomMessage_ForgotPassword"],
    maxFailedAttempts: (l) => l.codeMaxFailedAttempts,
    redeemLimit: (l) => ({
      name: "confirm-forgot",
      max: l.confirmForgotPasswordPerUser,
      windowMs: l.accountWindowSeconds * 1000,
    }),
    issueLimit: (l) => ({
      name: "forgot",
      max: l.forgotPasswordPerUser,
      windowMs: l.accountWindowSeconds * 1000,
    }),
  },
  // Attribute verification: 24 hours, the code form; sent when an email or phone number
  // changes (CustomMessage_UpdateUserAttribute) or on request
  // (CustomMessage_VerifyUserAttribute). One counter per user for both attributes.
  VERIFY_EMAIL: VERIFY_ATTRIBUTE,
  VERIFY_PHONE_NUMBER: VERIFY_ATTRIBUTE,
  // SMS_MFA and EMAIL_OTP (docs/mfa.md): the pool's MFA templates, CustomMessage_Authentication.
  MFA_SMS: MFA_CODE,
  MFA_EMAIL: MFA_CODE,
} as const satisfies Record<CodePurpose, CodePolicy>;

/** The trigger sources a purpose's codes may be sent under. */
export type SourceOf<P extends CodePurpose> = (typeof CODE_POLICIES)[P]["sources"][number];

/** The purpose that verifies an attribute. */
export function verifyPurpose(attribute: "email" | "phone_number"): "VERIFY_EMAIL" | "VERIFY_PHONE_NUMBER" {
  return attribute === "email" ? "VERIFY_EMAIL" : "VERIFY_PHONE_NUMBER";
}

/** The key of a per-user counter of a purpose (`<pool>|<name>|<username>`). */
export function limitKey(name: string, poolId: string, username: string): string {
  return `${poolId}|${name}|${username}`;
}
