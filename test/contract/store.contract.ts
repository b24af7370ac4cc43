// The store port's contract (src/ports/store.ts), as one suite every backend must pass.
//
// Usage: `storeContract("sqlite file", async () => ({ store, close }))` from a *.test.ts file.
// The suite may run against a database other suites share (PostgreSQL in CI): every test
// makes its own pool ids, usernames and limit keys, and never assumes it is alone in a table.
// Times are synthetic epoch milliseconds passed to the primitives, not the wall clock; outbox
// messages are due only far in the future (FUTURE), so a live server's outbox dispatcher on
// the same database never touches them. Pass `{ sharedDatabase: true }` when other tests use
// the database at the same time: the one global, destructive case (outbox.clear) is skipped.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  AliasRecord,
  AuthEventRecord,
  ClientRecord,
  CodeRecord,
  OutboxMessage,
  PoolRecord,
  Store,
  UserRecord,
} from "../../src/ports/store.js";

export interface OpenedTestStore {
  store: Store;
  close(): Promise<void>;
}

export interface ContractOptions {
  /** Other tests use the database concurrently: skip cases that touch every pool's rows. */
  sharedDatabase?: boolean;
}

/** 2200-01-01: outbox times in this suite sit after it, beyond any real dispatcher's "now". */
const FUTURE = Date.UTC(2200, 0, 1);

/** A fresh, unique pool id shaped like Cognito's. */
export function uniquePoolId(): string {
  return `us-east-1_${randomBytes(8).toString("hex")}`;
}

function poolRecord(id: string, now = 1_000): PoolRecord {
  return {
    id,
    name: `pool ${id}`,
    config: { AutoVerifiedAttributes: ["email"], MfaConfiguration: "OFF" },
    creationDate: now,
    lastModifiedDate: now,
  };
}

