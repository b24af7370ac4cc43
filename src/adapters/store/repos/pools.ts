// SQL of the pools aggregate.
import { type Selectable, sql } from "kysely";
import type { PoolConfig } from "../../../domain/pool.js";
import type { PoolRecord, PoolRepo } from "../../../ports/store/index.js";
import { prepared, type Target } from "../prepared.js";
import type { UserPoolsTable } from "../schema.js";
import { num } from "./rows.js";

const poolById = prepared(1, (db, _e, id: string) =>
  db.selectFrom("user_pools").selectAll().where("id", "=", id),
);
// Row lock where the engine has them; SQLite's writers are serialised already.
const poolForUpdate = prepared(1, (db, engine, id: string) => {
  const q = db.selectFrom("user_pools").selectAll().where("id", "=", id);
  return engine === "postgres" ? q.forUpdate() : q;
});

function toPool(r: Selectable<UserPoolsTable>): PoolRecord {
  return {
    id: r.id,
    name: r.name,
    config: JSON.parse(r.config) as PoolConfig,
    creationDate: num(r.creation_date),
    lastModifiedDate: num(r.last_modified_date),
  };
}

export class SqlPools implements PoolRepo {
  readonly #t: Target;
  constructor(t: Target) {
    this.#t = t;
  }

  async create(p: PoolRecord): Promise<void> {
    await this.#insert(p).execute();
  }

  async createIfAbsent(p: PoolRecord): Promise<boolean> {
    const r = await this.#insert(p)
      .onConflict((oc) => oc.column("id").doNothing())
      .executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  #insert(p: PoolRecord) {
    return this.#t.db.insertInto("user_pools").values({
      id: p.id,
      name: p.name,
      config: JSON.stringify(p.config),
      creation_date: p.creationDate,
      last_modified_date: p.lastModifiedDate,
    });
  }

  async get(id: string): Promise<PoolRecord | undefined> {
    const r = await poolById.first(this.#t, id);
    return r && toPool(r);
  }

  async getForUpdate(id: string): Promise<PoolRecord | undefined> {
    const r = await poolForUpdate.first(this.#t, id);
    return r && toPool(r);
  }

  async update(p: PoolRecord): Promise<void> {
    await this.#t.db
      .updateTable("user_pools")
      .set({ name: p.name, config: JSON.stringify(p.config), last_modified_date: p.lastModifiedDate })
      .where("id", "=", p.id)
      .execute();
  }

  async delete(id: string): Promise<boolean> {
    const db = this.#t.db;
    // Rows without a foreign key to the pool go explicitly; the rest cascade.
    await db.deleteFrom("auth_events").where("pool_id", "=", id).execute();
    // Limit keys start with "<pool id>|". Not LIKE: `_` (in every pool id) is a LIKE
    // wildcard and SQLite's LIKE ignores case, so another pool's counters could match.
    const prefix = `${id}|`;
    await db
      .deleteFrom("limits")
      .where(sql<boolean>`substr(key, 1, ${[...prefix].length}) = ${prefix}`)
      .execute();
    const r = await db.deleteFrom("user_pools").where("id", "=", id).executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  async list(limit: number, after: string | null): Promise<PoolRecord[]> {
    let q = this.#t.db.selectFrom("user_pools").selectAll().orderBy("id").limit(limit);
    if (after !== null) q = q.where("id", ">", after);
    return (await q.execute()).map(toPool);
  }

  async countUsers(id: string): Promise<number> {
    const r = await this.#t.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("pool_id", "=", id)
      .executeTakeFirst();
    return num(r?.n ?? 0);
  }
}
