// Password sign-in and refresh through the AWS SDK v3 against a real server: every flow of
// the first sign-in phase, and every refusal with Cognito's exact type and message
// (docs/signin.md). Tokens' contents are checked in signin-tokens.test.ts.
import {
  AdminDisableUserCommand,
  AdminInitiateAuthCommand,
  CreateUserPoolClientCommand,
  GetUserCommand,
  InitiateAuthCommand,
  UpdateUserPoolClientCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeSecretHash } from "../../src/domain/secretHash.js";
import { asUsername, usernameKey } from "../../src/domain/usernames.js";
import type { UserStatus } from "../../src/ports/store/index.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { adminSignIn, confirmedUser, decodeJwt, makeClient, passwordSignIn } from "../helpers/signin.js";

const INCORRECT = "Incorrect username or password.";

describe("sign-in flows (AWS SDK v3)", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;

  /** Puts a user in a status the API cannot reach yet (AdminCreateUser, resets: other work). */
  async function setStatus(username: string, status: UserStatus) {
    await s.app.deps.store.transaction(async (tx) => {
      const u = await tx.users.getForUpdate(poolId, asUsername(username));
      if (!u) throw new Error(`no user ${username}`);
      await tx.users.update({ ...u, status });
    });
  }

  beforeAll(async () => {
    s = await startServer();
    ({ poolId } = await makePool(s.sdk));
    ({ clientId } = await makeClient(s.sdk, poolId));
    await confirmedUser(s.sdk, { poolId, clientId, username: "alice" });
  });
  afterAll(() => s?.close());

  it("USER_PASSWORD_AUTH answers tokens in Cognito's shape", async () => {
    const r = await passwordSignIn(s.sdk, clientId, "alice");
    expect(r.ChallengeName).toBeUndefined();
    expect(r.Session).toBeUndefined();
    expect(r.ChallengeParameters).toEqual({});
    const a = r.AuthenticationResult;
    expect(a?.TokenType).toBe("Bearer");
    expect(a?.ExpiresIn).toBe(3600);
    for (const t of [a?.AccessToken, a?.IdToken, a?.RefreshToken]) expect(t).toMatch(/^[A-Za-z0-9-_=.]+$/);
    expect(a?.RefreshToken?.split(".")).toHaveLength(5);
    expect(decodeJwt(a?.IdToken ?? "").payload["cognito:username"]).toBe("alice");
  });

  it("ADMIN_USER_PASSWORD_AUTH and the legacy ADMIN_NO_SRP_AUTH answer tokens", async () => {
    for (const flow of ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"] as const) {
      const r = await adminSignIn(s.sdk, poolId, clientId, "alice", PASSWORD, flow);
      expect(r.ChallengeParameters).toEqual({});
      expect(r.AuthenticationResult?.TokenType).toBe("Bearer");
      expect(decodeJwt(r.AuthenticationResult?.AccessToken ?? "").payload.username).toBe("alice");
    }
  });

  it("REFRESH_TOKEN_AUTH and REFRESH_TOKEN renew ID and access tokens without a new refresh token", async () => {
    const first = (await passwordSignIn(s.sdk, clientId, "alice")).AuthenticationResult;
    const refreshToken = first?.RefreshToken ?? "";
    const a = await s.sdk.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    );
    const b = await s.sdk.send(
      new AdminInitiateAuthCommand({
        UserPoolId: poolId,
        ClientId: clientId,
        AuthFlow: "REFRESH_TOKEN",
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    );
    for (const r of [a, b]) {
      expect(r.ChallengeParameters).toEqual({});
      expect(r.AuthenticationResult?.RefreshToken).toBeUndefined();
      expect(r.AuthenticationResult?.TokenType).toBe("Bearer");
      expect(r.AuthenticationResult?.ExpiresIn).toBe(3600);
      const before = decodeJwt(first?.AccessToken ?? "").payload;
      const after = decodeJwt(r.AuthenticationResult?.AccessToken ?? "").payload;
      expect(after.origin_jti).toBe(before.origin_jti);
      expect(after.auth_time).toBe(before.auth_time);
      expect(after.event_id).toBe(before.event_id);
      expect(after.jti).not.toBe(before.jti);
      const id = decodeJwt(r.AuthenticationResult?.IdToken ?? "").payload;
      expect(id.origin_jti).toBe(before.origin_jti);
      // The renewed access token works.
      const u = await s.sdk.send(new GetUserCommand({ AccessToken: r.AuthenticationResult?.AccessToken }));
      expect(u.Username).toBe("alice");
    }
  });

  describe("flows refused", () => {
    it("a flow the operation does not take: Initiate Auth method not supported.", async () => {
      for (const flow of ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"] as const) {
        await expectError(
          s.sdk.send(
            new InitiateAuthCommand({
              ClientId: clientId,
              AuthFlow: flow,
              AuthParameters: { USERNAME: "alice", PASSWORD },
            }),
          ),
          "InvalidParameterException",
          "Initiate Auth method not supported.",
        );
      }
      await expectError(
        s.sdk.send(
          new AdminInitiateAuthCommand({
            UserPoolId: poolId,
            ClientId: clientId,
            AuthFlow: "USER_PASSWORD_AUTH",
            AuthParameters: { USERNAME: "alice", PASSWORD },
          }),
        ),
        "InvalidParameterException",
        "Initiate Auth method not supported.",
      );
    });

    it("a flow the client does not enable: Cognito's message for each", async () => {
      // The default flows: SRP, refresh, custom.
      const c = await s.sdk.send(
        new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: "defaults" }),
      );
      const plain = c.UserPoolClient?.ClientId ?? "";
      await expectError(
        passwordSignIn(s.sdk, plain, "alice"),
        "InvalidParameterException",
        "USER_PASSWORD_AUTH flow not enabled for this client",
      );
      await expectError(
        adminSignIn(s.sdk, poolId, plain, "alice"),
        "InvalidParameterException",
        "Auth flow not enabled for this client",
      );
      await expectError(
        adminSignIn(s.sdk, poolId, plain, "alice", PASSWORD, "ADMIN_NO_SRP_AUTH"),
        "InvalidParameterException",
        "Auth flow not enabled for this client",
      );
      const { clientId: noSrp } = await makeClient(s.sdk, poolId, {
        ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      });
      await expectError(
        s.sdk.send(
          new InitiateAuthCommand({
            ClientId: noSrp,
            AuthFlow: "USER_SRP_AUTH",
            AuthParameters: { USERNAME: "alice", SRP_A: "abc" },
          }),
        ),
        "InvalidParameterException",
        "USER_SRP_AUTH is not enabled for the client.",
      );
      // Legacy values enable the same flows.
      const { clientId: legacy } = await makeClient(s.sdk, poolId, {
        ExplicitAuthFlows: ["USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"],
      });
      expect((await passwordSignIn(s.sdk, legacy, "alice")).AuthenticationResult?.AccessToken).toBeTruthy();
      expect(
        (await adminSignIn(s.sdk, poolId, legacy, "alice")).AuthenticationResult?.AccessToken,
      ).toBeTruthy();
    });

    it("missing parameters: Missing required parameter <KEY>", async () => {
      const call = (
        AuthFlow: "USER_PASSWORD_AUTH" | "REFRESH_TOKEN_AUTH",
        AuthParameters?: Record<string, string>,
      ) =>
        s.sdk.send(
          new InitiateAuthCommand({
            ClientId: clientId,
            AuthFlow,
            ...(AuthParameters ? { AuthParameters } : {}),
          }),
        );
      await expectError(
        call("USER_PASSWORD_AUTH"),
        "InvalidParameterException",
        "Missing required parameter USERNAME",
      );
      await expectError(
        call("USER_PASSWORD_AUTH", { PASSWORD }),
        "InvalidParameterException",
        "Missing required parameter USERNAME",
      );
      await expectError(
        call("USER_PASSWORD_AUTH", { USERNAME: "alice" }),
        "InvalidParameterException",
        "Missing required parameter PASSWORD",
      );
      await expectError(
        call("REFRESH_TOKEN_AUTH", {}),
        "InvalidParameterException",
        "Missing required parameter REFRESH_TOKEN",
      );
    });

    it("an unknown client, and a client of another pool for AdminInitiateAuth", async () => {
      await expectError(
        passwordSignIn(s.sdk, "nosuchclient0000000000000", "alice"),
        "ResourceNotFoundException",
        "User pool client nosuchclient0000000000000 does not exist.",
      );
      const other = await makePool(s.sdk);
      await expectError(
        adminSignIn(s.sdk, other.poolId, clientId, "alice"),
        "ResourceNotFoundException",
        `User pool client ${clientId} does not exist.`,
      );
    });
  });

  describe("users refused", () => {
    it("unknown user: UserNotFoundException, or a wrong password's answer under PreventUserExistenceErrors", async () => {
      await expectError(
        passwordSignIn(s.sdk, clientId, "nobody"),
        "UserNotFoundException",
        "User does not exist.",
      );
      await expectError(
        adminSignIn(s.sdk, poolId, clientId, "nobody"),
        "UserNotFoundException",
        "User does not exist.",
      );
      const { clientId: protectedClient } = await makeClient(s.sdk, poolId, {
        PreventUserExistenceErrors: "ENABLED",
      });
      await expectError(
        passwordSignIn(s.sdk, protectedClient, "nobody"),
        "NotAuthorizedException",
        INCORRECT,
      );
      await expectError(
        adminSignIn(s.sdk, poolId, protectedClient, "nobody"),
        "NotAuthorizedException",
        INCORRECT,
      );
      await expectError(
        passwordSignIn(s.sdk, protectedClient, "alice", "Wr0ng-Password!"),
        "NotAuthorizedException",
        INCORRECT,
      );
    });

    it("wrong password: Incorrect username or password.", async () => {
      await expectError(
        passwordSignIn(s.sdk, clientId, "alice", "Wr0ng-Password!"),
        "NotAuthorizedException",
        INCORRECT,
      );
      await expectError(
        adminSignIn(s.sdk, poolId, clientId, "alice", "Wr0ng-Password!"),
        "NotAuthorizedException",
        INCORRECT,
      );
    });

    it("unconfirmed: User is not confirmed. — before the password is checked", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "uma" });
      await setStatus("uma", "UNCONFIRMED");
      await expectError(
        passwordSignIn(s.sdk, clientId, "uma"),
        "UserNotConfirmedException",
        "User is not confirmed.",
      );
      await expectError(
        passwordSignIn(s.sdk, clientId, "uma", "Wr0ng-Password!"),
        "UserNotConfirmedException",
        "User is not confirmed.",
      );
      // Not hidden by PreventUserExistenceErrors.
      const { clientId: protectedClient } = await makeClient(s.sdk, poolId, {
        PreventUserExistenceErrors: "ENABLED",
      });
      await expectError(
        passwordSignIn(s.sdk, protectedClient, "uma"),
        "UserNotConfirmedException",
        "User is not confirmed.",
      );
    });

    it("disabled: User is disabled. (also under PreventUserExistenceErrors)", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "dora" });
      await s.sdk.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: "dora" }));
      await expectError(
        passwordSignIn(s.sdk, clientId, "dora"),
        "NotAuthorizedException",
        "User is disabled.",
      );
      await expectError(
        adminSignIn(s.sdk, poolId, clientId, "dora"),
        "NotAuthorizedException",
        "User is disabled.",
      );
      const { clientId: protectedClient } = await makeClient(s.sdk, poolId, {
        PreventUserExistenceErrors: "ENABLED",
      });
      await expectError(
        passwordSignIn(s.sdk, protectedClient, "dora"),
        "NotAuthorizedException",
        "User is disabled.",
      );
    });

    it("reset required: Password reset required for the user (hidden under PreventUserExistenceErrors)", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "rhea" });
      await setStatus("rhea", "RESET_REQUIRED");
      await expectError(
        passwordSignIn(s.sdk, clientId, "rhea"),
        "PasswordResetRequiredException",
        "Password reset required for the user",
      );
      const { clientId: protectedClient } = await makeClient(s.sdk, poolId, {
        PreventUserExistenceErrors: "ENABLED",
      });
      await expectError(passwordSignIn(s.sdk, protectedClient, "rhea"), "NotAuthorizedException", INCORRECT);
    });

    it("FORCE_CHANGE_PASSWORD: the temporary password first, then NEW_PASSWORD_REQUIRED (signin-new-password.test.ts)", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "fred" });
      await setStatus("fred", "FORCE_CHANGE_PASSWORD");
      // The temporary password is checked first.
      await expectError(
        passwordSignIn(s.sdk, clientId, "fred", "Wr0ng-Password!"),
        "NotAuthorizedException",
        INCORRECT,
      );
      const r = await passwordSignIn(s.sdk, clientId, "fred");
      expect(r.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
      expect(r.AuthenticationResult).toBeUndefined();
    });
  });

  describe("who signs in", () => {
    it("a case-insensitive pool takes the username in any case; tokens carry the stored name", async () => {
      // The default pool is case-sensitive.
      await expectError(
        passwordSignIn(s.sdk, clientId, "ALICE"),
        "UserNotFoundException",
        "User does not exist.",
      );
      const p = await makePool(s.sdk, { UsernameConfiguration: { CaseSensitive: false } });
      const { clientId: c } = await makeClient(s.sdk, p.poolId);
      await confirmedUser(s.sdk, { poolId: p.poolId, clientId: c, username: "Carla" });
      for (const name of ["carla", "CARLA", "Carla"]) {
        const r = await passwordSignIn(s.sdk, c, name);
        expect(decodeJwt(r.AuthenticationResult?.IdToken ?? "").payload["cognito:username"]).toBe("Carla");
      }
    });

    it("an email-username pool: the email, in any case, or the sub; cognito:username is the internal UUID", async () => {
      const p = await makePool(s.sdk, { UsernameAttributes: ["email"] });
      const { clientId: c } = await makeClient(s.sdk, p.poolId);
      const sub = await confirmedUser(s.sdk, {
        poolId: p.poolId,
        clientId: c,
        username: "erin@example.com",
        attributes: {},
      });
      for (const name of ["erin@example.com", "Erin@Example.COM", sub]) {
        const r = await passwordSignIn(s.sdk, c, name);
        const id = decodeJwt(r.AuthenticationResult?.IdToken ?? "").payload;
        expect(id["cognito:username"]).toBe(sub);
        expect(id.email).toBe("erin@example.com");
      }
    });

    it("an alias pool: a verified email alias signs in; an unverified one does not", async () => {
      const p = await makePool(s.sdk, { AliasAttributes: ["email"], AutoVerifiedAttributes: ["email"] });
      const { clientId: c } = await makeClient(s.sdk, p.poolId);
      await confirmedUser(s.sdk, {
        poolId: p.poolId,
        clientId: c,
        username: "ivan",
        attributes: { email: "ivan@example.com" },
      });
      // AdminConfirmSignUp confirms the user but verifies no attribute: the email is no alias yet.
      await expectError(
        passwordSignIn(s.sdk, c, "ivan@example.com"),
        "UserNotFoundException",
        "User does not exist.",
      );
      await s.app.deps.store.transaction(async (tx) => {
        await tx.aliases.claim({
          poolId: p.poolId,
          kind: "email",
          valueKey: "ivan@example.com",
          username: asUsername("ivan"),
        });
      });
      const r = await passwordSignIn(s.sdk, c, "ivan@example.com");
      expect(decodeJwt(r.AuthenticationResult?.IdToken ?? "").payload["cognito:username"]).toBe("ivan");
    });
  });

  describe("SECRET_HASH", () => {
    it("InitiateAuth: over the name as sent, or another name of the same user; missing or wrong refused", async () => {
      const p = await makePool(s.sdk, { UsernameAttributes: ["email"] });
      const { clientId: c, clientSecret } = await makeClient(s.sdk, p.poolId, { GenerateSecret: true });
      if (!clientSecret) throw new Error("no secret");
      const hash = (name: string) => computeSecretHash(clientSecret, name, c);
      const sub = await confirmedUser(s.sdk, {
        poolId: p.poolId,
        clientId: c,
        clientSecret,
        username: "sam@example.com",
        attributes: {},
      });
      await expectError(
        passwordSignIn(s.sdk, c, "sam@example.com"),
        "NotAuthorizedException",
        `Client ${c} is configured for secret but secret was not received`,
      );
      await expectError(
        passwordSignIn(s.sdk, c, "sam@example.com", PASSWORD, { SECRET_HASH: hash("someone-else") }),
        "NotAuthorizedException",
        `Unable to verify secret hash for client ${c}`,
      );
      // An unknown user with a wrong hash: the hash is refused first.
      await expectError(
        passwordSignIn(s.sdk, c, "nobody@example.com", PASSWORD, { SECRET_HASH: hash("x") }),
        "NotAuthorizedException",
        `Unable to verify secret hash for client ${c}`,
      );
      let refreshToken = "";
      for (const name of ["sam@example.com", sub]) {
        const r = await passwordSignIn(s.sdk, c, "sam@example.com", PASSWORD, { SECRET_HASH: hash(name) });
        refreshToken = r.AuthenticationResult?.RefreshToken ?? "";
      }
      const admin = await s.sdk.send(
        new AdminInitiateAuthCommand({
          UserPoolId: p.poolId,
          ClientId: c,
          AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: "sam@example.com", PASSWORD, SECRET_HASH: hash("sam@example.com") },
        }),
      );
      expect(admin.AuthenticationResult?.AccessToken).toBeTruthy();

      // Refresh: over the internal username (the UUID here), or another of the user's names.
      const refresh = (secretHash?: string) =>
        s.sdk.send(
          new InitiateAuthCommand({
            ClientId: c,
            AuthFlow: "REFRESH_TOKEN_AUTH",
            AuthParameters: {
              REFRESH_TOKEN: refreshToken,
              ...(secretHash ? { SECRET_HASH: secretHash } : {}),
            },
          }),
        );
      expect((await refresh(hash(sub))).AuthenticationResult?.IdToken).toBeTruthy();
      expect((await refresh(hash("sam@example.com"))).AuthenticationResult?.IdToken).toBeTruthy();
      await expectError(
        refresh(),
        "NotAuthorizedException",
        `Client ${c} is configured for secret but secret was not received`,
      );
      await expectError(
        refresh(hash("other")),
        "NotAuthorizedException",
        `SecretHash does not match for the client: ${c}`,
      );
    });
  });

  describe("refresh refused", () => {
    const refresh = (c: string, token: string) =>
      s.sdk.send(
        new InitiateAuthCommand({
          ClientId: c,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: { REFRESH_TOKEN: token },
        }),
      );

    it("garbage, an altered token, another client's token: Invalid Refresh Token.", async () => {
      const token = (await passwordSignIn(s.sdk, clientId, "alice")).AuthenticationResult?.RefreshToken ?? "";
      await expectError(refresh(clientId, "not-a-token"), "NotAuthorizedException", "Invalid Refresh Token.");
      const parts = token.split(".");
      const body = parts[3] ?? "";
      parts[3] = `${body.slice(0, -2)}${body.endsWith("AA") ? "BB" : "AA"}`;
      await expectError(
        refresh(clientId, parts.join(".")),
        "NotAuthorizedException",
        "Invalid Refresh Token.",
      );
      const { clientId: other } = await makeClient(s.sdk, poolId);
      await expectError(refresh(other, token), "NotAuthorizedException", "Invalid Refresh Token.");
    });

    it("a disabled user: User is disabled.; a deleted user: Invalid Refresh Token.", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "gina" });
      const token = (await passwordSignIn(s.sdk, clientId, "gina")).AuthenticationResult?.RefreshToken ?? "";
      await s.sdk.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: "gina" }));
      await expectError(refresh(clientId, token), "NotAuthorizedException", "User is disabled.");
      await s.app.deps.store.transaction((tx) => tx.users.delete(poolId, asUsername("gina")));
      await expectError(refresh(clientId, token), "NotAuthorizedException", "Invalid Refresh Token.");
      // Signed up again under the same name: the old token is still not theirs.
      await confirmedUser(s.sdk, { poolId, clientId, username: "gina" });
      await expectError(refresh(clientId, token), "NotAuthorizedException", "Invalid Refresh Token.");
    });

    it("a revoked family: Refresh Token has been revoked", async () => {
      const token = (await passwordSignIn(s.sdk, clientId, "alice")).AuthenticationResult?.RefreshToken ?? "";
      const u = await s.app.deps.store.read.users.get(poolId, usernameKey("alice", false));
      if (!u) throw new Error("no alice");
      await s.app.deps.store.transaction((tx) =>
        tx.refreshTokens.revokeAllForUser(poolId, u.username, Date.now()),
      );
      await expectError(refresh(clientId, token), "NotAuthorizedException", "Refresh Token has been revoked");
      // A new sign-in starts a new family.
      const fresh = (await passwordSignIn(s.sdk, clientId, "alice")).AuthenticationResult?.RefreshToken ?? "";
      expect((await refresh(clientId, fresh)).AuthenticationResult?.AccessToken).toBeTruthy();
    });

    it("a client with refresh token rotation: REFRESH_TOKEN_AUTH is refused (GetTokensFromRefreshToken's job)", async () => {
      const { clientId: c } = await makeClient(s.sdk, poolId);
      const token = (await passwordSignIn(s.sdk, c, "alice")).AuthenticationResult?.RefreshToken ?? "";
      await s.sdk.send(
        new UpdateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientId: c,
          ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
          RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: 10 },
        }),
      );
      await expectError(refresh(c, token), "InvalidParameterException", /GetTokensFromRefreshToken/);
    });
  });
});
