// AdminCreateUser and the admin operations through other real parts: boto3, the pool's
// triggers (PreSignUp_AdminCreateUser, CustomMessage_AdminCreateUser, CustomEmailSender_
// AdminCreateUser with a raw AES dev key, run by the module invoker), and an invitation
// delivered over SMTP.
import { randomBytes } from "node:crypto";
import { AdminCreateUserCommand, AdminGetUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectError } from "../helpers/expect.js";
import { makePool } from "../helpers/fixtures.js";
import { clearTriggerCalls, triggerCalls } from "../helpers/lambdaServers.js";
import { runPython } from "../helpers/python.js";
import { type DevMessage, startServer, type TestServer } from "../helpers/server.js";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp.js";

const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const RAW_KEY_ID = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-dev0-4000-8000-0000000000a1";
const RAW_KEY = randomBytes(32);
// The fixture handler decrypts with this key, like a deployed function with its keyring.
process.env.COGNATE_TEST_SENDER_KEY = RAW_KEY.toString("base64");

async function delivered(s: TestServer, filter: Record<string, string>): Promise<DevMessage> {
  const until = Date.now() + 10_000;
  for (;;) {
    const m = await s.inbox.latest(filter);
    if (m && m.delivery.status === "sent") return m;
    if (Date.now() > until)
      throw new Error(`no sent message for ${JSON.stringify(filter)}: ${JSON.stringify(m)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function lastCall(name: string) {
  const c = triggerCalls(name).at(-1);
  if (!c) throw new Error(`no ${name} call`);
  return c;
}

describe("admin users through other clients and parts", () => {
  let s: TestServer;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    const functions: Record<string, string> = {};
    for (const [fn, exp] of [
      ["pre-signup", "preSignUp"],
      ["custom-message", "customMessage"],
      ["email-sender", "customEmailSender"],
    ]) {
      functions[arn(fn ?? "")] = `module:test/fixtures/triggers/handlers.mjs#${exp}`;
    }
    s = await startServer(
      {
        configCacheSeconds: 0,
        triggers: {
          baseDir: process.cwd(),
          functions,
          customSenderKeys: {
            [RAW_KEY_ID]: {
              rawAesKeyBase64: RAW_KEY.toString("base64"),
              keyName: "cognate-dev-key",
              keyNamespace: "cognate",
            },
          },
        },
      },
      { outbox: { baseDelayMs: 20, maxDelayMs: 50, pollMs: 50, maxAttempts: 3 } },
    );
  });
  afterAll(async () => {
    await s.close();
    await smtp.close();
  });
  beforeEach(() => clearTriggerCalls());

  it("PreSignUp_AdminCreateUser gets the attributes, ValidationData and ClientMetadata; its refusal creates nothing", async () => {
    const { poolId } = await makePool(s.sdk, { LambdaConfig: { PreSignUp: arn("pre-signup") } });
    await s.sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: "pat",
        UserAttributes: [
          { Name: "email", Value: "pat@example.com" },
          { Name: "email_verified", Value: "true" },
        ],
        ValidationData: [{ Name: "autoConfirm", Value: "yes" }],
        ClientMetadata: { source: "admin" },
        MessageAction: "SUPPRESS",
      }),
    );
    const event = lastCall("PreSignUp").event as Record<string, unknown>;
    expect(event.triggerSource).toBe("PreSignUp_AdminCreateUser");
    expect(event.userName).toBe("pat");
    expect((event.callerContext as Record<string, unknown>).clientId).toBe("CLIENT_ID_NOT_APPLICABLE");
    expect(event.request).toMatchObject({
      userAttributes: { email: "pat@example.com" },
      validationData: { autoConfirm: "yes" },
      clientMetadata: { source: "admin" },
    });
    // autoConfirmUser is ignored for admin-created users.
    const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "pat" }));
    expect(u.UserStatus).toBe("FORCE_CHANGE_PASSWORD");

    await expectError(
      s.sdk.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: "blocked",
          UserAttributes: [{ Name: "email", Value: "x@blocked.example" }],
        }),
      ),
      "UserLambdaValidationException",
      "PreSignUp failed with error Sign-ups from blocked.example are not allowed.",
    );
    await expectError(
      s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "blocked" })),
      "UserNotFoundException",
    );
  });

  it("CustomMessage_AdminCreateUser rewrites the invitation; a rewrite without {username} is refused", async () => {
    const { poolId } = await makePool(s.sdk, { LambdaConfig: { CustomMessage: arn("custom-message") } });
    await s.sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: "cm",
        UserAttributes: [{ Name: "email", Value: "cm@example.com" }],
        DesiredDeliveryMediums: ["EMAIL"],
        TemporaryPassword: "Temp-Passw0rd!",
      }),
    );
    const event = lastCall("CustomMessage").event as Record<string, unknown>;
    expect(event.triggerSource).toBe("CustomMessage_AdminCreateUser");
    expect(event.request).toMatchObject({ codeParameter: "{####}", usernameParameter: "{username}" });
    expect((event.callerContext as Record<string, unknown>).clientId).toBe("CLIENT_ID_NOT_APPLICABLE");
    const m = await s.inbox.latest({ username: "cm", userPoolId: poolId });
    expect(m?.subject).toBe(`Invitation to ${poolId}`);
    expect(m?.body).toBe("Welcome cm, your password is Temp-Passw0rd!");

    await expectError(
      s.sdk.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: "cm2",
          UserAttributes: [{ Name: "email", Value: "cm2@example.com" }],
          ClientMetadata: { template: "no-username" },
        }),
      ),
      "InvalidLambdaResponseException",
      "Invalid lambda function output : emailMessage must contain the username parameter {username}",
    );
  });

  it("CustomEmailSender_AdminCreateUser receives the temporary password encrypted", async () => {
    const { poolId } = await makePool(s.sdk, {
      LambdaConfig: {
        CustomEmailSender: { LambdaVersion: "V1_0", LambdaArn: arn("email-sender") },
        KMSKeyID: RAW_KEY_ID,
      },
    });
    await s.sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: "snd",
        UserAttributes: [{ Name: "email", Value: "snd@example.com" }],
        TemporaryPassword: "Sender-Passw0rd!",
        ClientMetadata: { k: "v" },
      }),
    );
    const m = await delivered(s, { username: "snd", userPoolId: poolId });
    expect(m.triggerSource).toBe("CustomEmailSender_AdminCreateUser");
    const call = lastCall("CustomEmailSender");
    const event = call.event as Record<string, unknown>;
    expect(event.triggerSource).toBe("CustomEmailSender_AdminCreateUser");
    expect((event.request as Record<string, unknown>).clientMetadata).toEqual({ k: "v" });
    expect(call.decrypted).toBe("Sender-Passw0rd!");
    expect(String((event.request as Record<string, unknown>).code)).not.toContain("Sender-Passw0rd!");
  });

  it("the invitation arrives over SMTP", async () => {
    const mailer = await startServer({ email: { smtpUrl: smtp.url(), from: "no-reply@cognate.test" } });
    try {
      const { poolId } = await makePool(mailer.sdk);
      await mailer.sdk.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: "mailed",
          UserAttributes: [{ Name: "email", Value: "mailed@example.com" }],
          DesiredDeliveryMediums: ["EMAIL"],
        }),
      );
      await smtp.waitFor(1);
      const [mail] = smtp.to("mailed@example.com");
      const record = await mailer.inbox.latest({ username: "mailed", userPoolId: poolId });
      expect(mail?.parsed.subject).toBe("Your temporary password");
      expect(mail?.parsed.text?.trim()).toBe(
        `Your username is mailed and temporary password is ${record?.code}.`,
      );
    } finally {
      await mailer.close();
    }
  });

  it("an invitation that cannot be delivered leaves the user created: CodeDeliveryFailureException", async () => {
    const sandboxed = await startServer({
      sms: { sandbox: { enabled: true, verifiedNumbers: ["+14155550111"] } },
      email: { allowedSourceArns: ["arn:aws:ses:*:123456789012:identity/*@example.org"] },
    });
    try {
      const { poolId } = await makePool(sandboxed.sdk);
      await expectError(
        sandboxed.sdk.send(
          new AdminCreateUserCommand({
            UserPoolId: poolId,
            Username: "unreachable",
            UserAttributes: [{ Name: "phone_number", Value: "+14155550999" }],
            DesiredDeliveryMediums: ["SMS"],
          }),
        ),
        "CodeDeliveryFailureException",
        /^Unable to deliver the code: /,
      );
      const u = await sandboxed.sdk.send(
        new AdminGetUserCommand({ UserPoolId: poolId, Username: "unreachable" }),
      );
      expect(u.UserStatus).toBe("FORCE_CHANGE_PASSWORD");
      // An email identity the pool may not use: a delivery failure too (AdminCreateUser has no
      // InvalidEmailRoleAccessPolicyException in its model).
      const { poolId: sesPool } = await makePool(sandboxed.sdk, {
        EmailConfiguration: {
          EmailSendingAccount: "COGNITO_DEFAULT",
          SourceArn: "arn:aws:ses:us-east-1:123456789012:identity/someone@elsewhere.test",
        },
      });
      await expectError(
        sandboxed.sdk.send(
          new AdminCreateUserCommand({
            UserPoolId: sesPool,
            Username: "noidentity",
            UserAttributes: [{ Name: "email", Value: "n@example.com" }],
            DesiredDeliveryMediums: ["EMAIL"],
          }),
        ),
        "CodeDeliveryFailureException",
        "Amazon Cognito is not allowed to use the email identity arn:aws:ses:us-east-1:123456789012:identity/someone@elsewhere.test.",
      );
      const n = await sandboxed.sdk.send(
        new AdminGetUserCommand({ UserPoolId: sesPool, Username: "noidentity" }),
      );
      expect(n.UserStatus).toBe("FORCE_CHANGE_PASSWORD");
    } finally {
      await sandboxed.close();
    }
  });

  it("boto3: admin_create_user, admin_set_user_password, add_custom_attributes, auth events, with errors", async () => {
    const { poolId } = await makePool(s.sdk, { UserPoolAddOns: { AdvancedSecurityMode: "AUDIT" } });
    const script = `
import json, sys, urllib.request, boto3
from botocore.exceptions import ClientError
url, pool = sys.argv[1], sys.argv[2]
c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1")
out = {}
def err(f):
    try:
        f()
        return None
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"]]
c.add_custom_attributes(UserPoolId=pool, CustomAttributes=[{"Name": "tier", "AttributeDataType": "String"}])
u = c.admin_create_user(UserPoolId=pool, Username="py", TemporaryPassword="Py-Temp-Passw0rd",
    UserAttributes=[{"Name": "email", "Value": "py@example.com"}, {"Name": "custom:tier", "Value": "gold"}],
    DesiredDeliveryMediums=["EMAIL"])["User"]
out["created"] = [u["Username"], u["UserStatus"], u["Enabled"], type(u["UserCreateDate"]).__name__,
    [a["Name"] for a in u["Attributes"]]]
latest = json.load(urllib.request.urlopen(url + "/_dev/messages/latest?username=py&userPoolId=" + pool))
out["invite"] = [latest["code"], latest["subject"]]
out["exists"] = err(lambda: c.admin_create_user(UserPoolId=pool, Username="py"))
out["weak"] = err(lambda: c.admin_create_user(UserPoolId=pool, Username="py2", TemporaryPassword="weak"))
out["resend_unknown"] = err(lambda: c.admin_create_user(UserPoolId=pool, Username="nobody", MessageAction="RESEND"))
out["dup_attr"] = err(lambda: c.add_custom_attributes(UserPoolId=pool, CustomAttributes=[{"Name": "tier"}]))
out["set_weak"] = err(lambda: c.admin_set_user_password(UserPoolId=pool, Username="py", Password="weak", Permanent=True))
c.admin_set_user_password(UserPoolId=pool, Username="py", Password="Py-Perm-Passw0rd", Permanent=True)
out["status"] = c.admin_get_user(UserPoolId=pool, Username="py")["UserStatus"]
out["resend_confirmed"] = err(lambda: c.admin_create_user(UserPoolId=pool, Username="py", MessageAction="RESEND"))
out["events"] = c.admin_list_user_auth_events(UserPoolId=pool, Username="py")["AuthEvents"]
out["feedback_unknown_user"] = err(lambda: c.admin_update_auth_event_feedback(UserPoolId=pool, Username="nobody", EventId="e1", FeedbackValue="Valid"))
print(json.dumps(out))
`;
    const out = await runPython(script, [s.url, poolId]);
    expect(out.created).toEqual([
      "py",
      "FORCE_CHANGE_PASSWORD",
      true,
      "datetime",
      ["sub", "email", "custom:tier"],
    ]);
    expect(out.invite).toEqual(["Py-Temp-Passw0rd", "Your temporary password"]);
    expect(out.exists).toEqual(["UsernameExistsException", "User account already exists"]);
    expect(out.weak).toEqual([
      "InvalidPasswordException",
      "Password did not conform with policy: Password not long enough",
    ]);
    expect(out.resend_unknown).toEqual(["UserNotFoundException", "User does not exist."]);
    expect(out.dup_attr).toEqual([
      "InvalidParameterException",
      "custom:tier: Existing attribute already has name custom:tier.",
    ]);
    expect(out.set_weak).toEqual([
      "InvalidPasswordException",
      "Password does not conform to policy: Password not long enough",
    ]);
    expect(out.status).toBe("CONFIRMED");
    expect(out.resend_confirmed).toEqual([
      "UnsupportedUserStateException",
      "Resend not possible. py status is not FORCE_CHANGE_PASSWORD",
    ]);
    expect(out.events).toEqual([]);
    expect(out.feedback_unknown_user).toEqual(["UserNotFoundException", "User does not exist."]);
  });
});
