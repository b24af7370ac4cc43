// 0011: users' devices (ports/store/devices.ts, docs/devices.md). A row per device key handed
// out in NewDeviceMetadata; the SRP salt and verifier are NULL until ConfirmDevice, and kept as
// a user's are (users.srp_salt / srp_verifier). The rows go with their user. The index serves
// ListDevices (a user's devices in key order).
import type { Migration } from "kysely";
import type { AnyDb } from "./index.js";

export const devices: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable("devices")
      .addColumn("pool_id", "text", (c) => c.notNull())
      .addColumn("device_key", "text", (c) => c.notNull())
      .addColumn("username", "text", (c) => c.notNull())
      .addColumn("group_key", "text", (c) => c.notNull())
      .addColumn("srp_salt", "text")
      .addColumn("srp_verifier", "text")
      .addColumn("name", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("modified_at", "bigint", (c) => c.notNull())
      .addColumn("last_authenticated_at", "bigint")
      .addColumn("last_ip", "text")
      .addPrimaryKeyConstraint("devices_pk", ["pool_id", "device_key"])
      .addForeignKeyConstraint(
        "devices_user_fk",
        ["pool_id", "username"],
        "users",
        ["pool_id", "username"],
        (c) => c.onDelete("cascade"),
      )
      .execute();
    await db.schema
      .createIndex("devices_by_user")
      .on("devices")
      .columns(["pool_id", "username", "device_key"])
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropTable("devices").execute();
  },
};