function clientRecord(poolId: string, clientId: string, secret: string | null = null): ClientRecord {
  return {
    clientId,
    poolId,
    clientName: `client ${clientId}`,
    secret,
    config: { ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH"], PreventUserExistenceErrors: "LEGACY" },
    creationDate: 2_000,
    lastModifiedDate: 2_000,
  };
}

function userRecord(poolId: string, username: string, over: Partial<UserRecord> = {}): UserRecord {
  return {
    poolId,
    username,
    sub: randomUUID(),
    status: "UNCONFIRMED",
    enabled: true,
    attributes: { email: `${username}@example.com`, email_verified: "false" },
    passwordHash: "$scrypt$ln=10,r=8,p=1$c2FsdA$aGFzaA",
    createdAt: 3_000,
    updatedAt: 3_000,
    ...over,
  };
}

function codeRecord(poolId: string, username: string, over: Partial<CodeRecord> = {}): CodeRecord {
  return {
    poolId,
    username,
    purpose: "SIGNUP",
    codeHmac: "hmac-current",
    previous: [],
    attributeName: "email",
    issuedAt: 10_000,
    expiresAt: 10_000 + 86_400_000,
    failedAttempts: 0,
    consumedAt: null,
    ...over,
  };
}

let seq = 0;
function message(poolId: string, over: Partial<OutboxMessage> = {}): OutboxMessage {
  seq++;
  return {
    id: randomUUID(),
    poolId,
    clientId: "client-1",
    username: "alice",
    medium: "EMAIL",
    attributeName: "email",
    destination: "alice@example.com",
    subject: "Your verification code",
    body: `Your verification code is 12345${seq % 10}. `,
    code: `12345${seq % 10}`,
    triggerSource: "CustomMessage_SignUp",
    createdAt: 50_000 + seq,
    status: "queued",
    transport: "inbox",
    attempts: 0,
    lastError: null,
    nextAttemptAt: FUTURE,
    sentAt: null,
    ...over,
  };
}

function event(poolId: string, username: string, createdAt: number, eventType = "SignUp"): AuthEventRecord {
  return {
    id: randomUUID(),
    poolId,
    username,
    clientId: "client-1",
    eventType,
    createdAt,
    ipAddress: "192.0.2.1",
    encodedData: null,
    analyticsEndpointId: null,
    userAgent: "test",
  };
}

export function storeContract(
  name: string,
  open: () => Promise<OpenedTestStore>,
  options: ContractOptions = {},
): void {
  describe(`store contract: ${name}`, () => {
    let opened: OpenedTestStore;
    let store: Store;

    beforeAll(async () => {
      opened = await open();
      store = opened.store;
    });
    afterAll(async () => {
      await opened?.close();
    });

    /** A new pool, committed. */
    async function newPool(id = uniquePoolId()): Promise<string> {
      await store.transaction((tx) => tx.pools.create(poolRecord(id)));
      return id;
    }

    /** A new user in `poolId`, committed, with the username as its lookup key. */
    async function newUser(poolId: string, username: string, over: Partial<UserRecord> = {}) {
      const u = userRecord(poolId, username, over);
      const created = await store.transaction((tx) => tx.users.createIfAbsent(u, username));
      expect(created).toBe(true);
      return u;
    }

    describe("pools", () => {
      it("creates, reads back exactly, updates and reports unknown ids as undefined", async () => {
        const id = uniquePoolId();
        const rec = poolRecord(id, 1_234);
        await store.transaction((tx) => tx.pools.create(rec));
        expect(await store.read.pools.get(id)).toEqual(rec);
        expect(await store.read.pools.get(`${id}x`)).toBeUndefined();

        const updated: PoolRecord = {
          ...rec,
          name: "renamed",
          config: { ...rec.config, MfaConfiguration: "OPTIONAL" },
          lastModifiedDate: 9_999,
        };
        await store.transaction((tx) => tx.pools.update(updated));
        expect(await store.read.pools.get(id)).toEqual(updated);
      });

      it("lists in id order, `after` being an exclusive lower bound, `limit` at most", async () => {
        const prefix = uniquePoolId();
        for (const suffix of ["c", "a", "b"]) await newPool(`${prefix}${suffix}`);
        const all = (await store.read.pools.list(1000, prefix)).filter((p) => p.id.startsWith(prefix));
        expect(all.map((p) => p.id)).toEqual([`${prefix}a`, `${prefix}b`, `${prefix}c`]);
        const page = await store.read.pools.list(2, `${prefix}a`);
        expect(page.map((p) => p.id)).toEqual([`${prefix}b`, `${prefix}c`]);
        const one = await store.read.pools.list(1, `${prefix}b`);
        expect(one.map((p) => p.id)).toEqual([`${prefix}c`]);
      });

      it("counts the pool's users only", async () => {
        const a = await newPool();
        const b = await newPool();
        await newUser(a, "u1");
        await newUser(a, "u2");
        await newUser(b, "u1");
        expect(await store.read.pools.countUsers(a)).toBe(2);
        expect(await store.read.pools.countUsers(b)).toBe(1);
        expect(await store.read.pools.countUsers(uniquePoolId())).toBe(0);
      });

      it("deletes a pool with everything in it, and nothing of any other pool", async () => {
        const doomed = await newPool();
        // A second pool whose id equals the first one's except where SQL LIKE would see a
        // wildcard (`_`): deleting the first must not touch the second.
        const lookalike = await newPool(doomed.replace("_", "X"));
        // ...nor where a case-insensitive comparison would see the same id.
        const upper = await newPool(doomed.toUpperCase());
        for (const p of [doomed, lookalike, upper]) {
          await store.transaction((tx) => tx.clients.create(clientRecord(p, `${p}-client`)));
          await newUser(p, "alice");
          await store.transaction(async (tx) => {
            await tx.aliases.claim({
              poolId: p,
              kind: "email",
              valueKey: "alice@example.com",
              username: "alice",
            });
            await tx.codes.put(codeRecord(p, "alice"));
            await tx.events.add(event(p, "alice", 1));
            await tx.limits.hit(`${p}|resend|alice`, 60_000, 5, 1_000);
          });
        }
        expect(await store.transaction((tx) => tx.pools.delete(doomed))).toBe(true);
        expect(await store.transaction((tx) => tx.pools.delete(doomed))).toBe(false);

        expect(await store.read.pools.get(doomed)).toBeUndefined();
        expect(await store.read.clients.get(`${doomed}-client`)).toBeUndefined();
        expect(await store.read.users.get(doomed, "alice")).toBeUndefined();
        expect(await store.read.aliases.find(doomed, "email", "alice@example.com")).toBeUndefined();
        expect(await store.read.codes.get(doomed, "alice", "SIGNUP")).toBeUndefined();
        expect(await store.read.events.listForUser(doomed, "alice", 10)).toEqual([]);
        expect(await store.read.limits.peek(`${doomed}|resend|alice`, 1_000)).toBeUndefined();

        expect(await store.read.pools.get(lookalike)).toBeDefined();
        expect(await store.read.clients.get(`${lookalike}-client`)).toBeDefined();
        expect(await store.read.users.get(lookalike, "alice")).toBeDefined();
        expect(await store.read.aliases.find(lookalike, "email", "alice@example.com")).toBeDefined();
        expect(await store.read.codes.get(lookalike, "alice", "SIGNUP")).toBeDefined();
        expect(await store.read.events.listForUser(lookalike, "alice", 10)).toHaveLength(1);
        expect(await store.read.limits.peek(`${lookalike}|resend|alice`, 1_000)).toMatchObject({ count: 1 });
        expect(await store.read.limits.peek(`${upper}|resend|alice`, 1_000)).toMatchObject({ count: 1 });
        expect(await store.read.users.get(upper, "alice")).toBeDefined();
      });
    });

    describe("clients", () => {
      it("round-trips a client with and without a secret", async () => {
        const p = await newPool();
        const withSecret = clientRecord(
          p,
          `s${randomBytes(12).toString("hex")}`,
          "averylongsecretvaluewithtwentyfourplus",
        );
        const without = clientRecord(p, `n${randomBytes(12).toString("hex")}`);
        await store.transaction(async (tx) => {
          await tx.clients.create(withSecret);
          await tx.clients.create(without);
        });
        expect(await store.read.clients.get(withSecret.clientId)).toEqual(withSecret);
        expect(await store.read.clients.get(without.clientId)).toEqual(without);
        expect(await store.read.clients.get("nosuchclient")).toBeUndefined();
      });

      it("updates and deletes only through the owning pool", async () => {
        const a = await newPool();
        const b = await newPool();
        const c = clientRecord(
          a,
          `c${randomBytes(12).toString("hex")}`,
          "averylongsecretvaluewithtwentyfourplus",
        );
        await store.transaction((tx) => tx.clients.create(c));

        // An update addressed to another pool changes nothing.
        await store.transaction((tx) => tx.clients.update({ ...c, poolId: b, clientName: "hijacked" }));
        expect((await store.read.clients.get(c.clientId))?.clientName).toBe(c.clientName);

        const next: ClientRecord = {
          ...c,
          clientName: "renamed",
          secret: null,
          config: { ExplicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"] },
          lastModifiedDate: 7_000,
        };
        await store.transaction((tx) => tx.clients.update(next));
        expect(await store.read.clients.get(c.clientId)).toEqual(next);

        expect(await store.transaction((tx) => tx.clients.delete(b, c.clientId))).toBe(false);
        expect(await store.read.clients.get(c.clientId)).toBeDefined();
        expect(await store.transaction((tx) => tx.clients.delete(a, c.clientId))).toBe(true);
        expect(await store.transaction((tx) => tx.clients.delete(a, c.clientId))).toBe(false);
        expect(await store.read.clients.get(c.clientId)).toBeUndefined();
      });

      it("lists a pool's clients in id order with an exclusive `after`", async () => {
        const a = await newPool();
        const b = await newPool();
        const base = randomBytes(8).toString("hex");
        for (const s of ["3", "1", "2"]) {
          await store.transaction((tx) => tx.clients.create(clientRecord(a, `${base}${s}`)));
        }
        await store.transaction((tx) => tx.clients.create(clientRecord(b, `${base}0`)));
        expect((await store.read.clients.list(a, 10, null)).map((c) => c.clientId)).toEqual([
          `${base}1`,
          `${base}2`,
          `${base}3`,
        ]);
        expect((await store.read.clients.list(a, 1, `${base}1`)).map((c) => c.clientId)).toEqual([
          `${base}2`,
        ]);
        expect((await store.read.clients.list(a, 10, `${base}3`)).map((c) => c.clientId)).toEqual([]);
        expect((await store.read.clients.list(b, 10, null)).map((c) => c.clientId)).toEqual([`${base}0`]);
      });
    });

    describe("users", () => {
      it("round-trips a user; reads by key, by sub and for update", async () => {
        const p = await newPool();
        const u = userRecord(p, "Alice", {
          attributes: { email: "alice@example.com", email_verified: "true", "custom:team": "blue" },
          passwordHash: null,
          enabled: false,
          status: "CONFIRMED",
        });
        expect(await store.transaction((tx) => tx.users.createIfAbsent(u, "alice"))).toBe(true);
        expect(await store.read.users.get(p, "alice")).toEqual(u);
        // The key is what is looked up, not the username as typed.
        expect(await store.read.users.get(p, "Alice")).toBeUndefined();
        expect(await store.read.users.getBySub(p, u.sub)).toEqual(u);
        expect(await store.read.users.getBySub(p, randomUUID())).toBeUndefined();
        const locked = await store.transaction((tx) => tx.users.getForUpdate(p, "Alice"));
        expect(locked).toEqual(u);
      });

      it("createIfAbsent refuses a duplicate key or a duplicate sub, and writes nothing then", async () => {
        const p = await newPool();
        const first = await newUser(p, "bob");
        const sameKey = userRecord(p, "bob2", { attributes: { email: "other@example.com" } });
        expect(await store.transaction((tx) => tx.users.createIfAbsent(sameKey, "bob"))).toBe(false);
        const sameSub = userRecord(p, "carol", { sub: first.sub });
        expect(await store.transaction((tx) => tx.users.createIfAbsent(sameSub, "carol"))).toBe(false);
        expect(await store.read.users.get(p, "carol")).toBeUndefined();
        expect(await store.read.users.get(p, "bob")).toEqual(first);
        expect(await store.read.pools.countUsers(p)).toBe(1);
      });

      it("createIfAbsent under concurrency: exactly one of N racing creations wins", async () => {
        const p = await newPool();
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            store.transaction((tx) => tx.users.createIfAbsent(userRecord(p, "racer"), "racer")),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.read.pools.countUsers(p)).toBe(1);
      });

      it("updates and deletes users", async () => {
        const p = await newPool();
        const u = await newUser(p, "dave");
        const next: UserRecord = {
          ...u,
          status: "CONFIRMED",
          enabled: false,
          attributes: { ...u.attributes, email_verified: "true" },
          passwordHash: null,
          updatedAt: 99_000,
        };
        await store.transaction((tx) => tx.users.update(next));
        expect(await store.read.users.get(p, "dave")).toEqual(next);
        expect(await store.transaction((tx) => tx.users.delete(p, "dave"))).toBe(true);
        expect(await store.transaction((tx) => tx.users.delete(p, "dave"))).toBe(false);
        expect(await store.read.users.get(p, "dave")).toBeUndefined();
      });

      it("lists in username order with an exclusive `after` and a limit", async () => {
        const p = await newPool();
        for (const n of ["carol", "alice", "bob", "dave"]) await newUser(p, n);
        const names = async (limit: number, after: string | null) =>
          (await store.read.users.list(p, limit, after)).map((u) => u.username);
        expect(await names(10, null)).toEqual(["alice", "bob", "carol", "dave"]);
        expect(await names(2, null)).toEqual(["alice", "bob"]);
        expect(await names(2, "bob")).toEqual(["carol", "dave"]);
        expect(await names(2, "dave")).toEqual([]);
      });

      it("bulk-imports users and their codes in one transaction, or nothing on a duplicate", async () => {
        const p = await newPool();
        const many = Array.from({ length: 1203 }, (_, i) =>
          userRecord(p, `bulk${i}`, { sub: `sub-${p}-${i}` }),
        );
        await store.transaction(async (tx) => {
          await tx.users.insertMany(many.map((user) => ({ user, usernameKey: user.username })));
          await tx.codes.putMany(many.map((u) => codeRecord(p, u.username)));
        });
        expect(await store.read.pools.countUsers(p)).toBe(1203);
        expect(await store.read.users.get(p, "bulk1202")).toEqual(many[1202]);
        expect((await store.read.codes.get(p, "bulk700", "SIGNUP"))?.codeHmac).toBe(
          codeRecord(p, "bulk700").codeHmac,
        );
        const clash = [
          userRecord(p, "fresh1", { sub: `sub-${p}-fresh1` }),
          userRecord(p, "bulk5", { sub: `sub-${p}-new5` }),
        ];
        await expect(
          store.transaction((tx) =>
            tx.users.insertMany(clash.map((user) => ({ user, usernameKey: user.username }))),
          ),
        ).rejects.toThrow();
        expect(await store.read.users.get(p, "fresh1")).toBeUndefined();
      });
    });

    describe("aliases", () => {
      it("claims, refuses a taken alias, transfers and releases", async () => {
        const p = await newPool();
        await newUser(p, "erin");
        await newUser(p, "frank");
        const alias = (username: string): AliasRecord => ({
          poolId: p,
          kind: "email",
          valueKey: "shared@example.com",
          username,
        });
        expect(await store.transaction((tx) => tx.aliases.claim(alias("erin")))).toBe(true);
        // Claiming again for the holder is fine; for anyone else it is refused.
        expect(await store.transaction((tx) => tx.aliases.claim(alias("erin")))).toBe(true);
        expect(await store.transaction((tx) => tx.aliases.claim(alias("frank")))).toBe(false);
        expect(await store.read.aliases.find(p, "email", "shared@example.com")).toEqual(alias("erin"));
        expect(await store.read.aliases.find(p, "phone_number", "shared@example.com")).toBeUndefined();

        expect(await store.transaction((tx) => tx.aliases.transfer(alias("frank")))).toBe("erin");
        expect(await store.read.aliases.find(p, "email", "shared@example.com")).toEqual(alias("frank"));
        expect(await store.transaction((tx) => tx.aliases.transfer(alias("frank")))).toBeNull();
        // Transferring an alias nobody holds just claims it.
        const fresh: AliasRecord = {
          poolId: p,
          kind: "phone_number",
          valueKey: "+14155550123",
          username: "erin",
        };
        expect(await store.transaction((tx) => tx.aliases.transfer(fresh))).toBeNull();
        expect(await store.read.aliases.find(p, "phone_number", "+14155550123")).toEqual(fresh);

        // Only the holder's release removes it.
        await store.transaction((tx) => tx.aliases.release(p, "email", "shared@example.com", "erin"));
        expect(await store.read.aliases.find(p, "email", "shared@example.com")).toEqual(alias("frank"));
        await store.transaction((tx) => tx.aliases.release(p, "email", "shared@example.com", "frank"));
        expect(await store.read.aliases.find(p, "email", "shared@example.com")).toBeUndefined();
      });

      it("lists a user's aliases, and deleting the user releases them", async () => {
        const p = await newPool();
        await newUser(p, "gina");
        const mine: AliasRecord[] = [
          { poolId: p, kind: "email", valueKey: "gina@example.com", username: "gina" },
          { poolId: p, kind: "preferred_username", valueKey: "gigi", username: "gina" },
        ];
        await store.transaction(async (tx) => {
          for (const a of mine) expect(await tx.aliases.claim(a)).toBe(true);
        });
        const listed = await store.read.aliases.listForUser(p, "gina");
        expect([...listed].sort((x, y) => x.kind.localeCompare(y.kind))).toEqual(mine);
        await store.transaction((tx) => tx.users.delete(p, "gina"));
        expect(await store.read.aliases.listForUser(p, "gina")).toEqual([]);
        expect(await store.read.aliases.find(p, "email", "gina@example.com")).toBeUndefined();
      });

      it("two users racing for one alias: exactly one wins", async () => {
        const p = await newPool();
        const names = ["h1", "h2", "h3", "h4", "h5"];
        for (const n of names) await newUser(p, n);
        const results = await Promise.all(
          names.map((n) =>
            store.transaction((tx) =>
              tx.aliases.claim({ poolId: p, kind: "email", valueKey: "race@example.com", username: n }),
            ),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = names[results.indexOf(true)];
        expect((await store.read.aliases.find(p, "email", "race@example.com"))?.username).toBe(winner);
      });
    });

    describe("codes", () => {
      it("puts, reads back and replaces the current code", async () => {
        const p = await newPool();
        await newUser(p, "ivan");
        const first = codeRecord(p, "ivan");
        await store.transaction((tx) => tx.codes.put(first));
        expect(await store.read.codes.get(p, "ivan", "SIGNUP")).toEqual(first);
        const second = codeRecord(p, "ivan", {
          codeHmac: "hmac-second",
          previous: ["hmac-current"],
          issuedAt: 20_000,
          expiresAt: 20_000 + 86_400_000,
        });
        await store.transaction((tx) => tx.codes.put(second));
        expect(await store.read.codes.get(p, "ivan", "SIGNUP")).toEqual(second);
        await store.transaction((tx) => tx.codes.delete(p, "ivan", "SIGNUP"));
        expect(await store.read.codes.get(p, "ivan", "SIGNUP")).toBeUndefined();
      });

      it("supersede keeps the replaced codes newest first; concurrent supersedes keep every one", async () => {
        const p = await newPool();
        await newUser(p, "sue");
        const hmac = (i: number) => `H${String(i).padStart(42, "0")}`;
        await store.transaction((tx) =>
          tx.codes.supersede(codeRecord(p, "sue", { codeHmac: hmac(0), previous: ["ignored"] })),
        );
        expect((await store.read.codes.get(p, "sue", "SIGNUP"))?.previous).toEqual([]);
        await store.transaction((tx) => tx.codes.addFailedAttempt(p, "sue", "SIGNUP", 10));
        await store.transaction((tx) => tx.codes.supersede(codeRecord(p, "sue", { codeHmac: hmac(1) })));
        const one = await store.read.codes.get(p, "sue", "SIGNUP");
        expect(one?.codeHmac).toBe(hmac(1));
        expect(one?.previous).toEqual([hmac(0)]);
        expect(one?.failedAttempts).toBe(0);
        await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            store.transaction((tx) => tx.codes.supersede(codeRecord(p, "sue", { codeHmac: hmac(i + 2) }))),
          ),
        );
        const all = await store.read.codes.get(p, "sue", "SIGNUP");
        const seen = [all?.codeHmac, ...(all?.previous ?? [])];
        expect(new Set(seen).size).toBe(10);
        expect([...seen].sort()).toEqual(Array.from({ length: 10 }, (_, i) => hmac(i)).sort());
        // Bounded: older entries fall off, newest first stays.
        for (let i = 10; i < 40; i++) {
          await store.transaction((tx) => tx.codes.supersede(codeRecord(p, "sue", { codeHmac: hmac(i) })));
        }
        const bounded = await store.read.codes.get(p, "sue", "SIGNUP");
        expect(bounded?.previous.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => hmac(38 - i)));
      });

      it("counts failed attempts up to the guard, then refuses without counting", async () => {
        const p = await newPool();
        await newUser(p, "judy");
        await store.transaction((tx) => tx.codes.put(codeRecord(p, "judy")));
        const attempt = () => store.transaction((tx) => tx.codes.addFailedAttempt(p, "judy", "SIGNUP", 3));
        expect(await attempt()).toBe(1);
        expect(await attempt()).toBe(2);
        expect(await attempt()).toBe(3);
        expect(await attempt()).toBeNull();
        expect(await attempt()).toBeNull();
        expect((await store.read.codes.get(p, "judy", "SIGNUP"))?.failedAttempts).toBe(3);
        // No code at all: nothing to count.
        expect(
          await store.transaction((tx) => tx.codes.addFailedAttempt(p, "nobody", "SIGNUP", 3)),
        ).toBeNull();
      });

      it("failed attempts counted concurrently are all counted, never past the guard", async () => {
        const p = await newPool();
        await newUser(p, "kate");
        await store.transaction((tx) => tx.codes.put(codeRecord(p, "kate")));
        const results = await Promise.all(
          Array.from({ length: 12 }, () =>
            store.transaction((tx) => tx.codes.addFailedAttempt(p, "kate", "SIGNUP", 8)),
          ),
        );
        const counted = results.filter((r): r is number => r !== null).sort((x, y) => x - y);
        expect(counted).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        expect((await store.read.codes.get(p, "kate", "SIGNUP"))?.failedAttempts).toBe(8);
      });

      it("consume is single-use, and refuses a wrong, superseded or expired code", async () => {
        const p = await newPool();
        await newUser(p, "liam");
        const c = codeRecord(p, "liam", { issuedAt: 1_000, expiresAt: 5_000 });
        await store.transaction((tx) => tx.codes.put(c));
        const consume = (hmac: string, now: number) =>
          store.transaction((tx) => tx.codes.consume(p, "liam", "SIGNUP", hmac, now));
        expect(await consume("hmac-wrong", 2_000)).toBe(false);
        expect(await consume("hmac-current", 5_000)).toBe(false); // expired at its expiry instant
        expect(await consume("hmac-current", 2_000)).toBe(true);
        expect(await consume("hmac-current", 2_001)).toBe(false);
        expect((await store.read.codes.get(p, "liam", "SIGNUP"))?.consumedAt).toBe(2_000);

        // A replaced code cannot be consumed; the new one can.
        await store.transaction((tx) =>
          tx.codes.put(
            codeRecord(p, "liam", { codeHmac: "hmac-new", previous: ["hmac-current"], expiresAt: 9_000 }),
          ),
        );
        expect(await consume("hmac-current", 3_000)).toBe(false);
        expect(await consume("hmac-new", 3_000)).toBe(true);
      });

      it("N concurrent consumes in separate transactions: exactly one succeeds", async () => {
        const p = await newPool();
        await newUser(p, "mia");
        await store.transaction((tx) => tx.codes.put(codeRecord(p, "mia")));
        const results = await Promise.all(
          Array.from({ length: 16 }, () =>
            store.transaction((tx) => tx.codes.consume(p, "mia", "SIGNUP", "hmac-current", 11_000)),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it("deleting the user deletes their codes", async () => {
        const p = await newPool();
        await newUser(p, "nina");
        await store.transaction((tx) => tx.codes.put(codeRecord(p, "nina")));
        await store.transaction((tx) => tx.users.delete(p, "nina"));
        expect(await store.read.codes.get(p, "nina", "SIGNUP")).toBeUndefined();
      });
    });

    describe("limits", () => {
      it("fixed window: counts up to max; refused hits neither count nor extend; resets after expiry", async () => {
        const key = `test|limits|${randomUUID()}`;
        const win = 60_000;
        const t0 = 1_000_000;
        expect(await store.read.limits.peek(key, t0)).toBeUndefined();
        const hit = (now: number) => store.transaction((tx) => tx.limits.hit(key, win, 3, now));
        expect(await hit(t0)).toEqual({ allowed: true, count: 1, resetAt: t0 + win });
        expect(await hit(t0 + 10)).toEqual({ allowed: true, count: 2, resetAt: t0 + win });
        expect(await hit(t0 + 20)).toEqual({ allowed: true, count: 3, resetAt: t0 + win });
        // Refused: not counted, window unchanged, however often retried.
        for (const dt of [30, 40_000, win - 1]) {
          expect(await hit(t0 + dt)).toEqual({ allowed: false, count: 3, resetAt: t0 + win });
        }
        expect(await store.read.limits.peek(key, t0 + 50)).toMatchObject({ count: 3, resetAt: t0 + win });
        // At the end of the window a new one starts.
        expect(await hit(t0 + win)).toEqual({ allowed: true, count: 1, resetAt: t0 + 2 * win });
        expect(await store.read.limits.peek(key, t0 + 3 * win)).toBeUndefined();
        expect(await hit(t0 + 3 * win + 5)).toEqual({ allowed: true, count: 1, resetAt: t0 + 4 * win + 5 });
      });

      it("max 0 refuses everything; keys are independent", async () => {
        const a = `test|limits|${randomUUID()}`;
        const b = `test|limits|${randomUUID()}`;
        expect((await store.transaction((tx) => tx.limits.hit(a, 1_000, 0, 5))).allowed).toBe(false);
        expect(await store.transaction((tx) => tx.limits.hit(b, 1_000, 1, 5))).toMatchObject({
          allowed: true,
          count: 1,
        });
        expect((await store.transaction((tx) => tx.limits.hit(b, 1_000, 1, 6))).allowed).toBe(false);
        expect((await store.transaction((tx) => tx.limits.hit(a, 1_000, 1, 6))).allowed).toBe(true);
      });

      it("20 concurrent hits with max 5: exactly 5 allowed, counter at 5", async () => {
        const key = `test|limits|${randomUUID()}`;
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.transaction((tx) => tx.limits.hit(key, 60_000, 5, 2_000))),
        );
        expect(results.filter((r) => r.allowed)).toHaveLength(5);
        expect(
          results
            .filter((r) => r.allowed)
            .map((r) => r.count)
            .sort(),
        ).toEqual([1, 2, 3, 4, 5]);
        expect(await store.read.limits.peek(key, 2_000)).toMatchObject({ count: 5, resetAt: 62_000 });
      });
    });

    describe("housekeeping", () => {
      it("prunes sent messages sent before a time, and limit windows that ended before it; nothing else", async () => {
        const p = await newPool();
        const oldSent = message(p, { status: "sent", sentAt: 1 });
        const newSent = message(p, { status: "sent", sentAt: 3 });
        const oldFailed = message(p, { status: "failed", sentAt: null });
        const queued = message(p);
        for (const m of [oldSent, newSent, oldFailed, queued])
          await store.transaction((tx) => tx.outbox.enqueue(m));
        expect(await store.transaction((tx) => tx.outbox.prune(2))).toBe(1);
        const left = (await store.read.outbox.list({ userPoolId: p })).map((m) => m.id);
        expect(left).toEqual([newSent.id, oldFailed.id, queued.id]);

        const gone = `test|prune|${randomUUID()}`;
        const kept = `test|prune|${randomUUID()}`;
        await store.transaction(async (tx) => {
          await tx.limits.hit(gone, 4, 5, 1); // window ends at 5
          await tx.limits.hit(kept, 1_000_000_000, 5, 1);
        });
        expect(await store.transaction((tx) => tx.limits.prune(6))).toBeGreaterThanOrEqual(1);
        expect(await store.read.limits.peek(gone, 0)).toBeUndefined();
        expect((await store.read.limits.peek(kept, 2))?.count).toBe(1);
      });
    });

    describe("outbox", () => {
      it("lists oldest first (or newest first), with every filter alone and combined", async () => {
        const p = await newPool();
        const other = await newPool();
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
        for (const m of [m1, m2, m3, mOther]) await store.transaction((tx) => tx.outbox.enqueue(m));

        const ids = async (f: Parameters<Store["read"]["outbox"]["list"]>[0]) =>
          (await store.read.outbox.list(f)).map((m) => m.id);
        expect(await store.read.outbox.get(m2.id)).toEqual(m2);
        expect(await store.read.outbox.get(randomUUID())).toBeUndefined();
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
          await store.transaction((tx) =>
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
          await store.transaction((tx) =>
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
        const got = await store.transaction((tx) => tx.outbox.claimDue(owner, now, leaseUntil, limit));
        await restore(got.filter((m) => m.poolId !== poolId));
        return got.filter((m) => m.poolId === poolId);
      }

      it("claimDue leases due messages to one owner; lapsed leases can be claimed again", async () => {
        const p = await newPool();
        const now = FUTURE + 500_000;
        const due = [1, 2, 3].map((i) => message(p, { username: `due${i}`, nextAttemptAt: now - i }));
        const later = message(p, { username: "later", nextAttemptAt: now + 1_000_000 });
        const done = message(p, { username: "done", status: "sent", nextAttemptAt: now - 10 });
        for (const m of [...due, later, done]) await store.transaction((tx) => tx.outbox.enqueue(m));
        const ids = (ms: OutboxMessage[]) => new Set(ms.map((m) => m.id));

        const first = await claimOwn(p, "owner-1", now, now + 60_000);
        expect(ids(first)).toEqual(ids(due));
        expect(first.map((m) => m.createdAt)).toEqual(
          [...first.map((m) => m.createdAt)].sort((a, b) => a - b),
        );
        // Leased: another owner gets none of them while the lease runs.
        expect(await claimOwn(p, "owner-2", now + 1, now + 60_000)).toEqual([]);
        // A lapsed lease is claimable again.
        expect(ids(await claimOwn(p, "owner-2", now + 60_001, now + 120_000))).toEqual(ids(due));
        await settleAll([...due, later]);
      });

      it("claimDue honours its limit and claims the oldest first", async () => {
        const p = await newPool();
        const now = FUTURE + 600_000;
        const ms = [1, 2, 3, 4].map((i) => message(p, { username: `o${i}`, nextAttemptAt: now - 100 }));
        for (const m of ms) await store.transaction((tx) => tx.outbox.enqueue(m));
        // Claim one at a time until ours are all claimed; ours come out in insertion order.
        // Others' messages claimed on the way (shared database) are put back afterwards.
        const order: string[] = [];
        const foreign: OutboxMessage[] = [];
        for (let i = 0; i < 10_000 && order.length < ms.length; i++) {
          const got = await store.transaction((tx) => tx.outbox.claimDue("owner-x", now, now + 60_000, 1));
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

      it("settle records the outcome, releases the claim, and can scrub the body and code", async () => {
        const p = await newPool();
        const now = FUTURE + 700_000;
        const retry = message(p, { username: "retry", nextAttemptAt: now - 1 });
        const sent = message(p, { username: "sent", nextAttemptAt: now - 1 });
        for (const m of [retry, sent]) await store.transaction((tx) => tx.outbox.enqueue(m));
        expect(await claimOwn(p, "o", now, now + 60_000)).toHaveLength(2);

        await store.transaction((tx) =>
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
        await store.transaction((tx) =>
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
        expect(await store.read.outbox.get(retry.id)).toEqual({
          ...retry,
          status: "queued",
          attempts: 1,
          lastError: "connection refused",
          nextAttemptAt: now + 5_000,
          transport: "smtp",
        });
        expect(await store.read.outbox.get(sent.id)).toEqual({
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

      it.skipIf(options.sharedDatabase === true)("clear removes messages", async () => {
        const p = await newPool();
        const m = message(p, { status: "sent" });
        await store.transaction((tx) => tx.outbox.enqueue(m));
        const n = await store.transaction((tx) => tx.outbox.clear());
        expect(n).toBeGreaterThanOrEqual(1);
        expect(await store.read.outbox.get(m.id)).toBeUndefined();
        expect(await store.read.outbox.list({ userPoolId: p })).toEqual([]);
      });
    });

    describe("events", () => {
      it("lists a user's events newest first, limited, and only theirs", async () => {
        const p = await newPool();
        const other = await newPool();
        const e1 = event(p, "olga", 1_000, "SignUp");
        const e2 = event(p, "olga", 3_000, "ResendCode");
        const e3 = event(p, "olga", 2_000, "ConfirmSignUp");
        const noise = [event(p, "pete", 2_500), event(other, "olga", 2_600)];
        for (const e of [e1, e2, e3, ...noise]) await store.transaction((tx) => tx.events.add(e));
        expect(await store.read.events.listForUser(p, "olga", 10)).toEqual([e2, e3, e1]);
        expect(await store.read.events.listForUser(p, "olga", 2)).toEqual([e2, e3]);
        expect(await store.read.events.listForUser(p, "nobody", 10)).toEqual([]);
      });
    });

    describe("meta", () => {
      it("setIfAbsent keeps the first value", async () => {
        const key = `test-key-${randomUUID()}`;
        expect(await store.read.meta.get(key)).toBeUndefined();
        expect(await store.transaction((tx) => tx.meta.setIfAbsent(key, "first"))).toBe("first");
        expect(await store.transaction((tx) => tx.meta.setIfAbsent(key, "second"))).toBe("first");
        expect(await store.read.meta.get(key)).toBe("first");
      });

      it("setIfAbsent under concurrency: every caller sees the one stored value", async () => {
        const key = `test-key-${randomUUID()}`;
        const values = await Promise.all(
          Array.from({ length: 8 }, (_, i) => store.transaction((tx) => tx.meta.setIfAbsent(key, `v${i}`))),
        );
        const stored = await store.read.meta.get(key);
        expect(stored).toMatch(/^v\d$/);
        expect(new Set(values)).toEqual(new Set([stored]));
      });
    });

    describe("access keys", () => {
      it("creates, reads back, lists oldest first and revokes once", async () => {
        const base = `AKID${randomBytes(6).toString("hex").toUpperCase()}`;
        const k1 = {
          accessKeyId: `${base}A`,
          secretAccessKey: randomBytes(20).toString("base64"),
          description: "ci",
          createdAt: 1_000,
          revokedAt: null,
        };
        const k2 = { ...k1, accessKeyId: `${base}B`, description: null, createdAt: 2_000 };
        await store.transaction((tx) => tx.accessKeys.create(k2));
        await store.transaction((tx) => tx.accessKeys.create(k1));
        expect(await store.read.accessKeys.get(k1.accessKeyId)).toEqual(k1);
        expect(await store.read.accessKeys.get(`${base}C`)).toBeUndefined();
        const mine = (await store.read.accessKeys.list()).filter((k) => k.accessKeyId.startsWith(base));
        expect(mine).toEqual([k1, k2]);
        await expect(
          store.transaction((tx) => tx.accessKeys.create({ ...k1, secretAccessKey: "other" })),
        ).rejects.toThrow();

        expect(await store.transaction((tx) => tx.accessKeys.revoke(k1.accessKeyId, 5_000))).toBe(true);
        expect(await store.transaction((tx) => tx.accessKeys.revoke(k1.accessKeyId, 6_000))).toBe(false);
        expect(await store.transaction((tx) => tx.accessKeys.revoke(`${base}C`, 6_000))).toBe(false);
        expect(await store.read.accessKeys.get(k1.accessKeyId)).toEqual({ ...k1, revokedAt: 5_000 });
        expect((await store.read.accessKeys.get(k2.accessKeyId))?.revokedAt).toBeNull();
      });
    });

    describe("transactions", () => {
      it("returns the function's value once committed", async () => {
        const id = uniquePoolId();
        const r = await store.transaction(async (tx) => {
          await tx.pools.create(poolRecord(id));
          return { made: id };
        });
        expect(r).toEqual({ made: id });
        expect(await store.read.pools.get(id)).toBeDefined();
      });

      it("a transaction that throws writes nothing and rethrows", async () => {
        const id = uniquePoolId();
        const boom = new Error("boom");
        const m = message(id);
        await expect(
          store.transaction(async (tx) => {
            await tx.pools.create(poolRecord(id));
            await tx.users.createIfAbsent(userRecord(id, "quinn"), "quinn");
            await tx.outbox.enqueue(m);
            await tx.meta.setIfAbsent(`rollback-${id}`, "x");
            await tx.limits.hit(`${id}|rollback`, 60_000, 5, 1_000);
            expect(await tx.pools.get(id)).toBeDefined(); // visible inside
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await store.read.pools.get(id)).toBeUndefined();
        expect(await store.read.users.get(id, "quinn")).toBeUndefined();
        expect(await store.read.outbox.get(m.id)).toBeUndefined();
        expect(await store.read.meta.get(`rollback-${id}`)).toBeUndefined();
        expect(await store.read.limits.peek(`${id}|rollback`, 1_000)).toBeUndefined();
      });

      it("a failing transaction does not undo concurrent ones that succeed", async () => {
        const [a, b, c] = [uniquePoolId(), uniquePoolId(), uniquePoolId()];
        const results = await Promise.allSettled([
          store.transaction((tx) => tx.pools.create(poolRecord(a))),
          store.transaction(async (tx) => {
            await tx.pools.create(poolRecord(b));
            throw new Error("fails");
          }),
          store.transaction((tx) => tx.pools.create(poolRecord(c))),
        ]);
        expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
        expect(await store.read.pools.get(a)).toBeDefined();
        expect(await store.read.pools.get(b)).toBeUndefined();
        expect(await store.read.pools.get(c)).toBeDefined();
      });

      it("a statement that fails inside a transaction (duplicate key) rolls the whole of it back", async () => {
        const id = await newPool();
        const extra = uniquePoolId();
        await expect(
          store.transaction(async (tx) => {
            await tx.pools.create(poolRecord(extra));
            await tx.pools.create(poolRecord(id)); // primary key violation
          }),
        ).rejects.toThrow();
        expect(await store.read.pools.get(extra)).toBeUndefined();
        // The store is still usable afterwards.
        const after = await newPool();
        expect(await store.read.pools.get(after)).toBeDefined();
      });
    });

    describe("pool isolation", () => {
      it("nothing of pool A is visible or changeable through pool B's id", async () => {
        const a = await newPool();
        const b = await newPool();
        const ua = await newUser(a, "rita", { attributes: { email: "rita@example.com" } });
        const ub = await newUser(b, "rita", { attributes: { email: "rita@example.org" } });
        expect(ua.sub).not.toBe(ub.sub);
        await store.transaction(async (tx) => {
          expect(
            await tx.aliases.claim({
              poolId: a,
              kind: "email",
              valueKey: "rita@example.com",
              username: "rita",
            }),
          ).toBe(true);
          // The same alias value in another pool is another alias.
          expect(
            await tx.aliases.claim({
              poolId: b,
              kind: "email",
              valueKey: "rita@example.com",
              username: "rita",
            }),
          ).toBe(true);
          await tx.codes.put(codeRecord(a, "rita", { codeHmac: "hmac-a" }));
          await tx.codes.put(codeRecord(b, "rita", { codeHmac: "hmac-b" }));
          await tx.events.add(event(a, "rita", 1));
        });

        expect(await store.read.users.get(b, "rita")).toEqual(ub);
        expect(await store.read.users.getBySub(b, ua.sub)).toBeUndefined();
        expect(await store.read.users.getBySub(a, ub.sub)).toBeUndefined();
        expect(await store.transaction((tx) => tx.users.getForUpdate(b, "rita"))).toEqual(ub);
        expect((await store.read.users.list(b, 100, null)).map((u) => u.sub)).toEqual([ub.sub]);
        expect((await store.read.codes.get(b, "rita", "SIGNUP"))?.codeHmac).toBe("hmac-b");
        expect(await store.transaction((tx) => tx.codes.consume(b, "rita", "SIGNUP", "hmac-a", 11_000))).toBe(
          false,
        );
        expect(await store.read.events.listForUser(b, "rita", 10)).toEqual([]);

        // Updating B's user does not touch A's.
        await store.transaction((tx) => tx.users.update({ ...ub, status: "CONFIRMED", updatedAt: 5 }));
        expect(await store.read.users.get(a, "rita")).toEqual(ua);
        // Releasing B's alias leaves A's.
        await store.transaction((tx) => tx.aliases.release(b, "email", "rita@example.com", "rita"));
        expect((await store.read.aliases.find(a, "email", "rita@example.com"))?.poolId).toBe(a);
        // Deleting B's user leaves A's user, code and alias.
        expect(await store.transaction((tx) => tx.users.delete(b, "rita"))).toBe(true);
        expect(await store.read.users.get(a, "rita")).toEqual(ua);
        expect((await store.read.codes.get(a, "rita", "SIGNUP"))?.codeHmac).toBe("hmac-a");
        expect(await store.transaction((tx) => tx.codes.addFailedAttempt(b, "rita", "SIGNUP", 5))).toBeNull();
        expect((await store.read.codes.get(a, "rita", "SIGNUP"))?.failedAttempts).toBe(0);
        expect(await store.read.pools.countUsers(a)).toBe(1);
        expect(await store.read.pools.countUsers(b)).toBe(0);
      });
    });
  });
}
