// 0002: SigV4 access keys for the admin operations in production mode (`cognate keys`).
import type { Migration } from "kysely";
import type { AnyDb } from "./index.js";

export const accessKeys: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("access_keys")
      .addColumn("access_key_id", "text", (c) => c.primaryKey())
      .addColumn("secret", "text", (c) => c.notNull())
      .addColumn("description", "text")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("revoked_at", "bigint")
      .execute();
  },
};
