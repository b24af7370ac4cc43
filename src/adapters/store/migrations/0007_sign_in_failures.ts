// 0007: failed sign-in attempts per user, for the lock-out ("Password attempts exceeded";
// src/domain/passwordSignIn.ts). A table of its own rather than columns of users: it is
// written on every failed attempt and on the first success after one, and a row exists only
// while failures are counted. It goes with its user.
import type { Migration } from "kysely";
import type { AnyDb } from "./index.js";

export const signInFailures: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("sign_in_failures")
      .addColumn("pool_id", "text", (c) => c.notNull())
      .addColumn("username", "text", (c) => c.notNull())
      .addColumn("failures", "integer", (c) => c.notNull())
      .addColumn("last_failure_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("sign_in_failures_pk", ["pool_id", "username"])
      .addForeignKeyConstraint(
        "sign_in_failures_user_fk",
        ["pool_id", "username"],
        "users",
        ["pool_id", "username"],
        (c) => c.onDelete("cascade"),
      )
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable("sign_in_failures").execute();
  },
};
