// Attribute changes waiting for verification: one per user and attribute, replaced by a newer
// one, deleted on its own, and gone with its user.
// Part of the store contract (harness.ts); the runners run it against every backend.
import { describe, expect, it } from "vitest";
import { asUsername } from "../../src/domain/usernames.js";
import type { Contract } from "./harness.js";

export const pendingAttributesContract: Contract = (ctx) => {
  describe("pending attributes", () => {
    it("keeps one value per user and attribute, replaces, deletes, and goes with the user", async () => {
      const p = await ctx.newPool();
      const other = await ctx.newPool();
      const vera = asUsername("vera");
      await ctx.newUser(p, "vera");
      await ctx.newUser(p, "walt");
      await ctx.newUser(other, "vera");
      const put = (
        poolId: string,
        username: string,
        name: "email" | "phone_number",
        value: string,
        at: number,
      ) =>
        ctx.store.transaction((tx) =>
          tx.pendingAttributes.put({ poolId, username: asUsername(username), name, value, createdAt: at }),
        );
      await put(p, "vera", "email", "v1@example.com", 1_000);
      await put(p, "vera", "email", "v2@example.com", 2_000);
      await put(p, "vera", "phone_number", "+14155550100", 3_000);
      await put(p, "walt", "email", "w@example.com", 4_000);
      await put(other, "vera", "email", "elsewhere@example.com", 5_000);
      expect(await ctx.store.read.pendingAttributes.listForUser(p, vera)).toEqual([
        { poolId: p, username: vera, name: "email", value: "v2@example.com", createdAt: 2_000 },
        { poolId: p, username: vera, name: "phone_number", value: "+14155550100", createdAt: 3_000 },
      ]);
      await ctx.store.transaction((tx) => tx.pendingAttributes.delete(p, vera, "email"));
      expect((await ctx.store.read.pendingAttributes.listForUser(p, vera)).map((r) => r.name)).toEqual([
        "phone_number",
      ]);
      await ctx.store.transaction((tx) => tx.users.delete(p, vera));
      expect(await ctx.store.read.pendingAttributes.listForUser(p, vera)).toEqual([]);
      expect(await ctx.store.read.pendingAttributes.listForUser(p, asUsername("walt"))).toHaveLength(1);
      expect(await ctx.store.read.pendingAttributes.listForUser(other, vera)).toHaveLength(1);
    });
  });
};
