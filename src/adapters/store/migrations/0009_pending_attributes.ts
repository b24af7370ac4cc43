// 0009: email and phone-number changes waiting for verification (ports/store/pendingAttributes.ts).
// The rows go with their user.
import type { Migration } from "kysely";
import type { AnyDb } from "./index.js";

export const pendingAttributes: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("pending_attributes")
      .addColumn("pool_id", "text", (c) => c.notNull())
      .addColumn("username", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("value", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("pending_attributes_pk", ["pool_id", "username", "name"])
      .addForeignKeyConstraint(
        "pending_attributes_user_fk",
        ["pool_id", "username"],
        "users",
        ["pool_id", "username"],
        (c) => c.onDelete("cascade"),
      )
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable("pending_attributes").execute();
  },
};
