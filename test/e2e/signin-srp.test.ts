// USER_SRP_AUTH → PASSWORD_VERIFIER against a real server (docs/signin-challenges.md, "SRP sign-in"):
// amazon-cognito-identity-js's own authenticateUser, and the AWS SDK v3 with the client math
// of src/domain/srp/client.ts for every refusal (the proof, the SECRET_BLOCK, the TIMESTAMP,
// flows not enabled, secret clients, unknown names, users without a verifier).
import {
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  UpdateUserPoolClientCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { AuthenticationDetails, CognitoUser, CognitoUserPool } from "amazon-cognito-identity-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeSecretHash } from "../../src/domain/secretHash.js";
import { asUsername } from "../../src/domain/usernames.js";
import { ManualClock } from "../../src/ports/clock.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { confirmedUser, decodeJwt, makeClient, passwordSignIn } from "../helpers/signin.js";
import { srpAnswer, srpSignIn, srpStart } from "../helpers/srp.js";

const INCORRECT = "Incorrect username or password.";

function identityJsSignIn(pool: CognitoUserPool, username: string, password: string) {
  const user = new CognitoUser({ Username: username, Pool: pool });
  return new Promise<{ user: CognitoUser; session: import("amazon-cognito-identity-js").CognitoUserSession }>(
    (resolve, reject) =>
      user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
        onSuccess: (session) => resolve({ user, session }),
        onFailure: reject,
      }),
  );
}

