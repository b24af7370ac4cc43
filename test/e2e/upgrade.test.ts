// A database made by an earlier version opens and keeps working. Earlier versions kept the
// server secret in the `meta` table, recorded no fingerprint, had run migrations 0001-0003
// only, and (PostgreSQL bulk imports, older writes) could hold `codes.previous` as a JSON
// array. Each case makes such a database — through the API, then put back into that shape
// with SQL — and starts the current code on it: dev mode moves the secret out into a key file
// and everything sealed or HMAC'd under it still works; production mode refuses until the
// operator exports it with `cognate secret export`. On SQLite and, when
// COGNATE_TEST_POSTGRES_URL is set, on PostgreSQL.
import { randomBytes, randomInt } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ConfirmSignUpCommand,
  DescribeUserPoolClientCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import Database from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrationProvider } from "../../src/adapters/store/migrations/index.js";
import { openStore } from "../../src/adapters/store/open.js";
import { cryptoRandom, type Random } from "../../src/domain/ids.js";
import { computeSecretHash } from "../../src/domain/secretHash.js";
import { runCli } from "../helpers/child.js";
import { expectError } from "../helpers/expect.js";
import { makePool, PASSWORD } from "../helpers/fixtures.js";
import { type FreshDatabase, freshDatabase, POSTGRES_BACKEND, POSTGRES_URL } from "../helpers/postgres.js";
import { startServer, type TestServer } from "../helpers/server.js";

/** Codes that never repeat, so a superseded code is never also the current one. */
function distinctCodes(): Random {
  let next = randomInt(100_000, 800_000);
  return { ...cryptoRandom, int: (max) => (max === 1_000_000 ? next++ : cryptoRandom.int(max)) };
}

interface Legacy {
  db: string;
  secret: string;
  poolId: string;
  clientId: string;
  clientSecret: string;
  /** Username → [older codes, current code]. */
  codes: Record<string, { old: string[]; current: string }>;
  accessKey: { id: string; secret: string };
}

type Engine = "sqlite" | "postgres";
type Run = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Undoes the migrations after `name` on a stopped server's database (their `down`s). */
async function migrateDownTo(db: string, name: string): Promise<void> {
  const engine = db.startsWith("postgres") ? "postgres" : "sqlite";
  const k = new Kysely<unknown>({
    dialect:
      engine === "postgres"
        ? new PostgresDialect({ pool: new pg.Pool({ connectionString: db, max: 1 }) })
        : new SqliteDialect({ database: new Database(db) }),
  });
  try {
    const { error } = await new Migrator({ db: k, provider: migrationProvider(engine) }).migrateTo(name);
    if (error) throw error;
  } finally {
    await k.destroy();
  }
}

/** Runs SQL (`?` placeholders) on a stopped server's database, writable. */
async function sqlOn(db: string, fn: (run: Run) => Promise<void>): Promise<void> {
  if (db.startsWith("postgres")) {
    const c = new pg.Client({ connectionString: db });
    await c.connect();
    try {
      await fn(async (sql, params = []) => {
        let i = 0;
        return (
          await c.query(
            sql.replace(/\?/g, () => `$${++i}`),
            params,
          )
        ).rows as Record<string, unknown>[];
      });
    } finally {
      await c.end();
    }
    return;
  }
  const lite = new Database(db);
  try {
    await fn(async (sql, params = []) => {
      const stmt = lite.prepare(sql);
      if (stmt.reader) return stmt.all(...params) as Record<string, unknown>[];
      stmt.run(...params);
      return [];
    });
  } finally {
    lite.close();
  }
}

const engines: Engine[] = ["sqlite"];
// The PostgreSQL case runs once, in the first pass of `npm test`.
if (POSTGRES_URL && !POSTGRES_BACKEND) engines.push("postgres");

