// The one SQL implementation of the store port, for every engine Kysely speaks to us in
// (SQLite and PostgreSQL). Each aggregate's SQL lives in repos/; this file composes them
// into the read handle and into transactions, and runs what a transaction leaves for after
// its commit. Engine differences are confined to row locks and outbox claims (repos/) and to
// which errors mean a lost connection (postgres.ts).
import type { Kysely, Transaction } from "kysely";
import type {
  AfterCommit,
  OutboxListener,
  OutboxMessage,
  Store,
  StoreRead,
  StoreTx,
} from "../../ports/store/index.js";
import type { Direct, Target } from "./prepared.js";
import { SqlAliases } from "./repos/aliases.js";
import { SqlClients } from "./repos/clients.js";
import { SqlCodes } from "./repos/codes.js";
import { SqlDevices } from "./repos/devices.js";
import { SqlEvents } from "./repos/events.js";
import { SqlGroups } from "./repos/groups.js";
import { SqlAccessKeys } from "./repos/keys.js";
import { SqlLimits } from "./repos/limits.js";
import { SqlMeta } from "./repos/meta.js";
import { SqlOutbox } from "./repos/outbox.js";
import { SqlPasswordHistory } from "./repos/passwordHistory.js";
import { SqlPendingAttributes } from "./repos/pendingAttributes.js";
import { SqlPools } from "./repos/pools.js";
import { SqlRefreshTokens } from "./repos/refreshTokens.js";
import { SqlSignInFailures } from "./repos/signInFailures.js";
import { SqlSigningKeys } from "./repos/signingKeys.js";
import { SqlUsers } from "./repos/users.js";
import type { DB, Engine } from "./schema.js";
import type { Sealer } from "./secretBox.js";

/** Every aggregate over one target (a transaction, or the reader). */
class Repos {
  readonly pools: SqlPools;
  readonly clients: SqlClients;
  readonly users: SqlUsers;
  readonly aliases: SqlAliases;
  readonly groups: SqlGroups;
  readonly codes: SqlCodes;
  readonly limits: SqlLimits;
  readonly outbox: SqlOutbox;
  readonly events: SqlEvents;
  readonly meta: SqlMeta;
  readonly accessKeys: SqlAccessKeys;
  readonly pendingAttributes: SqlPendingAttributes;
  readonly signingKeys: SqlSigningKeys;
  readonly refreshTokens: SqlRefreshTokens;
  readonly signInFailures: SqlSignInFailures;
  readonly devices: SqlDevices;
  readonly passwordHistory: SqlPasswordHistory;

  constructor(t: Target, box: Sealer, enqueued: (m: OutboxMessage) => void) {
    this.pools = new SqlPools(t);
    this.clients = new SqlClients(t, box);
    this.users = new SqlUsers(t);
    this.aliases = new SqlAliases(t);
    this.groups = new SqlGroups(t);
    this.codes = new SqlCodes(t);
    this.limits = new SqlLimits(t);
    this.outbox = new SqlOutbox(t, enqueued);
    this.events = new SqlEvents(t);
    this.meta = new SqlMeta(t);
    this.accessKeys = new SqlAccessKeys(t, box);
    this.pendingAttributes = new SqlPendingAttributes(t);
    this.signingKeys = new SqlSigningKeys(t, box);
    this.refreshTokens = new SqlRefreshTokens(t);
    this.signInFailures = new SqlSignInFailures(t);
    this.devices = new SqlDevices(t);
    this.passwordHistory = new SqlPasswordHistory(t);
  }
}

/** What one run of a transaction's body leaves for after its commit. */
class AfterCommitQueue {
  readonly hooks: AfterCommit[] = [];
  readonly #listeners: readonly OutboxListener[];
  #messages: OutboxMessage[] | null = null;
  constructor(listeners: readonly OutboxListener[]) {
    this.#listeners = listeners;
  }

