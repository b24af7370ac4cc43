// Starts a real Cognate server on an ephemeral port for a test file, with real clients.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import Database from "better-sqlite3";
import pg from "pg";
import { makeConfig, type ServerConfig } from "../../src/config/config.js";
import { type Cognate, type StartOptions, startCognate } from "../../src/main.js";
import { type FreshDatabase, freshDatabase, POSTGRES_BACKEND } from "./postgres.js";

export interface TestServer {
  app: Cognate;
  url: string;
  /** AWS SDK v3 client pointed at the server (static fake credentials, no retries). */
  sdk: CognitoIdentityProviderClient;
  /** A client with the SDK's standard retries (3 attempts), as apps use it. */
  sdkWithRetries: CognitoIdentityProviderClient;
  inbox: DevInbox;
  dir: string;
  /** The --db value the server runs on (a SQLite file, or a PostgreSQL URL). */
  db: string;
  /** The server secret's key file (for `cognate` verbs on the same store: --server-secret-file). */
  secretFile: string;
  /** Every row of every table, as JSON lines: for "is this value stored anywhere?" checks. */
  dumpTables(): Promise<string>;
  /** Rows of one query, on whichever engine the server uses (`?` placeholders). */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface DevMessage {
  id: string;
  userPoolId: string;
  clientId: string | null;
  username: string;
  medium: "EMAIL" | "SMS";
  attributeName: string;
  destination: string;
  subject: string | null;
  body: string;
  code: string | null;
  triggerSource: string;
  createdAt: string;
  delivery: { status: string; transport: string; attempts: number; lastError: string | null };
}

export class DevInbox {
  constructor(private readonly url: string) {}
  async list(filter: Record<string, string> = {}): Promise<DevMessage[]> {
    const q = new URLSearchParams(filter).toString();
    const r = await fetch(`${this.url}/_dev/messages${q ? `?${q}` : ""}`);
    if (r.status !== 200) throw new Error(`GET /_dev/messages → ${r.status}`);
    return ((await r.json()) as { messages: DevMessage[] }).messages;
  }
  async latest(filter: Record<string, string>): Promise<DevMessage | null> {
    const r = await fetch(`${this.url}/_dev/messages/latest?${new URLSearchParams(filter).toString()}`);
    if (r.status === 404) return null;
    if (r.status !== 200) throw new Error(`GET /_dev/messages/latest → ${r.status}`);
    return (await r.json()) as DevMessage;
  }
  /** The code of the newest message for this user. */
  async code(username: string, userPoolId?: string): Promise<string> {
    const m = await this.latest(userPoolId ? { username, userPoolId } : { username });
    if (!m?.code) throw new Error(`no code in the dev inbox for ${username}`);
    return m.code;
  }
  async clear(): Promise<void> {
    await fetch(`${this.url}/_dev/messages`, { method: "DELETE" });
  }
}

export const FAKE_CREDENTIALS = { accessKeyId: "AKIDTESTCOGNATE", secretAccessKey: "test-secret-key" };

export function sdkClient(url: string, maxAttempts = 1): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({
    endpoint: url,
    region: "us-east-1",
    credentials: FAKE_CREDENTIALS,
    maxAttempts,
  });
}

export async function startServer(
  partial: Partial<Parameters<typeof makeConfig>[0]> = {},
  opts: StartOptions = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "cognate-test-"));
  // With COGNATE_TEST_BACKEND=postgres every server gets a fresh PostgreSQL database.
  const pgdb: FreshDatabase | null =
    POSTGRES_BACKEND && partial.db === undefined ? await freshDatabase() : null;
  const dbValue = partial.db ?? (pgdb ? pgdb.url : join(dir, "cognate.db"));
  // The server secret lives in a key file. Dev mode on SQLite makes its own beside the
  // database; on PostgreSQL the tests keep one per database in the temp directory (rather
  // than dev mode's ./.cognate); production needs one made beforehand.
  const configured = partial.serverSecret !== undefined || partial.serverSecretFile !== undefined;
  const onPostgres = dbValue.startsWith("postgres");
  const devDefault = !configured && partial.mode !== "production" && !onPostgres;
  const secretFile =
    partial.serverSecretFile ??
    (devDefault
      ? `${dbValue}.key`
      : onPostgres
        ? join(tmpdir(), `cognate-test-${new URL(dbValue).pathname.slice(1)}.key`)
        : join(dir, "server-secret.key"));
  if (!configured && partial.mode === "production" && !existsSync(secretFile)) {
    writeFileSync(secretFile, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
  }
  const config: ServerConfig = makeConfig({
    port: 0,
    db: dbValue,
    logLevel: "silent",
    ...(configured || devDefault ? {} : { serverSecretFile: secretFile }),
    ...partial,
  });
  const db = config.db;
  const query = async (text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> => {
    if (db.startsWith("postgres")) {
      const c = new pg.Client({ connectionString: db });
      await c.connect();
      try {
        let i = 0;
        return (
          await c.query(
            text.replace(/\?/g, () => `$${++i}`),
            params,
          )
        ).rows as Record<string, unknown>[];
      } finally {
        await c.end();
      }
    }
    const lite = new Database(db, { readonly: true });
    try {
      return lite.prepare(text).all(...params) as Record<string, unknown>[];
    } finally {
      lite.close();
    }
  };
  const app = await startCognate(config, opts).catch(async (e: unknown) => {
    await pgdb?.drop();
    throw e;
  });
  const sdk = sdkClient(app.url);
  const sdkWithRetries = sdkClient(app.url, 3);
  return {
    app,
    url: app.url,
    sdk,
    sdkWithRetries,
    inbox: new DevInbox(app.url),
    dir,
    db,
    secretFile,
    query,
    async dumpTables() {
      const tables = db.startsWith("postgres")
        ? (
            await query(
              "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
            )
          ).map((r) => String(r.name))
        : (await query("SELECT name FROM sqlite_master WHERE type = 'table'")).map((r) => String(r.name));
      const lines: string[] = [];
      for (const t of tables)
        for (const row of await query(`SELECT * FROM "${t}"`)) lines.push(`${t} ${JSON.stringify(row)}`);
      return lines.join("\n");
    },
    async close() {
      sdk.destroy();
      sdkWithRetries.destroy();
      await app.close();
      await pgdb?.drop();
      // The database is gone, and its key with it.
      if (pgdb) rmSync(secretFile, { force: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Raw AWS JSON 1.1 call, for protocol-level tests. */
export async function rawCall(
  url: string,
  operation: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> | null; text: string }> {
  const r = await fetch(`${url}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: r.status, headers: r.headers, json, text };
}
