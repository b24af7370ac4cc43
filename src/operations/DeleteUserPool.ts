// DeleteUserPool — deletes a pool with its clients and users, unless deletion protection is
// on (SigV4).
import { fail, messages } from "../protocol/errors.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

type Outcome = { kind: "ok" } | { kind: "noPool" } | { kind: "protected" };

export const DeleteUserPool = defineOperation(
  "DeleteUserPool",
  async (deps: Pick<Deps, "store" | "directory">, input) => {
    const id = input.UserPoolId;
    const outcome = await deps.store.transaction(async (tx): Promise<Outcome> => {
      const pool = await tx.pools.get(id);
      if (!pool) return { kind: "noPool" };
      if (pool.config.DeletionProtection === "ACTIVE") return { kind: "protected" };
      await tx.pools.delete(id);
      return { kind: "ok" };
    });
    if (outcome.kind === "noPool") fail("ResourceNotFoundException", messages.poolNotFound(id));
    if (outcome.kind === "protected") {
      fail(
        "InvalidParameterException",
        "The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.",
      );
    }
    deps.directory.forgetPool(id);
    return {};
  },
);
