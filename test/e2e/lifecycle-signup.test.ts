// SignUp through the AWS SDK: password policy, attributes, sign-in names, SecretHash, delivery.
import { createHmac } from "node:crypto";
import {
  AdminGetUserCommand,
  ListUsersCommand,
  SignUpCommand,
  type SignUpCommandInput,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { usernameKey } from "../../src/domain/usernames.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("SignUp", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  const signUp = (input: Partial<SignUpCommandInput> & { ClientId: string }) =>
    s.sdk.send(new SignUpCommand({ Username: "user", Password: PASSWORD, ...input }));

  it("creates an UNCONFIRMED user with a UUID sub and sends a code to the email", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    const r = await signUp({
      ClientId: clientId,
      Username: "bob",
      UserAttributes: [{ Name: "email", Value: "bob@example.org" }],
    });
    expect(r.UserConfirmed).toBe(false);
    expect(r.UserSub).toMatch(UUID);
    expect(r.CodeDeliveryDetails).toEqual({
      AttributeName: "email",
      DeliveryMedium: "EMAIL",
      Destination: "b***@e***",
    });
    const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "bob" }));
    expect(u.UserStatus).toBe("UNCONFIRMED");
    expect(u.UserAttributes).toEqual([
      { Name: "sub", Value: r.UserSub },
      { Name: "email", Value: "bob@example.org" },
      { Name: "email_verified", Value: "false" },
    ]);
    const m = await s.inbox.latest({ username: "bob", userPoolId: poolId });
    expect(m?.triggerSource).toBe("CustomMessage_SignUp");
    expect(m?.code).toMatch(/^\d{6}$/);
    expect(m?.body).toBe(`Your verification code is ${m?.code}. `);
    expect(m?.subject).toBe("Your verification code");
  });

  it("sends no code and no CodeDeliveryDetails when the pool auto-verifies nothing", async () => {
    const { poolId, clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: [] });
    const r = await signUp({
      ClientId: clientId,
      UserAttributes: [{ Name: "email", Value: "x@example.com" }],
    });
    expect(r.CodeDeliveryDetails).toBeUndefined();
    expect(await s.inbox.list({ userPoolId: poolId })).toEqual([]);
  });

  it("prefers SMS when the pool verifies the phone and the user has one", async () => {
    const { clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: ["email", "phone_number"] });
    const r = await signUp({
      ClientId: clientId,
      UserAttributes: [
        { Name: "email", Value: "p@example.com" },
        { Name: "phone_number", Value: "+14155550123" },
      ],
    });
    expect(r.CodeDeliveryDetails).toEqual({
      AttributeName: "phone_number",
      DeliveryMedium: "SMS",
      Destination: "+*******0123",
    });
  });

  it("checks the pool's password policy with Cognito's messages", async () => {
    const { clientId } = await makePool(s.sdk);
    const cases: [string, string][] = [
      ["Sh0rt!", "Password not long enough"],
      ["alllower1!", "Password must have uppercase characters"],
      ["ALLUPPER1!", "Password must have lowercase characters"],
      ["NoNumbers!!", "Password must have numeric characters"],
      ["NoSymbols123", "Password must have symbol characters"],
    ];
    for (const [password, reason] of cases) {
      await expectError(
        signUp({ ClientId: clientId, Username: `u${password.length}${reason.length}`, Password: password }),
        "InvalidPasswordException",
        `Password did not conform with policy: ${reason}`,
      );
    }
  });

  it("honours a custom password policy", async () => {
    const { clientId } = await makePool(s.sdk, {
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireSymbols: false,
          RequireUppercase: false,
          RequireNumbers: false,
        },
      },
    });
    await expectError(
      signUp({ ClientId: clientId, Password: "abcdefghijk" }),
      "InvalidPasswordException",
      "Password did not conform with policy: Password not long enough",
    );
    const r = await signUp({ ClientId: clientId, Password: "abcdefghijkl" });
    expect(r.UserConfirmed).toBe(false);
  });

  it("rejects a taken username with UsernameExistsException", async () => {
    const { clientId } = await makePool(s.sdk);
    await signUp({ ClientId: clientId, Username: "dup" });
    await expectError(
      signUp({ ClientId: clientId, Username: "dup" }),
      "UsernameExistsException",
      "User already exists",
    );
  });

  it("validates attributes against the schema", async () => {
    const { clientId } = await makePool(s.sdk, {
      Schema: [
        {
          Name: "tier",
          AttributeDataType: "String",
          Mutable: true,
          StringAttributeConstraints: { MaxLength: "5" },
        },
        { Name: "given_name", AttributeDataType: "String", Required: true },
      ],
    });
    const base = [{ Name: "given_name", Value: "Ann" }];
    await expectError(
      signUp({
        ClientId: clientId,
        Username: "a1",
        UserAttributes: [{ Name: "email", Value: "x@example.com" }],
      }),
      "InvalidParameterException",
      "Attributes did not conform to the schema: given_name: The attribute is required",
    );
    await expectError(
      signUp({
        ClientId: clientId,
        Username: "a2",
        UserAttributes: [...base, { Name: "email", Value: "not-an-email" }],
      }),
      "InvalidParameterException",
      "Invalid email address format.",
    );
    await expectError(
      signUp({
        ClientId: clientId,
        Username: "a3",
        UserAttributes: [...base, { Name: "phone_number", Value: "555-1234" }],
      }),
      "InvalidParameterException",
      "Invalid phone number format.",
    );
    await expectError(
      signUp({
        ClientId: clientId,
        Username: "a4",
        UserAttributes: [...base, { Name: "custom:nope", Value: "x" }],
      }),
      "InvalidParameterException",
      "Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.",
    );
    await expectError(
      signUp({
        ClientId: clientId,
        Username: "a5",
        UserAttributes: [...base, { Name: "custom:tier", Value: "toolong" }],
      }),
      "InvalidParameterException",
      /custom:tier: String must be no longer than 5 characters/,
    );
    const ok = await signUp({
      ClientId: clientId,
      Username: "a6",
      UserAttributes: [...base, { Name: "custom:tier", Value: "gold" }],
    });
    expect(ok.UserSub).toMatch(UUID);
  });

  it("in a UsernameAttributes pool, the email is the sign-in name and the username a UUID", async () => {
    const { poolId, clientId } = await makePool(s.sdk, { UsernameAttributes: ["email"] });
    await expectError(
      signUp({ ClientId: clientId, Username: "plainname" }),
      "InvalidParameterException",
      "Username should be an email.",
    );
    const r = await signUp({ ClientId: clientId, Username: "carol@example.com" });
    const list = await s.sdk.send(new ListUsersCommand({ UserPoolId: poolId }));
    expect(list.Users?.[0]?.Username).toBe(r.UserSub);
    const byEmail = await s.sdk.send(
      new AdminGetUserCommand({ UserPoolId: poolId, Username: "carol@example.com" }),
    );
    expect(byEmail.Username).toBe(r.UserSub);
    await expectError(
      signUp({ ClientId: clientId, Username: "Carol@Example.com" }),
      "UsernameExistsException",
      "An account with the given email already exists.",
    );
    // Messages are found by the address the user signed up with.
    expect((await s.inbox.latest({ username: "carol@example.com" }))?.username).toBe(r.UserSub);
  });

  it("in an AliasAttributes pool, a username cannot look like an email", async () => {
    const { clientId } = await makePool(s.sdk, { AliasAttributes: ["email"] });
    await expectError(
      signUp({ ClientId: clientId, Username: "dave@example.com" }),
      "InvalidParameterException",
      "Username cannot be of email format, since user pool is configured for email alias.",
    );
  });

  it("enforces SecretHash for clients with a secret", async () => {
    const { clientId, clientSecret } = await makePool(s.sdk, {}, { GenerateSecret: true });
    if (!clientSecret) throw new Error("no secret");
    await expectError(
      signUp({ ClientId: clientId, Username: "erin" }),
      "NotAuthorizedException",
      `Client ${clientId} is configured for secret but secret was not received`,
    );
    await expectError(
      signUp({ ClientId: clientId, Username: "erin", SecretHash: "d3JvbmcK" }),
      "NotAuthorizedException",
      `Unable to verify secret hash for client ${clientId}`,
    );
    const hash = createHmac("sha256", clientSecret).update(`erin${clientId}`).digest("base64");
    const r = await signUp({ ClientId: clientId, Username: "erin", SecretHash: hash });
    expect(r.UserConfirmed).toBe(false);
  });

  it("accepts ValidationData, ClientMetadata, AnalyticsMetadata and UserContextData", async () => {
    const { clientId } = await makePool(s.sdk);
    const r = await signUp({
      ClientId: clientId,
      Username: "frank",
      ValidationData: [{ Name: "captcha", Value: "ok" }],
      ClientMetadata: { source: "test" },
      AnalyticsMetadata: { AnalyticsEndpointId: "endpoint-1" },
      UserContextData: { IpAddress: "203.0.113.9", EncodedData: "ZW5jb2RlZA==" },
    });
    expect(r.UserConfirmed).toBe(false);
  });

  it("answers ResourceNotFoundException for an unknown client", async () => {
    await expectError(
      signUp({ ClientId: "nosuchclient1234567890abcd" }),
      "ResourceNotFoundException",
      "User pool client nosuchclient1234567890abcd does not exist.",
    );
  });

  it("stores a slow salted hash of the password, never the password", async () => {
    const { poolId, clientId } = await makePool(s.sdk);
    await signUp({ ClientId: clientId, Username: "gina" });
    const u = await s.app.deps.store.read.users.get(poolId, usernameKey("gina", true));
    expect(u?.passwordHash).toMatch(/^\$scrypt\$ln=\d+,r=8,p=1\$/);
    expect(u?.passwordHash).not.toContain(PASSWORD);
  });
});
