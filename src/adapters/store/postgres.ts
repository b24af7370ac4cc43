// PostgreSQL for the store: a pg pool per node, BIGINTs read as numbers, and migrations
// serialised across nodes that start at the same time (a session advisory lock).
import { type Kysely, Kysely as KyselyClass, PostgresDialect, sql } from "kysely";
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
  const db = new KyselyClass<DB>({ dialect: new PostgresDialect({ pool }) });
  await sql`select 1`.execute(db);
  return { writer: db, reader: db, close: () => db.destroy() };
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
