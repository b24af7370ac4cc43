// PreventUserExistenceErrors: ENABLED — unknown and disabled users get an answer that looks
// like a real one, and nothing is delivered.
import {
  AdminConfirmSignUpCommand,
  AdminDisableUserCommand,
  ConfirmSignUpCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

const EMAIL_MASK = /^[^*@]\*\*\*@[^*@]\*\*\*$/;
const PHONE_MASK = /^\+\*+\d{4}$/;

describe("PreventUserExistenceErrors: ENABLED", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  const resend = (clientId: string, Username: string) =>
    s.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username }));

  it("answers an unknown user like a real one, deterministically, and delivers nothing", async () => {
    const { poolId, clientId } = await makePool(s.sdk, {}, { PreventUserExistenceErrors: "ENABLED" });
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "real",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "real@example.com" }],
      }),
    );
    const before = await s.inbox.list({ userPoolId: poolId });
    const real = await resend(clientId, "real");
    const fake = await resend(clientId, "ghost");
    const again = await resend(clientId, "ghost");
    expect(Object.keys(fake).sort()).toEqual(Object.keys(real).sort());
    expect(Object.keys(fake.CodeDeliveryDetails ?? {}).sort()).toEqual(
      Object.keys(real.CodeDeliveryDetails ?? {}).sort(),
    );
    expect(fake.CodeDeliveryDetails?.DeliveryMedium).toBe("EMAIL");
    expect(fake.CodeDeliveryDetails?.AttributeName).toBe("email");
    expect(real.CodeDeliveryDetails?.Destination).toMatch(EMAIL_MASK);
    expect(fake.CodeDeliveryDetails?.Destination).toMatch(EMAIL_MASK);
    expect(again.CodeDeliveryDetails).toEqual(fake.CodeDeliveryDetails);
    expect(fake.$metadata.httpStatusCode).toBe(real.$metadata.httpStatusCode);
    // Only the real user's resend reached the inbox.
    const after = await s.inbox.list({ userPoolId: poolId });
    expect(after.length).toBe(before.length + 1);
    expect(after.every((m) => m.username === "real")).toBe(true);
  });

  it("masks an email-shaped unknown username as it would a real user's address", async () => {
    const { clientId } = await makePool(
      s.sdk,
      { UsernameAttributes: ["email"] },
      { PreventUserExistenceErrors: "ENABLED" },
    );
    const r = await resend(clientId, "someone@example.net");
    expect(r.CodeDeliveryDetails).toEqual({
      AttributeName: "email",
      DeliveryMedium: "EMAIL",
      Destination: "s***@e***",
    });
  });

  it("uses SMS for a pool that verifies phone numbers", async () => {
    const { clientId } = await makePool(
      s.sdk,
      { AutoVerifiedAttributes: ["phone_number"] },
      { PreventUserExistenceErrors: "ENABLED" },
    );
    const r = await resend(clientId, "nobody");
    expect(r.CodeDeliveryDetails?.DeliveryMedium).toBe("SMS");
    expect(r.CodeDeliveryDetails?.Destination).toMatch(PHONE_MASK);
  });

  it("answers a disabled user with a simulated delivery, and sends nothing", async () => {
    const { poolId, clientId } = await makePool(s.sdk, {}, { PreventUserExistenceErrors: "ENABLED" });
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "off",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "off@example.com" }],
      }),
    );
    await s.sdk.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: "off" }));
    const count = (await s.inbox.list({ userPoolId: poolId })).length;
    const r = await resend(clientId, "off");
    expect(r.CodeDeliveryDetails?.Destination).toMatch(EMAIL_MASK);
    expect((await s.inbox.list({ userPoolId: poolId })).length).toBe(count);
  });

  it("still tells a confirmed user they are confirmed", async () => {
    const { poolId, clientId } = await makePool(s.sdk, {}, { PreventUserExistenceErrors: "ENABLED" });
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "c",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "c@example.com" }],
      }),
    );
    await s.sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: "c" }));
    await expectError(resend(clientId, "c"), "InvalidParameterException", "User is already confirmed.");
  });

  it("counts unknown users against the same per-user limit", async () => {
    const { clientId } = await makePool(s.sdk, {}, { PreventUserExistenceErrors: "ENABLED" });
    for (let i = 0; i < 5; i++) await resend(clientId, "phantom");
    await expectError(
      resend(clientId, "phantom"),
      "LimitExceededException",
      "Attempt limit exceeded, please try after some time.",
    );
  });

  it("ConfirmSignUp for an unknown user looks like a wrong code", async () => {
    const { clientId } = await makePool(s.sdk, {}, { PreventUserExistenceErrors: "ENABLED" });
    await expectError(
      s.sdk.send(
        new ConfirmSignUpCommand({ ClientId: clientId, Username: "ghost", ConfirmationCode: "123456" }),
      ),
      "CodeMismatchException",
      "Invalid verification code provided, please try again.",
    );
  });

  it("ConfirmSignUp counts unknown names against the same per-user limit as real users", async () => {
    const { poolId, clientId } = await makePool(
      s.sdk,
      { UsernameConfiguration: { CaseSensitive: false } },
      { PreventUserExistenceErrors: "ENABLED" },
    );
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "member",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "member@example.com" }],
      }),
    );
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "off",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "off@example.com" }],
      }),
    );
    await s.sdk.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: "off" }));
    const code = await s.inbox.code("member", poolId);
    const wrong = code === "000000" ? "111111" : "000000";
    const confirm = (Username: string) =>
      s.sdk.send(new ConfirmSignUpCommand({ ClientId: clientId, Username, ConfirmationCode: wrong }));
    // A real user, an unknown name and a disabled user get the same answers, call for call:
    // 15 wrong codes, then the limit (Cognito: 15 per hour).
    for (const name of ["member", "nobody", "off"]) {
      for (let i = 0; i < 15; i++) {
        await expectError(
          confirm(name),
          "CodeMismatchException",
          "Invalid verification code provided, please try again.",
        );
      }
      await expectError(
        confirm(name),
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
      );
    }
    // Case-folded like a username (this pool ignores case): the same unknown name, spelt
    // otherwise, shares its count.
    await expectError(confirm("NOBODY"), "LimitExceededException");
  });
});
