// Transactions: atomic commit and rollback, isolation between concurrent ones, after-commit work.
// Part of the store contract (harness.ts); the runners run it against every backend.
import { describe, expect, it } from "vitest";
import type { StoreRead } from "../../src/ports/store/index.js";
import { type Contract, key, message, poolRecord, uniquePoolId, userRecord } from "./harness.js";

export const transactionsContract: Contract = (ctx) => {
  describe("transactions", () => {
    it("returns the function's value once committed", async () => {
      const id = uniquePoolId();
      const r = await ctx.store.transaction(async (tx) => {
        await tx.pools.create(poolRecord(id));
        return { made: id };
      });
      expect(r).toEqual({ made: id });
      expect(await ctx.store.read.pools.get(id)).toBeDefined();
    });

    it("a transaction that throws writes nothing and rethrows", async () => {
      const id = uniquePoolId();
      const boom = new Error("boom");
      const m = message(id);
      await expect(
        ctx.store.transaction(async (tx) => {
          await tx.pools.create(poolRecord(id));
          await tx.users.createIfAbsent(userRecord(id, "quinn"), key("quinn"));
          await tx.outbox.enqueue(m);
          await tx.meta.setIfAbsent(`rollback-${id}`, "x");
          await tx.limits.hit(`${id}|rollback`, 60_000, 5, 1_000);
          expect(await tx.pools.get(id)).toBeDefined(); // visible inside
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await ctx.store.read.pools.get(id)).toBeUndefined();
      expect(await ctx.store.read.users.get(id, key("quinn"))).toBeUndefined();
      expect(await ctx.store.read.outbox.get(m.id)).toBeUndefined();
      expect(await ctx.store.read.meta.get(`rollback-${id}`)).toBeUndefined();
      expect(await ctx.store.read.limits.peek(`${id}|rollback`, 1_000)).toBeUndefined();
    });

    it("a failing transaction does not undo concurrent ones that succeed", async () => {
      const [a, b, c] = [uniquePoolId(), uniquePoolId(), uniquePoolId()];
      const results = await Promise.allSettled([
        ctx.store.transaction((tx) => tx.pools.create(poolRecord(a))),
        ctx.store.transaction(async (tx) => {
          await tx.pools.create(poolRecord(b));
          throw new Error("fails");
        }),
        ctx.store.transaction((tx) => tx.pools.create(poolRecord(c))),
      ]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect(await ctx.store.read.pools.get(a)).toBeDefined();
      expect(await ctx.store.read.pools.get(b)).toBeUndefined();
      expect(await ctx.store.read.pools.get(c)).toBeDefined();
    });

    it("a statement that fails inside a transaction (duplicate key) rolls the whole of it back", async () => {
      const id = await ctx.newPool();
      const extra = uniquePoolId();
      await expect(
        ctx.store.transaction(async (tx) => {
          await tx.pools.create(poolRecord(extra));
          await tx.pools.create(poolRecord(id)); // primary key violation
        }),
      ).rejects.toThrow();
      expect(await ctx.store.read.pools.get(extra)).toBeUndefined();
      // The store is still usable afterwards.
      const after = await ctx.newPool();
      expect(await ctx.store.read.pools.get(after)).toBeDefined();
    });
  });

  describe("after-commit work", () => {
    it("runs once the transaction has committed, in registration order, seeing the committed data", async () => {
      const id = uniquePoolId();
      const ran: string[] = [];
      let seen: Promise<unknown> | null = null;
      const r = await ctx.store.transaction(async (tx) => {
        tx.afterCommit(() => {
          ran.push("first");
          seen = ctx.store.read.pools.get(id);
        });
        await tx.pools.create(poolRecord(id));
        tx.afterCommit(() => {
          ran.push("second");
        });
        tx.afterCommit(async () => {
          ran.push("third");
        });
        expect(ran).toEqual([]);
        return "done";
      });
      expect(r).toBe("done");
      expect(ran).toEqual(["first", "second", "third"]);
      expect(await seen).toBeDefined();
    });

    it("never runs when the transaction rolls back", async () => {
      const ran: string[] = [];
      await expect(
        ctx.store.transaction(async (tx) => {
          tx.afterCommit(() => {
            ran.push("thrown");
          });
          throw new Error("rolled back");
        }),
      ).rejects.toThrow("rolled back");
      const id = await ctx.newPool();
      await expect(
        ctx.store.transaction(async (tx) => {
          tx.afterCommit(() => {
            ran.push("failed statement");
          });
          await tx.pools.create(poolRecord(id)); // primary key violation
        }),
      ).rejects.toThrow();
      expect(ran).toEqual([]);
    });

    it("a failing one is reported and fails neither the transaction nor the others", async () => {
      const id = uniquePoolId();
      const ran: string[] = [];
      const before = ctx.afterCommitErrors.length;
      const boom = new Error("after-commit boom");
      const rejected = new Error("after-commit rejection");
      await ctx.store.transaction(async (tx) => {
        tx.afterCommit(() => {
          throw boom;
        });
        tx.afterCommit(() => Promise.reject(rejected));
        tx.afterCommit(() => {
          ran.push("still runs");
        });
        await tx.pools.create(poolRecord(id));
      });
      expect(ran).toEqual(["still runs"]);
      expect(await ctx.store.read.pools.get(id)).toBeDefined();
      await new Promise((r) => setImmediate(r));
      expect(ctx.afterCommitErrors.slice(before)).toEqual([boom, rejected]);
    });

    it("the outbox listeners get each committed transaction's messages, once, in order; never a rolled-back one", async () => {
      const p = await ctx.newPool();
      const heard: string[][] = [];
      ctx.store.onMessagesCommitted((ms) => {
        const mine = ms.filter((m) => m.poolId === p);
        if (mine.length > 0) heard.push(mine.map((m) => m.id));
      });
      const [m1, m2, m3] = [message(p), message(p), message(p)];
      await ctx.store.transaction(async (tx) => {
        await tx.outbox.enqueue(m1);
        await tx.outbox.enqueue(m2);
        expect(heard).toEqual([]);
      });
      await expect(
        ctx.store.transaction(async (tx) => {
          await tx.outbox.enqueue(m3);
          throw new Error("rolled back");
        }),
      ).rejects.toThrow();
      await ctx.store.transaction((tx) => tx.outbox.enqueue(m3));
      expect(heard).toEqual([[m1.id, m2.id], [m3.id]]);
    });
  });

  // The read handle has no writes: these lines must not compile (checked by `npm run typecheck`).
  const writesThroughRead = [
    // @ts-expect-error store.read.pools has no create
    (r: StoreRead) => r.pools.create,
    // @ts-expect-error store.read.users has no createIfAbsent
    (r: StoreRead) => r.users.createIfAbsent,
    // @ts-expect-error store.read.codes has no consume
    (r: StoreRead) => r.codes.consume,
    // @ts-expect-error store.read.outbox has no enqueue
    (r: StoreRead) => r.outbox.enqueue,
    // @ts-expect-error store.read has no afterCommit
    (r: StoreRead) => r.afterCommit,
  ];
  void writesThroughRead;
};
