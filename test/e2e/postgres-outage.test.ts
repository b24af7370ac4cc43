// A PostgreSQL that drops its connections must not take a node down. A real `cognate serve`
// runs on a database of its own under concurrent SignUp load while every backend of that
// database (and only that one) is terminated, several times over. The node must stay up,
// answer each request with a 200 or a JSON InternalErrorException (never a dropped
// connection), serve again afterwards without a restart, and have kept every sign-up it
// acknowledged. A second phase closes the database to new connections for a second (as a
// restart does) and opens it again. Runs when COGNATE_TEST_POSTGRES_URL names a server (`.ci/run` starts one).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildServer, startChild } from "../helpers/child.js";
import { PASSWORD } from "../helpers/fixtures.js";
import { type FreshDatabase, freshDatabase, POSTGRES_BACKEND, POSTGRES_URL } from "../helpers/postgres.js";

const POOL = "us-east-1_PgOutage01";
const CLIENT = "pgoutageclient00000000001";
const WORKERS = 6;
const TERMINATIONS = 6;

type Answer = { kind: "ok" } | { kind: "internal" } | { kind: "other"; detail: string };

async function signUp(url: string, username: string): Promise<Answer> {
  let r: Response;
  try {
    r = await fetch(`${url}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AWSCognitoIdentityProviderService.SignUp",
      },
      body: JSON.stringify({
        ClientId: CLIENT,
        Username: username,
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: `${username}@example.com` }],
      }),
    });
  } catch (e) {
    return { kind: "other", detail: `no answer (${String((e as Error).cause ?? e)})` };
  }
  const text = await r.text();
  if (r.status === 200) return { kind: "ok" };
  try {
    const json = JSON.parse(text) as { __type?: string };
    if (r.status === 500 && json.__type === "InternalErrorException") return { kind: "internal" };
  } catch {
    // falls through: not JSON
  }
  return { kind: "other", detail: `${r.status} ${text.slice(0, 200)}` };
}

// It runs once, in the first pass of `npm test` (the node chooses its own database).
describe.skipIf(!POSTGRES_URL || POSTGRES_BACKEND)("PostgreSQL backends terminated under load", () => {
  let dir: string;
  let db: FreshDatabase;
  let dbName: string;
  let node: ChildServer;

  async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ connectionString: POSTGRES_URL });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  }

  /** Terminates every backend of this test's database, except the one asking. */
  const terminateBackends = () =>
    admin(async (c) => {
      const r = await c.query(
        "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
        [dbName],
      );
      return r.rowCount ?? 0;
    });

  /** Opens or closes this test's database to new connections (an outage, as a restart makes). */
  const allowConnections = (allow: boolean) =>
    admin((c) => c.query(`ALTER DATABASE "${dbName}" WITH ALLOW_CONNECTIONS ${allow}`));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cognate-pg-outage-"));
    db = await freshDatabase();
    dbName = new URL(db.url).pathname.slice(1);
    const configPath = join(dir, "cognate.json");
    writeFileSync(
      configPath,
      JSON.stringify({
        logLevel: "warn",
        seed: {
          pools: [
            {
              PoolName: "outage",
              Id: POOL,
              AutoVerifiedAttributes: ["email"],
              Clients: [{ ClientName: "web", ClientId: CLIENT }],
            },
          ],
        },
      }),
    );
    node = await startChild(["--db", db.url, "--config", configPath], {
      COGNATE_SERVER_SECRET: randomBytes(32).toString("base64"),
    });
  }, 120_000);

  afterAll(async () => {
    node?.kill("SIGKILL");
    await node?.exited;
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`stays up through ${TERMINATIONS} rounds of pg_terminate_backend, answers 200 or InternalErrorException, loses nothing`, {
    timeout: 120_000,
  }, async () => {
    const acknowledged: string[] = [];
    const others: string[] = [];
    let internal = 0;
    let running = true;
    let n = 0;
    const worker = async (w: number) => {
      while (running) {
        const username = `u${w}x${n++}`;
        const a = await signUp(node.url, username);
        if (a.kind === "ok") acknowledged.push(username);
        else if (a.kind === "internal") internal++;
        else others.push(`${username}: ${a.detail}`);
      }
    };
    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));

    let terminated = 0;
    for (let i = 0; i < TERMINATIONS; i++) {
      await new Promise((r) => setTimeout(r, 400));
      terminated += await terminateBackends();
      expect(node.proc.exitCode, node.stderr()).toBeNull();
    }
    // An outage: no connection can be made for a while, then the database is back.
    const before = internal;
    await allowConnections(false);
    try {
      terminated += await terminateBackends();
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      await allowConnections(true);
    }
    expect(internal).toBeGreaterThan(before);
    await new Promise((r) => setTimeout(r, 400));
    running = false;
    await load;

    // The load reached the database while the backends were being terminated.
    expect(terminated).toBeGreaterThan(0);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(node.proc.exitCode, node.stderr()).toBeNull();
    expect(node.proc.signalCode).toBeNull();
    expect(others, node.stderr()).toEqual([]);

    // It serves again on its own (the pool reconnects).
    const after = await signUp(node.url, "afterwards");
    expect(after).toEqual({ kind: "ok" });
    acknowledged.push("afterwards");

    // Every acknowledged sign-up is in the database.
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const r = await c.query<{ username: string }>("SELECT username FROM users WHERE pool_id = $1", [POOL]);
      const stored = new Set(r.rows.map((x) => x.username));
      expect(acknowledged.filter((u) => !stored.has(u))).toEqual([]);
    } finally {
      await c.end();
    }
    console.log(
      `postgres outage: ${acknowledged.length} acknowledged, ${internal} InternalErrorException, ${terminated} backends terminated`,
    );
  });
});
