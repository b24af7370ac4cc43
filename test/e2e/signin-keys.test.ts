// `cognate signing-keys rotate` against a running server (docs/signin.md, "Signing keys"): the
// new keys sign from then on, tokens signed before keep working, and the JWKS lists old and
// new keys. On the database of the test pass (SQLite, or PostgreSQL with
// COGNATE_TEST_BACKEND=postgres).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import {
  AdminConfirmSignUpCommand,
  type CognitoIdentityProviderClient,
  GetUserCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildServer, runCli, startChild } from "../helpers/child.js";
import { PASSWORD } from "../helpers/fixtures.js";
import { type FreshDatabase, freshDatabase, POSTGRES_BACKEND } from "../helpers/postgres.js";
import { sdkClient } from "../helpers/server.js";
import { decodeJwt } from "../helpers/signin.js";

const POOL = "us-east-1_KeyRotation1";
const CLIENT = "keyrotationclient00000001";

interface Listed {
  SigningKeys: { Kid: string; Use: string; Generation: number; State: string }[];
}

describe("signing-key rotation (cognate signing-keys)", () => {
  let dir: string;
  let pg: FreshDatabase | null = null;
  let db: string;
  let configPath: string;
  let node: ChildServer;
  let sdk: CognitoIdentityProviderClient;

  const cli = (...args: string[]) => runCli(["signing-keys", ...args, "--db", db, "--config", configPath]);
  const signIn = async (username: string) => {
    const r = await sdk.send(
      new InitiateAuthCommand({
        ClientId: CLIENT,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: username, PASSWORD },
      }),
    );
    return { access: r.AuthenticationResult?.AccessToken ?? "", id: r.AuthenticationResult?.IdToken ?? "" };
  };
  const jwksKids = async () => {
    const r = await fetch(`${node.url}/${POOL}/.well-known/jwks.json`);
    return ((await r.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid).sort();
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cognate-signing-keys-"));
    pg = POSTGRES_BACKEND ? await freshDatabase() : null;
    db = pg ? pg.url : join(dir, "cognate.db");
    configPath = join(dir, "cognate.json");
    writeFileSync(
      configPath,
      JSON.stringify({
        logLevel: "silent",
        serverSecretFile: join(dir, "server-secret.key"),
        configCacheSeconds: 1,
        seed: {
          pools: [
            {
              PoolName: "rotation",
              Id: POOL,
              Clients: [
                {
                  ClientName: "web",
                  ClientId: CLIENT,
                  ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                },
              ],
            },
          ],
        },
      }),
    );
    node = await startChild(["--db", db, "--config", configPath]);
    sdk = sdkClient(node.url);
    await sdk.send(
      new SignUpCommand({
        ClientId: CLIENT,
        Username: "kay",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "kay@example.com" }],
      }),
    );
    await sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: POOL, Username: "kay" }));
  }, 60_000);

  afterAll(async () => {
    sdk?.destroy();
    node?.kill("SIGKILL");
    await node?.exited;
    await pg?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a new key pair signs after a rotation; tokens signed before keep working; the JWKS lists both", async () => {
    const before = await signIn("kay");
    const listed = await cli("list", "--pool", POOL, "--json");
    expect(listed.code).toBe(0);
    const keys = (JSON.parse(listed.stdout) as Listed).SigningKeys;
    expect(keys.map((k) => [k.Use, k.Generation, k.State]).sort()).toEqual([
      ["access", 1, "signing"],
      ["id", 1, "signing"],
    ]);
    expect(await jwksKids()).toEqual(keys.map((k) => k.Kid).sort());

    const rotated = await cli("rotate", "--pool", POOL, "--json");
    expect(rotated.code, rotated.stderr).toBe(0);
    const out = JSON.parse(rotated.stdout) as {
      Added: { use: string; kid: string; generation: number }[];
      Retired: { use: string; kid: string }[];
    };
    expect(out.Added.map((k) => [k.use, k.generation]).sort()).toEqual([
      ["access", 2],
      ["id", 2],
    ]);
    expect(out.Retired.map((k) => k.kid).sort()).toEqual(keys.map((k) => k.Kid).sort());

    // The token signed with the retired key still works; the JWKS lists old and new keys.
    expect((await sdk.send(new GetUserCommand({ AccessToken: before.access }))).Username).toBe("kay");
    expect(await jwksKids()).toEqual([...keys.map((k) => k.Kid), ...out.Added.map((k) => k.kid)].sort());

    // Once the node's cached key set expires (configCacheSeconds), it signs with the new keys.
    const newKid = (use: string) => out.Added.find((k) => k.use === use)?.kid;
    let after = await signIn("kay");
    for (let i = 0; i < 30 && decodeJwt(after.access).header.kid !== newKid("access"); i++) {
      await delay(200);
      after = await signIn("kay");
    }
    expect(decodeJwt(after.access).header.kid).toBe(newKid("access"));
    expect(decodeJwt(after.id).header.kid).toBe(newKid("id"));
    expect((await sdk.send(new GetUserCommand({ AccessToken: after.access }))).Username).toBe("kay");
    expect((await sdk.send(new GetUserCommand({ AccessToken: before.access }))).Username).toBe("kay");

    const relisted = (JSON.parse((await cli("list", "--pool", POOL, "--json")).stdout) as Listed).SigningKeys;
    expect(relisted.map((k) => [k.Use, k.Generation, k.State]).sort()).toEqual([
      ["access", 1, "retired (listed)"],
      ["access", 2, "signing"],
      ["id", 1, "retired (listed)"],
      ["id", 2, "signing"],
    ]);
  });

  it("refuses an unknown pool, a missing --pool and an unknown verb", async () => {
    const unknown = await cli("rotate", "--pool", "us-east-1_Nope0000");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no user pool us-east-1_Nope0000");
    const noPool = await runCli(["signing-keys", "rotate", "--db", db, "--config", configPath]);
    expect(noPool.code).not.toBe(0);
    expect(noPool.stderr).toContain("--pool");
    const verb = await cli("shred", "--pool", POOL);
    expect(verb.code).not.toBe(0);
    expect(verb.stderr).toContain('unknown signing-keys command "shred"');
  });
});
