// SQL of the meta facts.
import type { MetaRepo } from "../../../ports/store/index.js";
import type { Target } from "../prepared.js";

export class SqlMeta implements MetaRepo {
  readonly #t: Target;
  constructor(t: Target) {
    this.#t = t;
  }

  async get(key: string): Promise<string | undefined> {
    const r = await this.#t.db.selectFrom("meta").select("value").where("key", "=", key).executeTakeFirst();
    return r?.value;
  }

  async setIfAbsent(key: string, value: string): Promise<string> {
    await this.#t.db
      .insertInto("meta")
      .values({ key, value })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const r = await this.#t.db
      .selectFrom("meta")
      .select("value")
      .where("key", "=", key)
      .executeTakeFirstOrThrow();
    return r.value;
  }
}
