// Password history: entries remembered newest first, pruned to the number asked for (0 forgets
// them all), scoped by pool, gone with their user, and numbered without loss when several
// transactions remember passwords of the same user at once (each locks the user first, as the
// password operations do). Part of the store contract (harness.ts); the runners run it against
// every backend.
import { describe, expect, it } from "vitest";
import type { PasswordHistoryEntry } from "../../src/ports/store/index.js";
import { type Contract, name } from "./harness.js";

const entry = (i: number): PasswordHistoryEntry => ({
  srp: { salt: `5a17${i}`, verifier: `fe${i}` },
  setAt: 1_000 + i,
});

export const passwordHistoryContract: Contract = (ctx) => {
  describe("password history", () => {
    it("lists a user's entries newest first, at most the limit, only through its own pool", async () => {
      const p = await ctx.newPool();
      const q = await ctx.newPool();
      await ctx.newUser(p, "ann");
      await ctx.newUser(q, "ann");
      expect(await ctx.store.read.passwordHistory.list(p, name("ann"), 24)).toEqual([]);
      for (const i of [1, 2, 3]) {
        await ctx.store.transaction((tx) => tx.passwordHistory.remember(p, name("ann"), entry(i), 24));
      }
      expect(await ctx.store.read.passwordHistory.list(p, name("ann"), 24)).toEqual([
        entry(3),
        entry(2),
        entry(1),
      ]);
      expect(await ctx.store.read.passwordHistory.list(p, name("ann"), 2)).toEqual([entry(3), entry(2)]);
      expect(await ctx.store.read.passwordHistory.list(p, name("ann"), 0)).toEqual([]);
      expect(await ctx.store.read.passwordHistory.list(q, name("ann"), 24)).toEqual([]);
    });

    it("keeps the order of entries set in the same millisecond", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "dan");
      const same = (i: number): PasswordHistoryEntry => ({ ...entry(i), setAt: 7 });
      for (const i of [1, 2, 3]) {
        await ctx.store.transaction((tx) => tx.passwordHistory.remember(p, name("dan"), same(i), 5));
      }
      expect(await ctx.store.read.passwordHistory.list(p, name("dan"), 5)).toEqual([
        same(3),
        same(2),
        same(1),
      ]);
    });

    it("forgets all but the newest `keep`, and everything when keep is 0", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "bob");
      for (const i of [1, 2, 3, 4, 5]) {
        await ctx.store.transaction((tx) => tx.passwordHistory.remember(p, name("bob"), entry(i), 3));
      }
      // Asking for more than were kept gives only what was kept.
      expect(await ctx.store.read.passwordHistory.list(p, name("bob"), 24)).toEqual([
        entry(5),
        entry(4),
        entry(3),
      ]);
      // A smaller size later prunes on the next password.
      await ctx.store.transaction((tx) => tx.passwordHistory.remember(p, name("bob"), entry(6), 1));
      expect(await ctx.store.read.passwordHistory.list(p, name("bob"), 24)).toEqual([entry(6)]);
      await ctx.store.transaction((tx) => tx.passwordHistory.remember(p, name("bob"), entry(7), 0));
      expect(await ctx.store.read.passwordHistory.list(p, name("bob"), 24)).toEqual([]);
      // And it starts again afterwards.
      await ctx.store.transaction((tx) => tx.passwordHistory.remember(p, name("bob"), entry(8), 2));
      expect(await ctx.store.read.passwordHistory.list(p, name("bob"), 24)).toEqual([entry(8)]);
    });

    it("goes with its user, and with its pool", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "cat");
      await ctx.newUser(p, "cyd");
      await ctx.store.transaction((tx) => tx.passwordHistory.remember(p, name("cat"), entry(1), 5));
      await ctx.store.transaction((tx) => tx.passwordHistory.remember(p, name("cyd"), entry(2), 5));
      await ctx.store.transaction((tx) => tx.users.delete(p, name("cat")));
      expect(await ctx.store.read.passwordHistory.list(p, name("cat"), 24)).toEqual([]);
      // A new user of the same name starts with none.
      await ctx.newUser(p, "cat");
      expect(await ctx.store.read.passwordHistory.list(p, name("cat"), 24)).toEqual([]);
      expect(await ctx.store.read.passwordHistory.list(p, name("cyd"), 24)).toEqual([entry(2)]);
      await ctx.store.transaction((tx) => tx.pools.delete(p));
      expect(await ctx.store.read.passwordHistory.list(p, name("cyd"), 24)).toEqual([]);
    });

    it("concurrent changes that lock the user first are all remembered, in some order", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "eve");
      const change = (i: number) =>
        ctx.store.transaction(async (tx) => {
          await tx.users.getForUpdate(p, name("eve"));
          await tx.passwordHistory.remember(p, name("eve"), entry(i), 24);
        });
      await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map(change));
      const kept = await ctx.store.read.passwordHistory.list(p, name("eve"), 24);
      expect(kept.map((e) => e.setAt).sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => entry(i).setAt));
    });
  });
};
