// The storage port: narrow, named after the domain, transactional. One file per aggregate
// (pools, clients, users with their aliases, groups, codes, limits, outbox, events, access keys,
// meta, signing keys, refresh tokens, sign-in failures, pending attribute changes, devices,
// password history); this one composes them.
//
// Contract (checked by test/contract/*.contract.ts against every backend):
// - `transaction(fn)` runs fn atomically: all of its writes commit together or not at all,
//   and its reads see a consistent state that concurrent transactions cannot change under it
//   for the rows it reads through the primitives below. Never await anything but the store
//   inside fn (no network, no password hashing): a transaction may hold the database. fn may
//   run a second time when its first run never reached COMMIT because the connection was lost
//   (PostgreSQL), so it must not act outside the store — work for afterwards goes to
//   `tx.afterCommit`.
// - `tx.afterCommit(fn)` runs fn once the transaction has committed durably (after the
//   fsync, for SQLite's group commit), in registration order; never when it rolled back. A
//   failing fn is logged and does not fail the transaction or the others. Enqueuing an
//   outbox message registers the store's outbox listeners this way.
// - Reads outside a transaction (`store.read`) see committed data only, and cannot write.
// - Every record is scoped by pool id: nothing of pool A is reachable through pool B.
// - Primitives documented "atomic" are safe under concurrent calls from several processes.
// - Times are epoch milliseconds.

import type { ClientReads, ClientRepo } from "./clients.js";
import type { CodeReads, CodeRepo } from "./codes.js";
import type { DeviceReads, DeviceRepo } from "./devices.js";
import type { AuthEventReads, AuthEventRepo } from "./events.js";
import type { GroupReads, GroupRepo } from "./groups.js";
import type { AccessKeyReads, AccessKeyRepo } from "./keys.js";
import type { LimitReads, LimitRepo } from "./limits.js";
import type { MetaReads, MetaRepo } from "./meta.js";
import type { OutboxListener, OutboxReads, OutboxRepo } from "./outbox.js";
import type { PasswordHistoryReads, PasswordHistoryRepo } from "./passwordHistory.js";
import type { PendingAttributeReads, PendingAttributeRepo } from "./pendingAttributes.js";
import type { PoolReads, PoolRepo } from "./pools.js";
import type { RefreshTokenReads, RefreshTokenRepo } from "./refreshTokens.js";
import type { SignInFailureReads, SignInFailureRepo } from "./signInFailures.js";
import type { SigningKeyReads, SigningKeyRepo } from "./signingKeys.js";
import type { AliasReads, AliasRepo, UserReads, UserRepo } from "./users.js";

export type * from "./clients.js";
export type * from "./codes.js";
export type * from "./devices.js";
export type * from "./events.js";
export type * from "./groups.js";
export type * from "./keys.js";
export type * from "./limits.js";
export type * from "./meta.js";
export type * from "./outbox.js";
export type * from "./passwordHistory.js";
export type * from "./pendingAttributes.js";
export type * from "./pools.js";
export type * from "./refreshTokens.js";
export type * from "./signInFailures.js";
export type * from "./signingKeys.js";
export type * from "./users.js";

/** What may be done outside a transaction: reads of committed data, nothing else. */
export interface StoreRead {
  readonly pools: PoolReads;
  readonly clients: ClientReads;
  readonly users: UserReads;
  readonly aliases: AliasReads;
  readonly groups: GroupReads;
  readonly codes: CodeReads;
  readonly limits: LimitReads;
  readonly outbox: OutboxReads;
  readonly events: AuthEventReads;
  readonly meta: MetaReads;
  readonly accessKeys: AccessKeyReads;
  readonly pendingAttributes: PendingAttributeReads;
  readonly signingKeys: SigningKeyReads;
  readonly refreshTokens: RefreshTokenReads;
  readonly signInFailures: SignInFailureReads;
  readonly devices: DeviceReads;
  readonly passwordHistory: PasswordHistoryReads;
}

/** Work for after the commit: its result is not awaited; a rejection is logged. */
export type AfterCommit = () => void | Promise<void>;

/** Inside a transaction: reads and writes. */
export interface StoreTx extends StoreRead {
  readonly pools: PoolRepo;
  readonly clients: ClientRepo;
  readonly users: UserRepo;
  readonly aliases: AliasRepo;
  readonly groups: GroupRepo;
  readonly codes: CodeRepo;
  readonly limits: LimitRepo;
  readonly outbox: OutboxRepo;
  readonly events: AuthEventRepo;
  readonly meta: MetaRepo;
  readonly accessKeys: AccessKeyRepo;
  readonly pendingAttributes: PendingAttributeRepo;
  readonly signingKeys: SigningKeyRepo;
  readonly refreshTokens: RefreshTokenRepo;
  readonly signInFailures: SignInFailureRepo;
  readonly devices: DeviceRepo;
  readonly passwordHistory: PasswordHistoryRepo;
  /** Runs fn once this transaction has committed (never if it rolls back). */
  afterCommit(fn: AfterCommit): void;
}

export interface Store {
  /** Runs fn in one transaction. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Reads of committed data, outside any transaction. Writes go through `transaction`. */
  readonly read: StoreRead;
  readonly dialect: "sqlite" | "postgres";
  /** After every commit that enqueued messages, `listener` is given them (in order). */
  onMessagesCommitted(listener: OutboxListener): void;
  close(): Promise<void>;
}
