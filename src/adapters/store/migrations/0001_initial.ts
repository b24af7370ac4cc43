// 0001: the first schema — pools, clients, users and their aliases, codes, limits, outbox,
// auth events, and meta. Its name and effect are fixed for good: databases made by earlier
// versions have it recorded as applied.
import type { Migration } from "kysely";
import type { Engine } from "../schema.js";
import type { AnyDb } from "./index.js";

export function initial(engine: Engine): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable("meta")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("user_pools")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("config", "text", (c) => c.notNull())
        .addColumn("creation_date", "bigint", (c) => c.notNull())
        .addColumn("last_modified_date", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("user_pool_clients")
        .addColumn("client_id", "text", (c) => c.primaryKey())
        .addColumn("pool_id", "text", (c) => c.notNull().references("user_pools.id").onDelete("cascade"))
        .addColumn("client_name", "text", (c) => c.notNull())
        .addColumn("secret", "text")
        .addColumn("config", "text", (c) => c.notNull())
        .addColumn("creation_date", "bigint", (c) => c.notNull())
        .addColumn("last_modified_date", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("clients_by_pool")
        .on("user_pool_clients")
        .columns(["pool_id", "client_id"])
        .execute();
      await db.schema
        .createTable("users")
        .addColumn("pool_id", "text", (c) => c.notNull().references("user_pools.id").onDelete("cascade"))
        .addColumn("username", "text", (c) => c.notNull())
        .addColumn("username_key", "text", (c) => c.notNull())
        .addColumn("sub", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("enabled", "integer", (c) => c.notNull())
        .addColumn("attributes", "text", (c) => c.notNull())
        .addColumn("password_hash", "text")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("users_pk", ["pool_id", "username"])
        .addUniqueConstraint("users_key_unique", ["pool_id", "username_key"])
        .addUniqueConstraint("users_sub_unique", ["pool_id", "sub"])
        .execute();
      await db.schema
        .createTable("aliases")
        .addColumn("pool_id", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("value_key", "text", (c) => c.notNull())
        .addColumn("username", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("aliases_pk", ["pool_id", "kind", "value_key"])
        .addForeignKeyConstraint(
          "aliases_user_fk",
          ["pool_id", "username"],
          "users",
          ["pool_id", "username"],
          (c) => c.onDelete("cascade"),
        )
        .execute();
      await db.schema.createIndex("aliases_by_user").on("aliases").columns(["pool_id", "username"]).execute();
      await db.schema
        .createTable("codes")
        .addColumn("pool_id", "text", (c) => c.notNull())
        .addColumn("username", "text", (c) => c.notNull())
        .addColumn("purpose", "text", (c) => c.notNull())
        .addColumn("code_hmac", "text", (c) => c.notNull())
        .addColumn("previous", "text", (c) => c.notNull())
        .addColumn("attribute_name", "text", (c) => c.notNull())
        .addColumn("issued_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("failed_attempts", "integer", (c) => c.notNull())
        .addColumn("consumed_at", "bigint")
        .addPrimaryKeyConstraint("codes_pk", ["pool_id", "username", "purpose"])
        .addForeignKeyConstraint(
          "codes_user_fk",
          ["pool_id", "username"],
          "users",
          ["pool_id", "username"],
          (c) => c.onDelete("cascade"),
        )
        .execute();
      await db.schema
        .createTable("limits")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("window_end", "bigint", (c) => c.notNull())
        .addColumn("count", "integer", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("outbox")
        .addColumn("seq", engine === "postgres" ? "bigserial" : "integer", (c) =>
          engine === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn("id", "text", (c) => c.notNull().unique())
        .addColumn("pool_id", "text", (c) => c.notNull())
        .addColumn("client_id", "text")
        .addColumn("username", "text", (c) => c.notNull())
        .addColumn("medium", "text", (c) => c.notNull())
        .addColumn("attribute_name", "text", (c) => c.notNull())
        .addColumn("destination", "text", (c) => c.notNull())
        .addColumn("subject", "text")
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("code", "text")
        .addColumn("trigger_source", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("transport", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("last_error", "text")
        .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
        .addColumn("sent_at", "bigint")
        .addColumn("claimed_by", "text")
        .addColumn("claimed_until", "bigint")
        .execute();
      await db.schema.createIndex("outbox_due").on("outbox").columns(["status", "next_attempt_at"]).execute();
      await db.schema.createIndex("outbox_by_user").on("outbox").columns(["pool_id", "username"]).execute();
      await db.schema
        .createTable("auth_events")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("pool_id", "text", (c) => c.notNull())
        .addColumn("username", "text", (c) => c.notNull())
        .addColumn("client_id", "text")
        .addColumn("event_type", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("ip_address", "text")
        .addColumn("encoded_data", "text")
        .addColumn("analytics_endpoint_id", "text")
        .addColumn("user_agent", "text")
        .execute();
      await db.schema
        .createIndex("auth_events_by_user")
        .on("auth_events")
        .columns(["pool_id", "username", "created_at"])
        .execute();
    },
  };
}
