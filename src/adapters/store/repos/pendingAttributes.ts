// SQL of the attribute changes waiting for verification.
import { asUsername, type Username } from "../../../domain/usernames.js";
import type {
  PendingAttributeRecord,
  PendingAttributeRepo,
  VerifiableAttribute,
} from "../../../ports/store/index.js";
import type { Target } from "../prepared.js";
import { num } from "./rows.js";

export class SqlPendingAttributes implements PendingAttributeRepo {
  readonly #t: Target;
  constructor(t: Target) {
    this.#t = t;
  }

  async listForUser(poolId: string, username: Username): Promise<PendingAttributeRecord[]> {
    const rows = await this.#t.db
      .selectFrom("pending_attributes")
      .selectAll()
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .orderBy("name")
      .execute();
    return rows.map((r) => ({
      poolId: r.pool_id,
      username: asUsername(r.username),
      name: r.name as VerifiableAttribute,
      value: r.value,
      createdAt: num(r.created_at),
    }));
  }

  async put(p: PendingAttributeRecord): Promise<void> {
    await this.#t.db
      .insertInto("pending_attributes")
      .values({
        pool_id: p.poolId,
        username: p.username,
        name: p.name,
        value: p.value,
        created_at: p.createdAt,
      })
      .onConflict((oc) =>
        oc.columns(["pool_id", "username", "name"]).doUpdateSet({ value: p.value, created_at: p.createdAt }),
      )
      .execute();
  }

  async delete(poolId: string, username: Username, name: VerifiableAttribute): Promise<void> {
    await this.#t.db
      .deleteFrom("pending_attributes")
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .where("name", "=", name)
      .execute();
  }
}
