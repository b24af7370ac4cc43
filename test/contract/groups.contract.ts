// Groups and memberships: atomic creation, updates, pages in name order, memberships that go
// with their group, their user and their pool.
// Part of the store contract (harness.ts); the runners run it against every backend.
import { describe, expect, it } from "vitest";
import type { GroupRecord } from "../../src/ports/store/index.js";
import { type Contract, name } from "./harness.js";

function group(poolId: string, groupName: string, over: Partial<GroupRecord> = {}): GroupRecord {
  return {
    poolId,
    name: groupName,
    description: null,
    roleArn: null,
    precedence: null,
    createdAt: 5_000,
    updatedAt: 5_000,
    ...over,
  };
}

export const groupsContract: Contract = (ctx) => {
  describe("groups", () => {
    it("creates a group once, round-trips it, updates and deletes it", async () => {
      const p = await ctx.newPool();
      const g = group(p, "Admins", {
        description: "the admins",
        roleArn: "arn:aws:iam::123456789012:role/admin",
        precedence: 2_147_483_647,
      });
      expect(await ctx.store.transaction((tx) => tx.groups.createIfAbsent(g))).toBe(true);
      expect(await ctx.store.transaction((tx) => tx.groups.createIfAbsent({ ...g, description: "x" }))).toBe(
        false,
      );
      expect(await ctx.store.read.groups.get(p, "Admins")).toEqual(g);
      // Names are case-sensitive.
      expect(await ctx.store.read.groups.get(p, "admins")).toBeUndefined();
      const next = { ...g, description: null, roleArn: null, precedence: 0, updatedAt: 6_000 };
      expect(await ctx.store.transaction((tx) => tx.groups.update(next))).toBe(true);
      expect(await ctx.store.read.groups.get(p, "Admins")).toEqual(next);
      expect(await ctx.store.transaction((tx) => tx.groups.update(group(p, "nope")))).toBe(false);
      expect(await ctx.store.transaction((tx) => tx.groups.delete(p, "Admins"))).toBe(true);
      expect(await ctx.store.transaction((tx) => tx.groups.delete(p, "Admins"))).toBe(false);
      expect(await ctx.store.read.groups.get(p, "Admins")).toBeUndefined();
    });

    it("exactly one of N racing creations of a name wins", async () => {
      const p = await ctx.newPool();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          ctx.store.transaction((tx) =>
            tx.groups.createIfAbsent(group(p, "racers", { description: `${i}` })),
          ),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await ctx.store.read.groups.count(p)).toBe(1);
    });

    it("lists a pool's groups in name order, in pages, and only that pool's", async () => {
      const p = await ctx.newPool();
      const other = await ctx.newPool();
      for (const n of ["c", "a", "b", "d"]) {
        await ctx.store.transaction((tx) => tx.groups.createIfAbsent(group(p, n)));
      }
      await ctx.store.transaction((tx) => tx.groups.createIfAbsent(group(other, "a0")));
      const first = await ctx.store.read.groups.list(p, 3, null);
      expect(first.map((g) => g.name)).toEqual(["a", "b", "c"]);
      expect((await ctx.store.read.groups.list(p, 3, "c")).map((g) => g.name)).toEqual(["d"]);
      expect(await ctx.store.read.groups.count(p)).toBe(4);
    });

    it("adds and removes members idempotently; lists a group's users and a user's groups in pages", async () => {
      const p = await ctx.newPool();
      for (const g of ["g1", "g2", "g3"])
        await ctx.store.transaction((tx) => tx.groups.createIfAbsent(group(p, g)));
      const ann = await ctx.newUser(p, "ann");
      await ctx.newUser(p, "bob");
      await ctx.newUser(p, "cid");
      const add = (g: string, u: string) =>
        ctx.store.transaction((tx) => tx.groups.addMember(p, g, name(u), 7_000));
      expect(await add("g1", "ann")).toBe(true);
      expect(await add("g1", "ann")).toBe(false);
      expect(await add("g2", "ann")).toBe(true);
      expect(await add("g3", "ann")).toBe(true);
      expect(await add("g1", "cid")).toBe(true);
      expect(await add("g1", "bob")).toBe(true);
      const members = await ctx.store.read.groups.members(p, "g1", 2, null);
      expect(members.map((u) => u.username)).toEqual(["ann", "bob"]);
      expect(members[0]).toEqual(ann);
      expect((await ctx.store.read.groups.members(p, "g1", 2, "bob")).map((u) => u.username)).toEqual([
        "cid",
      ]);
      expect((await ctx.store.read.groups.listForUser(p, name("ann"), 2, null)).map((g) => g.name)).toEqual([
        "g1",
        "g2",
      ]);
      expect((await ctx.store.read.groups.listForUser(p, name("ann"), 2, "g2")).map((g) => g.name)).toEqual([
        "g3",
      ]);
      expect(await ctx.store.read.groups.countForUser(p, name("ann"))).toBe(3);
      expect(await ctx.store.transaction((tx) => tx.groups.removeMember(p, "g2", name("ann")))).toBe(true);
      expect(await ctx.store.transaction((tx) => tx.groups.removeMember(p, "g2", name("ann")))).toBe(false);
      expect(await ctx.store.read.groups.countForUser(p, name("ann"))).toBe(2);
    });

    it("a membership goes with its group, its user and its pool", async () => {
      const p = await ctx.newPool();
      for (const g of ["keep", "drop"])
        await ctx.store.transaction((tx) => tx.groups.createIfAbsent(group(p, g)));
      await ctx.newUser(p, "stays");
      await ctx.newUser(p, "leaves");
      await ctx.store.transaction(async (tx) => {
        for (const g of ["keep", "drop"]) {
          for (const u of ["stays", "leaves"]) await tx.groups.addMember(p, g, name(u), 1);
        }
      });
      await ctx.store.transaction((tx) => tx.groups.delete(p, "drop"));
      expect(await ctx.store.read.groups.countForUser(p, name("stays"))).toBe(1);
      await ctx.store.transaction((tx) => tx.users.delete(p, name("leaves")));
      expect((await ctx.store.read.groups.members(p, "keep", 10, null)).map((u) => u.username)).toEqual([
        "stays",
      ]);
      expect(await ctx.store.read.groups.countForUser(p, name("leaves"))).toBe(0);
      // A user of the same name made later starts in no group.
      await ctx.newUser(p, "leaves");
      expect(await ctx.store.read.groups.countForUser(p, name("leaves"))).toBe(0);
      // A group of the same name made later starts empty.
      await ctx.store.transaction((tx) => tx.groups.createIfAbsent(group(p, "drop")));
      expect(await ctx.store.read.groups.members(p, "drop", 10, null)).toEqual([]);
      await ctx.store.transaction((tx) => tx.pools.delete(p));
      expect(await ctx.store.read.groups.get(p, "keep")).toBeUndefined();
      expect(await ctx.store.read.groups.countForUser(p, name("stays"))).toBe(0);
    });

    it("memberships need an existing group and user of the same pool", async () => {
      const p = await ctx.newPool();
      const other = await ctx.newPool();
      await ctx.store.transaction((tx) => tx.groups.createIfAbsent(group(p, "g")));
      await ctx.newUser(other, "foreigner");
      await expect(
        ctx.store.transaction((tx) => tx.groups.addMember(p, "g", name("foreigner"), 1)),
      ).rejects.toThrow();
      await ctx.newUser(p, "local");
      await expect(
        ctx.store.transaction((tx) => tx.groups.addMember(p, "none", name("local"), 1)),
      ).rejects.toThrow();
      expect(await ctx.store.read.groups.members(p, "g", 10, null)).toEqual([]);
    });
  });
};
