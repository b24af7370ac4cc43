// The storage port: narrow, named after the domain, transactional.
//
// Contract (checked by test/contract/store.contract.ts against every backend):
// - `transaction(fn)` runs fn atomically: all of its writes commit together or not at all,
//   and its reads see a consistent state that concurrent transactions cannot change under it
//   for the rows it reads through the primitives below. Never await anything but the store
//   inside fn (no network, no password hashing): a transaction may hold the database.
// - Reads outside a transaction (`store.read`) see committed data only.
// - Every record is scoped by pool id: nothing of pool A is reachable through pool B.
// - Primitives documented "atomic" are safe under concurrent calls from several processes.
// - Times are epoch milliseconds.
import type { PoolConfig } from "../domain/pool.js";

export interface PoolRecord {
  id: string;
  name: string;
  config: PoolConfig;
  creationDate: number;
  lastModifiedDate: number;
}

export interface ClientRecord {
  clientId: string;
  poolId: string;
  clientName: string;
  /** The app-client secret, or null. Encrypted at rest by the store adapter. */
  secret: string | null;
  /** Every UserPoolClientType setting except ids, name, secret and dates. */
  config: Record<string, unknown>;
  creationDate: number;
  lastModifiedDate: number;
}

export type UserStatus =
  | "UNCONFIRMED"
  | "CONFIRMED"
  | "ARCHIVED"
  | "COMPROMISED"
  | "UNKNOWN"
  | "RESET_REQUIRED"
  | "FORCE_CHANGE_PASSWORD"
  | "EXTERNAL_PROVIDER";

