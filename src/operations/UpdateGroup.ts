// UpdateGroup — changes a group's description, IAM role or precedence (SigV4). Members that
// are not sent keep their values; the next tokens of the group's users carry the change.
import { fail } from "../protocol/errors.js";
import { GROUP_MESSAGES, groupType } from "../services/groups.js";
import { defineOperation } from "./define.js";
import type { Deps } from "./deps.js";

export const UpdateGroup = defineOperation(
  "UpdateGroup",
  async (deps: Pick<Deps, "store" | "directory" | "clock">, input) => {
    const pool = await deps.directory.pool(input.UserPoolId);
    const now = deps.clock.now();
    const updated = await deps.store.transaction(async (tx) => {
      const g = await tx.groups.get(pool.id, input.GroupName);
      if (!g) return undefined;
      const next = {
        ...g,
        description: input.Description ?? g.description,
        roleArn: input.RoleArn ?? g.roleArn,
        precedence: input.Precedence ?? g.precedence,
        updatedAt: now,
      };
      return (await tx.groups.update(next)) ? next : undefined;
    });
    if (!updated) fail("ResourceNotFoundException", GROUP_MESSAGES.notFound);
    return { Group: groupType(updated) };
  },
);
