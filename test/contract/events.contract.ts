// Auth events: a user's events, newest first.
// Part of the store contract (harness.ts); the runners run it against every backend.
import { describe, expect, it } from "vitest";
import { type Contract, event } from "./harness.js";

export const eventsContract: Contract = (ctx) => {
  describe("events", () => {
    it("lists a user's events newest first, limited, and only theirs", async () => {
      const p = await ctx.newPool();
      const other = await ctx.newPool();
      const e1 = event(p, "olga", 1_000, "SignUp");
      const e2 = event(p, "olga", 3_000, "ResendCode");
      const e3 = event(p, "olga", 2_000, "ConfirmSignUp");
      const noise = [event(p, "pete", 2_500), event(other, "olga", 2_600)];
      for (const e of [e1, e2, e3, ...noise]) await ctx.store.transaction((tx) => tx.events.add(e));
      expect(await ctx.store.read.events.listForUser(p, "olga", 10)).toEqual([e2, e3, e1]);
      expect(await ctx.store.read.events.listForUser(p, "olga", 2)).toEqual([e2, e3]);
      expect(await ctx.store.read.events.listForUser(p, "nobody", 10)).toEqual([]);
    });

    it("keeps a sign-in attempt's outcome", async () => {
      const p = await ctx.newPool();
      const pass = { ...event(p, "sia", 1_000, "SignIn"), eventResponse: "Pass" as const };
      const fail = { ...event(p, "sia", 2_000, "SignIn"), eventResponse: "Fail" as const };
      for (const e of [pass, fail]) await ctx.store.transaction((tx) => tx.events.add(e));
      expect(await ctx.store.read.events.listForUser(p, "sia", 10)).toEqual([fail, pass]);
    });

    it("keeps the steps a sign-in event records, and records none when not given", async () => {
      const p = await ctx.newPool();
      const steps = [
        { name: "Password" as const, response: "Success" as const },
        { name: "Mfa" as const, response: "Failure" as const },
      ];
      const mfa = {
        ...event(p, "mia", 1_000, "SignIn"),
        eventResponse: "Fail" as const,
        challengeResponses: steps,
      };
      const plain = { ...event(p, "mia", 2_000, "SignIn"), eventResponse: "Pass" as const };
      for (const e of [mfa, plain]) await ctx.store.transaction((tx) => tx.events.add(e));
      const [second, first] = await ctx.store.read.events.listForUser(p, "mia", 10);
      expect(first).toEqual(mfa);
      expect(second).toEqual(plain);
      expect(second?.challengeResponses).toBeUndefined();
    });

    it("pages a user's events newest first by time then id, by type and age, and keeps feedback", async () => {
      const p = await ctx.newPool();
      const a = { ...event(p, "pam", 1_000, "SignUp"), id: "0001" };
      const b = { ...event(p, "pam", 2_000, "SignIn"), id: "0002" };
      const c = { ...event(p, "pam", 2_000, "SignIn"), id: "0003" };
      const d = { ...event(p, "pam", 3_000, "ConfirmSignUp"), id: "0004" };
      const e = { ...event(p, "pam", 4_000, "ResendCode"), id: "0005" };
      for (const x of [a, b, c, d, e]) await ctx.store.transaction((tx) => tx.events.add(x));
      const types = ["SignUp", "SignIn", "ResendCode"];
      const page = (before: { createdAt: number; id: string } | null, limit: number, since = 0) =>
        ctx.store.read.events.pageForUser(p, "pam", { types, since, before, limit });
      expect((await page(null, 2)).map((x) => x.id)).toEqual(["0005", "0003"]);
      expect((await page({ createdAt: 2_000, id: "0003" }, 2)).map((x) => x.id)).toEqual(["0002", "0001"]);
      expect((await page({ createdAt: 1_000, id: "0001" }, 2)).map((x) => x.id)).toEqual([]);
      expect((await page(null, 10, 2_000)).map((x) => x.id)).toEqual(["0005", "0003", "0002"]);
      expect(
        await ctx.store.read.events.pageForUser(p, "pam", { types: [], since: 0, before: null, limit: 5 }),
      ).toEqual([]);
      const feedback = { value: "Invalid" as const, provider: "Admin", date: 9_000 };
      expect(await ctx.store.transaction((tx) => tx.events.setFeedback(p, "pam", "0002", feedback))).toBe(
        true,
      );
      expect(await ctx.store.transaction((tx) => tx.events.setFeedback(p, "other", "0002", feedback))).toBe(
        false,
      );
      expect(await ctx.store.read.events.get(p, "pam", "0002")).toEqual({ ...b, feedback });
      expect(await ctx.store.read.events.get(p, "pam", "0003")).toEqual(c);
      expect(await ctx.store.read.events.get(p, "other", "0002")).toBeUndefined();
    });
  });
};
