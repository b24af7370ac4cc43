// One-time codes: at most one current code per user and purpose, stored as an HMAC.
import type { Username } from "../../domain/usernames.js";

/**
 * What a code is for (src/domain/codePurposes.ts): each purpose keeps its own current code per
 * user. Attribute verification has one purpose per attribute, so that an email code and a
 * phone code can be outstanding together.
 */
export type CodePurpose =
  | "SIGNUP"
  | "FORGOT_PASSWORD"
  | "VERIFY_EMAIL"
  | "VERIFY_PHONE_NUMBER"
  /** The second step of a sign-in: SMS_MFA, EMAIL_OTP (docs/mfa.md). */
  | "MFA_SMS"
  | "MFA_EMAIL";

export interface CodeRecord {
  poolId: string;
  username: Username;
  purpose: CodePurpose;
  /** HMAC of the code under the server secret; the code itself is never stored. */
  codeHmac: string;
  /** HMACs of codes this one superseded (newest first), so they report "expired". */
  previous: string[];
  attributeName: string;
  issuedAt: number;
  expiresAt: number;
  failedAttempts: number;
  consumedAt: number | null;
}

export interface CodeReads {
  get(poolId: string, username: Username, purpose: CodePurpose): Promise<CodeRecord | undefined>;
}

export interface CodeRepo extends CodeReads {
  /** Writes the code record as given (its `previous` included), replacing any current one. */
  put(code: CodeRecord): Promise<void>;
  /**
   * Atomic: makes `code` the current code; the code it replaces (if any) is prepended to
   * `previous`, which keeps at least the last 20 superseded HMACs. `code.previous` is ignored.
   * Of concurrent callers, each supersedes the one committed before it: never two current codes.
   */
  supersede(code: CodeRecord): Promise<void>;
  /** Bulk form of `put` for new codes (no existing row for the user and purpose). */
  putMany(codes: readonly CodeRecord[]): Promise<void>;
  /**
   * Atomic: counts one failed attempt, unless `maxFailed` is already reached. Returns the
   * count after the call, or null when the guard refused (the code is locked).
   */
  addFailedAttempt(
    poolId: string,
    username: Username,
    purpose: CodePurpose,
    maxFailed: number,
  ): Promise<number | null>;
  /**
   * Atomic: marks the code used if it is still the current, unused one with this HMAC.
   * Exactly one of several concurrent callers gets true.
   */
  consume(
    poolId: string,
    username: Username,
    purpose: CodePurpose,
    codeHmac: string,
    now: number,
  ): Promise<boolean>;
  delete(poolId: string, username: Username, purpose: CodePurpose): Promise<void>;
}
