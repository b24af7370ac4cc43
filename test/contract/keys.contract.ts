// Access keys: sealed secrets, listing, revocation.
// Part of the store contract (harness.ts); the runners run it against every backend.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Contract } from "./harness.js";

export const keysContract: Contract = (ctx) => {
  describe("access keys", () => {
    it("creates, reads back, lists oldest first and revokes once", async () => {
      const base = `AKID${randomBytes(6).toString("hex").toUpperCase()}`;
      const k1 = {
        accessKeyId: `${base}A`,
        secretAccessKey: randomBytes(20).toString("base64"),
        description: "ci",
        createdAt: 1_000,
        revokedAt: null,
      };
      const k2 = { ...k1, accessKeyId: `${base}B`, description: null, createdAt: 2_000 };
      await ctx.store.transaction((tx) => tx.accessKeys.create(k2));
      await ctx.store.transaction((tx) => tx.accessKeys.create(k1));
      expect(await ctx.store.read.accessKeys.get(k1.accessKeyId)).toEqual(k1);
      expect(await ctx.store.read.accessKeys.get(`${base}C`)).toBeUndefined();
      const mine = (await ctx.store.read.accessKeys.list()).filter((k) => k.accessKeyId.startsWith(base));
      expect(mine).toEqual([k1, k2]);
      await expect(
        ctx.store.transaction((tx) => tx.accessKeys.create({ ...k1, secretAccessKey: "other" })),
      ).rejects.toThrow();

      expect(await ctx.store.transaction((tx) => tx.accessKeys.revoke(k1.accessKeyId, 5_000))).toBe(true);
      expect(await ctx.store.transaction((tx) => tx.accessKeys.revoke(k1.accessKeyId, 6_000))).toBe(false);
      expect(await ctx.store.transaction((tx) => tx.accessKeys.revoke(`${base}C`, 6_000))).toBe(false);
      expect(await ctx.store.read.accessKeys.get(k1.accessKeyId)).toEqual({ ...k1, revokedAt: 5_000 });
      expect((await ctx.store.read.accessKeys.get(k2.accessKeyId))?.revokedAt).toBeNull();
    });
  });
};
