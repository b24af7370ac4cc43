// The signed-in user's own account through the AWS SDK v3, with access tokens from
// InitiateAuth (USER_PASSWORD_AUTH): ChangePassword, UpdateUserAttributes (codes to a changed
// email, changes that wait for verification), GetUserAttributeVerificationCode,
// VerifyUserAttribute, DeleteUserAttributes, DeleteUser, and their refusals.
import {
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  DeleteUserAttributesCommand,
  DeleteUserCommand,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminView, confirmedUser, latestMessage, toMap, wrongCode } from "../helpers/accounts.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { PASSWORD_FLOWS, passwordSignIn } from "../helpers/signin.js";

const NEW_PASSWORD = "N3w-Passw0rd!";
const FLOWS = { ExplicitAuthFlows: [...PASSWORD_FLOWS] };

describe("self-service with an access token", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  /** A confirmed user (email verified) and an access token for them. */
  async function signedIn(
    pool: { poolId: string; clientId: string },
    username: string,
    attrs?: Record<string, string>,
  ): Promise<string> {
    await confirmedUser(s, pool, username, attrs);
    const r = await passwordSignIn(s.sdk, pool.clientId, username);
    const token = r.AuthenticationResult?.AccessToken;
    if (!token) throw new Error("no access token");
    return token;
  }
  const getUser = async (AccessToken: string) =>
    toMap((await s.sdk.send(new GetUserCommand({ AccessToken }))).UserAttributes);
  const updateAttrs = (AccessToken: string, attrs: Record<string, string>) =>
    s.sdk.send(
      new UpdateUserAttributesCommand({
        AccessToken,
        UserAttributes: Object.entries(attrs).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
  const verify = (AccessToken: string, AttributeName: string, Code: string) =>
    s.sdk.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName, Code }));

  it("ChangePassword: the previous password, the policy, the limit; the session stays", async () => {
    const pool = await makePool(s.sdk, {}, FLOWS);
    const token = await signedIn(pool, "cara");
    const change = (PreviousPassword: string, ProposedPassword: string, AccessToken = token) =>
      s.sdk.send(new ChangePasswordCommand({ AccessToken, PreviousPassword, ProposedPassword }));
    await expectError(
      change("Wr0ng-Password!", NEW_PASSWORD),
      "NotAuthorizedException",
      "Incorrect username or password.",
    );
    await expectError(
      change(PASSWORD, "short"),
      "InvalidPasswordException",
      "Password does not conform to policy: Password not long enough",
    );
    const out = await change(PASSWORD, NEW_PASSWORD);
    expect(Object.keys(out).filter((k) => k !== "$metadata")).toEqual([]);
    await expectError(passwordSignIn(s.sdk, pool.clientId, "cara"), "NotAuthorizedException");
    expect(
      (await passwordSignIn(s.sdk, pool.clientId, "cara", NEW_PASSWORD)).AuthenticationResult,
    ).toBeTruthy();
    // The token used for the change still works.
    expect((await getUser(token)).email).toBe("cara@example.com");
    const events = await s.query("SELECT event_type FROM auth_events WHERE pool_id = ? AND username = ?", [
      pool.poolId,
      "cara",
    ]);
    expect(events.map((e) => e.event_type)).toContain("ChangePassword");
    // Five calls an hour, right or wrong: this is the sixth... after two more.
    await change(NEW_PASSWORD, PASSWORD);
    await expectError(change("Wr0ng-Password!", NEW_PASSWORD), "NotAuthorizedException");
    await expectError(
      change(PASSWORD, NEW_PASSWORD),
      "LimitExceededException",
      "Attempt limit exceeded, please try after some time.",
    );
    await expectError(
      change(PASSWORD, NEW_PASSWORD, "not.a.token"),
      "NotAuthorizedException",
      "Invalid Access Token",
    );
  });

  it("UpdateUserAttributes: other attributes at once, a changed email unverified with a code, verified by VerifyUserAttribute", async () => {
    const pool = await makePool(s.sdk, {}, FLOWS);
    const token = await signedIn(pool, "dina");
    const plain = await updateAttrs(token, { name: "Dina", locale: "de" });
    expect(plain.CodeDeliveryDetailsList).toEqual([]);
    expect(await getUser(token)).toMatchObject({ name: "Dina", locale: "de" });

    const r = await updateAttrs(token, { email: "dina@new.example" });
    expect(r.CodeDeliveryDetailsList).toEqual([
      { Destination: "d***@n***", DeliveryMedium: "EMAIL", AttributeName: "email" },
    ]);
    const m = await latestMessage(s, "dina", pool.poolId);
    expect(m).toMatchObject({
      triggerSource: "CustomMessage_UpdateUserAttribute",
      destination: "dina@new.example",
      clientId: pool.clientId,
    });
    expect(await getUser(token)).toMatchObject({ email: "dina@new.example", email_verified: "false" });
    const code = m.code ?? "";
    await expectError(
      verify(token, "email", wrongCode(code)),
      "CodeMismatchException",
      "Invalid verification code provided, please try again.",
    );
    await expectError(
      verify(token, "phone_number", code),
      "ExpiredCodeException",
      "Invalid code provided, please request a code again.",
    );
    await expectError(
      verify(token, "name", code),
      "InvalidParameterException",
      "Invalid attribute name. Only phone_number and email can be verified.",
    );
    await verify(token, "email", code);
    expect(await getUser(token)).toMatchObject({ email: "dina@new.example", email_verified: "true" });
    await expectError(verify(token, "email", code), "ExpiredCodeException");

    // The same value again: nothing to verify.
    expect((await updateAttrs(token, { email: "dina@new.example" })).CodeDeliveryDetailsList).toEqual([]);
    // What a user may not write.
    await expectError(
      updateAttrs(token, { email_verified: "true" }),
      "NotAuthorizedException",
      "A client attempted to write unauthorized attribute",
    );
    await expectError(
      updateAttrs(token, { "custom:nothere": "x" }),
      "InvalidParameterException",
      "user.custom:nothere: Attribute does not exist in the schema.\n",
    );
    await expectError(
      updateAttrs(token, { sub: "x" }),
      "InvalidParameterException",
      "Cannot modify the non-mutable attribute sub",
    );
    await expectError(
      updateAttrs(token, { email: "nope" }),
      "InvalidParameterException",
      "Invalid email address format.",
    );

    // DeleteUserAttributes.
    await s.sdk.send(new DeleteUserAttributesCommand({ AccessToken: token, UserAttributeNames: ["locale"] }));
    expect((await getUser(token)).locale).toBeUndefined();
    await expectError(
      s.sdk.send(
        new DeleteUserAttributesCommand({ AccessToken: token, UserAttributeNames: ["custom:nothere"] }),
      ),
      "InvalidParameterException",
      "Invalid user attributes: \nuser.custom:nothere: Attribute does not exist in the schema.\n",
    );
  });

  it("a client's WriteAttributes bound what its users may write", async () => {
    const pool = await makePool(s.sdk, {}, { ...FLOWS, WriteAttributes: ["name", "email"] });
    const token = await signedIn(pool, "emil");
    await updateAttrs(token, { name: "Emil" });
    await expectError(
      updateAttrs(token, { locale: "fr" }),
      "NotAuthorizedException",
      "A client attempted to write unauthorized attribute",
    );
    await expectError(
      s.sdk.send(new DeleteUserAttributesCommand({ AccessToken: token, UserAttributeNames: ["locale"] })),
      "NotAuthorizedException",
      "A client attempted to write unauthorized attribute",
    );
  });

  it("AttributesRequireVerificationBeforeUpdate: the old email stays until the new one is verified", async () => {
    const pool = await makePool(
      s.sdk,
      { UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ["email"] } },
      FLOWS,
    );
    const token = await signedIn(pool, "fred");
    const r = await updateAttrs(token, { email: "fred@new.example" });
    expect(r.CodeDeliveryDetailsList?.[0]?.Destination).toBe("f***@n***");
    expect(await getUser(token)).toMatchObject({ email: "fred@example.com", email_verified: "true" });
    // A code on request goes to the pending value too.
    const again = await s.sdk.send(
      new GetUserAttributeVerificationCodeCommand({ AccessToken: token, AttributeName: "email" }),
    );
    expect(again.CodeDeliveryDetails).toEqual({
      Destination: "f***@n***",
      DeliveryMedium: "EMAIL",
      AttributeName: "email",
    });
    const m = await latestMessage(s, "fred", pool.poolId);
    expect(m).toMatchObject({
      triggerSource: "CustomMessage_VerifyUserAttribute",
      destination: "fred@new.example",
    });
    await verify(token, "email", m.code ?? "");
    expect(await getUser(token)).toMatchObject({ email: "fred@new.example", email_verified: "true" });
  });

  it("GetUserAttributeVerificationCode: its refusals and its limit", async () => {
    const pool = await makePool(s.sdk, {}, FLOWS);
    const token = await signedIn(pool, "gina");
    const ask = (AttributeName: string) =>
      s.sdk.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: token, AttributeName }));
    await expectError(
      ask("name"),
      "InvalidParameterException",
      "Invalid attribute name. Only phone_number and email can be verified.",
    );
    await expectError(
      ask("phone_number"),
      "InvalidParameterException",
      "The user has no phone_number to verify.",
    );
    for (let i = 0; i < 5; i++) await ask("email");
    await expectError(
      ask("email"),
      "LimitExceededException",
      "Attempt limit exceeded, please try after some time.",
    );
    // The newest code verifies.
    await verify(token, "email", (await latestMessage(s, "gina", pool.poolId)).code ?? "");
  });

  it("a phone number: the code goes by SMS; VerifyUserAttribute counts its calls (15 an hour)", async () => {
    const pool = await makePool(s.sdk, { AutoVerifiedAttributes: ["email", "phone_number"] }, FLOWS);
    const token = await signedIn(pool, "nora", { email: "nora@example.com" });
    const r = await updateAttrs(token, { phone_number: "+14155550123" });
    expect(r.CodeDeliveryDetailsList).toEqual([
      { Destination: "+*******0123", DeliveryMedium: "SMS", AttributeName: "phone_number" },
    ]);
    const m = await latestMessage(s, "nora", pool.poolId);
    expect(m).toMatchObject({ medium: "SMS", destination: "+14155550123", attributeName: "phone_number" });
    const code = m.code ?? "";
    for (let i = 0; i < 15; i++) {
      await expectError(verify(token, "phone_number", wrongCode(code)), "CodeMismatchException");
    }
    await expectError(
      verify(token, "phone_number", code),
      "LimitExceededException",
      "Attempt limit exceeded, please try after some time.",
    );
    expect((await getUser(token)).phone_number_verified).toBe("false");
  });

  it("two ConfirmForgotPassword calls with the right code at once: exactly one sets its password", async () => {
    const pool = await makePool(s.sdk, {}, FLOWS);
    await confirmedUser(s, pool, "otto");
    await s.sdk.send(new ForgotPasswordCommand({ ClientId: pool.clientId, Username: "otto" }));
    const code = (await latestMessage(s, "otto", pool.poolId)).code ?? "";
    const passwords = ["Fir5t-Password!", "Sec0nd-Password!"];
    const results = await Promise.allSettled(
      passwords.map((Password) =>
        s.sdk.send(
          new ConfirmForgotPasswordCommand({
            ClientId: pool.clientId,
            Username: "otto",
            ConfirmationCode: code,
            Password,
          }),
        ),
      ),
    );
    const won = results.findIndex((r) => r.status === "fulfilled");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results[1 - won];
    expect(lost?.status === "rejected" && (lost.reason as Error).name).toBe("ExpiredCodeException");
    expect(
      (await passwordSignIn(s.sdk, pool.clientId, "otto", passwords[won])).AuthenticationResult,
    ).toBeTruthy();
    await expectError(
      passwordSignIn(s.sdk, pool.clientId, "otto", passwords[1 - won]),
      "NotAuthorizedException",
    );
  });

  it("VerifyUserAttribute refuses an email another user signs in with (AliasAttributes)", async () => {
    const pool = await makePool(s.sdk, { AliasAttributes: ["email"] }, FLOWS);
    await confirmedUser(s, pool, "hugo", { email: "shared@example.com" });
    const token = await signedIn(pool, "ines");
    // Accepted, unverified: the alias is Hugo's until a verification would move it.
    await updateAttrs(token, { email: "shared@example.com" });
    const code = (await latestMessage(s, "ines", pool.poolId)).code ?? "";
    await expectError(
      verify(token, "email", code),
      "AliasExistsException",
      "An account with the email already exists.",
    );
    expect((await adminView(s, pool.poolId, "shared@example.com")).attrs.email_verified).toBe("true");
  });

  it("UpdateUserAttributes in a UsernameAttributes pool refuses another user's email", async () => {
    const pool = await makePool(s.sdk, { UsernameAttributes: ["email"] }, FLOWS);
    await confirmedUser(s, pool, "jo@example.com", {});
    const token = await signedIn(pool, "kim@example.com", {});
    await expectError(
      updateAttrs(token, { email: "jo@example.com" }),
      "AliasExistsException",
      "An account with the given email already exists.",
    );
  });

  it("a password reset keeps existing sessions: the access token still works", async () => {
    const pool = await makePool(s.sdk, {}, FLOWS);
    const token = await signedIn(pool, "mona");
    await s.sdk.send(new ForgotPasswordCommand({ ClientId: pool.clientId, Username: "mona" }));
    const code = (await latestMessage(s, "mona", pool.poolId)).code ?? "";
    await s.sdk.send(
      new ConfirmForgotPasswordCommand({
        ClientId: pool.clientId,
        Username: "mona",
        ConfirmationCode: code,
        Password: NEW_PASSWORD,
      }),
    );
    expect((await getUser(token)).email).toBe("mona@example.com");
    expect(
      (await passwordSignIn(s.sdk, pool.clientId, "mona", NEW_PASSWORD)).AuthenticationResult,
    ).toBeTruthy();
  });

  it("DeleteUser: the user is gone, the token answers that it does not exist", async () => {
    const pool = await makePool(s.sdk, {}, FLOWS);
    const token = await signedIn(pool, "lars");
    const out = await s.sdk.send(new DeleteUserCommand({ AccessToken: token }));
    expect(Object.keys(out).filter((k) => k !== "$metadata")).toEqual([]);
    await expectError(
      s.sdk.send(new GetUserCommand({ AccessToken: token })),
      "UserNotFoundException",
      "User does not exist.",
    );
    await expectError(s.sdk.send(new DeleteUserCommand({ AccessToken: token })), "UserNotFoundException");
    await expectError(passwordSignIn(s.sdk, pool.clientId, "lars"), "UserNotFoundException");
    const rows = await s.query("SELECT * FROM users WHERE pool_id = ?", [pool.poolId]);
    expect(rows).toEqual([]);
  });
});
