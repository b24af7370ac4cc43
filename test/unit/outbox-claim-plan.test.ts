// The outbox claim on SQLite walks the queue by index and stops at its batch size (migration
// 0013, docs/delivery.md): its query plan uses the two partial indexes and sorts nothing. With
// the whole queue grouped or sorted instead, a claim cost ~100 ms of the event loop per
// 50,000 queued messages.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { openStore } from "../../src/adapters/store/open.js";
import { SQLITE_CLAIM_SQL } from "../../src/adapters/store/repos/outbox.js";

const dir = mkdtempSync(join(tmpdir(), "cognate-claim-plan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("claims through outbox_queued_seq and outbox_queued_by_recipient, with no sort", async () => {
  const path = join(dir, "plan.db");
  // The migrations make the schema and its indexes.
  const { store } = await openStore(path, { serverSecret: Buffer.alloc(32, 7).toString("base64") });
  await store.close();
  const db = new Database(path, { readonly: true });
  try {
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${SQLITE_CLAIM_SQL}`)
      .all("owner", 1, 1, 1, 50)
      .map((r) => String((r as { detail: unknown }).detail));
    expect(plan.some((d) => d.includes("USING INDEX outbox_queued_seq"))).toBe(true);
    expect(plan.some((d) => d.includes("outbox_queued_by_recipient"))).toBe(true);
    expect(plan.some((d) => d.includes("TEMP B-TREE"))).toBe(false);
  } finally {
    db.close();
  }
});
