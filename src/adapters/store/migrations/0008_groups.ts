// 0008: what administering users keeps (docs/admin-users.md).
// - user_groups: a pool's groups (CreateGroup …), named within their pool; they go with it.
// - group_members: who is in which group. A membership goes with its group and with its user
//   (foreign keys that cascade), so DeleteGroup, AdminDeleteUser, DeleteUser and DeleteUserPool
//   never leave one behind. Indexed both ways: a group's members by username, a user's groups
//   by name.
// - auth_events: the feedback an administrator gives on an event (AdminUpdateAuthEventFeedback);
//   the index of a user's events gains the id, which orders events of the same millisecond.
// - users: indexes that keep a filtered ListUsers flat as a pool grows. Every searchable
//   attribute is indexed as (pool, value, username), so an exact filter reads one index range
//   in username order and a prefix filter one range in (value, username) order. The values in
//   the JSON document are indexed through the same expression the queries use
//   (repos/userSearch.ts). PostgreSQL compares them under the "C" collation (code point order)
//   so that a prefix is one contiguous range whatever the database's collation; its status,
//   username, username key and sub are indexed under that collation too, for prefix filters.

import type { Migration } from "kysely";
import { sql } from "kysely";
import type { Engine } from "../schema.js";
import type { AnyDb } from "./index.js";

/** The attributes of the JSON document that ListUsers can filter on (repos/userSearch.ts). */
export const SEARCHED_ATTRIBUTES = [
  "email",
  "phone_number",
  "name",
  "given_name",
  "family_name",
  "preferred_username",
] as const;

/**
 * The SQL of an attribute's value as the queries spell it (repos/userSearch.ts); the index on
 * it must be the same expression, which `searchIndexes` makes from it.
 */
export function attributeExpression(engine: Engine, attribute: string): string {
  return engine === "postgres"
    ? `(attributes::jsonb ->> '${attribute}') COLLATE "C"`
    : `json_extract(attributes, '$.${attribute}')`;
}

function searchIndexes(engine: Engine): { name: string; on: string }[] {
  // PostgreSQL wants an expression in an index in parentheses, its collation outside them.
  const indexed = (a: string) =>
    engine === "postgres" ? `((attributes::jsonb ->> '${a}')) COLLATE "C"` : attributeExpression(engine, a);
  const out = SEARCHED_ATTRIBUTES.map((a) => ({
    name: `users_by_${a}`,
    on: `pool_id, ${indexed(a)}, username`,
  }));
  out.push({
    name: "users_by_status",
    on: engine === "postgres" ? `pool_id, status COLLATE "C", username` : "pool_id, status, username",
  });
  out.push({ name: "users_by_enabled", on: "pool_id, enabled, username" });
  if (engine === "postgres") {
    out.push({ name: "users_by_username_c", on: `pool_id, username COLLATE "C"` });
    out.push({ name: "users_by_username_key_c", on: `pool_id, username_key COLLATE "C"` });
    out.push({ name: "users_by_sub_c", on: `pool_id, sub COLLATE "C"` });
  }
  return out;
}

export function groups(engine: Engine): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable("user_groups")
        .addColumn("pool_id", "text", (c) => c.notNull().references("user_pools.id").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("description", "text")
        .addColumn("role_arn", "text")
        .addColumn("precedence", "bigint")
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("updated_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("user_groups_pk", ["pool_id", "name"])
        .execute();
      await db.schema
        .createTable("group_members")
        .addColumn("pool_id", "text", (c) => c.notNull())
        .addColumn("group_name", "text", (c) => c.notNull())
        .addColumn("username", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("group_members_pk", ["pool_id", "group_name", "username"])
        .addForeignKeyConstraint(
          "group_members_group_fk",
          ["pool_id", "group_name"],
          "user_groups",
          ["pool_id", "name"],
          (c) => c.onDelete("cascade"),
        )
        .addForeignKeyConstraint(
          "group_members_user_fk",
          ["pool_id", "username"],
          "users",
          ["pool_id", "username"],
          (c) => c.onDelete("cascade"),
        )
        .execute();
      await db.schema
        .createIndex("group_members_by_user")
        .on("group_members")
        .columns(["pool_id", "username", "group_name"])
        .execute();

      await db.schema.alterTable("auth_events").addColumn("feedback_value", "text").execute();
      await db.schema.alterTable("auth_events").addColumn("feedback_provider", "text").execute();
      await db.schema.alterTable("auth_events").addColumn("feedback_date", "bigint").execute();
      // A user's events are listed in pages ordered by (time, id), newest first: the index
      // of 0001 on (pool, user, time) gains the id.
      await db.schema.dropIndex("auth_events_by_user").execute();
      await db.schema
        .createIndex("auth_events_by_user")
        .on("auth_events")
        .columns(["pool_id", "username", "created_at", "id"])
        .execute();

      for (const i of searchIndexes(engine)) {
        await sql.raw(`CREATE INDEX ${i.name} ON users (${i.on})`).execute(db);
      }
    },
    // Migrations from 0004 on can be undone, so that a test can rebuild an older database.
    async down(db: AnyDb) {
      for (const i of searchIndexes(engine)) await sql.raw(`DROP INDEX ${i.name}`).execute(db);
      await db.schema.dropIndex("auth_events_by_user").execute();
      await db.schema
        .createIndex("auth_events_by_user")
        .on("auth_events")
        .columns(["pool_id", "username", "created_at"])
        .execute();
      for (const c of ["feedback_value", "feedback_provider", "feedback_date"]) {
        await db.schema.alterTable("auth_events").dropColumn(c).execute();
      }
      await db.schema.dropTable("group_members").execute();
      await db.schema.dropTable("user_groups").execute();
    },
  };
}
