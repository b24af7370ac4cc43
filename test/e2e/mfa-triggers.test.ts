// The MFA codes' CustomMessage trigger (docs/mfa.md): SMS_MFA and EMAIL_OTP codes go out
// under CustomMessage_Authentication, the function's message is the one delivered, and
// RespondToAuthChallenge's ClientMetadata (not InitiateAuth's) reaches it. The function is a
// module function, as the README's trigger example configures one. A code the SMS sandbox
// cannot deliver fails the sign-in.
import {
  AdminSetUserMFAPreferenceCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../helpers/expect.js";
import { PASSWORD } from "../helpers/fixtures.js";
import { clearTriggerCalls, triggerCalls } from "../helpers/lambdaServers.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser } from "../helpers/signin.js";

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:custom-message";
const SMS_CONFIG = { SnsCallerArn: "arn:aws:iam::123456789012:role/cognito-sms", ExternalId: "ext-1" };

describe("MFA codes and the CustomMessage trigger", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;

  beforeAll(async () => {
    s = await startServer({
      configCacheSeconds: 0,
      sms: { sandbox: { enabled: true, verifiedNumbers: ["+14155550177", "+14155550178"] } },
      triggers: {
        functions: { [ARN]: "module:test/fixtures/triggers/handlers.mjs#customMessage" },
        baseDir: process.cwd(),
      },
    });
    const p = await s.sdk.send(
      new CreateUserPoolCommand({
        PoolName: "mfa-triggers",
        SmsConfiguration: SMS_CONFIG,
        LambdaConfig: { CustomMessage: ARN },
      }),
    );
    poolId = p.UserPool?.Id ?? "";
    const c = await s.sdk.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: "app",
        ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      }),
    );
    clientId = c.UserPoolClient?.ClientId ?? "";
    await s.sdk.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        MfaConfiguration: "OPTIONAL",
        SmsMfaConfiguration: { SmsConfiguration: SMS_CONFIG },
        EmailMfaConfiguration: {},
      }),
    );
  });
  afterAll(async () => {
    await s?.close();
  });

  it("SMS_MFA: CustomMessage_Authentication, the function's SMS delivered; no InitiateAuth ClientMetadata", async () => {
    await confirmedUser(s.sdk, {
      poolId,
      clientId,
      username: "tom",
      attributes: { email: "tom@example.com", phone_number: "+14155550177" },
    });
    await s.sdk.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: poolId,
        Username: "tom",
        SMSMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    clearTriggerCalls();
    const r = await s.sdk.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: "tom", PASSWORD },
        ClientMetadata: { template: "fr" },
      }),
    );
    expect(r.ChallengeName).toBe("SMS_MFA");
    const calls = triggerCalls("CustomMessage");
    expect(calls).toHaveLength(1);
    const event = calls[0]?.event as {
      triggerSource: string;
      userName: string;
      request: { codeParameter: string; userAttributes: Record<string, string>; clientMetadata?: unknown };
    };
    expect(event.triggerSource).toBe("CustomMessage_Authentication");
    expect(event.userName).toBe("tom");
    expect(event.request.codeParameter).toBe("{####}");
    expect(event.request.userAttributes.phone_number).toBe("+14155550177");
    expect(event.request.clientMetadata).toBeUndefined();
    const m = await s.inbox.latest({ username: "tom" });
    expect(m?.triggerSource).toBe("CustomMessage_Authentication");
    expect(m?.body).toBe(`Your code: ${m?.code}`);
    const ok = await s.sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: "SMS_MFA",
        Session: r.Session,
        ChallengeResponses: { USERNAME: "tom", SMS_MFA_CODE: m?.code ?? "" },
      }),
    );
    expect(ok.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("EMAIL_OTP chosen with SELECT_MFA_TYPE: the answer's ClientMetadata reaches CustomMessage", async () => {
    await confirmedUser(s.sdk, {
      poolId,
      clientId,
      username: "uma",
      attributes: { email: "uma@example.com", phone_number: "+14155550178" },
    });
    await s.sdk.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: poolId,
        Username: "uma",
        SMSMfaSettings: { Enabled: true },
        EmailMfaSettings: { Enabled: true },
      }),
    );
    const r = await s.sdk.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: "uma", PASSWORD },
      }),
    );
    expect(r.ChallengeName).toBe("SELECT_MFA_TYPE");
    clearTriggerCalls();
    const chosen = await s.sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: "SELECT_MFA_TYPE",
        Session: r.Session,
        ChallengeResponses: { USERNAME: "uma", ANSWER: "EMAIL_OTP" },
        ClientMetadata: { template: "fr" },
      }),
    );
    expect(chosen.ChallengeName).toBe("EMAIL_OTP");
    const event = triggerCalls("CustomMessage")[0]?.event as {
      triggerSource: string;
      request: { clientMetadata?: Record<string, string> };
    };
    expect(event.triggerSource).toBe("CustomMessage_Authentication");
    expect(event.request.clientMetadata).toEqual({ template: "fr" });
    const m = await s.inbox.latest({ username: "uma" });
    expect(m?.subject).toBe("Votre code de confirmation");
    expect(m?.body).toBe(`Bonjour uma@example.com, votre code est ${m?.code}.`);
  });

  it("a code that cannot be delivered (SMS sandbox): InvalidParameterException with the reason, no message", async () => {
    await confirmedUser(s.sdk, {
      poolId,
      clientId,
      username: "vin",
      attributes: { email: "vin@example.com", phone_number: "+14155550199" },
    });
    await s.sdk.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: poolId,
        Username: "vin",
        SMSMfaSettings: { Enabled: true },
      }),
    );
    await expectError(
      s.sdk.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: "vin", PASSWORD },
        }),
      ),
      "InvalidParameterException",
      "Unable to deliver the code: the phone number is not verified and SMS delivery is in sandbox mode.",
    );
    expect((await s.inbox.list({ username: "vin" })).filter((m) => m.medium === "SMS")).toEqual([]);
  });
});
