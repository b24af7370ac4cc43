// 0012: the steps of a sign-in an auth event records (AuthEventType.ChallengeResponses:
// Password / Mfa, Success / Failure; docs/mfa.md, "Auth events") — a JSON array in one
// nullable column of auth_events. NULL for events that record none (and for earlier rows).
import type { Migration } from "kysely";
import type { AnyDb } from "./index.js";

export const eventChallenges: Migration = {
  async up(db: AnyDb) {
    await db.schema.alterTable("auth_events").addColumn("challenge_responses", "text").execute();
  },
  async down(db: AnyDb) {
    await db.schema.alterTable("auth_events").dropColumn("challenge_responses").execute();
  },
};
