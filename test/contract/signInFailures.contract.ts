// Failed sign-in counts (the lock-out): put and read back, cleared, scoped by pool, gone with
// their user, and counted without loss when several transactions fail the same user at once
// (each locks the user first, as the sign-in service does). Part of the store contract
// (harness.ts); the runners run it against every backend.
import { describe, expect, it } from "vitest";
import { type Contract, name } from "./harness.js";

export const signInFailuresContract: Contract = (ctx) => {
  describe("sign-in failures", () => {
    it("puts, reads back, replaces and clears a user's count, only through its own pool", async () => {
      const p = await ctx.newPool();
      const q = await ctx.newPool();
      await ctx.newUser(p, "ann");
      await ctx.newUser(q, "ann");
      expect(await ctx.store.read.signInFailures.get(p, name("ann"))).toBeUndefined();
      await ctx.store.transaction((tx) =>
        tx.signInFailures.put(p, name("ann"), { failures: 1, lastFailureAt: 5_000 }),
      );
      await ctx.store.transaction((tx) =>
        tx.signInFailures.put(p, name("ann"), { failures: 2, lastFailureAt: 6_000 }),
      );
      expect(await ctx.store.read.signInFailures.get(p, name("ann"))).toEqual({
        failures: 2,
        lastFailureAt: 6_000,
      });
      expect(await ctx.store.read.signInFailures.get(q, name("ann"))).toBeUndefined();
      await ctx.store.transaction((tx) => tx.signInFailures.clear(p, name("ann")));
      expect(await ctx.store.read.signInFailures.get(p, name("ann"))).toBeUndefined();
    });

    it("goes with its user", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "bob");
      await ctx.store.transaction((tx) =>
        tx.signInFailures.put(p, name("bob"), { failures: 3, lastFailureAt: 1 }),
      );
      await ctx.store.transaction((tx) => tx.users.delete(p, name("bob")));
      expect(await ctx.store.read.signInFailures.get(p, name("bob"))).toBeUndefined();
    });

    it("concurrent failures that lock the user first are all counted", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "cat");
      const fail = () =>
        ctx.store.transaction(async (tx) => {
          await tx.users.getForUpdate(p, name("cat"));
          const before = (await tx.signInFailures.get(p, name("cat")))?.failures ?? 0;
          await tx.signInFailures.put(p, name("cat"), { failures: before + 1, lastFailureAt: 1 });
        });
      await Promise.all(Array.from({ length: 8 }, fail));
      expect((await ctx.store.read.signInFailures.get(p, name("cat")))?.failures).toBe(8);
    });
  });
};
