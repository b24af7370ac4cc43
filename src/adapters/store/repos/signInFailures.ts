// SQL of the failed sign-in counts (migration 0007).
import type { Username } from "../../../domain/usernames.js";
import type { SignInFailureRepo, SignInFailures } from "../../../ports/store/index.js";
import { prepared, type Target } from "../prepared.js";
import { num } from "./rows.js";

// Read by every password and SRP sign-in (the lock-out check): built once (prepared.ts).
const failuresOf = prepared(2, (db, _e, poolId: string, username: string) =>
  db
    .selectFrom("sign_in_failures")
    .select(["failures", "last_failure_at"])
    .where("pool_id", "=", poolId)
    .where("username", "=", username),
);

export class SqlSignInFailures implements SignInFailureRepo {
  readonly #t: Target;
  constructor(t: Target) {
    this.#t = t;
  }

  async get(poolId: string, username: Username): Promise<SignInFailures | undefined> {
    const r = await failuresOf.first(this.#t, poolId, username);
    return r ? { failures: num(r.failures), lastFailureAt: num(r.last_failure_at) } : undefined;
  }

  async put(poolId: string, username: Username, state: SignInFailures): Promise<void> {
    await this.#t.db
      .insertInto("sign_in_failures")
      .values({ pool_id: poolId, username, failures: state.failures, last_failure_at: state.lastFailureAt })
      .onConflict((oc) =>
        oc
          .columns(["pool_id", "username"])
          .doUpdateSet({ failures: state.failures, last_failure_at: state.lastFailureAt }),
      )
      .execute();
  }

  async clear(poolId: string, username: Username): Promise<void> {
    await this.#t.db
      .deleteFrom("sign_in_failures")
      .where("pool_id", "=", poolId)
      .where("username", "=", username)
      .execute();
  }
}