describe("USER_SRP_AUTH", () => {
  let s: TestServer;
  let poolId: string;
  let clientId: string;
  // The server's clock: the same as the test's, moved by hand where a test needs time to pass.
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    s = await startServer({}, { clock });
    ({ poolId } = await makePool(s.sdk));
    ({ clientId } = await makeClient(s.sdk, poolId));
    for (const username of ["alice", "frank", "sam", "nina"]) {
      await confirmedUser(s.sdk, { poolId, clientId, username });
    }
  });
  afterAll(() => s?.close());

  it("amazon-cognito-identity-js signs in with SRP, reads its session and refreshes it", async () => {
    const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url });
    const { user, session } = await identityJsSignIn(pool, "alice", PASSWORD);
    expect(session.isValid()).toBe(true);
    expect(session.getIdToken().payload["cognito:username"]).toBe("alice");
    expect(session.getAccessToken().payload.client_id).toBe(clientId);
    const again = await new Promise<import("amazon-cognito-identity-js").CognitoUserSession>((res, rej) =>
      user.getSession((err: Error | null, sess: import("amazon-cognito-identity-js").CognitoUserSession) =>
        err ? rej(err) : res(sess),
      ),
    );
    expect(again.getAccessToken().getJwtToken()).toBe(session.getAccessToken().getJwtToken());
    const refreshed = await new Promise<import("amazon-cognito-identity-js").CognitoUserSession>((res, rej) =>
      user.refreshSession(session.getRefreshToken(), (err: Error | null, sess) =>
        err ? rej(err) : res(sess),
      ),
    );
    expect(refreshed.getAccessToken().payload.jti).not.toBe(session.getAccessToken().payload.jti);
    expect(refreshed.getAccessToken().payload.origin_jti).toBe(session.getAccessToken().payload.origin_jti);
    // globalSignOut: every refresh token of the user is revoked.
    await new Promise<void>((res, rej) =>
      user.globalSignOut({ onSuccess: () => res(), onFailure: (e: Error) => rej(e) }),
    );
    await expectError(
      s.sdk.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: { REFRESH_TOKEN: session.getRefreshToken().getToken() },
        }),
      ),
      "NotAuthorizedException",
      "Refresh Token has been revoked",
    );
  });

  it("identity-js with a wrong password fails as Cognito does", async () => {
    const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: s.url });
    await expect(identityJsSignIn(pool, "alice", "Wr0ng-Horse!")).rejects.toMatchObject({
      code: "NotAuthorizedException",
      message: INCORRECT,
    });
  });

  it("the challenge has all five parameters, no Session; the answer needs none", async () => {
    const t = { sdk: s.sdk, poolId, clientId };
    const started = await srpStart(t, "alice");
    const c = started.challenge;
    expect(c.ChallengeName).toBe("PASSWORD_VERIFIER");
    expect(c.Session).toBeUndefined();
    expect(Object.keys(c.ChallengeParameters ?? {}).sort()).toEqual([
      "SALT",
      "SECRET_BLOCK",
      "SRP_B",
      "USERNAME",
      "USER_ID_FOR_SRP",
    ]);
    expect(c.ChallengeParameters?.USER_ID_FOR_SRP).toBe("alice");
    expect(c.ChallengeParameters?.SRP_B).toMatch(/^[0-9a-f]+$/);
    expect(c.ChallengeParameters?.SECRET_BLOCK).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const r = await srpAnswer(t, started);
    expect(r.ChallengeParameters).toEqual({});
    expect(r.AuthenticationResult?.TokenType).toBe("Bearer");
    expect(decodeJwt(r.AuthenticationResult?.AccessToken ?? "").payload.username).toBe("alice");
  });

  it("an alias or sub signs in; USER_ID_FOR_SRP is the internal username", async () => {
    // A pool that signs in by email: the internal username is a UUID (the sub).
    const p = await makePool(s.sdk, { UsernameAttributes: ["email"] });
    const c = await makeClient(s.sdk, p.poolId);
    const sub = await confirmedUser(s.sdk, {
      poolId: p.poolId,
      clientId: c.clientId,
      username: "carol@example.com",
      attributes: { email: "carol@example.com" },
    });
    const t = { sdk: s.sdk, poolId: p.poolId, clientId: c.clientId };
    for (const name of ["carol@example.com", "CAROL@example.com", sub]) {
      const started = await srpStart(t, name);
      expect(started.challenge.ChallengeParameters?.USER_ID_FOR_SRP).toBe(sub);
      expect(started.challenge.ChallengeParameters?.USERNAME).toBe(sub);
      const r = await srpAnswer(t, started);
      expect(decodeJwt(r.AuthenticationResult?.IdToken ?? "").payload["cognito:username"]).toBe(sub);
    }
  });

  it("AdminInitiateAuth / AdminRespondToAuthChallenge run the same handshake", async () => {
    const r = await srpSignIn({ sdk: s.sdk, poolId, clientId, admin: true }, "alice");
    expect(decodeJwt(r.AuthenticationResult?.IdToken ?? "").payload["cognito:username"]).toBe("alice");
  });

  it("a wrong proof, an altered or replayed SECRET_BLOCK, a malformed TIMESTAMP: all like a wrong password", async () => {
    const t = { sdk: s.sdk, poolId, clientId };
    const started = await srpStart(t, "frank");
    const block = started.challenge.ChallengeParameters?.SECRET_BLOCK ?? "";
    const bytes = Buffer.from(block, "base64");
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    await expectError(
      srpAnswer(t, started, { secretBlock: bytes.toString("base64") }),
      "NotAuthorizedException",
      INCORRECT,
    );
    // The answer names another user than the one challenged.
    const other = await srpStart(t, "frank");
    await expectError(srpAnswer(t, other, { username: "bob" }), "NotAuthorizedException", INCORRECT);
    await expectError(
      srpSignIn(t, "frank", { password: "Wr0ng-Horse!" }),
      "NotAuthorizedException",
      INCORRECT,
    );
    await expectError(
      srpSignIn(t, "frank", { signature: Buffer.alloc(32, 1).toString("base64") }),
      "NotAuthorizedException",
      INCORRECT,
    );
    // A zero-padded day (Cognito refuses it) and a wrong weekday.
    for (const timestamp of ["Tue Sep 05 00:09:40 UTC 2023", "Mon Sep 5 00:09:40 UTC 2023", "garbage"]) {
      await expectError(srpSignIn(t, "frank", { timestamp }), "NotAuthorizedException", INCORRECT);
    }
    // Five failures counted so far: the user is locked out for a second (lock-out tests are in
    // signin-lockout.test.ts).
    clock.advance(1_500);
    // Single use: the right answer once, then refused.
    const once = await srpStart(t, "frank");
    const ok = await srpAnswer(t, once, { timestamp: "Tue Sep 5 00:09:40 UTC 2023" });
    expect(ok.AuthenticationResult?.AccessToken).toBeTruthy();
    await expectError(
      srpAnswer(t, once, { timestamp: "Tue Sep 5 00:09:40 UTC 2023" }),
      "NotAuthorizedException",
      INCORRECT,
    );
  });

  it("a SECRET_BLOCK is bound to its client and expires with AuthSessionValidity", async () => {
    const other = await makeClient(s.sdk, poolId);
    const t = { sdk: s.sdk, poolId, clientId };
    const started = await srpStart(t, "sam");
    await expectError(
      srpAnswer({ ...t, clientId: other.clientId }, started),
      "NotAuthorizedException",
      INCORRECT,
    );
    const late = await srpStart(t, "sam");
    clock.advance(3 * 60_000 + 1_000);
    await expectError(srpAnswer(t, late), "NotAuthorizedException", INCORRECT);
  });

  it("missing parameters and an invalid SRP_A are refused", async () => {
    await expectError(
      s.sdk.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: "USER_SRP_AUTH",
          AuthParameters: { USERNAME: "alice" },
        }),
      ),
      "InvalidParameterException",
      "Missing required parameter SRP_A",
    );
    for (const SRP_A of ["0", "zz", "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd1"]) {
      const r = s.sdk.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: "USER_SRP_AUTH",
          AuthParameters: { USERNAME: "alice", SRP_A },
        }),
      );
      if (SRP_A === "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd1") {
        // Not a multiple of N: a valid (if odd) A.
        expect((await r).ChallengeName).toBe("PASSWORD_VERIFIER");
      } else {
        await expectError(r, "InvalidParameterException", "SRP_A is not a valid SRP value.");
      }
    }
    await expectError(
      s.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: "PASSWORD_VERIFIER",
          ChallengeResponses: { USERNAME: "alice", PASSWORD_CLAIM_SECRET_BLOCK: "x", TIMESTAMP: "x" },
        }),
      ),
      "InvalidParameterException",
      "Missing required parameter PASSWORD_CLAIM_SIGNATURE",
    );
  });

  it("a client without ALLOW_USER_SRP_AUTH is refused with Cognito's message", async () => {
    const c = await makeClient(s.sdk, poolId, {
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    });
    await expectError(
      srpStart({ sdk: s.sdk, poolId, clientId: c.clientId }, "alice"),
      "InvalidParameterException",
      "USER_SRP_AUTH is not enabled for the client.",
    );
    await expectError(
      srpStart({ sdk: s.sdk, poolId, clientId: c.clientId, admin: true }, "alice"),
      "InvalidParameterException",
      "USER_SRP_AUTH is not enabled for the client.",
    );
    // A client created without ExplicitAuthFlows allows SRP (Cognito's default).
    const d = await makePool(s.sdk);
    const t = { sdk: s.sdk, poolId: d.poolId, clientId: d.clientId };
    await confirmedUser(s.sdk, { poolId: d.poolId, clientId: d.clientId, username: "dora" });
    expect((await srpSignIn(t, "dora")).AuthenticationResult?.IdToken).toBeTruthy();
  });

  it("a secret client needs SECRET_HASH on both steps (over the internal username on the answer)", async () => {
    const c = await makeClient(s.sdk, poolId, { GenerateSecret: true });
    const secret = c.clientSecret ?? "";
    const t = { sdk: s.sdk, poolId, clientId: c.clientId };
    await expectError(
      srpStart(t, "nina"),
      "NotAuthorizedException",
      `Client ${c.clientId} is configured for secret but secret was not received`,
    );
    await expectError(
      srpStart(t, "nina", { SECRET_HASH: computeSecretHash(secret, "mallory", c.clientId) }),
      "NotAuthorizedException",
      `Unable to verify secret hash for client ${c.clientId}`,
    );
    const started = await srpStart(t, "nina", {
      SECRET_HASH: computeSecretHash(secret, "nina", c.clientId),
    });
    await expectError(
      srpAnswer(t, started),
      "NotAuthorizedException",
      `Client ${c.clientId} is configured for secret but secret was not received`,
    );
    const r = await srpAnswer(t, started, {
      extra: { SECRET_HASH: computeSecretHash(secret, "nina", c.clientId) },
    });
    expect(r.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("unknown names: UserNotFoundException (LEGACY); a stable fake challenge, then a wrong-password answer (ENABLED)", async () => {
    await expectError(
      srpStart({ sdk: s.sdk, poolId, clientId }, "nobody"),
      "UserNotFoundException",
      "User does not exist.",
    );
    const c = await makeClient(s.sdk, poolId, { PreventUserExistenceErrors: "ENABLED" });
    const t = { sdk: s.sdk, poolId, clientId: c.clientId };
    const a = await srpStart(t, "nobody");
    const b = await srpStart(t, "nobody");
    const pa = a.challenge.ChallengeParameters ?? {};
    const pb = b.challenge.ChallengeParameters ?? {};
    expect(Object.keys(pa).sort()).toEqual(["SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"]);
    expect(pa.SALT).toBe(pb.SALT);
    expect(pa.USER_ID_FOR_SRP).toBe(pb.USER_ID_FOR_SRP);
    expect(pa.USER_ID_FOR_SRP).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(pa.SRP_B).not.toBe(pb.SRP_B);
    expect((await srpStart(t, "somebody-else")).challenge.ChallengeParameters?.SALT).not.toBe(pa.SALT);
    await expectError(srpAnswer(t, a), "NotAuthorizedException", INCORRECT);
    // A real user's challenge under the same client looks the same.
    const real = await srpStart(t, "alice");
    expect(Object.keys(real.challenge.ChallengeParameters ?? {}).sort()).toEqual(Object.keys(pa).sort());
  });

  it("a user whose password predates verifiers fails SRP like a wrong password, and gets a verifier at the next password sign-in", async () => {
    await confirmedUser(s.sdk, { poolId, clientId, username: "olga" });
    await s.app.deps.store.transaction(async (tx) => {
      const u = await tx.users.getForUpdate(poolId, asUsername("olga"));
      if (!u) throw new Error("no olga");
      await tx.users.update({ ...u, srp: null });
    });
    const t = { sdk: s.sdk, poolId, clientId };
    await expectError(srpSignIn(t, "olga"), "NotAuthorizedException", INCORRECT);
    await passwordSignIn(s.sdk, clientId, "olga");
    expect((await srpSignIn(t, "olga")).AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("disabled and unconfirmed users are refused at InitiateAuth", async () => {
    await s.sdk.send(
      new UpdateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientId: clientId,
        ExplicitAuthFlows: [
          "ALLOW_USER_SRP_AUTH",
          "ALLOW_REFRESH_TOKEN_AUTH",
          "ALLOW_USER_PASSWORD_AUTH",
          "ALLOW_ADMIN_USER_PASSWORD_AUTH",
        ],
      }),
    );
    const t = { sdk: s.sdk, poolId, clientId };
    await s.app.deps.store.transaction(async (tx) => {
      const u = await tx.users.getForUpdate(poolId, asUsername("olga"));
      if (!u) throw new Error("no olga");
      await tx.users.update({ ...u, status: "UNCONFIRMED" });
    });
    await expectError(srpStart(t, "olga"), "UserNotConfirmedException", "User is not confirmed.");
    await s.app.deps.store.transaction(async (tx) => {
      const u = await tx.users.getForUpdate(poolId, asUsername("olga"));
      if (!u) throw new Error("no olga");
      await tx.users.update({ ...u, status: "CONFIRMED", enabled: false });
    });
    await expectError(srpStart(t, "olga"), "NotAuthorizedException", "User is disabled.");
  });
});
