// Sign-out and revocation through the AWS SDK v3 and boto3 against a real server: GlobalSignOut,
// AdminUserGlobalSignOut, AdminDisableUser, RevokeToken and GetTokensFromRefreshToken (with
// refresh-token rotation), each with its refusals (docs/signin.md, "Sign-out and revocation").
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminUserGlobalSignOutCommand,
  type CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeSecretHash } from "../../src/domain/secretHash.js";
import { ManualClock } from "../../src/ports/clock.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, decodeJwt, makeClient, passwordSignIn } from "../helpers/signin.js";

const run = promisify(execFile);

const REVOKED_ACCESS = "Access Token has been revoked";
const REVOKED_REFRESH = "Refresh Token has been revoked";

async function signIn(sdk: CognitoIdentityProviderClient, clientId: string, username: string) {
  const r = (await passwordSignIn(sdk, clientId, username)).AuthenticationResult;
  if (!r?.AccessToken || !r.RefreshToken || !r.IdToken) throw new Error("no tokens");
  return { AccessToken: r.AccessToken, RefreshToken: r.RefreshToken, IdToken: r.IdToken };
}

/** The refresh token with one character of its sealed body changed. */
function garble(token: string): string {
  const parts = token.split(".");
  const body = parts[3] ?? "";
  parts[3] = `${body[0] === "A" ? "B" : "A"}${body.slice(1)}`;
  return parts.join(".");
}

const getUser = (sdk: CognitoIdentityProviderClient, token: string) =>
  sdk.send(new GetUserCommand({ AccessToken: token }));

const refresh = (sdk: CognitoIdentityProviderClient, clientId: string, token: string) =>
  sdk.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "REFRESH_TOKEN_AUTH",
      AuthParameters: { REFRESH_TOKEN: token },
    }),
  );

const getTokens = (
  sdk: CognitoIdentityProviderClient,
  clientId: string,
  token: string,
  extra: { ClientSecret?: string } = {},
) => sdk.send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: token, ...extra }));

