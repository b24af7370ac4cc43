// 0015: SQLite's indexes of searchable attributes (0008) hold only the users who have the
// attribute. An UPDATE that sets `attributes` rewrites the entry of every index over it,
// present or not: a user with an email and nothing else still had an entry, keyed by NULL,
// in each of the five other indexes, and confirming a sign-up dirtied a page of each — in a
// large pool six scattered pages, each written to the WAL and checkpointed back. Partial
// indexes (`WHERE <value> IS NOT NULL`) skip the attributes a user does not have. Every
// ListUsers filter compares the value (`=`, or a `>=`/`<` range for `^=`), which implies it is
// not null, so SQLite still answers each filter from its index
// (test/unit/user-search-plan.test.ts). Measured with the benchmark's ConfirmSignUp (right
// code, 200,000 users, each with an email only): 964 and 1,124 req/s before, 1,423 and 1,556
// after, in one A/B sitting (docs/benchmarks.md, "Pages written per request").
//
// PostgreSQL keeps 0008's indexes: an update that changes `attributes` there writes a new
// row version and new entries in every index of the table anyway, and whether its planner
// matches the partial predicate under the "C" collation these indexes use was not verified.

import type { Migration } from "kysely";
import { sql } from "kysely";
import type { Engine } from "../schema.js";
import { attributeExpression, SEARCHED_ATTRIBUTES } from "./0008_groups.js";
import type { AnyDb } from "./index.js";

function indexSql(attribute: string, partial: boolean): string {
  const value = attributeExpression("sqlite", attribute);
  const where = partial ? ` WHERE ${value} IS NOT NULL` : "";
  return `CREATE INDEX users_by_${attribute} ON users (pool_id, ${value}, username)${where}`;
}

async function rebuild(db: AnyDb, partial: boolean): Promise<void> {
  for (const a of SEARCHED_ATTRIBUTES) {
    await sql.raw(`DROP INDEX users_by_${a}`).execute(db);
    await sql.raw(indexSql(a, partial)).execute(db);
  }
}

export function partialAttributeIndexes(engine: Engine): Migration {
  return {
    async up(db: AnyDb) {
      if (engine === "sqlite") await rebuild(db, true);
    },
    async down(db: AnyDb) {
      if (engine === "sqlite") await rebuild(db, false);
    },
  };
}
