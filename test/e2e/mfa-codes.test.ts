// SMS_MFA, EMAIL_OTP and SELECT_MFA_TYPE (docs/mfa.md) through the AWS SDK v3: the pool's MFA
// settings, SMS and email preferences and their refusals, the code sent through the outbox and
// read from the dev inbox, its errors (wrong, superseded, the wrong-code limit, an expired
// session), and the phone number or email the code reached marked verified.

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  AdminGetUserCommand,
  AdminListUserAuthEventsCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminUpdateUserAttributesCommand,
  AssociateSoftwareTokenCommand,
  ForgotPasswordCommand,
  GetUserCommand,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/ports/clock.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, makeClient, passwordSignIn } from "../helpers/signin.js";
import { otherCode, totpCode } from "../helpers/totp.js";

const run = promisify(execFile);
const SMS_CONFIG = { SnsCallerArn: "arn:aws:iam::123456789012:role/cognito-sms", ExternalId: "ext-1" };

describe("SMS and email MFA", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;
  const clock = new ManualClock(Math.floor(Date.now() / 30_000) * 30_000 + 15_000);

  function answer(
    challenge: "SMS_MFA" | "EMAIL_OTP",
    session: string | undefined,
    username: string,
    code: string,
  ) {
    return s.sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: challenge,
        Session: session,
        ChallengeResponses: {
          USERNAME: username,
          [challenge === "SMS_MFA" ? "SMS_MFA_CODE" : "EMAIL_OTP_CODE"]: code,
        },
      }),
    );
  }

  async function emailUser(username: string, preferred = true): Promise<void> {
    await confirmedUser(s.sdk, { poolId, clientId, username });
    await s.sdk.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: poolId,
        Username: username,
        EmailMfaSettings: { Enabled: true, PreferredMfa: preferred },
      }),
    );
  }

  beforeAll(async () => {
    s = await startServer({}, { clock });
    // Threat protection on, so that AdminListUserAuthEvents shows the sign-ins' outcomes.
    ({ poolId } = await makePool(s.sdk, {
      SmsConfiguration: SMS_CONFIG,
      UserPoolAddOns: { AdvancedSecurityMode: "AUDIT" },
    }));
    ({ clientId } = await makeClient(s.sdk, poolId));
    await s.sdk.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        MfaConfiguration: "OPTIONAL",
        SoftwareTokenMfaConfiguration: { Enabled: true },
        SmsMfaConfiguration: {
          SmsConfiguration: SMS_CONFIG,
          SmsAuthenticationMessage: "Your MFA code: {####}",
        },
        EmailMfaConfiguration: { Subject: "Sign-in code", Message: "Use {####} to sign in." },
      }),
    );
  });
  afterAll(async () => {
    await s?.close();
  });

  it("EMAIL_OTP: the code by email (CustomMessage_Authentication), a wrong one, the right one", async () => {
    await emailUser("emma");
    const got = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "emma" }));
    expect(got.UserMFASettingList).toEqual(["EMAIL_OTP"]);
    expect(got.PreferredMfaSetting).toBe("EMAIL_OTP");
    expect(got.MFAOptions).toBeUndefined();

    const r = await passwordSignIn(s.sdk, clientId, "emma");
    expect(r.ChallengeName).toBe("EMAIL_OTP");
    expect(r.AuthenticationResult).toBeUndefined();
    expect(r.ChallengeParameters).toEqual({
      CODE_DELIVERY_DELIVERY_MEDIUM: "EMAIL",
      CODE_DELIVERY_DESTINATION: "e***@e***",
    });
    const m = await s.inbox.latest({ username: "emma" });
    expect(m?.triggerSource).toBe("CustomMessage_Authentication");
    expect(m?.medium).toBe("EMAIL");
    expect(m?.subject).toBe("Sign-in code");
    const code = m?.code ?? "";
    expect(m?.body).toBe(`Use ${code} to sign in.`);
    await expectError(
      answer("EMAIL_OTP", r.Session, "emma", otherCode(code)),
      "CodeMismatchException",
      "Invalid code or auth state for the user.",
    );
    const ok = await answer("EMAIL_OTP", r.Session, "emma", code);
    expect(ok.AuthenticationResult?.AccessToken).toBeTruthy();
    // Used once: the same session and code again.
    await expectError(
      answer("EMAIL_OTP", r.Session, "emma", code),
      "NotAuthorizedException",
      "Invalid session for the user, session can only be used once.",
    );
    const events = await s.sdk.send(
      new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: "emma" }),
    );
    const outcomes = (events.AuthEvents ?? [])
      .filter((e) => e.EventType === "SignIn")
      .map((e) => e.EventResponse)
      .sort();
    // The password step (in progress), the wrong code, the right one.
    expect(outcomes).toEqual(["Fail", "InProgress", "Pass"]);
    // The events' order within one instant of the test's clock is not defined: sorted here.
    const steps = (events.AuthEvents ?? [])
      .filter((e) => e.EventType === "SignIn")
      .map(
        (e) =>
          `${e.EventResponse} ${(e.ChallengeResponses ?? []).map((c) => `${c.ChallengeName}:${c.ChallengeResponse}`).join(",")}`,
      )
      .sort();
    expect(steps).toEqual([
      "Fail Password:Success,Mfa:Failure",
      "InProgress Password:Success",
      "Pass Password:Success,Mfa:Success",
    ]);
  });

  it("SMS_MFA: the code by SMS to an unverified number, which the right code verifies", async () => {
    await confirmedUser(s.sdk, {
      poolId,
      clientId,
      username: "sam",
      attributes: { email: "sam@example.com", phone_number: "+14155550123" },
    });
    const first = await passwordSignIn(s.sdk, clientId, "sam");
    const AccessToken = first.AuthenticationResult?.AccessToken ?? "";
    await s.sdk.send(
      new SetUserMFAPreferenceCommand({ AccessToken, SMSMfaSettings: { Enabled: true, PreferredMfa: true } }),
    );
    const me = await s.sdk.send(new GetUserCommand({ AccessToken }));
    expect(me.UserMFASettingList).toEqual(["SMS_MFA"]);
    expect(me.PreferredMfaSetting).toBe("SMS_MFA");
    expect(me.MFAOptions).toEqual([{ DeliveryMedium: "SMS", AttributeName: "phone_number" }]);
    expect(me.UserAttributes?.find((a) => a.Name === "phone_number_verified")?.Value).not.toBe("true");

    const r = await passwordSignIn(s.sdk, clientId, "sam");
    expect(r.ChallengeName).toBe("SMS_MFA");
    expect(r.ChallengeParameters?.CODE_DELIVERY_DELIVERY_MEDIUM).toBe("SMS");
    expect(r.ChallengeParameters?.CODE_DELIVERY_DESTINATION).toMatch(/^\+\*+0123$/);
    const m = await s.inbox.latest({ username: "sam" });
    expect(m?.medium).toBe("SMS");
    expect(m?.destination).toBe("+14155550123");
    expect(m?.body).toBe(`Your MFA code: ${m?.code}`);
    const ok = await answer("SMS_MFA", r.Session, "sam", m?.code ?? "");
    expect(ok.AuthenticationResult?.IdToken).toBeTruthy();
    const after = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "sam" }));
    expect(after.UserAttributes?.find((a) => a.Name === "phone_number_verified")?.Value).toBe("true");
  });

  it("SELECT_MFA_TYPE when several factors are on and none preferred; ANSWER must be offered", async () => {
    await emailUser("sel", false);
    const first = await passwordSignIn(s.sdk, clientId, "sel");
    // Email alone, not preferred: still its challenge.
    expect(first.ChallengeName).toBe("EMAIL_OTP");
    const ok1 = await answer("EMAIL_OTP", first.Session, "sel", await s.inbox.code("sel", poolId));
    const AccessToken = ok1.AuthenticationResult?.AccessToken ?? "";
    const a = await s.sdk.send(new AssociateSoftwareTokenCommand({ AccessToken }));
    await s.sdk.send(
      new VerifySoftwareTokenCommand({ AccessToken, UserCode: totpCode(a.SecretCode ?? "", clock.now()) }),
    );
    await s.sdk.send(
      new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: true } }),
    );
    clock.advance(30_000);

    const r = await passwordSignIn(s.sdk, clientId, "sel");
    expect(r.ChallengeName).toBe("SELECT_MFA_TYPE");
    expect(JSON.parse(r.ChallengeParameters?.MFAS_CAN_CHOOSE ?? "")).toEqual([
      "SOFTWARE_TOKEN_MFA",
      "EMAIL_OTP",
    ]);
    const select = (session: string | undefined, choice: string) =>
      s.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: "SELECT_MFA_TYPE",
          Session: session,
          ChallengeResponses: { USERNAME: "sel", ANSWER: choice },
        }),
      );
    await expectError(select(r.Session, "SMS_MFA"), "InvalidParameterException");
    const chosen = await select(r.Session, "EMAIL_OTP");
    expect(chosen.ChallengeName).toBe("EMAIL_OTP");
    expect(chosen.ChallengeParameters?.CODE_DELIVERY_DELIVERY_MEDIUM).toBe("EMAIL");
    const done = await answer("EMAIL_OTP", chosen.Session, "sel", await s.inbox.code("sel", poolId));
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();

    const again = await passwordSignIn(s.sdk, clientId, "sel");
    const totp = await select(again.Session, "SOFTWARE_TOKEN_MFA");
    expect(totp.ChallengeName).toBe("SOFTWARE_TOKEN_MFA");
  });

  it("the wrong-code limit: the fifth wrong code ends the sign-in, even for the right code after it", async () => {
    await emailUser("lim");
    const r = await passwordSignIn(s.sdk, clientId, "lim");
    const code = await s.inbox.code("lim", poolId);
    for (let i = 0; i < 4; i++) {
      await expectError(answer("EMAIL_OTP", r.Session, "lim", otherCode(code)), "CodeMismatchException");
    }
    const tooMany =
      "Too many invalid credentials attempts. User temporarily locked. Please try again after few seconds.";
    await expectError(
      answer("EMAIL_OTP", r.Session, "lim", otherCode(code)),
      "NotAuthorizedException",
      tooMany,
    );
    await expectError(answer("EMAIL_OTP", r.Session, "lim", code), "NotAuthorizedException", tooMany);
    // The lock-out has begun (five failures): once it ends, a new sign-in works.
    clock.advance(2_000);
    const again = await passwordSignIn(s.sdk, clientId, "lim");
    const ok = await answer("EMAIL_OTP", again.Session, "lim", await s.inbox.code("lim", poolId));
    expect(ok.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("a code a later sign-in superseded is expired; a session past AuthSessionValidity is expired", async () => {
    await emailUser("exp");
    const a = await passwordSignIn(s.sdk, clientId, "exp");
    const codeA = await s.inbox.code("exp", poolId);
    const b = await passwordSignIn(s.sdk, clientId, "exp");
    const codeB = await s.inbox.code("exp", poolId);
    if (codeA !== codeB) {
      await expectError(
        answer("EMAIL_OTP", a.Session, "exp", codeA),
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
      );
    }
    // B's code does not answer A's session either.
    await expectError(answer("EMAIL_OTP", a.Session, "exp", codeB), "ExpiredCodeException");
    clock.advance(3 * 60_000 + 1_000);
    await expectError(
      answer("EMAIL_OTP", b.Session, "exp", codeB),
      "NotAuthorizedException",
      "Invalid session for the user, session is expired.",
    );
  });

  it("email MFA disqualifies email for ForgotPassword (AccountRecoverySettingType)", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "rec" });
    await s.sdk.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: poolId,
        Username: "rec",
        UserAttributes: [{ Name: "email_verified", Value: "true" }],
      }),
    );
    const forgot = () => s.sdk.send(new ForgotPasswordCommand({ ClientId: clientId, Username: "rec" }));
    expect((await forgot()).CodeDeliveryDetails?.DeliveryMedium).toBe("EMAIL");
    await s.sdk.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: poolId,
        Username: "rec",
        EmailMfaSettings: { Enabled: true },
      }),
    );
    await expectError(
      forgot(),
      "InvalidParameterException",
      "Cannot reset password for the user as there is no registered/verified email or phone_number",
    );
  });

  it("preferences: SMS needs a phone_number, email an email; one preferred factor", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "nophone" });
    const set = (settings: Record<string, unknown>) =>
      s.sdk.send(
        new AdminSetUserMFAPreferenceCommand({ UserPoolId: poolId, Username: "nophone", ...settings }),
      );
    await expectError(
      set({ SMSMfaSettings: { Enabled: true } }),
      "InvalidParameterException",
      "User does not have a phone_number set to turn on SMS MFA",
    );
    await expectError(
      set({
        EmailMfaSettings: { Enabled: true, PreferredMfa: true },
        SMSMfaSettings: { PreferredMfa: true },
      }),
      "InvalidParameterException",
    );
    await set({ EmailMfaSettings: { Enabled: true } });
    await set({ SMSMfaSettings: { Enabled: false, PreferredMfa: false } });
    const got = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "nophone" }));
    expect(got.UserMFASettingList).toEqual(["EMAIL_OTP"]);
    expect(got.PreferredMfaSetting).toBeUndefined();
    await set({ EmailMfaSettings: { Enabled: false } });
    const off = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "nophone" }));
    expect(off.UserMFASettingList).toBeUndefined();
  });

  it("boto3: the SMS and email code errors, the wrong-code limit, the preference refusals", async () => {
    await emailUser("bo");
    await confirmedUser(s.sdk, { poolId, clientId, username: "bop" });
    const script = `
import json, sys, urllib.request, boto3
from botocore.exceptions import ClientError
url, pool_id, client_id = sys.argv[1], sys.argv[2], sys.argv[3]
c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1",
                 aws_access_key_id="AKIDTESTCOGNATE", aws_secret_access_key="test-secret-key")
def err(f):
    try:
        f()
    except ClientError as e:
        return e.response["Error"]["Code"] + ": " + e.response["Error"]["Message"]
    return "no error"
def latest(username):
    q = url + "/_dev/messages/latest?username=" + username + "&userPoolId=" + pool_id
    return json.loads(urllib.request.urlopen(q).read())["code"]
def sign_in():
    return c.initiate_auth(ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
                           AuthParameters={"USERNAME": "bo", "PASSWORD": "${PASSWORD}"})
def answer(session, code):
    return c.respond_to_auth_challenge(ClientId=client_id, ChallengeName="EMAIL_OTP", Session=session,
                                       ChallengeResponses={"USERNAME": "bo", "EMAIL_OTP_CODE": code})
first = sign_in()
print(first["ChallengeName"], first["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"])
old = latest("bo")
second = sign_in()
new = latest("bo")
wrong = "000000" if new != "000000" else "000001"
print(err(lambda: answer(second["Session"], wrong)))
if old != new:
    print(err(lambda: answer(first["Session"], old)))
else:
    print("ExpiredCodeException: Invalid code provided, please request a code again.")
print(err(lambda: c.respond_to_auth_challenge(ClientId=client_id, ChallengeName="EMAIL_OTP",
      Session=second["Session"], ChallengeResponses={"USERNAME": "bo"})))
for _ in range(3):
    answer_err = err(lambda: answer(second["Session"], wrong))
print(answer_err)
print(err(lambda: answer(second["Session"], wrong)))
print(err(lambda: answer(second["Session"], new)))
print(err(lambda: c.admin_set_user_mfa_preference(UserPoolId=pool_id, Username="bop",
      SMSMfaSettings={"Enabled": True})))
`;
    const { stdout } = await run("python3", ["-c", script, s.url, poolId, clientId]);
    const tooMany =
      "NotAuthorizedException: Too many invalid credentials attempts. User temporarily locked. Please try again after few seconds.";
    expect(stdout.trim().split("\n")).toEqual([
      "EMAIL_OTP EMAIL",
      "CodeMismatchException: Invalid code or auth state for the user.",
      "ExpiredCodeException: Invalid code provided, please request a code again.",
      "InvalidParameterException: Missing required parameter EMAIL_OTP_CODE",
      "CodeMismatchException: Invalid code or auth state for the user.",
      tooMany,
      tooMany,
      "InvalidParameterException: User does not have a phone_number set to turn on SMS MFA",
    ]);
  });
});