describe("sign-out and revocation (AWS SDK v3)", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;

  beforeAll(async () => {
    s = await startServer({ configCacheSeconds: 0 });
    ({ poolId } = await makePool(s.sdk));
    ({ clientId } = await makeClient(s.sdk, poolId));
  });
  afterAll(() => s?.close());

  describe("GlobalSignOut", () => {
    it("revokes every session of the user: access tokens, refresh tokens; a new sign-in works", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "gina" });
      await confirmedUser(s.sdk, { poolId, clientId, username: "other" });
      const a = await signIn(s.sdk, clientId, "gina");
      const b = await signIn(s.sdk, clientId, "gina");
      // A client without token revocation: its tokens have no origin_jti, and still end.
      const { clientId: plain } = await makeClient(s.sdk, poolId, { EnableTokenRevocation: false });
      const c = await signIn(s.sdk, plain, "gina");
      const bystander = await signIn(s.sdk, clientId, "other");

      expect(await s.sdk.send(new GlobalSignOutCommand({ AccessToken: a.AccessToken }))).toMatchObject({
        $metadata: { httpStatusCode: 200 },
      });
      for (const t of [a, b, c]) {
        await expectError(getUser(s.sdk, t.AccessToken), "NotAuthorizedException", REVOKED_ACCESS);
      }
      await expectError(refresh(s.sdk, clientId, a.RefreshToken), "NotAuthorizedException", REVOKED_REFRESH);
      await expectError(refresh(s.sdk, plain, c.RefreshToken), "NotAuthorizedException", REVOKED_REFRESH);
      await expectError(
        getTokens(s.sdk, clientId, b.RefreshToken),
        "NotAuthorizedException",
        REVOKED_REFRESH,
      );
      // Signing out again with a revoked token: Cognito's answer (amplify-js #3540).
      await expectError(
        s.sdk.send(new GlobalSignOutCommand({ AccessToken: b.AccessToken })),
        "NotAuthorizedException",
        REVOKED_ACCESS,
      );
      // Other users are untouched; the user signs in again at once (same second included).
      expect((await getUser(s.sdk, bystander.AccessToken)).Username).toBe("other");
      const d = await signIn(s.sdk, clientId, "gina");
      expect((await getUser(s.sdk, d.AccessToken)).Username).toBe("gina");
      expect((await refresh(s.sdk, clientId, d.RefreshToken)).AuthenticationResult?.AccessToken).toBeTruthy();
    });

    it("refuses what is not a live access token, with Cognito's messages and modeled errors only", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "hal" });
      const t = await signIn(s.sdk, clientId, "hal");
      const send = (token: string) => s.sdk.send(new GlobalSignOutCommand({ AccessToken: token }));
      await expectError(send("not.a.token"), "NotAuthorizedException", "Invalid Access Token");
      await expectError(send(t.IdToken), "NotAuthorizedException", "Invalid Access Token");
      // A forged signature.
      const [h, p] = t.AccessToken.split(".");
      await expectError(
        send(`${h}.${p}.${"A".repeat(342)}`),
        "NotAuthorizedException",
        "Invalid Access Token",
      );
      // Outside the model's pattern: a validation error before anything else.
      await expectError(send("spaces are not allowed"), "InvalidParameterException");
      // A deleted user: GlobalSignOut has no UserNotFoundException; the session is over.
      await s.sdk.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: "hal" }));
      await expectError(send(t.AccessToken), "NotAuthorizedException", REVOKED_ACCESS);
    });
  });

  describe("AdminUserGlobalSignOut", () => {
    it("revokes every session of the user, by username or alias; unknown users and pools refused", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "ivy" });
      const a = await signIn(s.sdk, clientId, "ivy");
      const b = await signIn(s.sdk, clientId, "ivy");
      await s.sdk.send(new AdminUserGlobalSignOutCommand({ UserPoolId: poolId, Username: "ivy" }));
      for (const t of [a, b]) {
        await expectError(getUser(s.sdk, t.AccessToken), "NotAuthorizedException", REVOKED_ACCESS);
        await expectError(
          refresh(s.sdk, clientId, t.RefreshToken),
          "NotAuthorizedException",
          REVOKED_REFRESH,
        );
      }
      const c = await signIn(s.sdk, clientId, "ivy");
      expect((await getUser(s.sdk, c.AccessToken)).Username).toBe("ivy");

      await expectError(
        s.sdk.send(new AdminUserGlobalSignOutCommand({ UserPoolId: poolId, Username: "nobody" })),
        "UserNotFoundException",
        "User does not exist.",
      );
      await expectError(
        s.sdk.send(new AdminUserGlobalSignOutCommand({ UserPoolId: "us-east-1_Nope0000", Username: "ivy" })),
        "ResourceNotFoundException",
        "User pool us-east-1_Nope0000 does not exist.",
      );
    });

    it("in an email-username pool, the email names the user", async () => {
      const { poolId: emailPool } = await makePool(s.sdk, { UsernameAttributes: ["email"] });
      const { clientId: emailClient } = await makeClient(s.sdk, emailPool);
      await confirmedUser(s.sdk, {
        poolId: emailPool,
        clientId: emailClient,
        username: "jo@example.com",
        attributes: { email: "jo@example.com" },
      });
      const t = await signIn(s.sdk, emailClient, "jo@example.com");
      await s.sdk.send(
        new AdminUserGlobalSignOutCommand({ UserPoolId: emailPool, Username: "jo@example.com" }),
      );
      await expectError(getUser(s.sdk, t.AccessToken), "NotAuthorizedException", REVOKED_ACCESS);
    });
  });

  it("AdminDisableUser revokes the user's tokens: enabling the user again does not revive them", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "jed" });
    const t = await signIn(s.sdk, clientId, "jed");
    await s.sdk.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: "jed" }));
    // While disabled, the refresh says why.
    await expectError(
      refresh(s.sdk, clientId, t.RefreshToken),
      "NotAuthorizedException",
      "User is disabled.",
    );
    await s.sdk.send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: "jed" }));
    await expectError(getUser(s.sdk, t.AccessToken), "NotAuthorizedException", REVOKED_ACCESS);
    await expectError(refresh(s.sdk, clientId, t.RefreshToken), "NotAuthorizedException", REVOKED_REFRESH);
    const again = await signIn(s.sdk, clientId, "jed");
    expect((await getUser(s.sdk, again.AccessToken)).Username).toBe("jed");
  });

  describe("RevokeToken", () => {
    it("revokes one session — its refresh token and the access tokens issued or refreshed from it", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "kim" });
      const a = await signIn(s.sdk, clientId, "kim");
      const b = await signIn(s.sdk, clientId, "kim");
      const refreshed =
        (await refresh(s.sdk, clientId, a.RefreshToken)).AuthenticationResult?.AccessToken ?? "";
      await s.sdk.send(new RevokeTokenCommand({ ClientId: clientId, Token: a.RefreshToken }));
      for (const t of [a.AccessToken, refreshed]) {
        await expectError(getUser(s.sdk, t), "NotAuthorizedException", REVOKED_ACCESS);
      }
      await expectError(refresh(s.sdk, clientId, a.RefreshToken), "NotAuthorizedException", REVOKED_REFRESH);
      // The other session lives on.
      expect((await getUser(s.sdk, b.AccessToken)).Username).toBe("kim");
      expect((await refresh(s.sdk, clientId, b.RefreshToken)).AuthenticationResult?.IdToken).toBeTruthy();
      // Revoking again changes nothing and is not an error.
      await s.sdk.send(new RevokeTokenCommand({ ClientId: clientId, Token: a.RefreshToken }));
    });

    it("refuses access and ID tokens, foreign and garbled tokens, clients without revocation", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "lou" });
      const t = await signIn(s.sdk, clientId, "lou");
      const revoke = (token: string, id = clientId) =>
        s.sdk.send(new RevokeTokenCommand({ ClientId: id, Token: token }));
      for (const jwt of [t.AccessToken, t.IdToken]) {
        await expectError(
          revoke(jwt),
          "UnsupportedTokenTypeException",
          "Only refresh tokens can be revoked.",
        );
      }
      await expectError(
        revoke(garble(t.RefreshToken)),
        "InvalidParameterException",
        "Invalid Refresh Token.",
      );
      await expectError(revoke("abc"), "InvalidParameterException", "Invalid Refresh Token.");
      // Another client of the pool may not revoke this client's token.
      const { clientId: other } = await makeClient(s.sdk, poolId);
      await expectError(
        revoke(t.RefreshToken, other),
        "UnauthorizedException",
        "The token was not issued to this client.",
      );
      await expectError(revoke(t.RefreshToken, "nosuchclient0000000000000"), "UnauthorizedException");
      // EnableTokenRevocation false: the operation is not enabled for the client.
      const { clientId: plain } = await makeClient(s.sdk, poolId, { EnableTokenRevocation: false });
      const p = await signIn(s.sdk, plain, "lou");
      await expectError(revoke(p.RefreshToken, plain), "UnsupportedOperationException");
      // Nothing above revoked anything.
      expect((await getUser(s.sdk, t.AccessToken)).Username).toBe("lou");
      expect((await getUser(s.sdk, p.AccessToken)).Username).toBe("lou");
    });

    it("a client with a secret must send it, exactly", async () => {
      const { clientId: secretClient, clientSecret } = await makeClient(s.sdk, poolId, {
        GenerateSecret: true,
      });
      if (!clientSecret) throw new Error("no secret");
      await confirmedUser(s.sdk, { poolId, clientId: secretClient, clientSecret, username: "max" });
      const r = await s.sdk.send(
        new InitiateAuthCommand({
          ClientId: secretClient,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: {
            USERNAME: "max",
            PASSWORD,
            SECRET_HASH: computeSecretHash(clientSecret, "max", secretClient),
          },
        }),
      );
      const token = r.AuthenticationResult?.RefreshToken ?? "";
      const revoke = (extra: { ClientSecret?: string }) =>
        s.sdk.send(new RevokeTokenCommand({ ClientId: secretClient, Token: token, ...extra }));
      await expectError(revoke({}), "UnauthorizedException", "Invalid client id or client secret.");
      await expectError(
        revoke({ ClientSecret: `${clientSecret.slice(0, -1)}${clientSecret.endsWith("a") ? "b" : "a"}` }),
        "UnauthorizedException",
        "Invalid client id or client secret.",
      );
      expect((await getUser(s.sdk, r.AuthenticationResult?.AccessToken ?? "")).Username).toBe("max");
      await revoke({ ClientSecret: clientSecret });
      await expectError(
        getUser(s.sdk, r.AuthenticationResult?.AccessToken ?? ""),
        "NotAuthorizedException",
        REVOKED_ACCESS,
      );
    });
  });

  describe("GetTokensFromRefreshToken", () => {
    it("without rotation: new ID and access tokens of the same sign-in, no refresh token", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "ned" });
      const t = await signIn(s.sdk, clientId, "ned");
      const r = await getTokens(s.sdk, clientId, t.RefreshToken);
      const result = r.AuthenticationResult;
      expect(result?.RefreshToken).toBeUndefined();
      expect(result?.TokenType).toBe("Bearer");
      expect(result?.ExpiresIn).toBe(3600);
      const before = decodeJwt(t.AccessToken).payload;
      const after = decodeJwt(result?.AccessToken ?? "").payload;
      expect(after.origin_jti).toBe(before.origin_jti);
      expect(after.auth_time).toBe(before.auth_time);
      expect(after.jti).not.toBe(before.jti);
      expect(decodeJwt(result?.IdToken ?? "").payload["cognito:username"]).toBe("ned");
      expect((await getUser(s.sdk, result?.AccessToken ?? "")).Username).toBe("ned");
      // The same token keeps working.
      expect((await getTokens(s.sdk, clientId, t.RefreshToken)).AuthenticationResult?.IdToken).toBeTruthy();
    });

    it("refuses garbled, foreign and unknown-client tokens; a secret client needs its raw secret", async () => {
      await confirmedUser(s.sdk, { poolId, clientId, username: "ola" });
      const t = await signIn(s.sdk, clientId, "ola");
      await expectError(
        getTokens(s.sdk, clientId, "abc"),
        "NotAuthorizedException",
        "Invalid Refresh Token.",
      );
      const { clientId: other } = await makeClient(s.sdk, poolId);
      await expectError(
        getTokens(s.sdk, other, t.RefreshToken),
        "NotAuthorizedException",
        "Invalid Refresh Token.",
      );
      await expectError(
        getTokens(s.sdk, "nosuchclient0000000000000", t.RefreshToken),
        "ResourceNotFoundException",
        "User pool client nosuchclient0000000000000 does not exist.",
      );
      const { clientId: secretClient, clientSecret } = await makeClient(s.sdk, poolId, {
        GenerateSecret: true,
      });
      if (!clientSecret) throw new Error("no secret");
      const r = await s.sdk.send(
        new InitiateAuthCommand({
          ClientId: secretClient,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: {
            USERNAME: "ola",
            PASSWORD,
            SECRET_HASH: computeSecretHash(clientSecret, "ola", secretClient),
          },
        }),
      );
      const token = r.AuthenticationResult?.RefreshToken ?? "";
      await expectError(
        getTokens(s.sdk, secretClient, token),
        "NotAuthorizedException",
        `Client ${secretClient} is configured for secret but secret was not received`,
      );
      await expectError(
        getTokens(s.sdk, secretClient, token, { ClientSecret: "x".repeat(clientSecret.length) }),
        "NotAuthorizedException",
        `ClientSecret does not match for the client: ${secretClient}`,
      );
      const ok = await getTokens(s.sdk, secretClient, token, { ClientSecret: clientSecret });
      expect(ok.AuthenticationResult?.AccessToken).toBeTruthy();
    });

    it("with rotation: a new refresh token each time; the old one reused is refused and ends the family", async () => {
      const { clientId: rotating } = await makeClient(s.sdk, poolId, {
        RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: 0 },
      });
      await confirmedUser(s.sdk, { poolId, clientId, username: "pam" });
      const t = await signIn(s.sdk, rotating, "pam");
      // REFRESH_TOKEN_AUTH is not the way for a rotating client.
      await expectError(refresh(s.sdk, rotating, t.RefreshToken), "InvalidParameterException");
      const r1 = (await getTokens(s.sdk, rotating, t.RefreshToken)).AuthenticationResult;
      const second = r1?.RefreshToken ?? "";
      expect(second).toMatch(/^[A-Za-z0-9-_=.]+$/);
      expect(second.split(".")).toHaveLength(5);
      expect(second).not.toBe(t.RefreshToken);
      expect(decodeJwt(r1?.AccessToken ?? "").payload.origin_jti).toBe(
        decodeJwt(t.AccessToken).payload.origin_jti,
      );
      const r2 = (await getTokens(s.sdk, rotating, second)).AuthenticationResult;
      const third = r2?.RefreshToken ?? "";
      expect(third).not.toBe(second);
      // The first token, retired, presented again: refused, and the whole family ends.
      await expectError(
        getTokens(s.sdk, rotating, t.RefreshToken),
        "RefreshTokenReuseException",
        "Refresh Token has already been used",
      );
      await expectError(getTokens(s.sdk, rotating, third), "NotAuthorizedException", REVOKED_REFRESH);
      await expectError(getUser(s.sdk, r2?.AccessToken ?? ""), "NotAuthorizedException", REVOKED_ACCESS);
    });

    it("RevokeToken with a rotated token revokes the tokens that replaced it", async () => {
      const { clientId: rotating } = await makeClient(s.sdk, poolId, {
        RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: 10 },
      });
      await confirmedUser(s.sdk, { poolId, clientId, username: "quin" });
      const t = await signIn(s.sdk, rotating, "quin");
      const next = (await getTokens(s.sdk, rotating, t.RefreshToken)).AuthenticationResult;
      await s.sdk.send(new RevokeTokenCommand({ ClientId: rotating, Token: t.RefreshToken }));
      await expectError(
        getTokens(s.sdk, rotating, next?.RefreshToken ?? ""),
        "NotAuthorizedException",
        REVOKED_REFRESH,
      );
      await expectError(getUser(s.sdk, next?.AccessToken ?? ""), "NotAuthorizedException", REVOKED_ACCESS);
    });
  });
});

