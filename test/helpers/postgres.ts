// Throwaway PostgreSQL databases for tests, on the server named by COGNATE_TEST_POSTGRES_URL
// (`.ci/run` starts one). Each caller gets a database of its own, dropped afterwards.
import { randomBytes } from "node:crypto";
import pg from "pg";

export const POSTGRES_URL = process.env.COGNATE_TEST_POSTGRES_URL;

/** Runs the e2e suite on PostgreSQL instead of SQLite (scripts/test.mjs sets it). */
export const POSTGRES_BACKEND = process.env.COGNATE_TEST_BACKEND === "postgres";

export interface FreshDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  if (!POSTGRES_URL) throw new Error("COGNATE_TEST_POSTGRES_URL is not set");
  const c = new pg.Client({ connectionString: POSTGRES_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function freshDatabase(): Promise<FreshDatabase> {
  const name = `cognate_t_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(POSTGRES_URL ?? "");
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
