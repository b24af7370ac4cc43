// ListUsers filters on SQLite are answered from the attribute's index, which migration 0015
// made partial (only users who have the attribute): each filter's query plan uses that index
// and sorts nothing, and the results leave out users without the attribute.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { type CompiledQuery, Kysely, SqliteDialect } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEARCHED_ATTRIBUTES } from "../../src/adapters/store/migrations/0008_groups.js";
import { openStore } from "../../src/adapters/store/open.js";
import { searchUsers } from "../../src/adapters/store/repos/userSearch.js";
import type { DB } from "../../src/adapters/store/schema.js";
import type { UserCursor, UserSearch } from "../../src/ports/store/index.js";

const dir = mkdtempSync(join(tmpdir(), "cognate-search-plan-"));
const path = join(dir, "plan.db");
let sqlite: Database.Database;
let db: Kysely<DB>;
const seen: CompiledQuery[] = [];

beforeAll(async () => {
  // The migrations make the schema and its indexes.
  const { store } = await openStore(path, { serverSecret: Buffer.alloc(32, 7).toString("base64") });
  await store.close();
  sqlite = new Database(path);
  sqlite.exec(`INSERT INTO user_pools (id, name, config, creation_date, last_modified_date)
    SELECT 'p', 'p', '{}', 0, 0 WHERE NOT EXISTS (SELECT 1 FROM user_pools WHERE id = 'p')`);
  const add = sqlite.prepare(`INSERT INTO users (pool_id, username, username_key, sub, status, enabled,
    attributes, created_at, updated_at) VALUES ('p', ?, ?, ?, 'CONFIRMED', 1, ?, 0, 0)`);
  add.run("ann", "ann", "s1", JSON.stringify({ email: "ann@example.com", phone_number: "+15550001" }));
  add.run("bob", "bob", "s2", JSON.stringify({ email: "bob@example.com" }));
  add.run("cat", "cat", "s3", JSON.stringify({ email: "ann@example.org", given_name: "Cat" }));
  db = new Kysely<DB>({
    dialect: new SqliteDialect({ database: sqlite }),
    log: (e) => void seen.push(e.query),
  });
});

afterAll(async () => {
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function search(s: UserSearch, after: UserCursor | null = null) {
  seen.length = 0;
  const users = await searchUsers({ db, engine: "sqlite", direct: null }, "p", s, after, 60);
  const plans = seen.map((q) =>
    sqlite
      .prepare(`EXPLAIN QUERY PLAN ${q.sql}`)
      .all(...(q.parameters as unknown[]))
      .map((r) => String((r as { detail: unknown }).detail))
      .join(" | "),
  );
  return { names: users.map((u) => u.username), plans };
}

describe("attribute indexes on SQLite", () => {
  it("are partial: a user without the attribute has no entry", () => {
    for (const a of SEARCHED_ATTRIBUTES) {
      const row = sqlite.prepare("SELECT sql FROM sqlite_master WHERE name = ?").get(`users_by_${a}`) as {
        sql: string;
      };
      expect(row.sql).toMatch(/WHERE json_extract\(attributes, '\$\.\w+'\) IS NOT NULL$/);
    }
  });

  it.each(SEARCHED_ATTRIBUTES)(
    "answer exact and prefix filters on %s from the index, unsorted",
    async (a) => {
      const cases: [UserSearch, UserCursor | null][] = [
        [{ field: a, value: "x", prefix: false }, null],
        [
          { field: a, value: "x", prefix: false },
          { username: "a", value: "x" },
        ],
        [{ field: a, value: "x", prefix: true }, null],
        [
          { field: a, value: "x", prefix: true },
          { username: "a", value: "xy" },
        ],
      ];
      for (const [s, after] of cases) {
        const { plans } = await search(s, after);
        expect(plans.length).toBeGreaterThan(0);
        for (const plan of plans) {
          expect(plan).toContain(`USING INDEX users_by_${a} `);
          expect(plan).not.toContain("TEMP B-TREE");
        }
      }
    },
  );

  it("finds exactly the users who have the value", async () => {
    expect((await search({ field: "phone_number", value: "+15550001", prefix: false })).names).toEqual([
      "ann",
    ]);
    expect((await search({ field: "email", value: "ann@", prefix: true })).names).toEqual(["ann", "cat"]);
    expect((await search({ field: "given_name", value: "", prefix: true })).names).toEqual(["cat"]);
    expect((await search({ field: "family_name", value: "", prefix: true })).names).toEqual([]);
  });
});
