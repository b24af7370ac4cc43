// SQL of the aliases that users hold (part of the users aggregate).
import type { Selectable } from "kysely";
import { asUsername, type Username } from "../../../domain/usernames.js";
import type { AliasKind, AliasRecord, AliasRepo } from "../../../ports/store/index.js";
import { prepared, type Target } from "../prepared.js";
import type { AliasesTable } from "../schema.js";
import { changed } from "./rows.js";

const aliasFind = prepared(3, (db, _e, poolId: string, kind: string, valueKey: string) =>
  db
    .selectFrom("aliases")
    .selectAll()
    .where("pool_id", "=", poolId)
    .where("kind", "=", kind)
    .where("value_key", "=", valueKey),
);
const aliasClaim = prepared(4, (db, _e, pool_id: string, kind: string, value_key: string, username: string) =>
  db
    .insertInto("aliases")
    .values({ pool_id, kind, value_key, username })
    .onConflict((oc) => oc.doNothing()),
);

function toAlias(r: Selectable<AliasesTable>): AliasRecord {
  return {
    poolId: r.pool_id,
    kind: r.kind as AliasKind,
    valueKey: r.value_key,
    username: asUsername(r.username),
  };
}

export class SqlAliases implements AliasRepo {
  readonly #t: Target;
  constructor(t: Target) {
    this.#t = t;
  }

  async find(poolId: string, kind: AliasKind, valueKey: string): Promise<AliasRecord | undefined> {
    const r = await aliasFind.first(this.#t, poolId, kind, valueKey);
    return r && toAlias(r);
  }

  async claim(a: AliasRecord): Promise<boolean> {
    if (changed(await aliasClaim.run(this.#t, a.poolId, a.kind, a.valueKey, a.username))) return true;
    const holder = await this.find(a.poolId, a.kind, a.valueKey);
    return holder?.username === a.username;
  }

  async transfer(a: AliasRecord): Promise<Username | null> {
    const before = await this.find(a.poolId, a.kind, a.valueKey);
    await this.#t.db
      .insertInto("aliases")
      .values({ pool_id: a.poolId, kind: a.kind, value_key: a.valueKey, username: a.username })
      .onConflict((oc) => oc.columns(["pool_id", "kind", "value_key"]).doUpdateSet({ username: a.username }))
      .execute();
    return before && before.username !== a.username ? before.username : null;
  }

  async release(poolId: string, kind: AliasKind, valueKey: string, username: Username): Promise<void> {
    await this.#t.db
      .deleteFrom("aliases")
      .where("pool_id", "=", poolId)
      .where("kind", "=", kind)
      .where("value_key", "=", valueKey)
      .where("username", "=", username)
      .execute();
  }

  async listForUser(poolId: string, username: Username): Promise<AliasRecord[]> {
    const rows = await this.#t.db
      .selectFrom("aliases")
      .selectAll()
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .execute();
    return rows.map(toAlias);
  }
}
