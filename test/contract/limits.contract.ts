// Rate-limit counters: fixed windows, refused hits not counted, atomic under concurrency.
// Part of the store contract (harness.ts); the runners run it against every backend.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Contract } from "./harness.js";

export const limitsContract: Contract = (ctx) => {
  describe("limits", () => {
    it("fixed window: counts up to max; refused hits neither count nor extend; resets after expiry", async () => {
      const key = `test|limits|${randomUUID()}`;
      const win = 60_000;
      const t0 = 1_000_000;
      expect(await ctx.store.read.limits.peek(key, t0)).toBeUndefined();
      const hit = (now: number) => ctx.store.transaction((tx) => tx.limits.hit(key, win, 3, now));
      expect(await hit(t0)).toEqual({ allowed: true, count: 1, resetAt: t0 + win });
      expect(await hit(t0 + 10)).toEqual({ allowed: true, count: 2, resetAt: t0 + win });
      expect(await hit(t0 + 20)).toEqual({ allowed: true, count: 3, resetAt: t0 + win });
      // Refused: not counted, window unchanged, however often retried.
      for (const dt of [30, 40_000, win - 1]) {
        expect(await hit(t0 + dt)).toEqual({ allowed: false, count: 3, resetAt: t0 + win });
      }
      expect(await ctx.store.read.limits.peek(key, t0 + 50)).toMatchObject({ count: 3, resetAt: t0 + win });
      // At the end of the window a new one starts.
      expect(await hit(t0 + win)).toEqual({ allowed: true, count: 1, resetAt: t0 + 2 * win });
      expect(await ctx.store.read.limits.peek(key, t0 + 3 * win)).toBeUndefined();
      expect(await hit(t0 + 3 * win + 5)).toEqual({ allowed: true, count: 1, resetAt: t0 + 4 * win + 5 });
    });

    it("max 0 refuses everything; keys are independent", async () => {
      const a = `test|limits|${randomUUID()}`;
      const b = `test|limits|${randomUUID()}`;
      expect((await ctx.store.transaction((tx) => tx.limits.hit(a, 1_000, 0, 5))).allowed).toBe(false);
      expect(await ctx.store.transaction((tx) => tx.limits.hit(b, 1_000, 1, 5))).toMatchObject({
        allowed: true,
        count: 1,
      });
      expect((await ctx.store.transaction((tx) => tx.limits.hit(b, 1_000, 1, 6))).allowed).toBe(false);
      expect((await ctx.store.transaction((tx) => tx.limits.hit(a, 1_000, 1, 6))).allowed).toBe(true);
    });

    it("20 concurrent hits with max 5: exactly 5 allowed, counter at 5", async () => {
      const key = `test|limits|${randomUUID()}`;
      const results = await Promise.all(
        Array.from({ length: 20 }, () => ctx.store.transaction((tx) => tx.limits.hit(key, 60_000, 5, 2_000))),
      );
      expect(results.filter((r) => r.allowed)).toHaveLength(5);
      expect(
        results
          .filter((r) => r.allowed)
          .map((r) => r.count)
          .sort(),
      ).toEqual([1, 2, 3, 4, 5]);
      expect(await ctx.store.read.limits.peek(key, 2_000)).toMatchObject({ count: 5, resetAt: 62_000 });
    });
  });
};
