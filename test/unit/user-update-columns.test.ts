// On SQLite an UPDATE rewrites the index entries of every column in its SET list, changed or
// not (src/adapters/store/repos/users.ts, "An update sets the indexed columns …"). The users
// repository leaves status, enabled and attributes out of the SET list when they did not
// change since the transaction read the row for update. Observed here with `AFTER UPDATE OF`
// triggers, which fire when their column is in the SET list, whatever its value.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openStore } from "../../src/adapters/store/open.js";
import type { Store, UserRecord } from "../../src/ports/store/index.js";
import { key, name, poolRecord, userRecord } from "../contract/harness.js";

const dir = mkdtempSync(join(tmpdir(), "cognate-update-columns-"));
const path = join(dir, "store.db");
let store: Store;
let close: () => Promise<void>;
let spy: Database.Database;
const POOL = "us-east-1_updatecols";

beforeAll(async () => {
  const opened = await openStore(path, {});
  store = opened.store;
  close = () => opened.store.close();
  await store.transaction((tx) => tx.pools.create(poolRecord(POOL)));
  spy = new Database(path);
  spy.exec("CREATE TABLE set_log (col TEXT NOT NULL)");
  for (const col of ["status", "enabled", "attributes", "password_hash"]) {
    spy.exec(
      `CREATE TRIGGER set_${col} AFTER UPDATE OF ${col} ON users BEGIN INSERT INTO set_log VALUES ('${col}'); END`,
    );
  }
});
afterAll(async () => {
  spy?.close();
  await close?.();
  rmSync(dir, { recursive: true, force: true });
});

/** The indexed columns (and password_hash) that `change` put in the SET list. */
async function columnsSet(username: string, change: (u: UserRecord) => UserRecord): Promise<string[]> {
  spy.exec("DELETE FROM set_log");
  await store.transaction(async (tx) => {
    const found = await tx.users.getForUpdate(POOL, name(username));
    if (!found) throw new Error("user not found");
    await tx.users.update(change(found));
  });
  return (spy.prepare("SELECT col FROM set_log ORDER BY col").all() as { col: string }[]).map((r) => r.col);
}

it("sets status, enabled and attributes only when they change", async () => {
  const u = userRecord(POOL, "frank", { status: "UNCONFIRMED", attributes: { email: "frank@example.com" } });
  expect(await store.transaction((tx) => tx.users.createIfAbsent(u, key("frank")))).toBe(true);

  // A new password: no indexed column in the SET list.
  expect(await columnsSet("frank", (f) => ({ ...f, passwordHash: "h2", updatedAt: 2 }))).toEqual([
    "password_hash",
  ]);
  // Confirmation: status and attributes (email_verified), not enabled.
  expect(
    await columnsSet("frank", (f) => ({
      ...f,
      status: "CONFIRMED",
      attributes: { ...f.attributes, email_verified: "true" },
    })),
  ).toEqual(["attributes", "password_hash", "status"]);
  // Disabling: enabled only.
  expect(await columnsSet("frank", (f) => ({ ...f, enabled: false }))).toEqual(["enabled", "password_hash"]);

  // A record the transaction did not read for update is written whole.
  spy.exec("DELETE FROM set_log");
  const current = await store.read.users.get(POOL, key("frank"));
  if (!current) throw new Error("user not found");
  await store.transaction((tx) => tx.users.update({ ...current, updatedAt: 3 }));
  expect(
    (spy.prepare("SELECT col FROM set_log ORDER BY col").all() as { col: string }[]).map((r) => r.col),
  ).toEqual(["attributes", "enabled", "password_hash", "status"]);
  expect(await store.read.users.get(POOL, key("frank"))).toEqual({
    ...u,
    status: "CONFIRMED",
    enabled: false,
    passwordHash: "h2",
    attributes: { email: "frank@example.com", email_verified: "true" },
    updatedAt: 3,
  });
});
