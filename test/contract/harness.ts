// The store contract's harness: one suite per backend, made of one contract per aggregate
// (pools.contract.ts, users.contract.ts, …), as ory/kratos runs its persister tests against
// every database. The runners (sqlite.test.ts, postgres.test.ts) compose them.
//
// A suite may run against a database other suites share (PostgreSQL in CI): every test makes
// its own pool ids, usernames and limit keys, and never assumes it is alone in a table.
// Times are synthetic epoch milliseconds passed to the primitives, not the wall clock; outbox
// messages are due only far in the future (FUTURE), so a live server's outbox dispatcher on
// the same database never touches them. Pass `{ sharedDatabase: true }` when other tests use
// the database at the same time: the one global, destructive case (outbox.clear) is skipped.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect } from "vitest";
import { asUsername, type Username, type UsernameKey, usernameKey } from "../../src/domain/usernames.js";
import type {
  AuthEventRecord,
  ClientRecord,
  CodeRecord,
  OutboxMessage,
  PoolRecord,
  Store,
  UserRecord,
} from "../../src/ports/store/index.js";

export interface OpenedTestStore {
  store: Store;
  /** What the store reported of failing after-commit work (its `onAfterCommitError`). */
  afterCommitErrors: unknown[];
  close(): Promise<void>;
}

export interface ContractOptions {
  /** Other tests use the database concurrently: skip cases that touch every pool's rows. */
  sharedDatabase?: boolean;
}

/** What each aggregate's contract gets: the store under test and helpers over it. */
export interface ContractContext {
  /** The store under test (open once the suite has started). */
  readonly store: Store;
  readonly options: ContractOptions;
  /** What the store reported of failing after-commit work so far. */
  readonly afterCommitErrors: readonly unknown[];
  /** A new pool, committed. */
  newPool(id?: string): Promise<string>;
  /** A new user in `poolId`, committed, with the username as its lookup key. */
  newUser(poolId: string, username: string, over?: Partial<UserRecord>): Promise<UserRecord>;
}

export type Contract = (ctx: ContractContext) => void;

/** Runs every contract against the store `open` makes. */
export function storeContract(
  name: string,
  open: () => Promise<OpenedTestStore>,
  contracts: readonly Contract[],
  options: ContractOptions = {},
): void {
  describe(`store contract: ${name}`, () => {
    let opened: OpenedTestStore | undefined;
    beforeAll(async () => {
      opened = await open();
    });
    afterAll(async () => {
      await opened?.close();
    });
    const ctx: ContractContext = {
      get store() {
        if (!opened) throw new Error("the store is not open yet");
        return opened.store;
      },
      options,
      get afterCommitErrors() {
        return opened?.afterCommitErrors ?? [];
      },
      async newPool(id = uniquePoolId()) {
        await ctx.store.transaction((tx) => tx.pools.create(poolRecord(id)));
        return id;
      },
      async newUser(poolId, username, over = {}) {
        const u = userRecord(poolId, username, over);
        const created = await ctx.store.transaction((tx) => tx.users.createIfAbsent(u, key(username)));
        expect(created).toBe(true);
        return u;
      },
    };
    for (const contract of contracts) contract(ctx);
  });
}

/** 2200-01-01: outbox times in this suite sit after it, beyond any real dispatcher's "now". */
export const FUTURE = Date.UTC(2200, 0, 1);

/** A fresh, unique pool id shaped like Cognito's. */
export function uniquePoolId(): string {
  return `us-east-1_${randomBytes(8).toString("hex")}`;
}

/** A username as stored. */
export const name = (n: string): Username => asUsername(n);
/** A lookup key, as a case-sensitive pool makes it (the name unchanged). */
export const key = (n: string): UsernameKey => usernameKey(n, false);

export function poolRecord(id: string, now = 1_000): PoolRecord {
  return {
    id,
    name: `pool ${id}`,
    config: { AutoVerifiedAttributes: ["email"], MfaConfiguration: "OFF" },
    creationDate: now,
    lastModifiedDate: now,
  };
}

export function clientRecord(poolId: string, clientId: string, secret: string | null = null): ClientRecord {
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

export function userRecord(poolId: string, username: string, over: Partial<UserRecord> = {}): UserRecord {
  return {
    poolId,
    username: name(username),
    sub: randomUUID(),
    status: "UNCONFIRMED",
    enabled: true,
    attributes: { email: `${username}@example.com`, email_verified: "false" },
    passwordHash: "$scrypt$ln=10,r=8,p=1$c2FsdA$aGFzaA",
    srp: { salt: "5eed", verifier: "c0ffee" },
    passwordChangedAt: 3_000,
    createdAt: 3_000,
    updatedAt: 3_000,
    ...over,
  };
}

export function codeRecord(poolId: string, username: string, over: Partial<CodeRecord> = {}): CodeRecord {
  return {
    poolId,
    username: name(username),
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
export function message(poolId: string, over: Partial<OutboxMessage> = {}): OutboxMessage {
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

export function event(
  poolId: string,
  username: string,
  createdAt: number,
  eventType = "SignUp",
): AuthEventRecord {
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
