// Which MFA step a sign-in gets (src/domain/mfaDecision.ts, docs/mfa.md "Which step"), case by
// case: pool OFF / OPTIONAL / ON, the factors the pool offers and the user turned on, a
// preference, and the addresses the user has.
import { describe, expect, it } from "vitest";
import { decideMfa, poolFactors, userFactors } from "../../src/domain/mfaDecision.js";
import type { PoolConfig } from "../../src/domain/pool.js";
import type { UserMfa } from "../../src/ports/store/index.js";

const SMS = { SnsCallerArn: "arn:aws:iam::123456789012:role/sms" };
const ALL: PoolConfig = {
  MfaConfiguration: "OPTIONAL",
  SmsConfiguration: SMS,
  SoftwareTokenMfaConfiguration: { Enabled: true },
  EmailMfaConfiguration: {},
};
const NONE: UserMfa = {
  totpSecret: null,
  totpPending: null,
  totpLastStep: null,
  totpEnabled: false,
  preferred: null,
};
const ADDRESSES = { email: "a@example.com", phone_number: "+14155550100" };

function user(mfa: Partial<UserMfa>, attributes: Record<string, string> = ADDRESSES) {
  return { mfa: { ...NONE, ...mfa }, attributes };
}

describe("decideMfa", () => {
  it("OFF: never a step, whatever the user turned on", () => {
    const u = user({ smsEnabled: true, emailEnabled: true, totpEnabled: true, totpSecret: "x" });
    expect(decideMfa({ ...ALL, MfaConfiguration: "OFF" }, u)).toEqual({ kind: "none" });
    const { MfaConfiguration: _mode, ...unset } = ALL;
    expect(decideMfa(unset, u)).toEqual({ kind: "none" });
  });

  it("OPTIONAL: nothing on → no step; one factor → its challenge; several → the preferred, else SELECT_MFA_TYPE", () => {
    expect(decideMfa(ALL, user({}))).toEqual({ kind: "none" });
    expect(decideMfa(ALL, user({ emailEnabled: true }))).toEqual({ kind: "challenge", factor: "EMAIL_OTP" });
    const two = user({ smsEnabled: true, totpEnabled: true, totpSecret: "x" });
    expect(decideMfa(ALL, two)).toEqual({ kind: "select", options: ["SMS_MFA", "SOFTWARE_TOKEN_MFA"] });
    expect(decideMfa(ALL, { ...two, mfa: { ...two.mfa, preferred: "SOFTWARE_TOKEN_MFA" } })).toEqual({
      kind: "challenge",
      factor: "SOFTWARE_TOKEN_MFA",
    });
  });

  it("a factor counts only when the pool offers it and the user can receive it", () => {
    // The pool offers no email MFA: the email factor does not count.
    const { EmailMfaConfiguration: _email, ...noEmail } = ALL;
    expect(decideMfa(noEmail, user({ emailEnabled: true }))).toEqual({ kind: "none" });
    // SMS turned on but the phone number removed since.
    expect(decideMfa(ALL, user({ smsEnabled: true }, { email: "a@example.com" }))).toEqual({ kind: "none" });
    // A token never verified is not a factor.
    expect(decideMfa(ALL, user({ totpEnabled: true }))).toEqual({ kind: "none" });
    // A preference for a factor that does not count falls back to the one that does.
    expect(
      decideMfa(noEmail, user({ emailEnabled: true, smsEnabled: true, preferred: "EMAIL_OTP" })),
    ).toEqual({
      kind: "challenge",
      factor: "SMS_MFA",
    });
  });

  it("ON with nothing turned on: the code to an address the user has, a choice of two, else MFA_SETUP", () => {
    const on: PoolConfig = { ...ALL, MfaConfiguration: "ON" };
    expect(decideMfa(on, user({}, { phone_number: "+14155550100" }))).toEqual({
      kind: "challenge",
      factor: "SMS_MFA",
    });
    expect(decideMfa(on, user({}))).toEqual({ kind: "select", options: ["SMS_MFA", "EMAIL_OTP"] });
    expect(decideMfa(on, user({}, {}))).toEqual({
      kind: "setup",
      options: ["SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"],
    });
    const totpOnly: PoolConfig = { MfaConfiguration: "ON", SoftwareTokenMfaConfiguration: { Enabled: true } };
    expect(decideMfa(totpOnly, user({}))).toEqual({ kind: "setup", options: ["SOFTWARE_TOKEN_MFA"] });
    expect(decideMfa(totpOnly, user({ totpEnabled: true, totpSecret: "x" }))).toEqual({
      kind: "challenge",
      factor: "SOFTWARE_TOKEN_MFA",
    });
  });

  it("poolFactors and userFactors", () => {
    expect(poolFactors(ALL)).toEqual(["SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]);
    expect(poolFactors({ SoftwareTokenMfaConfiguration: { Enabled: false } })).toEqual([]);
    expect(userFactors(null, ADDRESSES)).toEqual([]);
    expect(
      userFactors(
        { ...NONE, smsEnabled: true, emailEnabled: true, totpEnabled: true, totpSecret: "x" },
        ADDRESSES,
      ),
    ).toEqual(["SMS_MFA", "SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]);
  });
});
