// What differs between the flows that send a one-time code and take it back. The machinery
// (src/services/codes.ts) is one; each purpose only says how long its codes live, how many
// wrong guesses and redemption calls it tolerates, which template renders its message and
// under which CustomMessage trigger sources (one per operation that sends it) it goes out.
//
// Each purpose keeps its own current code per user, so a pending sign-up code is untouched
// by a password reset. The flows to come plug in as one entry
// each, with these settings (sources in the behaviour notes of each issue):
//   FORGOT_PASSWORD      1 hour; the verification template in its code form even in link
//                        mode; CustomMessage_ForgotPassword (ForgotPassword,
//                        AdminResetUserPassword).
//   VERIFY_EMAIL,        24 hours, one purpose per attribute so that an email code and a
//   VERIFY_PHONE_NUMBER  phone code can be pending together; the code form;
//                        CustomMessage_UpdateUserAttribute, CustomMessage_VerifyUserAttribute.
//   MFA_EMAIL, MFA_SMS   minutes; the pool's MFA message templates;
//                        CustomMessage_Authentication.
// Custom sender sources follow from these (`CustomEmailSender_ForgotPassword`, …).
import type { CustomMessageTriggerEvent } from "aws-lambda";
import type { ServerConfig } from "../config/config.js";
import type { CodePurpose } from "../ports/store/index.js";
import type { PoolConfig } from "./pool.js";
import { type MessageTemplate, verificationTemplate } from "./templates.js";

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
  redeemLimit(limits: Limits): { name: string; max: number; windowMs: number };
}

const HOUR_MS = 3_600_000;

export const CODE_POLICIES = {
  // Sign-up confirmation: 24 hours (Cognito's quota table), the pool's verification template
  // (code or link, as its DefaultEmailOption says), sent by SignUp and ResendConfirmationCode.
  SIGNUP: {
    validityMs: 24 * HOUR_MS,
    template: verificationTemplate,
    sources: ["CustomMessage_SignUp", "CustomMessage_ResendCode"],
    maxFailedAttempts: (l) => l.codeMaxFailedAttempts,
    redeemLimit: (l) => ({ name: "confirm", max: l.confirmPerUser, windowMs: l.confirmWindowSeconds * 1000 }),
  },
} as const satisfies Record<CodePurpose, CodePolicy>;

/** The trigger sources a purpose's codes may be sent under. */
export type SourceOf<P extends CodePurpose> = (typeof CODE_POLICIES)[P]["sources"][number];

/** The key of a per-user counter of a purpose (`<pool>|<name>|<username>`). */
export function limitKey(name: string, poolId: string, username: string): string {
  return `${poolId}|${name}|${username}`;
}
