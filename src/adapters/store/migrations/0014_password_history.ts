// 0014: the passwords users have had, for the pool's PasswordHistorySize (docs/admin-users.md,
// "Password history"). Each row is the SRP salt and verifier made when a password was set —
// never the password — numbered per user (`seq`, newest highest) so that the order holds even
// when two passwords are set in the same millisecond. At most the pool's history size is kept
// per user; the rows go with their user. The primary key serves the one query (a user's rows,
// newest first).
import type { Migration } from "kysely";
import type { AnyDb } from "./index.js";

export const passwordHistory: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("password_history")
      .addColumn("pool_id", "text", (c) => c.notNull())
      .addColumn("username", "text", (c) => c.notNull())
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("srp_salt", "text", (c) => c.notNull())
      .addColumn("srp_verifier", "text", (c) => c.notNull())
      .addColumn("set_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("password_history_pk", ["pool_id", "username", "seq"])
      .addForeignKeyConstraint(
        "password_history_user_fk",
        ["pool_id", "username"],
        "users",
        ["pool_id", "username"],
        (c) => c.onDelete("cascade"),
      )
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable("password_history").execute();
  },
};