  /** A message was enqueued: the outbox listeners hear of it (once per transaction, in order). */
  enqueued(m: OutboxMessage): void {
    if (this.#listeners.length === 0) return;
    if (this.#messages === null) {
      const messages: OutboxMessage[] = [];
      const listeners = this.#listeners;
      this.#messages = messages;
      this.hooks.push(() => {
        for (const l of listeners) l(messages);
      });
    }
    this.#messages.push(m);
  }
}

/**
 * A transaction's view of every aggregate. A request touches three or four of the thirteen, so
 * each is made when first used.
 */
class SqlTx implements StoreTx {
  readonly #t: Target;
  readonly #box: Sealer;
  readonly #queue: AfterCommitQueue;
  #pools?: SqlPools;
  #clients?: SqlClients;
  #users?: SqlUsers;
  #aliases?: SqlAliases;
  #groups?: SqlGroups;
  #codes?: SqlCodes;
  #limits?: SqlLimits;
  #outbox?: SqlOutbox;
  #events?: SqlEvents;
  #meta?: SqlMeta;
  #accessKeys?: SqlAccessKeys;
  #pendingAttributes?: SqlPendingAttributes;
  #signingKeys?: SqlSigningKeys;
  #refreshTokens?: SqlRefreshTokens;
  #signInFailures?: SqlSignInFailures;
  #devices?: SqlDevices;
  #passwordHistory?: SqlPasswordHistory;
  constructor(t: Target, box: Sealer, queue: AfterCommitQueue) {
    this.#t = t;
    this.#box = box;
    this.#queue = queue;
  }
  get pools(): SqlPools {
    this.#pools ??= new SqlPools(this.#t);
    return this.#pools;
  }
  get clients(): SqlClients {
    this.#clients ??= new SqlClients(this.#t, this.#box);
    return this.#clients;
  }
  get users(): SqlUsers {
    this.#users ??= new SqlUsers(this.#t);
    return this.#users;
  }
  get aliases(): SqlAliases {
    this.#aliases ??= new SqlAliases(this.#t);
    return this.#aliases;
  }
  get groups(): SqlGroups {
    this.#groups ??= new SqlGroups(this.#t);
    return this.#groups;
  }
  get codes(): SqlCodes {
    this.#codes ??= new SqlCodes(this.#t);
    return this.#codes;
  }
  get limits(): SqlLimits {
    this.#limits ??= new SqlLimits(this.#t);
    return this.#limits;
  }
  get outbox(): SqlOutbox {
    const queue = this.#queue;
    this.#outbox ??= new SqlOutbox(this.#t, (m) => queue.enqueued(m));
    return this.#outbox;
  }
  get events(): SqlEvents {
    this.#events ??= new SqlEvents(this.#t);
    return this.#events;
  }
  get meta(): SqlMeta {
    this.#meta ??= new SqlMeta(this.#t);
    return this.#meta;
  }
  get accessKeys(): SqlAccessKeys {
    this.#accessKeys ??= new SqlAccessKeys(this.#t, this.#box);
    return this.#accessKeys;
  }
  get pendingAttributes(): SqlPendingAttributes {
    this.#pendingAttributes ??= new SqlPendingAttributes(this.#t);
    return this.#pendingAttributes;
  }
  get signingKeys(): SqlSigningKeys {
    this.#signingKeys ??= new SqlSigningKeys(this.#t, this.#box);
    return this.#signingKeys;
  }
  get refreshTokens(): SqlRefreshTokens {
    this.#refreshTokens ??= new SqlRefreshTokens(this.#t);
    return this.#refreshTokens;
  }
  get signInFailures(): SqlSignInFailures {
    this.#signInFailures ??= new SqlSignInFailures(this.#t);
    return this.#signInFailures;
  }
  get devices(): SqlDevices {
    this.#devices ??= new SqlDevices(this.#t);
    return this.#devices;
  }
  get passwordHistory(): SqlPasswordHistory {
    this.#passwordHistory ??= new SqlPasswordHistory(this.#t);
    return this.#passwordHistory;
  }
  afterCommit(fn: AfterCommit): void {
    this.#queue.hooks.push(fn);
  }
}

export interface SqlStoreOptions {
  engine: Engine;
  writer: Kysely<DB>;
  reader: Kysely<DB>;
  /** SQLite: run prepared SQL on the writer connection a transaction holds, or the reader. */
  writerDirect?: Direct | null;
  readerDirect?: Direct | null;
  /**
   * SQLite: runs a logical transaction straight on the group-commit driver (sqliteDriver.ts);
   * without it, Kysely's transaction() on the writer.
   */
  transact?: <T>(body: (db: Kysely<DB>) => Promise<T>) => Promise<T>;
  box: Sealer;
  onClose: () => Promise<void>;
  /** Whether an error means the connection was lost (so a transaction may run again). */
  retryable?: (e: unknown) => boolean;
  /** Where a failing after-commit function is reported. */
  onAfterCommitError?: (e: unknown) => void;
}

export class SqlStore implements Store {
  readonly read: StoreRead;
  readonly dialect: Engine;
  readonly #transact: <T>(body: (db: Kysely<DB> | Transaction<DB>) => Promise<T>) => Promise<T>;
  readonly #writerDirect: Direct | null;
  readonly #box: Sealer;
  readonly #onClose: () => Promise<void>;
  readonly #retryable: (e: unknown) => boolean;
  readonly #onHookError: (e: unknown) => void;
  readonly #listeners: OutboxListener[] = [];

  constructor(opts: SqlStoreOptions) {
    this.dialect = opts.engine;
    const writer = opts.writer;
    this.#transact = opts.transact ?? ((body) => writer.transaction().execute(body));
    this.#writerDirect = opts.writerDirect ?? null;
    this.#box = opts.box;
    this.#onClose = opts.onClose;
    this.#retryable = opts.retryable ?? (() => false);
    this.#onHookError =
      opts.onAfterCommitError ??
      ((e) => process.stderr.write(`cognate: after-commit work failed: ${String(e)}\n`));
    // The read handle's type has no writes; the reader connection (SQLite) refuses them too.
    this.read = new Repos(
      { db: opts.reader, engine: opts.engine, direct: opts.readerDirect ?? null },
      opts.box,
      () => {},
    );
  }

  onMessagesCommitted(listener: OutboxListener): void {
    this.#listeners.push(listener);
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const queue = new AfterCommitQueue(this.#listeners);
      // Set once fn is done, i.e. just before COMMIT is sent: from then on a lost connection
      // leaves the outcome unknown, and the transaction must not run again.
      let bodyDone = false;
      try {
        const result = await this.#transact(async (trx) => {
          const target = { db: trx, engine: this.dialect, direct: this.#writerDirect };
          const r = await fn(new SqlTx(target, this.#box, queue));
          bodyDone = true;
          return r;
        });
        // Committed, and durable: SQLite's group commit resolves a transaction only after
        // its batch's COMMIT (and fsync) returned.
        this.#runAfterCommit(queue.hooks);
        return result;
      } catch (e) {
        // Never committed (the connection failed before or during the body): once more, on a
        // fresh connection. What the first run registered for after its commit is dropped.
        if (attempt === 1 && !bodyDone && this.#retryable(e)) continue;
        throw e;
      }
    }
  }

  /** In order; a failure is reported and does not stop the others. */
  #runAfterCommit(hooks: readonly AfterCommit[]): void {
    for (const hook of hooks) {
      try {
        const r = hook();
        if (r instanceof Promise) r.catch(this.#onHookError);
      } catch (e) {
        this.#onHookError(e);
      }
    }
  }

  close(): Promise<void> {
    return this.#onClose();
  }
}
