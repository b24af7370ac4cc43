// The outbox: listing and filters, leased claims, settling, clearing, and housekeeping.
// Part of the store contract (harness.ts); the runners run it against every backend.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { MessageFilter, OutboxMessage } from "../../src/ports/store/index.js";
import { type Contract, FUTURE, message, uniquePoolId } from "./harness.js";

export const outboxContract: Contract = (ctx) => {
  describe("outbox", () => {
    it("lists oldest first (or newest first), with every filter alone and combined", async () => {
      const p = await ctx.newPool();
      const other = await ctx.newPool();
      const m1 = message(p, { username: "alice", destination: "alice@example.com", createdAt: 100 });
      const m2 = message(p, {
        username: "bob",
        destination: "+14155550123",
        medium: "SMS",
        attributeName: "phone_number",
        subject: null,
        clientId: "client-2",
        createdAt: 200,
      });
      const m3 = message(p, {
        username: "alice",
        destination: "alice@example.com",
        createdAt: 300,
        status: "sent",
      });
      const mOther = message(other, { username: "alice", createdAt: 150 });
      for (const m of [m1, m2, m3, mOther]) await ctx.store.transaction((tx) => tx.outbox.enqueue(m));

      const ids = async (f: MessageFilter) => (await ctx.store.read.outbox.list(f)).map((m) => m.id);
      expect(await ctx.store.read.outbox.get(m2.id)).toEqual(m2);
      expect(await ctx.store.read.outbox.get(randomUUID())).toBeUndefined();
      expect(await ids({ userPoolId: p })).toEqual([m1.id, m2.id, m3.id]);
      expect(await ids({ userPoolId: p, order: "desc" })).toEqual([m3.id, m2.id, m1.id]);
      expect(await ids({ userPoolId: p, order: "desc", limit: 1 })).toEqual([m3.id]);
      expect(await ids({ userPoolId: p, limit: 2 })).toEqual([m1.id, m2.id]);
      expect(await ids({ userPoolId: p, username: "alice" })).toEqual([m1.id, m3.id]);
      // `username` also matches the destination (UsernameAttributes pools sign in by email).
      expect(await ids({ userPoolId: p, username: "+14155550123" })).toEqual([m2.id]);
      expect(await ids({ userPoolId: p, destination: "alice@example.com" })).toEqual([m1.id, m3.id]);
      expect(await ids({ userPoolId: p, clientId: "client-2" })).toEqual([m2.id]);
      expect(await ids({ userPoolId: p, since: 200 })).toEqual([m2.id, m3.id]);
      expect(await ids({ userPoolId: p, status: "sent" })).toEqual([m3.id]);
      expect(await ids({ userPoolId: p, username: "alice", status: "queued" })).toEqual([m1.id]);
      expect(await ids({ userPoolId: other })).toEqual([mOther.id]);
      expect(await ids({ userPoolId: uniquePoolId() })).toEqual([]);
      // Without a pool filter, other pools' messages may be present too; ours keep their order.
      const everywhere = (await ids({ username: "alice" })).filter((id) =>
        [m1.id, m3.id, mOther.id].includes(id),
      );
      expect(everywhere).toEqual([m1.id, m3.id, mOther.id]);
      await settleAll([m1, m2, mOther]);
    });

    /** Marks messages sent so later claimDue calls (any test, any pool) never see them. */
    async function settleAll(ms: OutboxMessage[]): Promise<void> {
      for (const m of ms) {
        await ctx.store.transaction((tx) =>
          tx.outbox.settle(m.id, {
            status: "sent",
            attempts: m.attempts + 1,
            lastError: null,
            nextAttemptAt: m.nextAttemptAt,
            sentAt: 1,
            transport: m.transport,
            scrubBody: false,
          }),
        );
      }
    }

    /** Puts messages back as they were claimed from, unclaimed. */
    async function restore(ms: OutboxMessage[]): Promise<void> {
      for (const m of ms) {
        await ctx.store.transaction((tx) =>
          tx.outbox.settle(m.id, {
            status: m.status,
            attempts: m.attempts,
            lastError: m.lastError,
            nextAttemptAt: m.nextAttemptAt,
            sentAt: m.sentAt,
            transport: m.transport,
            scrubBody: false,
          }),
        );
      }
    }

    /**
     * claimDue, keeping this pool's messages. Anything else it claimed (on a shared
     * database: another suite's or a running server's queued mail) is put back at once.
     */
    async function claimOwn(
      poolId: string,
      owner: string,
      now: number,
      leaseUntil: number,
      limit = 1000,
    ): Promise<OutboxMessage[]> {
      const got = await ctx.store.transaction((tx) => tx.outbox.claimDue(owner, now, leaseUntil, limit));
      await restore(got.filter((m) => m.poolId !== poolId));
      return got.filter((m) => m.poolId === poolId);
    }

    it("claimDue leases due messages to one owner; lapsed leases can be claimed again", async () => {
      const p = await ctx.newPool();
      const now = FUTURE + 500_000;
      const due = [1, 2, 3].map((i) =>
        message(p, { username: `due${i}`, destination: `due${i}@example.com`, nextAttemptAt: now - i }),
      );
      const later = message(p, { username: "later", nextAttemptAt: now + 1_000_000 });
      const done = message(p, { username: "done", status: "sent", nextAttemptAt: now - 10 });
      for (const m of [...due, later, done]) await ctx.store.transaction((tx) => tx.outbox.enqueue(m));
      const ids = (ms: OutboxMessage[]) => new Set(ms.map((m) => m.id));

      const first = await claimOwn(p, "owner-1", now, now + 60_000);
      expect(ids(first)).toEqual(ids(due));
      expect(first.map((m) => m.createdAt)).toEqual([...first.map((m) => m.createdAt)].sort((a, b) => a - b));
      // Leased: another owner gets none of them while the lease runs.
      expect(await claimOwn(p, "owner-2", now + 1, now + 60_000)).toEqual([]);
      // A lapsed lease is claimable again.
      expect(ids(await claimOwn(p, "owner-2", now + 60_001, now + 120_000))).toEqual(ids(due));
      await settleAll([...due, later]);
    });

    it("claimDue honours its limit and claims the oldest first", async () => {
      const p = await ctx.newPool();
      const now = FUTURE + 600_000;
      const ms = [1, 2, 3, 4].map((i) =>
        message(p, { username: `o${i}`, destination: `o${i}@example.com`, nextAttemptAt: now - 100 }),
      );
      for (const m of ms) await ctx.store.transaction((tx) => tx.outbox.enqueue(m));
      // Claim one at a time until ours are all claimed; ours come out in insertion order.
      // Others' messages claimed on the way (shared database) are put back afterwards.
      const order: string[] = [];
      const foreign: OutboxMessage[] = [];
      for (let i = 0; i < 10_000 && order.length < ms.length; i++) {
        const got = await ctx.store.transaction((tx) => tx.outbox.claimDue("owner-x", now, now + 60_000, 1));
        expect(got.length).toBeLessThanOrEqual(1);
        if (got.length === 0) break;
        for (const g of got) {
          if (g.poolId === p) order.push(g.id);
          else foreign.push(g);
        }
      }
      await restore(foreign);
      expect(order).toEqual(ms.map((m) => m.id));
      await settleAll(ms);
    });

    it("claimDue claims only a recipient's oldest unsent message, whoever holds or retries it", async () => {
      const p = await ctx.newPool();
      const now = FUTURE + 650_000;
      const to = (destination: string, i: number, over: Partial<OutboxMessage> = {}) =>
        message(p, { username: `r${i}`, destination, nextAttemptAt: now - 100, ...over });
      const a = [1, 2, 3].map((i) => to("ann@example.com", i));
      const b = [4, 5].map((i) => to("ben@example.com", i));
      // Same address, another medium: a recipient of its own.
      const sms = to("ann@example.com", 6, { medium: "SMS" });
      for (const m of [a[0], b[0], a[1], sms, b[1], a[2]]) {
        if (m) await ctx.store.transaction((tx) => tx.outbox.enqueue(m));
      }
      const ids = (ms: OutboxMessage[]) => ms.map((m) => m.id).sort();
      const [a1, a2, a3] = a as [OutboxMessage, OutboxMessage, OutboxMessage];
      const [b1, b2] = b as [OutboxMessage, OutboxMessage];
      // One message per recipient, the oldest of each.
      const first = await claimOwn(p, "node-1", now, now + 60_000);
      expect(ids(first)).toEqual(ids([a1, b1, sms]));
      // Another node claims nothing: the heads are leased, the rest wait behind them.
      expect(await claimOwn(p, "node-2", now + 1, now + 60_000)).toEqual([]);
      // a1 is sent; b1 failed for a while and waits for its retry; the SMS is sent.
      const settle = (m: OutboxMessage, status: "sent" | "queued" | "failed", nextAttemptAt: number) =>
        ctx.store.transaction((tx) =>
          tx.outbox.settle(m.id, {
            status,
            attempts: 1,
            lastError: status === "sent" ? null : "busy",
            nextAttemptAt,
            sentAt: status === "sent" ? now : null,
            transport: m.transport,
            scrubBody: false,
          }),
        );
      await settle(a1, "sent", now);
      await settle(b1, "queued", now + 30_000);
      await settle(sms, "sent", now);
      // a2 is next for Ann; Ben's b2 never overtakes his waiting b1.
      expect(ids(await claimOwn(p, "node-2", now + 2, now + 60_000))).toEqual(ids([a2]));
      await settle(a2, "failed", now);
      // A message that failed for good no longer holds the ones behind it.
      expect(ids(await claimOwn(p, "node-1", now + 3, now + 60_000))).toEqual(ids([a3]));
      expect(ids(await claimOwn(p, "node-1", now + 30_000, now + 90_000))).toEqual(ids([b1]));
      await settle(b1, "sent", now + 30_000);
      expect(ids(await claimOwn(p, "node-2", now + 30_001, now + 90_000))).toEqual(ids([b2]));
      await settleAll([a3, b2]);
    });

    it("settleSent marks claimed messages sent in one call, releases them, and can scrub them", async () => {
      const p = await ctx.newPool();
      const now = FUTURE + 680_000;
      const ms = [1, 2, 3].map((i) =>
        message(p, { username: `s${i}`, destination: `s${i}@example.com`, nextAttemptAt: now - 1 }),
      );
      const retried = message(p, {
        username: "s4",
        destination: "s4@example.com",
        nextAttemptAt: now - 1,
        attempts: 2,
        lastError: "busy",
      });
      const untouched = message(p, { username: "s5", destination: "s5@example.com", nextAttemptAt: now - 1 });
      for (const m of [...ms, retried, untouched]) await ctx.store.transaction((tx) => tx.outbox.enqueue(m));
      expect(await claimOwn(p, "o", now, now + 60_000)).toHaveLength(5);
      const [m1, m2, m3] = ms as [OutboxMessage, OutboxMessage, OutboxMessage];
      await ctx.store.transaction((tx) => tx.outbox.settleSent([m1.id, m2.id, retried.id], now + 2, false));
      await ctx.store.transaction((tx) => tx.outbox.settleSent([m3.id], now + 3, true));
      const sent = (m: OutboxMessage, at: number, over: Partial<OutboxMessage> = {}) => ({
        ...m,
        status: "sent",
        attempts: m.attempts + 1,
        lastError: null,
        nextAttemptAt: at,
        sentAt: at,
        ...over,
      });
      expect(await ctx.store.read.outbox.get(m1.id)).toEqual(sent(m1, now + 2));
      expect(await ctx.store.read.outbox.get(m2.id)).toEqual(sent(m2, now + 2));
      expect(await ctx.store.read.outbox.get(retried.id)).toEqual(sent(retried, now + 2));
      expect(await ctx.store.read.outbox.get(m3.id)).toEqual(sent(m3, now + 3, { body: "", code: null }));
      expect(await ctx.store.read.outbox.get(untouched.id)).toEqual(untouched);
      // Released: a sent message is never claimed again; the untouched one is, once its lease lapses.
      expect((await claimOwn(p, "o2", now + 60_001, now + 120_000)).map((m) => m.id)).toEqual([untouched.id]);
      await settleAll([untouched]);
    });

    it("settle records the outcome, releases the claim, and can scrub the body and code", async () => {
      const p = await ctx.newPool();
      const now = FUTURE + 700_000;
      const retry = message(p, {
        username: "retry",
        destination: "retry@example.com",
        nextAttemptAt: now - 1,
      });
      const sent = message(p, { username: "sent", destination: "sent@example.com", nextAttemptAt: now - 1 });
      for (const m of [retry, sent]) await ctx.store.transaction((tx) => tx.outbox.enqueue(m));
      expect(await claimOwn(p, "o", now, now + 60_000)).toHaveLength(2);

      await ctx.store.transaction((tx) =>
        tx.outbox.settle(retry.id, {
          status: "queued",
          attempts: 1,
          lastError: "connection refused",
          nextAttemptAt: now + 5_000,
          sentAt: null,
          transport: "smtp",
          scrubBody: false,
        }),
      );
      await ctx.store.transaction((tx) =>
        tx.outbox.settle(sent.id, {
          status: "sent",
          attempts: 1,
          lastError: null,
          nextAttemptAt: now,
          sentAt: now + 1,
          transport: "smtp",
          scrubBody: true,
        }),
      );
      expect(await ctx.store.read.outbox.get(retry.id)).toEqual({
        ...retry,
        status: "queued",
        attempts: 1,
        lastError: "connection refused",
        nextAttemptAt: now + 5_000,
        transport: "smtp",
      });
      expect(await ctx.store.read.outbox.get(sent.id)).toEqual({
        ...sent,
        status: "sent",
        attempts: 1,
        nextAttemptAt: now,
        sentAt: now + 1,
        transport: "smtp",
        body: "",
        code: null,
      });
      const mine = async (at: number) => (await claimOwn(p, "o2", at, at + 60_000)).map((m) => m.id);
      // The retry is released by settle (no lease) but not due before its next attempt.
      expect(await mine(now + 4_999)).toEqual([]);
      expect(await mine(now + 5_000)).toEqual([retry.id]);
      await settleAll([retry]);
    });

    it.skipIf(ctx.options.sharedDatabase === true)("clear removes messages", async () => {
      const p = await ctx.newPool();
      const m = message(p, { status: "sent" });
      await ctx.store.transaction((tx) => tx.outbox.enqueue(m));
      const n = await ctx.store.transaction((tx) => tx.outbox.clear());
      expect(n).toBeGreaterThanOrEqual(1);
      expect(await ctx.store.read.outbox.get(m.id)).toBeUndefined();
      expect(await ctx.store.read.outbox.list({ userPoolId: p })).toEqual([]);
    });
  });

  describe("housekeeping", () => {
    it("prunes sent messages sent before a time, and limit windows that ended before it; nothing else", async () => {
      const p = await ctx.newPool();
      const oldSent = message(p, { status: "sent", sentAt: 1 });
      const newSent = message(p, { status: "sent", sentAt: 3 });
      const oldFailed = message(p, { status: "failed", sentAt: null });
      const queued = message(p);
      for (const m of [oldSent, newSent, oldFailed, queued])
        await ctx.store.transaction((tx) => tx.outbox.enqueue(m));
      expect(await ctx.store.transaction((tx) => tx.outbox.prune(2))).toBe(1);
      const left = (await ctx.store.read.outbox.list({ userPoolId: p })).map((m) => m.id);
      expect(left).toEqual([newSent.id, oldFailed.id, queued.id]);

      const gone = `test|prune|${randomUUID()}`;
      const kept = `test|prune|${randomUUID()}`;
      await ctx.store.transaction(async (tx) => {
        await tx.limits.hit(gone, 4, 5, 1); // window ends at 5
        await tx.limits.hit(kept, 1_000_000_000, 5, 1);
      });
      expect(await ctx.store.transaction((tx) => tx.limits.prune(6))).toBeGreaterThanOrEqual(1);
      expect(await ctx.store.read.limits.peek(gone, 0)).toBeUndefined();
      expect((await ctx.store.read.limits.peek(kept, 2))?.count).toBe(1);
    });
  });
};
