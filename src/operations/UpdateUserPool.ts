// UpdateUserPool — replaces the pool's updatable settings; those not sent return to their
// defaults, as in Cognito (SigV4).
import { updatePoolConfig } from "../domain/pool.js";
import { fail, messages } from "../protocol/errors.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

type Outcome = { kind: "ok" } | { kind: "noPool" };

export const UpdateUserPool = defineOperation(
  "UpdateUserPool",
  async (deps: Pick<Deps, "store" | "clock" | "directory">, input) => {
    const id = input.UserPoolId;
    const now = deps.clock.now();
    // updatePoolConfig throws InvalidParameterException for invalid settings; nothing has been
    // written then, so the transaction rolls back empty.
    const outcome = await deps.store.transaction(async (tx): Promise<Outcome> => {
      const pool = await tx.pools.get(id);
      if (!pool) return { kind: "noPool" };
      await tx.pools.update({
        ...pool,
        name: input.PoolName ?? pool.name,
        config: updatePoolConfig(pool.config, input),
        lastModifiedDate: now,
      });
      return { kind: "ok" };
    });
    if (outcome.kind === "noPool") fail("ResourceNotFoundException", messages.poolNotFound(id));
    deps.directory.forgetPool(id);
    return {};
  },
);
