// Meta facts: set once, atomically.
// Part of the store contract (harness.ts); the runners run it against every backend.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Contract } from "./harness.js";

export const metaContract: Contract = (ctx) => {
  describe("meta", () => {
    it("setIfAbsent keeps the first value", async () => {
      const key = `test-key-${randomUUID()}`;
      expect(await ctx.store.read.meta.get(key)).toBeUndefined();
      expect(await ctx.store.transaction((tx) => tx.meta.setIfAbsent(key, "first"))).toBe("first");
      expect(await ctx.store.transaction((tx) => tx.meta.setIfAbsent(key, "second"))).toBe("first");
      expect(await ctx.store.read.meta.get(key)).toBe("first");
    });

    it("setIfAbsent under concurrency: every caller sees the one stored value", async () => {
      const key = `test-key-${randomUUID()}`;
      const values = await Promise.all(
        Array.from({ length: 8 }, (_, i) => ctx.store.transaction((tx) => tx.meta.setIfAbsent(key, `v${i}`))),
      );
      const stored = await ctx.store.read.meta.get(key);
      expect(stored).toMatch(/^v\d$/);
      expect(new Set(values)).toEqual(new Set([stored]));
    });
  });
};
