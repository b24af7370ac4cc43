// DeleteGroup — deletes a group and its memberships (SigV4). A group with members may be
// deleted: it then no longer contributes to its users' next tokens (API reference).
import { fail } from "../protocol/errors.js";
import { GROUP_MESSAGES } from "../services/groups.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const DeleteGroup = defineOperation(
  "DeleteGroup",
  async (deps: Pick<Deps, "store" | "directory">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const deleted = await deps.store.transaction((tx) => tx.groups.delete(pool.id, input.GroupName));
    if (!deleted) fail("ResourceNotFoundException", GROUP_MESSAGES.notFound);
    return {};
  },
);
