// Queries built once, run many times.
//
// Building and compiling a Kysely query costs tens of microseconds — several times what
// SQLite takes to run it — and the request path runs a handful per request. A prepared query
// is written with the query builder as usual (so the SQL stays engine-neutral and typed), but
// built only once per engine: it is compiled with a unique marker in place of each argument,
// and later calls substitute the real values at the markers' positions. The engine driver
// then reuses its prepared statement for the identical SQL text.
//
// Only queries whose shape does not depend on the argument values can be prepared this way
// (no `if (x) q = q.where(…)`); the builder function must use every argument as a value.
import { type Compilable, CompiledQuery, type Kysely, type QueryResult, type Transaction } from "kysely";
import type { DB, Engine } from "./schema.js";

export type Exec = Kysely<DB> | Transaction<DB>;

/** Runs SQL text at once on the connection the caller holds (SQLite: synchronous). */
export type Direct = (sql: string, params: readonly unknown[]) => QueryResult<unknown>;

/**
 * Where a prepared query runs: a Kysely instance or transaction, and — for SQLite — a direct
 * path to its statement cache that skips Kysely's executor (the transaction's connection is
 * the single writer the caller already holds, or the reader).
 */
export interface Target {
  db: Exec;
  engine: Engine;
  direct: Direct | null;
}

interface Compiled {
  sql: string;
  /** For each bound parameter: the argument index it comes from, or -1 for a constant. */
  order: number[];
  constants: readonly unknown[];
}

const MARK = "\u0000cognate-arg-";

export class Prepared<A extends unknown[], R> {
  readonly #build: (db: Exec, engine: Engine, ...args: A) => Compilable<R>;
  readonly #arity: number;
  readonly #cache = new Map<Engine, Compiled>();

  constructor(arity: number, build: (db: Exec, engine: Engine, ...args: A) => Compilable<R>) {
    this.#arity = arity;
    this.#build = build;
  }

  #compiled(db: Exec, engine: Engine): Compiled {
    let c = this.#cache.get(engine);
    if (!c) {
      const markers = Array.from({ length: this.#arity }, (_, i) => `${MARK}${i}`);
      const q = this.#build(db, engine, ...(markers as unknown as A)).compile();
      const order = q.parameters.map((p) =>
        typeof p === "string" && p.startsWith(MARK) ? Number(p.slice(MARK.length)) : -1,
      );
      const used = new Set(order);
      for (let i = 0; i < this.#arity; i++) {
        if (!used.has(i)) throw new Error(`prepared query does not bind argument ${i}: ${q.sql}`);
      }
      c = { sql: q.sql, order, constants: q.parameters };
      this.#cache.set(engine, c);
    }
    return c;
  }

  run(t: Target, ...args: A): Promise<QueryResult<R>> {
    const c = this.#compiled(t.db, t.engine);
    const params = c.order.map((o, i) => (o >= 0 ? args[o] : c.constants[i]));
    if (t.direct) {
      try {
        return Promise.resolve(t.direct(c.sql, params) as QueryResult<R>);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return t.db.executeQuery(CompiledQuery.raw(c.sql, params) as CompiledQuery<R>);
  }

  async rows(t: Target, ...args: A): Promise<R[]> {
    return (await this.run(t, ...args)).rows;
  }

  async first(t: Target, ...args: A): Promise<R | undefined> {
    return (await this.run(t, ...args)).rows[0];
  }
}

/** A query built once per engine from the builder; see the module comment. */
export function prepared<A extends unknown[], R>(
  arity: number,
  build: (db: Exec, engine: Engine, ...args: A) => Compilable<R>,
): Prepared<A, R> {
  return new Prepared(arity, build);
}
