// The store contract against PostgreSQL, when COGNATE_TEST_POSTGRES_URL names a server, and
// what only PostgreSQL has: connections that can be lost mid-transaction.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { openStore } from "../../src/adapters/store/open.js";
import { freshDatabase, POSTGRES_URL } from "../helpers/postgres.js";
import { STORE_CONTRACTS } from "./contracts.js";
import { poolRecord, storeContract, uniquePoolId } from "./harness.js";

const secret = () => randomBytes(32).toString("base64");

if (POSTGRES_URL) {
  storeContract(
    "postgres",
    async () => {
      const db = await freshDatabase();
      const afterCommitErrors: unknown[] = [];
      const opened = await openStore(db.url, {
        poolSize: 20,
        serverSecret: secret(),
        onAfterCommitError: (e) => afterCommitErrors.push(e),
      });
      return {
        store: opened.store,
        afterCommitErrors,
        async close() {
          await opened.store.close();
          await db.drop();
        },
      };
    },
    STORE_CONTRACTS,
  );

  describe("postgres: a connection lost before COMMIT", () => {
    /** Terminates the backends of `dbName` that sit in a transaction, and waits until they are gone. */
    async function killOpenTransactions(dbName: string): Promise<void> {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      try {
        const r = await c.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND state LIKE 'idle in transaction%' AND pid <> pg_backend_pid()",
          [dbName],
        );
        const pids = r.rows.map((x) => x.pid);
        expect(pids.length).toBeGreaterThan(0);
        await c.query("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid", [pids]);
        for (let i = 0; i < 100; i++) {
          const left = await c.query("SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[])", [pids]);
          if (left.rowCount === 0) return;
          await new Promise((res) => setTimeout(res, 20));
        }
        throw new Error("the terminated backends did not go away");
      } finally {
        await c.end();
      }
    }

    it("runs the transaction once more on a fresh connection; what its first run left for after the commit is dropped", async () => {
      const db = await freshDatabase();
      const dbName = new URL(db.url).pathname.slice(1);
      const opened = await openStore(db.url, { poolSize: 4, serverSecret: secret() });
      try {
        const id = uniquePoolId();
        const runs: number[] = [];
        const after: number[] = [];
        const r = await opened.store.transaction(async (tx) => {
          const run = runs.length + 1;
          runs.push(run);
          tx.afterCommit(() => {
            after.push(run);
          });
          await tx.pools.create(poolRecord(id));
          if (run === 1) await killOpenTransactions(dbName);
          return (await tx.pools.get(id))?.id;
        });
        expect(r).toBe(id);
        expect(runs).toEqual([1, 2]);
        expect(after).toEqual([2]);
        expect(await opened.store.read.pools.get(id)).toBeDefined();

        // Lost twice: the second loss is the caller's error, and nothing was written.
        const other = uniquePoolId();
        let attempts = 0;
        await expect(
          opened.store.transaction(async (tx) => {
            attempts++;
            await tx.pools.create(poolRecord(other));
            await killOpenTransactions(dbName);
            await tx.pools.get(other);
          }),
        ).rejects.toThrow();
        expect(attempts).toBe(2);
        expect(await opened.store.read.pools.get(other)).toBeUndefined();
        // And the store serves on.
        const third = uniquePoolId();
        await opened.store.transaction((tx) => tx.pools.create(poolRecord(third)));
        expect(await opened.store.read.pools.get(third)).toBeDefined();
      } finally {
        await opened.store.close();
        await db.drop();
      }
    });

    it("a failure of the transaction's own statements is not retried", async () => {
      const db = await freshDatabase();
      const opened = await openStore(db.url, { poolSize: 4, serverSecret: secret() });
      try {
        const id = uniquePoolId();
        await opened.store.transaction((tx) => tx.pools.create(poolRecord(id)));
        let attempts = 0;
        await expect(
          opened.store.transaction(async (tx) => {
            attempts++;
            await tx.pools.create(poolRecord(id)); // primary key violation
          }),
        ).rejects.toThrow();
        expect(attempts).toBe(1);
      } finally {
        await opened.store.close();
        await db.drop();
      }
    });
  });
} else {
  describe("store contract: postgres", () => {
    it.skip("skipped: set COGNATE_TEST_POSTGRES_URL to run it", () => {});
  });
}
