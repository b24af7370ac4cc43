// App clients: round trips (sealed secrets included), changes only through the owning pool.
// Part of the store contract (harness.ts); the runners run it against every backend.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ClientRecord } from "../../src/ports/store/index.js";
import { type Contract, clientRecord } from "./harness.js";

export const clientsContract: Contract = (ctx) => {
  describe("clients", () => {
    it("round-trips a client with and without a secret", async () => {
      const p = await ctx.newPool();
      const withSecret = clientRecord(
        p,
        `s${randomBytes(12).toString("hex")}`,
        "averylongsecretvaluewithtwentyfourplus",
      );
      const without = clientRecord(p, `n${randomBytes(12).toString("hex")}`);
      await ctx.store.transaction(async (tx) => {
        await tx.clients.create(withSecret);
        await tx.clients.create(without);
      });
      expect(await ctx.store.read.clients.get(withSecret.clientId)).toEqual(withSecret);
      expect(await ctx.store.read.clients.get(without.clientId)).toEqual(without);
      expect(await ctx.store.read.clients.get("nosuchclient")).toBeUndefined();
    });

    it("createIfAbsent: of racing creations exactly one writes; the others write nothing", async () => {
      const p = await ctx.newPool();
      const id = `r${randomBytes(12).toString("hex")}`;
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          ctx.store.transaction((tx) =>
            tx.clients.createIfAbsent({ ...clientRecord(p, id), clientName: `racer ${i}` }),
          ),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await ctx.store.read.clients.get(id))?.clientName).toBe(`racer ${results.indexOf(true)}`);
    });

    it("updates and deletes only through the owning pool", async () => {
      const a = await ctx.newPool();
      const b = await ctx.newPool();
      const c = clientRecord(
        a,
        `c${randomBytes(12).toString("hex")}`,
        "averylongsecretvaluewithtwentyfourplus",
      );
      await ctx.store.transaction((tx) => tx.clients.create(c));

      // An update addressed to another pool changes nothing.
      await ctx.store.transaction((tx) => tx.clients.update({ ...c, poolId: b, clientName: "hijacked" }));
      expect((await ctx.store.read.clients.get(c.clientId))?.clientName).toBe(c.clientName);

      const next: ClientRecord = {
        ...c,
        clientName: "renamed",
        secret: null,
        config: { ExplicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"] },
        lastModifiedDate: 7_000,
      };
      await ctx.store.transaction((tx) => tx.clients.update(next));
      expect(await ctx.store.read.clients.get(c.clientId)).toEqual(next);

      expect(await ctx.store.transaction((tx) => tx.clients.delete(b, c.clientId))).toBe(false);
      expect(await ctx.store.read.clients.get(c.clientId)).toBeDefined();
      expect(await ctx.store.transaction((tx) => tx.clients.delete(a, c.clientId))).toBe(true);
      expect(await ctx.store.transaction((tx) => tx.clients.delete(a, c.clientId))).toBe(false);
      expect(await ctx.store.read.clients.get(c.clientId)).toBeUndefined();
    });

    it("lists a pool's clients in id order with an exclusive `after`", async () => {
      const a = await ctx.newPool();
      const b = await ctx.newPool();
      const base = randomBytes(8).toString("hex");
      for (const s of ["3", "1", "2"]) {
        await ctx.store.transaction((tx) => tx.clients.create(clientRecord(a, `${base}${s}`)));
      }
      await ctx.store.transaction((tx) => tx.clients.create(clientRecord(b, `${base}0`)));
      expect((await ctx.store.read.clients.list(a, 10, null)).map((c) => c.clientId)).toEqual([
        `${base}1`,
        `${base}2`,
        `${base}3`,
      ]);
      expect((await ctx.store.read.clients.list(a, 1, `${base}1`)).map((c) => c.clientId)).toEqual([
        `${base}2`,
      ]);
      expect((await ctx.store.read.clients.list(a, 10, `${base}3`)).map((c) => c.clientId)).toEqual([]);
      expect((await ctx.store.read.clients.list(b, 10, null)).map((c) => c.clientId)).toEqual([`${base}0`]);
    });
  });
};
