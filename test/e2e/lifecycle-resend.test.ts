// ResendConfirmationCode through the AWS SDK: every step of docs/behaviour.md
// "ResendConfirmationCode" and every error of the operation's model list that arises without external services.
import { createHmac } from "node:crypto";
import {
  AdminConfirmSignUpCommand,
  AdminDisableUserCommand,
  ConfirmSignUpCommand,
  ResendConfirmationCodeCommand,
  type ResendConfirmationCodeCommandInput,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/ports/clock.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { distinctCodes } from "../helpers/random.js";
import { startServer, type TestServer } from "../helpers/server.js";

const HOUR = 3600_000;

describe("ResendConfirmationCode", () => {
  let s: TestServer;
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  beforeAll(async () => {
    // Codes that never repeat: "the old code fails" always has an old code to try.
    s = await startServer({ configCacheSeconds: 0 }, { clock, random: distinctCodes() });
  });
  afterAll(() => s.close());

  const resend = (input: Partial<ResendConfirmationCodeCommandInput> & { ClientId: string }) =>
    s.sdk.send(new ResendConfirmationCodeCommand({ Username: "user", ...input }));
  const signUp = (
    clientId: string,
    username: string,
    attrs: Record<string, string> = { email: `${username}@example.com` },
    secretHash?: string,
  ) =>
    s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: username,
        Password: PASSWORD,
        UserAttributes: Object.entries(attrs).map(([Name, Value]) => ({ Name, Value })),
        ...(secretHash ? { SecretHash: secretHash } : {}),
      }),
    );

  it("sends a new code that replaces the old one; the old one then fails as expired", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    await signUp(clientId, "alice");
    const first = await s.inbox.code("alice", poolId);
    const r = await resend({ ClientId: clientId, Username: "alice" });
    expect(r.CodeDeliveryDetails).toEqual({
      AttributeName: "email",
      DeliveryMedium: "EMAIL",
      Destination: "a***@e***",
    });
    const m = await s.inbox.latest({ username: "alice", userPoolId: poolId });
    expect(m?.triggerSource).toBe("CustomMessage_ResendCode");
    expect(m?.clientId).toBe(clientId);
    const second = m?.code ?? "";
    expect(second).toMatch(/^\d{6}$/);
    expect(second).not.toBe(first);
    await expectError(
      s.sdk.send(
        new ConfirmSignUpCommand({ ClientId: clientId, Username: "alice", ConfirmationCode: first }),
      ),
      "ExpiredCodeException",
      "Invalid code provided, please request a code again.",
    );
    await s.sdk.send(
      new ConfirmSignUpCommand({ ClientId: clientId, Username: "alice", ConfirmationCode: second }),
    );
  });

  it("ResourceNotFoundException for an unknown client", async () => {
    await expectError(
      resend({ ClientId: "unknownclientid00000000000" }),
      "ResourceNotFoundException",
      "User pool client unknownclientid00000000000 does not exist.",
    );
  });

  it("NotAuthorizedException when the SecretHash is missing or wrong; accepted when right", async () => {
    const { clientId, clientSecret } = await makePool(s.sdk, {}, { GenerateSecret: true });
    const hash = (u: string) =>
      createHmac("sha256", clientSecret ?? "")
        .update(u + clientId)
        .digest("base64");
    await signUp(clientId, "bob", undefined, hash("bob"));
    await expectError(
      resend({ ClientId: clientId, Username: "bob" }),
      "NotAuthorizedException",
      `Client ${clientId} is configured for secret but secret was not received`,
    );
    await expectError(
      resend({ ClientId: clientId, Username: "bob", SecretHash: hash("bobby") }),
      "NotAuthorizedException",
      `Unable to verify secret hash for client ${clientId}`,
    );
    const r = await resend({ ClientId: clientId, Username: "bob", SecretHash: hash("bob") });
    expect(r.CodeDeliveryDetails?.DeliveryMedium).toBe("EMAIL");
  });

  it("UserNotFoundException for an unknown user (LEGACY)", async () => {
    const { clientId } = await makePool(s.sdk);
    await expectError(
      resend({ ClientId: clientId, Username: "nobody" }),
      "UserNotFoundException",
      "Username/client id combination not found.",
    );
  });

  it("NotAuthorizedException for a disabled user (LEGACY)", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    await signUp(clientId, "dis");
    await s.sdk.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: "dis" }));
    await expectError(
      resend({ ClientId: clientId, Username: "dis" }),
      "NotAuthorizedException",
      "User is disabled.",
    );
  });

  it("InvalidParameterException for a confirmed user", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    await signUp(clientId, "conf");
    await s.sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: "conf" }));
    await expectError(
      resend({ ClientId: clientId, Username: "conf" }),
      "InvalidParameterException",
      "User is already confirmed.",
    );
  });

  it("InvalidParameterException when no auto-verified attribute can take the code", async () => {
    const none = await makePool(s.sdk, { AutoVerifiedAttributes: [] });
    await signUp(none.clientId, "nov");
    await expectError(
      resend({ ClientId: none.clientId, Username: "nov" }),
      "InvalidParameterException",
      "Cannot resend codes. Auto verification not turned on.",
    );
    // The pool verifies phones, the user has only an email.
    const phone = await makePool(s.sdk, { AutoVerifiedAttributes: ["phone_number"] });
    await signUp(phone.clientId, "emailonly");
    await expectError(
      resend({ ClientId: phone.clientId, Username: "emailonly" }),
      "InvalidParameterException",
      "Cannot resend codes. Auto verification not turned on.",
    );
  });

  it("LimitExceededException after 5 resends per user per hour; refusals do not extend the window", async () => {
    const { clientId } = await makePool(s.sdk);
    await signUp(clientId, "lim");
    for (let i = 0; i < 5; i++) await resend({ ClientId: clientId, Username: "lim" });
    await expectError(
      resend({ ClientId: clientId, Username: "lim" }),
      "LimitExceededException",
      "Attempt limit exceeded, please try after some time.",
    );
    // The SDK's standard retries send it three times; none of them counts.
    await expectError(
      s.sdkWithRetries.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "lim" })),
      "LimitExceededException",
    );
    clock.advance(HOUR - 1000);
    await expectError(resend({ ClientId: clientId, Username: "lim" }), "LimitExceededException");
    clock.advance(1001);
    const r = await resend({ ClientId: clientId, Username: "lim" });
    expect(r.CodeDeliveryDetails?.AttributeName).toBe("email");
  });

  it("TooManyRequestsException when the pool's request-rate quota is exceeded", async () => {
    const t = await startServer(
      { limits: { poolRequestsPerSecond: 3 } },
      { clock: new ManualClock(Date.UTC(2026, 5, 2)) },
    );
    try {
      const { clientId } = await makePool(t.sdk);
      await t.sdk.send(
        new SignUpCommand({
          ClientId: clientId,
          Username: "q",
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: "q@example.com" }],
        }),
      );
      await t.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "q" }));
      await t.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "q" }));
      await expectError(
        t.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "q" })),
        "TooManyRequestsException",
      );
    } finally {
      await t.close();
    }
  });

  it("finds the user by alias, by sub and case-insensitively, as the pool allows", async () => {
    // UsernameAttributes: the email is the sign-in name.
    const ua = await makePool(s.sdk, { UsernameAttributes: ["email"] });
    const up = await signUp(ua.clientId, "ua@example.com", {});
    const byEmail = await resend({ ClientId: ua.clientId, Username: "ua@example.com" });
    expect(byEmail.CodeDeliveryDetails?.Destination).toBe("u***@e***");
    const bySub = await resend({ ClientId: ua.clientId, Username: up.UserSub ?? "" });
    expect(bySub.CodeDeliveryDetails?.Destination).toBe("u***@e***");
    // AliasAttributes: an unconfirmed user is not found by an unverified alias.
    const al = await makePool(s.sdk, { AliasAttributes: ["email"] });
    await signUp(al.clientId, "aliased", { email: "aliased@example.com" });
    await expectError(
      resend({ ClientId: al.clientId, Username: "aliased@example.com" }),
      "UserNotFoundException",
    );
    expect(
      (await resend({ ClientId: al.clientId, Username: "aliased" })).CodeDeliveryDetails?.DeliveryMedium,
    ).toBe("EMAIL");
    // Case-insensitive pools fold case.
    const ci = await makePool(s.sdk, { UsernameConfiguration: { CaseSensitive: false } });
    await signUp(ci.clientId, "MixedCase");
    expect(
      (await resend({ ClientId: ci.clientId, Username: "mixedcase" })).CodeDeliveryDetails?.DeliveryMedium,
    ).toBe("EMAIL");
    const cs = await makePool(s.sdk);
    await signUp(cs.clientId, "Exact");
    await expectError(resend({ ClientId: cs.clientId, Username: "exact" }), "UserNotFoundException");
  });

  it("sends SMS to the phone, masked, with the pool's SMS template", async () => {
    const { poolId, clientId } = await makePool(s.sdk, {
      AutoVerifiedAttributes: ["phone_number"],
      VerificationMessageTemplate: { SmsMessage: "Code {####} for {username}" },
    });
    await signUp(clientId, "sms", { phone_number: "+447700900123" });
    const r = await resend({ ClientId: clientId, Username: "sms" });
    expect(r.CodeDeliveryDetails).toEqual({
      AttributeName: "phone_number",
      DeliveryMedium: "SMS",
      Destination: "+********0123",
    });
    const m = await s.inbox.latest({ username: "sms", userPoolId: poolId });
    expect(m?.medium).toBe("SMS");
    expect(m?.subject).toBeNull();
    expect(m?.body).toBe(`Code ${m?.code} for sms`);
  });

  it("renders the pool's email template, and the legacy message fields", async () => {
    const t = await makePool(s.sdk, {
      VerificationMessageTemplate: {
        EmailSubject: "Welcome {username}",
        EmailMessage: "<b>{####}</b> is your code, {username}",
      },
    });
    await signUp(t.clientId, "tmpl");
    await resend({ ClientId: t.clientId, Username: "tmpl" });
    const m = await s.inbox.latest({ username: "tmpl", userPoolId: t.poolId });
    expect(m?.subject).toBe("Welcome tmpl");
    expect(m?.body).toBe(`<b>${m?.code}</b> is your code, tmpl`);
    const legacy = await makePool(s.sdk, {
      EmailVerificationSubject: "Legacy subject",
      EmailVerificationMessage: "Legacy {####}",
    });
    await signUp(legacy.clientId, "leg");
    await resend({ ClientId: legacy.clientId, Username: "leg" });
    const l = await s.inbox.latest({ username: "leg", userPoolId: legacy.poolId });
    expect(l?.subject).toBe("Legacy subject");
    expect(l?.body).toBe(`Legacy ${l?.code}`);
  });

  it("CONFIRM_WITH_LINK sends a link that confirms the user", async () => {
    const { poolId, clientId } = await makePool(s.sdk, {
      VerificationMessageTemplate: {
        DefaultEmailOption: "CONFIRM_WITH_LINK",
        EmailSubjectByLink: "Verify",
        EmailMessageByLink: "Please {##Click to verify##} now",
      },
    });
    await signUp(clientId, "linky");
    const r = await resend({ ClientId: clientId, Username: "linky" });
    expect(r.CodeDeliveryDetails?.DeliveryMedium).toBe("EMAIL");
    const m = await s.inbox.latest({ username: "linky", userPoolId: poolId });
    expect(m?.subject).toBe("Verify");
    const href = /href="([^"]+)"/.exec(m?.body ?? "")?.[1]?.replaceAll("&#38;", "&");
    expect(href).toContain("/confirmUser?");
    expect(m?.body).toMatch(/>Click to verify<\/a> now$/);
    const page = await fetch(href ?? "");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("confirmed");
    await expectError(
      resend({ ClientId: clientId, Username: "linky" }),
      "InvalidParameterException",
      "User is already confirmed.",
    );
  });

  it("records an auth event with UserContextData and AnalyticsMetadata, never ClientMetadata", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    await signUp(clientId, "evt");
    const marker = `metadata-marker-${Date.now()}`;
    await resend({
      ClientId: clientId,
      Username: "evt",
      ClientMetadata: { secretish: marker },
      AnalyticsMetadata: { AnalyticsEndpointId: "pinpoint-endpoint-7" },
      UserContextData: { IpAddress: "198.51.100.23", EncodedData: "Y29udGV4dA==" },
    });
    const events = await s.app.deps.store.read.events.listForUser(poolId, "evt", 10);
    const ev = events.find((e) => e.eventType === "ResendConfirmationCode");
    expect(ev).toMatchObject({
      clientId,
      ipAddress: "198.51.100.23",
      encodedData: "Y29udGV4dA==",
      analyticsEndpointId: "pinpoint-endpoint-7",
    });
    // ClientMetadata is handed to triggers only: it is in no table.
    const everything = await s.dumpTables();
    expect(everything).toContain("pinpoint-endpoint-7");
    expect(everything).not.toContain(marker);
  });
});