export interface UserRecord {
  poolId: string;
  /** The internal username (a UUID in UsernameAttributes pools). */
  username: string;
  sub: string;
  status: UserStatus;
  enabled: boolean;
  /** Attribute name → value, excluding `sub` (kept in its own column). */
  attributes: Record<string, string>;
  /** PHC-style password hash, or null (no password). */
  passwordHash: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A sign-in name other than the username: an alias or a username attribute. */
export type AliasKind = "email" | "phone_number" | "preferred_username";

export interface AliasRecord {
  poolId: string;
  kind: AliasKind;
  /** The value, case-folded when the pool is case-insensitive. */
  valueKey: string;
  username: string;
}

export type CodePurpose = "SIGNUP";

export interface CodeRecord {
  poolId: string;
  username: string;
  purpose: CodePurpose;
  /** HMAC of the code under the server secret; the code itself is never stored. */
  codeHmac: string;
  /** HMACs of codes this one superseded (newest first), so they report "expired". */
  previous: string[];
  attributeName: string;
  issuedAt: number;
  expiresAt: number;
  failedAttempts: number;
  consumedAt: number | null;
}

export type MessageStatus = "queued" | "sent" | "failed";

export interface OutboxMessage {
  id: string;
  poolId: string;
  clientId: string | null;
  username: string;
  medium: "EMAIL" | "SMS";
  attributeName: string;
  destination: string;
  subject: string | null;
  body: string;
  /** The plain code, kept only when the dev inbox is on (dev mode); else null. */
  code: string | null;
  triggerSource: string;
  createdAt: number;
  status: MessageStatus;
  transport: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: number;
  sentAt: number | null;
}

export interface MessageFilter {
  userPoolId?: string;
  username?: string;
  destination?: string;
  clientId?: string;
  since?: number;
  status?: MessageStatus;
  limit?: number;
  /** Oldest first unless "desc". */
  order?: "asc" | "desc";
}

export interface AuthEventRecord {
  id: string;
  poolId: string;
  username: string;
  clientId: string | null;
  eventType: string;
  createdAt: number;
  ipAddress: string | null;
  encodedData: string | null;
  analyticsEndpointId: string | null;
  userAgent: string | null;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface LimitResult {
  allowed: boolean;
  count: number;
  /** When the current window ends. */
  resetAt: number;
}

export interface PoolRepo {
  create(pool: PoolRecord): Promise<void>;
  get(id: string): Promise<PoolRecord | undefined>;
  update(pool: PoolRecord): Promise<void>;
  /** Deletes the pool and everything in it. */
  delete(id: string): Promise<boolean>;
  /** Pools ordered by id; `after` is an exclusive lower bound on the id. */
  list(limit: number, after: string | null): Promise<PoolRecord[]>;
  countUsers(id: string): Promise<number>;
}

export interface ClientRepo {
  create(client: ClientRecord): Promise<void>;
  get(clientId: string): Promise<ClientRecord | undefined>;
  update(client: ClientRecord): Promise<void>;
  delete(poolId: string, clientId: string): Promise<boolean>;
  list(poolId: string, limit: number, after: string | null): Promise<ClientRecord[]>;
}

export interface UserRepo {
  /** Atomic: inserts unless the (case-folded) username exists; false when it does. */
  createIfAbsent(user: UserRecord, usernameKey: string): Promise<boolean>;
  /**
   * Bulk import (benchmarks, imports): inserts many new users in few statements. Fails the
   * transaction if any username or sub exists.
   */
  insertMany(users: readonly { user: UserRecord; usernameKey: string }[]): Promise<void>;
  get(poolId: string, usernameKey: string): Promise<UserRecord | undefined>;
  getBySub(poolId: string, sub: string): Promise<UserRecord | undefined>;
  /**
   * Reads the user and locks it for the rest of the transaction (`FOR UPDATE` where the
   * engine has row locks; SQLite transactions are already serialised).
   */
  getForUpdate(poolId: string, username: string): Promise<UserRecord | undefined>;
  update(user: UserRecord): Promise<void>;
  delete(poolId: string, username: string): Promise<boolean>;
  /** Users ordered by username; `after` is an exclusive lower bound on the username. */
  list(poolId: string, limit: number, after: string | null): Promise<UserRecord[]>;
}

export interface AliasRepo {
  find(poolId: string, kind: AliasKind, valueKey: string): Promise<AliasRecord | undefined>;
  /** Atomic: claims the alias for a user unless another user holds it; false when taken. */
  claim(alias: AliasRecord): Promise<boolean>;
  /** Moves the alias to `alias.username` whoever holds it; returns the previous holder. */
  transfer(alias: AliasRecord): Promise<string | null>;
  release(poolId: string, kind: AliasKind, valueKey: string, username: string): Promise<void>;
  listForUser(poolId: string, username: string): Promise<AliasRecord[]>;
}

export interface CodeRepo {
  get(poolId: string, username: string, purpose: CodePurpose): Promise<CodeRecord | undefined>;
  /** Writes the code record as given (its `previous` included), replacing any current one. */
  put(code: CodeRecord): Promise<void>;
  /**
   * Atomic: makes `code` the current code; the code it replaces (if any) is prepended to
   * `previous`, which keeps at least the last 20 superseded HMACs. `code.previous` is ignored.
   * Of concurrent callers, each supersedes the one committed before it: never two current codes.
   */
  supersede(code: CodeRecord): Promise<void>;
  /** Bulk form of `put` for new codes (no existing row for the user and purpose). */
  putMany(codes: readonly CodeRecord[]): Promise<void>;
  /**
   * Atomic: counts one failed attempt, unless `maxFailed` is already reached. Returns the
   * count after the call, or null when the guard refused (the code is locked).
   */
  addFailedAttempt(
    poolId: string,
    username: string,
    purpose: CodePurpose,
    maxFailed: number,
  ): Promise<number | null>;
  /**
   * Atomic: marks the code used if it is still the current, unused one with this HMAC.
   * Exactly one of several concurrent callers gets true.
   */
  consume(
    poolId: string,
    username: string,
    purpose: CodePurpose,
    codeHmac: string,
    now: number,
  ): Promise<boolean>;
  delete(poolId: string, username: string, purpose: CodePurpose): Promise<void>;
}

export interface LimitRepo {
  /**
   * Atomic fixed-window counter. Counts one hit unless the window already holds `max`;
   * a refused hit is not counted and does not extend the window.
   */
  hit(key: string, windowMs: number, max: number, now: number): Promise<LimitResult>;
  /** Reads a counter without counting. */
  peek(key: string, now: number): Promise<LimitResult | undefined>;
  /** Deletes counters whose window ended before `before`; returns how many. */
  prune(before: number): Promise<number>;
}

export interface OutboxRepo {
  enqueue(message: OutboxMessage): Promise<void>;
  list(filter: MessageFilter): Promise<OutboxMessage[]>;
  get(id: string): Promise<OutboxMessage | undefined>;
  clear(): Promise<number>;
  /** Deletes sent messages sent before `before` (failed and queued ones stay); returns how many. */
  prune(before: number): Promise<number>;
  /**
   * Atomic: claims up to `limit` queued messages due at `now` for `owner` until `leaseUntil`
   * (a message whose lease lapsed can be claimed again).
   */
  claimDue(owner: string, now: number, leaseUntil: number, limit: number): Promise<OutboxMessage[]>;
  /** Records a delivery attempt's outcome and releases the claim. */
  settle(
    id: string,
    outcome: {
      status: MessageStatus;
      attempts: number;
      lastError: string | null;
      nextAttemptAt: number;
      sentAt: number | null;
      transport: string;
      scrubBody: boolean;
    },
  ): Promise<void>;
}

export interface AuthEventRepo {
  add(event: AuthEventRecord): Promise<void>;
  listForUser(poolId: string, username: string, limit: number): Promise<AuthEventRecord[]>;
}

export interface MetaRepo {
  get(key: string): Promise<string | undefined>;
  /** Atomic: sets the value unless the key exists; returns the value now stored. */
  setIfAbsent(key: string, value: string): Promise<string>;
}

/** A SigV4 access key that may call the admin operations in production mode. */
export interface AccessKeyRecord {
  accessKeyId: string;
  /** The secret access key in plain: sealed at rest by the store adapter. */
  secretAccessKey: string;
  description: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface AccessKeyRepo {
  create(key: AccessKeyRecord): Promise<void>;
  /** The key whatever its state (revoked keys included); callers check `revokedAt`. */
  get(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
  /** Every key, oldest first. */
  list(): Promise<AccessKeyRecord[]>;
  /** Marks the key revoked; false when there is no such key or it is revoked already. */
  revoke(accessKeyId: string, now: number): Promise<boolean>;
}

export interface StoreTx {
  readonly pools: PoolRepo;
  readonly clients: ClientRepo;
  readonly users: UserRepo;
  readonly aliases: AliasRepo;
  readonly codes: CodeRepo;
  readonly limits: LimitRepo;
  readonly outbox: OutboxRepo;
  readonly events: AuthEventRepo;
  readonly meta: MetaRepo;
  readonly accessKeys: AccessKeyRepo;
}

export interface Store {
  /** Runs fn in one transaction. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Reads of committed data, outside any transaction. Writes go through `transaction`. */
  readonly read: StoreTx;
  readonly dialect: "sqlite" | "postgres";
  close(): Promise<void>;
}
