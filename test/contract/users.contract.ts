// Users and the aliases they hold: lookups by key, sub and username, atomic creation and claims.
// Part of the store contract (harness.ts); the runners run it against every backend.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { AliasRecord, UserRecord } from "../../src/ports/store/index.js";
import { type Contract, codeRecord, key, name, userRecord } from "./harness.js";

export const usersContract: Contract = (ctx) => {
  describe("users", () => {
    it("round-trips a user; reads by key, by sub and for update", async () => {
      const p = await ctx.newPool();
      const u = userRecord(p, "Alice", {
        attributes: { email: "alice@example.com", email_verified: "true", "custom:team": "blue" },
        passwordHash: null,
        enabled: false,
        status: "CONFIRMED",
      });
      expect(await ctx.store.transaction((tx) => tx.users.createIfAbsent(u, key("alice")))).toBe(true);
      expect(await ctx.store.read.users.get(p, key("alice"))).toEqual(u);
      // The key is what is looked up, not the username as typed.
      expect(await ctx.store.read.users.get(p, key("Alice"))).toBeUndefined();
      expect(await ctx.store.read.users.getBySub(p, u.sub)).toEqual(u);
      expect(await ctx.store.read.users.getBySub(p, randomUUID())).toBeUndefined();
      const locked = await ctx.store.transaction((tx) => tx.users.getForUpdate(p, name("Alice")));
      expect(locked).toEqual(u);
      // Locked by lookup key: the key, not the username as typed.
      expect(await ctx.store.transaction((tx) => tx.users.getByKeyForUpdate(p, key("alice")))).toEqual(u);
      expect(
        await ctx.store.transaction((tx) => tx.users.getByKeyForUpdate(p, key("Alice"))),
      ).toBeUndefined();
    });

    it("setMfa stores a user's MFA settings; update leaves them; null removes them", async () => {
      const p = await ctx.newPool();
      const u = await ctx.newUser(p, "mfa");
      const mfa = {
        totpSecret: "c2VhbGVk",
        totpPending: null,
        totpLastStep: 59_000_000,
        totpEnabled: true,
        preferred: "SOFTWARE_TOKEN_MFA" as const,
      };
      await ctx.store.transaction((tx) => tx.users.setMfa(p, name("mfa"), mfa));
      expect((await ctx.store.read.users.get(p, key("mfa")))?.mfa).toEqual(mfa);
      // Writers of the rest of the row do not touch it.
      await ctx.store.transaction((tx) =>
        tx.users.update({ ...u, attributes: { email: "new@example.com" } }),
      );
      const after = await ctx.store.read.users.get(p, key("mfa"));
      expect(after?.mfa).toEqual(mfa);
      expect(after?.attributes.email).toBe("new@example.com");
      await ctx.store.transaction((tx) => tx.users.setMfa(p, name("mfa"), null));
      expect((await ctx.store.read.users.get(p, key("mfa")))?.mfa).toBeUndefined();
    });

    it("getByKeyForUpdate locks the user: concurrent read-modify-write transactions lose no update", async () => {
      const p = await ctx.newPool();
      const u = await ctx.newUser(p, "counter");
      const bump = () =>
        ctx.store.transaction(async (tx) => {
          const found = await tx.users.getByKeyForUpdate(p, key("counter"));
          if (!found) throw new Error("user not found");
          // Another statement between the read and the write, where an unlocked read would
          // let a concurrent transaction read the same value.
          await tx.limits.peek(`${p}|pause`, 0);
          const n = Number(found.attributes["custom:n"] ?? "0");
          await tx.users.update({ ...found, attributes: { ...found.attributes, "custom:n": String(n + 1) } });
        });
      await Promise.all(Array.from({ length: 8 }, bump));
      expect((await ctx.store.read.users.get(p, key("counter")))?.attributes["custom:n"]).toBe("8");
      expect(u.username).toBe("counter");
    });

    it("update after a read for update keeps every change, whichever columns change, twice in one transaction too", async () => {
      const p = await ctx.newPool();
      const u = await ctx.newUser(p, "erin", {
        status: "UNCONFIRMED",
        attributes: { email: "erin@example.com" },
        passwordHash: "old-hash",
      });
      const srp = { salt: "aa".repeat(16), verifier: "bb".repeat(384) };
      // Only the password changes: the rest stays as stored.
      await ctx.store.transaction(async (tx) => {
        const found = await tx.users.getForUpdate(p, name("erin"));
        if (!found) throw new Error("user not found");
        await tx.users.update({
          ...found,
          passwordHash: "new-hash",
          srp,
          passwordChangedAt: 7,
          updatedAt: 7,
        });
      });
      const afterPassword = { ...u, passwordHash: "new-hash", srp, passwordChangedAt: 7, updatedAt: 7 };
      expect(await ctx.store.read.users.get(p, key("erin"))).toEqual(afterPassword);
      // Two updates in one transaction, the second undoing part of the first.
      await ctx.store.transaction(async (tx) => {
        const found = await tx.users.getByKeyForUpdate(p, key("erin"));
        if (!found) throw new Error("user not found");
        const confirmed = {
          ...found,
          status: "CONFIRMED" as const,
          attributes: { ...found.attributes, email_verified: "true" },
          updatedAt: 8,
        };
        await tx.users.update(confirmed);
        await tx.users.update({ ...confirmed, status: "UNCONFIRMED", enabled: false, updatedAt: 9 });
      });
      const twice = {
        ...afterPassword,
        status: "UNCONFIRMED",
        enabled: false,
        attributes: { email: "erin@example.com", email_verified: "true" },
        updatedAt: 9,
      };
      expect(await ctx.store.read.users.get(p, key("erin"))).toEqual(twice);
      // A record not read in the transaction is written whole, as given.
      await ctx.store.transaction((tx) => tx.users.update({ ...u, updatedAt: 10 }));
      expect(await ctx.store.read.users.get(p, key("erin"))).toEqual({ ...u, updatedAt: 10 });
      // The indexes follow: a search by status finds the user under the status it has.
      const byStatus = (status: string) =>
        ctx.store.read.users.search(p, { field: "status", prefix: false, value: status }, null, 10);
      expect((await byStatus("UNCONFIRMED")).map((x) => x.username)).toEqual(["erin"]);
      await ctx.store.transaction(async (tx) => {
        const found = await tx.users.getForUpdate(p, name("erin"));
        if (!found) throw new Error("user not found");
        await tx.users.update({ ...found, status: "CONFIRMED", updatedAt: 11 });
      });
      expect(await byStatus("UNCONFIRMED")).toEqual([]);
      expect((await byStatus("CONFIRMED")).map((x) => x.username)).toEqual(["erin"]);
    });

    it("createIfAbsent refuses a duplicate key or a duplicate sub, and writes nothing then", async () => {
      const p = await ctx.newPool();
      const first = await ctx.newUser(p, "bob");
      const sameKey = userRecord(p, "bob2", { attributes: { email: "other@example.com" } });
      expect(await ctx.store.transaction((tx) => tx.users.createIfAbsent(sameKey, key("bob")))).toBe(false);
      const sameSub = userRecord(p, "carol", { sub: first.sub });
      expect(await ctx.store.transaction((tx) => tx.users.createIfAbsent(sameSub, key("carol")))).toBe(false);
      expect(await ctx.store.read.users.get(p, key("carol"))).toBeUndefined();
      expect(await ctx.store.read.users.get(p, key("bob"))).toEqual(first);
      expect(await ctx.store.read.pools.countUsers(p)).toBe(1);
    });

    it("createIfAbsent under concurrency: exactly one of N racing creations wins", async () => {
      const p = await ctx.newPool();
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          ctx.store.transaction((tx) => tx.users.createIfAbsent(userRecord(p, "racer"), key("racer"))),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await ctx.store.read.pools.countUsers(p)).toBe(1);
    });

    it("updates and deletes users", async () => {
      const p = await ctx.newPool();
      const u = await ctx.newUser(p, "dave");
      const next: UserRecord = {
        ...u,
        status: "CONFIRMED",
        enabled: false,
        attributes: { ...u.attributes, email_verified: "true" },
        passwordHash: null,
        srp: null,
        passwordChangedAt: null,
        updatedAt: 99_000,
      };
      await ctx.store.transaction((tx) => tx.users.update(next));
      expect(await ctx.store.read.users.get(p, key("dave"))).toEqual(next);
      // A new password's hash, verifier and time are written together.
      const withPassword: UserRecord = {
        ...next,
        passwordHash: "$scrypt$ln=4,r=8,p=1$bmV3$aGFzaDI",
        srp: { salt: "ab12", verifier: "9f00d" },
        passwordChangedAt: 100_000,
        updatedAt: 100_000,
      };
      await ctx.store.transaction((tx) => tx.users.update(withPassword));
      expect(await ctx.store.transaction((tx) => tx.users.getForUpdate(p, name("dave")))).toEqual(
        withPassword,
      );
      expect(await ctx.store.transaction((tx) => tx.users.delete(p, name("dave")))).toBe(true);
      expect(await ctx.store.transaction((tx) => tx.users.delete(p, name("dave")))).toBe(false);
      expect(await ctx.store.read.users.get(p, key("dave"))).toBeUndefined();
    });

    it("lists in username order with an exclusive `after` and a limit", async () => {
      const p = await ctx.newPool();
      for (const n of ["carol", "alice", "bob", "dave"]) await ctx.newUser(p, n);
      const names = async (limit: number, after: string | null) =>
        (await ctx.store.read.users.list(p, limit, after)).map((u) => u.username);
      expect(await names(10, null)).toEqual(["alice", "bob", "carol", "dave"]);
      expect(await names(2, null)).toEqual(["alice", "bob"]);
      expect(await names(2, "bob")).toEqual(["carol", "dave"]);
      expect(await names(2, "dave")).toEqual([]);
    });

    it("bulk-imports users and their codes in one transaction, or nothing on a duplicate", async () => {
      const p = await ctx.newPool();
      const many = Array.from({ length: 1203 }, (_, i) =>
        userRecord(p, `bulk${i}`, { sub: `sub-${p}-${i}` }),
      );
      await ctx.store.transaction(async (tx) => {
        await tx.users.insertMany(many.map((user) => ({ user, usernameKey: key(user.username) })));
        await tx.codes.putMany(many.map((u) => codeRecord(p, u.username)));
      });
      expect(await ctx.store.read.pools.countUsers(p)).toBe(1203);
      expect(await ctx.store.read.users.get(p, key("bulk1202"))).toEqual(many[1202]);
      expect((await ctx.store.read.codes.get(p, name("bulk700"), "SIGNUP"))?.codeHmac).toBe(
        codeRecord(p, "bulk700").codeHmac,
      );
      const clash = [
        userRecord(p, "fresh1", { sub: `sub-${p}-fresh1` }),
        userRecord(p, "bulk5", { sub: `sub-${p}-new5` }),
      ];
      await expect(
        ctx.store.transaction((tx) =>
          tx.users.insertMany(clash.map((user) => ({ user, usernameKey: key(user.username) }))),
        ),
      ).rejects.toThrow();
      expect(await ctx.store.read.users.get(p, key("fresh1"))).toBeUndefined();
    });
  });

  describe("aliases", () => {
    it("claims, refuses a taken alias, transfers and releases", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "erin");
      await ctx.newUser(p, "frank");
      const alias = (username: string): AliasRecord => ({
        poolId: p,
        kind: "email",
        valueKey: "shared@example.com",
        username: name(username),
      });
      expect(await ctx.store.transaction((tx) => tx.aliases.claim(alias("erin")))).toBe(true);
      // Claiming again for the holder is fine; for anyone else it is refused.
      expect(await ctx.store.transaction((tx) => tx.aliases.claim(alias("erin")))).toBe(true);
      expect(await ctx.store.transaction((tx) => tx.aliases.claim(alias("frank")))).toBe(false);
      expect(await ctx.store.read.aliases.find(p, "email", "shared@example.com")).toEqual(alias("erin"));
      expect(await ctx.store.read.aliases.find(p, "phone_number", "shared@example.com")).toBeUndefined();

      expect(await ctx.store.transaction((tx) => tx.aliases.transfer(alias("frank")))).toBe("erin");
      expect(await ctx.store.read.aliases.find(p, "email", "shared@example.com")).toEqual(alias("frank"));
      expect(await ctx.store.transaction((tx) => tx.aliases.transfer(alias("frank")))).toBeNull();
      // Transferring an alias nobody holds just claims it.
      const fresh: AliasRecord = {
        poolId: p,
        kind: "phone_number",
        valueKey: "+14155550123",
        username: name("erin"),
      };
      expect(await ctx.store.transaction((tx) => tx.aliases.transfer(fresh))).toBeNull();
      expect(await ctx.store.read.aliases.find(p, "phone_number", "+14155550123")).toEqual(fresh);

      // Only the holder's release removes it.
      await ctx.store.transaction((tx) => tx.aliases.release(p, "email", "shared@example.com", name("erin")));
      expect(await ctx.store.read.aliases.find(p, "email", "shared@example.com")).toEqual(alias("frank"));
      await ctx.store.transaction((tx) =>
        tx.aliases.release(p, "email", "shared@example.com", name("frank")),
      );
      expect(await ctx.store.read.aliases.find(p, "email", "shared@example.com")).toBeUndefined();
    });

    it("lists a user's aliases, and deleting the user releases them", async () => {
      const p = await ctx.newPool();
      await ctx.newUser(p, "gina");
      const mine: AliasRecord[] = [
        { poolId: p, kind: "email", valueKey: "gina@example.com", username: name("gina") },
        { poolId: p, kind: "preferred_username", valueKey: "gigi", username: name("gina") },
      ];
      await ctx.store.transaction(async (tx) => {
        for (const a of mine) expect(await tx.aliases.claim(a)).toBe(true);
      });
      const listed = await ctx.store.read.aliases.listForUser(p, name("gina"));
      expect([...listed].sort((x, y) => x.kind.localeCompare(y.kind))).toEqual(mine);
      await ctx.store.transaction((tx) => tx.users.delete(p, name("gina")));
      expect(await ctx.store.read.aliases.listForUser(p, name("gina"))).toEqual([]);
      expect(await ctx.store.read.aliases.find(p, "email", "gina@example.com")).toBeUndefined();
    });

    it("two users racing for one alias: exactly one wins", async () => {
      const p = await ctx.newPool();
      const names = ["h1", "h2", "h3", "h4", "h5"];
      for (const n of names) await ctx.newUser(p, n);
      const results = await Promise.all(
        names.map((n) =>
          ctx.store.transaction((tx) =>
            tx.aliases.claim({ poolId: p, kind: "email", valueKey: "race@example.com", username: name(n) }),
          ),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = names[results.indexOf(true)];
      expect((await ctx.store.read.aliases.find(p, "email", "race@example.com"))?.username).toBe(winner);
    });
  });
};
