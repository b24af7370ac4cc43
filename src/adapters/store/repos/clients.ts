// SQL of the app-clients aggregate. Client secrets are sealed here, on the way in and out.
import type { Selectable } from "kysely";
import type { ClientRecord, ClientRepo } from "../../../ports/store/index.js";
import { prepared, type Target } from "../prepared.js";
import type { ClientsTable } from "../schema.js";
import type { Sealer } from "../secretBox.js";
import { num } from "./rows.js";

const clientById = prepared(1, (db, _e, id: string) =>
  db.selectFrom("user_pool_clients").selectAll().where("client_id", "=", id),
);

export class SqlClients implements ClientRepo {
  readonly #t: Target;
  readonly #box: Sealer;
  constructor(t: Target, box: Sealer) {
    this.#t = t;
    this.#box = box;
  }

  #toClient(r: Selectable<ClientsTable>): ClientRecord {
    return {
      clientId: r.client_id,
      poolId: r.pool_id,
      clientName: r.client_name,
      secret: r.secret === null ? null : this.#box.open(r.secret),
      config: JSON.parse(r.config) as Record<string, unknown>,
      creationDate: num(r.creation_date),
      lastModifiedDate: num(r.last_modified_date),
    };
  }

  async create(c: ClientRecord): Promise<void> {
    await this.#insert(c).execute();
  }

  async createIfAbsent(c: ClientRecord): Promise<boolean> {
    const r = await this.#insert(c)
      .onConflict((oc) => oc.column("client_id").doNothing())
      .executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  #insert(c: ClientRecord) {
    return this.#t.db.insertInto("user_pool_clients").values({
      client_id: c.clientId,
      pool_id: c.poolId,
      client_name: c.clientName,
      secret: c.secret === null ? null : this.#box.seal(c.secret),
      config: JSON.stringify(c.config),
      creation_date: c.creationDate,
      last_modified_date: c.lastModifiedDate,
    });
  }

  async get(clientId: string): Promise<ClientRecord | undefined> {
    const r = await clientById.first(this.#t, clientId);
    return r && this.#toClient(r);
  }

  async update(c: ClientRecord): Promise<void> {
    await this.#t.db
      .updateTable("user_pool_clients")
      .set({
        client_name: c.clientName,
        secret: c.secret === null ? null : this.#box.seal(c.secret),
        config: JSON.stringify(c.config),
        last_modified_date: c.lastModifiedDate,
      })
      .where("client_id", "=", c.clientId)
      .where("pool_id", "=", c.poolId)
      .execute();
  }

  async delete(poolId: string, clientId: string): Promise<boolean> {
    const r = await this.#t.db
      .deleteFrom("user_pool_clients")
      .where("pool_id", "=", poolId)
      .where("client_id", "=", clientId)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  }

  async list(poolId: string, limit: number, after: string | null): Promise<ClientRecord[]> {
    let q = this.#t.db
      .selectFrom("user_pool_clients")
      .selectAll()
      .where("pool_id", "=", poolId)
      .orderBy("client_id")
      .limit(limit);
    if (after !== null) q = q.where("client_id", ">", after);
    return (await q.execute()).map((r) => this.#toClient(r));
  }
}
