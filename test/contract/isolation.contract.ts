// Pool isolation: nothing of pool A is reachable through pool B.
// Part of the store contract (harness.ts); the runners run it against every backend.
import { describe, expect, it } from "vitest";
import { type Contract, codeRecord, event, key, name } from "./harness.js";

export const isolationContract: Contract = (ctx) => {
  describe("pool isolation", () => {
    it("nothing of pool A is visible or changeable through pool B's id", async () => {
      const a = await ctx.newPool();
      const b = await ctx.newPool();
      const ua = await ctx.newUser(a, "rita", { attributes: { email: "rita@example.com" } });
      const ub = await ctx.newUser(b, "rita", { attributes: { email: "rita@example.org" } });
      expect(ua.sub).not.toBe(ub.sub);
      await ctx.store.transaction(async (tx) => {
        expect(
          await tx.aliases.claim({
            poolId: a,
            kind: "email",
            valueKey: "rita@example.com",
            username: name("rita"),
          }),
        ).toBe(true);
        // The same alias value in another pool is another alias.
        expect(
          await tx.aliases.claim({
            poolId: b,
            kind: "email",
            valueKey: "rita@example.com",
            username: name("rita"),
          }),
        ).toBe(true);
        await tx.codes.put(codeRecord(a, "rita", { codeHmac: "hmac-a" }));
        await tx.codes.put(codeRecord(b, "rita", { codeHmac: "hmac-b" }));
        await tx.events.add(event(a, "rita", 1));
      });

      expect(await ctx.store.read.users.get(b, key("rita"))).toEqual(ub);
      expect(await ctx.store.read.users.getBySub(b, ua.sub)).toBeUndefined();
      expect(await ctx.store.read.users.getBySub(a, ub.sub)).toBeUndefined();
      expect(await ctx.store.transaction((tx) => tx.users.getForUpdate(b, name("rita")))).toEqual(ub);
      expect((await ctx.store.read.users.list(b, 100, null)).map((u) => u.sub)).toEqual([ub.sub]);
      expect((await ctx.store.read.codes.get(b, name("rita"), "SIGNUP"))?.codeHmac).toBe("hmac-b");
      expect(
        await ctx.store.transaction((tx) => tx.codes.consume(b, name("rita"), "SIGNUP", "hmac-a", 11_000)),
      ).toBe(false);
      expect(await ctx.store.read.events.listForUser(b, "rita", 10)).toEqual([]);

      // Updating B's user does not touch A's.
      await ctx.store.transaction((tx) => tx.users.update({ ...ub, status: "CONFIRMED", updatedAt: 5 }));
      expect(await ctx.store.read.users.get(a, key("rita"))).toEqual(ua);
      // Releasing B's alias leaves A's.
      await ctx.store.transaction((tx) => tx.aliases.release(b, "email", "rita@example.com", name("rita")));
      expect((await ctx.store.read.aliases.find(a, "email", "rita@example.com"))?.poolId).toBe(a);
      // Deleting B's user leaves A's user, code and alias.
      expect(await ctx.store.transaction((tx) => tx.users.delete(b, name("rita")))).toBe(true);
      expect(await ctx.store.read.users.get(a, key("rita"))).toEqual(ua);
      expect((await ctx.store.read.codes.get(a, name("rita"), "SIGNUP"))?.codeHmac).toBe("hmac-a");
      expect(
        await ctx.store.transaction((tx) => tx.codes.addFailedAttempt(b, name("rita"), "SIGNUP", 5)),
      ).toBeNull();
      expect((await ctx.store.read.codes.get(a, name("rita"), "SIGNUP"))?.failedAttempts).toBe(0);
      expect(await ctx.store.read.pools.countUsers(a)).toBe(1);
      expect(await ctx.store.read.pools.countUsers(b)).toBe(0);
    });
  });
};
