// ListUsers' search: exact and prefix searches on every searchable field, pages that resume
// after a cursor and neither repeat nor skip a user (also when many users share a value and
// users are added between pages), code-point order, pool isolation.
// Part of the store contract (harness.ts); the runners run it against every backend.
import { describe, expect, it } from "vitest";
import type { UserCursor, UserRecord, UserSearch } from "../../src/ports/store/index.js";
import { type Contract, key, userRecord } from "./harness.js";

export const userSearchContract: Contract = (ctx) => {
  /** Every page of a search, `size` at a time, with the cursor a caller would make. */
  async function all(
    poolId: string,
    search: UserSearch | null,
    size: number,
    between?: (page: number) => Promise<void>,
  ): Promise<string[]> {
    const out: string[] = [];
    let after: UserCursor | null = null;
    for (let page = 0; page < 10_000; page++) {
      const rows: UserRecord[] = await ctx.store.read.users.search(poolId, search, after, size);
      out.push(...rows.map((u) => u.username));
      const last = rows.at(-1);
      if (rows.length < size || !last) return out;
      const field = search?.field;
      const value =
        field === undefined
          ? ""
          : field === "username"
            ? last.username
            : field === "status"
              ? last.status
              : field === "sub"
                ? last.sub
                : (last.attributes[field] ?? "");
      after = { value, username: last.username };
      await between?.(page);
    }
    throw new Error("no end");
  }

  async function add(users: UserRecord[]): Promise<void> {
    await ctx.store.transaction((tx) =>
      tx.users.insertMany(users.map((user) => ({ user, usernameKey: key(user.username) }))),
    );
  }

  describe("user search", () => {
    it("no search: every user once, in username order, in pages", async () => {
      const p = await ctx.newPool();
      const other = await ctx.newPool();
      const names = Array.from({ length: 25 }, (_, i) => `u${String(i).padStart(2, "0")}`);
      await add(names.map((n) => userRecord(p, n)));
      await add([userRecord(other, "u05x")]);
      expect(await all(p, null, 7)).toEqual(names);
    });

    it("exact searches on attributes, status, enabled, username and sub", async () => {
      const p = await ctx.newPool();
      const other = await ctx.newPool();
      const a = userRecord(p, "amy", {
        status: "CONFIRMED",
        attributes: {
          email: "same@example.com",
          name: "Amy Pond",
          given_name: "Amy",
          phone_number: "+15550001",
        },
      });
      const b = userRecord(p, "bea", {
        status: "FORCE_CHANGE_PASSWORD",
        enabled: false,
        attributes: { email: "same@example.com", family_name: "Pond", preferred_username: "bee" },
      });
      const c = userRecord(p, "cat", { attributes: { email: "SAME@example.com" } });
      await add([a, b, c]);
      await add([userRecord(other, "amy2", { attributes: { email: "same@example.com" } })]);
      const exact = (field: UserSearch["field"], value: string) =>
        all(p, { field, value, prefix: false }, 10);
      expect(await exact("email", "same@example.com")).toEqual(["amy", "bea"]);
      expect(await exact("email", "SAME@example.com")).toEqual(["cat"]);
      expect(await exact("name", "Amy Pond")).toEqual(["amy"]);
      expect(await exact("given_name", "Amy")).toEqual(["amy"]);
      expect(await exact("family_name", "Pond")).toEqual(["bea"]);
      expect(await exact("phone_number", "+15550001")).toEqual(["amy"]);
      expect(await exact("preferred_username", "bee")).toEqual(["bea"]);
      expect(await exact("status", "FORCE_CHANGE_PASSWORD")).toEqual(["bea"]);
      expect(await exact("enabled", "0")).toEqual(["bea"]);
      expect(await exact("enabled", "1")).toEqual(["amy", "cat"]);
      expect(await exact("username", "cat")).toEqual(["cat"]);
      expect(await exact("usernameKey", "cat")).toEqual(["cat"]);
      expect(await exact("sub", b.sub)).toEqual(["bea"]);
      expect(await exact("email", "nobody@example.com")).toEqual([]);
    });

    it("prefix searches in (value, username) order, by code point, one page at a time", async () => {
      const p = await ctx.newPool();
      const emails: Record<string, string> = {
        z1: "ab@x.com",
        a1: "ab@x.com",
        m1: "abc@x.com",
        b1: "aB@x.com",
        c1: "ab\u00e9@x.com",
        d1: "ab\u{1F600}@x.com",
        e1: "ac@x.com",
        f1: "a@x.com",
      };
      await add(Object.entries(emails).map(([n, email]) => userRecord(p, n, { attributes: { email } })));
      const expected = ["a1", "z1", "m1", "c1", "d1"];
      for (const size of [1, 2, 3, 10]) {
        expect(await all(p, { field: "email", value: "ab", prefix: true }, size)).toEqual(expected);
      }
      expect(await all(p, { field: "email", value: "a", prefix: true }, 3)).toEqual([
        "f1",
        "b1",
        ...expected,
        "e1",
      ]);
      expect(await all(p, { field: "username", value: "a", prefix: true }, 10)).toEqual(["a1"]);
      expect(await all(p, { field: "status", value: "UNCONF", prefix: true }, 3)).toHaveLength(8);
    });

    it("pages hold while users are added: every user there from the start comes exactly once", async () => {
      const p = await ctx.newPool();
      const first = Array.from({ length: 40 }, (_, i) =>
        userRecord(p, `k${String(i * 2).padStart(3, "0")}`, {
          attributes: { email: `${i % 3 === 0 ? "many" : `m${i}`}@x.com` },
        }),
      );
      await add(first);
      let n = 0;
      const seen = await all(p, { field: "email", value: "m", prefix: true }, 4, async () => {
        // Users land before, inside and after the pages read so far.
        n++;
        await add([
          userRecord(p, `k${String(n * 2 + 1).padStart(3, "0")}`, { attributes: { email: "many@x.com" } }),
          userRecord(p, `a${n}`, { attributes: { email: `m${n}@x.com` } }),
        ]);
      });
      expect(new Set(seen).size).toBe(seen.length);
      for (const u of first) expect(seen).toContain(u.username);
    });
  });
};
