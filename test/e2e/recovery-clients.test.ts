// The password reset through other real clients: boto3 (every refusal, with its wire error),
// amazon-cognito-identity-js (forgotPassword → confirmPassword), Amplify v6 (resetPassword →
// confirmResetPassword), and a reset code delivered by real email (smtp-server in-process).
// Codes come from the dev inbox API, or from the email itself.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  AdminGetUserCommand,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";
import { Amplify } from "aws-amplify";
import { confirmResetPassword, resetPassword } from "aws-amplify/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirmedUser, latestMessage } from "../helpers/accounts.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { passwordSignIn } from "../helpers/signin.js";
import { startSmtpServer, type TestSmtpServer } from "../helpers/smtp.js";

const run = promisify(execFile);
const NEW_PASSWORD = "N3w-Passw0rd!";

/** A clean environment for python: nothing from the machine's AWS setup leaks in. */
function awsEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    AWS_ACCESS_KEY_ID: "AKIDTESTCOGNATE",
    AWS_SECRET_ACCESS_KEY: "test-secret",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

describe("password reset through boto3, identity-js, Amplify v6 and SMTP", () => {
  let s: TestServer;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    s = await startServer({
      email: { smtpUrl: smtp.url(), from: "no-reply@cognate.test" },
      outbox: { baseDelayMs: 40, maxDelayMs: 200, pollMs: 50, maxAttempts: 4, leaseSeconds: 5 },
    });
  });
  afterAll(async () => {
    await s?.close();
    await smtp?.close();
  });

  it("boto3: forgot_password, confirm_forgot_password, admin_reset_user_password and every refusal", async () => {
    const pool = await makePool(s.sdk);
    await confirmedUser(s, pool, "pyuser");
    await confirmedUser(s, pool, "pydisabled");
    await confirmedUser(s, pool, "pylimit");
    const adminOnly = await makePool(s.sdk, {
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: "admin_only", Priority: 1 }] },
    });
    const script = `
import json, sys, urllib.request, boto3
from botocore.exceptions import ClientError
url, client_id, pool_id, admin_only_client = sys.argv[1:5]
c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1")
def latest(name):
    return json.load(urllib.request.urlopen(url + "/_dev/messages/latest?username=" + name + "&userPoolId=" + pool_id))
def err(f, **kw):
    try:
        f(**kw)
        return None
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
out = {}
out["unknown_confirm_first"] = err(c.confirm_forgot_password, ClientId=client_id, Username="pyuser", ConfirmationCode="123456", Password="${NEW_PASSWORD}")
r = c.forgot_password(ClientId=client_id, Username="pyuser", ClientMetadata={"from": "boto3"})
out["forgot"] = r["CodeDeliveryDetails"]
m = latest("pyuser")
out["source"] = m["triggerSource"]
code = m["code"]
wrong = "111111" if code == "000000" else "000000"
out["mismatch"] = err(c.confirm_forgot_password, ClientId=client_id, Username="pyuser", ConfirmationCode=wrong, Password="${NEW_PASSWORD}")
out["policy"] = err(c.confirm_forgot_password, ClientId=client_id, Username="pyuser", ConfirmationCode=code, Password="alllowercase1!")
out["pattern"] = err(c.confirm_forgot_password, ClientId=client_id, Username="pyuser", ConfirmationCode=code, Password="has space1A!")
c.confirm_forgot_password(ClientId=client_id, Username="pyuser", ConfirmationCode=code, Password="${NEW_PASSWORD}")
out["reused"] = err(c.confirm_forgot_password, ClientId=client_id, Username="pyuser", ConfirmationCode=code, Password="${NEW_PASSWORD}")
out["unknown"] = err(c.forgot_password, ClientId=client_id, Username="nobody")
out["unknown_confirm"] = err(c.confirm_forgot_password, ClientId=client_id, Username="nobody", ConfirmationCode="123456", Password="${NEW_PASSWORD}")
c.admin_disable_user(UserPoolId=pool_id, Username="pydisabled")
out["disabled"] = err(c.forgot_password, ClientId=client_id, Username="pydisabled")
out["disabled_confirm"] = err(c.confirm_forgot_password, ClientId=client_id, Username="pydisabled", ConfirmationCode="123456", Password="${NEW_PASSWORD}")
out["disabled_admin"] = err(c.admin_reset_user_password, UserPoolId=pool_id, Username="pydisabled")
c.sign_up(ClientId=client_id, Username="pyunconfirmed", Password="${PASSWORD}", UserAttributes=[{"Name": "email", "Value": "u@example.com"}])
out["no_medium"] = err(c.forgot_password, ClientId=client_id, Username="pyunconfirmed")
out["unconfirmed_admin"] = err(c.admin_reset_user_password, UserPoolId=pool_id, Username="pyunconfirmed")
out["admin_only"] = err(c.forgot_password, ClientId=admin_only_client, Username="anyone")
out["bad_client"] = err(c.forgot_password, ClientId="nosuchclient1234567890abcd", Username="pyuser")
out["unknown_admin"] = err(c.admin_reset_user_password, UserPoolId=pool_id, Username="nobody")
c.admin_reset_user_password(UserPoolId=pool_id, Username="pyuser")
out["status"] = c.admin_get_user(UserPoolId=pool_id, Username="pyuser")["UserStatus"]
for i in range(3):
    c.forgot_password(ClientId=client_id, Username="pyuser")
out["limit"] = err(c.forgot_password, ClientId=client_id, Username="pyuser")
c.forgot_password(ClientId=client_id, Username="pylimit")
code = latest("pylimit")["code"]
wrong = "111111" if code == "000000" else "000000"
out["wrong_codes"] = [err(c.confirm_forgot_password, ClientId=client_id, Username="pylimit", ConfirmationCode=wrong, Password="${NEW_PASSWORD}")[0] for i in range(5)]
out["confirm_limit"] = err(c.confirm_forgot_password, ClientId=client_id, Username="pylimit", ConfirmationCode=code, Password="${NEW_PASSWORD}")
print(json.dumps(out))
`;
    const { stdout } = await run(
      "python3",
      ["-c", script, s.url, pool.clientId, pool.poolId, adminOnly.clientId],
      {
        env: awsEnv(),
      },
    );
    const out = JSON.parse(stdout) as Record<string, unknown>;
    const CODE_MISMATCH = [
      "CodeMismatchException",
      "Invalid verification code provided, please try again.",
      400,
    ];
    const EXPIRED = ["ExpiredCodeException", "Invalid code provided, please request a code again.", 400];
    const LIMIT = ["LimitExceededException", "Attempt limit exceeded, please try after some time.", 400];
    const NO_MEDIUM = [
      "InvalidParameterException",
      "Cannot reset password for the user as there is no registered/verified email or phone_number",
      400,
    ];
    expect(out).toEqual({
      unknown_confirm_first: EXPIRED,
      forgot: { Destination: "p***@e***", DeliveryMedium: "EMAIL", AttributeName: "email" },
      source: "CustomMessage_ForgotPassword",
      mismatch: CODE_MISMATCH,
      policy: [
        "InvalidPasswordException",
        "Password does not conform to policy: Password must have uppercase characters",
        400,
      ],
      pattern: [
        "InvalidParameterException",
        "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\S]+",
        400,
      ],
      reused: EXPIRED,
      unknown: ["UserNotFoundException", "Username/client id combination not found.", 400],
      unknown_confirm: ["UserNotFoundException", "Username/client id combination not found.", 400],
      disabled: ["NotAuthorizedException", "User is disabled.", 400],
      disabled_confirm: ["NotAuthorizedException", "User is disabled.", 400],
      disabled_admin: ["NotAuthorizedException", "User is disabled.", 400],
      no_medium: NO_MEDIUM,
      unconfirmed_admin: [
        "NotAuthorizedException",
        "User password cannot be reset in the current state.",
        400,
      ],
      admin_only: ["NotAuthorizedException", "Contact administrator to reset password.", 400],
      bad_client: [
        "ResourceNotFoundException",
        "User pool client nosuchclient1234567890abcd does not exist.",
        400,
      ],
      unknown_admin: ["UserNotFoundException", "User does not exist.", 400],
      status: "RESET_REQUIRED",
      limit: LIMIT,
      wrong_codes: Array(5).fill("CodeMismatchException"),
      confirm_limit: LIMIT,
    });
  });

  it("amazon-cognito-identity-js: forgotPassword → confirmPassword, then signs in with the new password", async () => {
    const { poolId, clientId } = await makePool(
      s.sdk,
      {},
      { ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] },
    );
    await confirmedUser(s, { poolId, clientId }, "jsuser");
    const before = await passwordHash(poolId, "jsuser");
    const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url });
    const user = new CognitoUser({ Username: "jsuser", Pool: pool });
    const details = await new Promise<unknown>((resolve, reject) =>
      user.forgotPassword(
        {
          onSuccess: () => reject(new Error("expected inputVerificationCode")),
          onFailure: reject,
          inputVerificationCode: resolve,
        },
        { from: "identity-js" },
      ),
    );
    expect(details).toEqual({
      CodeDeliveryDetails: { Destination: "j***@e***", DeliveryMedium: "EMAIL", AttributeName: "email" },
    });
    const code = (await latestMessage(s, "jsuser", poolId)).code ?? "";
    // A wrong code surfaces with Cognito's error name and message.
    const wrong = await new Promise<{ code?: string; message?: string }>((resolve) =>
      user.confirmPassword(code === "000000" ? "111111" : "000000", NEW_PASSWORD, {
        onSuccess: () => resolve({}),
        onFailure: (e) => resolve(e as { code?: string; message?: string }),
      }),
    );
    expect([wrong.code, wrong.message]).toEqual([
      "CodeMismatchException",
      "Invalid verification code provided, please try again.",
    ]);
    const done = await new Promise<string>((resolve, reject) =>
      user.confirmPassword(code, NEW_PASSWORD, { onSuccess: resolve, onFailure: reject }),
    );
    expect(done).toBe("SUCCESS");
    expect(await passwordHash(poolId, "jsuser")).not.toBe(before);
    expect((await passwordSignIn(s.sdk, clientId, "jsuser", NEW_PASSWORD)).AuthenticationResult).toBeTruthy();
    await expectError(passwordSignIn(s.sdk, clientId, "jsuser", PASSWORD), "NotAuthorizedException");
  });

  it("Amplify v6: resetPassword → confirmResetPassword", async () => {
    const { poolId, clientId } = await makePool(
      s.sdk,
      {},
      { ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] },
    );
    await confirmedUser(s, { poolId, clientId }, "ampuser");
    const before = await passwordHash(poolId, "ampuser");
    Amplify.configure({
      Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: s.url } },
    });
    const out = await resetPassword({
      username: "ampuser",
      options: { clientMetadata: { from: "amplify" } },
    });
    expect(out).toEqual({
      isPasswordReset: false,
      nextStep: {
        resetPasswordStep: "CONFIRM_RESET_PASSWORD_WITH_CODE",
        codeDeliveryDetails: { deliveryMedium: "EMAIL", destination: "a***@e***", attributeName: "email" },
      },
    });
    const code = (await latestMessage(s, "ampuser", poolId)).code ?? "";
    await expect(
      confirmResetPassword({
        username: "ampuser",
        confirmationCode: code,
        newPassword: "short",
      }),
    ).rejects.toMatchObject({
      name: "InvalidPasswordException",
      message: "Password does not conform to policy: Password not long enough",
    });
    await confirmResetPassword({ username: "ampuser", confirmationCode: code, newPassword: NEW_PASSWORD });
    await expect(
      confirmResetPassword({ username: "ampuser", confirmationCode: code, newPassword: NEW_PASSWORD }),
    ).rejects.toMatchObject({ name: "ExpiredCodeException" });
    expect(await passwordHash(poolId, "ampuser")).not.toBe(before);
    expect(
      (await passwordSignIn(s.sdk, clientId, "ampuser", NEW_PASSWORD)).AuthenticationResult,
    ).toBeTruthy();
    const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "ampuser" }));
    expect(u.UserStatus).toBe("CONFIRMED");
  });

  it("a reset code by real email: the message arrives over SMTP and its code resets the password", async () => {
    const { poolId, clientId } = await makePool(s.sdk, {
      VerificationMessageTemplate: { EmailSubject: "Reset it", EmailMessage: "Your code: {####}" },
    });
    await confirmedUser(s, { poolId, clientId }, "mailuser", { email: "mailuser@mail.test" });
    await s.sdk.send(new ForgotPasswordCommand({ ClientId: clientId, Username: "mailuser" }));
    // The reset message, as the outbox recorded it; then the same message as the SMTP server got it.
    const sent = await latestMessage(s, "mailuser", poolId);
    expect(sent.triggerSource).toBe("CustomMessage_ForgotPassword");
    const until = Date.now() + 10_000;
    const arrived = () => smtp.to("mailuser@mail.test").find((m) => m.messageId === sent.id);
    while (!arrived()) {
      if (Date.now() > until) throw new Error("no reset email arrived");
      await new Promise((r) => setTimeout(r, 25));
    }
    const mail = arrived();
    expect(mail?.parsed.subject).toBe("Reset it");
    const code = /Your code: (\d{6})/.exec(mail?.parsed.text ?? "")?.[1] ?? "";
    expect(code).toMatch(/^\d{6}$/);
    await s.sdk.send(
      new ConfirmForgotPasswordCommand({
        ClientId: clientId,
        Username: "mailuser",
        ConfirmationCode: code,
        Password: NEW_PASSWORD,
      }),
    );
    const m = await latestMessage(s, "mailuser", poolId);
    expect(m.triggerSource).toBe("CustomMessage_ForgotPassword");
    expect(m.delivery.transport).toBe("smtp");
  });

  const passwordHash = async (poolId: string, username: string) =>
    (
      await s.query("SELECT password_hash FROM users WHERE pool_id = ? AND username = ?", [poolId, username])
    )[0]?.password_hash;
});
