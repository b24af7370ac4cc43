// The tokens a sign-in hands out, through the AWS SDK v3 against a real server: header and
// claims as Cognito's (docs/signin.md, "Tokens"), the JWKS and discovery documents, GetUser
// and every access-token refusal, revocation, lifetimes on an injected clock,
// PreTokenGeneration V1 and V2, the verifier upgrade and the auth events.
import { createPublicKey, verify } from "node:crypto";
import {
  AdminAddUserToGroupCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminRemoveUserFromGroupCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  GetUserCommand,
  InitiateAuthCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asUsername } from "../../src/domain/usernames.js";
import { ManualClock } from "../../src/ports/clock.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { clearTriggerCalls, triggerCalls } from "../helpers/lambdaServers.js";
import { rawCall, startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, decodeJwt, makeClient, passwordSignIn } from "../helpers/signin.js";

const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const FUNCTIONS = ["preTokenV1", "preTokenV2", "preTokenFails", "preTokenGarbage"];

interface Jwks {
  keys: { alg: string; e: string; kid: string; kty: string; n: string; use: string }[];
}

async function jwksOf(url: string, poolId: string): Promise<Jwks> {
  const r = await fetch(`${url}/${poolId}/.well-known/jwks.json`);
  expect(r.status).toBe(200);
  return (await r.json()) as Jwks;
}

/** Verifies an RS256 JWT with node:crypto against a JWKS (independently of the server's code). */
function signatureValid(token: string, jwks: Jwks): boolean {
  const [h = "", p = "", sig = ""] = token.split(".");
  const kid = (JSON.parse(Buffer.from(h, "base64url").toString()) as { kid: string }).kid;
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) return false;
  const key = createPublicKey({ key: { kty: "RSA", n: jwk.n, e: jwk.e }, format: "jwk" });
  return verify("RSA-SHA256", Buffer.from(`${h}.${p}`), key, Buffer.from(sig, "base64url"));
}

