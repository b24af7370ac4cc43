// 0004: one encoding of `codes.previous` (superseded HMACs, newest first, comma-separated).
// Earlier versions wrote a JSON array from PostgreSQL bulk imports (and, before that, from
// every write), which a later supersede turned into a mix of both that no longer matched the
// superseded codes (they answered CodeMismatchException instead of ExpiredCodeException).
// Every such row is rewritten; rows already in the one encoding are left alone. HMACs are
// base64url, so brackets, quotes and commas are never part of one.

import type { Migration } from "kysely";
import { sql } from "kysely";
import type { AnyDb } from "./index.js";

/** As repos/codes.ts reads it, kept here so that this migration never changes. */
function hmacsOf(text: string): string[] {
  return text
    .replace(/[[\]"\s]/g, "")
    .split(",")
    .filter((h) => h !== "");
}

export const codesPreviousText: Migration = {
  async up(db: AnyDb) {
    const rows = (await db
      .selectFrom("codes")
      .select(["pool_id", "username", "purpose", "previous"])
      .where(sql<boolean>`previous LIKE '%[%' OR previous LIKE '%"%'`)
      .execute()) as { pool_id: string; username: string; purpose: string; previous: string }[];
    for (const r of rows) {
      await db
        .updateTable("codes")
        .set({ previous: hmacsOf(r.previous).join(",") })
        .where("pool_id", "=", r.pool_id)
        .where("username", "=", r.username)
        .where("purpose", "=", r.purpose)
        .execute();
    }
  },
  // One-way: the single encoding is what every version since reads (a test that needs the
  // old encodings writes them itself).
  async down() {},
};
