// 0010: a user's MFA settings (docs/mfa.md) — a JSON document in one nullable column of users:
// the TOTP secret (sealed, never in clear), whether it was verified, the step of the last code
// accepted (a code is good once), and which factors are enabled and preferred. NULL for a user
// who never set MFA up. Written only through UserRepo.setMfa, so the other writers of a users
// row never overwrite it.
import type { Migration } from "kysely";
import type { AnyDb } from "./index.js";

export const userMfa: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable("users").addColumn("mfa", "text").execute();
  },
  async down(db: AnyDb) {
    await db.schema.alterTable("users").dropColumn("mfa").execute();
  },
};
