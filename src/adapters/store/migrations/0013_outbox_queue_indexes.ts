// 0013: the queue of unsent messages by index. Claiming a batch may take only the oldest queued
// message of each recipient (docs/delivery.md); that was found by grouping the whole queue on
// every claim, about 100 ms per claim with a backlog of 50,000 messages, on the event loop.
// Two partial indexes over the queued messages only (sent and failed ones leave them):
// - outbox_queued_seq: the queue in order, so a claim reads candidates oldest first and
//   stops at its batch size;
// - outbox_queued_by_recipient: for each candidate, "is an earlier message of the same
//   recipient still queued?" in one probe.
import { type Migration, sql } from "kysely";
import type { AnyDb } from "./index.js";

export const outboxQueueIndexes: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createIndex("outbox_queued_seq")
      .on("outbox")
      .column("seq")
      .where(sql.ref("status"), "=", "queued")
      .execute();
    await db.schema
      .createIndex("outbox_queued_by_recipient")
      .on("outbox")
      .columns(["pool_id", "medium", "destination", "seq"])
      .where(sql.ref("status"), "=", "queued")
      .execute();
  },
  async down(db: AnyDb) {
    await db.schema.dropIndex("outbox_queued_by_recipient").execute();
    await db.schema.dropIndex("outbox_queued_seq").execute();
  },
};
