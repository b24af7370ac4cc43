// SQL of the password history (migration 0014).
import type { Username } from "../../../domain/usernames.js";
import type { PasswordHistoryEntry, PasswordHistoryRepo } from "../../../ports/store/index.js";
import type { Target } from "../prepared.js";
import { num } from "./rows.js";

export class SqlPasswordHistory implements PasswordHistoryRepo {
  readonly #t: Target;
  constructor(t: Target) {
    this.#t = t;
  }

  async list(poolId: string, username: Username, limit: number): Promise<PasswordHistoryEntry[]> {
    if (limit <= 0) return [];
    const rows = await this.#t.db
      .selectFrom("password_history")
      .select(["srp_salt", "srp_verifier", "set_at"])
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .orderBy("seq", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ srp: { salt: r.srp_salt, verifier: r.srp_verifier }, setAt: num(r.set_at) }));
  }

  async remember(
    poolId: string,
    username: Username,
    entry: PasswordHistoryEntry,
    keep: number,
  ): Promise<void> {
    const db = this.#t.db;
    const mine = db
      .deleteFrom("password_history")
      .where("pool_id", "=", poolId)
      .where("username", "=", username);
    if (keep <= 0) {
      await mine.execute();
      return;
    }
    const top = await db
      .selectFrom("password_history")
      .select((eb) => eb.fn.max("seq").as("seq"))
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .executeTakeFirst();
    const last = top?.seq === null || top?.seq === undefined ? 0 : num(top.seq);
    const seq = last + 1;
    await db
      .insertInto("password_history")
      .values({
        pool_id: poolId,
        username,
        seq,
        srp_salt: entry.srp.salt,
        srp_verifier: entry.srp.verifier,
        set_at: entry.setAt,
      })
      .execute();
    // The newest `keep` are seq - keep + 1 … seq: every older one goes.
    await mine.where("seq", "<=", seq - keep).execute();
  }
}
