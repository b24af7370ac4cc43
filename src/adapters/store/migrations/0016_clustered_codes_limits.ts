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

const WITHOUT_ROWID = " WITHOUT ROWID";

/**
 * Rebuilds a table from its own definition (as SQLite keeps it, later ALTERs included), with
 * or without WITHOUT ROWID: the copy has the same columns in the same order, so `SELECT *`
 * fills it, and its constraints (the codes' cascade from users) come along.
 */
async function rebuild(db: AnyDb, table: string, clustered: boolean): Promise<void> {
  const { rows } = await sql<{
    sql: string;
  }>`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ${table}`.execute(db);
  const definition = rows[0]?.sql;
  if (!definition) throw new Error(`migration 0016: no table ${table}`);
  const body = definition.slice(definition.indexOf("(")).replace(/\s+WITHOUT ROWID\s*$/i, "");
  await sql.raw(`CREATE TABLE "${table}_next" ${body}${clustered ? WITHOUT_ROWID : ""}`).execute(db);
  await sql.raw(`INSERT INTO "${table}_next" SELECT * FROM "${table}"`).execute(db);
  await sql.raw(`DROP TABLE "${table}"`).execute(db);
  await sql.raw(`ALTER TABLE "${table}_next" RENAME TO "${table}"`).execute(db);
}

export function clusteredCodesLimits(engine: Engine): Migration {
  return {
    async up(db: AnyDb) {
      if (engine !== "sqlite") return;
      await rebuild(db, "codes", true);
      await rebuild(db, "limits", true);
    },
    async down(db: AnyDb) {
      if (engine !== "sqlite") return;
      await rebuild(db, "codes", false);
      await rebuild(db, "limits", false);
    },
  };
}
