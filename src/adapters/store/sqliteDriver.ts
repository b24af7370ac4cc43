// A Kysely driver for better-sqlite3 with group commit and a prepared-statement cache.
//
// SQLite makes a commit durable with an fsync (synchronous=FULL). Paying one fsync per
// request caps a server at the disk's fsync rate, so transactions are grouped: the first
// transaction of a batch opens a real transaction (BEGIN IMMEDIATE); each logical
// transaction runs inside it as a savepoint; when no transaction is waiting, the batch
// commits once and every logical transaction in it resolves. A logical commit therefore
// resolves only after its data is durable, and a failed logical transaction rolls back to
// its savepoint without touching the others.
//
// Logical transactions are serialised (one at a time on the single writer connection), so
// they must not await anything but the database: the store port's contract says so.
import type Database from "better-sqlite3";
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  Kysely,
  type QueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from "kysely";
import type { DB } from "./schema.js";

type Statement = Database.Statement<unknown[], unknown>;

/** Prepares each distinct SQL text once. */
class StatementCache {
  readonly #db: Database.Database;
  readonly #cache = new Map<string, Statement>();
  constructor(db: Database.Database) {
    this.#db = db;
  }
  get(sql: string): Statement {
    let stmt = this.#cache.get(sql);
    if (!stmt) {
      stmt = this.#db.prepare(sql);
      if (this.#cache.size > 2000) this.#cache.clear();
      this.#cache.set(sql, stmt);
    }
    return stmt;
  }
}

function run(
  cache: StatementCache,
  q: { sql: string; parameters: readonly unknown[] },
): QueryResult<unknown> {
  const stmt = cache.get(q.sql);
  const params = q.parameters as unknown[];
  if (stmt.reader) return { rows: stmt.all(...params) as unknown[] };
  const { changes, lastInsertRowid } = stmt.run(...params);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}

class Connection implements DatabaseConnection {
  /** Set once this logical transaction has handed the writer to the next one. */
  released = false;
  inTransaction = false;
  constructor(readonly cache: StatementCache) {}
  executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return Promise.resolve(run(this.cache, q) as QueryResult<R>);
    } catch (e) {
      return Promise.reject(e);
    }
  }
  // biome-ignore lint/correctness/useYield: streaming is not used by the store.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error("streaming is not supported");
  }
}

interface Batch {
  size: number;
  openedAt: number;
  done: Promise<void>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface GroupCommitOptions {
  /** Commit a batch once it holds this many logical transactions. */
  maxBatch: number;
  /** ...or once it has been open this long (ms). */
  maxDelayMs: number;
}

export class GroupCommitDriver implements Driver {
  readonly #db: Database.Database;
  readonly #cache: StatementCache;
  readonly #opts: GroupCommitOptions;
  #locked = false;
  readonly #waiters: (() => void)[] = [];
  #batch: Batch | null = null;
  #flushScheduled = false;

  constructor(db: Database.Database, opts: GroupCommitOptions) {
    this.#db = db;
    this.#cache = new StatementCache(db);
    this.#opts = opts;
  }

