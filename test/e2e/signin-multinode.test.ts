// Two `cognate serve` processes on one PostgreSQL database sign users in as one Cognito user
// pool: the signing keys are shared, so either node accepts the tokens the other issued and
// refreshes its refresh tokens, and a sign-out or revocation on one holds on the other; an
// SRP handshake begun on one finishes on the other, and failed attempts count on both.
// Runs when COGNATE_TEST_POSTGRES_URL names a server.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AdminConfirmSignUpCommand,
  type CognitoIdentityProviderClient,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatTimestamp } from "../../src/domain/srp/timestamp.js";
import { type ChildServer, startChild } from "../helpers/child.js";
import { expectError } from "../helpers/expect.js";
import { PASSWORD } from "../helpers/fixtures.js";
import { type FreshDatabase, freshDatabase, POSTGRES_BACKEND, POSTGRES_URL } from "../helpers/postgres.js";
import { sdkClient } from "../helpers/server.js";
import { decodeJwt } from "../helpers/signin.js";
import { srpAnswer, srpSignIn, srpStart } from "../helpers/srp.js";

const POOL = "us-east-1_SignInNodes";
const CLIENT = "signinnodesclient00000001";
// Both nodes name the same public URL, so their tokens carry the same issuer.
const PUBLIC_URL = "http://cognate.test:9229";

