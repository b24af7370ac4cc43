// SQL of the token signing keys. Private keys are sealed here, on the way in and out, bound
// to their pool and kid (so a sealed key moved onto another row does not open).
import type { Selectable } from "kysely";
import type { KeyUse, RsaPublicJwk } from "../../../domain/tokens/keys.js";
import type { SigningKeyRepo, StoredSigningKey } from "../../../ports/store/index.js";
import { prepared, type Target } from "../prepared.js";
import type { SigningKeysTable } from "../schema.js";
import type { Sealer } from "../secretBox.js";
import { changed, num, numOrNull } from "./rows.js";

/** What a signing key's seal is bound to (serverSecret.ts re-seals with the same context). */
export function signingKeyContext(poolId: string, kid: string): string {
  return `cognate:signing-key:v1:${poolId}:${kid}`;
}

const keysOfPool = prepared(1, (db, _e, poolId: string) =>
  db
    .selectFrom("signing_keys")
    .selectAll()
    .where("pool_id", "=", poolId)
    .orderBy("use")
    .orderBy("generation"),
);

export class SqlSigningKeys implements SigningKeyRepo {
  readonly #t: Target;
  readonly #box: Sealer;
  constructor(t: Target, box: Sealer) {
    this.#t = t;
    this.#box = box;
  }

  #toKey(r: Selectable<SigningKeysTable>): StoredSigningKey {
    return {
      poolId: r.pool_id,
      kid: r.kid,
      use: r.use as KeyUse,
      generation: num(r.generation),
      publicJwk: JSON.parse(r.public_jwk) as RsaPublicJwk,
      privatePkcs8: this.#box.open(r.private_key, signingKeyContext(r.pool_id, r.kid)),
      createdAt: num(r.created_at),
      retiredAt: numOrNull(r.retired_at),
    };
  }

  async listForPool(poolId: string): Promise<StoredSigningKey[]> {
    return (await keysOfPool.rows(this.#t, poolId)).map((r) => this.#toKey(r));
  }

  async insertIfAbsent(k: StoredSigningKey): Promise<boolean> {
    const r = await this.#t.db
      .insertInto("signing_keys")
      .values({
        pool_id: k.poolId,
        kid: k.kid,
        use: k.use,
        generation: k.generation,
        public_jwk: JSON.stringify({ kty: k.publicJwk.kty, n: k.publicJwk.n, e: k.publicJwk.e }),
        private_key: this.#box.seal(k.privatePkcs8, signingKeyContext(k.poolId, k.kid)),
        created_at: k.createdAt,
        retired_at: k.retiredAt,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async retire(poolId: string, kid: string, at: number): Promise<boolean> {
    const r = await this.#t.db
      .updateTable("signing_keys")
      .set({ retired_at: at })
      .where("pool_id", "=", poolId)
      .where("kid", "=", kid)
      .where("retired_at", "is", null)
      .executeTakeFirst();
    return changed({ numAffectedRows: r.numUpdatedRows });
  }
}
