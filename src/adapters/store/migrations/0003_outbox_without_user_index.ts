// 0003: every message insert touched a random page of this index (a cost on the request path
// that showed in the benchmark's commit time). Messages are read by user only through the
// dev inbox and `cognate messages`, which scan by sequence instead.
import type { Migration } from "kysely";
import type { AnyDb } from "./index.js";

export const outboxWithoutUserIndex: Migration = {
  async up(db: AnyDb) {
    await db.schema.dropIndex("outbox_by_user").execute();
  },
};