describe.skipIf(!POSTGRES_URL || POSTGRES_BACKEND)("sign-in on two nodes of one PostgreSQL", () => {
  let dir: string;
  let db: FreshDatabase;
  const children: ChildServer[] = [];
  let sdk1: CognitoIdentityProviderClient;
  let sdk2: CognitoIdentityProviderClient;

  const signIn = async (sdk: CognitoIdentityProviderClient, username: string) => {
    const r = await sdk.send(
      new InitiateAuthCommand({
        ClientId: CLIENT,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: username, PASSWORD },
      }),
    );
    const a = r.AuthenticationResult;
    if (!a?.AccessToken || !a.RefreshToken || !a.IdToken) throw new Error("no tokens");
    return { access: a.AccessToken, refresh: a.RefreshToken, id: a.IdToken };
  };
  const user = async (username: string) => {
    await sdk1.send(
      new SignUpCommand({
        ClientId: CLIENT,
        Username: username,
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: `${username}@example.com` }],
      }),
    );
    await sdk2.send(new AdminConfirmSignUpCommand({ UserPoolId: POOL, Username: username }));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cognate-signin-nodes-"));
    db = await freshDatabase();
    const configPath = join(dir, "cognate.json");
    writeFileSync(
      configPath,
      JSON.stringify({
        logLevel: "silent",
        serverSecretFile: join(dir, "server-secret.key"),
        publicUrl: PUBLIC_URL,
        configCacheSeconds: 1,
        seed: {
          pools: [
            {
              PoolName: "signin-nodes",
              Id: POOL,
              Clients: [
                {
                  ClientName: "web",
                  ClientId: CLIENT,
                  ExplicitAuthFlows: [
                    "ALLOW_USER_PASSWORD_AUTH",
                    "ALLOW_USER_SRP_AUTH",
                    "ALLOW_REFRESH_TOKEN_AUTH",
                  ],
                },
              ],
            },
          ],
        },
      }),
    );
    // Both start at once: the pool's first signing keys may be made by either, or both at once.
    const [node1, node2] = await Promise.all([
      startChild(["--db", db.url, "--config", configPath]),
      startChild(["--db", db.url, "--config", configPath]),
    ]);
    children.push(node1, node2);
    sdk1 = sdkClient(node1.url);
    sdk2 = sdkClient(node2.url);
  }, 120_000);

  afterAll(async () => {
    sdk1?.destroy();
    sdk2?.destroy();
    for (const c of children) c.kill("SIGKILL");
    await Promise.all(children.map((c) => c.exited));
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the first sign-ins on both nodes at once agree on the pool's keys", async () => {
    await user("ana");
    const [a, b] = await Promise.all([signIn(sdk1, "ana"), signIn(sdk2, "ana")]);
    expect(decodeJwt(a.access).header.kid).toBe(decodeJwt(b.access).header.kid);
    expect(decodeJwt(a.id).header.kid).toBe(decodeJwt(b.id).header.kid);
    expect(decodeJwt(a.access).payload.iss).toBe(`${PUBLIC_URL}/${POOL}`);
  });

  it("tokens from node 1 work on node 2: GetUser, both refresh operations", async () => {
    await user("ben");
    const t = await signIn(sdk1, "ben");
    expect((await sdk2.send(new GetUserCommand({ AccessToken: t.access }))).Username).toBe("ben");
    const r = await sdk2.send(
      new InitiateAuthCommand({
        ClientId: CLIENT,
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: t.refresh },
      }),
    );
    const fresh = r.AuthenticationResult?.AccessToken ?? "";
    expect((await sdk1.send(new GetUserCommand({ AccessToken: fresh }))).Username).toBe("ben");
    const g = await sdk2.send(
      new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT, RefreshToken: t.refresh }),
    );
    expect(decodeJwt(g.AuthenticationResult?.IdToken ?? "").payload["cognito:username"]).toBe("ben");
  });

  it("a global sign-out on node 2 holds on node 1; a RevokeToken on node 1 holds on node 2", async () => {
    await user("cy");
    const a = await signIn(sdk1, "cy");
    const b = await signIn(sdk1, "cy");
    // Node 1 has checked (and remembered) the token before the sign-out.
    expect((await sdk1.send(new GetUserCommand({ AccessToken: a.access }))).Username).toBe("cy");
    await sdk2.send(new GlobalSignOutCommand({ AccessToken: b.access }));
    for (const t of [a, b]) {
      await expectError(
        sdk1.send(new GetUserCommand({ AccessToken: t.access })),
        "NotAuthorizedException",
        "Access Token has been revoked",
      );
      await expectError(
        sdk1.send(new GetTokensFromRefreshTokenCommand({ ClientId: CLIENT, RefreshToken: t.refresh })),
        "NotAuthorizedException",
        "Refresh Token has been revoked",
      );
    }
    const c = await signIn(sdk2, "cy");
    const d = await signIn(sdk2, "cy");
    await sdk1.send(new RevokeTokenCommand({ ClientId: CLIENT, Token: c.refresh }));
    await expectError(
      sdk2.send(new GetUserCommand({ AccessToken: c.access })),
      "NotAuthorizedException",
      "Access Token has been revoked",
    );
    expect((await sdk2.send(new GetUserCommand({ AccessToken: d.access }))).Username).toBe("cy");
  });

  it("an SRP handshake started on node 1 finishes on node 2, once (the SECRET_BLOCK is single use on every node)", async () => {
    await user("dot");
    const t1 = { sdk: sdk1, poolId: POOL, clientId: CLIENT };
    const started = await srpStart(t1, "dot");
    const timestamp = formatTimestamp(Date.now());
    const r = await srpAnswer({ ...t1, sdk: sdk2 }, started, { timestamp });
    expect(decodeJwt(r.AuthenticationResult?.AccessToken ?? "").payload.username).toBe("dot");
    await expectError(
      srpAnswer(t1, started, { timestamp }),
      "NotAuthorizedException",
      "Incorrect username or password.",
    );
  });

  it("failed attempts on both nodes are counted together (the lock-out count is in the database)", async () => {
    await user("eve");
    const t2 = { sdk: sdk2, poolId: POOL, clientId: CLIENT };
    for (const sdk of [sdk1, sdk2, sdk1]) {
      await expectError(
        sdk.send(
          new InitiateAuthCommand({
            ClientId: CLIENT,
            AuthFlow: "USER_PASSWORD_AUTH",
            AuthParameters: { USERNAME: "eve", PASSWORD: "Wr0ng-Horse!" },
          }),
        ),
        "NotAuthorizedException",
        "Incorrect username or password.",
      );
    }
    await expectError(srpSignIn(t2, "eve", { password: "Wr0ng-Horse!" }), "NotAuthorizedException");
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const rows = await c.query(
        "SELECT failures FROM sign_in_failures WHERE pool_id = $1 AND username = $2",
        [POOL, "eve"],
      );
      expect(rows.rows.map((row: { failures: number }) => Number(row.failures))).toEqual([4]);
    } finally {
      await c.end();
    }
  });
});