describe.each(engines)("a database made by an earlier version (%s)", (engine) => {
  let dir: string;
  const databases: FreshDatabase[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "cognate-upgrade-"));
  });
  afterAll(async () => {
    for (const d of databases) await d.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function newDb(name: string): Promise<string> {
    if (engine === "sqlite") return join(dir, `${name}.db`);
    const d = await freshDatabase();
    databases.push(d);
    return d.url;
  }

  /** Makes data through the API under a known secret, then gives the database the old shape. */
  async function makeLegacy(name: string): Promise<Legacy> {
    const db = await newDb(name);
    const secret = randomBytes(32).toString("base64");
    const s = await startServer({ db, serverSecret: secret }, { random: distinctCodes() });
    let legacy: Legacy;
    try {
      const { poolId, clientId, clientSecret } = await makePool(s.sdk, {}, { GenerateSecret: true });
      if (!clientSecret) throw new Error("no client secret");
      const hash = (u: string) => computeSecretHash(clientSecret, u, clientId);
      const codes: Legacy["codes"] = {};
      for (const u of ["ann", "bob"]) {
        await s.sdk.send(
          new SignUpCommand({
            ClientId: clientId,
            SecretHash: hash(u),
            Username: u,
            Password: PASSWORD,
            UserAttributes: [{ Name: "email", Value: `${u}@example.com` }],
          }),
        );
        const first = await s.inbox.code(u, poolId);
        await s.sdk.send(
          new ResendConfirmationCodeCommand({ ClientId: clientId, SecretHash: hash(u), Username: u }),
        );
        codes[u] = { old: [first], current: await s.inbox.code(u, poolId) };
      }
      const made = await runCli(["keys", "create", "--db", db, "--json"], { COGNATE_SERVER_SECRET: secret });
      expect(made.code, made.stderr).toBe(0);
      const k = JSON.parse(made.stdout) as { AccessKeyId: string; SecretAccessKey: string };
      legacy = {
        db,
        secret,
        poolId,
        clientId,
        clientSecret,
        codes,
        accessKey: { id: k.AccessKeyId, secret: k.SecretAccessKey },
      };
    } finally {
      await s.close();
    }
    // The old shape: the secret in meta, no fingerprint, migration 0004 not run, and
    // `previous` as a JSON array (ann) or the mix a supersede made of one (bob).
    await migrateDownTo(db, "0003_outbox_without_user_index");
    await sqlOn(db, async (run) => {
      await run("DELETE FROM meta WHERE key = 'server_secret_fingerprint'");
      await run("INSERT INTO meta (key, value) VALUES ('server_secret', ?)", [secret]);
      for (const r of await run("SELECT username, previous FROM codes WHERE pool_id = ?", [legacy.poolId])) {
        const hmacs = String(r.previous).split(",");
        const old =
          r.username === "ann" ? JSON.stringify(hmacs) : `${hmacs[0]},${JSON.stringify(hmacs.slice(1))}`;
        await run("UPDATE codes SET previous = ? WHERE pool_id = ? AND username = ?", [
          old,
          legacy.poolId,
          r.username,
        ]);
      }
    });
    return legacy;
  }

  it("dev mode: moves the secret out into a 0600 key file; sealed secrets, codes and keys keep working", async () => {
    const legacy = await makeLegacy("dev");
    const keyFile = engine === "sqlite" ? `${legacy.db}.key` : join(dir, "dev-pg.key");
    // Give the JSON-array row one more supersede after the upgrade: the case that broke.
    let s: TestServer = await startServer(
      engine === "sqlite" ? { db: legacy.db } : { db: legacy.db, serverSecretFile: keyFile },
      { random: distinctCodes() },
    );
    try {
      expect(readFileSync(keyFile, "utf8").trim()).toBe(legacy.secret);
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      const meta = await s.query("SELECT key FROM meta");
      expect(meta.map((r) => r.key)).not.toContain("server_secret");
      expect(meta.map((r) => r.key)).toContain("server_secret_fingerprint");
      expect(await s.dumpTables()).not.toContain(legacy.secret);
      // Migration 0004: one encoding.
      for (const r of await s.query("SELECT previous FROM codes WHERE pool_id = ?", [legacy.poolId])) {
        expect(String(r.previous)).toMatch(/^[A-Za-z0-9_-]+(,[A-Za-z0-9_-]+)*$/);
      }

      const { clientId, clientSecret, poolId } = legacy;
      const hash = (u: string) => computeSecretHash(clientSecret, u, clientId);
      const described = await s.sdk.send(
        new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }),
      );
      expect(described.UserPoolClient?.ClientSecret).toBe(clientSecret);
      expect((await s.app.deps.store.read.accessKeys.get(legacy.accessKey.id))?.secretAccessKey).toBe(
        legacy.accessKey.secret,
      );
      const confirm = (u: string, code: string) =>
        s.sdk.send(
          new ConfirmSignUpCommand({
            ClientId: clientId,
            SecretHash: hash(u),
            Username: u,
            ConfirmationCode: code,
          }),
        );

      // ann: the superseded code (stored as a JSON array) is expired; the current one confirms.
      const ann = legacy.codes.ann;
      const bob = legacy.codes.bob;
      if (!ann || !bob) throw new Error("codes missing");
      await expectError(confirm("ann", ann.old[0] ?? ""), "ExpiredCodeException");
      await confirm("ann", ann.current);
      // bob: one more resend on the mixed row; both older codes are expired, the new one confirms.
      await s.sdk.send(
        new ResendConfirmationCodeCommand({ ClientId: clientId, SecretHash: hash("bob"), Username: "bob" }),
      );
      const newest = await s.inbox.code("bob", poolId);
      for (const old of [...bob.old, bob.current])
        await expectError(confirm("bob", old), "ExpiredCodeException");
      await confirm("bob", newest);

      // A second start reads the key file; the database holds no secret.
      await s.close();
      s = await startServer(
        engine === "sqlite" ? { db: legacy.db } : { db: legacy.db, serverSecretFile: keyFile },
      );
      const again = await s.sdk.send(
        new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }),
      );
      expect(again.UserPoolClient?.ClientSecret).toBe(clientSecret);
    } finally {
      await s.close();
    }
  });

  it("production mode: refuses until the secret is exported, then runs on the key file", async () => {
    const legacy = await makeLegacy("prod");
    await expect(openStore(legacy.db, { mode: "production" })).rejects.toThrow(/cognate secret export/);
    const out = join(dir, `exported-${engine}.key`);
    const r = await runCli(["secret", "export", "--db", legacy.db, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`--server-secret-file ${out}`);
    expect(readFileSync(out, "utf8").trim()).toBe(legacy.secret);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    // Nothing left to export.
    expect((await runCli(["secret", "export", "--db", legacy.db, "--out", `${out}.again`])).code).toBe(1);

    const s = await startServer({ db: legacy.db, mode: "production", serverSecretFile: out });
    try {
      expect((await s.query("SELECT key FROM meta")).map((m) => m.key)).not.toContain("server_secret");
      expect((await s.app.deps.store.read.clients.get(legacy.clientId))?.secret).toBe(legacy.clientSecret);
    } finally {
      await s.close();
    }
  });

  it("a configured secret equal to the one inside: used, and the copy inside removed", async () => {
    const legacy = await makeLegacy("configured");
    const s = await startServer({ db: legacy.db, mode: "production", serverSecret: legacy.secret });
    try {
      expect((await s.query("SELECT key FROM meta")).map((m) => m.key)).not.toContain("server_secret");
      expect((await s.app.deps.store.read.clients.get(legacy.clientId))?.secret).toBe(legacy.clientSecret);
    } finally {
      await s.close();
    }
  });
});
