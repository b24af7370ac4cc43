// ForgotPassword, ConfirmForgotPassword and AdminResetUserPassword through the AWS SDK v3:
// the medium chosen, codes from the dev inbox, their lifetime, supersession and single use,
// the per-user limits, the policy with the reset wording, the status changes, the triggers.
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminResetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  ConfirmForgotPasswordCommand,
  CreateUserPoolClientCommand,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/ports/clock.js";
import { adminView, confirmedUser, latestMessage, wrongCode } from "../helpers/accounts.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { clearTriggerCalls, triggerCalls } from "../helpers/lambdaServers.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { PASSWORD_FLOWS, passwordSignIn } from "../helpers/signin.js";

const MINUTE = 60_000;
const NEW_PASSWORD = "N3w-Passw0rd!";
const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;

describe("password reset through the AWS SDK v3", () => {
  let s: TestServer;
  const clock = new ManualClock(Date.UTC(2026, 7, 1));
  beforeAll(async () => {
    s = await startServer(
      {
        configCacheSeconds: 0,
        triggers: {
          functions: {
            [arn("custom-message")]: "module:test/fixtures/triggers/handlers.mjs#customMessage",
            [arn("post-confirmation")]: "module:test/fixtures/triggers/handlers.mjs#postConfirmation",
          },
          baseDir: process.cwd(),
        },
      },
      { clock },
    );
  });
  afterAll(() => s.close());
  beforeEach(() => clearTriggerCalls());

  const forgot = (clientId: string, Username: string) =>
    s.sdk.send(new ForgotPasswordCommand({ ClientId: clientId, Username }));
  const confirm = (clientId: string, Username: string, ConfirmationCode: string, Password = NEW_PASSWORD) =>
    s.sdk.send(
      new ConfirmForgotPasswordCommand({ ClientId: clientId, Username, ConfirmationCode, Password }),
    );
  const passwordRow = async (poolId: string, username: string) =>
    (
      await s.query(
        "SELECT password_hash, srp_verifier, password_changed_at FROM users WHERE pool_id = ? AND username = ?",
        [poolId, username],
      )
    )[0];

  it("sends a reset code to the verified email and sets the new password with it, once", async () => {
    const pool = await makePool(s.sdk);
    await confirmedUser(s, pool, "rita");
    const before = await passwordRow(pool.poolId, "rita");
    const r = await forgot(pool.clientId, "rita");
    expect(r.CodeDeliveryDetails).toEqual({
      Destination: "r***@e***",
      DeliveryMedium: "EMAIL",
      AttributeName: "email",
    });
    const m = await latestMessage(s, "rita", pool.poolId);
    expect(m.triggerSource).toBe("CustomMessage_ForgotPassword");
    expect(m.destination).toBe("rita@example.com");
    expect(m.subject).toBe("Your verification code");
    expect(m.body).toBe(`Your verification code is ${m.code}. `);
    const code = m.code ?? "";
    // The password is unchanged until the code is used.
    expect(await adminView(s, pool.poolId, "rita")).toMatchObject({ status: "CONFIRMED" });
    await expectError(
      confirm(pool.clientId, "rita", wrongCode(code)),
      "CodeMismatchException",
      "Invalid verification code provided, please try again.",
    );
    // The policy, in the reset wording; the code stays good for another try.
    await expectError(
      confirm(pool.clientId, "rita", code, "Sh0rt!"),
      "InvalidPasswordException",
      "Password does not conform to policy: Password not long enough",
    );
    await expectError(
      confirm(pool.clientId, "rita", code, "nouppercase-1!"),
      "InvalidPasswordException",
      "Password does not conform to policy: Password must have uppercase characters",
    );
    const out = await confirm(pool.clientId, "rita", code);
    expect(Object.keys(out).filter((k) => k !== "$metadata")).toEqual([]);
    const after = await passwordRow(pool.poolId, "rita");
    expect(after?.password_hash).not.toBe(before?.password_hash);
    expect(after?.srp_verifier).not.toBe(before?.srp_verifier);
    expect(Number(after?.password_changed_at)).toBe(clock.now());
    // Single use.
    await expectError(
      confirm(pool.clientId, "rita", code),
      "ExpiredCodeException",
      "Invalid code provided, please request a code again.",
    );
    // The events a later AdminListUserAuthEvents lists.
    const events = await s.query("SELECT event_type FROM auth_events WHERE pool_id = ? AND username = ?", [
      pool.poolId,
      "rita",
    ]);
    expect(events.map((e) => e.event_type)).toEqual(
      expect.arrayContaining(["ForgotPassword", "ConfirmForgotPassword"]),
    );
  });

  it("a new request supersedes the old code; codes live one hour; no code is an expired one", async () => {
    const pool = await makePool(s.sdk);
    await confirmedUser(s, pool, "sam");
    await expectError(
      confirm(pool.clientId, "sam", "123456"),
      "ExpiredCodeException",
      "Invalid code provided, please request a code again.",
    );
    await forgot(pool.clientId, "sam");
    const first = (await latestMessage(s, "sam", pool.poolId)).code ?? "";
    await forgot(pool.clientId, "sam");
    const second = (await latestMessage(s, "sam", pool.poolId)).code ?? "";
    if (first !== second) {
      await expectError(confirm(pool.clientId, "sam", first), "ExpiredCodeException");
    }
    clock.advance(61 * MINUTE);
    await expectError(confirm(pool.clientId, "sam", second), "ExpiredCodeException");
    await forgot(pool.clientId, "sam");
    clock.advance(59 * MINUTE);
    await confirm(pool.clientId, "sam", (await latestMessage(s, "sam", pool.poolId)).code ?? "");
  });

  it("limits reset requests and confirmation attempts per user", async () => {
    const pool = await makePool(s.sdk);
    await confirmedUser(s, pool, "lena");
    for (let i = 0; i < 5; i++) await forgot(pool.clientId, "lena");
    await expectError(
      forgot(pool.clientId, "lena"),
      "LimitExceededException",
      "Attempt limit exceeded, please try after some time.",
    );
    const code = (await latestMessage(s, "lena", pool.poolId)).code ?? "";
    for (let i = 0; i < 5; i++) {
      await expectError(confirm(pool.clientId, "lena", wrongCode(code)), "CodeMismatchException");
    }
    await expectError(
      confirm(pool.clientId, "lena", code),
      "LimitExceededException",
      "Attempt limit exceeded, please try after some time.",
    );
    // The window passes.
    clock.advance(61 * MINUTE);
    await forgot(pool.clientId, "lena");
    await confirm(pool.clientId, "lena", (await latestMessage(s, "lena", pool.poolId)).code ?? "");
  });

  it("LEGACY answers: unknown, disabled, no verified medium, admin_only", async () => {
    const pool = await makePool(s.sdk);
    await expectError(
      forgot(pool.clientId, "ghost"),
      "UserNotFoundException",
      "Username/client id combination not found.",
    );
    await expectError(
      confirm(pool.clientId, "ghost", "123456"),
      "UserNotFoundException",
      "Username/client id combination not found.",
    );
    await confirmedUser(s, pool, "dora");
    await s.sdk.send(new AdminDisableUserCommand({ UserPoolId: pool.poolId, Username: "dora" }));
    await expectError(forgot(pool.clientId, "dora"), "NotAuthorizedException", "User is disabled.");
    await expectError(
      confirm(pool.clientId, "dora", "123456"),
      "NotAuthorizedException",
      "User is disabled.",
    );
    // Unconfirmed: the email is not verified.
    await s.sdk.send(
      new SignUpCommand({
        ClientId: pool.clientId,
        Username: "uma",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "uma@example.com" }],
      }),
    );
    await expectError(
      forgot(pool.clientId, "uma"),
      "InvalidParameterException",
      "Cannot reset password for the user as there is no registered/verified email or phone_number",
    );
    const adminOnly = await makePool(s.sdk, {
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: "admin_only", Priority: 1 }] },
    });
    await confirmedUser(s, adminOnly, "olaf");
    for (const name of ["olaf", "nobody"]) {
      await expectError(
        forgot(adminOnly.clientId, name),
        "NotAuthorizedException",
        "Contact administrator to reset password.",
      );
    }
  });

  it("a user who never set their own password (FORCE_CHANGE_PASSWORD) cannot reset it", async () => {
    const pool = await makePool(s.sdk);
    await s.sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: pool.poolId,
        Username: "tess",
        TemporaryPassword: "Temp-Passw0rd!",
        MessageAction: "SUPPRESS",
        UserAttributes: [
          { Name: "email", Value: "tess@example.com" },
          { Name: "email_verified", Value: "true" },
        ],
      }),
    );
    expect((await adminView(s, pool.poolId, "tess")).status).toBe("FORCE_CHANGE_PASSWORD");
    await expectError(
      forgot(pool.clientId, "tess"),
      "NotAuthorizedException",
      "User password cannot be reset in the current state.",
    );
    await expectError(
      s.sdk.send(new AdminResetUserPasswordCommand({ UserPoolId: pool.poolId, Username: "tess" })),
      "NotAuthorizedException",
      "User password cannot be reset in the current state.",
    );
    // Under PreventUserExistenceErrors: a plausible answer, and nothing sent.
    const protectedClient = await s.sdk.send(
      new CreateUserPoolClientCommand({
        UserPoolId: pool.poolId,
        ClientName: "protected",
        PreventUserExistenceErrors: "ENABLED",
      }),
    );
    const r = await forgot(protectedClient.UserPoolClient?.ClientId ?? "", "tess");
    expect(r.CodeDeliveryDetails).toEqual({
      Destination: expect.stringMatching(/^[a-z]\*\*\*@[a-z]\*\*\*$/),
      DeliveryMedium: "EMAIL",
      AttributeName: "email",
    });
    expect(await s.inbox.list({ userPoolId: pool.poolId, username: "tess" })).toEqual([]);
  });

  it("follows AccountRecoverySetting, and Cognito's legacy order without it", async () => {
    const both = { AutoVerifiedAttributes: ["email", "phone_number"] as ("email" | "phone_number")[] };
    const legacy = await makePool(s.sdk, both);
    const attrs = (n: string) => ({ email: `${n}@example.com`, phone_number: "+14155550100" });
    await confirmedUser(s, legacy, "pia", attrs("pia"));
    // Sign-up verified the phone (the code went by SMS); the email is not verified.
    const r1 = await forgot(legacy.clientId, "pia");
    expect(r1.CodeDeliveryDetails).toEqual({
      Destination: "+*******0100",
      DeliveryMedium: "SMS",
      AttributeName: "phone_number",
    });
    expect((await latestMessage(s, "pia", legacy.poolId)).medium).toBe("SMS");
    const emailFirst = await makePool(s.sdk, {
      ...both,
      AccountRecoverySetting: {
        RecoveryMechanisms: [
          { Name: "verified_email", Priority: 1 },
          { Name: "verified_phone_number", Priority: 2 },
        ],
      },
    });
    await confirmedUser(s, emailFirst, "pia", attrs("pia"));
    // Only the phone is verified: the second mechanism.
    expect((await forgot(emailFirst.clientId, "pia")).CodeDeliveryDetails?.DeliveryMedium).toBe("SMS");
    const emailOnly = await makePool(s.sdk, {
      ...both,
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: "verified_email", Priority: 1 }] },
    });
    await confirmedUser(s, emailOnly, "pia", attrs("pia"));
    await expectError(forgot(emailOnly.clientId, "pia"), "InvalidParameterException");
  });

  it("uses the code form of the template in link mode, and CustomMessage_ForgotPassword", async () => {
    const link = await makePool(s.sdk, {
      VerificationMessageTemplate: { DefaultEmailOption: "CONFIRM_WITH_LINK" },
    });
    await s.sdk.send(
      new SignUpCommand({
        ClientId: link.clientId,
        Username: "lou",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "lou@example.com" }],
      }),
    );
    // Confirmed by an administrator; the email verified by the sign-up link's code.
    const signUp = await latestMessage(s, "lou", link.poolId);
    expect(signUp.body).toContain("confirmUser");
    await fetch(
      `${s.url}/confirmUser?${new URLSearchParams({ client_id: link.clientId, user_name: "lou", confirmation_code: signUp.code ?? "" })}`,
    );
    await forgot(link.clientId, "lou");
    const m = await latestMessage(s, "lou", link.poolId);
    expect(m.body).toBe(`Your verification code is ${m.code}. `);
    expect(m.subject).toBe("Your verification code");

    const custom = await makePool(s.sdk, {
      LambdaConfig: { CustomMessage: arn("custom-message"), PostConfirmation: arn("post-confirmation") },
    });
    await confirmedUser(s, custom, "cleo");
    clearTriggerCalls();
    await s.sdk.send(
      new ForgotPasswordCommand({ ClientId: custom.clientId, Username: "cleo", ClientMetadata: { k: "v" } }),
    );
    const [call] = triggerCalls("CustomMessage");
    expect(call?.event).toMatchObject({
      triggerSource: "CustomMessage_ForgotPassword",
      userName: "cleo",
      callerContext: { clientId: custom.clientId },
      request: {
        codeParameter: "{####}",
        clientMetadata: { k: "v" },
        userAttributes: { email_verified: "true" },
      },
    });
    const m2 = await latestMessage(s, "cleo", custom.poolId);
    expect(m2.body).toBe(`Hello cleo, your code is ${m2.code}.`);
    await s.sdk.send(
      new ConfirmForgotPasswordCommand({
        ClientId: custom.clientId,
        Username: "cleo",
        ConfirmationCode: m2.code ?? "",
        Password: NEW_PASSWORD,
        ClientMetadata: { from: "test" },
      }),
    );
    const post = triggerCalls("PostConfirmation");
    expect(post.map((c) => c.event.triggerSource)).toEqual(["PostConfirmation_ConfirmForgotPassword"]);
    expect(post[0]?.event).toMatchObject({
      request: { clientMetadata: { from: "test" }, userAttributes: { "cognito:user_status": "CONFIRMED" } },
    });
  });

  it("CustomMessage_UpdateUserAttribute and CustomMessage_VerifyUserAttribute, with the new value", async () => {
    const pool = await makePool(
      s.sdk,
      { LambdaConfig: { CustomMessage: arn("custom-message") } },
      { ExplicitAuthFlows: [...PASSWORD_FLOWS] },
    );
    await confirmedUser(s, pool, "vera");
    const token =
      (await passwordSignIn(s.sdk, pool.clientId, "vera")).AuthenticationResult?.AccessToken ?? "";
    clearTriggerCalls();
    await s.sdk.send(
      new UpdateUserAttributesCommand({
        AccessToken: token,
        UserAttributes: [{ Name: "email", Value: "vera@new.example" }],
        ClientMetadata: { step: "update" },
      }),
    );
    await s.sdk.send(
      new GetUserAttributeVerificationCodeCommand({
        AccessToken: token,
        AttributeName: "email",
        ClientMetadata: { step: "verify" },
      }),
    );
    await s.sdk.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: pool.poolId,
        Username: "vera",
        UserAttributes: [{ Name: "email", Value: "vera@admin.example" }],
      }),
    );
    const calls = triggerCalls("CustomMessage").map((c) => c.event);
    expect(calls.map((e) => e.triggerSource)).toEqual([
      "CustomMessage_UpdateUserAttribute",
      "CustomMessage_VerifyUserAttribute",
      "CustomMessage_UpdateUserAttribute",
    ]);
    expect(calls[0]).toMatchObject({
      userName: "vera",
      callerContext: { clientId: pool.clientId },
      request: {
        codeParameter: "{####}",
        clientMetadata: { step: "update" },
        userAttributes: { email: "vera@new.example", email_verified: "false" },
      },
    });
    expect(calls[1]).toMatchObject({ request: { clientMetadata: { step: "verify" } } });
    expect(calls[2]).toMatchObject({ callerContext: { clientId: "CLIENT_ID_NOT_APPLICABLE" } });
    const m = await latestMessage(s, "vera", pool.poolId);
    expect(m.body).toBe(`Hello vera, your code is ${m.code}.`);
    expect(m.destination).toBe("vera@admin.example");
  });

  it("AdminResetUserPassword: RESET_REQUIRED, a code, then CONFIRMED with the new password", async () => {
    const pool = await makePool(s.sdk);
    await confirmedUser(s, pool, "ada");
    const out = await s.sdk.send(
      new AdminResetUserPasswordCommand({ UserPoolId: pool.poolId, Username: "ada" }),
    );
    expect(Object.keys(out).filter((k) => k !== "$metadata")).toEqual([]);
    expect((await adminView(s, pool.poolId, "ada")).status).toBe("RESET_REQUIRED");
    const m = await latestMessage(s, "ada", pool.poolId);
    expect(m.triggerSource).toBe("CustomMessage_ForgotPassword");
    expect(m.clientId).toBeNull();
    await confirm(pool.clientId, "ada", m.code ?? "");
    expect((await adminView(s, pool.poolId, "ada")).status).toBe("CONFIRMED");

    // Its refusals.
    const reset = (Username: string) =>
      s.sdk.send(new AdminResetUserPasswordCommand({ UserPoolId: pool.poolId, Username }));
    await expectError(reset("nobody"), "UserNotFoundException", "User does not exist.");
    await s.sdk.send(
      new SignUpCommand({
        ClientId: pool.clientId,
        Username: "ulla",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "ulla@example.com" }],
      }),
    );
    await expectError(
      reset("ulla"),
      "NotAuthorizedException",
      "User password cannot be reset in the current state.",
    );
    await confirmedUser(s, pool, "dirk");
    await s.sdk.send(new AdminDisableUserCommand({ UserPoolId: pool.poolId, Username: "dirk" }));
    await expectError(reset("dirk"), "NotAuthorizedException", "User is disabled.");
    await expectError(
      s.sdk.send(new AdminResetUserPasswordCommand({ UserPoolId: "us-east-1_nothere1", Username: "ada" })),
      "ResourceNotFoundException",
      "User pool us-east-1_nothere1 does not exist.",
    );
  });
});
