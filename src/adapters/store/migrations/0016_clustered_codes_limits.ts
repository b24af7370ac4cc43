// 0016: on SQLite, the tables of one-time codes and rate-limit counters are stored in the
// order of their keys (WITHOUT ROWID). As ordinary tables each kept its rows in insertion
// order plus an index on the key, so every code issued, superseded or guessed and every
// counter bumped changed two scattered pages — the index entry and the row — where a table
// clustered on its key changes one. Each request of the confirmation lifecycle writes a code
// and a counter or two; in a large pool these pages are far apart, and each is written to the
// WAL and checkpointed back to the database file (docs/benchmarks.md, "Pages written per
// request"). Both tables have small rows, which is what WITHOUT ROWID is made for
// (https://www.sqlite.org/withoutrowid.html). PostgreSQL has no such layout; its tables stay.

import type { Migration } from "kysely";
import { sql } from "kysely";
import type { Engine } from "../schema.js";
import type { AnyDb } from "./index.js";

const CODE_COLUMNS = `"pool_id" text not null, "username" text not null, "purpose" text not null,
  "code_hmac" text not null, "previous" text not null, "attribute_name" text not null,
  "issued_at" bigint not null, "expires_at" bigint not null, "failed_attempts" integer not null,
  "consumed_at" bigint,
  constraint "codes_pk" primary key ("pool_id", "username", "purpose"),
  constraint "codes_user_fk" foreign key ("pool_id", "username") references "users" ("pool_id", "username") on delete cascade`;
const CODE_NAMES = `pool_id, username, purpose, code_hmac, previous, attribute_name, issued_at, expires_at,
  failed_attempts, consumed_at`;
const LIMIT_COLUMNS = `"key" text primary key, "window_end" bigint not null, "count" integer not null`;
const LIMIT_NAMES = "key, window_end, count";

async function rebuild(db: AnyDb, table: string, columns: string, names: string, clustered: boolean) {
  const suffix = clustered ? " WITHOUT ROWID" : "";
  await sql.raw(`CREATE TABLE "${table}_next" (${columns})${suffix}`).execute(db);
  await sql.raw(`INSERT INTO "${table}_next" (${names}) SELECT ${names} FROM "${table}"`).execute(db);
  await sql.raw(`DROP TABLE "${table}"`).execute(db);
  await sql.raw(`ALTER TABLE "${table}_next" RENAME TO "${table}"`).execute(db);
}

export function clusteredCodesLimits(engine: Engine): Migration {
  return {
    async up(db: AnyDb) {
      if (engine !== "sqlite") return;
      await rebuild(db, "codes", CODE_COLUMNS, CODE_NAMES, true);
      await rebuild(db, "limits", LIMIT_COLUMNS, LIMIT_NAMES, true);
    },
    async down(db: AnyDb) {
      if (engine !== "sqlite") return;
      await rebuild(db, "codes", CODE_COLUMNS, CODE_NAMES, false);
      await rebuild(db, "limits", LIMIT_COLUMNS, LIMIT_NAMES, false);
    },
  };
}
