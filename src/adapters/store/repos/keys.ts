// SQL of the access keys. Their secrets are sealed here, on the way in and out.
import type { Selectable } from "kysely";
import type { AccessKeyRecord, AccessKeyRepo } from "../../../ports/store/index.js";
import type { Target } from "../prepared.js";
import type { AccessKeysTable } from "../schema.js";
import type { Sealer } from "../secretBox.js";
import { num, numOrNull } from "./rows.js";

export class SqlAccessKeys implements AccessKeyRepo {
  readonly #t: Target;
  readonly #box: Sealer;
  constructor(t: Target, box: Sealer) {
    this.#t = t;
    this.#box = box;
  }

  #toKey(r: Selectable<AccessKeysTable>): AccessKeyRecord {
    return {
      accessKeyId: r.access_key_id,
      secretAccessKey: this.#box.open(r.secret),
      description: r.description,
      createdAt: num(r.created_at),
      revokedAt: numOrNull(r.revoked_at),
    };
  }

  async create(k: AccessKeyRecord): Promise<void> {
    await this.#t.db
      .insertInto("access_keys")
      .values({
        access_key_id: k.accessKeyId,
        secret: this.#box.seal(k.secretAccessKey),
        description: k.description,
        created_at: k.createdAt,
        revoked_at: k.revokedAt,
      })
      .execute();
  }

  async get(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    const r = await this.#t.db
      .selectFrom("access_keys")
      .selectAll()
      .where("access_key_id", "=", accessKeyId)
      .executeTakeFirst();
    return r && this.#toKey(r);
  }

  async list(): Promise<AccessKeyRecord[]> {
    const rows = await this.#t.db
      .selectFrom("access_keys")
      .selectAll()
      .orderBy("created_at")
      .orderBy("access_key_id")
      .execute();
    return rows.map((r) => this.#toKey(r));
  }

  async revoke(accessKeyId: string, now: number): Promise<boolean> {
    const r = await this.#t.db
      .updateTable("access_keys")
      .set({ revoked_at: now })
      .where("access_key_id", "=", accessKeyId)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }
}
