// The control plane through the real AWS SDK v3: user pools, app clients, and the read side
// of users (AdminGetUser, ListUsers, AdminDeleteUser), with Cognito's errors and messages.
import {
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  paginateListUserPools,
  paginateListUsers,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
  type UserType,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { rawCall, startServer, type TestServer } from "../helpers/server.js";

const POOL_ID = /^us-east-1_[0-9a-zA-Z]{9}$/;
const CLIENT_ID = /^[a-z0-9]{26}$/;
const SECRET = "averylongsecretvaluewithtwentyfourplus";

function attr(user: UserType | undefined, name: string) {
  return user?.Attributes?.find((a) => a.Name === name)?.Value;
}

/** Epoch seconds close to now (the SDK turns the wire's numbers into Dates). */
function expectRecent(d: Date | undefined, before: number): void {
  expect(d).toBeInstanceOf(Date);
  const t = d?.getTime() ?? 0;
  expect(t).toBeGreaterThanOrEqual(before - 1000);
  expect(t).toBeLessThanOrEqual(Date.now() + 1000);
}

describe("control plane through the AWS SDK", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  describe("CreateUserPool / DescribeUserPool", () => {
    it("creates a pool with Cognito-shaped ids, dates and defaults", async () => {
      const before = Date.now();
      const r = await s.sdk.send(new CreateUserPoolCommand({ PoolName: "defaults" }));
      const p = r.UserPool;
      expect(p?.Id).toMatch(POOL_ID);
      expect(p?.Name).toBe("defaults");
      expect(p?.Arn).toBe(`arn:aws:cognito-idp:us-east-1:000000000000:userpool/${p?.Id}`);
      expectRecent(p?.CreationDate, before);
      expect(p?.LastModifiedDate?.getTime()).toBe(p?.CreationDate?.getTime());
      expect(p?.EstimatedNumberOfUsers).toBe(0);
      expect(p?.MfaConfiguration).toBe("OFF");
      expect(p?.DeletionProtection).toBe("INACTIVE");
      expect(p?.Policies?.PasswordPolicy).toMatchObject({
        MinimumLength: 8,
        RequireUppercase: true,
        RequireLowercase: true,
        RequireNumbers: true,
        RequireSymbols: true,
        TemporaryPasswordValidityDays: 7,
      });
      expect(p?.EmailConfiguration?.EmailSendingAccount).toBe("COGNITO_DEFAULT");
      expect(p?.AdminCreateUserConfig?.AllowAdminCreateUserOnly).toBe(false);
      expect(p?.AutoVerifiedAttributes).toBeUndefined();
      expect(p?.UsernameAttributes).toBeUndefined();
      const names = (p?.SchemaAttributes ?? []).map((a) => a.Name);
      for (const n of [
        "sub",
        "email",
        "email_verified",
        "phone_number",
        "phone_number_verified",
        "updated_at",
      ]) {
        expect(names).toContain(n);
      }
      expect(p?.SchemaAttributes?.find((a) => a.Name === "sub")).toMatchObject({
        Required: true,
        Mutable: false,
      });

      // Describe answers the same pool.
      const d = await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: p?.Id }));
      expect(d.UserPool).toEqual(p);
    });

    it("sends dates as epoch seconds (numbers) on the wire", async () => {
      const { poolId } = await makePool(s.sdk);
      const a = await rawCall(s.url, "DescribeUserPool", { UserPoolId: poolId });
      const pool = a.json?.UserPool as { CreationDate: unknown; LastModifiedDate: unknown };
      expect(typeof pool.CreationDate).toBe("number");
      expect(Math.abs((pool.CreationDate as number) - Date.now() / 1000)).toBeLessThan(60);
      expect(typeof pool.LastModifiedDate).toBe("number");
    });

    it("keeps every setting it is given", async () => {
      const r = await s.sdk.send(
        new CreateUserPoolCommand({
          PoolName: "full",
          AutoVerifiedAttributes: ["email", "phone_number"],
          UsernameAttributes: ["email"],
          UsernameConfiguration: { CaseSensitive: false },
          MfaConfiguration: "OPTIONAL",
          DeletionProtection: "ACTIVE",
          Policies: { PasswordPolicy: { MinimumLength: 12, RequireSymbols: false } },
          LambdaConfig: { CustomMessage: "arn:aws:lambda:us-east-1:000000000000:function:msg" },
          VerificationMessageTemplate: {
            DefaultEmailOption: "CONFIRM_WITH_CODE",
            EmailMessage: "Code {####}",
            EmailSubject: "Welcome",
            SmsMessage: "Code {####}",
          },
          UserPoolTags: { team: "identity" },
          Schema: [{ Name: "team", AttributeDataType: "String", Mutable: true }],
          UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ["email"] },
        }),
      );
      const d = (await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: r.UserPool?.Id }))).UserPool;
      expect(d?.AutoVerifiedAttributes).toEqual(["email", "phone_number"]);
      expect(d?.UsernameAttributes).toEqual(["email"]);
      expect(d?.UsernameConfiguration).toEqual({ CaseSensitive: false });
      expect(d?.MfaConfiguration).toBe("OPTIONAL");
      expect(d?.DeletionProtection).toBe("ACTIVE");
      expect(d?.Policies?.PasswordPolicy).toMatchObject({ MinimumLength: 12, RequireSymbols: false });
      expect(d?.LambdaConfig).toEqual({
        CustomMessage: "arn:aws:lambda:us-east-1:000000000000:function:msg",
      });
      expect(d?.VerificationMessageTemplate).toMatchObject({
        EmailMessage: "Code {####}",
        EmailSubject: "Welcome",
      });
      // The legacy members mirror the template.
      expect(d?.EmailVerificationMessage).toBe("Code {####}");
      expect(d?.SmsVerificationMessage).toBe("Code {####}");
      expect(d?.UserPoolTags).toEqual({ team: "identity" });
      expect(d?.SchemaAttributes?.find((a) => a.Name === "custom:team")).toMatchObject({
        AttributeDataType: "String",
        Mutable: true,
        Required: false,
      });
      expect(d?.UserAttributeUpdateSettings).toEqual({
        AttributesRequireVerificationBeforeUpdate: ["email"],
      });
    });

    it("refuses contradictory settings with InvalidParameterException", async () => {
      await expectError(
        s.sdk.send(
          new CreateUserPoolCommand({
            PoolName: "x",
            UsernameAttributes: ["email"],
            AliasAttributes: ["phone_number"],
          }),
        ),
        "InvalidParameterException",
        "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.",
      );
      await expectError(
        s.sdk.send(
          new CreateUserPoolCommand({
            PoolName: "x",
            UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ["email"] },
          }),
        ),
        "InvalidParameterException",
        "All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes",
      );
      await expectError(
        s.sdk.send(new CreateUserPoolCommand({ PoolName: "x", Schema: [{ AttributeDataType: "String" }] })),
        "InvalidParameterException",
        "Every attribute in Schema needs a Name.",
      );
      await expectError(
        s.sdk.send(new CreateUserPoolCommand({ PoolName: "x", Schema: [{ Name: "sub", Mutable: true }] })),
        "InvalidParameterException",
        "sub attribute cannot be modified.",
      );
      await expectError(
        s.sdk.send(new CreateUserPoolCommand({ PoolName: "" })),
        "InvalidParameterException",
        /^2 validation errors detected: Value '' at 'poolName' failed to satisfy constraint: Member must have length greater than or equal to 1/,
      );
    });

    it("an unknown pool is ResourceNotFoundException with Cognito's message", async () => {
      await expectError(
        s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: "us-east-1_doesnotexist" })),
        "ResourceNotFoundException",
        "User pool us-east-1_doesnotexist does not exist.",
      );
    });

    it("counts the pool's users in EstimatedNumberOfUsers", async () => {
      const { poolId, clientId } = await makePool(s.sdk);
      for (const u of ["n1", "n2", "n3"]) {
        await s.sdk.send(
          new SignUpCommand({
            ClientId: clientId,
            Username: u,
            Password: PASSWORD,
            UserAttributes: [{ Name: "email", Value: `${u}@example.com` }],
          }),
        );
      }
      const d = await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
      expect(d.UserPool?.EstimatedNumberOfUsers).toBe(3);
    });
  });

  describe("UpdateUserPool", () => {
    it("replaces the updatable settings: what is not sent goes back to its default", async () => {
      const created = await s.sdk.send(
        new CreateUserPoolCommand({
          PoolName: "before",
          AutoVerifiedAttributes: ["email"],
          AliasAttributes: ["email", "preferred_username"],
          MfaConfiguration: "OPTIONAL",
          DeletionProtection: "ACTIVE",
          LambdaConfig: { PreSignUp: "arn:aws:lambda:us-east-1:000000000000:function:pre" },
          Policies: { PasswordPolicy: { MinimumLength: 20 } },
          VerificationMessageTemplate: { EmailMessage: "Old {####}" },
          Schema: [{ Name: "tier", AttributeDataType: "Number" }],
        }),
      );
      const id = created.UserPool?.Id;
      const before = Date.now();
      await new Promise((r) => setTimeout(r, 20));
      await s.sdk.send(
        new UpdateUserPoolCommand({ UserPoolId: id, Policies: { PasswordPolicy: { MinimumLength: 10 } } }),
      );
      const d = (await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool;
      // Reset to defaults.
      expect(d?.AutoVerifiedAttributes).toBeUndefined();
      expect(d?.MfaConfiguration).toBe("OFF");
      expect(d?.DeletionProtection).toBe("INACTIVE");
      expect(d?.LambdaConfig).toEqual({});
      expect(d?.VerificationMessageTemplate?.EmailMessage).toBeUndefined();
      expect(d?.EmailVerificationMessage).toBeUndefined();
      // What was sent, with defaults for the members it left out.
      expect(d?.Policies?.PasswordPolicy).toMatchObject({ MinimumLength: 10, RequireUppercase: true });
      // Creation-only settings and the name stay.
      expect(d?.Name).toBe("before");
      expect(d?.AliasAttributes).toEqual(["email", "preferred_username"]);
      expect(d?.SchemaAttributes?.some((a) => a.Name === "custom:tier")).toBe(true);
      expect(d?.CreationDate).toEqual(created.UserPool?.CreationDate);
      expectRecent(d?.LastModifiedDate, before);
      expect(d?.LastModifiedDate?.getTime()).toBeGreaterThan(
        created.UserPool?.LastModifiedDate?.getTime() ?? 0,
      );
    });

    it("renames the pool when PoolName is sent", async () => {
      const { poolId } = await makePool(s.sdk);
      await s.sdk.send(new UpdateUserPoolCommand({ UserPoolId: poolId, PoolName: "renamed" }));
      expect((await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool?.Name).toBe(
        "renamed",
      );
    });

    it("keeps the attribute-update settings when not sent, and checks them against the reset", async () => {
      const created = await s.sdk.send(
        new CreateUserPoolCommand({
          PoolName: "pending-updates",
          AutoVerifiedAttributes: ["email"],
          UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ["email"] },
        }),
      );
      const id = created.UserPool?.Id;
      await expectError(
        s.sdk.send(new UpdateUserPoolCommand({ UserPoolId: id, DeletionProtection: "INACTIVE" })),
        "InvalidParameterException",
        "All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes",
      );
      await s.sdk.send(
        new UpdateUserPoolCommand({
          UserPoolId: id,
          AutoVerifiedAttributes: ["email"],
          MfaConfiguration: "OFF",
        }),
      );
      const d = (await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool;
      expect(d?.UserAttributeUpdateSettings).toEqual({
        AttributesRequireVerificationBeforeUpdate: ["email"],
      });
      await s.sdk.send(
        new UpdateUserPoolCommand({
          UserPoolId: id,
          UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: [] },
        }),
      );
      const after = (await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool;
      expect(after?.UserAttributeUpdateSettings).toEqual({ AttributesRequireVerificationBeforeUpdate: [] });
      expect(after?.AutoVerifiedAttributes).toBeUndefined();
    });

    it("takes effect at once for the pool's operations (no stale cache)", async () => {
      const { poolId, clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: ["email"] });
      await s.sdk.send(
        new SignUpCommand({
          ClientId: clientId,
          Username: "cache1",
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: "cache1@example.com" }],
        }),
      );
      // Turning auto-verification off (by omission) makes a resend impossible.
      await s.sdk.send(new UpdateUserPoolCommand({ UserPoolId: poolId }));
      await expectError(
        s.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "cache1" })),
        "InvalidParameterException",
        "Cannot resend codes. Auto verification not turned on.",
      );
    });

    it("an unknown pool is ResourceNotFoundException", async () => {
      await expectError(
        s.sdk.send(new UpdateUserPoolCommand({ UserPoolId: "us-east-1_nopool123" })),
        "ResourceNotFoundException",
        "User pool us-east-1_nopool123 does not exist.",
      );
    });
  });

  describe("DeleteUserPool", () => {
    it("deletes the pool with its clients and users", async () => {
      const { poolId, clientId } = await makePool(s.sdk);
      await s.sdk.send(
        new SignUpCommand({
          ClientId: clientId,
          Username: "gone",
          Password: PASSWORD,
          UserAttributes: [{ Name: "email", Value: "gone@example.com" }],
        }),
      );
      await s.sdk.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
      await expectError(
        s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: poolId })),
        "ResourceNotFoundException",
        `User pool ${poolId} does not exist.`,
      );
      await expectError(
        s.sdk.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId })),
        "ResourceNotFoundException",
      );
      await expectError(
        s.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "gone" })),
        "ResourceNotFoundException",
        `User pool client ${clientId} does not exist.`,
      );
      await expectError(
        s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "gone" })),
        "ResourceNotFoundException",
        `User pool ${poolId} does not exist.`,
      );
      await expectError(
        s.sdk.send(new DeleteUserPoolCommand({ UserPoolId: poolId })),
        "ResourceNotFoundException",
        `User pool ${poolId} does not exist.`,
      );
    });

    it("refuses while DeletionProtection is ACTIVE, and deletes once it is INACTIVE", async () => {
      const { poolId } = await makePool(s.sdk, { DeletionProtection: "ACTIVE" });
      await expectError(
        s.sdk.send(new DeleteUserPoolCommand({ UserPoolId: poolId })),
        "InvalidParameterException",
        "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.",
      );
      expect((await s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool?.Id).toBe(
        poolId,
      );
      await s.sdk.send(new UpdateUserPoolCommand({ UserPoolId: poolId, DeletionProtection: "INACTIVE" }));
      await s.sdk.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
      await expectError(
        s.sdk.send(new DescribeUserPoolCommand({ UserPoolId: poolId })),
        "ResourceNotFoundException",
      );
    });
  });

  describe("CreateUserPoolClient / DescribeUserPoolClient", () => {
    it("creates a client without a secret by default, with Cognito-shaped id and defaults", async () => {
      const { poolId } = await makePool(s.sdk);
      const before = Date.now();
      const c = (await s.sdk.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "web" })))
        .UserPoolClient;
      expect(c?.ClientId).toMatch(CLIENT_ID);
      expect(c?.UserPoolId).toBe(poolId);
      expect(c?.ClientName).toBe("web");
      expect(c?.ClientSecret).toBeUndefined();
      expectRecent(c?.CreationDate, before);
      expect(c?.PreventUserExistenceErrors).toBe("LEGACY");
      expect(c?.ExplicitAuthFlows).toEqual([
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_CUSTOM_AUTH",
      ]);
      expect(c?.RefreshTokenValidity).toBe(30);
      expect(c?.EnableTokenRevocation).toBe(true);
      const d = await s.sdk.send(
        new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: c?.ClientId }),
      );
      expect(d.UserPoolClient).toEqual(c);
    });

    it("generates a secret on request and Describe returns it", async () => {
      const { poolId } = await makePool(s.sdk);
      const c = (
        await s.sdk.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: "backend",
            GenerateSecret: true,
          }),
        )
      ).UserPoolClient;
      expect(c?.ClientSecret).toMatch(/^[a-z0-9]{51}$/);
      const d = await s.sdk.send(
        new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: c?.ClientId }),
      );
      expect(d.UserPoolClient?.ClientSecret).toBe(c?.ClientSecret);
      // Each client gets its own id and secret.
      const c2 = (
        await s.sdk.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: "backend",
            GenerateSecret: true,
          }),
        )
      ).UserPoolClient;
      expect(c2?.ClientId).not.toBe(c?.ClientId);
      expect(c2?.ClientSecret).not.toBe(c?.ClientSecret);
    });

    it("accepts a client secret of the caller's choosing", async () => {
      const { poolId } = await makePool(s.sdk);
      const c = (
        await s.sdk.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: "fixed",
            GenerateSecret: true,
            ClientSecret: SECRET,
          }),
        )
      ).UserPoolClient;
      expect(c?.ClientSecret).toBe(SECRET);
      await expectError(
        s.sdk.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: "fixed",
            GenerateSecret: false,
            ClientSecret: SECRET,
          }),
        ),
        "InvalidParameterException",
      );
      // The secret is sensitive: a bad one is not echoed.
      const bad = await rawCall(s.url, "CreateUserPoolClient", {
        UserPoolId: poolId,
        ClientName: "fixed",
        GenerateSecret: true,
        ClientSecret: "too-short!",
      });
      expect(bad.json?.__type).toBe("InvalidParameterException");
      expect(bad.text).not.toContain("too-short!");
    });

    it("keeps the settings it is given", async () => {
      const { poolId } = await makePool(s.sdk);
      const c = (
        await s.sdk.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: "custom",
            ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            PreventUserExistenceErrors: "ENABLED",
            ReadAttributes: ["email", "name"],
            WriteAttributes: ["name"],
            AccessTokenValidity: 2,
            IdTokenValidity: 30,
            RefreshTokenValidity: 10,
            TokenValidityUnits: { IdToken: "minutes" },
            AuthSessionValidity: 10,
          }),
        )
      ).UserPoolClient;
      const d = (
        await s.sdk.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: c?.ClientId }))
      ).UserPoolClient;
      expect(d).toMatchObject({
        ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        PreventUserExistenceErrors: "ENABLED",
        ReadAttributes: ["email", "name"],
        WriteAttributes: ["name"],
        AccessTokenValidity: 2,
        IdTokenValidity: 30,
        RefreshTokenValidity: 10,
        TokenValidityUnits: { AccessToken: "hours", IdToken: "minutes", RefreshToken: "days" },
        AuthSessionValidity: 10,
      });
    });

    it("refuses token validities out of range", async () => {
      const { poolId } = await makePool(s.sdk);
      await expectError(
        s.sdk.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: "bad",
            AccessTokenValidity: 2,
            TokenValidityUnits: { AccessToken: "days" },
          }),
        ),
        "InvalidParameterException",
      );
    });

    it("an unknown pool or client is ResourceNotFoundException with Cognito's messages", async () => {
      await expectError(
        s.sdk.send(new CreateUserPoolClientCommand({ UserPoolId: "us-east-1_nopool999", ClientName: "x" })),
        "ResourceNotFoundException",
        "User pool us-east-1_nopool999 does not exist.",
      );
      const { poolId } = await makePool(s.sdk);
      await expectError(
        s.sdk.send(
          new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: "nosuchclient1234567890abcd" }),
        ),
        "ResourceNotFoundException",
        "User pool client nosuchclient1234567890abcd does not exist.",
      );
      // A client is only found through its own pool.
      const other = await makePool(s.sdk);
      await expectError(
        s.sdk.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: other.clientId })),
        "ResourceNotFoundException",
        `User pool client ${other.clientId} does not exist.`,
      );
    });
  });

  describe("UpdateUserPoolClient", () => {
    it("replaces the settings, resetting what is not sent; keeps id, secret and creation date", async () => {
      const { poolId } = await makePool(s.sdk);
      const c = (
        await s.sdk.send(
          new CreateUserPoolClientCommand({
            UserPoolId: poolId,
            ClientName: "before",
            GenerateSecret: true,
            ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            PreventUserExistenceErrors: "ENABLED",
            ReadAttributes: ["email"],
            RefreshTokenValidity: 5,
          }),
        )
      ).UserPoolClient;
      await new Promise((r) => setTimeout(r, 20));
      const u = (
        await s.sdk.send(
          new UpdateUserPoolClientCommand({ UserPoolId: poolId, ClientId: c?.ClientId, ClientName: "after" }),
        )
      ).UserPoolClient;
      expect(u?.ClientId).toBe(c?.ClientId);
      expect(u?.ClientName).toBe("after");
      expect(u?.ClientSecret).toBe(c?.ClientSecret);
      expect(u?.CreationDate).toEqual(c?.CreationDate);
      expect(u?.LastModifiedDate?.getTime()).toBeGreaterThan(c?.LastModifiedDate?.getTime() ?? 0);
      expect(u?.ExplicitAuthFlows).toEqual([
        "ALLOW_REFRESH_TOKEN_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_CUSTOM_AUTH",
      ]);
      expect(u?.PreventUserExistenceErrors).toBe("LEGACY");
      expect(u?.ReadAttributes).toBeUndefined();
      expect(u?.RefreshTokenValidity).toBe(30);
      const d = await s.sdk.send(
        new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: c?.ClientId }),
      );
      expect(d.UserPoolClient).toEqual(u);
    });

    it("takes effect at once for public operations", async () => {
      const { poolId, clientId } = await makePool(s.sdk);
      await expectError(
        s.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "ghost" })),
        "UserNotFoundException",
        "Username/client id combination not found.",
      );
      await s.sdk.send(
        new UpdateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientId: clientId,
          PreventUserExistenceErrors: "ENABLED",
        }),
      );
      const r = await s.sdk.send(
        new ResendConfirmationCodeCommand({ ClientId: clientId, Username: "ghost" }),
      );
      expect(r.CodeDeliveryDetails?.DeliveryMedium).toBeDefined();
    });

    it("an unknown client, or one of another pool, is ResourceNotFoundException", async () => {
      const a = await makePool(s.sdk);
      const b = await makePool(s.sdk);
      await expectError(
        s.sdk.send(
          new UpdateUserPoolClientCommand({ UserPoolId: a.poolId, ClientId: b.clientId, ClientName: "x" }),
        ),
        "ResourceNotFoundException",
        `User pool client ${b.clientId} does not exist.`,
      );
      const still = await s.sdk.send(
        new DescribeUserPoolClientCommand({ UserPoolId: b.poolId, ClientId: b.clientId }),
      );
      expect(still.UserPoolClient?.ClientName).toBe("test-client");
    });
  });

  describe("DeleteUserPoolClient / ListUserPoolClients", () => {
    it("lists a pool's clients (no secrets), page by page", async () => {
      const { poolId, clientId } = await makePool(s.sdk);
      const ids = [clientId];
      for (const n of ["b", "c"]) {
        const c = await s.sdk.send(
          new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: n, GenerateSecret: true }),
        );
        ids.push(c.UserPoolClient?.ClientId ?? "");
      }
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const r = await s.sdk.send(
          new ListUserPoolClientsCommand({ UserPoolId: poolId, MaxResults: 2, NextToken: token }),
        );
        pages++;
        expect(r.UserPoolClients?.length).toBeLessThanOrEqual(2);
        for (const c of r.UserPoolClients ?? []) {
          expect(Object.keys(c).sort()).toEqual(["ClientId", "ClientName", "UserPoolId"]);
          expect(c.UserPoolId).toBe(poolId);
          seen.push(c.ClientId ?? "");
        }
        token = r.NextToken;
      } while (token);
      expect(pages).toBe(2);
      expect([...seen].sort()).toEqual([...ids].sort());
      const all = await s.sdk.send(new ListUserPoolClientsCommand({ UserPoolId: poolId }));
      expect(all.UserPoolClients).toHaveLength(3);
      expect(all.NextToken).toBeUndefined();
    });

    it("deletes a client; a second delete or another pool's id is ResourceNotFoundException", async () => {
      const a = await makePool(s.sdk);
      const b = await makePool(s.sdk);
      await expectError(
        s.sdk.send(new DeleteUserPoolClientCommand({ UserPoolId: a.poolId, ClientId: b.clientId })),
        "ResourceNotFoundException",
        `User pool client ${b.clientId} does not exist.`,
      );
      await s.sdk.send(new DeleteUserPoolClientCommand({ UserPoolId: a.poolId, ClientId: a.clientId }));
      await expectError(
        s.sdk.send(new DeleteUserPoolClientCommand({ UserPoolId: a.poolId, ClientId: a.clientId })),
        "ResourceNotFoundException",
        `User pool client ${a.clientId} does not exist.`,
      );
      await expectError(
        s.sdk.send(new DescribeUserPoolClientCommand({ UserPoolId: a.poolId, ClientId: a.clientId })),
        "ResourceNotFoundException",
      );
      await expectError(
        s.sdk.send(new SignUpCommand({ ClientId: a.clientId, Username: "late", Password: PASSWORD })),
        "ResourceNotFoundException",
        `User pool client ${a.clientId} does not exist.`,
      );
      expect(
        (await s.sdk.send(new ListUserPoolClientsCommand({ UserPoolId: a.poolId }))).UserPoolClients,
      ).toEqual([]);
      expect(
        (await s.sdk.send(new DescribeUserPoolClientCommand({ UserPoolId: b.poolId, ClientId: b.clientId })))
          .UserPoolClient?.ClientId,
      ).toBe(b.clientId);
    });

    it("an unknown pool is ResourceNotFoundException", async () => {
      await expectError(
        s.sdk.send(new ListUserPoolClientsCommand({ UserPoolId: "us-east-1_nopool777" })),
        "ResourceNotFoundException",
        "User pool us-east-1_nopool777 does not exist.",
      );
    });
  });

  describe("AdminGetUser / ListUsers / AdminDeleteUser", () => {
    let poolId: string;
    let clientId: string;
    const people = [
      { username: "alice", email: "alice@example.com", name: "Alice A" },
      { username: "albert", email: "albert@example.org", name: "Albert B" },
      { username: "bob", email: "bob@example.com", name: 'Bob "The Builder"' },
      { username: "carol", email: "carol@example.net", name: "Carol C" },
      { username: "dave", email: "dave@example.com", name: "Dave D" },
    ];
    beforeAll(async () => {
      ({ poolId, clientId } = await makePool(s.sdk, { AutoVerifiedAttributes: ["email"] }));
      for (const p of people) {
        await s.sdk.send(
          new SignUpCommand({
            ClientId: clientId,
            Username: p.username,
            Password: PASSWORD,
            UserAttributes: [
              { Name: "email", Value: p.email },
              { Name: "name", Value: p.name },
            ],
          }),
        );
      }
      await s.sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: "bob" }));
      await s.sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: "carol" }));
    });

    it("AdminGetUser returns status, attributes and dates", async () => {
      const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "alice" }));
      expect(u.Username).toBe("alice");
      expect(u.UserStatus).toBe("UNCONFIRMED");
      expect(u.Enabled).toBe(true);
      expect(u.UserCreateDate).toBeInstanceOf(Date);
      expect(u.UserLastModifiedDate).toBeInstanceOf(Date);
      const attrs = Object.fromEntries((u.UserAttributes ?? []).map((a) => [a.Name, a.Value]));
      expect(attrs).toMatchObject({ email: "alice@example.com", name: "Alice A", email_verified: "false" });
      expect(attrs.sub).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const confirmed = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "bob" }));
      expect(confirmed.UserStatus).toBe("CONFIRMED");
    });

    it("AdminGetUser: unknown user → UserNotFoundException, unknown pool → ResourceNotFoundException", async () => {
      await expectError(
        s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "nobody" })),
        "UserNotFoundException",
        "User does not exist.",
      );
      await expectError(
        s.sdk.send(new AdminGetUserCommand({ UserPoolId: "us-east-1_nopool555", Username: "alice" })),
        "ResourceNotFoundException",
        "User pool us-east-1_nopool555 does not exist.",
      );
      // Users are per pool.
      const other = await makePool(s.sdk);
      await expectError(
        s.sdk.send(new AdminGetUserCommand({ UserPoolId: other.poolId, Username: "alice" })),
        "UserNotFoundException",
      );
    });

    it("AdminGetUser finds a user of an email-as-username pool by email (internal username is a UUID)", async () => {
      const p = await makePool(s.sdk, { UsernameAttributes: ["email"], AutoVerifiedAttributes: ["email"] });
      const up = await s.sdk.send(
        new SignUpCommand({ ClientId: p.clientId, Username: "erin@example.com", Password: PASSWORD }),
      );
      const u = await s.sdk.send(
        new AdminGetUserCommand({ UserPoolId: p.poolId, Username: "erin@example.com" }),
      );
      expect(u.Username).toMatch(/^[0-9a-f-]{36}$/);
      expect(u.UserAttributes).toContainEqual({ Name: "sub", Value: up.UserSub });
      expect(u.UserAttributes).toContainEqual({ Name: "email", Value: "erin@example.com" });
    });

    it("ListUsers lists everyone, in pages of Limit with PaginationToken", async () => {
      const all = await s.sdk.send(new ListUsersCommand({ UserPoolId: poolId }));
      expect((all.Users ?? []).map((u) => u.Username).sort()).toEqual(people.map((p) => p.username).sort());
      expect(all.PaginationToken).toBeUndefined();
      const alice = all.Users?.find((u) => u.Username === "alice");
      expect(alice?.UserStatus).toBe("UNCONFIRMED");
      expect(alice?.Enabled).toBe(true);
      expect(alice?.UserCreateDate).toBeInstanceOf(Date);
      expect(attr(alice, "email")).toBe("alice@example.com");

      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const r = await s.sdk.send(
          new ListUsersCommand({ UserPoolId: poolId, Limit: 2, PaginationToken: token }),
        );
        expect(r.Users?.length).toBeLessThanOrEqual(2);
        seen.push(...(r.Users ?? []).map((u) => u.Username ?? ""));
        token = r.PaginationToken;
        pages++;
      } while (token && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(people.length);
      expect(new Set(seen)).toEqual(new Set(people.map((p) => p.username)));

      // The SDK's paginator walks the same pages.
      const viaPaginator: UserType[] = [];
      for await (const page of paginateListUsers({ client: s.sdk, pageSize: 2 }, { UserPoolId: poolId })) {
        viaPaginator.push(...(page.Users ?? []));
      }
      expect(viaPaginator.map((u) => u.Username)).toEqual(seen);
    });

    it("ListUsers filters: exact, prefix, status, sub, escaped quotes", async () => {
      const names = async (Filter: string) =>
        ((await s.sdk.send(new ListUsersCommand({ UserPoolId: poolId, Filter }))).Users ?? [])
          .map((u) => u.Username)
          .sort();
      expect(await names('email = "alice@example.com"')).toEqual(["alice"]);
      expect(await names('email ^= "al"')).toEqual(["albert", "alice"]);
      expect(await names('email ^= "a"')).toEqual(["albert", "alice"]);
      expect(await names('cognito:user_status = "UNCONFIRMED"')).toEqual(["albert", "alice", "dave"]);
      expect(await names('cognito:user_status = "CONFIRMED"')).toEqual(["bob", "carol"]);
      // cognito:user_status is matched without regard to case (API reference).
      expect(await names('cognito:user_status = "confirmed"')).toEqual(["bob", "carol"]);
      expect(await names('username = "carol"')).toEqual(["carol"]);
      expect(await names('username = "Carol"')).toEqual([]);
      expect(await names('name = "Bob \\"The Builder\\""')).toEqual(["bob"]);
      expect(await names('status = "Enabled"')).toHaveLength(people.length);
      expect(await names('email = "nobody@example.com"')).toEqual([]);
      expect(await names("")).toHaveLength(people.length);
      const dave = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "dave" }));
      const sub = dave.UserAttributes?.find((a) => a.Name === "sub")?.Value;
      expect(await names(`sub = "${sub}"`)).toEqual(["dave"]);
    });

    it("ListUsers pages through filtered results", async () => {
      const first = await s.sdk.send(
        new ListUsersCommand({ UserPoolId: poolId, Filter: 'email ^= "a"', Limit: 1 }),
      );
      expect(first.Users).toHaveLength(1);
      expect(first.PaginationToken).toBeDefined();
      const second = await s.sdk.send(
        new ListUsersCommand({
          UserPoolId: poolId,
          Filter: 'email ^= "a"',
          Limit: 1,
          PaginationToken: first.PaginationToken,
        }),
      );
      expect(second.Users).toHaveLength(1);
      expect(second.PaginationToken).toBeUndefined();
      expect([first.Users?.[0]?.Username, second.Users?.[0]?.Username].sort()).toEqual(["albert", "alice"]);
    });

    it("ListUsers returns only AttributesToGet when given", async () => {
      const r = await s.sdk.send(
        new ListUsersCommand({
          UserPoolId: poolId,
          AttributesToGet: ["email"],
          Filter: 'username = "alice"',
        }),
      );
      expect(r.Users?.[0]?.Attributes).toEqual([{ Name: "email", Value: "alice@example.com" }]);
    });

    it("ListUsers refuses a bad filter with Cognito's message", async () => {
      for (const Filter of [
        "foo",
        'email == "a"',
        "email = a",
        'custom:team = "blue"',
        'email_verified = "true"',
        'email = "unterminated',
      ]) {
        await expectError(
          s.sdk.send(new ListUsersCommand({ UserPoolId: poolId, Filter })),
          "InvalidParameterException",
          "Error while parsing filter.",
        );
      }
    });

    it("ListUsers: a token that is not ours is InvalidParameterException; an unknown pool RNF", async () => {
      await expectError(
        s.sdk.send(new ListUsersCommand({ UserPoolId: poolId, PaginationToken: "garbage" })),
        "InvalidParameterException",
      );
      await expectError(
        s.sdk.send(new ListUsersCommand({ UserPoolId: "us-east-1_nopool444" })),
        "ResourceNotFoundException",
        "User pool us-east-1_nopool444 does not exist.",
      );
    });

    it("AdminDeleteUser deletes; then the user is gone everywhere and the name is free again", async () => {
      const p = await makePool(s.sdk, { AutoVerifiedAttributes: ["email"] });
      const signUp = () =>
        s.sdk.send(
          new SignUpCommand({
            ClientId: p.clientId,
            Username: "temp",
            Password: PASSWORD,
            UserAttributes: [{ Name: "email", Value: "temp@example.com" }],
          }),
        );
      const first = await signUp();
      await s.sdk.send(new AdminDeleteUserCommand({ UserPoolId: p.poolId, Username: "temp" }));
      await expectError(
        s.sdk.send(new AdminGetUserCommand({ UserPoolId: p.poolId, Username: "temp" })),
        "UserNotFoundException",
        "User does not exist.",
      );
      expect((await s.sdk.send(new ListUsersCommand({ UserPoolId: p.poolId }))).Users).toEqual([]);
      await expectError(
        s.sdk.send(new AdminDeleteUserCommand({ UserPoolId: p.poolId, Username: "temp" })),
        "UserNotFoundException",
        "User does not exist.",
      );
      const again = await signUp();
      expect(again.UserSub).not.toBe(first.UserSub);
      await expectError(
        s.sdk.send(new AdminDeleteUserCommand({ UserPoolId: "us-east-1_nopool333", Username: "temp" })),
        "ResourceNotFoundException",
        "User pool us-east-1_nopool333 does not exist.",
      );
    });
  });
});

