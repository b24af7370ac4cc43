// One-time codes: put, supersede (newest first, bounded), attempt guard, single-use consume.
// Part of the store contract (harness.ts); the runners run it against every backend.
import { describe, expect, it } from "vitest";
import { type Contract, codeRecord, name } from "./harness.js";

export const codesContract: Contract = (ctx) => {
  describe("codes", () => {
    it("puts, reads back and replaces the current code", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "ivan");
      const first = codeRecord(p, "ivan");
      await ctx.store.transaction((tx) => tx.codes.put(first));
      expect(await ctx.store.read.codes.get(p, name("ivan"), "SIGNUP")).toEqual(first);
      const second = codeRecord(p, "ivan", {
        codeHmac: "hmac-second",
        previous: ["hmac-current"],
        issuedAt: 20_000,
        expiresAt: 20_000 + 86_400_000,
      });
      await ctx.store.transaction((tx) => tx.codes.put(second));
      expect(await ctx.store.read.codes.get(p, name("ivan"), "SIGNUP")).toEqual(second);
      await ctx.store.transaction((tx) => tx.codes.delete(p, name("ivan"), "SIGNUP"));
      expect(await ctx.store.read.codes.get(p, name("ivan"), "SIGNUP")).toBeUndefined();
    });

    it("keeps a non-empty `previous` from put and putMany, and supersede prepends to it", async () => {
      // Regression: PostgreSQL's bulk path wrote `previous` as a JSON array, which a later
      // supersede turned into garbage (superseded codes then answered "mismatch").
      const p = await ctx.newPool();
      await ctx.newUser(p, "pam");
      await ctx.newUser(p, "pat");
      const h = (i: number) => `P${String(i).padStart(42, "0")}`;
      await ctx.store.transaction(async (tx) => {
        await tx.codes.put(codeRecord(p, "pam", { codeHmac: h(1), previous: [h(2), h(3)] }));
        await tx.codes.putMany([codeRecord(p, "pat", { codeHmac: h(4), previous: [h(5), h(6)] })]);
      });
      expect((await ctx.store.read.codes.get(p, name("pam"), "SIGNUP"))?.previous).toEqual([h(2), h(3)]);
      expect((await ctx.store.read.codes.get(p, name("pat"), "SIGNUP"))?.previous).toEqual([h(5), h(6)]);
      await ctx.store.transaction(async (tx) => {
        await tx.codes.supersede(codeRecord(p, "pam", { codeHmac: h(7) }));
        await tx.codes.supersede(codeRecord(p, "pat", { codeHmac: h(8) }));
      });
      const pam = await ctx.store.read.codes.get(p, name("pam"), "SIGNUP");
      const pat = await ctx.store.read.codes.get(p, name("pat"), "SIGNUP");
      expect([pam?.codeHmac, pam?.previous]).toEqual([h(7), [h(1), h(2), h(3)]]);
      expect([pat?.codeHmac, pat?.previous]).toEqual([h(8), [h(4), h(5), h(6)]]);
    });

    it("supersede keeps the replaced codes newest first; concurrent supersedes keep every one", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "sue");
      const hmac = (i: number) => `H${String(i).padStart(42, "0")}`;
      await ctx.store.transaction((tx) =>
        tx.codes.supersede(codeRecord(p, "sue", { codeHmac: hmac(0), previous: ["ignored"] })),
      );
      expect((await ctx.store.read.codes.get(p, name("sue"), "SIGNUP"))?.previous).toEqual([]);
      await ctx.store.transaction((tx) => tx.codes.addFailedAttempt(p, name("sue"), "SIGNUP", 10));
      await ctx.store.transaction((tx) => tx.codes.supersede(codeRecord(p, "sue", { codeHmac: hmac(1) })));
      const one = await ctx.store.read.codes.get(p, name("sue"), "SIGNUP");
      expect(one?.codeHmac).toBe(hmac(1));
      expect(one?.previous).toEqual([hmac(0)]);
      expect(one?.failedAttempts).toBe(0);
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          ctx.store.transaction((tx) => tx.codes.supersede(codeRecord(p, "sue", { codeHmac: hmac(i + 2) }))),
        ),
      );
      const all = await ctx.store.read.codes.get(p, name("sue"), "SIGNUP");
      const seen = [all?.codeHmac, ...(all?.previous ?? [])];
      expect(new Set(seen).size).toBe(10);
      expect([...seen].sort()).toEqual(Array.from({ length: 10 }, (_, i) => hmac(i)).sort());
      // Bounded: older entries fall off, newest first stays.
      for (let i = 10; i < 40; i++) {
        await ctx.store.transaction((tx) => tx.codes.supersede(codeRecord(p, "sue", { codeHmac: hmac(i) })));
      }
      const bounded = await ctx.store.read.codes.get(p, name("sue"), "SIGNUP");
      expect(bounded?.previous.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => hmac(38 - i)));
    });

    it("counts failed attempts up to the guard, then refuses without counting", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "judy");
      await ctx.store.transaction((tx) => tx.codes.put(codeRecord(p, "judy")));
      const attempt = () =>
        ctx.store.transaction((tx) => tx.codes.addFailedAttempt(p, name("judy"), "SIGNUP", 3));
      expect(await attempt()).toBe(1);
      expect(await attempt()).toBe(2);
      expect(await attempt()).toBe(3);
      expect(await attempt()).toBeNull();
      expect(await attempt()).toBeNull();
      expect((await ctx.store.read.codes.get(p, name("judy"), "SIGNUP"))?.failedAttempts).toBe(3);
      // No code at all: nothing to count.
      expect(
        await ctx.store.transaction((tx) => tx.codes.addFailedAttempt(p, name("nobody"), "SIGNUP", 3)),
      ).toBeNull();
    });

    it("failed attempts counted concurrently are all counted, never past the guard", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "kate");
      await ctx.store.transaction((tx) => tx.codes.put(codeRecord(p, "kate")));
      const results = await Promise.all(
        Array.from({ length: 12 }, () =>
          ctx.store.transaction((tx) => tx.codes.addFailedAttempt(p, name("kate"), "SIGNUP", 8)),
        ),
      );
      const counted = results.filter((r): r is number => r !== null).sort((x, y) => x - y);
      expect(counted).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect((await ctx.store.read.codes.get(p, name("kate"), "SIGNUP"))?.failedAttempts).toBe(8);
    });

    it("consume is single-use, and refuses a wrong, superseded or expired code", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "liam");
      const c = codeRecord(p, "liam", { issuedAt: 1_000, expiresAt: 5_000 });
      await ctx.store.transaction((tx) => tx.codes.put(c));
      const consume = (hmac: string, now: number) =>
        ctx.store.transaction((tx) => tx.codes.consume(p, name("liam"), "SIGNUP", hmac, now));
      expect(await consume("hmac-wrong", 2_000)).toBe(false);
      expect(await consume("hmac-current", 5_000)).toBe(false); // expired at its expiry instant
      expect(await consume("hmac-current", 2_000)).toBe(true);
      expect(await consume("hmac-current", 2_001)).toBe(false);
      expect((await ctx.store.read.codes.get(p, name("liam"), "SIGNUP"))?.consumedAt).toBe(2_000);

      // A replaced code cannot be consumed; the new one can.
      await ctx.store.transaction((tx) =>
        tx.codes.put(
          codeRecord(p, "liam", { codeHmac: "hmac-new", previous: ["hmac-current"], expiresAt: 9_000 }),
        ),
      );
      expect(await consume("hmac-current", 3_000)).toBe(false);
      expect(await consume("hmac-new", 3_000)).toBe(true);
    });

    it("N concurrent consumes in separate transactions: exactly one succeeds", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "mia");
      await ctx.store.transaction((tx) => tx.codes.put(codeRecord(p, "mia")));
      const results = await Promise.all(
        Array.from({ length: 16 }, () =>
          ctx.store.transaction((tx) => tx.codes.consume(p, name("mia"), "SIGNUP", "hmac-current", 11_000)),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it("deleting the user deletes their codes", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "nina");
      await ctx.store.transaction((tx) => tx.codes.put(codeRecord(p, "nina")));
      await ctx.store.transaction((tx) => tx.users.delete(p, name("nina")));
      expect(await ctx.store.read.codes.get(p, name("nina"), "SIGNUP")).toBeUndefined();
    });
  });
};
