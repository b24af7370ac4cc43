// Users' devices: created once per key, confirmed once with a verifier, listed per user in key
// order (confirmed ones only, paged), status changes, sign-ins recorded, deleted, scoped by
// pool, and gone with their user. Part of the store contract (harness.ts); the runners run it
// against every backend.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { DeviceRecord } from "../../src/ports/store/index.js";
import { type Contract, clientRecord, FUTURE, name } from "./harness.js";

function device(poolId: string, username: string, over: Partial<DeviceRecord> = {}): DeviceRecord {
  return {
    poolId,
    deviceKey: `us-east-1_${randomUUID()}`,
    username: name(username),
    groupKey: "-grp1Zd",
    verifier: null,
    name: null,
    status: "not_remembered",
    // Far in the future: a live server's housekeeping on a shared database never prunes them.
    createdAt: FUTURE + 5_000,
    modifiedAt: 5_000,
    lastAuthenticatedAt: 5_000,
    lastIp: "192.0.2.1",
    ...over,
  };
}

export const devicesContract: Contract = (ctx) => {
  const create = (d: DeviceRecord) => ctx.store.transaction((tx) => tx.devices.createIfAbsent(d));

  describe("devices", () => {
    it("creates a key once, reads it back whole, only through its own pool", async () => {
      const p = await ctx.newPool();
      const other = await ctx.newPool();
      await ctx.newUser(p, "ann");
      const d = device(p, "ann");
      expect(await create(d)).toBe(true);
      expect(await create({ ...d, groupKey: "other" })).toBe(false);
      expect(await ctx.store.read.devices.get(p, d.deviceKey)).toEqual(d);
      expect(await ctx.store.read.devices.get(other, d.deviceKey)).toBeUndefined();
    });

    it("confirms once with the verifier, name and status; lists only confirmed devices, paged", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "ann");
      await ctx.newUser(p, "bob");
      const keys = ["us-east-1_0a", "us-east-1_0b", "us-east-1_0c"];
      for (const k of keys) await create(device(p, "ann", { deviceKey: k }));
      await create(device(p, "bob", { deviceKey: "us-east-1_0d" }));
      const v = { salt: "ab12", verifier: "cd34" };
      const confirm = (k: string) =>
        ctx.store.transaction((tx) =>
          tx.devices.confirm(p, k, {
            verifier: v,
            name: "phone",
            status: "remembered",
            now: 6_000,
            ip: "198.51.100.7",
          }),
        );
      expect(await confirm("us-east-1_0a")).toBe(true);
      expect(await confirm("us-east-1_0a")).toBe(false);
      expect(await confirm("us-east-1_0c")).toBe(true);
      expect(await confirm("us-east-1_0d")).toBe(true);
      expect(await confirm("us-east-1_zz")).toBe(false);
      const a = await ctx.store.read.devices.get(p, "us-east-1_0a");
      expect(a).toMatchObject({
        verifier: v,
        name: "phone",
        status: "remembered",
        modifiedAt: 6_000,
        lastIp: "198.51.100.7",
      });
      const ann = name("ann");
      const first = await ctx.store.read.devices.listConfirmed(p, ann, 1, null);
      expect(first.map((d) => d.deviceKey)).toEqual(["us-east-1_0a"]);
      const rest = await ctx.store.read.devices.listConfirmed(p, ann, 10, "us-east-1_0a");
      expect(rest.map((d) => d.deviceKey)).toEqual(["us-east-1_0c"]);
    });

    it("prunes devices never confirmed, old enough, that no refresh token names", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "dee");
      const clientId = `c${randomUUID().replaceAll("-", "").slice(0, 20)}`;
      await ctx.store.transaction((tx) => tx.clients.create(clientRecord(p, clientId)));
      const old = device(p, "dee", { createdAt: FUTURE + 1_000 });
      const bound = device(p, "dee", { createdAt: FUTURE + 1_000 });
      const young = device(p, "dee", { createdAt: FUTURE + 9_000 });
      const kept = device(p, "dee", { createdAt: FUTURE + 1_000, verifier: { salt: "ab", verifier: "cd" } });
      for (const d of [old, bound, young, kept]) await create(d);
      await ctx.store.transaction((tx) =>
        tx.refreshTokens.insert({
          id: randomUUID(),
          poolId: p,
          clientId,
          username: name("dee"),
          originJti: randomUUID(),
          eventId: randomUUID(),
          authTime: 1_000,
          deviceKey: bound.deviceKey,
          issuedAt: 1_000,
          expiresAt: 99_000,
          revokedAt: null,
          rotatedAt: null,
        }),
      );
      const pruned = await ctx.store.transaction((tx) => tx.devices.pruneUnconfirmed(FUTURE + 5_000));
      expect(pruned).toBeGreaterThanOrEqual(1);
      expect(await ctx.store.read.devices.get(p, old.deviceKey)).toBeUndefined();
      for (const d of [bound, young, kept])
        expect(await ctx.store.read.devices.get(p, d.deviceKey)).toBeDefined();
    });

    it("changes status, records sign-ins, deletes, and goes with its user", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "cy");
      const d = device(p, "cy");
      await create(d);
      const tx = <T>(fn: (t: Parameters<Parameters<typeof ctx.store.transaction>[0]>[0]) => Promise<T>) =>
        ctx.store.transaction(fn);
      expect(await tx((t) => t.devices.setStatus(p, d.deviceKey, "remembered", 7_000))).toBe(true);
      expect(await tx((t) => t.devices.touch(p, d.deviceKey, 8_000, "203.0.113.9"))).toBe(true);
      expect(await ctx.store.read.devices.get(p, d.deviceKey)).toMatchObject({
        status: "remembered",
        modifiedAt: 7_000,
        lastAuthenticatedAt: 8_000,
        lastIp: "203.0.113.9",
      });
      expect(await tx((t) => t.devices.delete(p, d.deviceKey))).toBe(true);
      expect(await tx((t) => t.devices.delete(p, d.deviceKey))).toBe(false);
      expect(await tx((t) => t.devices.setStatus(p, d.deviceKey, "remembered", 9_000))).toBe(false);
      expect(await tx((t) => t.devices.touch(p, d.deviceKey, 9_000, null))).toBe(false);
      const e = device(p, "cy");
      await create(e);
      await tx((t) => t.users.delete(p, name("cy")));
      expect(await ctx.store.read.devices.get(p, e.deviceKey)).toBeUndefined();
    });
  });
};
