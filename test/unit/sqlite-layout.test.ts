// Migration 0016: on SQLite the one-time codes and the rate-limit counters are stored in key
// order (WITHOUT ROWID), so writing one changes one page instead of an index page and a row
// page (docs/benchmarks.md, "Pages written per request"); the rows survive the rebuild, and
// a code still goes with its user.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect } from "kysely";
import { afterAll, expect, it } from "vitest";
import { migrationProvider } from "../../src/adapters/store/migrations/index.js";

const dir = mkdtempSync(join(tmpdir(), "cognate-layout-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tableSql(db: Database.Database, name: string): string {
  return (
    db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) as { sql: string }
  ).sql;
}

it("rebuilds codes and limits clustered on their keys, keeping their rows and cascade", async () => {
  const path = join(dir, "layout.db");
  const sqlite = new Database(path);
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
  const migrator = new Migrator({
    db,
    provider: migrationProvider("sqlite"),
    allowUnorderedMigrations: true,
  });
  try {
    expect((await migrator.migrateTo("0015_partial_attribute_indexes")).error).toBeUndefined();
    expect(tableSql(sqlite, "codes")).not.toMatch(/WITHOUT ROWID/);
    sqlite.exec(`
      INSERT INTO user_pools (id, name, config, creation_date, last_modified_date) VALUES ('p', 'p', '{}', 0, 0);
      INSERT INTO users (pool_id, username, username_key, sub, status, enabled, attributes, created_at, updated_at)
        VALUES ('p', 'ann', 'ann', 's1', 'UNCONFIRMED', 1, '{}', 0, 0);
      INSERT INTO codes (pool_id, username, purpose, code_hmac, previous, attribute_name, issued_at, expires_at, failed_attempts)
        VALUES ('p', 'ann', 'SIGNUP', 'h', '[]', 'email', 1, 2, 0);
      INSERT INTO limits (key, window_end, count) VALUES ('resend:p:ann', 5, 3);`);

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expect(tableSql(sqlite, "codes")).toMatch(/\) WITHOUT ROWID$/);
    expect(tableSql(sqlite, "limits")).toMatch(/\) WITHOUT ROWID$/);
    expect(sqlite.prepare("SELECT code_hmac, failed_attempts FROM codes").all()).toEqual([
      { code_hmac: "h", failed_attempts: 0 },
    ]);
    expect(sqlite.prepare("SELECT key, window_end, count FROM limits").all()).toEqual([
      { key: "resend:p:ann", window_end: 5, count: 3 },
    ]);
    sqlite.exec("DELETE FROM users WHERE username = 'ann'");
    expect(sqlite.prepare("SELECT count(*) AS n FROM codes").get()).toEqual({ n: 0 });

    // And back: the down of 0016 restores ordinary tables.
    expect((await migrator.migrateTo("0015_partial_attribute_indexes")).error).toBeUndefined();
    expect(tableSql(sqlite, "limits")).not.toMatch(/WITHOUT ROWID/);
    expect(sqlite.prepare("SELECT key FROM limits").all()).toEqual([{ key: "resend:p:ann" }]);
  } finally {
    await db.destroy();
  }
});
