// PostgreSQL for the store: a pg pool per node, BIGINTs read as numbers, and migrations
// serialised across nodes that start at the same time (a session advisory lock).
import {
  type Kysely,
  Kysely as KyselyClass,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  sql,
} from "kysely";
import pg from "pg";
import type { DB } from "./schema.js";

// Epoch milliseconds fit comfortably in a double; counts too.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export async function openPostgres(
  url: string,
  poolSize: number,
): Promise<{
  writer: Kysely<DB>;
  reader: Kysely<DB>;
  close: () => Promise<void>;
  retryable: (e: unknown) => boolean;
}> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // A client whose backend goes away (server restart, pg_terminate_backend) emits 'error';
  // without a listener that event ends the process. Idle clients' errors reach the pool's
  // 'error' event (and the pool drops them). A checked-out client keeps this listener of its
  // own, attached as the pool makes the client, before it can be handed out: its query in
  // flight fails with the same error, and the pool drops it when it is released.
  pool.on("error", () => {});
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new KyselyClass<DB>({ dialect: new PostgresDialect({ pool: namedStatements(pool) }) });
  await sql`select 1`.execute(db);
  return { writer: db, reader: db, close: () => db.destroy(), retryable: isConnectionError };
}

/**
 * The same few statements run on every request: as named prepared statements PostgreSQL
 * parses and plans each once per connection instead of on every call. (Kysely keys its
 * connections by client object, so each pg client gets one stable wrapper.)
 *
 * A connection can also go away under us (server restart, pg_terminate_backend). A SELECT
 * outside a transaction is then safe to run again, and is, once, on another connection;
 * transactions are retried by the store itself (sqlStore.ts), which knows whether COMMIT
 * was sent.
 */
function namedStatements(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  const nameFor = (text: string): string | undefined => {
    if (!/^\s*(select|insert|update|delete|with)\b/i.test(text)) return undefined;
    let name = names.get(text);
    if (name === undefined) {
      // Statements built from varying shapes (lists, filters) stay unnamed past a bound.
      if (names.size >= 2000) return undefined;
      name = `cognate_${names.size}`;
      names.set(text, name);
    }
    return name;
  };
  const run = (client: pg.PoolClient, text: string, values: readonly unknown[]) => {
    const name = nameFor(text);
    return name ? client.query({ name, text, values: [...values] }) : client.query(text, [...values]);
  };
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let w = wrappers.get(client);
    if (w) return w;
    let inTransaction = false;
    const query = async (text: string, values: readonly unknown[]) => {
      const verb = /^\s*([a-z]+)/i.exec(text)?.[1]?.toLowerCase();
      if (verb === "begin" || verb === "start") inTransaction = true;
      else if (verb === "commit" || verb === "rollback") inTransaction = false;
      try {
        return await run(client, text, values);
      } catch (e) {
        if (inTransaction || verb !== "select" || !isConnectionError(e)) throw e;
        const fresh = wrap(await pool.connect());
        try {
          return await fresh.query(text, values);
        } finally {
          fresh.release();
        }
      }
    };
    // Kysely passes `true` when it discards a connection (a failed ROLLBACK): the pool must
    // then close it rather than hand it out again.
    const release = (discard?: boolean) => client.release(discard === true);
    w = { query, release } as unknown as PostgresPoolClient;
    wrappers.set(client, w);
    return w;
  };
  return {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  };
}

/** SQLSTATE classes and codes of a lost or refused connection (not of the statement). */
const CONNECTION_STATES = /^(08|57P0[123]$)/;
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
]);
const CONNECTION_MESSAGES = [
  "Connection terminated",
  "connection error and is not queryable",
  "Client was closed and is not queryable",
  "Postgres connection has been discarded",
  "timeout exceeded when trying to connect",
];

/**
 * Whether an error says the connection was lost or could not be made, as opposed to the
 * statement failing (a constraint, a serialisation conflict): only the former may be retried
 * on a fresh connection, and only when the transaction never reached its COMMIT.
 */
export function isConnectionError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === "string" && (CONNECTION_STATES.test(code) || CONNECTION_CODES.has(code))) return true;
  return CONNECTION_MESSAGES.some((m) => e.message.includes(m));
}

const MIGRATION_LOCK = 0x636f676e; // "cogn"

export async function withMigrationLock(db: Kysely<DB>, fn: () => Promise<void>): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      await fn();
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
}
