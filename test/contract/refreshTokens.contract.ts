// Refresh tokens: records read back whole, families revoked as a whole, a user's tokens
// revoked at once, the family check by origin_jti or event_id, rotation marks, pruning, and
// records going with their user and client. Part of the store contract (harness.ts); the
// runners run it against every backend.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { FamilyKey, RefreshTokenRecord } from "../../src/ports/store/index.js";
import { type Contract, clientRecord, key, name } from "./harness.js";

function token(poolId: string, clientId: string, username: string, over: Partial<RefreshTokenRecord> = {}) {
  const t: RefreshTokenRecord = {
    id: randomUUID(),
    poolId,
    clientId,
    username: name(username),
    originJti: randomUUID(),
    eventId: randomUUID(),
    authTime: 10_000,
    deviceKey: null,
    issuedAt: 10_000,
    expiresAt: 10_000 + 30 * 86_400_000,
    revokedAt: null,
    rotatedAt: null,
    ...over,
  };
  return t;
}

export const refreshTokensContract: Contract = (ctx) => {
  async function setup(users: string[] = ["ann"]) {
    const p = await ctx.newPool();
    const clientId = `c${randomUUID().replaceAll("-", "").slice(0, 20)}`;
    await ctx.store.transaction((tx) => tx.clients.create(clientRecord(p, clientId)));
    for (const u of users) await ctx.newUser(p, u);
    return { p, clientId };
  }
  const insert = (t: RefreshTokenRecord) => ctx.store.transaction((tx) => tx.refreshTokens.insert(t));
  /** ann's family state, as the access-token check reads it. */
  const familyOf = async (poolId: string, f: FamilyKey) =>
    (await ctx.store.read.refreshTokens.userWithFamily(poolId, key("ann"), f))?.family;

  describe("refresh tokens", () => {
    it("stores a token and reads it back whole, only through its own pool", async () => {
      const { p, clientId } = await setup();
      const other = await ctx.newPool();
      const t = token(p, clientId, "ann", { deviceKey: "us-east-1_f00d" });
      await insert(t);
      expect(await ctx.store.read.refreshTokens.get(p, t.id)).toEqual(t);
      expect(await ctx.store.read.refreshTokens.get(other, t.id)).toBeUndefined();
      expect(await ctx.store.read.refreshTokens.get(p, randomUUID())).toBeUndefined();
      await expect(insert(t)).rejects.toThrow();
    });

    it("a token of a user or client that does not exist is refused", async () => {
      const { p, clientId } = await setup();
      await expect(insert(token(p, clientId, "nobody"))).rejects.toThrow();
      await expect(insert(token(p, "no-such-client", "ann"))).rejects.toThrow();
    });

    it("the family check: by origin_jti or event_id, revoked when any of its tokens is", async () => {
      const { p, clientId } = await setup();
      const other = await ctx.newPool();
      const t = token(p, clientId, "ann");
      // A rotation adds a token to the family.
      const next = token(p, clientId, "ann", { originJti: t.originJti, eventId: t.eventId });
      await insert(t);
      await insert(next);
      expect(await familyOf(p, { originJti: t.originJti })).toEqual({
        revokedAt: null,
      });
      expect(await familyOf(p, { eventId: t.eventId })).toEqual({
        revokedAt: null,
      });
      expect(await familyOf(other, { originJti: t.originJti })).toBeUndefined();
      expect(await familyOf(p, { originJti: randomUUID() })).toBeUndefined();
      expect(
        await ctx.store.transaction((tx) => tx.refreshTokens.revokeFamily(other, t.originJti, 20_000)),
      ).toBe(0);
      expect(await ctx.store.transaction((tx) => tx.refreshTokens.revokeFamily(p, t.originJti, 20_000))).toBe(
        2,
      );
      expect(await ctx.store.transaction((tx) => tx.refreshTokens.revokeFamily(p, t.originJti, 30_000))).toBe(
        0,
      );
      expect(await familyOf(p, { originJti: t.originJti })).toEqual({
        revokedAt: 20_000,
      });
      expect(await familyOf(p, { eventId: t.eventId })).toEqual({
        revokedAt: 20_000,
      });
      expect((await ctx.store.read.refreshTokens.get(p, next.id))?.revokedAt).toBe(20_000);
    });

    it("the access-token read: the user and its family's state in one read", async () => {
      const { p, clientId } = await setup(["ann", "ben"]);
      const other = await ctx.newPool();
      const t = token(p, clientId, "ann");
      await insert(t);
      await insert(token(p, clientId, "ann", { originJti: t.originJti, eventId: t.eventId }));
      const read = ctx.store.read.refreshTokens;
      const ann = await ctx.store.read.users.get(p, key("ann"));
      for (const family of [{ originJti: t.originJti }, { eventId: t.eventId }]) {
        expect(await read.userWithFamily(p, key("ann"), family)).toEqual({
          user: ann,
          family: { revokedAt: null },
        });
      }
      // No record of the family: the user alone.
      expect(await read.userWithFamily(p, key("ann"), { originJti: randomUUID() })).toEqual({
        user: ann,
        family: undefined,
      });
      // Another user's name finds that user (the caller compares names and subs).
      expect((await read.userWithFamily(p, key("ben"), { originJti: t.originJti }))?.user.username).toBe(
        "ben",
      );
      expect(await read.userWithFamily(p, key("nobody"), { originJti: t.originJti })).toBeUndefined();
      expect(await read.userWithFamily(other, key("ann"), { originJti: t.originJti })).toBeUndefined();
      await ctx.store.transaction((tx) => tx.refreshTokens.revokeFamily(p, t.originJti, 20_000));
      for (const family of [{ originJti: t.originJti }, { eventId: t.eventId }]) {
        expect((await read.userWithFamily(p, key("ann"), family))?.family).toEqual({ revokedAt: 20_000 });
      }
    });

    it("revokes every token of one user, and only theirs", async () => {
      const { p, clientId } = await setup(["ann", "ben"]);
      const a1 = token(p, clientId, "ann");
      const a2 = token(p, clientId, "ann");
      const b1 = token(p, clientId, "ben");
      for (const t of [a1, a2, b1]) await insert(t);
      await ctx.store.transaction((tx) => tx.refreshTokens.revokeFamily(p, a2.originJti, 15_000));
      expect(
        await ctx.store.transaction((tx) => tx.refreshTokens.revokeAllForUser(p, name("ann"), 20_000)),
      ).toBe(1);
      expect((await ctx.store.read.refreshTokens.get(p, a1.id))?.revokedAt).toBe(20_000);
      expect((await ctx.store.read.refreshTokens.get(p, a2.id))?.revokedAt).toBe(15_000);
      expect((await ctx.store.read.refreshTokens.get(p, b1.id))?.revokedAt).toBeNull();
    });

    it("marks a token rotated once", async () => {
      const { p, clientId } = await setup();
      const t = token(p, clientId, "ann");
      await insert(t);
      expect(await ctx.store.transaction((tx) => tx.refreshTokens.markRotated(p, t.id, 12_000))).toBe(true);
      expect(await ctx.store.transaction((tx) => tx.refreshTokens.markRotated(p, t.id, 13_000))).toBe(false);
      expect((await ctx.store.read.refreshTokens.get(p, t.id))?.rotatedAt).toBe(12_000);
    });

    it("prunes tokens that expired before a time", async () => {
      const { p, clientId } = await setup();
      // Far in the past, so that other suites' rows on a shared database are not touched.
      const old = token(p, clientId, "ann", { expiresAt: 5 });
      const live = token(p, clientId, "ann", { expiresAt: 50 });
      await insert(old);
      await insert(live);
      expect(await ctx.store.transaction((tx) => tx.refreshTokens.prune(10))).toBeGreaterThanOrEqual(1);
      expect(await ctx.store.read.refreshTokens.get(p, old.id)).toBeUndefined();
      expect(await ctx.store.read.refreshTokens.get(p, live.id)).toEqual(live);
    });

    it("go with their user and with their client", async () => {
      const { p, clientId } = await setup(["ann", "ben"]);
      const a = token(p, clientId, "ann");
      const b = token(p, clientId, "ben");
      await insert(a);
      await insert(b);
      await ctx.store.transaction((tx) => tx.users.delete(p, name("ann")));
      expect(await ctx.store.read.refreshTokens.get(p, a.id)).toBeUndefined();
      expect(await familyOf(p, { originJti: a.originJti })).toBeUndefined();
      expect(await ctx.store.read.refreshTokens.get(p, b.id)).toEqual(b);
      await ctx.store.transaction((tx) => tx.clients.delete(p, clientId));
      expect(await ctx.store.read.refreshTokens.get(p, b.id)).toBeUndefined();
    });
  });
};