describe("tokens (AWS SDK v3)", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;
  let sub: string;

  beforeAll(async () => {
    const functions: Record<string, string> = {};
    for (const f of FUNCTIONS) functions[arn(f)] = `module:test/fixtures/triggers/tokens.mjs#${f}`;
    s = await startServer({ configCacheSeconds: 0, triggers: { functions, baseDir: process.cwd() } });
    ({ poolId } = await makePool(s.sdk, {
      Schema: [{ Name: "tier", AttributeDataType: "String", Mutable: true }],
    }));
    ({ clientId } = await makeClient(s.sdk, poolId));
    sub = await confirmedUser(s.sdk, {
      poolId,
      clientId,
      username: "alice",
      attributes: {
        email: "alice@example.com",
        given_name: "Alice",
        family_name: "Liddell",
        "custom:tier": "silver",
        updated_at: "1700000000",
      },
    });
  });
  afterAll(() => s?.close());

  it("ID and access tokens carry Cognito's header and claims, signed by two different keys", async () => {
    const r = await s.sdk.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: "alice", PASSWORD },
      }),
    );
    const id = decodeJwt(r.AuthenticationResult?.IdToken ?? "");
    const access = decodeJwt(r.AuthenticationResult?.AccessToken ?? "");
    for (const t of [id, access]) {
      expect(t.headerJson).toMatch(/^\{"kid":"[A-Za-z0-9+/]{43}=","alg":"RS256"\}$/);
    }
    expect(id.header.kid).not.toBe(access.header.kid);
    const iss = `${s.url}/${poolId}`;
    const now = Math.floor(Date.now() / 1000);
    expect(id.payload).toEqual({
      sub,
      email: "alice@example.com",
      email_verified: false,
      given_name: "Alice",
      family_name: "Liddell",
      "custom:tier": "silver",
      updated_at: 1700000000,
      iss,
      "cognito:username": "alice",
      origin_jti: expect.any(String),
      aud: clientId,
      event_id: expect.any(String),
      token_use: "id",
      auth_time: expect.any(Number),
      exp: expect.any(Number),
      iat: expect.any(Number),
      jti: expect.any(String),
    });
    expect(access.payload).toEqual({
      sub,
      iss,
      client_id: clientId,
      origin_jti: id.payload.origin_jti,
      event_id: id.payload.event_id,
      token_use: "access",
      scope: "aws.cognito.signin.user.admin",
      auth_time: id.payload.auth_time,
      exp: expect.any(Number),
      iat: id.payload.iat,
      jti: expect.any(String),
      username: "alice",
    });
    expect(Math.abs(Number(id.payload.iat) - now)).toBeLessThan(60);
    expect(Number(id.payload.exp) - Number(id.payload.iat)).toBe(3600);
    expect(Number(access.payload.exp) - Number(access.payload.iat)).toBe(3600);
    expect(id.payload.jti).not.toBe(access.payload.jti);
    expect(id.payload.origin_jti).not.toBe(id.payload.event_id);

    // The JWKS lists both keys in Cognito's shape; each token verifies with its own key.
    const jwks = await jwksOf(s.url, poolId);
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual([id.header.kid, access.header.kid].sort());
    for (const k of jwks.keys) {
      expect(Object.keys(k)).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
      expect(k).toMatchObject({ alg: "RS256", e: "AQAB", kty: "RSA", use: "sig" });
      expect(Buffer.from(k.n, "base64url").length).toBe(256);
    }
    expect(signatureValid(r.AuthenticationResult?.IdToken ?? "", jwks)).toBe(true);
    expect(signatureValid(r.AuthenticationResult?.AccessToken ?? "", jwks)).toBe(true);
  });

  it("a user's groups are in both tokens by precedence; their roles in the ID token", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "gus" });
    const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
    const groups = [
      { GroupName: "readers" },
      { GroupName: "staff", Precedence: 5, RoleArn: role("staff") },
      { GroupName: "admins", Precedence: 1, RoleArn: role("admins") },
    ];
    for (const g of groups) {
      await s.sdk.send(new CreateGroupCommand({ UserPoolId: poolId, ...g }));
      await s.sdk.send(
        new AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName: g.GroupName, Username: "gus" }),
      );
    }
    const r = (await passwordSignIn(s.sdk, clientId, "gus")).AuthenticationResult;
    const id = decodeJwt(r?.IdToken ?? "").payload;
    const access = decodeJwt(r?.AccessToken ?? "").payload;
    expect(id["cognito:groups"]).toEqual(["admins", "staff", "readers"]);
    expect(access["cognito:groups"]).toEqual(["admins", "staff", "readers"]);
    expect(id["cognito:roles"]).toEqual([role("admins"), role("staff")]);
    expect(id["cognito:preferred_role"]).toBe(role("admins"));
    expect(access["cognito:roles"]).toBeUndefined();
    // A refreshed token reads the groups again: one removed since is gone from it.
    await s.sdk.send(
      new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, GroupName: "readers", Username: "gus" }),
    );
    const refreshed = (
      await s.sdk.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: { REFRESH_TOKEN: r?.RefreshToken ?? "" },
        }),
      )
    ).AuthenticationResult;
    expect(decodeJwt(refreshed?.IdToken ?? "").payload["cognito:groups"]).toEqual(["admins", "staff"]);
    expect(decodeJwt(refreshed?.AccessToken ?? "").payload["cognito:groups"]).toEqual(["admins", "staff"]);
    // A user in no group has no group claims.
    const a = (await passwordSignIn(s.sdk, clientId, "alice")).AuthenticationResult;
    expect(decodeJwt(a?.IdToken ?? "").payload["cognito:groups"]).toBeUndefined();
  });

  it("the discovery document names the issuer and the JWKS; unknown pools answer 404", async () => {
    const r = await fetch(`${s.url}/${poolId}/.well-known/openid-configuration`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      id_token_signing_alg_values_supported: ["RS256"],
      issuer: `${s.url}/${poolId}`,
      jwks_uri: `${s.url}/${poolId}/.well-known/jwks.json`,
      response_types_supported: ["code", "id_token", "token id_token", "none"],
      subject_types_supported: ["public"],
    });
    for (const doc of ["jwks.json", "openid-configuration"]) {
      const missing = await fetch(`${s.url}/us-east-1_NoSuchPool/.well-known/${doc}`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get("content-type")).toContain("application/json");
      expect(await missing.json()).toEqual({ message: "User pool us-east-1_NoSuchPool does not exist." });
    }
    // A pool nobody signed in to yet has no keys.
    const fresh = await makePool(s.sdk);
    expect(await jwksOf(s.url, fresh.poolId)).toEqual({ keys: [] });
  });

  it("the client's ReadAttributes limit the ID token's attributes and GetUser's", async () => {
    const { clientId: narrow } = await makeClient(s.sdk, poolId, {
      ReadAttributes: ["email", "custom:tier"],
    });
    const r = await passwordSignIn(s.sdk, narrow, "alice");
    const id = decodeJwt(r.AuthenticationResult?.IdToken ?? "").payload;
    expect(id.email).toBe("alice@example.com");
    expect(id["custom:tier"]).toBe("silver");
    expect(id.given_name).toBeUndefined();
    expect(id.email_verified).toBeUndefined();
    const u = await s.sdk.send(new GetUserCommand({ AccessToken: r.AuthenticationResult?.AccessToken }));
    expect(u.UserAttributes?.map((a) => a.Name).sort()).toEqual(["custom:tier", "email", "sub"]);
  });

  it("token lifetimes follow the client's validity and units", async () => {
    const { clientId: short } = await makeClient(s.sdk, poolId, {
      AccessTokenValidity: 10,
      IdTokenValidity: 2,
      TokenValidityUnits: { AccessToken: "minutes", IdToken: "hours" },
    });
    const r = await passwordSignIn(s.sdk, short, "alice");
    expect(r.AuthenticationResult?.ExpiresIn).toBe(600);
    const id = decodeJwt(r.AuthenticationResult?.IdToken ?? "").payload;
    const access = decodeJwt(r.AuthenticationResult?.AccessToken ?? "").payload;
    expect(Number(access.exp) - Number(access.iat)).toBe(600);
    expect(Number(id.exp) - Number(id.iat)).toBe(7200);
  });

  describe("GetUser", () => {
    it("answers the user's attributes by access token, without MFA members", async () => {
      const r = await passwordSignIn(s.sdk, clientId, "alice");
      const raw = await rawCall(s.url, "GetUser", { AccessToken: r.AuthenticationResult?.AccessToken });
      expect(raw.status).toBe(200);
      expect(Object.keys(raw.json ?? {}).sort()).toEqual(["UserAttributes", "Username"]);
      const u = await s.sdk.send(new GetUserCommand({ AccessToken: r.AuthenticationResult?.AccessToken }));
      expect(u.Username).toBe("alice");
      expect(u.UserAttributes).toEqual(
        expect.arrayContaining([
          { Name: "sub", Value: sub },
          { Name: "email", Value: "alice@example.com" },
          { Name: "email_verified", Value: "false" },
          { Name: "custom:tier", Value: "silver" },
        ]),
      );
      expect(u.UserAttributes?.[0]).toEqual({ Name: "sub", Value: sub });
    });

    it("refuses what is not a valid access token of a pool with Invalid Access Token", async () => {
      const r = await passwordSignIn(s.sdk, clientId, "alice");
      const access = r.AuthenticationResult?.AccessToken ?? "";
      const [h, p, sig = ""] = access.split(".");
      const payload = JSON.parse(Buffer.from(p ?? "", "base64url").toString()) as Record<string, unknown>;
      const forged = [
        h,
        Buffer.from(JSON.stringify({ ...payload, username: "bob" })).toString("base64url"),
        sig,
      ].join(".");
      const badSig = [h, p, `${sig.slice(0, -4)}${sig.endsWith("AAAA") ? "BBBB" : "AAAA"}`].join(".");
      const other = await makePool(s.sdk);
      const { clientId: otherClient } = await makeClient(s.sdk, other.poolId);
      await confirmedUser(s.sdk, { poolId: other.poolId, clientId: otherClient, username: "alice" });
      const otherToken =
        (await passwordSignIn(s.sdk, otherClient, "alice")).AuthenticationResult?.AccessToken ?? "";
      const [oh, , osig] = otherToken.split(".");
      // Another pool's token with this pool's issuer: signed by a key this pool does not have.
      const crossPool = [oh, p, osig].join(".");
      for (const bad of [
        "not-a-jwt",
        "a.b.c",
        r.AuthenticationResult?.IdToken ?? "",
        forged,
        badSig,
        crossPool,
      ]) {
        await expectError(
          s.sdk.send(new GetUserCommand({ AccessToken: bad })),
          "NotAuthorizedException",
          "Invalid Access Token",
        );
      }
      // A valid token of the other pool is that pool's user.
      const u = await s.sdk.send(new GetUserCommand({ AccessToken: otherToken }));
      expect(u.UserAttributes?.find((a) => a.Name === "sub")?.Value).not.toBe(sub);
    });

    it("a revoked family: Access Token has been revoked (with and without origin_jti)", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "rose" });
      const a = (await passwordSignIn(s.sdk, clientId, "rose")).AuthenticationResult?.AccessToken ?? "";
      const { clientId: noRevocation } = await makeClient(s.sdk, poolId, { EnableTokenRevocation: false });
      const b = (await passwordSignIn(s.sdk, noRevocation, "rose")).AuthenticationResult?.AccessToken ?? "";
      expect(decodeJwt(b).payload.origin_jti).toBeUndefined();
      expect(decodeJwt(b).payload.event_id).toEqual(expect.any(String));
      for (const t of [a, b])
        expect((await s.sdk.send(new GetUserCommand({ AccessToken: t }))).Username).toBe("rose");
      // The store primitive global sign-out uses (signin-signout.test.ts goes through the operations).
      await s.app.deps.store.transaction((tx) =>
        tx.refreshTokens.revokeAllForUser(poolId, asUsername("rose"), Date.now()),
      );
      for (const t of [a, b]) {
        await expectError(
          s.sdk.send(new GetUserCommand({ AccessToken: t })),
          "NotAuthorizedException",
          "Access Token has been revoked",
        );
      }
      // A new sign-in works again.
      const c = (await passwordSignIn(s.sdk, clientId, "rose")).AuthenticationResult?.AccessToken ?? "";
      expect((await s.sdk.send(new GetUserCommand({ AccessToken: c }))).Username).toBe("rose");
      // Revoking one family (RevokeToken) leaves the others.
      const d = (await passwordSignIn(s.sdk, clientId, "rose")).AuthenticationResult?.AccessToken ?? "";
      await s.app.deps.store.transaction((tx) =>
        tx.refreshTokens.revokeFamily(poolId, String(decodeJwt(c).payload.origin_jti), Date.now()),
      );
      await expectError(
        s.sdk.send(new GetUserCommand({ AccessToken: c })),
        "NotAuthorizedException",
        "Access Token has been revoked",
      );
      expect((await s.sdk.send(new GetUserCommand({ AccessToken: d }))).Username).toBe("rose");
    });

    it("a disabled user's token is revoked; a deleted user's is User does not exist.", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "dan" });
      const t = (await passwordSignIn(s.sdk, clientId, "dan")).AuthenticationResult?.AccessToken ?? "";
      await s.sdk.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: "dan" }));
      await expectError(
        s.sdk.send(new GetUserCommand({ AccessToken: t })),
        "NotAuthorizedException",
        "Access Token has been revoked",
      );
      await confirmedUser(s.sdk, { poolId, clientId, username: "dee" });
      const u = (await passwordSignIn(s.sdk, clientId, "dee")).AuthenticationResult?.AccessToken ?? "";
      await s.sdk.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: "dee" }));
      await expectError(
        s.sdk.send(new GetUserCommand({ AccessToken: u })),
        "UserNotFoundException",
        "User does not exist.",
      );
      // Signed up again under the same name: the old token names a user who is gone.
      await confirmedUser(s.sdk, { poolId, clientId, username: "dee" });
      await expectError(
        s.sdk.send(new GetUserCommand({ AccessToken: u })),
        "UserNotFoundException",
        "User does not exist.",
      );
    });

    it("a malformed token is refused by the model's pattern first", async () => {
      await expectError(
        s.sdk.send(new GetUserCommand({ AccessToken: "has spaces" })),
        "InvalidParameterException",
      );
    });
  });

  describe("PreTokenGeneration", () => {
    async function poolWith(fn: string, version: "V1_0" | "V2_0") {
      const p = await makePool(s.sdk, {
        LambdaConfig: { PreTokenGenerationConfig: { LambdaVersion: version, LambdaArn: arn(fn) } },
      });
      const { clientId: c } = await makeClient(s.sdk, p.poolId);
      const userSub = await confirmedUser(s.sdk, {
        poolId: p.poolId,
        clientId: c,
        username: "tess",
        attributes: { email: "tess@example.com", given_name: "Tess", family_name: "Durbeyfield" },
      });
      return { ...p, clientId: c, sub: userSub };
    }

    it("V1_0: the event as Cognito sends it; ID-token claims changed, protected ones kept; groups in both", async () => {
      const p = await poolWith("preTokenV1", "V1_0");
      clearTriggerCalls();
      const r = await s.sdk.send(
        new InitiateAuthCommand({
          ClientId: p.clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: "tess", PASSWORD },
          ClientMetadata: { from: "initiate" },
        }),
      );
      const [call] = triggerCalls("preTokenV1");
      expect(call?.event).toEqual({
        version: "1",
        region: "us-east-1",
        userPoolId: p.poolId,
        userName: "tess",
        callerContext: { awsSdkVersion: expect.stringMatching(/^aws-sdk-js-3\./), clientId: p.clientId },
        triggerSource: "TokenGeneration_Authentication",
        request: {
          userAttributes: {
            sub: p.sub,
            email: "tess@example.com",
            email_verified: "false",
            given_name: "Tess",
            family_name: "Durbeyfield",
            "cognito:user_status": "CONFIRMED",
          },
          // InitiateAuth's ClientMetadata does not reach this trigger.
          groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
        },
        response: { claimsOverrideDetails: null },
      });
      const id = decodeJwt(r.AuthenticationResult?.IdToken ?? "").payload;
      const access = decodeJwt(r.AuthenticationResult?.AccessToken ?? "").payload;
      expect(id.tier).toBe("gold");
      expect(id.family_name).toBe("Overridden");
      expect(id.given_name).toBeUndefined();
      expect(id.dropped).toBeUndefined();
      expect(id.sub).toBe(p.sub);
      expect(id["cognito:groups"]).toEqual(["admins", "staff"]);
      expect(access["cognito:groups"]).toEqual(["admins", "staff"]);
      expect(access.tier).toBeUndefined();

      // Refreshing runs it again, as TokenGeneration_RefreshTokens.
      clearTriggerCalls();
      const refreshed = await s.sdk.send(
        new InitiateAuthCommand({
          ClientId: p.clientId,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: { REFRESH_TOKEN: r.AuthenticationResult?.RefreshToken ?? "" },
        }),
      );
      expect(triggerCalls("preTokenV1")[0]?.event.triggerSource).toBe("TokenGeneration_RefreshTokens");
      expect(decodeJwt(refreshed.AuthenticationResult?.IdToken ?? "").payload.tier).toBe("gold");
    });

    it("V2_0: scopes in the event; JSON claims in either token, scopes added, protected ones kept", async () => {
      const p = await poolWith("preTokenV2", "V2_0");
      clearTriggerCalls();
      const r = await passwordSignIn(s.sdk, p.clientId, "tess");
      const [call] = triggerCalls("preTokenV2");
      expect(call?.event.version).toBe("2");
      expect((call?.event.request as { scopes?: unknown } | undefined)?.scopes).toEqual([
        "aws.cognito.signin.user.admin",
      ]);
      expect(call?.event.response).toEqual({ claimsAndScopeOverrideDetails: null });
      const id = decodeJwt(r.AuthenticationResult?.IdToken ?? "").payload;
      const access = decodeJwt(r.AuthenticationResult?.AccessToken ?? "").payload;
      expect(id.level).toBe(3);
      expect(id.roles).toEqual(["a", "b"]);
      expect(access.tenant).toEqual({ id: "t1" });
      expect(access.client_id).toBe(p.clientId);
      expect(access.scope).toBe("aws.cognito.signin.user.admin orders/read");
      // A token with the added scope still works on the user-pool APIs.
      const u = await s.sdk.send(new GetUserCommand({ AccessToken: r.AuthenticationResult?.AccessToken }));
      expect(u.Username).toBe("tess");
    });

    it("a function that fails or answers garbage fails the sign-in with the trigger errors", async () => {
      const failing = await poolWith("preTokenFails", "V1_0");
      await expectError(
        passwordSignIn(s.sdk, failing.clientId, "tess"),
        "UserLambdaValidationException",
        "PreTokenGeneration failed with error no tokens today.",
      );
      const garbage = await poolWith("preTokenGarbage", "V1_0");
      await expectError(
        passwordSignIn(s.sdk, garbage.clientId, "tess"),
        "InvalidLambdaResponseException",
        "Invalid lambda function output : Invalid JSON",
      );
      // No refresh token was recorded for the failed sign-ins.
      const rows = await s.query("SELECT id FROM refresh_tokens WHERE pool_id IN (?, ?)", [
        failing.poolId,
        garbage.poolId,
      ]);
      expect(rows).toEqual([]);
    });
  });

  it("a user without an SRP verifier gets one on a successful password sign-in, and no new hash", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "olga" });
    await s.app.deps.store.transaction(async (tx) => {
      const u = await tx.users.getForUpdate(poolId, asUsername("olga"));
      if (!u) throw new Error("no olga");
      await tx.users.update({ ...u, srp: null });
    });
    const before = await s.query(
      "SELECT password_hash, srp_salt FROM users WHERE pool_id = ? AND username = ?",
      [poolId, "olga"],
    );
    expect(before[0]?.srp_salt).toBeNull();
    await expectError(passwordSignIn(s.sdk, clientId, "olga", "Wr0ng-Password!"), "NotAuthorizedException");
    expect(
      (await s.query("SELECT srp_salt FROM users WHERE username = ?", ["olga"]))[0]?.srp_salt,
    ).toBeNull();
    await passwordSignIn(s.sdk, clientId, "olga");
    const after = await s.query(
      "SELECT password_hash, srp_salt, srp_verifier FROM users WHERE pool_id = ? AND username = ?",
      [poolId, "olga"],
    );
    expect(after[0]?.password_hash).toBe(before[0]?.password_hash);
    expect(after[0]?.srp_salt).toMatch(/^[0-9a-f]+$/);
    expect(after[0]?.srp_verifier).toMatch(/^[0-9a-f]{500,}$/);
  });

  it("every attempt on a user is an auth event with its outcome and context; no password or token is stored", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "evie" });
    const ok = await s.sdk.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: "evie", PASSWORD },
        UserContextData: { IpAddress: "192.0.2.7", EncodedData: "device-data" },
      }),
    );
    await expectError(passwordSignIn(s.sdk, clientId, "evie", "Wr0ng-Pa55word!"), "NotAuthorizedException");
    const events = await s.app.deps.store.read.events.listForUser(poolId, "evie", 10);
    expect(events.map((e) => [e.eventType, e.eventResponse])).toEqual([
      ["SignIn", "Fail"],
      ["SignIn", "Pass"],
      ["AdminConfirmSignUp", undefined],
      ["SignUp", undefined],
    ]);
    expect(events[1]).toMatchObject({ ipAddress: "192.0.2.7", encodedData: "device-data", clientId });
    const dump = await s.dumpTables();
    for (const secret of [
      PASSWORD,
      "Wr0ng-Pa55word!",
      ok.AuthenticationResult?.AccessToken ?? "",
      ok.AuthenticationResult?.IdToken ?? "",
      ok.AuthenticationResult?.RefreshToken ?? "",
      (ok.AuthenticationResult?.RefreshToken ?? "").split(".")[3] ?? "",
    ]) {
      expect(secret.length).toBeGreaterThan(8);
      expect(dump.includes(secret)).toBe(false);
    }
    // Signing keys are sealed at rest.
    expect(dump).not.toContain("PRIVATE KEY");
  });
});