  /** The writer's statements, for code that holds the writer (inside a transaction). */
  get statements(): StatementCache {
    return this.#cache;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#locked) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.#locked = true;
    return new Connection(this.#cache);
  }

  #unlock(): void {
    const next = this.#waiters.shift();
    if (next) {
      // Hand the writer over directly: #locked stays true.
      next();
      return;
    }
    this.#locked = false;
    this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (!this.#batch || this.#flushScheduled) return;
    this.#flushScheduled = true;
    // setImmediate lets requests already read from sockets join the batch first.
    setImmediate(() => {
      this.#flushScheduled = false;
      if (!this.#locked) this.#flush();
    });
  }

  #flush(): void {
    const batch = this.#batch;
    if (!batch) return;
    this.#batch = null;
    try {
      this.#cache.get("COMMIT").run();
      batch.resolve();
    } catch (e) {
      try {
        if (this.#db.inTransaction) this.#cache.get("ROLLBACK").run();
      } catch {
        // The rollback failing leaves nothing more to undo.
      }
      batch.reject(e);
    }
  }

  /**
   * Runs `body` as one logical transaction on the writer: what Kysely's transaction() does
   * with this driver, without building a Kysely transaction object for every request.
   */
  async transact<T>(body: () => Promise<T>): Promise<T> {
    const conn = (await this.acquireConnection()) as Connection;
    try {
      this.#begin(conn);
      let result: T;
      try {
        result = await body();
      } catch (e) {
        this.#rollback(conn);
        throw e;
      }
      await this.#commit(conn);
      return result;
    } finally {
      this.#release(conn);
    }
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    this.#begin(connection as Connection);
  }

  #begin(conn: Connection): void {
    if (!this.#batch) {
      this.#cache.get("BEGIN IMMEDIATE").run();
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // A batch's failure is delivered to each of its transactions; never unhandled.
      done.catch(() => {});
      this.#batch = { size: 0, openedAt: Date.now(), done, resolve, reject };
    }
    this.#batch.size++;
    this.#cache.get("SAVEPOINT tx").run();
    conn.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.#commit(connection as Connection);
  }

  /** Releases the savepoint and hands the writer on; resolves once the batch is durable. */
  #commit(conn: Connection): Promise<void> {
    const batch = this.#batch;
    if (!batch) throw new Error("commit outside a transaction");
    this.#cache.get("RELEASE tx").run();
    conn.inTransaction = false;
    conn.released = true;
    const full = batch.size >= this.#opts.maxBatch || Date.now() - batch.openedAt >= this.#opts.maxDelayMs;
    if (full) {
      // Commit now, before anyone else joins.
      this.#flush();
      this.#unlock();
    } else {
      this.#unlock();
    }
    return batch.done;
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    this.#rollback(connection as Connection);
  }

  #rollback(conn: Connection): void {
    if (!conn.inTransaction) return; // the batch commit itself failed: nothing left to undo
    this.#cache.get("ROLLBACK TO tx").run();
    this.#cache.get("RELEASE tx").run();
    conn.inTransaction = false;
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    this.#release(connection as Connection);
  }

  #release(conn: Connection): void {
    if (conn.released) return;
    conn.released = true;
    this.#unlock();
  }

  async destroy(): Promise<void> {
    this.#flush();
    this.#db.close();
  }
}

/** Read-only connection: statements run at once, on the reader's own snapshot. */
class ReaderDriver implements Driver {
  readonly #db: Database.Database;
  readonly #conn: Connection;
  constructor(db: Database.Database) {
    this.#db = db;
    this.#conn = new Connection(new StatementCache(db));
  }

  get statements(): StatementCache {
    return this.#conn.cache;
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#conn;
  }
  async beginTransaction(): Promise<void> {
    throw new Error("the reader connection does not run transactions");
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    this.#db.close();
  }
}

function dialect(driver: Driver): Dialect {
  return {
    createDriver: () => driver,
    createQueryCompiler: (): QueryCompiler => new SqliteQueryCompiler(),
    createAdapter: (): DialectAdapter => new SqliteAdapter(),
    createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector => new SqliteIntrospector(db),
  };
}

/** Runs SQL text at once on a connection's statement cache (the caller holds the connection). */
export type DirectRun = (sql: string, parameters: readonly unknown[]) => QueryResult<unknown>;

function direct(cache: StatementCache): DirectRun {
  return (sql, parameters) => run(cache, { sql, parameters });
}

/**
 * The writer's connection for code that already holds the writer, i.e. runs inside a logical
 * transaction: queries go straight to it, with no lock to take and no transaction to open.
 */
class HeldWriterDriver implements Driver {
  readonly #conn: Connection;
  constructor(cache: StatementCache) {
    this.#conn = new Connection(cache);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#conn;
  }
  async beginTransaction(): Promise<void> {
    throw new Error("already inside a transaction");
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** Runs a logical transaction; `body` gets the query builder of the writer it holds. */
export type Transact = <T>(body: (db: Kysely<DB>) => Promise<T>) => Promise<T>;

export function writerDialect(
  db: Database.Database,
  opts: GroupCommitOptions,
): { dialect: Dialect; direct: DirectRun; transact: Transact } {
  const driver = new GroupCommitDriver(db, opts);
  const held = new Kysely<DB>({ dialect: dialect(new HeldWriterDriver(driver.statements)) });
  return {
    dialect: dialect(driver),
    direct: direct(driver.statements),
    transact: (body) => driver.transact(() => body(held)),
  };
}

export function readerDialect(db: Database.Database): { dialect: Dialect; direct: DirectRun } {
  const driver = new ReaderDriver(db);
  return { dialect: dialect(driver), direct: direct(driver.statements) };
}