describe("ListUserPools pagination", () => {
  let s: TestServer;
  beforeAll(async () => {
    // A server of its own, so that the pools listed are exactly the ones made here.
    s = await startServer();
  });
  afterAll(() => s.close());

  it("pages 5 pools 2 at a time, each once, in a stable order", async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      made.push((await s.sdk.send(new CreateUserPoolCommand({ PoolName: `page-${i}` }))).UserPool?.Id ?? "");
    }
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const r = await s.sdk.send(new ListUserPoolsCommand({ MaxResults: 2, NextToken: token }));
      pages.push((r.UserPools ?? []).map((p) => p.Id ?? ""));
      for (const p of r.UserPools ?? []) {
        expect(p.Name).toMatch(/^page-\d$/);
        expect(p.CreationDate).toBeInstanceOf(Date);
        expect(p.LambdaConfig).toEqual({});
      }
      token = r.NextToken;
    } while (token && pages.length < 10);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    const flat = pages.flat();
    expect(new Set(flat)).toEqual(new Set(made));

    // Listing again gives the same order; a larger page returns everything at once.
    const all = await s.sdk.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect((all.UserPools ?? []).map((p) => p.Id)).toEqual(flat);
    expect(all.NextToken).toBeUndefined();

    const viaPaginator: string[] = [];
    for await (const page of paginateListUserPools({ client: s.sdk, pageSize: 2 }, { MaxResults: 2 })) {
      viaPaginator.push(...(page.UserPools ?? []).map((p) => p.Id ?? ""));
    }
    expect(viaPaginator).toEqual(flat);
  });

  it("a pool deleted between pages is simply not listed; nothing repeats", async () => {
    const first = await s.sdk.send(new ListUserPoolsCommand({ MaxResults: 2 }));
    const next = (first.UserPools ?? []).map((p) => p.Id ?? "");
    const rest = await s.sdk.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken: first.NextToken }));
    const victim = rest.UserPools?.[0]?.Id;
    await s.sdk.send(new DeleteUserPoolCommand({ UserPoolId: victim }));
    const after = await s.sdk.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken: first.NextToken }));
    const ids = (after.UserPools ?? []).map((p) => p.Id);
    expect(ids).not.toContain(victim);
    for (const id of next) expect(ids).not.toContain(id);
  });

  it("refuses a foreign NextToken and an out-of-range MaxResults", async () => {
    await expectError(
      s.sdk.send(new ListUserPoolsCommand({ MaxResults: 2, NextToken: "not-a-token" })),
      "InvalidParameterException",
    );
    await expectError(
      s.sdk.send(new ListUserPoolsCommand({ MaxResults: 61 })),
      "InvalidParameterException",
      "1 validation error detected: Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 60",
    );
  });
});

describe("pool ids carry the configured region", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ region: "eu-west-2", accountId: "123456789012" });
  });
  afterAll(() => s.close());

  it("us-east-1 is only the default", async () => {
    const p = (await s.sdk.send(new CreateUserPoolCommand({ PoolName: "eu" }))).UserPool;
    expect(p?.Id).toMatch(/^eu-west-2_[0-9a-zA-Z]{9}$/);
    expect(p?.Arn).toBe(`arn:aws:cognito-idp:eu-west-2:123456789012:userpool/${p?.Id}`);
  });
});
