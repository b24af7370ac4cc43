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
): Promise<{ writer: Kysely<DB>; reader: Kysely<DB>; close: () => Promise<void> }> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  const db = new KyselyClass<DB>({ dialect: new PostgresDialect({ pool: namedStatements(pool) }) });
  await sql`select 1`.execute(db);
  return { writer: db, reader: db, close: () => db.destroy() };
}

/**
 * The same few statements run on every request: as named prepared statements PostgreSQL
 * parses and plans each once per connection instead of on every call. (Kysely keys its
 * connections by client object, so each pg client gets one stable wrapper.)
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
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let w = wrappers.get(client);
      if (!w) {
        const query = (text: string, values: readonly unknown[]) => {
          const name = nameFor(text);
          return name ? client.query({ name, text, values: [...values] }) : client.query(text, [...values]);
        };
        w = { query, release: () => client.release() } as unknown as PostgresPoolClient;
        wrappers.set(client, w);
      }
      return w;
    },
    end: () => pool.end(),
  };
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
