// Pools: records, listing, user counts, and deleting a pool with everything in it.
// Part of the store contract (harness.ts); the runners run it against every backend.
import { describe, expect, it } from "vitest";
import type { PoolRecord } from "../../src/ports/store/index.js";
import {
  type Contract,
  clientRecord,
  codeRecord,
  event,
  key,
  name,
  poolRecord,
  uniquePoolId,
} from "./harness.js";

export const poolsContract: Contract = (ctx) => {
  describe("pools", () => {
    it("createIfAbsent: of racing creations exactly one writes; the others write nothing", async () => {
      const id = uniquePoolId();
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          ctx.store.transaction((tx) =>
            tx.pools.createIfAbsent({ ...poolRecord(id, 1_000 + i), name: `racer ${i}` }),
          ),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await ctx.store.read.pools.get(id)).toEqual({
        ...poolRecord(id, 1_000 + winner),
        name: `racer ${winner}`,
      });
    });

    it("creates, reads back exactly, updates and reports unknown ids as undefined", async () => {
      const id = uniquePoolId();
      const rec = poolRecord(id, 1_234);
      await ctx.store.transaction((tx) => tx.pools.create(rec));
      expect(await ctx.store.read.pools.get(id)).toEqual(rec);
      expect(await ctx.store.read.pools.get(`${id}x`)).toBeUndefined();

      const updated: PoolRecord = {
        ...rec,
        name: "renamed",
        config: { ...rec.config, MfaConfiguration: "OPTIONAL" },
        lastModifiedDate: 9_999,
      };
      await ctx.store.transaction((tx) => tx.pools.update(updated));
      expect(await ctx.store.read.pools.get(id)).toEqual(updated);
    });

    it("lists in id order, `after` being an exclusive lower bound, `limit` at most", async () => {
      const prefix = uniquePoolId();
      for (const suffix of ["c", "a", "b"]) await ctx.newPool(`${prefix}${suffix}`);
      const all = (await ctx.store.read.pools.list(1000, prefix)).filter((p) => p.id.startsWith(prefix));
      expect(all.map((p) => p.id)).toEqual([`${prefix}a`, `${prefix}b`, `${prefix}c`]);
      const page = await ctx.store.read.pools.list(2, `${prefix}a`);
      expect(page.map((p) => p.id)).toEqual([`${prefix}b`, `${prefix}c`]);
      const one = await ctx.store.read.pools.list(1, `${prefix}b`);
      expect(one.map((p) => p.id)).toEqual([`${prefix}c`]);
    });

    it("counts the pool's users only", async () => {
      const a = await ctx.newPool();
      const b = await ctx.newPool();
      await ctx.newUser(a, "u1");
      await ctx.newUser(a, "u2");
      await ctx.newUser(b, "u1");
      expect(await ctx.store.read.pools.countUsers(a)).toBe(2);
      expect(await ctx.store.read.pools.countUsers(b)).toBe(1);
      expect(await ctx.store.read.pools.countUsers(uniquePoolId())).toBe(0);
    });

    it("deletes a pool with everything in it, and nothing of any other pool", async () => {
      const doomed = await ctx.newPool();
      // A second pool whose id equals the first one's except where SQL LIKE would see a
      // wildcard (`_`): deleting the first must not touch the second.
      const lookalike = await ctx.newPool(doomed.replace("_", "X"));
      // ...nor where a case-insensitive comparison would see the same id.
      const upper = await ctx.newPool(doomed.toUpperCase());
      for (const p of [doomed, lookalike, upper]) {
        await ctx.store.transaction((tx) => tx.clients.create(clientRecord(p, `${p}-client`)));
        await ctx.newUser(p, "alice");
        await ctx.store.transaction(async (tx) => {
          await tx.aliases.claim({
            poolId: p,
            kind: "email",
            valueKey: "alice@example.com",
            username: name("alice"),
          });
          await tx.codes.put(codeRecord(p, "alice"));
          await tx.events.add(event(p, "alice", 1));
          await tx.limits.hit(`${p}|resend|alice`, 60_000, 5, 1_000);
        });
      }
      expect(await ctx.store.transaction((tx) => tx.pools.delete(doomed))).toBe(true);
      expect(await ctx.store.transaction((tx) => tx.pools.delete(doomed))).toBe(false);

      expect(await ctx.store.read.pools.get(doomed)).toBeUndefined();
      expect(await ctx.store.read.clients.get(`${doomed}-client`)).toBeUndefined();
      expect(await ctx.store.read.users.get(doomed, key("alice"))).toBeUndefined();
      expect(await ctx.store.read.aliases.find(doomed, "email", "alice@example.com")).toBeUndefined();
      expect(await ctx.store.read.codes.get(doomed, name("alice"), "SIGNUP")).toBeUndefined();
      expect(await ctx.store.read.events.listForUser(doomed, "alice", 10)).toEqual([]);
      expect(await ctx.store.read.limits.peek(`${doomed}|resend|alice`, 1_000)).toBeUndefined();

      expect(await ctx.store.read.pools.get(lookalike)).toBeDefined();
      expect(await ctx.store.read.clients.get(`${lookalike}-client`)).toBeDefined();
      expect(await ctx.store.read.users.get(lookalike, key("alice"))).toBeDefined();
      expect(await ctx.store.read.aliases.find(lookalike, "email", "alice@example.com")).toBeDefined();
      expect(await ctx.store.read.codes.get(lookalike, name("alice"), "SIGNUP")).toBeDefined();
      expect(await ctx.store.read.events.listForUser(lookalike, "alice", 10)).toHaveLength(1);
      expect(await ctx.store.read.limits.peek(`${lookalike}|resend|alice`, 1_000)).toMatchObject({
        count: 1,
      });
      expect(await ctx.store.read.limits.peek(`${upper}|resend|alice`, 1_000)).toMatchObject({ count: 1 });
      expect(await ctx.store.read.users.get(upper, key("alice"))).toBeDefined();
    });
  });
};
