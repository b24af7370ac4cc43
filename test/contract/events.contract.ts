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
  });
};