describe("refresh-token rotation's grace period on an injected clock", () => {
  let s: TestServer;
  const clock = new ManualClock(Date.now());
  beforeAll(async () => {
    s = await startServer({}, { clock });
  });
  afterAll(() => s?.close());

  it("a retired token works for RetryGracePeriodSeconds after its first use, then is a reuse", async () => {
    const { poolId } = await makePool(s.sdk);
    const { clientId } = await makeClient(s.sdk, poolId, {
      RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: 30 },
    });
    await confirmedUser(s.sdk, { poolId, clientId, username: "rex" });
    const t = await signIn(s.sdk, clientId, "rex");
    const first = (await getTokens(s.sdk, clientId, t.RefreshToken)).AuthenticationResult?.RefreshToken ?? "";
    clock.advance(29_000);
    // A retry within the grace period (the client lost the first answer) gets tokens again.
    const retry = (await getTokens(s.sdk, clientId, t.RefreshToken)).AuthenticationResult?.RefreshToken ?? "";
    expect(retry).not.toBe(first);
    clock.advance(1_000);
    await expectError(getTokens(s.sdk, clientId, t.RefreshToken), "RefreshTokenReuseException");
    await expectError(getTokens(s.sdk, clientId, first), "NotAuthorizedException", REVOKED_REFRESH);
  });
});

function awsEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    AWS_ACCESS_KEY_ID: "AKIDTESTCOGNATE",
    AWS_SECRET_ACCESS_KEY: "test-secret",
    AWS_DEFAULT_REGION: "us-east-1",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
}

describe("sign-out and revocation (boto3)", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ configCacheSeconds: 0 });
  });
  afterAll(() => s?.close());

  it("admin sign-in, get_tokens_from_refresh_token, revoke_token, global_sign_out, admin_user_global_sign_out", async () => {
    const { poolId } = await makePool(s.sdk);
    const { clientId } = await makeClient(s.sdk, poolId);
    await confirmedUser(s.sdk, { poolId, clientId, username: "pyuser" });
    const script = `
import json, sys, boto3
from botocore.exceptions import ClientError
url, client_id, pool_id, password = sys.argv[1:5]
c = boto3.client("cognito-idp", endpoint_url=url, region_name="us-east-1")
out = {}
def err(f):
    try:
        f()
        return None
    except ClientError as e:
        return [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
def admin():
    return c.admin_initiate_auth(UserPoolId=pool_id, ClientId=client_id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": "pyuser", "PASSWORD": password})["AuthenticationResult"]
a, b, d = admin(), admin(), admin()
r = c.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=a["RefreshToken"])["AuthenticationResult"]
out["get_tokens"] = sorted(r.keys())
out["get_user"] = c.get_user(AccessToken=r["AccessToken"])["Username"]
c.revoke_token(ClientId=client_id, Token=a["RefreshToken"])
out["after_revoke"] = err(lambda: c.get_user(AccessToken=r["AccessToken"]))
out["refresh_after_revoke"] = err(lambda: c.get_tokens_from_refresh_token(ClientId=client_id, RefreshToken=a["RefreshToken"]))
out["other_session"] = c.get_user(AccessToken=b["AccessToken"])["Username"]
out["revoke_access"] = err(lambda: c.revoke_token(ClientId=client_id, Token=b["AccessToken"]))
c.global_sign_out(AccessToken=b["AccessToken"])
out["after_global"] = err(lambda: c.get_user(AccessToken=d["AccessToken"]))
out["refresh_after_global"] = err(lambda: c.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                                        AuthParameters={"REFRESH_TOKEN": d["RefreshToken"]}))
e = admin()
c.admin_user_global_sign_out(UserPoolId=pool_id, Username="pyuser")
out["after_admin_global"] = err(lambda: c.get_user(AccessToken=e["AccessToken"]))
out["admin_unknown"] = err(lambda: c.admin_user_global_sign_out(UserPoolId=pool_id, Username="nobody"))
out["global_invalid"] = err(lambda: c.global_sign_out(AccessToken="abc.def.ghi"))
print(json.dumps(out))
`;
    const { stdout } = await run("python3", ["-c", script, s.url, clientId, poolId, PASSWORD], {
      env: awsEnv(),
    });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out.get_tokens).toEqual(["AccessToken", "ExpiresIn", "IdToken", "TokenType"]);
    expect(out.get_user).toBe("pyuser");
    expect(out.after_revoke).toEqual(["NotAuthorizedException", REVOKED_ACCESS, 400]);
    expect(out.refresh_after_revoke).toEqual(["NotAuthorizedException", REVOKED_REFRESH, 400]);
    expect(out.other_session).toBe("pyuser");
    expect(out.revoke_access).toEqual([
      "UnsupportedTokenTypeException",
      "Only refresh tokens can be revoked.",
      400,
    ]);
    expect(out.after_global).toEqual(["NotAuthorizedException", REVOKED_ACCESS, 400]);
    expect(out.refresh_after_global).toEqual(["NotAuthorizedException", REVOKED_REFRESH, 400]);
    expect(out.after_admin_global).toEqual(["NotAuthorizedException", REVOKED_ACCESS, 400]);
    expect(out.admin_unknown).toEqual(["UserNotFoundException", "User does not exist.", 400]);
    expect(out.global_invalid).toEqual(["NotAuthorizedException", "Invalid Access Token", 400]);
  });
});
