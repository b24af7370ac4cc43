// AdminRemoveUserFromGroup — takes a user out of a group (SigV4); a user who is not in it
// stays out, without an error. The user's next tokens no longer carry the group.
import { fail, messages } from "../protocol/errors.js";
import { requireGroup } from "../services/groups.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminRemoveUserFromGroup = defineOperation(
  "AdminRemoveUserFromGroup",
  async (deps: Pick<Deps, "store" | "directory">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    await requireGroup(deps, pool, input.GroupName);
    const found = await findUser(deps.store.read, pool, input.Username);
    if (!found) fail("UserNotFoundException", messages.userNotFound);
    await deps.store.transaction((tx) => tx.groups.removeMember(pool.id, input.GroupName, found.username));
    return {};
  },
);
