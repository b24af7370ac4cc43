// The server secret lives outside the database (docs/secrets.md): dev mode keeps it in a
// 0600 key file beside a SQLite file, production refuses to start without one, a node given
// another secret than the database's refuses with what to do, and `cognate secret rotate`
// re-seals everything sealed under a new one (codes already sent stop matching).
import { randomBytes, randomInt } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConfirmSignUpCommand,
  DescribeUserPoolClientCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/adapters/store/open.js";
import { cryptoRandom, type Random } from "../../src/domain/ids.js";
import { computeSecretHash } from "../../src/domain/secretHash.js";
import { runCli } from "../helpers/child.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { startServer } from "../helpers/server.js";
import { confirmedUser, makeClient, passwordSignIn } from "../helpers/signin.js";

/** Both servers of a test name themselves alike, so the `self` issuer of their tokens agrees. */
const ISSUER_BASE = "http://cognate.test:9229";

const BASE64_32 = /^[A-Za-z0-9+/]{43}=$/;

/** Codes that never repeat. */
function distinctCodes(): Random {
  let next = randomInt(100_000, 800_000);
  return { ...cryptoRandom, int: (max) => (max === 1_000_000 ? next++ : cryptoRandom.int(max)) };
}

describe("the server secret", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "cognate-secrets-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("dev mode keeps it in a 0600 key file beside the SQLite file, never in the database", async () => {
    const sub = mkdtempSync(join(dir, "dev-"));
    const db = join(sub, "c.db");
    const s = await startServer({ db });
    let clientSecret: string | undefined;
    try {
      ({ clientSecret } = await makePool(s.sdk, {}, { GenerateSecret: true }));
    } finally {
      await s.close();
    }
    const keyFile = `${db}.key`;
    const text = readFileSync(keyFile, "utf8").trim();
    expect(text).toMatch(BASE64_32);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    // Neither the secret (as text or bytes) nor the client secret is in the database files.
    const raw = Buffer.from(text, "base64");
    for (const f of readdirSync(sub).filter((f) => !f.endsWith(".key"))) {
      const bytes = readFileSync(join(sub, f));
      expect(bytes.includes(Buffer.from(text)), f).toBe(false);
      expect(bytes.includes(raw), f).toBe(false);
      expect(bytes.includes(Buffer.from(clientSecret ?? "unset")), f).toBe(false);
    }
  });

  it("a configured secret is read as earlier versions read it (lenient base64, at least 16 bytes)", async () => {
    const opened = await openStore(":memory:", {
      serverSecret: "a passphrase-like secret, not strict base64 ",
    });
    expect(opened.serverSecret.length).toBeGreaterThanOrEqual(16);
    await opened.store.close();
  });

  it("`:memory:` keeps it in memory", async () => {
    const opened = await openStore(":memory:");
    try {
      expect(opened.secretSource).toContain("memory");
      expect(existsSync(":memory:.key")).toBe(false);
    } finally {
      await opened.store.close();
    }
  });

  it("production refuses to start without one, saying how to make one", async () => {
    const db = join(dir, "prod.db");
    const r = await runCli(["serve", "--port", "0", "--db", db, "--mode", "production"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("production mode needs a server secret");
    expect(r.stderr).toContain("cognate secret generate --out");
    expect(r.stderr).toContain("openssl rand -base64 32");
    expect(r.stdout).not.toContain("listening");
    const missing = join(dir, "nowhere.key");
    await expect(startServer({ db, mode: "production", serverSecretFile: missing })).rejects.toThrow(
      `the server secret file ${missing} does not exist`,
    );
    await expect(startServer({ db, mode: "production", serverSecret: "dG9vIHNob3J0" })).rejects.toThrow(
      /at least 16 bytes/,
    );
  });

  it("`cognate secret generate` prints a new one, or writes it to a new 0600 file", async () => {
    const a = await runCli(["secret", "generate"]);
    const b = await runCli(["secret", "generate"]);
    expect(a.code).toBe(0);
    expect(a.stdout.trim()).toMatch(BASE64_32);
    expect(b.stdout.trim()).not.toBe(a.stdout.trim());
    const out = join(dir, "generated.key");
    expect((await runCli(["secret", "generate", "--out", out])).code).toBe(0);
    expect(readFileSync(out, "utf8").trim()).toMatch(BASE64_32);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const again = await runCli(["secret", "generate", "--out", out]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("exists already");
  });

  it("a node given another secret than the database's refuses to start, and says what to do", async () => {
    const db = join(dir, "mismatch.db");
    const secret = randomBytes(32).toString("base64");
    const first = await startServer({ db, serverSecret: secret });
    await makePool(first.sdk, {}, { GenerateSecret: true });
    await first.close();
    const other = randomBytes(32).toString("base64");
    await expect(startServer({ db, serverSecret: other })).rejects.toThrow(
      /is not the one this database was sealed with[\s\S]*cognate secret rotate/,
    );
    // Dev mode without configuration would make a key file of its own: refused the same way.
    const r = await runCli(["serve", "--port", "0", "--db", db]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/fingerprint \S+; the database expects \S+/);
    // The right one still opens it.
    const again = await startServer({ db, serverSecret: secret });
    await again.close();

    // A database from before fingerprints (earlier versions with a configured secret): what is
    // sealed must open with the secret given, or the start is refused.
    const lite = new Database(db);
    lite.prepare("DELETE FROM meta WHERE key = 'server_secret_fingerprint'").run();
    lite.close();
    await expect(startServer({ db, serverSecret: other })).rejects.toThrow(
      /the database expects \(none recorded\)/,
    );
    const fine = await startServer({ db, serverSecret: secret });
    await fine.close();
  });

  it("`cognate secret rotate` re-seals client secrets, access keys and signing keys; tokens issued before keep working; codes sent before stop matching", async () => {
    const sub = mkdtempSync(join(dir, "rotate-"));
    const db = join(sub, "c.db");
    const s1 = await startServer({ db, publicUrl: ISSUER_BASE }, { random: distinctCodes() });
    const { poolId, clientId, clientSecret } = await makePool(s1.sdk, {}, { GenerateSecret: true });
    if (!clientSecret) throw new Error("no client secret");
    const hash = (u: string) => computeSecretHash(clientSecret, u, clientId);
    await s1.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        SecretHash: hash("rita"),
        Username: "rita",
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: "rita@example.com" }],
      }),
    );
    const sentBefore = await s1.inbox.code("rita", poolId);
    // A session signed in before the rotation (the pool's signing keys are made now).
    const { clientId: web } = await makeClient(s1.sdk, poolId);
    await confirmedUser(s1.sdk, { poolId, clientId: web, username: "sian" });
    const session = (await passwordSignIn(s1.sdk, web, "sian")).AuthenticationResult;
    await s1.close();
    const made = await runCli(["keys", "create", "--db", db, "--json"]);
    expect(made.code, made.stderr).toBe(0);
    const key = JSON.parse(made.stdout) as { AccessKeyId: string; SecretAccessKey: string };
    const old = readFileSync(`${db}.key`, "utf8").trim();

    const next = join(sub, "next.key");
    const r = await runCli(["secret", "rotate", "--db", db, "--new-secret-file", next]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("re-sealed 1 client secret(s), 1 access key(s) and 2 token signing key(s)");
    expect(r.stdout).toContain("1 code(s) sent before now can no longer be checked");
    const nextText = readFileSync(next, "utf8").trim();
    expect(nextText).toMatch(BASE64_32);
    expect(nextText).not.toBe(old);
    // Dev mode's own key file now holds the new secret.
    expect(readFileSync(`${db}.key`, "utf8").trim()).toBe(nextText);

    const s2 = await startServer({ db, publicUrl: ISSUER_BASE }, { random: distinctCodes() });
    try {
      const c = await s2.sdk.send(
        new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }),
      );
      expect(c.UserPoolClient?.ClientSecret).toBe(clientSecret);
      expect((await s2.app.deps.store.read.accessKeys.get(key.AccessKeyId))?.secretAccessKey).toBe(
        key.SecretAccessKey,
      );
      // The access token still checks out, the refresh token still refreshes, and new tokens
      // are signed with the same (re-sealed) keys.
      expect((await s2.sdk.send(new GetUserCommand({ AccessToken: session?.AccessToken }))).Username).toBe(
        "sian",
      );
      const renewed = await s2.sdk.send(
        new InitiateAuthCommand({
          ClientId: web,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: { REFRESH_TOKEN: session?.RefreshToken ?? "" },
        }),
      );
      const kid = (t: string | undefined) =>
        JSON.parse(Buffer.from((t ?? "").split(".")[0] ?? "", "base64url").toString()).kid;
      expect(kid(renewed.AuthenticationResult?.AccessToken)).toBe(kid(session?.AccessToken));
      const confirm = (code: string) =>
        s2.sdk.send(
          new ConfirmSignUpCommand({
            ClientId: clientId,
            SecretHash: hash("rita"),
            Username: "rita",
            ConfirmationCode: code,
          }),
        );
      await expectError(confirm(sentBefore), "CodeMismatchException");
      await s2.sdk.send(
        new ResendConfirmationCodeCommand({ ClientId: clientId, SecretHash: hash("rita"), Username: "rita" }),
      );
      await confirm(await s2.inbox.code("rita", poolId));
    } finally {
      await s2.close();
    }
    // The old secret is refused from now on.
    await expect(startServer({ db, serverSecret: old })).rejects.toThrow(
      /not the one this database was sealed with/,
    );
    // Rotating to the secret in use is refused.
    const same = await runCli(["secret", "rotate", "--db", db, "--new-secret-file", next]);
    expect(same.code).toBe(2);
    expect(same.stderr).toContain("holds the current server secret");
  });
});
