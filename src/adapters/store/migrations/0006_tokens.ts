// 0006: what issuing and checking tokens keeps (docs/signin.md, "Tokens").
// - signing_keys: each pool's RSA key pairs, one series for ID tokens and one for access
//   tokens. `generation` numbers a series: the pool's first key of a use is generation 1, and
//   the unique (pool, use, generation) makes its creation insert-if-absent, so two nodes
//   racing to create it end up with one. The private key is sealed under the server secret
//   (secretBox.ts, bound to its pool and kid).
// - refresh_tokens: one row per refresh token. A sign-in's tokens form a family sharing an
//   origin_jti (and an event_id); revoking a token revokes its family, and an access token is
//   checked against its family with one indexed read (origin_jti when the token carries it,
//   event_id otherwise). The rows go with their user (and client, and pool).
// - auth_events.event_response: Pass / Fail of a sign-in attempt (NULL for earlier rows).
import type { Migration } from "kysely";
import type { AnyDb } from "./index.js";

export const tokens: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("signing_keys")
      .addColumn("pool_id", "text", (c) => c.notNull().references("user_pools.id").onDelete("cascade"))
      .addColumn("kid", "text", (c) => c.notNull())
      .addColumn("use", "text", (c) => c.notNull())
      .addColumn("generation", "integer", (c) => c.notNull())
      .addColumn("public_jwk", "text", (c) => c.notNull())
      .addColumn("private_key", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("retired_at", "bigint")
      .addPrimaryKeyConstraint("signing_keys_pk", ["pool_id", "kid"])
      .addUniqueConstraint("signing_keys_generation_unique", ["pool_id", "use", "generation"])
      .execute();
    await db.schema
      .createTable("refresh_tokens")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("pool_id", "text", (c) => c.notNull())
      .addColumn("client_id", "text", (c) =>
        c.notNull().references("user_pool_clients.client_id").onDelete("cascade"),
      )
      .addColumn("username", "text", (c) => c.notNull())
      .addColumn("origin_jti", "text", (c) => c.notNull())
      .addColumn("event_id", "text", (c) => c.notNull())
      .addColumn("auth_time", "bigint", (c) => c.notNull())
      .addColumn("device_key", "text")
      .addColumn("issued_at", "bigint", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .addColumn("revoked_at", "bigint")
      .addColumn("rotated_at", "bigint")
      .addForeignKeyConstraint(
        "refresh_tokens_user_fk",
        ["pool_id", "username"],
        "users",
        ["pool_id", "username"],
        (c) => c.onDelete("cascade"),
      )
      .execute();
    await db.schema
      .createIndex("refresh_tokens_by_origin")
      .on("refresh_tokens")
      .column("origin_jti")
      .execute();
    await db.schema.createIndex("refresh_tokens_by_event").on("refresh_tokens").column("event_id").execute();
    await db.schema
      .createIndex("refresh_tokens_by_user")
      .on("refresh_tokens")
      .columns(["pool_id", "username"])
      .execute();
    await db.schema
      .createIndex("refresh_tokens_by_client")
      .on("refresh_tokens")
      .column("client_id")
      .execute();
    await db.schema
      .createIndex("refresh_tokens_by_expiry")
      .on("refresh_tokens")
      .column("expires_at")
      .execute();
    await db.schema.alterTable("auth_events").addColumn("event_response", "text").execute();
  },
  async down(db: AnyDb) {
    await db.schema.alterTable("auth_events").dropColumn("event_response").execute();
    await db.schema.dropTable("refresh_tokens").execute();
    await db.schema.dropTable("signing_keys").execute();
  },
};
