// 0005: what sign-in needs of a user's password besides its hash — the SRP salt and verifier
// (USER_SRP_AUTH never sends the password, so the verifier must be computed whenever a
// password is set; docs/signin-internals.md, "SRP") and when the password was last set (a
// temporary password expires after the pool's TemporaryPasswordValidityDays). All three are
// NULL for users whose password was set before this migration: their verifier is made on
// their next successful password sign-in.
import type { Migration } from "kysely";
import type { AnyDb } from "./index.js";

export const userCredentials: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable("users").addColumn("srp_salt", "text").execute();
    await db.schema.alterTable("users").addColumn("srp_verifier", "text").execute();
    await db.schema.alterTable("users").addColumn("password_changed_at", "bigint").execute();
  },
  // Migrations from 0004 on can be undone, so that a test can rebuild an older database.
  async down(db: AnyDb) {
    for (const c of ["srp_salt", "srp_verifier", "password_changed_at"]) {
      await db.schema.alterTable("users").dropColumn(c).execute();
    }
  },
};
