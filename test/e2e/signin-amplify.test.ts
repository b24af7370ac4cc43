// Amplify v6 (aws-amplify 6.22.1) against a real server, configured only with
// `userPoolEndpoint`: signIn (its default flow, USER_SRP_AUTH) → fetchAuthSession (and a forced
// refresh, which Amplify does with GetTokensFromRefreshToken) → signOut (RevokeToken), and
// signIn's NEW_PASSWORD_REQUIRED step for a user AdminCreateUser made → confirmSignIn (docs/signin-challenges.md).
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  GetUserCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { Amplify } from "aws-amplify";
import { confirmSignIn, fetchAuthSession, getCurrentUser, signIn, signOut } from "aws-amplify/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, makeClient } from "../helpers/signin.js";

describe("Amplify v6 sign-in", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;

  beforeAll(async () => {
    s = await startServer();
    ({ poolId } = await makePool(s.sdk));
    ({ clientId } = await makeClient(s.sdk, poolId));
    Amplify.configure({
      Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: s.url } },
    });
  });
  afterAll(async () => {
    await signOut().catch(() => undefined);
    await s?.close();
  });

  it("signIn (SRP) → fetchAuthSession → forced refresh → signOut revokes the session", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "amy" });
    const r = await signIn({ username: "amy", password: PASSWORD });
    expect(r).toEqual({ isSignedIn: true, nextStep: { signInStep: "DONE" } });
    expect((await getCurrentUser()).username).toBe("amy");
    const session = await fetchAuthSession();
    const access = session.tokens?.accessToken.toString() ?? "";
    expect(session.tokens?.idToken?.payload["cognito:username"]).toBe("amy");
    expect((await s.sdk.send(new GetUserCommand({ AccessToken: access }))).Username).toBe("amy");
    const refreshed = await fetchAuthSession({ forceRefresh: true });
    const access2 = refreshed.tokens?.accessToken.toString() ?? "";
    expect(access2).not.toBe(access);
    expect(refreshed.tokens?.accessToken.payload.origin_jti).toBe(
      session.tokens?.accessToken.payload.origin_jti,
    );
    await signOut();
    expect((await fetchAuthSession()).tokens).toBeUndefined();
    // RevokeToken on sign-out: the access tokens of that sign-in are refused.
    await expectError(
      s.sdk.send(new GetUserCommand({ AccessToken: access2 })),
      "NotAuthorizedException",
      "Access Token has been revoked",
    );
  });

  it("a wrong password: Amplify surfaces Cognito's NotAuthorizedException", async () => {
    await expect(signIn({ username: "amy", password: "Wr0ng-Horse!" })).rejects.toMatchObject({
      name: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
  });

  it("signIn → CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED → confirmSignIn → signed in, CONFIRMED", async () => {
    // An administrator creates the user with a temporary password, as back ends do.
    await s.sdk.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: "nell",
        TemporaryPassword: PASSWORD,
        MessageAction: "SUPPRESS",
        UserAttributes: [{ Name: "email", Value: "nell@example.com" }],
      }),
    );
    const r = await signIn({ username: "nell", password: PASSWORD });
    expect(r.isSignedIn).toBe(false);
    expect(r.nextStep.signInStep).toBe("CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED");
    const done = await confirmSignIn({ challengeResponse: "N3w-Battery-Staple!" });
    expect(done).toEqual({ isSignedIn: true, nextStep: { signInStep: "DONE" } });
    const u = await s.sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: "nell" }));
    expect(u.UserStatus).toBe("CONFIRMED");
    await signOut();
  });
});
