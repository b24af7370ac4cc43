// AdminCreateUser, AdminSetUserPassword, AddCustomAttributes and the auth-event operations
// through the AWS SDK v3: temporary passwords, invitations in the dev inbox, RESEND and
// SUPPRESS, aliases, AllowAdminCreateUserOnly, and Cognito's errors.
import {
  AddCustomAttributesCommand,
  AdminCreateUserCommand,
  type AdminCreateUserCommandInput,
  AdminGetUserCommand,
  AdminListUserAuthEventsCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateAuthEventFeedbackCommand,
  DescribeUserPoolCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("admin users", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  const create = (input: Partial<AdminCreateUserCommandInput> & { UserPoolId: string; Username: string }) =>
    s.sdk.send(new AdminCreateUserCommand(input));
  const getUser = (poolId: string, username: string) =>
    s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
  const passwordRow = async (poolId: string, username: string) =>
    (
      await s.query(
        "SELECT password_hash, password_changed_at FROM users WHERE pool_id = ? AND username = ?",
        [poolId, username],
      )
    )[0];

  it("creates a FORCE_CHANGE_PASSWORD user with a generated temporary password and emails the invitation", async () => {
    const { poolId } = await makePool(s.sdk);
    const before = Date.now();
    const r = await create({
      UserPoolId: poolId,
      Username: "diego",
      UserAttributes: [{ Name: "email", Value: "diego@example.com" }],
      DesiredDeliveryMediums: ["EMAIL"],
    });
    expect(r.User?.Username).toBe("diego");
    expect(r.User?.UserStatus).toBe("FORCE_CHANGE_PASSWORD");
    expect(r.User?.Enabled).toBe(true);
    expect(r.User?.Attributes?.[0]?.Name).toBe("sub");
    expect(r.User?.Attributes?.[0]?.Value).toMatch(UUID);
    // No email_verified unless given.
    expect(r.User?.Attributes?.slice(1)).toEqual([{ Name: "email", Value: "diego@example.com" }]);
    expect(r.User?.UserCreateDate?.getTime()).toBeGreaterThanOrEqual(before - 1000);

    const m = await s.inbox.latest({ username: "diego", userPoolId: poolId });
    expect(m?.triggerSource).toBe("CustomMessage_AdminCreateUser");
    expect(m?.medium).toBe("EMAIL");
    expect(m?.destination).toBe("diego@example.com");
    expect(m?.subject).toBe("Your temporary password");
    const temp = m?.code ?? "";
    expect(m?.body).toBe(`Your username is diego and temporary password is ${temp}. `);
    // The default policy: 8+ characters, upper, lower, digit, symbol.
    expect(temp.length).toBeGreaterThanOrEqual(12);
    for (const re of [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/]) expect(temp).toMatch(re);
    // Stored hashed, with the time it was set (the start of its validity window).
    const row = await passwordRow(poolId, "diego");
    expect(String(row?.password_hash)).not.toContain(temp);
    expect(Number(row?.password_changed_at)).toBeGreaterThanOrEqual(before);
    const u = await getUser(poolId, "diego");
    expect(u.UserStatus).toBe("FORCE_CHANGE_PASSWORD");
  });

  it("takes a given TemporaryPassword (checked against the policy with SignUp's prefix)", async () => {
    const { poolId } = await makePool(s.sdk, {
      Policies: { PasswordPolicy: { MinimumLength: 10, RequireSymbols: false } },
    });
    await expectError(
      create({ UserPoolId: poolId, Username: "weak", TemporaryPassword: "Short1a" }),
      "InvalidPasswordException",
      "Password did not conform with policy: Password not long enough",
    );
    await expectError(
      create({ UserPoolId: poolId, Username: "weak", TemporaryPassword: "nouppercase1" }),
      "InvalidPasswordException",
      "Password did not conform with policy: Password must have uppercase characters",
    );
    await create({
      UserPoolId: poolId,
      Username: "given",
      TemporaryPassword: "Given-Passw0rd",
      UserAttributes: [{ Name: "email", Value: "given@example.com" }],
    });
    // No DesiredDeliveryMediums and no phone: the email gets it.
    const m = await s.inbox.latest({ username: "given", userPoolId: poolId });
    expect(m?.code).toBe("Given-Passw0rd");
    expect(m?.medium).toBe("EMAIL");
  });

  it("answers UsernameExistsException, UserNotFoundException and UnsupportedUserStateException", async () => {
    const { poolId, clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: [] });
    await create({ UserPoolId: poolId, Username: "taken", MessageAction: "SUPPRESS" });
    await expectError(
      create({ UserPoolId: poolId, Username: "taken" }),
      "UsernameExistsException",
      "User account already exists",
    );
    await expectError(
      create({ UserPoolId: poolId, Username: "ghost", MessageAction: "RESEND" }),
      "UserNotFoundException",
      "User does not exist.",
    );
    await s.sdk.send(new SignUpCommand({ ClientId: clientId, Username: "self", Password: PASSWORD }));
    await expectError(
      create({ UserPoolId: poolId, Username: "self", MessageAction: "RESEND" }),
      "UnsupportedUserStateException",
      "Resend not possible. self status is not FORCE_CHANGE_PASSWORD",
    );
    await expectError(
      create({ UserPoolId: poolId, Username: "x", UserAttributes: [{ Name: "sub", Value: "abc" }] }),
      "InvalidParameterException",
      "Cannot modify the non-mutable attribute sub",
    );
    await expectError(
      create({
        UserPoolId: poolId,
        Username: "x",
        UserAttributes: [{ Name: "email_verified", Value: "true" }],
      }),
      "InvalidParameterException",
      "Email is required to verify/un-verify an email",
    );
    await expectError(
      create({ UserPoolId: poolId, Username: "x", UserAttributes: [{ Name: "custom:nope", Value: "1" }] }),
      "InvalidParameterException",
      "Attributes did not conform to the schema: Type for attribute {custom:nope} could not be determined",
    );
    await expectError(
      create({
        UserPoolId: poolId,
        Username: "x",
        UserAttributes: [{ Name: "email", Value: "x@example.com" }],
        DesiredDeliveryMediums: ["SMS"],
      }),
      "InvalidParameterException",
      "User has no attribute matching desired delivery mediums",
    );
    await expectError(
      create({ UserPoolId: "us-east-1_nothere00", Username: "x" }),
      "ResourceNotFoundException",
    );
  });

  it("SUPPRESS sends nothing; RESEND sends a new temporary password and restarts its window", async () => {
    const { poolId } = await makePool(s.sdk);
    await create({
      UserPoolId: poolId,
      Username: "quiet",
      UserAttributes: [{ Name: "email", Value: "quiet@example.com" }],
      MessageAction: "SUPPRESS",
      TemporaryPassword: "First-Passw0rd",
    });
    expect(await s.inbox.list({ userPoolId: poolId })).toEqual([]);
    const first = await passwordRow(poolId, "quiet");
    await new Promise((r) => setTimeout(r, 5));
    const r = await create({
      UserPoolId: poolId,
      Username: "quiet",
      MessageAction: "RESEND",
      DesiredDeliveryMediums: ["EMAIL"],
    });
    expect(r.User?.UserStatus).toBe("FORCE_CHANGE_PASSWORD");
    const m = await s.inbox.latest({ username: "quiet", userPoolId: poolId });
    expect(m?.triggerSource).toBe("CustomMessage_AdminCreateUser");
    expect(m?.code).not.toBe("First-Passw0rd");
    const second = await passwordRow(poolId, "quiet");
    expect(second?.password_hash).not.toBe(first?.password_hash);
    expect(Number(second?.password_changed_at)).toBeGreaterThan(Number(first?.password_changed_at));
    // RESEND with a given password uses it.
    await create({
      UserPoolId: poolId,
      Username: "quiet",
      MessageAction: "RESEND",
      TemporaryPassword: "Third-Passw0rd",
    });
    expect((await s.inbox.latest({ username: "quiet", userPoolId: poolId }))?.code).toBe("Third-Passw0rd");
  });

  it("uses the pool's InviteMessageTemplate on email and SMS", async () => {
    const { poolId } = await makePool(s.sdk, {
      AdminCreateUserConfig: {
        InviteMessageTemplate: {
          EmailSubject: "Welcome {username}",
          EmailMessage: "<p>Hi {username}, sign in with {####}</p>",
          SMSMessage: "User {username} code {####}",
        },
      },
    });
    await create({
      UserPoolId: poolId,
      Username: "a<b",
      TemporaryPassword: "Tmp<&>Passw0rd",
      UserAttributes: [
        { Name: "email", Value: "ab@example.com" },
        { Name: "phone_number", Value: "+14155550100" },
      ],
      DesiredDeliveryMediums: ["EMAIL", "SMS"],
    });
    const msgs = await s.inbox.list({ userPoolId: poolId });
    const email = msgs.find((m) => m.medium === "EMAIL");
    const sms = msgs.find((m) => m.medium === "SMS");
    expect(email?.subject).toBe("Welcome a<b");
    // An HTML template gets the username and the password escaped.
    expect(email?.body).toBe("<p>Hi a&#60;b, sign in with Tmp&#60;&#38;&#62;Passw0rd</p>");
    expect(sms?.body).toBe("User a<b code Tmp<&>Passw0rd");
    expect(sms?.destination).toBe("+14155550100");
  });

  it("UsernameAttributes pools: the username is the sub and {username} is the email", async () => {
    const { poolId } = await makePool(s.sdk, { UsernameAttributes: ["email"] });
    await expectError(
      create({ UserPoolId: poolId, Username: "not-an-email" }),
      "InvalidParameterException",
      "Username should be an email.",
    );
    const r = await create({ UserPoolId: poolId, Username: "eve@example.com" });
    expect(r.User?.Username).toMatch(UUID);
    expect(r.User?.Username).toBe(r.User?.Attributes?.[0]?.Value);
    const m = await s.inbox.latest({ userPoolId: poolId });
    expect(m?.body).toBe(`Your username is eve@example.com and temporary password is ${m?.code}. `);
    // Found by the email, and the email is taken.
    expect((await getUser(poolId, "eve@example.com")).UserStatus).toBe("FORCE_CHANGE_PASSWORD");
    await expectError(
      create({ UserPoolId: poolId, Username: "eve@example.com" }),
      "UsernameExistsException",
      "An account with the given email already exists.",
    );
  });

  it("ForceAliasCreation moves a verified email alias; without it the email is refused", async () => {
    const { poolId } = await makePool(s.sdk, { AliasAttributes: ["email"] });
    await expectError(
      create({ UserPoolId: poolId, Username: "a@example.com" }),
      "InvalidParameterException",
      "Username cannot be of email format, since user pool is configured for email alias.",
    );
    const verified = (email: string) => [
      { Name: "email", Value: email },
      { Name: "email_verified", Value: "true" },
    ];
    await create({ UserPoolId: poolId, Username: "first", UserAttributes: verified("same@example.com") });
    expect((await getUser(poolId, "same@example.com")).Username).toBe("first");
    await expectError(
      create({ UserPoolId: poolId, Username: "second", UserAttributes: verified("same@example.com") }),
      "UsernameExistsException",
      "An account with the given email already exists.",
    );
    await expectError(getUser(poolId, "second"), "UserNotFoundException");
    await create({
      UserPoolId: poolId,
      Username: "second",
      UserAttributes: verified("same@example.com"),
      ForceAliasCreation: true,
    });
    expect((await getUser(poolId, "same@example.com")).Username).toBe("second");
    const first = await getUser(poolId, "first");
    expect(first.UserAttributes).toContainEqual({ Name: "email_verified", Value: "false" });
  });

  it("AllowAdminCreateUserOnly: SignUp is refused, AdminCreateUser works", async () => {
    const { poolId, clientId } = await makePool(s.sdk, {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    await expectError(
      s.sdk.send(new SignUpCommand({ ClientId: clientId, Username: "self", Password: PASSWORD })),
      "NotAuthorizedException",
      "SignUp is not permitted for this user pool",
    );
    await create({ UserPoolId: poolId, Username: "byadmin", MessageAction: "SUPPRESS" });
  });

  it("AdminSetUserPassword: Permanent confirms, otherwise FORCE_CHANGE_PASSWORD; the policy; unknown users", async () => {
    const { poolId, clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: [] });
    await s.sdk.send(new SignUpCommand({ ClientId: clientId, Username: "un", Password: PASSWORD }));
    const set = (Password: string, Permanent?: boolean) =>
      s.sdk.send(
        new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: "un", Password, Permanent }),
      );
    const before = await passwordRow(poolId, "un");
    await set("Perm-Passw0rd!", true);
    expect((await getUser(poolId, "un")).UserStatus).toBe("CONFIRMED");
    const after = await passwordRow(poolId, "un");
    expect(after?.password_hash).not.toBe(before?.password_hash);
    const srp = await s.query("SELECT srp_salt, srp_verifier FROM users WHERE pool_id = ? AND username = ?", [
      poolId,
      "un",
    ]);
    expect(srp[0]?.srp_verifier).toBeTruthy();
    await set("Temp-Passw0rd!");
    expect((await getUser(poolId, "un")).UserStatus).toBe("FORCE_CHANGE_PASSWORD");
    await set("Temp-Passw0rd!", false);
    expect((await getUser(poolId, "un")).UserStatus).toBe("FORCE_CHANGE_PASSWORD");
    await expectError(
      set("short"),
      "InvalidPasswordException",
      "Password does not conform to policy: Password not long enough",
    );
    await expectError(
      set("nosymbols0A"),
      "InvalidPasswordException",
      "Password does not conform to policy: Password must have symbol characters",
    );
    await expectError(
      s.sdk.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: poolId,
          Username: "ghost",
          Password: "Perm-Passw0rd!",
        }),
      ),
      "UserNotFoundException",
      "User does not exist.",
    );
    // No message goes out.
    expect(await s.inbox.list({ userPoolId: poolId })).toEqual([]);
  });

  it("AddCustomAttributes extends the schema; duplicates and required ones are refused", async () => {
    const { poolId } = await makePool(s.sdk);
    await s.sdk.send(
      new AddCustomAttributesCommand({
        UserPoolId: poolId,
        CustomAttributes: [
          { Name: "team", AttributeDataType: "String", StringAttributeConstraints: { MaxLength: "10" } },
          { Name: "secret", AttributeDataType: "Number", DeveloperOnlyAttribute: true },
        ],
      }),
    );
    const d = await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    const names = d.UserPool?.SchemaAttributes?.map((a) => a.Name);
    expect(names).toContain("custom:team");
    expect(names).toContain("dev:custom:secret");
    await expectError(
      s.sdk.send(
        new AddCustomAttributesCommand({ UserPoolId: poolId, CustomAttributes: [{ Name: "team" }] }),
      ),
      "InvalidParameterException",
      "custom:team: Existing attribute already has name custom:team.",
    );
    await expectError(
      s.sdk.send(
        new AddCustomAttributesCommand({
          UserPoolId: poolId,
          CustomAttributes: [{ Name: "secret", DeveloperOnlyAttribute: false }],
        }),
      ),
      "InvalidParameterException",
      "custom:secret: Existing attribute already has name dev:custom:secret.",
    );
    await expectError(
      s.sdk.send(
        new AddCustomAttributesCommand({
          UserPoolId: poolId,
          CustomAttributes: [{ Name: "must", Required: true }],
        }),
      ),
      "InvalidParameterException",
      "Required custom attributes are not supported currently.",
    );
    await expectError(
      s.sdk
        .send(
          new AddCustomAttributesCommand({
            UserPoolId: poolId,
            CustomAttributes: Array.from({ length: 25 }, (_, i) => ({ Name: `a${i}` })),
          }),
        )
        .then(() =>
          s.sdk.send(
            new AddCustomAttributesCommand({
              UserPoolId: poolId,
              CustomAttributes: Array.from({ length: 25 }, (_, i) => ({ Name: `b${i}` })),
            }),
          ),
        ),
      "InvalidParameterException",
      "A user pool can have at most 50 custom attributes.",
    );
    await expectError(
      s.sdk.send(
        new AddCustomAttributesCommand({ UserPoolId: poolId, CustomAttributes: [{ Name: "x".repeat(21) }] }),
      ),
      "InvalidParameterException",
    );
    // The new attribute is usable at once; its constraints apply.
    const r = await create({
      UserPoolId: poolId,
      Username: "member",
      MessageAction: "SUPPRESS",
      UserAttributes: [
        { Name: "custom:team", Value: "blue" },
        { Name: "dev:custom:secret", Value: "42" },
      ],
    });
    expect(r.User?.Attributes).toContainEqual({ Name: "custom:team", Value: "blue" });
    await expectError(
      create({
        UserPoolId: poolId,
        Username: "member2",
        UserAttributes: [{ Name: "custom:team", Value: "much-too-long" }],
      }),
      "InvalidParameterException",
      "Attributes did not conform to the schema: custom:team: String must be no longer than 10 characters",
    );
  });

  it("AdminListUserAuthEvents and AdminUpdateAuthEventFeedback need the add-on; events page newest first", async () => {
    const off = await makePool(s.sdk);
    await s.sdk.send(new SignUpCommand({ ClientId: off.clientId, Username: "o", Password: PASSWORD }));
    await expectError(
      s.sdk.send(new AdminListUserAuthEventsCommand({ UserPoolId: off.poolId, Username: "o" })),
      "UserPoolAddOnNotEnabledException",
    );
    const { poolId, clientId } = await makePool(s.sdk, { UserPoolAddOns: { AdvancedSecurityMode: "AUDIT" } });
    await s.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: "ev",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "ev@example.com" }],
        UserContextData: { IpAddress: "203.0.113.9" },
      }),
    );
    for (let i = 0; i < 3; i++) {
      await s.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "ev" }));
    }
    const all = await s.sdk.send(new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: "ev" }));
    expect(all.AuthEvents?.map((e) => e.EventType)).toEqual([
      "ResendCode",
      "ResendCode",
      "ResendCode",
      "SignUp",
    ]);
    const signUp = all.AuthEvents?.[3];
    expect(signUp).toMatchObject({
      EventResponse: "Pass",
      EventRisk: { RiskDecision: "NoRisk", RiskLevel: "Low", CompromisedCredentialsDetected: false },
      EventContextData: { IpAddress: "203.0.113.9" },
    });
    expect(signUp?.EventFeedback).toBeUndefined();
    expect(all.NextToken).toBeUndefined();

    const ids: string[] = [];
    let token: string | undefined;
    do {
      const r = await s.sdk.send(
        new AdminListUserAuthEventsCommand({
          UserPoolId: poolId,
          Username: "ev",
          MaxResults: 3,
          NextToken: token,
        }),
      );
      ids.push(...(r.AuthEvents ?? []).map((e) => e.EventId ?? ""));
      token = r.NextToken;
    } while (token);
    expect(ids).toEqual(all.AuthEvents?.map((e) => e.EventId));

    const eventId = signUp?.EventId ?? "";
    await s.sdk.send(
      new AdminUpdateAuthEventFeedbackCommand({
        UserPoolId: poolId,
        Username: "ev",
        EventId: eventId,
        FeedbackValue: "Invalid",
      }),
    );
    const again = await s.sdk.send(
      new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: "ev" }),
    );
    const fb = again.AuthEvents?.find((e) => e.EventId === eventId)?.EventFeedback;
    expect(fb?.FeedbackValue).toBe("Invalid");
    expect(fb?.Provider).toBe("Admin");
    expect(fb?.FeedbackDate).toBeInstanceOf(Date);
    await expectError(
      s.sdk.send(
        new AdminUpdateAuthEventFeedbackCommand({
          UserPoolId: poolId,
          Username: "ev",
          EventId: "no-such-event",
          FeedbackValue: "Valid",
        }),
      ),
      "ResourceNotFoundException",
    );
    await expectError(
      s.sdk.send(new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: "ghost" })),
      "UserNotFoundException",
      "User does not exist.",
    );
    await expectError(
      s.sdk.send(
        new AdminListUserAuthEventsCommand({ UserPoolId: poolId, Username: "ev", NextToken: "forged" }),
      ),
      "InvalidParameterException",
    );
  });
});
