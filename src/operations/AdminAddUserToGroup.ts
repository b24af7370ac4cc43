// AdminAddUserToGroup — puts a user in a group (SigV4). Adding a member again changes
// nothing; the user's next tokens carry the group.
import { fail, messages } from "../protocol/errors.js";
import { GROUP_MESSAGES, MAX_GROUPS_PER_USER, requireGroup } from "../services/groups.js";
import { findUser } from "../services/users.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const AdminAddUserToGroup = defineOperation(
  "AdminAddUserToGroup",
  async (deps: Pick<Deps, "store" | "directory" | "clock">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    await requireGroup(deps, pool, input.GroupName);
    const found = await findUser(deps.store.read, pool, input.Username);
    if (!found) fail("UserNotFoundException", messages.userNotFound);
    const now = deps.clock.now();
    const outcome = await deps.store.transaction(async (tx) => {
      // The user's lock orders concurrent additions, so the count below holds.
      if (!(await tx.users.getForUpdate(pool.id, found.username))) return "noUser" as const;
      if (!(await tx.groups.get(pool.id, input.GroupName))) return "noGroup" as const;
      if ((await tx.groups.countForUser(pool.id, found.username)) >= MAX_GROUPS_PER_USER) {
        // A member already is one of the 100: adding again is still a success.
        const mine = await tx.groups.listForUser(pool.id, found.username, MAX_GROUPS_PER_USER, null);
        return mine.some((g) => g.name === input.GroupName) ? ("ok" as const) : ("full" as const);
      }
      await tx.groups.addMember(pool.id, input.GroupName, found.username, now);
      return "ok" as const;
    });
    if (outcome === "noUser") fail("UserNotFoundException", messages.userNotFound);
    if (outcome === "noGroup") fail("ResourceNotFoundException", GROUP_MESSAGES.notFound);
    // AdminAddUserToGroup's modeled errors have no LimitExceededException.
    if (outcome === "full") fail("InvalidParameterException", GROUP_MESSAGES.userFull);
    return {};
  },
);