describe("token lifetimes on an injected clock", () => {
  let s: TestServer;
  const clock = new ManualClock(Date.now());
  afterAll(() => s?.close());

  it("an expired access token: Access Token has expired; an expired refresh token: Refresh Token has expired", async () => {
    s = await startServer({}, { clock });
    const { poolId } = await makePool(s.sdk);
    const c = await s.sdk.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: "short",
        ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity: 5,
        IdTokenValidity: 5,
        RefreshTokenValidity: 60,
        TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "minutes" },
      }),
    );
    const clientId = c.UserPoolClient?.ClientId ?? "";
    await confirmedUser(s.sdk, { poolId, clientId, username: "tim" });
    const r = await passwordSignIn(s.sdk, clientId, "tim");
    const access = r.AuthenticationResult?.AccessToken ?? "";
    const refresh = () =>
      s.sdk.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: { REFRESH_TOKEN: r.AuthenticationResult?.RefreshToken ?? "" },
        }),
      );
    clock.advance(5 * 60_000 - 1000);
    expect((await s.sdk.send(new GetUserCommand({ AccessToken: access }))).Username).toBe("tim");
    clock.advance(1000);
    await expectError(
      s.sdk.send(new GetUserCommand({ AccessToken: access })),
      "NotAuthorizedException",
      "Access Token has expired",
    );
    // A refresh within the hour: new tokens that work, auth_time kept.
    const renewed = await refresh();
    const a2 = renewed.AuthenticationResult?.AccessToken ?? "";
    expect(decodeJwt(a2).payload.auth_time).toBe(decodeJwt(access).payload.auth_time);
    expect((await s.sdk.send(new GetUserCommand({ AccessToken: a2 }))).Username).toBe("tim");
    clock.advance(55 * 60_000);
    await expectError(refresh(), "NotAuthorizedException", "Refresh Token has expired");
  });
});
